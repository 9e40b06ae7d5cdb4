"""Councils' returns: recognise, validate, preview, store as versions, withdraw, compare, catalogue.

The one path every upload takes (the Data page, the other pages' uploaders, the CLI, tests):

    prepared = prepare(kind, path, engine, council=...)   # read + validate, nothing stored
    preview(prepared, engine)                               # what would be added/changed/removed
    submit(kind, path, engine, who=..., accept=...)         # one transaction, a new version

An accepted upload becomes version N+1 of one council's return of one type and replaces
exactly what the file holds (see each type's ``held`` rule): never rows of another council,
another document, another period or another household type. Each version keeps the rows it
stored and the rows it replaced, so any version stays readable, two versions can be compared
and the newest can be withdrawn (putting back what it replaced). Every change is appended to
the audit log with who, when, what and the file's SHA-256.

Importers only read files; this module (through :func:`regional.db.write_session`) writes.
Another return type registers a :class:`ReturnType` with :func:`register`.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import Date, DateTime, Engine, Integer, delete, func, select
from sqlmodel import Session

from regional import db, models
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers.reader import checkpoint, upload_budget
from regional.settings import DATA_DIR

REPORT_COLUMNS = ["sheet", "row", "column", "value", "severity", "problem", "expected"]
DIFF_COLUMNS = ["change", "key", "before", "after"]
ROLES = ("editor", "admin")


class NotAllowed(DataError):
    """The person may not change this council's data."""


@dataclass(frozen=True)
class Actor:
    """Who is writing: an email (or login name), a role and, for an editor, their council."""

    who: str
    role: str = "admin"
    council: str | None = None


def can_write(actor: Actor, council: str) -> bool:
    """A regional admin writes any council; a council editor only their own."""
    return actor.role == "admin" or (actor.role == "editor" and actor.council == council)


def require_write(actor: Actor, council: str, index: AreaIndex | None = None) -> None:
    if not can_write(actor, council):
        name = index.name_of(council) if index is not None else council
        mine = f" (yours is {index.name_of(actor.council) if index is not None and actor.council else actor.council})" \
            if actor.council else ""
        raise NotAllowed(f"{actor.who} is a {actor.role} and may not change {name}'s data{mine}",
                         expected="a council editor of that council, or a regional admin")


# --- return types -------------------------------------------------------------------------
@dataclass
class Read:
    """What a reader gives back: rows for the table, their sources, and problems found."""

    rows: pd.DataFrame
    sources: pd.DataFrame
    report: pd.DataFrame
    accepted_rows_only: bool = False  # some rows were refused and the rest may load (SSDA903)
    detail: object = None  # the importer's own result, for pages that show more of it


@dataclass
class ReturnType:
    """One kind of return the platform reads.

    ``read(path, index, name, council)`` validates a file (nothing stored);
    ``held(session, prepared)`` selects the rows already stored that this file replaces;
    ``key``/``values`` name a row's identity and its figures, for previews and diffs.
    """

    id: str
    label: str
    table: type
    headers: set[str]
    read: Callable[[Path, AreaIndex, str, str | None], Read]
    held: Callable[[Session, "Prepared"], pd.DataFrame]
    key: list[str]
    values: list[str]
    template: Path | None = None
    guide: Path | None = None
    #: ``check(engine, rows, sources, index)``: findings against what is held (the consistency
    #: rules for indicator returns); an ``error`` finding refuses the file, warnings are reported.
    check: Callable[[Engine, pd.DataFrame, pd.DataFrame, AreaIndex], pd.DataFrame] | None = None


REGISTRY: dict[str, ReturnType] = {}


def register(kind: ReturnType) -> ReturnType:
    REGISTRY[kind.id] = kind
    return kind


def recognise(path: Path) -> str:
    """The return type whose required headers the file has (the most specific match)."""
    from regional.importers.council_return import read_table

    frame = read_table(Path(path))
    columns = {str(c).strip().lower() for c in frame.columns}
    matches = [k for k in REGISTRY.values() if {h.lower() for h in k.headers} <= columns]
    if not matches:
        raise DataError("the headers match no return the platform reads", file=Path(path).name, row=1,
                        expected="; ".join(f"{k.label}: {', '.join(sorted(k.headers))}" for k in REGISTRY.values()))
    return max(matches, key=lambda k: len(k.headers)).id


@dataclass
class Prepared:
    """A file read and validated for one council; nothing stored yet."""

    kind: ReturnType
    file_name: str
    sha256: str
    council: str
    rows: pd.DataFrame
    sources: pd.DataFrame
    report: pd.DataFrame
    accepted_rows_only: bool = False
    periods: list[str] = field(default_factory=list)
    detail: object = None
    findings: pd.DataFrame | None = None  # the type's own checks against what is held (see ReturnType.check)

    @property
    def errors(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "warning"]

    @property
    def storable(self) -> bool:
        """A file with errors stores nothing, except an SSDA903 extract whose ``rows`` are its valid rows."""
        return self.errors.empty or self.accepted_rows_only

    def summary(self) -> dict[str, int]:
        bad = set(self.errors["row"].dropna().astype(int))
        return {"rows_ok": len(self.rows) if self.storable else 0, "warnings": len(self.warnings),
                "errors": len(self.errors), "rows_with_errors": len(bad)}


def file_sha256(path: Path | list[Path]) -> str:
    """The file's SHA-256 (of a return in several files: of their hashes, in order)."""
    if isinstance(path, list):
        if len(path) == 1:
            return file_sha256(path[0])
        return hashlib.sha256("".join(file_sha256(p) for p in path).encode()).hexdigest()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def area_index(engine: Engine) -> AreaIndex:
    areas = db.read_table(engine, models.Area)
    areas["old_la_code"] = areas["old_la_code"].astype("Int64")
    return AreaIndex(areas)


def _budget_name(path: Path | list[Path] | None, display_name: str | list[str] | None) -> str:
    names = display_name if display_name else [Path(p).name for p in path] if isinstance(path, list) else \
        Path(path).name if path else "the upload"
    return ", ".join(names) if isinstance(names, list) else names


def prepare(kind: str, path: Path | list[Path], engine: Engine, *, council: str | None = None,
            display_name: str | list[str] | None = None, index: AreaIndex | None = None) -> Prepared:
    """Read and validate ``path`` as a return of ``kind`` for one council. Nothing is stored.

    The council is the one named, or the one the file is about; a row for another council
    is an error (it never replaces that council's data). Reading, validation and the type's
    checks share one time and memory budget (:func:`regional.importers.reader.upload_budget`).
    """
    with upload_budget(_budget_name(path, display_name)):
        return _prepare(kind, path, engine, council=council, display_name=display_name, index=index)


def _prepare(kind: str, path: Path | list[Path], engine: Engine, *, council: str | None,
             display_name: str | list[str] | None, index: AreaIndex | None) -> Prepared:
    return_type = REGISTRY[kind]
    if isinstance(path, list):  # a return in several files (SSDA903 tables)
        path = [Path(p) for p in path]
        names = display_name if isinstance(display_name, list) else [p.name for p in path]
        name: str | list[str] = names if len(path) > 1 else names[0]
        read_path: Path | list[Path] = path if len(path) > 1 else path[0]
    else:
        name, read_path = display_name or Path(path).name, Path(path)
    index = index or area_index(engine)
    code = index.resolve(council, column="council") if council else None
    result = return_type.read(read_path, index, name, code)
    name = ", ".join(name) if isinstance(name, list) else name
    rows, report = result.rows, result.report
    councils = index.areas.loc[index.areas["level"] == "la", "code"]
    in_rows = [c for c in pd.unique(rows["area_code"]) if c in set(councils)] if len(rows) else []
    if code is None:
        if len(in_rows) > 1:
            counts = rows["area_code"].value_counts()
            raise DataError(f"the file holds rows for {len(in_rows)} councils "
                            f"({', '.join(index.name_of(c) for c in counts.index[:4])}); a return is one council's",
                            file=name, column="council", expected="one council's rows (or choose the council)")
        code = in_rows[0] if in_rows else (rows["area_code"].iloc[0] if len(rows) else "")
    elif kind != "ssda903" and len(rows):
        other = rows[rows["area_code"].isin(councils) & (rows["area_code"] != code)]
        if len(other):
            extra = pd.DataFrame({"sheet": "", "row": other.get("row", pd.Series([None] * len(other))).to_numpy(),
                                  "column": "council", "value": other["area_code"].map(index.name_of).to_numpy(),
                                  "severity": "error", "problem": "a row for another council",
                                  "expected": f"rows for {index.name_of(code)} only"})
            report = pd.concat([report, extra], ignore_index=True)
    findings = None
    if return_type.check is not None and len(rows):
        checkpoint()
        findings = return_type.check(engine, rows, result.sources, index)
        report = pd.concat([report, _findings_report(findings)], ignore_index=True)
    rows = rows.drop(columns=[c for c in ("row",) if c in rows.columns])
    periods = sorted(set(map(str, rows["period_label"]))) if "period_label" in rows.columns else \
        sorted(set(map(str, rows.get("collection_year", pd.Series(dtype=str)))))
    return Prepared(return_type, name, file_sha256(path), code, rows.reset_index(drop=True), result.sources,
                    report[REPORT_COLUMNS].reset_index(drop=True), result.accepted_rows_only, periods, result.detail,
                    findings)


def _refuse(prepared: Prepared) -> None:
    from regional.importers.council_return import ReturnInvalid

    problems = [DataError(r.problem, file=prepared.file_name, row=None if pd.isna(r.row) else int(r.row),
                          column=r.column or None, expected=r.expected or None)
                for r in prepared.errors.itertuples()]
    raise ReturnInvalid(problems)


# --- storing --------------------------------------------------------------------------------
@dataclass
class SubmitResult:
    """What an upload did: a new version, or nothing because nothing changed."""

    version: int | None  # ReturnVersion.id, None when unchanged
    number: int | None
    rows: int
    diff: pd.DataFrame
    unchanged: bool
    prepared: Prepared


def submit(kind: str, path: Path | None, engine: Engine, *, who: str | Actor, council: str | None = None,
           display_name: str | None = None, accept: bool = False, prepared: Prepared | None = None) -> SubmitResult:
    """Validate and store one file as a new version, in one transaction (or refuse it whole).

    A file with errors is refused, except that an SSDA903 extract whose report the user
    accepted (``accept``) stores its valid rows only. Identical content is a no-op. Checking the
    file keeps within the upload's time and memory budget, storing it within the memory budget;
    spending either refuses the file and stores nothing.
    """
    index = area_index(engine)
    prepared = prepared or prepare(kind, path, engine, council=council, display_name=display_name, index=index)
    with upload_budget(prepared.file_name, timed=False):
        return _store(prepared, engine, who=who, accept=accept, index=index)


def _store(prepared: Prepared, engine: Engine, *, who: str | Actor, accept: bool, index: AreaIndex) -> SubmitResult:
    actor = who if isinstance(who, Actor) else Actor(who)
    if len(prepared.errors) and not (prepared.accepted_rows_only and accept):
        _refuse(prepared)  # first: a refused file says what is wrong with it, whoever sent it
    require_write(actor, prepared.council, index)
    if prepared.rows.empty:
        raise DataError("no valid rows to store", file=prepared.file_name)
    return_type = prepared.kind
    with db.write_session(engine, prepared.council, return_type.id) as session:
        rows, sources = _resolve_sources(session, prepared)
        held = return_type.held(session, _with(prepared, rows))
        change = diff(held, rows, return_type.key, return_type.values)
        checkpoint()
        now = datetime.now(timezone.utc)
        if change.empty:
            db.audit(session, actor.who, "unchanged", return_type=return_type.id, area_code=prepared.council,
                     file_name=prepared.file_name, file_sha256=prepared.sha256,
                     detail=f"{len(rows)} rows identical to those held; no new version")
            return SubmitResult(None, None, 0, change, True, prepared)
        number = (session.execute(select(func.max(models.ReturnVersion.number)).where(
            models.ReturnVersion.return_type == return_type.id,
            models.ReturnVersion.area_code == prepared.council)).scalar() or 0) + 1
        counts = change["change"].value_counts()
        version = models.ReturnVersion(
            return_type=return_type.id, area_code=prepared.council, number=number, periods="; ".join(prepared.periods),
            scope=_scope(prepared, rows), file_name=prepared.file_name, file_sha256=prepared.sha256, rows=len(rows),
            added=int(counts.get("added", 0)), changed=int(counts.get("changed", 0)),
            removed=int(counts.get("removed", 0)), loaded_at=now, loaded_by=actor.who,
            rows_json=_pack(rows), replaced_json=_pack(held.drop(columns=["id"], errors="ignore"),
                                                       _held_sources(session, sources)))
        checkpoint()
        session.add(version)
        session.flush()
        table = return_type.table
        if len(held):
            ids = [int(i) for i in held["id"]]
            for start in range(0, len(ids), 5000):
                session.execute(delete(table).where(table.id.in_(ids[start:start + 5000])))
        for source in db.records(sources.assign(loaded_at=now, loaded_by=actor.who, origin="upload")):
            session.merge(models.Source(**{k: v for k, v in source.items() if k in models.Source.model_fields}))
        session.flush()
        _insert(session, table, rows.assign(version_id=version.id))
        if return_type.id == "ssda903":
            session.add(models.PlacementUpload(
                id=f"v{version.id}", area_code=prepared.council, file_name=prepared.file_name,
                extract_date=rows["extract_date"].iloc[0], rows=len(rows), rejected=int(prepared.summary()["rows_with_errors"]),
                warnings=len(prepared.warnings), key_origin="", loaded_at=now, loaded_by=actor.who))
        session.add(models.LoadRecord(kind=return_type.id, detail=f"{prepared.file_name}: version {number} for "
                                      f"{prepared.council}", fingerprint=prepared.sha256[:16], rows=len(rows),
                                      loaded_at=now, loaded_by=actor.who))
        db.audit(session, actor.who, "upload", return_type=return_type.id, area_code=prepared.council,
                 version_id=version.id, file_name=prepared.file_name, file_sha256=prepared.sha256,
                 detail=f"version {number}: {version.added} added, {version.changed} changed, "
                        f"{version.removed} removed; periods {version.periods}")
        version_id = version.id
    return SubmitResult(version_id, number, len(rows), change, False, prepared)


def load_council_return(path: Path, engine: Engine, *, display_name: str | None = None, loaded_by: str | None = None,
                        council: str | None = None, on_findings: Callable[[pd.DataFrame], object] | None = None) -> int:
    """An indicator return stored as a new version: the number of rows it holds (0 if identical).

    ``on_findings`` gets the consistency findings (warnings, and changes from the version
    replaced) before anything is stored; a rule marked ``error`` refuses the file.
    """
    prepared = prepare("council_return", Path(path), engine, council=council, display_name=display_name)
    if on_findings is not None and prepared.findings is not None:
        on_findings(prepared.findings)
    return submit("council_return", None, engine, who=loaded_by or db.current_user(), prepared=prepared).rows


def preview(prepared: Prepared, engine: Engine) -> pd.DataFrame:
    """What storing ``prepared`` would change (added / changed / removed), against what is held now."""
    with Session(engine) as session:
        rows, _ = _resolve_sources(session, prepared)
        held = prepared.kind.held(session, _with(prepared, rows))
    return diff(held, rows, prepared.kind.key, prepared.kind.values)


def withdraw(version_id: int, engine: Engine, *, who: str | Actor) -> int:
    """Withdraw a council's newest active version: its rows go, the rows it replaced come back."""
    actor = who if isinstance(who, Actor) else Actor(who)
    with Session(engine) as session:
        version = session.get(models.ReturnVersion, version_id)
        if version is None:
            raise DataError(f"there is no version {version_id}")
        kind, council = version.return_type, version.area_code
    require_write(actor, council, area_index(engine))
    return_type = REGISTRY[kind]
    with db.write_session(engine, council, kind) as session:
        version = session.get(models.ReturnVersion, version_id)
        if version.status != "active":
            raise DataError(f"version {version.number} is already withdrawn")
        newer = session.execute(select(models.ReturnVersion.number).where(
            models.ReturnVersion.return_type == kind, models.ReturnVersion.area_code == council,
            models.ReturnVersion.status == "active", models.ReturnVersion.number > version.number)).scalars().all()
        if newer:
            raise DataError(f"version {version.number} has newer versions ({', '.join(map(str, newer))}); "
                            "withdraw the newest first", expected="the newest active version")
        table = return_type.table
        session.execute(delete(table).where(table.version_id == version.id))
        replaced = _unpack(version.replaced_json)
        if len(replaced):
            _insert(session, table, replaced)
        earlier_sources = _unpack(version.replaced_json, "sources")
        for source in _coerced(models.Source, earlier_sources):
            session.merge(models.Source(**source))
        now = datetime.now(timezone.utc)
        version.status, version.withdrawn_at, version.withdrawn_by = "withdrawn", now, actor.who
        session.add(models.LoadRecord(kind=kind, detail=f"withdrew version {version.number} for {council}",
                                      rows=len(replaced), loaded_at=now, loaded_by=actor.who))
        db.audit(session, actor.who, "withdraw", return_type=kind, area_code=council, version_id=version.id,
                 file_name=version.file_name, file_sha256=version.file_sha256,
                 detail=f"version {version.number} withdrawn; {len(replaced)} earlier rows restored")
        return len(replaced)


# --- reading versions -----------------------------------------------------------------------
def versions(engine: Engine, kind: str | None = None, council: str | None = None) -> pd.DataFrame:
    """Every version (newest first), without their rows."""
    cols = [c for c in models.ReturnVersion.__table__.columns if c.name not in ("rows_json", "replaced_json")]
    query = select(*cols).order_by(models.ReturnVersion.id.desc())
    if kind:
        query = query.where(models.ReturnVersion.return_type == kind)
    if council:
        query = query.where(models.ReturnVersion.area_code == council)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def version_rows(engine: Engine, version_id: int) -> pd.DataFrame:
    with Session(engine) as session:
        version = session.get(models.ReturnVersion, version_id)
        if version is None:
            raise DataError(f"there is no version {version_id}")
        return _unpack(version.rows_json)


def diff_versions(engine: Engine, older: int, newer: int) -> pd.DataFrame:
    """What changed from one version's rows to another's (same council and return type)."""
    with Session(engine) as session:
        a, b = session.get(models.ReturnVersion, older), session.get(models.ReturnVersion, newer)
        if a is None or b is None or (a.return_type, a.area_code) != (b.return_type, b.area_code):
            raise DataError("compare two versions of the same council's return")
        kind = REGISTRY[a.return_type]
        return diff(_unpack(a.rows_json), _unpack(b.rows_json), kind.key, kind.values)


CATALOGUE_COLUMNS = ["council_code", "council", "return_type", "version", "status", "periods", "rows", "loaded_at",
                     "loaded_by", "file_name", "file_sha256"]


def catalogue(engine: Engine) -> pd.DataFrame:
    """Per council and return: the current (newest active) version and what it holds."""
    frame = versions(engine)
    frame = frame[frame["status"] == "active"].sort_values("number").drop_duplicates(
        ["return_type", "area_code"], keep="last")
    index = area_index(engine)
    out = pd.DataFrame({
        "council_code": frame["area_code"], "council": frame["area_code"].map(index.name_of),
        "return_type": frame["return_type"], "version": frame["number"], "status": frame["status"],
        "periods": frame["periods"], "rows": frame["rows"], "loaded_at": frame["loaded_at"],
        "loaded_by": frame["loaded_by"], "file_name": frame["file_name"], "file_sha256": frame["file_sha256"]})
    return out.sort_values(["council", "return_type"]).reset_index(drop=True)[CATALOGUE_COLUMNS]


def audit_log(engine: Engine) -> pd.DataFrame:
    frame = db.read_table(engine, models.AuditEntry).sort_values("id").reset_index(drop=True)
    frame["version_id"] = frame["version_id"].astype("Int64")
    return frame


# --- helpers --------------------------------------------------------------------------------
def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    return [_fmt(v) for v in frame[column].astype(object).tolist()]


def _canonical(frame: pd.DataFrame, key: list[str], values: list[str]) -> pd.DataFrame:
    """Each row as (key text, figures text): column by column, one Python call per cell."""
    if frame.empty:
        return pd.DataFrame(columns=["_key", "_values"])
    keys = [" | ".join(parts) for parts in zip(*(_texts(frame, c) for c in key))]
    labelled = [[f"{c}={t}" if t != "" else "" for t in _texts(frame, c)] for c in values]
    vals = ["; ".join(p for p in parts if p) for parts in zip(*labelled)]
    return pd.DataFrame({"_key": keys, "_values": vals})


def diff(before: pd.DataFrame, after: pd.DataFrame, key: list[str], values: list[str]) -> pd.DataFrame:
    """Rows added, changed (same key, other figures) and removed between two sets of rows."""
    old = _canonical(before, key, values).drop_duplicates("_key", keep="last").set_index("_key")["_values"]
    new = _canonical(after, key, values).drop_duplicates("_key", keep="last").set_index("_key")["_values"]
    out = []
    for k in new.index.difference(old.index):
        out.append(("added", k, "", new[k]))
    for k in new.index.intersection(old.index):
        if new[k] != old[k]:
            out.append(("changed", k, old[k], new[k]))
    for k in old.index.difference(new.index):
        out.append(("removed", k, old[k], ""))
    return pd.DataFrame(out, columns=DIFF_COLUMNS)


#: Rows written at a time when a version is packed or its rows inserted.
_SLICE = 5000


def _pack(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> bytes:
    """``{"columns": [...], "rows": [...], "sources": {...}}`` as gzipped JSON, written in slices of
    rows: a 200,000-row version costs a few MB of memory here, not the 700 MB of one whole dump."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6) as out:
        out.write(b'{"columns": ' + json.dumps(list(frame.columns)).encode() + b', "rows": [')
        for start in range(0, len(frame), _SLICE):
            if start:
                out.write(b", ")
            out.write(json.dumps(db.records(frame.iloc[start:start + _SLICE]), default=_json_default)[1:-1].encode())
            checkpoint()
        out.write(b"]")
        if sources is not None:
            part = {"columns": list(sources.columns), "rows": db.records(sources)}
            out.write(b', "sources": ' + json.dumps(part, default=_json_default).encode())
        out.write(b"}")
    return buffer.getvalue()


def _json_default(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _unpack(blob: bytes, part: str | None = None) -> pd.DataFrame:
    if not blob:
        return pd.DataFrame()
    data = json.loads(gzip.decompress(blob))
    if part:
        data = data.get(part, {"rows": [], "columns": []})
    return pd.DataFrame(data["rows"], columns=data["columns"])


def _held_sources(session: Session, sources: pd.DataFrame) -> pd.DataFrame:
    """The source rows an upload is about to overwrite, so withdrawing it puts them back."""
    if sources.empty:
        return pd.DataFrame()
    return _held_frame(session, models.Source, models.Source.id.in_(list(sources["id"])))


def _insert(session: Session, table, frame: pd.DataFrame) -> None:
    """Rows inserted a slice at a time (each slice made into driver rows only when it is sent)."""
    for start in range(0, len(frame), _SLICE):
        rows = _coerced(table, frame.iloc[start:start + _SLICE])
        db.insert_rows(session, table, rows)
        checkpoint()


def _coerced(table, frame: pd.DataFrame) -> list[dict]:
    """Rows for ``table``, with ISO text (from a stored version) turned back into dates."""
    columns = {c.name: getattr(c.type, "impl", c.type) for c in table.__table__.columns}
    serial = isinstance(columns.get("id"), Integer)  # a fresh row id, never the old one
    frame = frame[[c for c in frame.columns if c in columns and not (c == "id" and serial)]].copy()
    for name in frame.columns:
        kind = columns[name]
        if isinstance(kind, (Date, DateTime)):
            to_date = not isinstance(kind, DateTime)
            frame[name] = pd.Series([_as_date(v, to_date) for v in frame[name].astype(object).tolist()],
                                    index=frame.index, dtype=object)
    return db.records(frame)


def _as_date(value: object, to_date: bool) -> object:
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        if not value:
            return None
        return date.fromisoformat(value[:10]) if to_date else datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        return value.date() if to_date else value.to_pydatetime()
    return value


def _with(prepared: Prepared, rows: pd.DataFrame) -> Prepared:
    return Prepared(prepared.kind, prepared.file_name, prepared.sha256, prepared.council, rows, prepared.sources,
                    prepared.report, prepared.accepted_rows_only, prepared.periods, prepared.detail)


def _resolve_sources(session: Session, prepared: Prepared) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give each document the id it already has in the database when one with the same full
    identity (kind, publisher, title, edition) is held, so re-uploads replace, never duplicate."""
    sources, rows = prepared.sources.copy(), prepared.rows.copy()
    if sources.empty or "source_id" not in rows.columns or prepared.kind.id == "ssda903":
        return rows, sources
    renames = {}
    for src in sources.to_dict("records"):
        query = select(models.Source.id).where(models.Source.kind == src["kind"], models.Source.publisher ==
                                               src["publisher"], models.Source.title == src["title"])
        if prepared.kind.id == "council_return":
            query = query.where(models.Source.edition == src["edition"])
        else:  # the edition names the file; the id's prefix names the return type
            query = query.where(models.Source.id.like(src["id"].split("-")[0] + "-%"))
        found = session.execute(query.order_by(models.Source.origin.desc())).scalars().first()
        if found and found != src["id"]:
            renames[src["id"]] = found
    if renames:
        rows["source_id"] = rows["source_id"].replace(renames)
        sources["id"] = sources["id"].replace(renames)
    return rows, sources


def _scope(prepared: Prepared, rows: pd.DataFrame) -> str:
    if prepared.kind.id == "fostering_pipeline":
        return "household types: " + ", ".join(sorted(set(rows["household_type"])))
    if prepared.kind.id == "ssda903":
        return ("complete extract for collection years " if not prepared.accepted_rows_only or prepared.errors.empty
                else "accepted rows only (matching episodes replaced) for ") + ", ".join(prepared.periods)
    if "source_id" in rows.columns and len(prepared.sources):
        titles = prepared.sources.set_index("id")["title"] if "title" in prepared.sources.columns else {}
        return "documents: " + "; ".join(sorted({str(titles.get(s, s)) for s in rows["source_id"]}))
    return ""


def _held_frame(session: Session, table, *conditions) -> pd.DataFrame:
    result = session.execute(select(table.__table__).where(*conditions))
    return pd.DataFrame(result.mappings().all(), columns=[c.name for c in table.__table__.columns])


# --- the four return types ------------------------------------------------------------------
def _problems_report(exc: DataError) -> pd.DataFrame:
    problems = getattr(exc, "problems", [exc])
    return pd.DataFrame([{"sheet": "", "row": p.row, "column": p.column or "", "value": "", "severity": "error",
                          "problem": p.problem, "expected": p.expected or ""} for p in problems], columns=REPORT_COLUMNS)


def _empty_report() -> pd.DataFrame:
    return pd.DataFrame(columns=REPORT_COLUMNS)


def _read_council_return(path: Path, index: AreaIndex, name: str, council: str | None) -> Read:
    from regional.importers.council_return import read_council_return

    try:
        obs, sources = read_council_return(path, index, index_indicators(), display_name=name, with_rows=True)
    except DataError as exc:
        return Read(pd.DataFrame(columns=["area_code", "period_label"]), pd.DataFrame(), _problems_report(exc))
    return Read(obs, sources, _empty_report())


_INDICATORS: dict[str, str] = {}


def index_indicators() -> dict[str, str]:
    """Indicator ids the catalogue file defines (what a council return may name), each with its
    period type (so a snapshot's label reads "at 26 February 2026", a change's "to 31 March 2024")."""
    if not _INDICATORS:
        from regional.indicators import read_catalogue

        catalogue = read_catalogue()
        _INDICATORS.update(zip(catalogue["id"], catalogue["period_type"]))
    return _INDICATORS


def _check_council_return(engine: Engine, rows: pd.DataFrame, sources: pd.DataFrame, index: AreaIndex) -> pd.DataFrame:
    """The consistency rules (data/rules.csv) over what will be held once this file lands, and the
    changes from the version it replaces; only the uploaded councils' and England's rows are read."""
    from regional.authorities import ENGLAND_CODE
    from regional.consistency import upload_findings

    wanted = sorted(set(rows["area_code"]) | {ENGLAND_CODE})
    with engine.connect() as conn:
        held = pd.read_sql(select(models.Observation).where(models.Observation.area_code.in_(wanted)), conn)
    held = held.drop(columns=[c for c in ("id", "version_id") if c in held.columns])
    held_sources = db.read_table(engine, models.Source)
    new = rows.drop(columns=[c for c in ("row",) if c in rows.columns])
    return upload_findings(held, held_sources, new, sources, index.areas)


def _findings_report(findings: pd.DataFrame) -> pd.DataFrame:
    """Consistency findings as validation-report rows (an ``error`` rule refuses the file)."""
    if findings is None or findings.empty:
        return _empty_report()
    problem = [f"consistency rule '{r.rule}' " + ("failed" if r.severity == "error" else "finding")
               + f" for {r.council}: {r.message}" for r in findings.itertuples()]
    return pd.DataFrame({"sheet": "", "row": None, "column": "value",
                         "value": findings.get("figure", pd.Series([""] * len(findings))).astype(str).to_numpy(),
                         "severity": findings["severity"].where(findings["severity"] == "error", "warning").to_numpy(),
                         "problem": problem, "expected": "figures that agree within the rule's tolerance"},
                        columns=REPORT_COLUMNS)


def _held_by_source_and_period(table) -> Callable[[Session, Prepared], pd.DataFrame]:
    """Rows of the file's documents for the periods the file gives for each document."""

    def held(session: Session, prepared: Prepared) -> pd.DataFrame:
        rows = prepared.rows
        if rows.empty:
            return _held_frame(session, table, table.id < 0)
        frame = _held_frame(session, table, table.source_id.in_(sorted(set(rows["source_id"]))))
        if frame.empty:
            return frame
        wanted = set(zip(rows["source_id"], rows["period"].map(_fmt)))
        mask = [(s, _fmt(p)) in wanted for s, p in zip(frame["source_id"], frame["period"])]
        return frame[mask].reset_index(drop=True)

    return held


def _read_pipeline(path: Path, index: AreaIndex, name: str, council: str | None) -> Read:
    from regional.importers.fostering_pipeline import read_pipeline_return

    try:
        result = read_pipeline_return(path, index, display_name=name)
    except DataError as exc:
        return Read(pd.DataFrame(columns=["area_code", "period_label"]), pd.DataFrame(), _problems_report(exc))
    warnings = pd.DataFrame([{"sheet": "", "row": None, "column": "", "value": "", "severity": "warning",
                              "problem": w, "expected": ""} for w in result.warnings], columns=REPORT_COLUMNS)
    return Read(result.rows, result.sources, warnings, detail=result)


def _held_pipeline(session: Session, prepared: Prepared) -> pd.DataFrame:
    """The council's rows that overlap a row of the file in time, for the same household type
    (an 'all households' row overlaps both types). Nothing outside the file's own periods."""
    table = models.FosteringPipeline
    rows = prepared.rows
    frame = _held_frame(session, table, table.area_code == prepared.council,
                        table.source_id.in_(sorted(set(rows["source_id"]))))
    if frame.empty:
        return frame
    starts, ends = pd.to_datetime(frame["period_start"]), pd.to_datetime(frame["period"])
    mask = pd.Series(False, index=frame.index)
    for rec in rows.itertuples():
        same_type = (frame["household_type"] == rec.household_type) | (frame["household_type"] == "all") | \
            (rec.household_type == "all")
        mask |= same_type & (starts <= pd.Timestamp(rec.period)) & (ends >= pd.Timestamp(rec.period_start))
    return frame[mask].reset_index(drop=True)


def _frames_reader(module: str, function: str) -> Callable[[Path, AreaIndex, str, str | None], Read]:
    """A reader for an importer that returns (rows, sources) or raises every problem at once."""

    def read(path: Path, index: AreaIndex, name: str, council: str | None) -> Read:
        import importlib

        reader = getattr(importlib.import_module(module), function)
        try:
            rows, sources = reader(path, index, display_name=name)
        except DataError as exc:
            return Read(pd.DataFrame(columns=["area_code", "period_label"]), pd.DataFrame(), _problems_report(exc))
        return Read(rows, sources, _empty_report())

    return read


_read_local_provision = _frames_reader("regional.importers.local_provision", "read_local_provision")


def _read_ssda903(path: Path | list[Path], index: AreaIndex, name: str | list[str], council: str | None) -> Read:
    """An SSDA903 return (episodes CSV/XLSX, its other tables, or the XML). A row is an error here
    only when the importer refuses it; DfE's rule findings (which never refuse a row) are warnings."""
    from regional.importers import ssda903

    paths = path if isinstance(path, list) else [path]
    names = name if isinstance(name, list) else [name]
    try:
        result = ssda903.import_return(paths, index, council=council, display_names=names)
    except DataError as exc:
        return Read(pd.DataFrame(columns=["area_code", "collection_year"]), pd.DataFrame(), _problems_report(exc))
    raw = result.report
    rule = raw["rule"].fillna("").astype(str)
    report = pd.DataFrame({
        "sheet": raw["file"], "row": raw["row"], "column": raw["column"], "value": raw["value"],
        "severity": raw["refused"].map({True: "error", False: "warning"}),
        "problem": [f"DfE rule {r} ({sev}): {p}" if r else p for r, sev, p in zip(rule, raw["severity"], raw["problem"])],
        "expected": raw["expected"]}, columns=REPORT_COLUMNS)
    episodes = result.episodes
    if council is None and len(set(episodes["area_code"])) == 1:
        council = episodes["area_code"].iloc[0]
    if council is not None:
        # A row for another council is refused, never a replacement of that council's episodes.
        other = episodes["area_code"] != council
        if other.any():
            report = pd.concat([report, pd.DataFrame({
                "sheet": result.file, "row": episodes.loc[other, ssda903.ROW_COLUMN].to_numpy(), "column": "LA",
                "value": episodes.loc[other, "area_code"].map(index.name_of).to_numpy(), "severity": "error",
                "problem": "a row for another council", "expected": f"rows for {index.name_of(council)} only"})],
                ignore_index=True)
            episodes = episodes[~other]
    elif len(episodes):
        raise DataError(f"the file holds episodes for {episodes['area_code'].nunique()} councils; choose the council "
                        "the upload is for", file=result.file, column="LA", expected="one council's episodes")
    return Read(episodes.drop(columns=ssda903.ROW_COLUMN).reset_index(drop=True), pd.DataFrame(), report,
                accepted_rows_only=True, detail=result)


def _held_ssda903(session: Session, prepared: Prepared) -> pd.DataFrame:
    """Episodes the file replaces: the same child and start date; and, when the file is a
    complete extract (no row refused), every held episode of the collection years it covers.
    A file with refused rows never deletes an episode it does not itself give again."""
    table = models.PlacementEpisodeUpload
    frame = _held_frame(session, table, table.area_code == prepared.council)
    if frame.empty:
        return frame
    rows = prepared.rows
    keys = set(zip(rows["child"], rows["decom"].map(_fmt)))
    mask = pd.Series([(c, _fmt(d)) in keys for c, d in zip(frame["child"], frame["decom"])], index=frame.index)
    if prepared.errors.empty:
        mask |= frame["collection_year"].isin(set(rows["collection_year"]))
    return frame[mask].reset_index(drop=True)


def _read_action_plan(path: Path, index: AreaIndex, name: str, council: str | None) -> Read:
    from regional.importers.action_plan import LINE_COLUMNS, read_action_plan, sources

    lines, report = read_action_plan(path, index, display_name=name)
    found = sources(lines, index, name) if len(lines) else pd.DataFrame(columns=["id", "title"])
    problems = report.problems_frame()
    problems["severity"] = problems["severity"].replace({"note": "warning"})  # a status word read as another
    rows = lines[LINE_COLUMNS] if len(lines) else pd.DataFrame(columns=LINE_COLUMNS)
    return Read(rows.rename(columns={"source_row": "row"}).assign(source_row=rows["source_row"]), found, problems,
                detail=report)


def _held_action_plan(session: Session, prepared: Prepared) -> pd.DataFrame:
    """The council's lines of the plan versions the file gives (a new version leaves older ones be)."""
    table = models.ActionPlanLine
    rows = prepared.rows
    frame = _held_frame(session, table, table.area_code == prepared.council,
                        table.plan.in_(sorted(set(rows["plan"]))))
    if frame.empty:
        return frame
    wanted = set(zip(rows["plan"], rows["version"]))
    return frame[[(p, v) in wanted for p, v in zip(frame["plan"], frame["version"])]].reset_index(drop=True)


_OBS_KEY = ["area_code", "indicator_id", "period", "breakdown", "section", "source_id"]

register(ReturnType(
    "council_return", "Indicator return", models.Observation, {"council", "indicator", "period", "value"},
    _read_council_return, _held_by_source_and_period(models.Observation), _OBS_KEY, ["value", "status", "note"],
    DATA_DIR / "templates" / "council_return_example.csv", DATA_DIR / "templates" / "council_return.md",
    check=_check_council_return))
register(ReturnType(
    "fostering_pipeline", "Fostering recruitment pipeline", models.FosteringPipeline,
    {"council", "period", "enquiries", "approvals"}, _read_pipeline, _held_pipeline,
    ["area_code", "period_label", "household_type"],
    ["enquiries", "initial_visits", "applications", "assessments_started", "approvals", "deregistrations",
     "deregistration_reasons", "transfers_in", "transfers_out", "note"],
    DATA_DIR / "templates" / "fostering_pipeline_example.csv", DATA_DIR / "templates" / "fostering_pipeline.md"))
register(ReturnType(
    "local_provision", "Local provision (beds)", models.LocalProvision, {"council", "period", "setting_type"},
    _read_local_provision, _held_by_source_and_period(models.LocalProvision),
    ["area_code", "period", "setting_type", "setting_name", "source_id"],
    ["beds", "occupied_own", "occupied_other", "vacant", "own_use_pct", "grade", "urn", "note"],
    DATA_DIR / "templates" / "local_provision_example.csv", DATA_DIR / "templates" / "local_provision.md"))
register(ReturnType(
    "action_plan", "Action plan (RAG tracker)", models.ActionPlanLine, {"council", "plan", "version", "priority",
                                                                         "reference"},
    _read_action_plan, _held_action_plan, ["area_code", "plan", "version", "item", "reference"],
    ["priority", "action", "success_measure", "status", "status_original", "target_date", "owner", "progress",
     "impact", "note"],
    DATA_DIR / "templates" / "action_plan_example.csv", DATA_DIR / "templates" / "action_plan.md"))
register(ReturnType(
    "ssda903", "SSDA903 episodes extract", models.PlacementEpisodeUpload, {"child", "decom", "place"},
    _read_ssda903, _held_ssda903, ["child", "decom"],
    ["dec", "rne", "ls", "place", "place_provider", "rec", "reason_place_change", "urn", "uasc", "home_outcode",
     "pl_outcode", "pl_distance"],
    DATA_DIR / "templates" / "ssda903_example.csv", DATA_DIR / "templates" / "ssda903.md"))


# --- sufficiency plan inputs (issue 18) ------------------------------------------------------
def _read_population_projection(path: Path, index: AreaIndex, name: str, council: str | None) -> Read:
    from regional.importers.population_projection import read_projection

    try:
        rows, sources, notes = read_projection(path, index, council=council, display_name=name)
    except DataError as exc:
        return Read(pd.DataFrame(columns=["area_code", "period_label"]), pd.DataFrame(), _problems_report(exc))
    report = pd.DataFrame([{"sheet": "", "row": None, "column": "", "value": "", "severity": "warning", "problem": n,
                            "expected": ""} for n in notes], columns=REPORT_COLUMNS)
    return Read(rows, sources, report)


_read_planned_provision = _frames_reader("regional.importers.planned_provision", "read_planned_provision")


def _held_population_projection(session: Session, prepared: Prepared) -> pd.DataFrame:
    from regional.importers.population_projection import held

    return held(session, prepared)


register(ReturnType(
    "population_projection", "ONS population projection (children 0-17)", models.PopulationProjection,
    {"area_code", "age_group", "component", "sex"}, _read_population_projection, _held_population_projection,
    ["area_code", "period", "source_id"], ["population", "mid_year", "base_year", "matched"],
    DATA_DIR / "templates" / "population_projection_example.csv", DATA_DIR / "templates" / "population_projection.md"))
register(ReturnType(
    "planned_provision", "Planned homes (openings and closures)", models.PlannedProvision,
    {"council", "opens", "setting_type", "beds", "change"}, _read_planned_provision,
    _held_by_source_and_period(models.PlannedProvision), ["area_code", "period", "setting_type", "setting_name",
                                                          "source_id"],
    ["change", "beds", "stage", "note"],
    DATA_DIR / "templates" / "planned_provision_example.csv", DATA_DIR / "templates" / "planned_provision.md"))
