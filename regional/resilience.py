"""One bad file never stops the app: a reload of the embedded default that fails (a bad row
appended to data/council_returns/bcp.csv, a synthetic extract missing, an unknown council
in data/groups.csv) is recorded with the files' fingerprint and not tried again until the
files change, while the last good database keeps serving (``regional.reload_guard``); an
administrator sees the failure on the status view built here. Storage that cannot be opened
(a read-only var/, an unreachable PostgreSQL) raises :class:`StorageUnavailable` with a
sentence a person can act on, never a traceback.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from regional import models
from regional.errors import DataError
from regional.reload_guard import _FAILED, FAILED_KIND, GOOD_KIND, describe_storage_error


class StorageUnavailable(RuntimeError):
    """The database cannot be opened or written: the message says which and what to do."""


_READY = threading.Lock()  # one loader per process: a start-up warm-up and a first visitor never load twice


def ready_engine(url: str | None = None) -> Engine:
    """The engine, with the embedded default loaded (or the last good load kept); storage
    problems as :class:`StorageUnavailable`. A second caller while a load runs waits for it,
    then finds the data loaded."""
    from regional import db
    from regional.settings import database_url

    shown = url
    try:
        url = url or database_url()  # resolved here: get_engine caches per URL argument
        shown = _safe_url(url)
        with _READY:
            engine = db.get_engine(url)
            db.ensure_loaded(engine)
    except StorageUnavailable:
        raise
    except (SQLAlchemyError, OSError) as exc:
        raise StorageUnavailable(describe_storage_error(exc, shown)) from None
    return engine


_WARM: dict[str, object] = {}  # data version -> the Store the warm-up read, for the first page to take
_WARMING = threading.Event()  # set while a warm-up runs
_DONE = threading.Event()  # set when one has finished
_SERVED = threading.Event()  # set when a page's run has finished (the first visitor has been served)
SERVED_WAIT_S = 60.0  # no visitor by then: the plan's backtests are worked out anyway


def warm_up() -> None:
    """What the server does as it starts (serve.py): import the library, load the embedded data, read
    it into a Store and prepare the Overview on it once (its indexes and kept frames), so the first
    visitor waits for none of it. Any failure is left for that visitor's page to report in words
    (``ui._engine_or_stop``)."""
    _WARMING.set()
    store = None
    try:
        from regional import db
        from regional.selection import Selection
        from regional.store import load_store
        from regional.views import overview  # pandas, Altair and the views, imported once per process

        engine = ready_engine()
        version = db.data_version(engine)
        store = load_store(engine)
        overview.prepare(store, Selection.from_dict(store, {}))
        _WARM.clear()
        _WARM[version] = store
    except Exception as exc:  # noqa: BLE001  the page says what is wrong; a warm-up never stops the server
        logging.getLogger(__name__).warning("warm-up did not load the data: %s", exc)
    finally:
        _DONE.set()
        _WARMING.clear()
    if store is not None:
        _SERVED.wait(SERVED_WAIT_S)
        _warm_plan_backtests(store)


def page_served() -> None:
    """A page has finished its run (ui.shared_sidebar says so): the start-up may go on with what no
    first visitor needs, without taking the first visitor's page's time (one process, one GIL)."""
    _SERVED.set()


def _warm_plan_backtests(store) -> None:
    """After the first visitor's page: the Sufficiency plan's backtests (about a second, once per data
    version) on the Store the pages are given, so the plan's first visitor does not wait for them."""
    try:
        from regional.sufficiency import backtest

        backtest.national(store)
        backtest.in_extracts_ratios(store)
    except Exception as exc:  # noqa: BLE001  the page computes them itself if this fails
        logging.getLogger(__name__).warning("warm-up did not prepare the plan's backtests: %s", exc)


def warm_store(version: str, wait_s: float = 60):
    """The Store the warm-up read for this data version (once: the caller keeps it), else None. A page
    arriving while the warm-up still reads waits for it rather than reading the same data alongside."""
    if _WARMING.is_set():
        _DONE.wait(wait_s)
    return _WARM.pop(version, None)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is shown as given, minus anything after '@'
        return url.split("@")[-1]


def load_status(engine: Engine) -> dict:
    """What an administrator needs: the load serving now, and the newest failure since (if any)."""
    from regional import db

    with Session(engine) as session:
        good = session.execute(select(models.LoadRecord).where(models.LoadRecord.kind == GOOD_KIND)
                               .order_by(models.LoadRecord.id.desc()).limit(1)).scalar()
        failure = session.execute(select(models.LoadRecord).where(models.LoadRecord.kind == FAILED_KIND)
                                  .order_by(models.LoadRecord.id.desc()).limit(1)).scalar()
        good = good.model_dump() if good else None
        failure = failure.model_dump() if failure else None
    if failure and good and failure["id"] < good["id"]:
        failure = None  # fixed since: a later load succeeded
    key = engine.url.render_as_string(hide_password=True)
    if failure is None and key in _FAILED:
        failure = {"detail": _FAILED[key][1], "fingerprint": _FAILED[key][0], "loaded_at": None}
    try:
        current = db.fingerprint(db.default_files())
    except OSError as exc:
        current = f"unreadable ({exc})"
    return {"database": key, "serving": good, "failure": failure, "files_fingerprint": current,
            "files_match_serving": bool(good and good["fingerprint"] == current)}


def status_lines(status: dict) -> list[str]:
    """The status in sentences (CLI and the status page)."""
    lines = [f"database: {status['database']}"]
    good = status["serving"]
    lines.append(f"serving: the embedded default loaded {good['loaded_at']:%d %B %Y %H:%M} UTC "
                 f"({good['rows']:,} observations, files {good['fingerprint']})" if good else
                 "serving: nothing loaded yet")
    failure = status["failure"]
    if failure:
        when = f" at {failure['loaded_at']:%d %B %Y %H:%M} UTC" if failure.get("loaded_at") else ""
        lines.append(f"PROBLEM: reloading data/ failed{when} (files {failure['fingerprint']}); it is not retried "
                     f"until the files change: {failure['detail']}")
    elif not status["files_match_serving"]:
        lines.append("note: the files in data/ changed since the load serving now; the next start reloads them")
    else:
        lines.append("ok: the files in data/ are the ones loaded")
    return lines


__all__ = ["StorageUnavailable", "ready_engine", "load_status", "status_lines", "describe_storage_error",
           "FAILED_KIND", "GOOD_KIND", "DataError"]
