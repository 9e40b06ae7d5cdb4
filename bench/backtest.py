"""``python -m bench.backtest``: the sufficiency plan's backtest table and timings.

Forecasts of children in care made from data up to 31 March 2021 against DfE's published
2022-2025, mean absolute percentage error per South West council and for the South West
(the members' summed forecast against their summed actual), beside the naive forecast
(2021 carried forward) in the same run; the group's error by placement type; and how long
the national backtest and a group's plan take. Writes its own section of bench/results.md
(between markers, so the rest of the file is left as it is) and prints it.

Runs against a temporary SQLite file loaded from the embedded data; the developer's
database is never touched.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

RESULTS_FILE = Path(__file__).resolve().parent / "results.md"
START, END = "<!-- sufficiency-backtest:start -->", "<!-- sufficiency-backtest:end -->"
GROUP = "rcc:south-west"


def _timed(fn, runs: int = 3):
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return value, statistics.median(times)


def measure() -> str:
    """The section's markdown: tables and timings, with the load average beside them."""
    tmp = tempfile.mkdtemp(prefix="regional-bench-backtest-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
    from regional import db
    from regional.store import load_store
    from regional.sufficiency import BASE_LABELS, TYPE_LABELS, backtest, plan

    engine = db.get_engine(os.environ["DATABASE_URL"])
    db.ensure_loaded(engine)
    store = load_store(engine)
    names = dict(zip(store.areas["code"], store.areas["name"]))
    members = store.group_members(GROUP)
    label = store.groupings.set_index("id").loc[GROUP, "name"]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    results, backtest_s = _timed(lambda: backtest.national(store))
    _, plan_s = _timed(lambda: plan.build_plan(store, members, label=label, backtest_results=results))
    table = backtest.mape_table(results, members, names, label)
    councils = results["area_code"].nunique()
    lines = [START, "## Sufficiency plan: backtest (issue 18)", "",
             f"Written by `python -m bench.backtest` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load "
             f"average {load} when started). Children in care forecast from data to 31 March 2021 against DfE's "
             "published 2022-2025; MAPE = mean absolute percentage error over the four years. *Rate trended*: the "
             "rate per 10,000 on its line through the last five years; *rate held*: the 2021 rate; both times the "
             "child population on its five-year line. *Naive*: the 2021 count carried forward, in the same run. The "
             "South West row compares the members' summed forecast with their summed actual.", "",
             "| council | MAPE rate trended % | MAPE rate held % | MAPE naive % | closest |", "|---|---|---|---|---|"]

    def pct(value: float) -> str:
        return "-" if value != value else f"{value:.1f}"

    for rec in table.itertuples():
        lines.append(f"| {rec.area} | {pct(rec.mape_trend_pct)} | {pct(rec.mape_held_pct)} | "
                     f"{pct(rec.mape_naive_pct)} | {rec.better} |")
    lines += ["", "The South West by placement type (placement mix at 2021 held; summed members):", "",
              "| placement type | MAPE rate trended % | MAPE rate held % | MAPE naive % |", "|---|---|---|---|"]
    for type_ in ["total", *BASE_LABELS]:
        t = backtest.mape_table(results, members, names, label, type_).iloc[-1]
        lines.append(f"| {TYPE_LABELS.get(type_, BASE_LABELS.get(type_))} | {pct(t['mape_trend_pct'])} | "
                     f"{pct(t['mape_held_pct'])} | {pct(t['mape_naive_pct'])} |")
    everyone = results[results["type"] == "total"].groupby(["method"])["ape"].mean()
    lines += ["", f"Across all {councils} councils backtested (mean of council-year errors): rate trended "
              f"{everyone['trend']:.1f}%, rate held {everyone['held']:.1f}%, naive {everyone['naive']:.1f}%. "
              "The 80% range around every demand figure comes from these errors for the method chosen "
              "(10th-90th percentile of actual / forecast by type and years ahead).", "",
              f"Timings (median of 3, load average {load}): national backtest {backtest_s * 1000:.0f} ms; the South "
              f"West's plan (demand, transition rates, supply, gap, costs) {plan_s * 1000:.0f} ms with the backtest "
              "already held, as the page caches it.", END]
    return "\n".join(lines)


def write_section(text: str, path: Path = RESULTS_FILE) -> None:
    """Put the section into results.md, replacing an earlier one; the rest of the file stays."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        new = head + text + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backtest", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    args = parser.parse_args(argv)
    text = measure()
    write_section(text, args.output)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
