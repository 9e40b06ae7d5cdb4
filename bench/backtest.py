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
    os.environ.setdefault("REGIONAL_PSEUDONYM_KEY", "bench-only-key")  # a throwaway database of its own
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
             "*Population known*: the rate trended times the child population as it turned out (ONS's estimates for "
             "2022-2025), what a perfect population projection would give: the error left is the rate's alone (no "
             "real ONS projection file is held to backtest).", "",
             "| council | MAPE rate trended % | MAPE rate held % | MAPE naive % | closest | MAPE rate trended, "
             "population known % |", "|---|---|---|---|---|---|"]

    def pct(value: float) -> str:
        return "-" if value != value else f"{value:.1f}"

    for rec in table.itertuples():
        lines.append(f"| {rec.area} | {pct(rec.mape_trend_pct)} | {pct(rec.mape_held_pct)} | "
                     f"{pct(rec.mape_naive_pct)} | {rec.better} | "
                     f"{pct(getattr(rec, f'mape_{backtest.KNOWN_POPULATION}_pct'))} |")
    lines += ["", "The South West by placement type (placement mix at 2021 held; summed members):", "",
              "| placement type | MAPE rate trended % | MAPE rate held % | MAPE naive % |", "|---|---|---|---|"]
    for type_ in ["total", *BASE_LABELS]:
        t = backtest.mape_table(results, members, names, label, type_).iloc[-1]
        lines.append(f"| {TYPE_LABELS.get(type_, BASE_LABELS.get(type_))} | {pct(t['mape_trend_pct'])} | "
                     f"{pct(t['mape_held_pct'])} | {pct(t['mape_naive_pct'])} |")
    everyone = results[results["type"] == "total"].groupby(["method"])["ape"].mean()
    lines += ["", f"Across all {councils} councils backtested (mean of council-year errors): rate trended "
              f"{everyone['trend']:.1f}%, rate held {everyone['held']:.1f}%, naive {everyone['naive']:.1f}%; "
              f"rate trended x the population as it turned out (the ONS estimates for 2022-2025: what a perfect "
              f"population projection would give; no real ONS projection file is held to backtest) "
              f"{everyone[backtest.KNOWN_POPULATION]:.1f}%. "
              "The 80% range around every demand figure comes from these errors for the method chosen "
              "(10th-90th percentile of actual / forecast by type and years ahead).", "",
              f"Timings (median of 3, load average {load}): national backtest {backtest_s * 1000:.0f} ms; the South "
              f"West's plan (demand, transition rates, supply, gap, costs) {plan_s * 1000:.0f} ms with the backtest "
              "already held, as the page caches it.", "", *extract_section(store, members, label, names),
              *transition_section(), END]
    return "\n".join(lines)


def extract_section(store, members: list[str], label: str, names: dict[str, str]) -> list[str]:
    """The transition-rate demand's own backtest: rolling origins inside each stored SSDA903 extract
    (``backtest.extract_run``), MAPE per council by age band, all ages and naive in the same run; the
    80% range's ratios it gives; and what it adds to building the South West's plan."""
    import pandas as pd

    from regional.sufficiency import backtest, demand, plan

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    episodes = demand.extract_episodes(store)
    results, run_s = _timed(lambda: backtest.extract_run(episodes))
    ratios, ratios_s = _timed(lambda: backtest.transition_ratios(results))
    sw_eps = demand.extract_episodes(store, members)
    inputs = demand.published_inputs(store, members)
    latest = int(inputs.dropna(subset=["cic_count"])["year"].max())
    years = list(range(latest + 1, 2029))
    bare, ranged = [], []  # interleaved, the fastest of 7 each: the difference is a few ms in a shared machine's noise
    for _ in range(7):
        bare.append(_timed(lambda: plan.transition_frame(sw_eps, years), runs=1)[1])
        ranged.append(_timed(lambda: plan.transition_frame(sw_eps, years, ratios,
                                                           plan.transition_range_words(results, names)), runs=1)[1])
    bare_s, ranged_s = min(bare), min(ranged)
    range_types = sorted(set(ratios["type"]))
    _, own_s = _timed(lambda: (backtest.ratio_table(ratios, list(range(1, 6)), range_types),
                               plan.transition_range_words(results, names)), runs=7)
    national = backtest.national(store)
    _, held_s = _timed(lambda: plan.build_plan(store, members, label=label, backtest_results=national,
                                               transition_results=results))
    synthetic = bool(results["synthetic"].all()) if len(results) else False
    methods = [backtest.BY_AGE, backtest.ALL_AGES, "naive"]
    total = results[results["type"] == "total"]
    per = total.pivot_table(index="area_code", columns="method", values="ape", aggfunc="mean").reindex(
        columns=methods)
    runs = results.drop_duplicates(["area_code", "origin"]).groupby("area_code")["origin"].agg(
        lambda o: f"{len(o)} ({min(o)}-{max(o)})")
    points = total[total["method"] == "naive"].groupby("area_code").size()

    def pct(value: float) -> str:
        return "-" if pd.isna(value) else f"{value:.1f}"

    lines = ["### Transition rates: rolling-origin backtest inside the councils' own extracts (the range's evidence)",
             "", ("SYNTHETIC DATA: the three embedded extracts (`data/synthetic/`) are generated to match each "
                  "council's published figures at its extract date, not real children. " if synthetic else "")
             + "Every 31 March with two or more before it in an extract is an origin: transition rates fitted as "
             "the plan fits them (up to four 31 Marches ending there) forecast each later 31 March in the same "
             "extract, compared with the extract's own children in care then; naive: the origin's stock carried "
             "forward, in the same run. By age band where the extract stores months of birth (all three do), all "
             "ages beside it. MAPE over every origin and year ahead, all children in care.", "",
             "| council | origins (31 March) | points | MAPE transitions by age band % | MAPE transitions, all "
             "ages % | MAPE naive % |", "|---|---|---|---|---|---|"]
    for code, rec in per.iterrows():
        lines.append(f"| {names.get(code, code)} | {runs[code]} | {points[code]} | "
                     + " | ".join(pct(rec[m]) for m in methods) + " |")
    pooled = total.groupby("method")["ape"].mean().reindex(methods)  # the extracts' origins differ: no summing
    n_runs = len(results.drop_duplicates(["area_code", "origin"]))
    lines.append(f"| every point of the {len(per)} extracts (mean, as the range pools them) | {n_runs} | "
                 f"{int(points.sum())} | "
                 + " | ".join(pct(v) for v in pooled) + " |")
    stocks = {names.get(c, c): [len(demand.stock_at(e, d)) for d in demand.snapshot_dates(
        e, pd.to_datetime(e["extract_date"]).max().date(), pairs=10_000)] for c, e in episodes.groupby("area_code")}
    tot = ratios[ratios["type"] == "total"].sort_values("horizon")
    lines += ["", "The 80% range's ratios for all children in care (10th-90th percentile of actual / forecast, the "
              "plan's variant per council, pooled across origins and councils; a point: a forecast of "
              f"{backtest.MIN_FORECAST:.0f} or more children; fewer than {backtest.MIN_POINTS} points: a longer "
              "horizon's, widened beyond the longest): "
              + "; ".join(f"{int(r.horizon)} year(s) ahead {r.low:.2f}-{r.high:.2f} ({int(r.n)} points)"
                          for r in tot.itertuples()) + ".", "",
              "The extracts' children in care at each 31 March they span ("
              + "; ".join(f"{k}: " + ", ".join(str(n) for n in v) for k, v in stocks.items())
              + ") rise steeply from a handful: the synthetic extracts are generated as the children in care at "
              "the extract date with their current and (for about a third) one earlier placement; children who "
              "left care before that date are not in them, so the transition "
              "rates fitted to the early years under-forecast and the ranges lie mostly above the central figure. "
              "With real extracts (every episode of every year) this would not be so. The plan checks every extract "
              "against DfE's counts of children in care and ceasing care, and says on the page and in the file "
              "that these three are not whole histories.", "",
              f"Timings (median of 3, load average {load}): the backtest in all {results['area_code'].nunique()} "
              f"extracts {run_s * 1000:.0f} ms and its ratios {ratios_s * 1000:.0f} ms, once per data version "
              f"(kept with the Store, `Store.memo`: the first plan built on a new data version pays them); the "
              f"South West's transition-rate frame {bare_s * 1000:.0f} ms without a range, {ranged_s * 1000:.0f} ms "
              f"with it (the ratios held; fastest of 7 interleaved runs each; the difference is within run-to-run "
              f"noise): the range's own work (its table for every type and 1-5 years ahead, and its words) "
              f"{own_s * 1000:.1f} ms (median of 7), added to every plan built; the whole South West plan with both "
              f"backtests held {held_s * 1000:.0f} ms.", ""]
    return lines


SF_SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ssda903_samples" / "sf_regional"


def transition_section(folder: Path = SF_SAMPLE) -> list[str]:
    """Transition rates (by age band and all ages) against the naive forecast on the sector's fake
    multi-council SSDA903 sample (Social Finance's cs-demand-model-regional, MIT): fitted on 31 March
    2018-2020, tested on 31 March 2021 and 2022. Read from ../shared/data, never copied."""
    import pandas as pd
    from datetime import date

    from regional.importers.ssda903_spec import placement_categories
    from regional.sufficiency import TYPE_LABELS, backtest

    head = "### Transition rates by age band (SSDA903), against the naive forecast"
    if not (folder / "episodes.csv").exists():
        return [head, "", f"Not run: the sample extract is not at {folder}."]
    e = pd.read_csv(folder / "episodes.csv", dtype=str).sort_values("YEAR")
    e = e.drop_duplicates(["LA", "CHILD", "DECOM"], keep="last")  # each year's return repeats open episodes
    h = pd.read_csv(folder / "header.csv", dtype=str).sort_values("YEAR").drop_duplicates(["LA", "CHILD"], keep="last")
    episodes = pd.DataFrame({"area_code": e["LA"], "child": e["LA"] + ":" + e["CHILD"],
                             "decom": pd.to_datetime(e["DECOM"]), "dec": pd.to_datetime(e["DEC"]),
                             "placement_detail": placement_categories(e["PLACE"], e["PLACE_PROVIDER"])["placement_detail"]})
    # as the platform stores it: the month of birth only (regional/privacy.py); at 31 March the bands are the same
    births = pd.Series(pd.to_datetime(h["DOB"]).dt.to_period("M").dt.to_timestamp().to_numpy(),
                       index=h["LA"] + ":" + h["CHILD"])
    fit, test = [date(2018, 3, 31), date(2019, 3, 31), date(2020, 3, 31)], [date(2021, 3, 31), date(2022, 3, 31)]
    t0 = time.perf_counter()
    results = backtest.transition_run(episodes, births, fit, test)
    took = time.perf_counter() - t0
    methods = ["transition_age", "transition", "naive"]
    lines = [head, "", "FAKE DATA: the sector's sample extract (`ssda903_samples/sf_regional`, three London councils, "
             "no real child), the one multi-year extract with dates of birth held besides the platform's own "
             "synthetic ones. Children in care by placement type at 31 March 2021 and 2022 forecast from the "
             "transitions between 31 March 2018, 2019 and 2020 (entering care, leaving it, moving between types "
             "and, by age band, ageing: under 1, 1-4, 5-9, 10-15, 16 and over, "
             "the bands of Social Finance's demand model); naive: the 2020 stock carried forward, in the same run. "
             "MAPE over the two years.", "",
             "| council | type | MAPE transitions by age band % | MAPE transitions, all ages % | MAPE naive % |",
             "|---|---|---|---|---|"]
    table = results.pivot_table(index=["area_code", "type"], columns="method", values="ape", aggfunc="mean")
    for (code, type_), rec in table.iterrows():
        if type_ != "total":
            continue
        lines.append(f"| {code} | all children in care | " + " | ".join(
            "-" if pd.isna(rec.get(m)) else f"{rec.get(m):.1f}" for m in methods) + " |")
    summed = results.groupby(["method", "type", "year"])[["forecast", "actual"]].sum().reset_index()
    summed["ape"] = backtest.ape(summed["forecast"], summed["actual"])
    by_type = summed.pivot_table(index="type", columns="method", values="ape", aggfunc="mean")
    for type_, rec in by_type.iterrows():
        if " | " in type_:  # the age bands' own rows: the range's evidence, not this table's
            continue
        lines.append(f"| the three summed | {TYPE_LABELS.get(type_, type_)} | " + " | ".join(
            "-" if pd.isna(rec.get(m)) else f"{rec.get(m):.1f}" for m in methods) + " |")
    from regional.sufficiency import demand

    stock = {d.year: len(demand.stock_at(episodes, d)) for d in [*fit, *test]}
    lines += ["", f"{len(episodes):,} episodes, {episodes['child'].nunique():,} children; the run took "
              f"{took * 1000:.0f} ms. The sample's children in care fall year on year ("
              + ", ".join(f"{n:,} at 31 March {y}" for y, n in stock.items())
              + "), so carrying a stock forward misses by about as much as it falls; the informative comparison is "
              "between the two transition methods. Dates of birth are read as the platform stores them, the month only "
              "(the first of the month): the bands, read at 31 March, are the same as from the day. The embedded "
              "extracts (data/synthetic) are SYNTHETIC, with synthetic months of birth, so the page's transition-rate "
              "figures for them are by age band and labelled synthetic."]
    return lines


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
