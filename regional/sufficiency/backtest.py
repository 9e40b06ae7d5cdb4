"""Backtest: forecasts made from data up to 2021 against what DfE published for 2022-2025,
beside the naive forecast (last value carried forward) in the same run.

The errors set the range around every demand figure: for each placement type and each
number of years ahead, the 10th and 90th percentiles of actual / forecast across every
council give the 80% interval.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from regional.store import Store
from regional.sufficiency import demand

CUTOFF = 2021
TEST_YEARS = [2022, 2023, 2024, 2025]
LOW_Q, HIGH_Q = 0.10, 0.90
KNOWN_POPULATION = "trend_known_population"


def run(inputs: pd.DataFrame, *, cutoff: int = CUTOFF, test_years: list[int] = TEST_YEARS) -> pd.DataFrame:
    """Forecasts (rate trended, rate held) and the naive forecast against the published figure,
    one row per council, type, year and method (``trend``, ``held``, ``naive``). Councils
    without both sides are left out."""
    actual = demand.history(inputs)
    actual = actual[actual["year"].isin(test_years)].rename(columns={"children": "actual"})
    enough = inputs[inputs["year"] <= cutoff].groupby("area_code")["cic_count"].count()
    inputs = inputs[inputs["area_code"].isin(enough[enough >= 2].index)]
    cols = ["area_code", "year", "type", "children"]
    parts = [demand.forecast_all(inputs, test_years, cutoff=cutoff, rate=r)[cols].assign(method=r)
             for r in demand.RATE_CHOICES]
    # The population side alone: the trended rate times the ONS estimates as they turned out, i.e.
    # what a perfect population projection would have given (no real SNPP file is held to test).
    known = inputs[inputs["year"].isin(test_years)][["area_code", "year", "population"]].dropna()
    parts.append(demand.forecast_all(inputs, test_years, cutoff=cutoff, rate="trend",
                                     projection=known.assign(label="ONS estimates as they turned out"))[cols].assign(
        method=KNOWN_POPULATION))
    nv = demand.naive_all(inputs, test_years, cutoff=cutoff)
    out = pd.concat([*parts, nv.assign(method="naive")], ignore_index=True)
    out = out.rename(columns={"children": "forecast"})
    out = out.merge(actual, on=["area_code", "type", "year"], how="inner").dropna(subset=["forecast", "actual"])
    out["horizon"] = out["year"] - cutoff
    out["ape"] = ape(out["forecast"], out["actual"])
    return out[["area_code", "type", "year", "method", "forecast", "actual", "horizon", "ape"]].reset_index(drop=True)


def ape(forecast: pd.Series, actual: pd.Series) -> pd.Series:
    """Absolute percentage error; undefined (NaN) where the actual is 0."""
    actual = actual.astype(float)
    return ((forecast - actual).abs() / actual.where(actual != 0) * 100).astype(float)


def mape_table(results: pd.DataFrame, members: list[str], names: dict[str, str], group_label: str,
               type_: str = "total") -> pd.DataFrame:
    """MAPE per member council and for the group (its summed forecast against its summed
    actual, each year), trend against naive, for one type."""
    rows = results[(results["type"] == type_) & results["area_code"].isin(members)]
    per = rows.pivot_table(index="area_code", columns="method", values="ape", aggfunc="mean")
    methods = [*demand.RATE_CHOICES, "naive", KNOWN_POPULATION]
    per = per.reindex(index=members, columns=methods)  # a member without figures stays, untested
    per.insert(0, "area", per.index.map(names))
    summed = rows.groupby(["method", "year"])[["forecast", "actual"]].sum().reset_index()
    summed["ape"] = ape(summed["forecast"], summed["actual"])
    group = summed.pivot_table(index=lambda _: 0, columns="method", values="ape", aggfunc="mean") if len(summed) else None
    table = per.reset_index(drop=True).sort_values("area")
    if group is not None:
        group_row = {"area": f"{group_label} (sum of members)",
                     **{m: float(summed.loc[summed["method"] == m, "ape"].mean()) for m in methods}}
        table = pd.concat([table, pd.DataFrame([group_row])], ignore_index=True)
    scores = table[methods[:-1]]  # the known-population line is a yardstick, not a forecast one could make
    tested = scores.notna().all(axis=1)
    table["better"] = "not tested (figures suppressed or missing)"
    if tested.any():
        table.loc[tested, "better"] = scores[tested].idxmin(axis=1)
    return table.rename(columns={m: f"mape_{m}_pct" for m in methods})


def interval_ratios(results: pd.DataFrame, method: str = "trend") -> pd.DataFrame:
    """Per type and years ahead: 10th and 90th percentile of actual / forecast (``method``)
    across every council in the run; these multiply a forecast into its 80% interval."""
    trend = results[(results["method"] == method) & (results["forecast"] > 0)]
    ratio = trend.assign(ratio=trend["actual"] / trend["forecast"])
    out = ratio.groupby(["type", "horizon"])["ratio"].agg(low=lambda s: s.quantile(LOW_Q),
                                                          high=lambda s: s.quantile(HIGH_Q), n="size")
    return out.reset_index()


def ratios_for(ratios: pd.DataFrame, type_: str, horizon: int) -> tuple[float, float]:
    """The interval multipliers for a type and horizon. Beyond the longest horizon tested the
    log-spread of the longest is widened by sqrt(horizon / longest)."""
    rows = ratios[ratios["type"] == type_]
    if rows.empty or horizon < 1:
        return float("nan"), float("nan")
    if horizon in set(rows["horizon"]):
        hit = rows[rows["horizon"] == horizon].iloc[0]
        return float(hit["low"]), float(hit["high"])
    longest = rows.sort_values("horizon").iloc[-1]
    scale = np.sqrt(horizon / float(longest["horizon"]))
    return float(np.exp(np.log(longest["low"]) * scale)), float(np.exp(np.log(longest["high"]) * scale))


def ratio_table(ratios: pd.DataFrame, horizons: list[int]) -> pd.DataFrame:
    """:func:`ratios_for` for every type and the horizons given, as a table to merge on."""
    rows = [{"type": t, "horizon": int(h), **dict(zip(("low", "high"), ratios_for(ratios, t, int(h))))}
            for t in sorted(ratios["type"].unique()) for h in horizons]
    return pd.DataFrame(rows, columns=["type", "horizon", "low", "high"])


def national(store: Store) -> pd.DataFrame:
    """The backtest for every active council (the interval needs the spread across all of them)."""
    codes = store.councils()["code"].tolist()
    return run(demand.published_inputs(store, codes))


# --- transition rates (SSDA903 extracts spanning several years) -----------------------------------
def transition_run(episodes: pd.DataFrame, births: pd.Series, fit: list, test: list) -> pd.DataFrame:
    """Transition-rate forecasts (by age band, and all ages) from the 31 Marches in ``fit`` against
    each council's children in care at the 31 Marches in ``test``, beside the naive forecast (the
    stock at the last fitted 31 March carried forward), in the same run; one row per council,
    type (and ``total``), year and method, as :func:`run`."""
    rows = []
    base = fit[-1]
    for code, eps in episodes.groupby("area_code"):
        actual = {t: demand.stock_at(eps, t).value_counts() for t in test}
        years = [t.year for t in test]
        forecasts = {"naive": {t.year: demand.stock_at(eps, base).value_counts() for t in test}}
        for method, b in (("transition_age", births), ("transition", None)):
            rates = demand.transition_rates(eps, base, births=b, dates=fit)
            proj = demand.project_transitions(rates, years)
            proj = demand.by_type(proj) if b is not None else proj
            forecasts[method] = {y: proj[proj["year"] == y].set_index("type")["children"] for y in years}
        for method, per_year in forecasts.items():
            for t in test:
                got, want = per_year[t.year], actual[t]
                types = sorted(set(want.index) | set(got.index))
                for type_ in [*types, "total"]:
                    f = float(got.sum()) if type_ == "total" else float(got.get(type_, 0.0))
                    a = float(want.sum()) if type_ == "total" else float(want.get(type_, 0.0))
                    rows.append({"area_code": code, "type": type_, "year": t.year, "method": method, "forecast": f,
                                 "actual": a, "horizon": t.year - base.year})
    out = pd.DataFrame(rows)
    out["ape"] = ape(out["forecast"], out["actual"])
    return out
