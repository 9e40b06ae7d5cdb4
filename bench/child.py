"""One measurement in a fresh process, so its peak memory is its own and settings read the
environment the parent chose (temporary data folder and SQLite file).

``python -m bench.child TASK '<json args>'`` prints one line ``BENCH_RESULT <json>``.
"""
from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

RESULT_PREFIX = "BENCH_RESULT "


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(fn, *, min_runs: int = 5, max_runs: int = 25, budget_s: float = 2.0) -> tuple[float, int]:
    """Median wall time of ``fn()`` after one warm-up call: at least ``min_runs``, more while time allows."""
    fn()
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < min_runs or (len(times) < max_runs and time.perf_counter() - started < budget_s):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, len(times)


def task_build(args: dict) -> dict:
    from regional.build import build_data

    baseline = peak_rss_mb()
    t0 = time.perf_counter()
    counts = build_data(Path(args["source"]), Path(args["out"]))
    seconds = time.perf_counter() - t0
    obs = sum(n for name, n in counts.items() if name.startswith("observations_"))
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "baseline_mb": baseline, "observations": obs,
            "files": len(counts)}


def task_load(args: dict) -> dict:
    from sqlalchemy import func, select
    from sqlmodel import Session

    from regional import db, models
    from regional.store import load_store

    baseline = peak_rss_mb()
    engine = db.get_engine()
    t0 = time.perf_counter()
    loaded = db.ensure_loaded(engine)
    seconds = time.perf_counter() - t0
    load_peak = peak_rss_mb()
    with Session(engine) as session:
        rows = session.execute(select(func.count()).select_from(models.Observation)).scalar()
    t0 = time.perf_counter()
    store = load_store(engine)
    store_seconds = time.perf_counter() - t0
    return {"seconds": seconds, "loaded": loaded, "peak_mb": load_peak, "baseline_mb": baseline, "observations": rows,
            "store_seconds": store_seconds, "store_rows": len(store.observations), "store_peak_mb": peak_rss_mb()}


def task_prep(args: dict) -> dict:
    """Every page's view, cold (a fresh Store) and warm, and every section's chart (bench/pages.py)."""
    from bench import pages
    from regional import db
    from regional.store import load_store

    engine = db.get_engine()
    wanted = args.get("pages")
    out = []
    for page in pages.VIEWS:
        if wanted and page not in wanted:
            continue
        try:
            out += [t.as_dict() for t in pages.time_page(page, lambda: load_store(engine), runs=args.get("runs", 5))]
        except Exception as exc:  # report, don't hide: a broken view is a finding
            out.append({"page": page, "error": f"{type(exc).__name__}: {exc}"})
    return {"results": out, "observations": len(load_store(engine).observations)}


def task_apptest(args: dict) -> dict:
    """A full AppTest run of one page: the first in this fresh process (imports, Store, caches cold)
    and then warm re-runs (what a user's next visit costs)."""
    from streamlit.testing.v1 import AppTest

    path = str(Path(args["page"]).resolve())
    t0 = time.perf_counter()
    at = AppTest.from_file(path, default_timeout=300).run()
    first = time.perf_counter() - t0
    if at.exception:
        return {"error": "; ".join(e.value for e in at.exception)[:300]}
    warm = []
    for _ in range(args.get("warm_runs", 3)):
        t0 = time.perf_counter()
        again = AppTest.from_file(path, default_timeout=300).run()
        warm.append(time.perf_counter() - t0)
        if again.exception:
            return {"error": "; ".join(e.value for e in again.exception)[:300]}
    return {"first_s": first, "warm_s": statistics.median(warm), "peak_mb": peak_rss_mb()}


def task_distance(args: dict) -> dict:
    """PL_DISTANCE three ways in the same process (``bench.distance``: vectorised, row by row and the
    validator's merges), plus the first call and the postcode index's load in fresh interpreters."""
    from bench import distance as distance_bench

    return distance_bench.measure(args["episodes"])


TASKS = {"build": task_build, "load": task_load, "prep": task_prep, "apptest": task_apptest, "distance": task_distance}


def main() -> None:
    task, args = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        result = TASKS[task](args)
    except Exception as exc:  # the parent prints it in the table; the traceback goes to stderr
        import traceback

        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_PREFIX + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
