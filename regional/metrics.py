"""Comparisons: change on the year before, position against England and the region.

Pure functions over frames from :class:`regional.store.Store`.
"""
from __future__ import annotations

import pandas as pd

from regional.authorities import ENGLAND_CODE
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
    obs = store.observations[store.observations["area_code"].isin(codes)]
    obs = obs[obs["status"] != "missing"]
    kind = obs["source_kind"].where(obs["source_kind"] == "council", "published")
    latest_by = obs.assign(kind=kind).groupby(["area_code", "kind"])["period"].max().unstack()
    out = pd.DataFrame({"area_code": codes})
    out["council"] = out["area_code"].map(store.name)
    for column, label in (("published", "latest DfE figure"), ("council", "latest council return")):
        if column not in latest_by:
            out[label] = "none held"
            continue
        out[label] = pd.to_datetime(out["area_code"].map(latest_by[column])).dt.strftime("%d %b %Y").fillna("none held")
    return out


def headline_wide(table: pd.DataFrame) -> pd.DataFrame:
    """One row per area, one column per measure, each cell the formatted latest figure and its year."""
    from regional.indicators import format_value

    cells = table.assign(cell=[
        f"{format_value(v, u, s)} ({p})" for v, u, s, p in
        zip(table["value"], table["unit"], table["status"], table["period_label"])])
    order = list(dict.fromkeys(table["area_name"]))
    wide = cells.pivot_table(index="area_name", columns="indicator", values="cell", aggfunc="first")
    wide = wide.reindex(order)[list(dict.fromkeys(table["indicator"]))]
    return wide.reset_index().rename(columns={"area_name": "Area"}).fillna("not held")


def council_return_latest(store: Store, codes: list[str]) -> pd.DataFrame:
    """The newest figure each council has reported itself, per indicator, with its document."""
    rows = store.observations_for(store.indicators["id"].tolist(), codes, source="council", breakdown="")
    if rows.empty:
        return pd.DataFrame(columns=["council", "indicator", "period", "value", "status", "document", "section"])
    newest = rows.sort_values(["period", "source_id"]).groupby(["area_code", "indicator_id"]).tail(1)
    meta = store.indicators.set_index("id")
    from regional.indicators import format_value

    out = pd.DataFrame({
        "council": newest["area_name"],
        "indicator": newest["indicator_id"].map(meta["label"]),
        "period": newest["period_label"],
        "value": [format_value(v, u, s) for v, u, s in
                  zip(newest["value"], newest["indicator_id"].map(meta["unit"]), newest["status"])],
        "status": newest["status"],
        "document": newest["source_title"],
        "section": newest["section"],
    })
    return out.sort_values(["council", "indicator"]).reset_index(drop=True)
