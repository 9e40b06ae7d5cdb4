"""``python -m bench``: build, load, page data preparation, placement distance and AppTest timings
at national scale. Prints a table and writes it to bench/results.md with the machine's description.

Everything runs against temporary copies (data folder, SQLite file) in a temporary directory:
the project's data/extract and the developer's database are never touched.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench import machine
from bench.blocks import replace_block
from bench.child import RESULT_PREFIX

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_FILE = PROJECT_DIR / "bench" / "results.md"
START, END = "<!-- bench: written by python -m bench -->", "<!-- /bench -->"
PAGE_GOAL_MS = 200
DISTANCE_GOAL_S = 0.3  # issue 14: 150,000 episodes parsed, located, measured, banded and placed
DISTANCE_ROW_X = 20
DISTANCE_VALIDATOR_X = 3
DISTANCE_INDEX_S = 0.2
LAIT_FILE = ("lait", "bds_long_0.parquet")
LAIT_DICTIONARY = ("lait", "lait_data_dictionary.csv")


@dataclass
class Row:
    section: str
    measurement: str
    scale: str
    result: str
    goal: str = ""
    verdict: str = ""


def shared_data_dir() -> Path:
    return Path(os.environ.get("REGIONAL_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))


def run_child(task: str, args: dict, env: dict[str, str], timeout: int = 900) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON result (or the error it hit)."""
    proc = subprocess.run([sys.executable, "-m", "bench.child", task, json.dumps(args)], cwd=PROJECT_DIR,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


def copy_data(dest: Path, *, with_extract: bool) -> Path:
    """A private copy of data/ (catalogue, groups, council returns, ...), optionally without the extract."""
    ignore = None if with_extract else shutil.ignore_patterns("extract")
    shutil.copytree(PROJECT_DIR / "data", dest, ignore=ignore)
    return dest


def add_every_lait_measure(data_dir: Path, shared: Path) -> int:
    """Append every LAIT measure the catalogue does not name yet, so build-data takes the whole file.

    This is the national-scale data set: all councils, every year and measure in LAIT.
    """
    catalogue_path = data_dir / "indicators.csv"
    catalogue = pd.read_csv(catalogue_path, dtype=str, keep_default_na=False)
    lait = pd.read_parquet(shared.joinpath(*LAIT_FILE), columns=["Short Desc"])
    dictionary = pd.read_csv(shared.joinpath(*LAIT_DICTIONARY), dtype=str, keep_default_na=False,
                             encoding_errors="replace")
    titles = dict(zip(dictionary["Measure_short"], dictionary["Chart_title"]))
    axes = dict(zip(dictionary["Measure_short"], dictionary["y_axis_name"]))
    taken, ids = set(catalogue["lait_measure"]), set(catalogue["id"])
    rows = []
    for measure in sorted(set(lait["Short Desc"].dropna()) - taken):
        slug = "lait_" + re.sub(r"[^a-z0-9]+", "_", measure.lower()).strip("_")
        while slug in ids:
            slug += "_"
        ids.add(slug)
        rows.append({"id": slug, "label": titles.get(measure) or measure,
                     "unit": "percent" if "%" in axes.get(measure, "") else "ratio", "polarity": "neutral",
                     "topic": "LAIT (benchmark scale)", "lait_measure": measure, "dfe_population_type": "",
                     "description": f"LAIT measure {measure}, added by the benchmark to load the whole file."})
    pd.concat([catalogue, pd.DataFrame(rows)], ignore_index=True).to_csv(catalogue_path, index=False,
                                                                        lineterminator="\n")
    return len(rows)


def discover_pages() -> list[str]:
    """The Overview (overview.py, or app.py before it had navigation) and every file in pages/."""
    main = "overview.py" if (PROJECT_DIR / "overview.py").exists() else "app.py"
    pages = sorted(p for p in (PROJECT_DIR / "pages").glob("*.py") if not p.name.startswith("_"))
    return [main, *(str(p.relative_to(PROJECT_DIR)) for p in pages)]


def _mb(result: dict, key: str = "peak_mb") -> str:
    return f"{result[key]:,.0f} MB peak RSS (imports alone {result['baseline_mb']:,.0f} MB)"


def measure_build_and_load(tmp: Path, shared: Path | None, rows: list[Row]) -> dict[str, dict[str, str]]:
    """build-data and the first load, for the project's catalogue and for the whole LAIT file.

    Returns the environments later measurements run in, by scale: ``default`` (the embedded
    default) and ``national`` (every LAIT measure; only when the raw files are there).
    """
    section = "Build and first load"
    if shared is None or not shared.exists():
        rows.append(Row(section, "build-data from the raw files", "-", "not measured: raw files not found "
                        f"at {shared} (set REGIONAL_SHARED_DATA)"))
        data = copy_data(tmp / "data_default", with_extract=True)
        env = {"REGIONAL_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{tmp / 'default.sqlite'}",
               "REGIONAL_VAR_DIR": str(tmp / "var")}
        loaded = run_child("load", {}, env)
        _load_rows(section, "embedded default", loaded, rows)
        return {"default": env}

    variants = [("default", "project catalogue (embedded default)"),
                ("national", "every LAIT measure, all councils and years")]
    envs: dict[str, dict[str, str]] = {}
    for key, scale in variants:
        data = copy_data(tmp / f"data_{key}", with_extract=False)
        if key == "national":
            added = add_every_lait_measure(data, shared)
            scale = f"{scale} (+{added} LAIT measures)"
        env = {"REGIONAL_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{tmp / f'{key}.sqlite'}",
               "REGIONAL_VAR_DIR": str(tmp / "var"), "REGIONAL_SHARED_DATA": str(shared)}
        built = run_child("build", {"source": str(shared), "out": str(data / "extract")}, env)
        if "error" in built:
            rows.append(Row(section, "build-data from the raw files", scale, f"failed: {built['error']}"))
            continue
        rows.append(Row(section, "build-data from the raw files", scale,
                        f"{built['seconds']:.1f} s; {_mb(built)}; {built['observations']:,} observation rows "
                        f"in {built['files']} files"))
        loaded = run_child("load", {}, env)
        _load_rows(section, scale, loaded, rows)
        envs[key] = env
    return envs


def _load_rows(section: str, scale: str, loaded: dict, rows: list[Row]) -> None:
    if "error" in loaded:
        rows.append(Row(section, "first load into an empty SQLite file", scale, f"failed: {loaded['error']}"))
        return
    rows.append(Row(section, "first load into an empty SQLite file", scale,
                    f"{loaded['seconds']:.1f} s; {_mb(loaded)}; {loaded['observations']:,} observations"))
    rows.append(Row(section, "Store read from SQLite (the app's cached data, once per load)", scale,
                    f"{loaded['store_seconds']:.2f} s; {loaded['store_peak_mb']:,.0f} MB peak RSS"))


def measure_pages(envs: dict[str, dict[str, str]], rows: list[Row]) -> None:
    """Each page's view (regional.views), the code the page itself runs: cold, warm, every section's chart."""
    from bench.pages import NO_DATA, VIEWS

    section = "Page views (regional.views: what each page prepares)"
    for key, env in sorted(envs.items(), key=lambda kv: kv[0] != "national"):
        prep = run_child("prep", {}, env)
        if "error" in prep:
            rows.append(Row(section, "all pages", key, f"failed: {prep['error']}"))
            continue
        scale = f"{key}: {prep['observations']:,} observations"
        for item in prep["results"]:
            if "error" in item:
                rows.append(Row(section, item["page"], scale, f"failed: {item['error']}", f"< {PAGE_GOAL_MS} ms", "FAIL"))
                continue
            label = f"{item['page']}: {item['scope']} ({item['members']} councils)"
            charts = [s for s in item["sections"] if s["chart_ms"] is not None]
            chart_ms = sum(s["chart_ms"] for s in charts)
            slowest = max(charts, key=lambda s: s["chart_ms"]) if charts else None
            rows.append(Row(section, label, scale,
                            f"prepare {item['warm_ms']:.0f} ms warm (median of {item['runs']}), {item['cold_ms']:.0f} ms "
                            f"cold; {len(item['sections'])} sections, {len(charts)} charts built and serialised in "
                            f"{chart_ms:.0f} ms" + (f" (slowest {slowest['key']} {slowest['chart_ms']:.0f} ms)"
                                                    if slowest else ""),
                            f"< {PAGE_GOAL_MS} ms warm", "ok" if item["warm_ms"] < PAGE_GOAL_MS else "over"))
    for page in discover_pages():
        if page in NO_DATA:
            rows.append(Row(section, page, "-", "nothing to prepare (a text page)"))
        elif page not in VIEWS:
            rows.append(Row(section, page, "-", "not measured: no view registered in regional/views/__init__.py"))


def measure_distance(env: dict[str, str], rows: list[Row]) -> None:
    """The figures ``python -m bench distance`` prints (bench/distance.py), as rows of the table."""
    section = "Placement distance"
    result = run_child("distance", {"episodes": 150_000}, env)
    if "error" in result:
        rows.append(Row(section, "PL_DISTANCE for 150,000 episodes", "-", f"not measured: {result['error']}",
                        f"< {DISTANCE_GOAL_S} s"))
        return
    scale = f"{result['episodes']:,} synthetic episodes at real postcodes"
    vector_s, row_x, validator_x = result["vector_s"], result["row_s"] / result["vector_s"], \
        result["validator_s"] / result["vector_s"]
    agree = "identical on every row" if result["agree_rows"] and result["agree_validator"] else "RESULTS DIFFER"
    rows.append(Row(section, "parse, look up, distance, band and placement council (`postcode_distances`), warm median",
                    scale, f"{vector_s:.3f} s", f"< {DISTANCE_GOAL_S} s",
                    "ok" if vector_s < DISTANCE_GOAL_S else "over"))
    rows.append(Row(section, "row by row (`postcode_point` per postcode), same run", scale,
                    f"{result['row_s']:.2f} s ({row_x:.0f}x; {agree})", f">= {DISTANCE_ROW_X}x",
                    "ok" if row_x >= DISTANCE_ROW_X else "under"))
    rows.append(Row(section, "validator-style (pandas merges on the ONS directory), same run", scale,
                    f"{result['validator_s']:.2f} s ({validator_x:.1f}x; {result['gb_pairs']:,} GB full-postcode "
                    "pairs compared)", f">= {DISTANCE_VALIDATOR_X}x",
                    "ok" if validator_x >= DISTANCE_VALIDATOR_X else "under"))
    rows.append(Row(section, "the same three in CPU time (steadier than wall time on a shared machine)", scale,
                    f"{result['vector_cpu_s']:.3f} s / {result['row_cpu_s']:.2f} s / {result['validator_cpu_s']:.2f} s "
                    f"({result['row_cpu_s'] / result['vector_cpu_s']:.0f}x, "
                    f"{result['validator_cpu_s'] / result['vector_cpu_s']:.1f}x); 1-minute load "
                    f"{result['load'][0]:.1f} before, {result['load'][1]:.1f} after"))
    rows.append(Row(section, "first call in a fresh process (postcode index read from the cache)", scale,
                    f"{result['first_s']:.2f} s, peak {result['peak_mb']:.0f} MB"))
    rows.append(Row(section, "postcode index load alone, fresh process", f"{result['index_rows']:,} postcodes",
                    f"{result['index_load_s']:.3f} s", f"< {DISTANCE_INDEX_S} s",
                    "ok" if result["index_load_s"] < DISTANCE_INDEX_S else "over"))


def measure_apptest(env: dict[str, str], scale: str, rows: list[Row]) -> None:
    section = "Full AppTest run per page"
    for page in discover_pages():
        script = "app.py" if page == "overview.py" else page  # the Overview runs through app.py's navigation
        result = run_child("apptest", {"page": script, "warm_runs": 3}, env)
        page = f"{page} (through app.py)" if script != page else page
        if "error" in result:
            rows.append(Row(section, page, scale, f"failed: {result['error']}", verdict="FAIL"))
            continue
        rows.append(Row(section, page, scale,
                        f"{result['first_s']:.1f} s first run in a fresh process; {result['warm_s']:.2f} s warm"))


def render(rows: list[Row], desc: dict[str, str], total_s: float) -> str:
    lines = ["# Benchmarks", "",
             f"Written by `python -m bench` (`make bench`) in {total_s:.0f} s. Figures, not pass/fail tests; "
             "each build/load/page measurement ran in a fresh process against temporary copies of the data.", "",
             "## Machine", "", *[f"- {k}: {v}" for k, v in desc.items()], "",
             "## Results", "",
             "| section | measurement | scale | result | goal | |", "|---|---|---|---|---|---|",
             *[f"| {r.section} | {r.measurement} | {r.scale} | {r.result} | {r.goal} | {r.verdict} |" for r in rows],
             "", "## How to read this", "",
             "- *National scale*: every council (~153), every year and every measure in DfE's LAIT file "
             "(641k rows in the raw file) loaded as observations, plus the project's own catalogue.",
             "- *Peak RSS* is the whole process's peak resident memory (`getrusage`), imports included.",
             "- *Page views* time `prepare(store, selection, Choices())` from `regional.views`, the very function "
             "the page calls (see `bench/pages.py`), then build and serialise every section's chart as Streamlit "
             "does. *cold*: the first call on a freshly read Store (first view after a load); *warm*: median of later "
             "calls (a cache miss once the Store is in memory; a repeat view is a `st.cache_data` hit on top). "
             "Goal < 200 ms warm at national scale. *default* rows are the embedded default for comparison.",
             "- *AppTest*: `streamlit.testing` runs the whole page script headless; the first run includes "
             "imports and reading the database, warm runs reuse the process's caches.",
             "- *Placement distance*: `python -m bench distance` (bench/distance.py): DfE's PL_DISTANCE with its "
             "band and placement council for 150,000 synthetic episodes, vectorised against row by row and against "
             "the sector validator's pandas merges in the same process (all must agree); the first call and the "
             "postcode index's load each in a fresh process.",
             "- Timings on a small shared virtual machine vary by a few tens of per cent between runs; the load "
             "averages above say how busy it was.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["uploads"]:  # upload throughput and peak memory (bench/uploads.py)
        from bench import uploads

        return uploads.main(argv[1:])
    if argv[:1] == ["browser"]:  # python -m bench browser: only the Chromium measurements
        from bench import browser

        return browser.main()
    if argv[:1] == ["sessions"]:  # python -m bench sessions: many users at once, the server alone
        from bench import sessions

        return sessions.main()
    if argv[:1] == ["distance"]:  # one line: PL_DISTANCE three ways (bench/distance.py)
        from bench import distance as distance_bench

        return distance_bench.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-apptest", action="store_true", help="leave out the AppTest runs")
    parser.add_argument("--browser", action="store_true", help="also run the Chromium measurements "
                        "(python -m bench browser runs them alone)")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="where to write the table")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="regional-bench-") as tmp_name:
        tmp = Path(tmp_name)
        print("bench: build-data and first load ...", flush=True)
        envs = measure_build_and_load(tmp, shared_data_dir(), rows)
        env = envs.get("national") or envs["default"]
        print("bench: page data preparation ...", flush=True)
        measure_pages(envs, rows)
        print("bench: placement distance ...", flush=True)
        measure_distance(env, rows)
        if args.browser:
            print("bench: browser (Chromium) ...", flush=True)
            from bench import browser

            browser.main()
        if not args.skip_apptest:
            print("bench: AppTest runs ...", flush=True)
            measure_apptest(env, "national" if "national" in envs else "default", rows)
    desc = machine.describe()
    desc = {**desc, "load average (1/5/15 min) when started": load_before}
    text = render(rows, desc, time.perf_counter() - started)
    # only its own block: the browser, backtest and uploads figures and the notes kept by hand stay
    replace_block(args.output, START, END, f"{START}\n{text.strip()}\n{END}", at_top=True)
    print()
    print(text)
    print("bench: sufficiency backtest ...", flush=True)  # its own section of results.md (bench/backtest.py)
    result = subprocess.run([sys.executable, "-m", "bench.backtest", "--output", str(args.output)], cwd=PROJECT_DIR)
    if result.returncode:
        print("bench: the sufficiency backtest failed; see above", flush=True)
    print(f"bench: written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
