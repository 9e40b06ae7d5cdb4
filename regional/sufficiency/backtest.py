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


#: A 10th or 90th percentile of fewer backtest points than this is not read as one (with 5 points
#: the 10th percentile is already an interpolation between the two lowest): a type and horizon with
#: fewer borrow another horizon's (:func:`ratios_for`), and a type with fewer at every horizon has
#: no range ("not known", never a made-up one).
MIN_POINTS = 5


#: The transition backtest's points are forecasts of at least this many children: a ratio to a forecast
#: of a fraction of a child (0.2 children aged 16 and over, then 23) is noise, not error, and a few of them
#: made ranges of tens of thousands. 5, as child-level counts under 5 are suppressed.
MIN_FORECAST = 5.0


def interval_ratios(results: pd.DataFrame, method: str | None = "trend", *, min_forecast: float = 0.0) -> pd.DataFrame:
    """Per type and years ahead: 10th and 90th percentile of actual / forecast (``method``; None:
    every row given, the caller has chosen them) across every council and origin in the run, and
    how many points (``n``); these multiply a forecast into its 80% interval. A forecast of 0 (or
    below ``min_forecast``) has no ratio and is left out."""
    rows = results if method is None else results[results["method"] == method]
    rows = rows[(rows["forecast"] > 0) & (rows["forecast"] >= min_forecast)]
    ratio = rows.assign(ratio=rows["actual"] / rows["forecast"])
    out = ratio.groupby(["type", "horizon"])["ratio"].agg(low=lambda s: s.quantile(LOW_Q),
                                                          high=lambda s: s.quantile(HIGH_Q), n="size")
    return out.reset_index()


def _entries(ratios: pd.DataFrame) -> dict[str, list[tuple[int, float, float, int]]]:
    """Per type: (horizon, low, high, n) for every horizon tested, shortest first; one pass over the
    frame, so a table of every type and horizon costs no filtering each."""
    n = ratios["n"] if "n" in ratios else pd.Series(np.iinfo(np.int64).max, index=ratios.index)
    out: dict[str, list] = {}
    for t, h, lo, hi, k in zip(ratios["type"], ratios["horizon"], ratios["low"], ratios["high"], n):
        out.setdefault(t, []).append((int(h), float(lo), float(hi), int(k)))
    return {t: sorted(rows) for t, rows in out.items()}


def _widened(value: float, scale: float) -> float:
    with np.errstate(divide="ignore"):  # a ratio of 0 (nobody in the type when some were forecast) stays 0
        return float(np.exp(np.log(value) * scale))


def _pick(every: list[tuple[int, float, float, int]], horizon: int, min_points: int) -> tuple[float, float, str]:
    """The range multipliers for one type's ``every`` horizon and where they come from (see ratios_for)."""
    nan = float("nan")
    if horizon < 1:
        return nan, nan, "not known: not a year ahead"
    if not every:
        return nan, nan, "not known: no backtest point for this type"
    usable = [e for e in every if e[3] >= min_points]
    if not usable:
        return nan, nan, (f"not known: at most {max(e[3] for e in every)} backtest point(s) for this type at any "
                          f"horizon, fewer than the {min_points} a percentile needs")
    for h, low, high, n in usable:
        if h == horizon:
            return low, high, f"{n} backtest points {horizon} year(s) ahead"
        if h > horizon:  # the next longer horizon with enough, as it is
            return low, high, f"too few points {horizon} year(s) ahead: taken from {h} years ahead ({n} points)"
    h, low, high, n = usable[-1]
    scale = np.sqrt(horizon / h)
    return _widened(low, scale), _widened(high, scale), (
        f"{h} year(s) ahead ({n} points; the longest with {min_points} or more) widened by sqrt({horizon}/{h})")


def ratios_for(ratios: pd.DataFrame, type_: str, horizon: int, *,
               min_points: int = MIN_POINTS) -> tuple[float, float]:
    """The interval multipliers for a type and horizon, from the horizons with ``min_points`` or more
    backtest points. Beyond the longest such horizon, its log-spread is widened by
    sqrt(horizon / longest); a shorter horizon with too few takes the next longer one's as it is
    (a longer horizon's range is no narrower). NaN when the type has no horizon with enough."""
    low, high, _ = _pick(_entries(ratios[ratios["type"] == type_]).get(type_, []), horizon, min_points)
    return low, high


def range_note(ratios: pd.DataFrame, type_: str, horizon: int, *, min_points: int = MIN_POINTS) -> str:
    """Where :func:`ratios_for`'s range for a type and horizon comes from, or why there is none."""
    return _pick(_entries(ratios[ratios["type"] == type_]).get(type_, []), horizon, min_points)[2]


def ratio_table(ratios: pd.DataFrame, horizons: list[int], types: list[str] | None = None, *,
                min_points: int = MIN_POINTS) -> pd.DataFrame:
    """:func:`ratios_for` for every type (or ``types``) and the horizons given, with
    :func:`range_note`, as a table to merge on."""
    entries = _entries(ratios)
    types = sorted(entries) if types is None else types
    rows = [(t, int(h), *_pick(entries.get(t, []), int(h), min_points)) for t in types for h in horizons]
    return pd.DataFrame(rows, columns=["type", "horizon", "low", "high", "range_note"])


def national(store: Store) -> pd.DataFrame:
    """The backtest for every active council (the interval needs the spread across all of them), kept
    with the Store: every plan (each scope, horizon and scenario) asks for the same one."""
    return store.memo(("sufficiency_national_backtest",),
                      lambda: run(demand.published_inputs(store, store.councils()["code"].tolist())))


# --- transition rates (SSDA903 extracts spanning several years) -----------------------------------
#: The transition-rate variants: by age band (the plan's where months of birth are stored) and all ages.
BY_AGE, ALL_AGES = "transition_age", "transition"


def band_type(band: str) -> str:
    """The backtest's ``type`` for an age band's children (every placement type): "band | total"."""
    return f"{band}{demand.BAND_SEP}total"


def transition_run(episodes: pd.DataFrame, births: pd.Series | None, fit: list, test: list,
                   stocks: dict | None = None) -> pd.DataFrame:
    """Transition-rate forecasts (by age band where ``births`` is given, and all ages) from the 31 Marches
    in ``fit`` against each council's children in care at the 31 Marches in ``test``, beside the naive
    forecast (the stock at the last fitted 31 March carried forward), in the same run; one row per
    council, type (and ``total``; by age band also each band's children, type :func:`band_type`), year
    and method, as :func:`run`. ``stocks``: a dict the children in care at each date are kept in, to
    share between runs on the same episodes (a rolling-origin backtest's origins)."""
    rows = []
    base = fit[-1]
    years = [t.year for t in test]

    def counts(stock: pd.Series) -> pd.Series:
        """Children by type, and by age band where the states carry one."""
        parts = stock.str.split(demand.BAND_SEP, regex=False, expand=True) if len(stock) else None
        if parts is None or parts.shape[1] < 2:
            return stock.value_counts()
        return pd.concat([parts[1].value_counts(), parts[0].map(band_type).value_counts()])

    def projected(proj: pd.DataFrame, year: int) -> pd.Series:
        one = proj[proj["year"] == year]
        out = demand.by_type(one).set_index("type")["children"]
        bands = demand.by_age_band(one)
        return pd.concat([out, bands.set_index(bands["age_band"].map(band_type))["children"]]) if len(bands) else out

    variants = ((BY_AGE, births), (ALL_AGES, None)) if births is not None else ((ALL_AGES, None),)
    held = {} if stocks is None else stocks
    for code, eps in episodes.groupby("area_code"):
        def stock(when, b: pd.Series | None, eps=eps, code=code) -> pd.Series:
            """demand.stock_at, each council, date and variant once (every origin asks for the same 31 Marches)."""
            key = (code, when, b is not None)
            if key not in held:
                held[key] = demand.stock_at(eps, when, b)
            return held[key]

        actual = {t: counts(stock(t, births)) for t in test}
        forecasts = {"naive": {y: counts(stock(base, births)) for y in years}}
        for method, b in variants:
            rates = demand.transition_rates(eps, base, births=b, dates=fit, stock_of=lambda d, b=b: stock(d, b))
            proj = demand.project_transitions(rates, years)
            forecasts[method] = {y: projected(proj, y) for y in years}
        for method, per_year in forecasts.items():
            for t in test:
                got, want = per_year[t.year], actual[t]
                keys = set(want.index) | set(got.index)
                bands = sorted(k for k in keys if demand.BAND_SEP in k)
                types = sorted(keys - set(bands))
                got_types, want_types = got.drop(bands, errors="ignore"), want.drop(bands, errors="ignore")
                scored = bands if method != ALL_AGES else []  # the all-ages forecast has no age bands to score
                for type_ in [*types, "total", *scored]:
                    f = float(got_types.sum()) if type_ == "total" else float(got.get(type_, 0.0))
                    a = float(want_types.sum()) if type_ == "total" else float(want.get(type_, 0.0))
                    rows.append({"area_code": code, "type": type_, "year": t.year, "method": method, "forecast": f,
                                 "actual": a, "horizon": t.year - base.year})
    out = pd.DataFrame(rows, columns=["area_code", "type", "year", "method", "forecast", "actual", "horizon"])
    out["ape"] = ape(out["forecast"], out["actual"])
    return out


def rolling_origins(episodes: pd.DataFrame, extract_date, *, pairs: int = 3) -> list[tuple[list, list]]:
    """(fit, test) 31 Marches for every origin in one council's extract: an origin with at least two
    31 Marches up to it (fitted on up to ``pairs`` + 1 ending there, as the plan's
    :func:`demand.snapshot_dates` picks them) and at least one later 31 March inside the extract."""
    every = demand.snapshot_dates(episodes, extract_date, pairs=10_000)
    return [(demand.snapshot_dates(episodes, origin, pairs=pairs), every[i + 1:])
            for i, origin in enumerate(every) if i >= 1 and i + 1 < len(every)]


def extract_run(episodes: pd.DataFrame, *, pairs: int = 3) -> pd.DataFrame:
    """The rolling-origin backtest in every council's own extract: each origin's forecasts of each
    later 31 March against the extract's own stock then (:func:`transition_run`), by age band where
    the extract stores months of birth and all ages, beside the naive, in the same run. ``origin``
    is the fitted 31 March's year, ``variant`` the method the plan uses for that council and
    ``synthetic`` whether the extract is."""
    cols = ["area_code", "type", "year", "method", "forecast", "actual", "horizon", "ape", "origin", "variant",
            "synthetic"]
    parts = []
    for code, eps in episodes.groupby("area_code"):
        births = demand.births_of(eps)
        extract = pd.to_datetime(eps["extract_date"]).max().date()
        synthetic = bool(eps["synthetic"].astype(bool).all()) if "synthetic" in eps else False
        stocks: dict = {}
        for fit, test in rolling_origins(eps, extract, pairs=pairs):
            parts.append(transition_run(eps, births, fit, test, stocks).assign(
                origin=fit[-1].year, variant=BY_AGE if births is not None else ALL_AGES, synthetic=synthetic))
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def transition_ratios(results: pd.DataFrame) -> pd.DataFrame:
    """:func:`interval_ratios` of :func:`extract_run`, each council's own variant (the one its plan
    uses), pooled across origins and councils, as the rate method's pool every council; only
    forecasts of :data:`MIN_FORECAST` or more children are points."""
    if results.empty:
        return pd.DataFrame(columns=["type", "horizon", "low", "high", "n"])
    return interval_ratios(results[results["method"] == results["variant"]], method=None, min_forecast=MIN_FORECAST)


def in_extracts(store: Store) -> pd.DataFrame:
    """:func:`extract_run` for every council with an extract in the store, kept with the Store (one
    data version), as the page builds the plan on every visit."""
    return store.memo(("sufficiency_transition_backtest",), lambda: extract_run(demand.extract_episodes(store)))


def in_extracts_ratios(store: Store) -> pd.DataFrame:
    """:func:`transition_ratios` of :func:`in_extracts`, kept with the Store likewise."""
    return store.memo(("sufficiency_transition_ratios",), lambda: transition_ratios(in_extracts(store)))
