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


def _national_episodes(n: int) -> tuple["pd.DataFrame", str]:
    """``n`` synthetic SSDA903 episodes: from regional.synthetic's national-scale generator when it has one,
    otherwise the calibrated councils' extracts (data/synthetic) repeated, each copy's children renamed."""
    import pandas as pd

    from regional import synthetic

    for name in ("national_episodes", "generate_national", "national"):
        fn = getattr(synthetic, name, None)
        if callable(fn):
            return fn(n), f"regional.synthetic.{name}"
    files = sorted(p for p in synthetic.SYNTHETIC_DIR.glob("*.csv") if p.name != "manifest.csv")
    if not files:
        raise LookupError("regional.synthetic has no national-scale generator and data/synthetic holds no extract")
    base = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in files], ignore_index=True)
    copies = -(-n // len(base))
    frames = [base.assign(CHILD=base["CHILD"] + f"-{i:03d}") for i in range(copies)]
    episodes = pd.concat(frames, ignore_index=True).iloc[:n]
    return episodes, (f"no national generator in regional/synthetic.py: the {len(files)} calibrated extracts "
                      f"({len(base):,} episodes) repeated {copies} times")


def task_distance(args: dict) -> dict:
    """PL_DISTANCE for every episode: the vectorised path against row by row, in the same process."""
    import math

    import numpy as np

    from regional import distance

    t0 = time.perf_counter()
    episodes, how = _national_episodes(args["episodes"])
    generate_s = time.perf_counter() - t0
    home, placement = episodes["HOME_POST"], episodes["PL_POST"]

    t0 = time.perf_counter()
    first = distance.postcode_distances(home, placement)
    cold_s = time.perf_counter() - t0  # includes reading the postcode directory's letters once
    vector_ms, vector_runs = median_ms(lambda: distance.postcode_distances(home, placement), min_runs=3, max_runs=5,
                                       budget_s=10)

    # Row by row, the baseline: the whole column when it is quick enough, else a sample scaled up.
    directory, outcodes = distance.postcode_index(), distance.read_outcodes()
    pairs = list(zip(home.tolist(), placement.tolist()))
    probe = min(len(pairs), 5_000)
    t0 = time.perf_counter()
    scalar = [distance.postcode_distance(h, p, index=directory, outcodes=outcodes) for h, p in pairs[:probe]]
    probe_s = time.perf_counter() - t0
    if probe_s / probe * len(pairs) < args.get("scalar_budget_s", 60):
        t0 = time.perf_counter()
        scalar = [distance.postcode_distance(h, p, index=directory, outcodes=outcodes) for h, p in pairs]
        scalar_s, timed = time.perf_counter() - t0, len(pairs)
    else:
        scalar_s, timed = probe_s / probe * len(pairs), probe
    expected = first["pl_distance"].to_numpy()[:timed]
    got = np.array([np.nan if v is None else v for v in scalar[:timed]], dtype=float)
    agree = np.isclose(expected, got, atol=0.05, equal_nan=True)

    # The arithmetic alone (grid references already found), vectorised against a Python loop.
    he, hn = first["home_easting"].to_numpy(), first["home_northing"].to_numpy()
    pe, pn = first["pl_easting"].to_numpy(), first["pl_northing"].to_numpy()
    arith_ms, _ = median_ms(lambda: distance.pl_distance_miles(he, hn, pe, pn), min_runs=5, max_runs=20, budget_s=2)
    as_float = [(None if math.isnan(a) else a, None if math.isnan(b) else b, None if math.isnan(c) else c,
                 None if math.isnan(d) else d) for a, b, c, d in zip(he.tolist(), hn.tolist(), pe.tolist(), pn.tolist())]
    t0 = time.perf_counter()
    for a, b, c, d in as_float:
        distance.pl_distance_miles_scalar(a, b, c, d)
    arith_scalar_s = time.perf_counter() - t0
    return {"episodes": len(episodes), "children": int(episodes["CHILD"].nunique()), "generator": how,
            "generate_s": generate_s, "cold_s": cold_s, "vector_s": vector_ms / 1000, "vector_runs": vector_runs,
            "scalar_s": scalar_s, "scalar_rows": timed, "ratio": scalar_s / (vector_ms / 1000),
            "agree_pct": 100 * float(agree.mean()), "known_pct": 100 * float(np.isfinite(first["pl_distance"]).mean()),
            "arith_vector_s": arith_ms / 1000, "arith_scalar_s": arith_scalar_s,
            "arith_ratio": arith_scalar_s / (arith_ms / 1000), "peak_mb": peak_rss_mb()}


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
