"""A council's own return of indicator values (CSV or XLSX), between DfE publications.

The template is documented in ``data/templates/council_return.md``. Every row names
the document it came from, so each figure keeps its source; two documents that
disagree both stay.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import require_columns
from regional.observations import OBS_COLUMNS, parse_period

REQUIRED = ["council", "indicator", "period", "value"]
OPTIONAL = ["status", "breakdown", "document", "section", "published", "note"]
RETURN_STATUSES = {"ok", "provisional", "suppressed", "missing"}
BREAKDOWNS = {"", "sn_average", "target", "forecast"}


class ReturnInvalid(DataError):
    """A return with one or more bad rows; ``problems`` lists every one of them."""

    def __init__(self, problems: list[DataError]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        first = problems[0]
        super().__init__(first.problem + more, file=first.file, row=first.row, column=first.column,
                         expected=first.expected)


def read_table(path: Path, display_name: str | None = None, *, sheet: str | None = None) -> pd.DataFrame:
    """A CSV or an XLSX sheet (the one named ``sheet`` if there is one, else the first), as text,
    blanks as empty strings, column names stripped and lower-cased."""
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise DataError("file not found", file=str(path))
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            sheets = pd.ExcelFile(path).sheet_names
            chosen = next((s for s in sheets if sheet and s.strip().lower() == sheet.lower()), sheets[0])
            frame = pd.read_excel(path, sheet_name=chosen, dtype=str).fillna("")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # openpyxl and the CSV parser raise many types
        raise DataError(f"cannot read the file as {'XLSX' if path.suffix.lower() == '.xlsx' else 'CSV'}: {exc}",
                        file=name) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def read_template(path: Path, required: list[str], optional: list[str], name: str) -> pd.DataFrame:
    """A documented return: the required columns present, no unknown ones, optional ones
    filled with blanks, wholly blank spreadsheet rows dropped, at least one row left."""
    frame = read_table(Path(path), name)
    require_columns(frame, required, name)
    unknown = [c for c in frame.columns if c not in required + optional]
    if unknown:
        raise DataError(f"unknown column(s): {', '.join(unknown)}", file=name, row=1,
                        expected=", ".join(required + optional))
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[~(frame.astype(str).apply(lambda s: s.str.strip()) == "").all(axis=1)]
    if frame.empty:
        raise DataError("the return has no rows", file=name, row=2)
    return frame


def validate_rows(frame: pd.DataFrame, check: Callable[[dict, int], dict]) -> list[dict]:
    """``check`` every row (with its spreadsheet row number); all problems are raised together."""
    problems: list[DataError] = []
    records: list[dict] = []
    for position, rec in enumerate(frame.to_dict("records")):
        try:
            records.append(check(rec, position + 2))
        except DataError as exc:
            problems.append(exc)
    if problems:
        raise ReturnInvalid(problems)
    return records


def published_date(rec: dict, fail: Callable[..., DataError]) -> str:
    """The row's ``published`` date as written (blank allowed); not a YYYY-MM-DD date is an error."""
    published = str(rec["published"]).strip()
    if published:
        try:
            date.fromisoformat(published)
        except ValueError:
            raise fail("published", f"'{published}' is not a date", "YYYY-MM-DD") from None
    return published


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def identity_hash(*parts: object) -> str:
    """A short hash of a document's full identity, so ids that shorten a long title for
    readability can never make two documents one (issue 11: a 60-character cut did)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:12]


def read_council_return(path: Path, areas: AreaIndex, indicator_ids: set[str], *,
                        display_name: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate every row; return (observations, sources) or raise ReturnInvalid listing all problems."""
    name = display_name or Path(path).name
    frame = read_template(path, REQUIRED, OPTIONAL, name)

    tidy = pd.DataFrame(validate_rows(frame, lambda rec, row: _row(rec, row, name, areas, indicator_ids)))
    # One document may quote two figures for the same thing in different sections: both stay.
    dupes = tidy.duplicated(["area_code", "indicator_id", "period", "document", "breakdown", "section"], keep=False)
    if dupes.any():
        rows = [int(i) + 2 for i in tidy.index[dupes]]
        raise ReturnInvalid([DataError(f"rows {', '.join(map(str, rows[:6]))} give the same council, indicator, "
                                       "period, document and section twice", file=name, row=rows[0], column="value")])
    sources = _sources(tidy, areas, name)
    tidy["source_id"] = tidy["document_key"].map(dict(zip(sources["key"], sources["id"])))
    return tidy[OBS_COLUMNS].reset_index(drop=True), sources.drop(columns=["key", "area_code"])


def _row(rec: dict, row: int, name: str, areas: AreaIndex, indicator_ids: set[str]) -> dict:
    def fail(column: str, message: str, expected: str | None = None) -> DataError:
        return DataError(message, file=name, row=row, column=column, expected=expected)

    code = areas.resolve(rec["council"], file=name, row=row, column="council")
    indicator = str(rec["indicator"]).strip()
    if indicator not in indicator_ids:
        raise fail("indicator", f"unknown indicator '{indicator}'", "an id listed by `python -m regional indicators`")
    try:
        period, label = parse_period(rec["period"])
    except ValueError as exc:
        raise fail("period", str(exc), "YYYY-MM-DD, YYYY-MM, YYYY-Qn or a financial year YYYY-YY") from None
    status = str(rec["status"]).strip().lower() or "ok"
    if status not in RETURN_STATUSES:
        raise fail("status", f"unknown status '{status}'", " / ".join(sorted(RETURN_STATUSES)))
    text = str(rec["value"]).strip().replace(",", "").rstrip("%")
    value: float | None
    if text == "":
        value = None
        if status in ("ok", "provisional"):
            status = "missing"
    else:
        try:
            value = float(text)
        except ValueError:
            raise fail("value", f"'{rec['value']}' is not a number", "a number, or blank with status missing/suppressed") from None
        if status in ("suppressed", "missing"):
            raise fail("value", f"a value is given but status is '{status}'", "blank value for suppressed/missing")
        if value < 0 and not indicator.endswith("_change"):
            raise fail("value", f"negative value {value:g}", "zero or more (only *_change indicators may be negative)")
    breakdown = str(rec["breakdown"]).strip().lower()
    if breakdown not in BREAKDOWNS:
        raise fail("breakdown", f"unknown breakdown '{breakdown}'", "blank, sn_average, target or forecast")
    published = published_date(rec, fail)
    document = str(rec["document"]).strip() or f"Council return {name}"
    return {"area_code": code, "indicator_id": indicator, "period": period, "period_label": label,
            "value": value, "status": status, "breakdown": breakdown, "section": str(rec["section"]).strip(),
            "note": str(rec["note"]).strip(), "raw": "", "document": document, "published": published,
            "document_key": (document, published)}


def _sources(tidy: pd.DataFrame, areas: AreaIndex, name: str) -> pd.DataFrame:
    """One source per document; its publisher is the council most of its rows are about."""
    rows = []
    for (document, published), part in tidy.groupby(["document", "published"], sort=False):
        la_rows = part[part["area_code"].isin(areas.areas.loc[areas.areas["level"] == "la", "code"])]
        publisher_code = (la_rows if len(la_rows) else part)["area_code"].mode().iloc[0]
        publisher = areas.name_of(publisher_code)
        rows.append({
            "key": (document, published),
            "id": f"council-{slug(publisher)[:40]}-{slug(document)[:60]}-{published or 'undated'}-"
                  f"{identity_hash(publisher_code, document, published)}",
            "kind": "council", "publisher": publisher, "title": document, "area_code": publisher_code,
            "edition": published, "url": "", "licence": "The council's own published figures",
            "published": date.fromisoformat(published) if published else None,
        })
    return pd.DataFrame(rows)
