"""Serialised writes: two processes upload for the same council at the same moment, 20 rounds,
on SQLite and PostgreSQL. Each round ends holding exactly one file's rows (never both, never a
mix), and nobody sees a raw database error: a writer either waits its turn or is told "another
upload for this council is in progress". Page reads keep working during a long load."""
from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from pathlib import Path

import pytest
from sqlalchemy import text

from regional import db
from tests.conftest import fresh_postgres, postgres_url
from tests.test_returns import EPISODE_HEADER, PIPELINE_HEADER, RETURN_HEADER, TORBAY, write

ROUNDS = int(os.environ.get("REGIONAL_CONCURRENCY_ROUNDS", "20"))
EPISODES = 2000  # per file; the 20,000 take minutes to derive on a shared 2-core machine
LONG_LOAD = int(os.environ.get("REGIONAL_LONG_LOAD_ROWS", "200000"))


def _files(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """Two different files of each type for Torbay (the same periods and documents)."""
    def episodes(prefix):
        return [[f"{prefix}{i}", "01/05/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "TQ1", "TQ2", "", TORBAY]
                for i in range(EPISODES)]

    def council_return(value):
        return [["Torbay", ind, "2026-03-31", value, "ok", "", "Torbay scorecard Q4 2025-26", "T1", "2026-04-20", ""]
                for ind in ("cic_count", "cic_rate_per_10k", "cic_in_foster_count")]

    def pipeline(value):
        return [["Torbay", f"2025-{m:02d}", t, value, "5", "3", "2", "1", "0"] for m in range(1, 13)
                for t in ("mainstream", "kinship")]

    return {
        "ssda903": (write(tmp_path / "a903.csv", EPISODE_HEADER, episodes("A")),
                    write(tmp_path / "b903.csv", EPISODE_HEADER, episodes("B"))),
        "council_return": (write(tmp_path / "aret.csv", RETURN_HEADER, council_return("100")),
                           write(tmp_path / "bret.csv", RETURN_HEADER, council_return("200"))),
        "fostering_pipeline": (write(tmp_path / "apipe.csv", PIPELINE_HEADER, pipeline("10")),
                               write(tmp_path / "bpipe.csv", PIPELINE_HEADER, pipeline("20"))),
    }


def _uploader(url: str, kind: str, path: str, name: str, rounds: int, barrier, results) -> None:
    """One app process: prepare its file once, then upload it at the barrier every round."""
    os.environ.setdefault("REGIONAL_PSEUDONYM_KEY", "test-only-key")
    os.environ["REGIONAL_WRITE_WAIT_SECONDS"] = "60"
    try:
        from regional import db, returns

        engine = db.get_engine(url)
        prepared = returns.prepare(kind, Path(path), engine, council=TORBAY)
    except Exception:
        results.put(("setup", name, "error: " + traceback.format_exc()))
        prepared = None
    for round_ in range(rounds):
        barrier.wait()
        try:
            if prepared is None:
                raise RuntimeError("setup failed")
            returns.submit(kind, None, engine, who=name, prepared=prepared)
            outcome = "ok"
        except db.UploadConflict as exc:
            outcome = f"conflict: {exc}"
        except Exception:
            outcome = "error: " + traceback.format_exc()
        results.put((round_, name, outcome))
        barrier.wait()  # the test checks the database
        barrier.wait()


def _state(engine, kind: str) -> tuple[int, set]:
    """How many rows Torbay holds of this return, and the distinct 'who wrote it' markers."""
    query = {
        "council_return": "select value from observation where area_code = :c and source_id in "
                          "(select id from source where title = 'Torbay scorecard Q4 2025-26')",
        "fostering_pipeline": "select enquiries from fostering_pipeline where area_code = :c and source_id in "
                              "(select id from source where kind = 'council')",
    }
    with engine.connect() as conn:
        if kind == "ssda903":
            n = conn.execute(text("select count(*) from placement_episode_upload where area_code = :c"),
                             {"c": TORBAY}).scalar()
            versions = conn.execute(text("select count(distinct version_id) from placement_episode_upload "
                                         "where area_code = :c"), {"c": TORBAY}).scalar()
            return n, {versions}
        values = [r[0] for r in conn.execute(text(query[kind]), {"c": TORBAY})]
        return len(values), set(values)


EXPECTED = {"ssda903": (EPISODES, {1}), "council_return": (3, None), "fostering_pipeline": (24, None)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_url(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("concurrency") / "shared.sqlite"
        engine = db.get_engine(f"sqlite:///{path}")
        db.ensure_loaded(engine)
        return f"sqlite:///{path}"
    url = postgres_url()
    engine = fresh_postgres(url)
    db.load_default(engine)
    return url


@pytest.mark.parametrize("kind", ["ssda903", "council_return", "fostering_pipeline"])
def test_two_processes_uploading_for_one_council_replace_exactly(shared_url, kind, tmp_path):
    files = _files(tmp_path)[kind]
    rounds = ROUNDS if kind == "ssda903" else max(5, ROUNDS // 4)
    context = mp.get_context("spawn")
    barrier, results = context.Barrier(3), context.Queue()
    workers = [context.Process(target=_uploader, args=(shared_url, kind, str(path), name, rounds, barrier, results))
               for path, name in zip(files, ("process-a", "process-b"))]
    for w in workers:
        w.start()
    engine = db.get_engine(shared_url)
    outcomes, states = [], []
    try:
        for _ in range(rounds):
            barrier.wait(timeout=300)
            barrier.wait(timeout=300)
            states.append(_state(engine, kind))
            barrier.wait(timeout=300)
    finally:
        for w in workers:
            w.join(timeout=60)
        while not results.empty():
            outcomes.append(results.get())
    errors = [o for o in outcomes if o[2].startswith("error")]
    assert errors == [], errors[0][2]
    assert len(outcomes) == 2 * rounds
    assert all(o[2] == "ok" or "another upload for this council is in progress" in o[2] for o in outcomes)
    count, markers = EXPECTED[kind]
    for round_, (n, seen) in enumerate(states):
        assert n == count, f"round {round_}: {n} rows held, expected exactly one file's {count}"
        if markers is not None:
            assert seen == markers, f"round {round_}: rows from {seen}"
        else:
            assert len(seen) == 1, f"round {round_}: a mix of both files {seen}"


def _reader(url: str, stop, results) -> None:
    """A page's reads (the Store every page loads) in a loop until told to stop."""
    os.environ.setdefault("REGIONAL_PSEUDONYM_KEY", "test-only-key")
    from regional import db, models
    from regional.store import load_store

    engine = db.get_engine(url)
    finished, failures = [], []
    while not stop.is_set():
        try:
            store = load_store(engine)
            store.table(models.PlacementEpisodeUpload)
            finished.append(time.time())
        except Exception as exc:  # noqa: BLE001 (counted: the test fails on any)
            failures.append(repr(exc))
    results.put((finished, failures))


def test_page_reads_succeed_during_a_long_load(shared_url, tmp_path):
    """A 200,000-episode load (one write transaction lasting a minute or more) while a page reads."""
    from regional import returns

    engine = db.get_engine(shared_url)
    prepared = returns.prepare("ssda903", _files(tmp_path)["ssda903"][0], engine, council=TORBAY)
    big = prepared.rows.loc[prepared.rows.index.repeat(LONG_LOAD // EPISODES)].reset_index(drop=True)
    big["child"] = [f"{c}-{i}" for i, c in enumerate(big["child"])]
    prepared.rows = big
    context = mp.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    reader = context.Process(target=_reader, args=(shared_url, stop, results))
    reader.start()
    time.sleep(8)  # the reader is up and reading
    started = time.time()
    result = returns.submit("ssda903", None, engine, who="loader", prepared=prepared)
    ended = time.time()
    time.sleep(2)
    stop.set()
    finished, failures = results.get(timeout=120)
    reader.join(timeout=60)
    assert result.rows == LONG_LOAD
    assert failures == [], failures[:3]
    during = [t for t in finished if started < t < ended]
    assert during, f"no read finished during the {ended - started:.0f} s load ({len(finished)} reads in all)"
