"""Comparisons: change on the year before, position against England and the region.

Pure functions over frames from :class:`regional.store.Store`.
"""
from __future__ import annotations

import pandas as pd

from regional.authorities import ENGLAND_CODE
from regional.observations import period_stated
from regional.store import Store

#: The Overview's headline measures, in the order a meeting reads them.
HEADLINE_INDICATORS = [
    "cic_rate_per_10k",
    "cic_count",
    "pct_placed_over_20_miles_outside_la",
    "pct_foster_placements",
    "pct_secure_and_childrens_homes",
    "pct_three_plus_placements",
    "foster_places_approved",
]


def change_from_previous(current: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Change on the year before, per row of ``current``.

    Empty unless the figure a year earlier exists with a value (as LAIT: a gap year or
    a suppressed figure gives no change, never a change from zero).
    """
    previous = history[["area_code", "indicator_id", "period", "value"]].copy()
    previous["period"] = previous["period"] + pd.DateOffset(years=1)
    merged = current.merge(previous, on=["area_code", "indicator_id", "period"], how="left", suffixes=("", "_prev"))
    return pd.Series((merged["value"] - merged["value_prev"]).to_numpy(), index=current.index)


def latest(rows: pd.DataFrame) -> pd.DataFrame:
    """Each area's most recent period per indicator, suppressed/missing included."""
    return rows.sort_values("period").groupby(["area_code", "indicator_id"], as_index=False).tail(1)


def position(value: float, benchmark: float, polarity: str) -> str:
    """'above'/'below'/'same as', and better/worse where the indicator has a polarity."""
    if pd.isna(value) or pd.isna(benchmark):
        return "no comparison"
    if value == benchmark:
        return "same as England"
    side = "above" if value > benchmark else "below"
    if polarity == "neutral":
        return f"{side} England"
    better = (value > benchmark) == (polarity == "high_good")
    return f"{side} England ({'better' if better else 'worse'})"


def headline_table(store: Store, codes: list[str], indicator_ids: list[str] = HEADLINE_INDICATORS,
                   *, published_only: bool = True, region_code: str | None = None) -> pd.DataFrame:
    """Latest value, change on the year before, England and region for each area and measure.

    Areas are the given councils plus the region and England, so a meeting reads its
    members against both. England and region are compared in the same period as the council.
    """
    benchmarks = [ENGLAND_CODE] + ([region_code] if region_code else [])
    all_codes = list(dict.fromkeys(codes + benchmarks))
    rows = store.preferred(indicator_ids, all_codes, published_only=published_only)
    current = latest(rows).copy()
    current["change"] = change_from_previous(current, rows)
    keyed = rows.set_index(["area_code", "indicator_id", "period"])["value"]

    def bench(code: str | None) -> pd.Series:
        if not code:
            return pd.Series(float("nan"), index=current.index)
        keys = list(zip([code] * len(current), current["indicator_id"], current["period"]))
        return pd.Series(keyed.reindex(keys).to_numpy(), index=current.index)

    current["england"] = bench(ENGLAND_CODE)
    current["region"] = bench(region_code)
    meta = store.indicators.set_index("id")
    current["indicator"] = current["indicator_id"].map(meta["label"])
    current["unit"] = current["indicator_id"].map(meta["unit"])
    current["polarity"] = current["indicator_id"].map(meta["polarity"])
    current["vs_england"] = [position(v, e, p) if a != ENGLAND_CODE else ""
                             for v, e, p, a in zip(current["value"], current["england"], current["polarity"],
                                                   current["area_code"])]
    order = {c: i for i, c in enumerate(all_codes)}
    current["order"] = current["area_code"].map(order)
    current["indicator_order"] = current["indicator_id"].map({i: n for n, i in enumerate(indicator_ids)})
    columns = ["area_code", "area_name", "indicator_id", "indicator", "unit", "period", "period_label", "value",
               "status", "change", "england", "region", "vs_england", "source_id", "source_title", "note"]
    return current.sort_values(["indicator_order", "order"])[columns].reset_index(drop=True)


def freshness(store: Store, codes: list[str]) -> pd.DataFrame:
    """Per council: the latest period held from DfE publications and from the council's own returns."""
    latest_by = store.latest_periods
    out = pd.DataFrame({"area_code": codes})
    out["council"] = out["area_code"].map(store.name)
    for column, label in (("published", "latest DfE figure"), ("council", "latest council return")):
        dates = pd.to_datetime(out["area_code"].map(latest_by[column]))
        out[label] = dates.dt.strftime("%d %b %Y").fillna("none held")
    return out


def headline_wide(table: pd.DataFrame) -> pd.DataFrame:
    """One row per area, one column per measure, each cell the formatted latest figure and its year."""
    from regional.indicators import format_value

    cells = table.assign(cell=[
        f"{format_value(v, u, s)} ({p})" for v, u, s, p in
        zip(table["value"], table["unit"], table["status"], table["period_label"])])
    order = list(dict.fromkeys(table["area_name"]))
    wide = cells.drop_duplicates(["area_name", "indicator"]).set_index(["area_name", "indicator"])["cell"].unstack()
    wide = wide.reindex(order)[list(dict.fromkeys(table["indicator"]))]
    return wide.reset_index().rename(columns={"area_name": "Area"}).fillna("not held")


# --- Children in care page: rates with and without UASC, rank, quartiles, funnel limits, neighbours, count gap ---
import math  # noqa: E402

import numpy as np  # noqa: E402

from regional.errors import DataError  # noqa: E402

#: The two ways the Children in care page counts children.
CIC_MEASURES = {
    "all": "All children in care",
    "excl_uasc": "Excluding unaccompanied asylum-seeking children (UASC)",
}
#: Funnel plot coverages: 95% (about 2 standard deviations) and 99.8% (about 3).
FUNNEL_COVERAGES = (0.95, 0.998)
EXCL_UASC_SOURCE = ("Derived here: DfE children looked after at 31 March minus LAIT's unaccompanied "
                    "asylum-seeking children at 31 March, per 10,000 children aged 0-17 (DfE's denominator; "
                    "ONS mid-year estimate before 2021)")
POPULATION_SOURCE_KINDS = ("dfe", "lait", "ons")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _combined_status(*statuses: pd.Series) -> pd.Series:
    """ok only if every part is ok; else the first part's DfE marker (suppressed, not applicable,
    ...) so the reason stays DfE's; missing when no part says why."""
    frame = pd.concat([s.fillna("missing") for s in statuses], axis=1)
    ok = (frame == "ok").all(axis=1)
    marked = frame.where(~frame.isin(["ok", "provisional", "missing"]))
    reason = marked.bfill(axis=1).iloc[:, 0].fillna("missing")
    return pd.Series(np.where(ok, "ok", reason), index=frame.index)


def child_population(store: Store, codes: list[str] | None = None) -> pd.DataFrame:
    """Children aged 0-17 per area and 31 March: DfE's denominator, else the ONS estimate DfE uses."""
    rows = store.observations_for("child_population_0_17", codes, source="all")
    rows = rows[rows["source_kind"].isin(POPULATION_SOURCE_KINDS)]
    rows = rows.sort_values(["area_code", "period", "source_rank"]).drop_duplicates(["area_code", "period"])
    return pd.DataFrame({"area_code": rows["area_code"], "period": rows["period"], "population": rows["value"],
                         "population_status": rows["status"], "population_source": rows["source_id"]})


def _published(store: Store, indicator_id: str, codes: list[str] | None, name: str) -> pd.DataFrame:
    """DfE's figure (LAIT's before DfE's file), with LAIT's zeros for 'not applicable' councils made gaps.

    LAIT fills the Isles of Scilly's early years with 0 where DfE's own file marks the
    council 'z' (not applicable) in every year it covers; such a 0 is no count of
    children, so it becomes a suppressed figure with a note, never a plotted zero.
    """
    rows = store.preferred(indicator_id, codes).copy()
    dfe_rows = store.observations_for(indicator_id, codes, source="dfe")
    dfe_rows = dfe_rows[dfe_rows["source_kind"] == "dfe"]
    not_applicable = dfe_rows.groupby("area_code")["raw"].agg(lambda r: bool(len(r)) and (r == "z").all())
    not_applicable = set(not_applicable[not_applicable].index)
    zero = rows["area_code"].isin(not_applicable) & (rows["source_kind"] == "lait") & (rows["value"] == 0)
    rows["note"] = rows["note"].where(~zero, "LAIT shows 0 but DfE marks this council 'z' (not applicable) "
                                             "in every year of its own file: read as not published")
    rows.loc[zero, "status"] = "suppressed"
    rows.loc[zero, "value"] = np.nan
    return pd.DataFrame({"area_code": rows["area_code"], "period": rows["period"], name: rows["value"],
                         f"{name}_status": rows["status"], f"{name}_source": rows["source_id"],
                         f"{name}_source_title": rows["source_title"], f"{name}_note": rows["note"]})


def cic_figures(store: Store, codes: list[str] | None = None, measure: str = "all") -> pd.DataFrame:
    """Children in care at 31 March per area and year, as a rate per 10,000 and a count.

    ``all``: DfE's published rate and count (LAIT for the years before DfE's file).
    ``excl_uasc``: derived here as (children in care - UASC) / child population x 10,000;
    a year where any of the three is suppressed or unpublished has no figure (a gap),
    never a figure computed from a zero. ``exact_rate`` is count / population x 10,000
    unrounded (DfE publishes whole numbers), which the funnel plot uses.
    """
    if measure not in CIC_MEASURES:
        raise DataError(f"unknown measure '{measure}'", expected=" or ".join(CIC_MEASURES))
    count = _published(store, "cic_count", codes, "cic")
    population = child_population(store, codes)
    if measure == "all":
        rate = _published(store, "cic_rate_per_10k", codes, "rate")
        frame = rate.merge(count, on=["area_code", "period"], how="outer")
        frame = frame.merge(population, on=["area_code", "period"], how="left")
        frame["count"] = frame["cic"]
        frame["status"] = frame["rate_status"].fillna(frame["cic_status"]).fillna("missing")
        frame.loc[frame["rate"].isna() & (frame["status"] == "ok"), "status"] = "missing"
        frame["derived"] = False
        frame["source_id"] = frame["rate_source"].fillna(frame["cic_source"])
        frame["source"] = frame["rate_source_title"].fillna(frame["cic_source_title"])
        frame["note"] = frame["rate_note"].fillna("")
    else:
        uasc = _published(store, "uasc_count", codes, "uasc")
        frame = count.merge(uasc, on=["area_code", "period"], how="left")
        frame = frame.merge(population, on=["area_code", "period"], how="left")
        frame["status"] = _combined_status(frame["cic_status"], frame["uasc_status"], frame["population_status"])
        good = frame["status"] == "ok"
        frame["count"] = (frame["cic"] - frame["uasc"]).where(good)
        frame["rate"] = (frame["count"] / frame["population"] * 10000).where(good)
        frame["derived"] = True
        frame["source_id"] = "derived:" + frame["cic_source"].fillna("") + "-" + frame["uasc_source"].fillna("")
        frame["source"] = EXCL_UASC_SOURCE
        parts = {"children in care": frame["cic_status"], "UASC count": frame["uasc_status"],
                 "child population": frame["population_status"]}
        frame["note"] = [
            "; ".join(f"{label} {(s if isinstance(s, str) else 'not published')}"
                      for label, s in zip(parts, values) if s != "ok")
            for values in zip(*parts.values())]
        frame.loc[good, "note"] = ("children in care " + frame["cic"].map("{:,.0f}".format) + " minus UASC "
                                   + frame["uasc"].map("{:,.0f}".format))
    frame["exact_rate"] = frame["count"] / frame["population"] * 10000
    frame.loc[frame["status"] != "ok", ["rate", "exact_rate"]] = np.nan
    frame["area_name"] = frame["area_code"].map(store.name)
    frame["year"] = frame["period"].dt.year
    frame["period_label"] = "31 March " + frame["year"].astype(str)
    columns = ["area_code", "area_name", "period", "year", "period_label", "rate", "count", "population",
               "exact_rate", "status", "derived", "source_id", "source", "note"]
    return frame[columns].sort_values(["area_code", "period"]).reset_index(drop=True)


def latest_year(figures: pd.DataFrame) -> int | None:
    """The most recent 31 March year with any council figure."""
    held = figures.loc[figures["status"] == "ok", "year"]
    return int(held.max()) if len(held) else None


def cic_council_points(store: Store, codes: list[str], measure: str = "all") -> pd.DataFrame:
    """What councils report themselves (their own returns), as trend points beside DfE's lines.

    Per council, date and document: the rate as reported; where only a count is
    reported, the rate is derived from it with the latest DfE child population and
    marked so. Excluding UASC uses the council's own figure, or its count minus its
    UASC count from the same document and date.
    """
    wanted = ["cic_count", "cic_rate_per_10k", "uasc_count", "cic_count_excl_uasc", "cic_rate_excl_uasc_per_10k"]
    known = set(store.indicators["id"])
    rows = store.observations_for([w for w in wanted if w in known], codes, source="council", breakdown="")
    # A figure whose document gives no period has no place on a time axis: it is listed, not drawn.
    rows = rows[rows["status"].isin(["ok", "provisional"]) & period_stated(rows["period_label"])]
    columns = ["area_code", "area_name", "period", "period_label", "rate", "count", "rate_derived", "population",
               "population_year", "document", "section", "note"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    keys = ["area_code", "period", "period_label", "source_id", "source_title"]
    wide = rows.pivot_table(index=keys, columns="indicator_id", values="value", aggfunc="first").reset_index()
    notes = rows.groupby(keys)["note"].agg(lambda s: "; ".join(dict.fromkeys(n for n in s if n)))
    sections = rows.groupby(keys)["section"].agg(lambda s: "; ".join(dict.fromkeys(n for n in s if n)))
    wide = wide.merge(notes.reset_index(), on=keys).merge(sections.reset_index(), on=keys)
    for column in wanted:
        if column not in wide:
            wide[column] = np.nan
    if measure == "all":
        count, reported_rate = wide["cic_count"], wide["cic_rate_per_10k"]
    else:
        count = wide["cic_count_excl_uasc"].fillna(wide["cic_count"] - wide["uasc_count"])
        reported_rate = wide["cic_rate_excl_uasc_per_10k"]
    population = child_population(store, codes)
    population = population[population["population_status"] == "ok"].sort_values("period")
    wide = wide.assign(count=count, reported_rate=reported_rate).sort_values("period")
    wide = pd.merge_asof(wide, population[["area_code", "period", "population"]].rename(
        columns={"period": "population_period"}), left_on="period", right_on="population_period",
        by="area_code", direction="backward")
    derived = wide["reported_rate"].isna() & wide["count"].notna() & wide["population"].notna()
    wide["rate"] = wide["reported_rate"].where(~derived, wide["count"] / wide["population"] * 10000)
    wide["rate_derived"] = derived
    wide["population_year"] = wide["population_period"].dt.year.astype("Int64")
    wide = wide[wide["rate"].notna() | wide["count"].notna()]
    out = pd.DataFrame({
        "area_code": wide["area_code"], "area_name": wide["area_code"].map(store.name), "period": wide["period"],
        "period_label": wide["period_label"], "rate": wide["rate"], "count": wide["count"],
        "rate_derived": wide["rate_derived"], "population": wide["population"].where(derived),
        "population_year": wide["population_year"].where(derived), "document": wide["source_title"],
        "section": wide["section"], "note": wide["note"]})
    return out[columns].sort_values(["area_code", "period"]).reset_index(drop=True)


def quartile_thresholds(values: pd.Series) -> list[float]:
    """Minimum, lower quartile, median, upper quartile, maximum, as LAIT computes them.

    LAIT uses R's ``quantile()`` default (type 7: linear interpolation between order
    statistics), which is numpy's and pandas' default too.
    """
    clean = pd.Series(values, dtype=float).dropna()
    if clean.empty:
        return [float("nan")] * 5
    return [float(v) for v in np.quantile(clean.to_numpy(), [0, 0.25, 0.5, 0.75, 1])]


def quartile_band(value: float, thresholds: list[float]) -> int | None:
    """1 = the lowest quarter of rates ... 4 = the highest; a value on a boundary goes to the lower band (as LAIT)."""
    if value is None or pd.isna(value) or any(pd.isna(t) for t in thresholds):
        return None
    for band, upper in enumerate(thresholds[1:4], start=1):
        if value <= upper:
            return band
    return 4


QUARTILE_LABELS = {1: "Q1 (lowest quarter)", 2: "Q2", 3: "Q3", 4: "Q4 (highest quarter)"}


def rank_councils(figures: pd.DataFrame, councils: list[str], year: int) -> pd.DataFrame:
    """Every council in use today in one year: rank (1st = highest rate), quartile band.

    Ties share the best place (R's ``rank(ties.method = "min")``, as LAIT): two councils
    on 75 are both "=32nd" and the next is 34th. Councils with no figure that year are
    listed without a rank. The rate ranked is the one shown: DfE's published whole
    number for all children, the derived rate (unrounded) excluding UASC.
    """
    rows = figures[(figures["year"] == year) & figures["area_code"].isin(councils)].copy()
    missing = [c for c in councils if c not in set(rows["area_code"])]
    if missing:
        rows = pd.concat([rows, pd.DataFrame({"area_code": missing, "year": year, "status": "missing"})],
                         ignore_index=True)
    ranked = rows["rate"].notna()
    total = int(ranked.sum())
    rows["rank"] = rows["rate"].rank(method="min", ascending=False).astype("Int64")
    rows["tied"] = rows["rate"].notna() & rows.duplicated("rate", keep=False)
    thresholds = quartile_thresholds(rows.loc[ranked, "rate"])
    rows["quartile"] = [quartile_band(v, thresholds) for v in rows["rate"]]
    rows["quartile"] = rows["quartile"].astype("Int64")
    rows["quartile_label"] = rows["quartile"].map(QUARTILE_LABELS).fillna("no figure")
    rows["rank_label"] = [
        (f"{ordinal(int(r))} highest of {total}{', tied' if t else ''}") if pd.notna(r) else "not ranked (no figure)"
        for r, t in zip(rows["rank"], rows["tied"])]
    rows["ranked_of"] = total
    rows.attrs["quartile_thresholds"] = thresholds
    return rows.sort_values(["rate", "area_name"], ascending=[False, True], na_position="last").reset_index(drop=True)


def _log_factorials(n: int) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=float)))])


def poisson_quantile_interpolated(expected: float, p: float, log_fact: np.ndarray | None = None) -> float:
    """The p-th quantile of Poisson(expected), made continuous by interpolation.

    Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
    appendix: r = the smallest count with P(X <= r) >= p, then
    r - (P(X <= r) - p) / P(X = r). This gives smooth funnel limits instead of steps.
    """
    if expected <= 0:
        return 0.0
    top = int(expected + 12 * math.sqrt(expected) + 30)
    if log_fact is None or len(log_fact) <= top:
        log_fact = _log_factorials(top)
    r = np.arange(top + 1)
    pmf = np.exp(r * math.log(expected) - expected - log_fact[: top + 1])
    cdf = np.cumsum(pmf)
    position = int(np.searchsorted(cdf, p, side="left"))
    position = min(position, top)
    return float(position - (cdf[position] - p) / pmf[position])


def funnel_limits(centre_per_10k: float, populations, coverages: tuple[float, ...] = FUNNEL_COVERAGES) -> pd.DataFrame:
    """Control limits for a rate per 10,000 at each child population.

    Exact Poisson limits (with Spiegelhalter's interpolation) around the expected count
    centre x population; e.g. 95%: the 2.5th and 97.5th percentiles divided by the
    population. A council outside the 99.8% limits is very unlikely to differ from
    England by chance alone.
    """
    pops = np.asarray(list(populations), dtype=float)
    p0 = centre_per_10k / 10000
    top = int(p0 * pops.max() + 12 * math.sqrt(max(p0 * pops.max(), 1)) + 30) if len(pops) else 0
    log_fact = _log_factorials(top)
    out = {"population": pops, "centre": np.full(len(pops), centre_per_10k)}
    for coverage in coverages:
        tail = (1 - coverage) / 2
        name = f"{coverage * 100:g}".replace(".", "_")
        lower = [poisson_quantile_interpolated(p0 * n, tail, log_fact) / n * 10000 for n in pops]
        upper = [poisson_quantile_interpolated(p0 * n, 1 - tail, log_fact) / n * 10000 for n in pops]
        out[f"lower_{name}"] = np.maximum(lower, 0.0)
        out[f"upper_{name}"] = upper
    return pd.DataFrame(out)


def funnel_position(rate: float, limits: pd.Series) -> str:
    """Where a council's rate falls against the limits at its own population."""
    if pd.isna(rate):
        return "no figure"
    if rate > limits["upper_99_8"]:
        return "above the 99.8% limit"
    if rate > limits["upper_95"]:
        return "above the 95% limit"
    if rate < limits["lower_99_8"]:
        return "below the 99.8% limit"
    if rate < limits["lower_95"]:
        return "below the 95% limit"
    return "within the 95% limits"


def funnel_data(figures: pd.DataFrame, councils: list[str], year: int,
                grid_points: int = 120) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """(councils, limit lines, England's rate) for one year's funnel plot.

    Each council: its count, child population and exact rate (count / population x
    10,000), the limits at its own population and where it falls. The centre line is
    England's exact rate that year. The limit lines run over a grid of populations
    from the smallest to the largest council.
    """
    england = figures[(figures["area_code"] == ENGLAND_CODE) & (figures["year"] == year)]
    if england.empty or england["exact_rate"].isna().all():
        raise DataError(f"England's figure for 31 March {year} is not held", expected="a year with an England figure")
    centre = float(england["exact_rate"].iloc[0])
    points = figures[(figures["year"] == year) & figures["area_code"].isin(councils)].copy()
    points = points[points["exact_rate"].notna() & (points["population"] > 0)]
    own = funnel_limits(centre, points["population"])
    for column in own.columns.drop(["population", "centre"]):
        points[column] = own[column].to_numpy()
    points["funnel_position"] = [funnel_position(r, lim) for r, (_, lim) in zip(points["exact_rate"], points.iterrows())]
    points["england_rate"] = centre
    low, high = (points["population"].min(), points["population"].max()) if len(points) else (1000, 100000)
    grid = np.unique(np.round(np.geomspace(max(low * 0.9, 100), high * 1.05, grid_points)))
    return points.reset_index(drop=True), funnel_limits(centre, grid), centre


def neighbour_comparison(store: Store, code: str, model: str, figures: pd.DataFrame,
                         year: int | None = None) -> tuple[pd.DataFrame, dict]:
    """The council against its 10 DfE statistical neighbours, and the count gap.

    The neighbours' average is the simple (unweighted) mean of the neighbours' rates
    that year, the council itself excluded, over the neighbours that have a figure
    (LAIT's statistical-neighbour average is the same). The count gap is what the
    council's own child population would give at that rate:
    round(mean rate x population / 10,000), against the count it has.
    """
    neighbours = store.statistical_neighbours(code, model)
    if year is None:
        own = figures[(figures["area_code"] == code) & (figures["status"] == "ok")]
        year = int(own["year"].max()) if len(own) else latest_year(figures)
    table = figures[(figures["year"] == year)].set_index("area_code")
    rows = []
    for role, area, rank in ([("Council of interest", code, None)]
                             + [("Neighbour", n, i) for i, n in enumerate(neighbours, start=1)]):
        rec = table.loc[area] if area in table.index else None
        rows.append({"role": role, "neighbour_rank": rank, "area_code": area, "area_name": store.name(area),
                     "rate": None if rec is None else rec["rate"], "count": None if rec is None else rec["count"],
                     "population": None if rec is None else rec["population"],
                     "status": "missing" if rec is None else rec["status"], "year": year,
                     "source": "" if rec is None else rec["source"]})
    frame = pd.DataFrame(rows)
    for column in ("rate", "count", "population"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    rates = frame.loc[frame["role"] == "Neighbour", "rate"].dropna()
    council = frame.iloc[0]
    summary = {"council": code, "council_name": store.name(code), "model": model, "year": year,
               "neighbours": len(neighbours), "with_figure": int(len(rates)),
               "without_figure": [store.name(a) for a, r in zip(frame["area_code"][1:], frame["rate"][1:]) if pd.isna(r)],
               "mean": float(rates.mean()) if len(rates) else None,
               "median": float(rates.median()) if len(rates) else None,
               "population": council["population"], "count": council["count"], "rate": council["rate"]}
    summary.update(count_gap(summary["mean"], council["population"], council["count"]))
    for label, area in (("england", ENGLAND_CODE), ("region", store.region_of(code))):
        summary[label] = float(table.loc[area, "rate"]) if area in table.index and pd.notna(table.loc[area, "rate"]) else None
    return frame, summary


def count_gap(rate_per_10k: float | None, population: float | None, actual: float | None) -> dict:
    """How many children the council would care for at a benchmark rate, and the difference.

    expected = round(rate x population / 10,000); gap = actual - expected (positive:
    more children in care than at the benchmark rate). Empty when any part is missing.
    """
    if any(v is None or pd.isna(v) for v in (rate_per_10k, population, actual)):
        return {"expected_count": None, "gap": None}
    expected = int(round(rate_per_10k * population / 10000))
    return {"expected_count": expected, "gap": int(round(actual)) - expected}


FLOW_INDICATORS = {
    "Started to be looked after": ("cic_starters_count", "cic_starters_rate_per_10k"),
    "Ceased to be looked after": ("cic_ceased_count", "cic_ceased_rate_per_10k"),
}


def flow_figures(store: Store, codes: list[str]) -> pd.DataFrame:
    """Children starting and ceasing care per year ending 31 March: count and rate per 10,000.

    DfE's published figures (LAIT for the years before DfE's file; LAIT publishes
    rates from 2018). Gaps stay gaps.
    """
    parts = []
    for flow, (count_id, rate_id) in FLOW_INDICATORS.items():
        count = _published(store, count_id, codes, "count")
        rate = _published(store, rate_id, codes, "rate")
        part = count.merge(rate, on=["area_code", "period"], how="outer").assign(flow=flow)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    year = frame["period"].dt.year
    frame["period_label"] = (year - 1).astype(str) + "-" + (year % 100).map("{:02d}".format)
    frame["area_name"] = frame["area_code"].map(store.name)
    frame["source"] = frame["count_source_title"].fillna(frame["rate_source_title"])
    frame["status"] = frame["count_status"].fillna("missing")
    frame["note"] = frame["count_note"].fillna(frame["rate_note"]).fillna("")
    columns = ["area_code", "area_name", "flow", "period", "period_label", "count", "count_status", "rate",
               "rate_status", "status", "source", "note"]
    return frame[columns].sort_values(["area_code", "flow", "period"]).reset_index(drop=True)


def flow_council_points(store: Store, codes: list[str], flow: str) -> pd.DataFrame:
    """Starters or leavers as councils report them in their own returns (per document and period)."""
    count_id, rate_id = FLOW_INDICATORS[flow]
    rows = store.observations_for([count_id, rate_id], codes, source="council", breakdown="")
    rows = rows[rows["status"].isin(["ok", "provisional"]) & period_stated(rows["period_label"])]
    columns = ["area_code", "area_name", "period", "period_label", "count", "rate", "document", "note"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    keys = ["area_code", "area_name", "period", "period_label", "source_title"]
    wide = rows.pivot_table(index=keys, columns="indicator_id", values="value", aggfunc="first").reset_index()
    notes = rows.groupby(keys)["note"].agg(lambda s: "; ".join(dict.fromkeys(n for n in s if n))).reset_index()
    wide = wide.merge(notes, on=keys)
    return pd.DataFrame({"area_code": wide["area_code"], "area_name": wide["area_name"], "period": wide["period"],
                         "period_label": wide["period_label"], "count": wide.get(count_id), "rate": wide.get(rate_id),
                         "document": wide["source_title"], "note": wide["note"]})[columns]
