"""Engine, migrations, the embedded default load and the write transaction.

Every load is one transaction: it lands whole or not at all. Uploads go through
:mod:`regional.returns` (versions, audit), which writes only through :func:`write_session`.
The schema changes only by Alembic migrations (``regional/migrations``), never by dropping.
"""
from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete, event, func, insert, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from regional import models
from regional.authorities import ENGLAND_CODE, AreaIndex, DEFAULT_RCC_ID, region_groupings
from regional.consistency import check_load
from regional.errors import ConfigurationError, DataError  # noqa: F401  (ConfigurationError: callers find it here)
from regional.importers.council_return import read_council_return
from regional.indicators import CATALOGUE_COLUMNS, read_catalogue, with_definitions
from regional.observations import status_from_raw
from regional.settings import DATA_DIR, EXTRACT_DIR, RETURNS_DIR, database_url

GROUPS_FILE = DATA_DIR / "groups.csv"
_BATCH = 5000


#: Alembic's scripts; revision 0001 is the layout of release 5a8b216.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001_baseline"
#: Shown whenever a write waits too long for another one on the same council and return.
CONFLICT_MESSAGE = "another upload for this council is in progress; try again in a minute"
_MIGRATION_LOCK = 7_301_142_011  # pg advisory lock id: one process migrates at a time
#: The lock the embedded default reload holds alone; uploads hold it shared.
DEFAULT_LOCK = ("embedded-default",)


class UploadConflict(DataError):
    """Another writer holds the lock for this council and return type."""


@lru_cache(maxsize=8)
def get_engine(url: str | None = None, *, migrate: bool = True) -> Engine:
    """The engine for ``url`` (default: settings), its schema brought up to date by Alembic.

    Nothing here ever drops a table: a database made by an older release is stamped with
    the baseline revision and migrated forward, keeping every upload.
    """
    url = url or database_url()
    engine = _make_engine(url)
    if migrate:
        upgrade(engine)
        if os.environ.get("DATABASE_URL") and url == database_url():
            from regional import keys

            keys.require_key(engine)
    return engine


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": write_wait_seconds()})
    memory = ":memory:" in url or url.rstrip("/") == "sqlite:"

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # We issue BEGIN ourselves (below), so a writer can take the lock up front.
        dbapi_connection.isolation_level = None
        if not memory:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "BEGIN")

    return engine


def write_wait_seconds() -> float:
    """How long a write waits for another one before answering with :data:`CONFLICT_MESSAGE`."""
    return float(os.environ.get("REGIONAL_WRITE_WAIT_SECONDS", "30"))


def _alembic_config(connection) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> str:
    """Apply every migration not yet applied, in one transaction; returns the revision now held.

    A database without Alembic's version table but with our tables was made by release
    5a8b216 (or earlier builds of the same layout): it is stamped at the baseline first.
    PostgreSQL processes starting together take turns (advisory lock).
    """
    with engine.connect().execution_options(sqlite_write=True) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            tables = set(inspect(conn).get_table_names())
            config = _alembic_config(conn)
            if "alembic_version" not in tables and "area" in tables:
                command.stamp(config, BASELINE_REVISION)
            command.upgrade(config, "head")
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock id for a council and return type."""
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big", signed=True)


@contextmanager
def write_session(engine: Engine, *lock: str) -> Iterator[Session]:
    """One write transaction, holding the writer lock for ``lock`` (council, return type).

    PostgreSQL: a transaction-scoped advisory lock per council and return type, so two
    uploads for one council run one after the other (the second sees the first's rows) and
    uploads for different councils run side by side. SQLite: ``BEGIN IMMEDIATE`` (one writer
    at a time, the others queue on the busy timeout; readers carry on thanks to WAL). A
    writer that waits longer than :func:`write_wait_seconds` gets :class:`UploadConflict`.
    """
    wait = write_wait_seconds()
    with Session(engine) as session:
        try:
            if engine.dialect.name == "postgresql":
                session.begin()
                session.execute(text(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'"))
                if lock == DEFAULT_LOCK:  # the embedded default reload excludes every upload
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(*DEFAULT_LOCK)})
                else:
                    session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": lock_key(*DEFAULT_LOCK)})
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(*lock)})
                session.execute(text("SET LOCAL lock_timeout = 0"))
            else:
                session.connection(execution_options={"sqlite_write": True})
        except OperationalError as exc:
            session.rollback()
            if _is_lock_failure(exc):
                raise UploadConflict(CONFLICT_MESSAGE) from None
            raise
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if _is_lock_failure(exc):
                raise UploadConflict(CONFLICT_MESSAGE) from None
            raise
        except BaseException:
            session.rollback()
            raise


def _is_lock_failure(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return "database is locked" in message or "lock timeout" in message or "canceling statement due to lock" \
        in message or type(exc.orig).__name__ == "LockNotAvailable"


def audit(session: Session, who: str, action: str, *, return_type: str = "", area_code: str = "",
          version_id: int | None = None, file_name: str = "", file_sha256: str = "", detail: str = "") -> None:
    """Append to the audit log, inside the caller's transaction (so it lands with the change)."""
    session.add(models.AuditEntry(at=datetime.now(timezone.utc), who=who, action=action, return_type=return_type,
                                  area_code=area_code, version_id=version_id, file_name=file_name,
                                  file_sha256=file_sha256, detail=detail))


def default_files() -> list[Path]:
    """Everything the embedded default load reads; their fingerprint says when to reload."""
    files = [DATA_DIR / "indicators.csv", GROUPS_FILE, *sorted(EXTRACT_DIR.glob("*.*")),
             *sorted(p for p in DATA_DIR.glob("*/*.*") if p.parent.name not in ("extract", "templates"))]
    return [f for f in files if f.exists()]


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def current_user() -> str:
    """Who loaded something, for the catalogue of what is held."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, NaN/NA made None, which every driver accepts.

    Column by column (numpy's ``tolist`` gives Python scalars), so 200,000 rows take a second,
    not the half a minute a per-cell pass over ``to_dict`` took."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
            values = series.to_numpy().tolist()
            if series.dtype.kind == "f":
                values = [None if v != v else v for v in values]
        else:  # missing cells by pandas' own test, then numpy scalars (rare) made Python ones
            values = series.astype(object).tolist()
            for i in np.flatnonzero(series.isna().to_numpy()).tolist():
                values[i] = None
            if any(issubclass(t, np.generic) for t in set(map(type, values))):
                values = [v.item() if isinstance(v, np.generic) else v for v in values]
        columns.append(values)
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*columns)] if names else [{} for _ in range(len(frame))]


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """One Core ``executemany`` per call (the ORM's bulk insert sent a statement per run of rows
    with the same non-null columns: 6,500 statements for the default load). As the ORM did, a None
    where the column has a default stores the default, and keys that are not columns are ignored."""
    if not rows:
        return
    columns = table.__table__.columns
    keys = [k for k in rows[0] if k in columns]
    defaults = {k: columns[k].default.arg for k in keys
                if columns[k].default is not None and columns[k].default.is_scalar}
    conn = session.connection()
    compiled = table.__table__.insert().compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else list(keys)
    if sorted(order) != sorted(keys) or any(c.default is not None for c in columns if c.key not in keys):
        # bind names that are not the column keys, or Python-side defaults to fill: SQLAlchemy's own path
        rows = [{k: (defaults[k] if r[k] is None and k in defaults else r[k]) for k in keys} for r in rows]
        session.execute(table.__table__.insert(), rows)
        return
    _executemany(conn, compiled, order, [table.__table__.columns[k].type for k in order], rows, defaults)


def _executemany(conn, compiled, order: list[str], types: list, rows: list[dict], defaults: dict) -> None:
    """The INSERT SQLAlchemy compiled, sent with the driver's executemany. Each column's values go
    through the type's own bind processor (dates as SQLite stores them, for example) once per column:
    SQLAlchemy's per-row parameter building was half the time of writing the default load."""
    values = []
    for key, kind in zip(order, types):
        column = [r[key] for r in rows]
        if key in defaults:
            column = [defaults[key] if v is None else v for v in column]
        process = kind.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        values.append([process(v) for v in column] if process else column)  # None too, as SQLAlchemy does
    params = list(zip(*values)) if compiled.positional else [dict(zip(order, row)) for row in zip(*values)]
    conn.exec_driver_sql(compiled.string, params)


def _insert(session: Session, table, frame: pd.DataFrame) -> None:
    rows = records(frame)
    for start in range(0, len(rows), _BATCH):
        insert_rows(session, table, rows[start:start + _BATCH])


def read_extract_observations() -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype={"period_label": str, "raw": str, "section": str, "note": str, "breakdown": str},
                          keep_default_na=False, na_values={"value": [""]})
              for p in sorted(EXTRACT_DIR.glob("observations_*.csv"))]
    obs = pd.concat(frames, ignore_index=True)
    obs["period"] = pd.to_datetime(obs["period"]).dt.date
    obs["status"] = status_from_raw(obs["status"], obs["raw"])
    return obs


def read_areas() -> pd.DataFrame:
    areas = pd.read_csv(EXTRACT_DIR / "areas.csv", dtype={"region_code": str})
    areas["old_la_code"] = areas["old_la_code"].astype("Int64")
    areas["region_code"] = areas["region_code"].where(areas["region_code"].notna(), None)
    return areas


def read_groups(areas: AreaIndex) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regions from the extract plus the RCC groups in data/groups.csv (editable)."""
    groupings, members = region_groupings(areas.areas)
    if GROUPS_FILE.exists():
        frame = pd.read_csv(GROUPS_FILE, dtype=str, keep_default_na=False)
        extra = frame[["grouping_id", "name", "kind", "description"]].drop_duplicates("grouping_id")
        codes = [areas.resolve(m, file=GROUPS_FILE.name, row=i + 2, column="member")
                 for i, m in enumerate(frame["member"])]
        groupings = pd.concat([groupings, extra.rename(columns={"grouping_id": "id"})], ignore_index=True)
        members = pd.concat([members, pd.DataFrame({"grouping_id": frame["grouping_id"], "area_code": codes})],
                            ignore_index=True)
    return groupings, members.drop_duplicates()


def load_default(engine: Engine | None = None) -> int:
    """(Re)load the embedded default: extract + council returns, replacing what is there.

    Everything is read and validated before the database is touched; the writes are
    one transaction, so a failure leaves the database exactly as it was.
    """
    engine = engine or get_engine()
    catalogue = read_catalogue()
    areas = read_areas()
    index = AreaIndex(areas)
    groupings, members = read_groups(index)
    neighbours = pd.read_csv(EXTRACT_DIR / "statistical_neighbours.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(EXTRACT_DIR / "sources.csv", dtype=str, keep_default_na=False)
    sources["published"] = None
    obs = read_extract_observations()
    ids = set(catalogue["id"])
    period_types = dict(zip(catalogue["id"], catalogue["period_type"]))
    for path in sorted(RETURNS_DIR.glob("*.csv")) + sorted(RETURNS_DIR.glob("*.xlsx")):
        ret, ret_sources = read_council_return(path, index, period_types)
        obs = pd.concat([obs, ret], ignore_index=True)
        sources = pd.concat([sources, ret_sources], ignore_index=True)
    sources = sources.drop_duplicates("id")
    unknown = set(obs["indicator_id"]) - ids
    if unknown:
        raise DataError(f"observations use indicators missing from the catalogue: {', '.join(sorted(unknown))}",
                        file="indicators.csv")
    extra_tables: dict = {}
    for module in default_row_modules():
        for table, frame in module.default_rows(index, catalogue).items():
            if table is models.Observation:
                obs = pd.concat([obs, frame], ignore_index=True)
            elif table is models.Source:
                sources = pd.concat([sources, frame], ignore_index=True)
            else:
                extra_tables[table] = pd.concat([extra_tables.get(table), frame], ignore_index=True)
    sources = sources.drop_duplicates("id")
    findings = check_load(obs, sources, areas, "data/council_returns")  # an error rule stops the load here
    now = datetime.now(timezone.utc)
    sources["loaded_at"] = now
    sources["loaded_by"] = current_user()
    sources["origin"] = "default"
    files = default_files()
    with write_session(engine, *DEFAULT_LOCK) as session:
        # Uploads survive a reload; where one shares a source id with the default, the upload wins.
        uploaded = set(session.execute(select(models.Source.id).where(models.Source.origin == "upload")).scalars())
        sources = sources[~sources["id"].isin(uploaded)]
        obs = obs[~obs["source_id"].isin(uploaded)]
        for table in extra_tables:
            session.execute(_not_uploaded(delete(table), table, uploaded))
        session.execute(_not_uploaded(delete(models.Observation), models.Observation, uploaded))
        for table in (models.GroupMember, models.StatisticalNeighbour, models.Grouping):
            session.execute(delete(table))
        session.execute(delete(models.Source).where(models.Source.origin != "upload"))
        # Areas and indicators are updated in place: uploaded rows refer to them.
        for table, frame in ((models.Area, areas), (models.Indicator, catalogue[CATALOGUE_COLUMNS])):
            for record in records(frame):
                session.merge(table(**record))
        session.flush()
        _insert(session, models.Source, sources)
        _insert(session, models.Grouping, groupings)
        _insert(session, models.GroupMember, members)
        neighbours["rank"] = neighbours["rank"].astype(int)
        _insert(session, models.StatisticalNeighbour, neighbours)
        _insert(session, models.Observation, obs)
        for table, frame in extra_tables.items():
            if "source_id" in frame.columns:
                frame = frame[~frame["source_id"].isin(uploaded)]
            _insert(session, table, frame)
        session.add(models.LoadRecord(kind="default", detail=f"embedded default from {len(files)} files; "
                                             f"{len(findings)} consistency finding(s) (python -m regional check)",
                                      fingerprint=fingerprint(files), rows=len(obs), loaded_at=now, loaded_by=current_user()))
    return len(obs)


def _not_uploaded(statement, table, uploaded: set[str]):
    """Restrict a DELETE to rows that did not come from an upload (tables with a source_id)."""
    column = getattr(table, "source_id", None)
    return statement.where(column.not_in(uploaded)) if column is not None and uploaded else statement


def default_row_modules() -> list:
    """Importer modules that contribute to the embedded default load.

    A module in ``regional/importers`` that defines
    ``default_rows(index: AreaIndex, catalogue) -> {TableClass: DataFrame}`` has its
    rows inserted in the same transaction as the rest of the default. Returning
    ``models.Observation`` or ``models.Source`` adds to those tables; any other table
    is emptied and refilled. Files they read belong in :func:`default_files`'s folders.
    """
    import importlib
    import pkgutil

    import regional.importers

    modules = [importlib.import_module(f"regional.importers.{m.name}")
               for m in pkgutil.iter_modules(regional.importers.__path__)]
    return [m for m in sorted(modules, key=lambda m: m.__name__) if hasattr(m, "default_rows")]


def ensure_loaded(engine: Engine | None = None) -> bool:
    """Load the embedded default on first start, or when its files changed. True if it loaded."""
    engine = engine or get_engine()
    wanted = fingerprint(default_files())
    with Session(engine) as session:
        last = session.execute(select(models.LoadRecord.fingerprint)
                               .where(models.LoadRecord.kind == "default")
                               .order_by(models.LoadRecord.id.desc()).limit(1)).scalar()
    if last == wanted:
        return False
    from regional import reload_guard  # a bad file keeps the last good load serving (issue 12)

    return reload_guard.reload_default(engine, wanted, load_default)


def read_table(engine: Engine, table) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(select(table), conn)


def data_version(engine: Engine | None = None) -> str:
    """Changes whenever anything is loaded: the key page caches hang on."""
    engine = engine or get_engine()
    with Session(engine) as session:
        last = session.execute(select(func.max(models.LoadRecord.id))).scalar()
    return f"{engine.url.render_as_string(hide_password=True)}#{last}"


# --- user-defined comparator groups (issue 16) ---------------------------------------------
def save_user_group(group_id: str, name: str, description: str, members: list[str], *, actor: str,
                    engine: Engine | None = None) -> None:
    """Create or replace a user-defined group and its members in one transaction.

    Checks (role, names, members) are :func:`regional.groups.save_group`'s; this only writes.
    A LoadRecord row names who changed which group, and moves :func:`data_version` on, so
    every page's cached Store sees the group at once.
    """
    engine = engine or get_engine()
    now = datetime.now(timezone.utc)
    with Session(engine) as session, session.begin():
        existing = session.get(models.UserGroup, group_id)
        if existing is None:
            session.add(models.UserGroup(id=group_id, name=name, description=description, created_by=actor,
                                         created_at=now, updated_by=actor, updated_at=now))
            action = "created"
        else:
            existing.name, existing.description = name, description
            existing.updated_by, existing.updated_at = actor, now
            session.execute(delete(models.UserGroupMember).where(models.UserGroupMember.group_id == group_id))
            action = "edited"
        session.flush()
        session.execute(insert(models.UserGroupMember), [{"group_id": group_id, "area_code": c} for c in members])
        session.add(models.LoadRecord(kind="user_group", detail=f"{action} {group_id} ({name}): {len(members)} councils",
                                      rows=len(members), loaded_at=now, loaded_by=actor))


def delete_user_group(group_id: str, *, actor: str, engine: Engine | None = None) -> None:
    """Remove a user-defined group and its members (one transaction, recorded)."""
    engine = engine or get_engine()
    now = datetime.now(timezone.utc)
    with Session(engine) as session, session.begin():
        session.execute(delete(models.UserGroupMember).where(models.UserGroupMember.group_id == group_id))
        session.execute(delete(models.UserGroup).where(models.UserGroup.id == group_id))
        session.add(models.LoadRecord(kind="user_group", detail=f"deleted {group_id}", rows=0, loaded_at=now,
                                      loaded_by=actor))




# --- Sufficiency plan scenarios (issue 18) --------------------------------------------------
def save_scenario(engine: Engine, name: str, description: str, levers_json: str, *, user: str | None = None) -> int:
    """Create the named scenario, or replace its description and levers; one transaction.

    The default load never touches this table: saved scenarios survive a reload.
    """
    now = datetime.now(timezone.utc)
    user = user or current_user()
    with Session(engine) as session, session.begin():
        row = session.execute(select(models.SufficiencyScenario).where(models.SufficiencyScenario.name == name)
                              ).scalar_one_or_none()
        if row is None:
            row = models.SufficiencyScenario(name=name, created_at=now, created_by=user)
            session.add(row)
        row.description, row.levers, row.updated_at, row.updated_by = description, levers_json, now, user
        session.flush()
        return int(row.id)


def delete_scenario(engine: Engine, name: str) -> bool:
    """Remove a saved scenario; False if there was none of that name."""
    with Session(engine) as session, session.begin():
        result = session.execute(delete(models.SufficiencyScenario).where(models.SufficiencyScenario.name == name))
        return bool(result.rowcount)


__all__ = ["get_engine", "ensure_loaded", "load_default", "read_table", "data_version",
           "write_session", "audit", "upgrade", "UploadConflict", "CONFLICT_MESSAGE", "DEFAULT_RCC_ID", "date",
           "save_user_group", "delete_user_group", "save_scenario", "delete_scenario"]
