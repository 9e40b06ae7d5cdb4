"""The guard round reloading the embedded default (called by ``regional.db.ensure_loaded``): a reload
that fails is recorded with the files' fingerprint and not tried again until the files change, while
the last good load keeps serving. It sits below ``regional.db`` (imports nothing from it), so db can
call it; ``regional.resilience`` builds the status view and the storage messages on top of it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from regional import models
from regional.errors import DataError

FAILED_KIND = "default_failed"
GOOD_KIND = "default"
log = logging.getLogger("regional.resilience")
#: Failed fingerprints per database, for when the failure cannot be written to the database itself.
_FAILED: dict[str, tuple[str, str]] = {}
_LOCK = threading.Lock()


def describe_storage_error(exc: BaseException, url: str | None = None) -> str:
    """A sentence for an administrator from a driver or file-system error."""
    where = url or "the database"
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered or isinstance(exc, PermissionError):
        return (f"The database at {where} cannot be written (read-only storage: {text}). Make the folder writable, "
                "or point REGIONAL_VAR_DIR or DATABASE_URL at storage that is.")
    if "unable to open" in lowered or isinstance(exc, (NotADirectoryError, FileNotFoundError)):
        return (f"The database at {where} cannot be opened ({text}). Check that its folder exists and is writable, "
                "or set REGIONAL_VAR_DIR or DATABASE_URL.")
    if "connect" in lowered or "refused" in lowered or "timeout" in lowered or "could not translate" in lowered:
        return (f"The database server at {where} cannot be reached ({text}). Check that PostgreSQL is running "
                "and DATABASE_URL is right; the app retries on the next page load.")
    return f"The database at {where} cannot be used ({text})."


def reload_default(engine: Engine, wanted: str, load: Callable[[Engine], int]) -> bool:
    """Load the default for the files with fingerprint ``wanted`` unless that very set of files
    failed before. A failure is recorded (database, and this process) and the previous load keeps
    serving; with no previous load there is nothing to serve, so the recorded error is raised."""
    key = engine.url.render_as_string(hide_password=True)
    failed = _failed_detail(engine, wanted)
    if failed is None:
        with _LOCK:
            try:
                load(engine)
                _FAILED.pop(key, None)
                return True
            except SQLAlchemyError as exc:
                if _is_storage_error(exc):
                    failed = describe_storage_error(exc, key)
                else:
                    failed = f"the load failed in the database: {str(exc).splitlines()[0][:500]}"
            except Exception as exc:  # any bad file in data/ must leave the last good load serving
                failed = _describe_load_error(exc)
            _record_failure(engine, key, wanted, failed)
            log.warning("embedded default not reloaded (%s); the last good load keeps serving", failed)
    if not _has_good_load(engine):
        raise DataError(f"the embedded data could not be loaded and there is no earlier load to serve: {failed}")
    return False


def _describe_load_error(exc: Exception) -> str:
    if isinstance(exc, DataError):
        return str(exc)
    filename = getattr(exc, "filename", None)
    where = f"{filename}: " if filename else ""
    return f"{where}{type(exc).__name__}: {str(exc)[:500]}"


def _is_storage_error(exc: SQLAlchemyError) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("readonly", "read-only", "unable to open", "connection", "permission"))


def _record_failure(engine: Engine, key: str, fingerprint: str, detail: str) -> None:
    _FAILED[key] = (fingerprint, detail)
    try:
        with Session(engine) as session, session.begin():
            session.add(models.LoadRecord(kind=FAILED_KIND, detail=detail[:2000], fingerprint=fingerprint, rows=0,
                                          loaded_at=datetime.now(timezone.utc), loaded_by="reload"))
    except SQLAlchemyError:  # read-only storage: this process remembers it instead
        pass


def _failed_detail(engine: Engine, fingerprint: str) -> str | None:
    """The recorded failure for this fingerprint, newer than the last good load, if any."""
    key = engine.url.render_as_string(hide_password=True)
    if key in _FAILED and _FAILED[key][0] == fingerprint:
        return _FAILED[key][1]
    try:
        with Session(engine) as session:
            last_good = session.execute(select(models.LoadRecord.id).where(models.LoadRecord.kind == GOOD_KIND)
                                        .order_by(models.LoadRecord.id.desc()).limit(1)).scalar() or 0
            detail = session.execute(select(models.LoadRecord.detail)
                                     .where(models.LoadRecord.kind == FAILED_KIND,
                                            models.LoadRecord.fingerprint == fingerprint,
                                            models.LoadRecord.id > last_good)
                                     .order_by(models.LoadRecord.id.desc()).limit(1)).scalar()
    except SQLAlchemyError:
        return None
    return detail


def _has_good_load(engine: Engine) -> bool:
    try:
        with Session(engine) as session:
            return session.execute(select(models.LoadRecord.id).where(models.LoadRecord.kind == GOOD_KIND)
                                   .limit(1)).scalar() is not None
    except SQLAlchemyError:
        return False
