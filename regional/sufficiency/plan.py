"""The sufficiency plan for a group: every section the page shows and the CLI writes,
prepared once from the Store (demand, supply, gap, costs, scenario, backtest, methods)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from regional import distance, models
from regional.store import Store
from regional.sufficiency import DEFAULT_HORIZON, TYPE_LABELS, TYPES, backtest, costs, demand, gap, supply
from regional.sufficiency.scenarios import Scenario, apply_demand, apply_supply

SUPPLIED = ["childrens_homes", "fostering_inhouse", "supported"]
DEMAND_SOURCE = ("DfE children looked after at 31 March (cic_count; LAIT before 2021), DfE/LAIT % by placement type, "
                 "Ofsted LA foster places filled (LAIT), ONS child population 0-17")
SYNTHETIC_WORD = "SYNTHETIC"
#: Transition-rate rows: by placement type for all ages, or by age band for all types.
ALL_AGES, ALL_TYPES = "all ages", "all types"


@dataclass
class Plan:
    label: str
    members: list[str]
    names: dict[str, str]
    horizon: int
    years: list[int]
    scenario: Scenario | None
    demand: pd.DataFrame
    transition: pd.DataFrame
    supply: pd.DataFrame
    gap: pd.DataFrame
    unit_costs: pd.DataFrame
    cost: pd.DataFrame
    inside_group: pd.DataFrame
    backtest: pd.DataFrame
    places_per_household: float
    pph_basis: str
    synthetic_inputs: list[str] = field(default_factory=list)
    rate: str = "trend"
    planned: pd.DataFrame = field(default_factory=pd.DataFrame)  # councils' planned homes (returns)
    transition_range: str = ""  # where the transition-rate demand's 80% range comes from, in words

    @property
    def no_mix(self) -> list[str]:
        """Members whose placement mix is not published (suppressed): in the total, not in any type."""
        rows = self.demand[self.demand["type"].isin(TYPES) & self.demand["children"].isna()]
        return sorted(set(rows["area_code"]))

    @property
    def transition_by_type(self) -> pd.DataFrame:
        """Transition-rate demand by placement type (all ages)."""
        return self.transition[self.transition["age_band"] == ALL_AGES]

    @property
    def transition_by_age(self) -> pd.DataFrame:
        """Transition-rate demand by age band (every type), for members with months of birth."""
        return self.transition[self.transition["age_band"] != ALL_AGES]

    @property
    def group_gap(self) -> pd.DataFrame:
        return self.gap[self.gap["area_code"] == "group"]

    def headline(self) -> str:
        """The plan in two sentences, naming any synthetic input."""
        end = self.group_gap[self.group_gap["year"] == self.horizon].set_index("type")
        dem = self.demand[(self.demand["year"] == self.horizon) & (self.demand["type"] == "total")]
        parts = [f"{self.label}: about {dem['children'].sum():,.0f} children in care by March {self.horizon} "
                 f"(80% range {dem['low'].sum():,.0f}-{dem['high'].sum():,.0f})"]
        for type_ in ("childrens_homes", "fostering_inhouse"):
            if type_ in end.index and pd.notna(end.loc[type_, "places"]):
                row = end.loc[type_]
                what = (f"{row['gap_children']:,.0f} more children than local places can take"
                        if row["gap_children"] > 0 else f"room for {-row['gap_children']:,.0f} more children")
                parts.append(f"{TYPES[type_].lower()}: {row['children']:,.0f} children against {row['places']:,.0f} "
                             f"local places ({what})")
        text = "; ".join(parts) + "."
        if self.scenario is not None:
            text += f" Scenario: {self.scenario.name}."
        if self.synthetic_inputs:
            text += f" {SYNTHETIC_WORD} inputs feed some figures: " + "; ".join(self.synthetic_inputs) + "."
        return text


def _episodes(store: Store, members: list[str]) -> pd.DataFrame:
    return demand.extract_episodes(store, members)


def loaded_projection(store: Store, members: list[str]) -> pd.DataFrame:
    """The ONS population projection each member loaded (the newest base year; of two uploads of
    the same base, the later), as area_code, year, population, label, source_id."""
    cols = ["area_code", "year", "population", "label", "source_id"]
    held = store.table(models.PopulationProjection)
    held = held[held["area_code"].isin(members)]
    if held.empty:
        return pd.DataFrame(columns=cols)
    held = held.assign(year=pd.to_datetime(held["period"]).dt.year)
    pick = held.sort_values(["base_year", "id"]).groupby("area_code")[["base_year", "source_id"]].last().reset_index()
    held = held.merge(pick, on=["area_code", "base_year", "source_id"])
    held["label"] = [f"ONS {b}-based subnational population projection loaded by the council ({m})"
                     for b, m in zip(held["base_year"], held["matched"])]
    return held.sort_values(["area_code", "year"])[cols].reset_index(drop=True)


def demand_frame(inputs: pd.DataFrame, members: list[str], years: list[int], ratios: pd.DataFrame,
                 rate: str = "trend", projection: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rate x population demand for each member, plan types plus total, with 80% intervals."""
    cols = ["area_code", "year", "type", "children", "low", "high", "rate_per_10k", "population", "method", "source",
            "synthetic"]
    inputs = inputs[inputs["area_code"].isin(members)]
    fc = demand.forecast_all(inputs, years, rate=rate, projection=projection)
    if fc.empty:
        return pd.DataFrame(columns=cols)
    shares = {code: demand.inhouse_share(rows) for code, rows in inputs.groupby("area_code")}
    parts = [demand.split_fostering(part, shares[code][0]) for code, part in fc.groupby("area_code")]
    fc = pd.concat(parts, ignore_index=True)
    cutoff = inputs.dropna(subset=["cic_count"]).groupby("area_code")["year"].max()
    fc["base_type"] = fc["type"].map(lambda t: "fostering" if t.startswith("fostering") else t)
    fc["horizon"] = fc["year"] - fc["area_code"].map(cutoff)
    bounds = backtest.ratio_table(ratios, sorted(fc["horizon"].unique()))
    fc = fc.merge(bounds, left_on=["base_type", "horizon"], right_on=["type", "horizon"], how="left",
                  suffixes=("", "_r")).drop(columns=["type_r"])
    fc["low"], fc["high"] = fc["children"] * fc["low"], fc["children"] * fc["high"]
    split = {code: (f"; fostering split at {sh:.0%} in-house (LA places filled / fostered children, {yr})" if yr
                    else "; in-house share not published, fostering not split") for code, (sh, yr) in shares.items()}
    fc["method"] = fc["method"] + fc["area_code"].map(split) + "; 80% range from the 2021 backtest across all councils"
    fc["source"] = DEMAND_SOURCE
    if projection is not None and len(projection):
        projected = fc["method"].str.contains("subnational population projection")
        fc.loc[projected, "source"] = DEMAND_SOURCE + "; ONS subnational population projection (" + \
            fc.loc[projected, "area_code"].map(projection.groupby("area_code")["source_id"].first()) + ")"
    fc["synthetic"] = False
    return fc[cols]


def transition_range_words(results: pd.DataFrame, names: dict[str, str]) -> str:
    """Where the transition-rate demand's 80% range comes from, in words: how many rolling-origin
    backtests in which councils' extracts, how many years ahead, labelled synthetic where they are."""
    if results.empty:
        return ("80% range not known: no council's extract in the store holds three or more 31 Marches, so none "
                "could be backtested")
    councils = sorted(set(results["area_code"]))
    runs = results.drop_duplicates(["area_code", "origin"])
    points = results[(results["method"] == results["variant"]) & (results["type"] == "total")
                     & (results["forecast"] >= backtest.MIN_FORECAST)]
    synthetic = bool(results.drop_duplicates("area_code")["synthetic"].all())
    return ((f"{SYNTHETIC_WORD} " if synthetic else "")
            + f"80% range: 10th-90th percentile of actual / forecast in {len(runs)} rolling-origin backtests (each "
            "31 March with two or more before it in an extract, forecasting every later one there) in the "
            + ("synthetic " if synthetic else "") + f"SSDA903 extracts of all {len(councils)} councils with one "
            f"in the store ({', '.join(names.get(c, c) for c in councils)}), pooled across councils as the rate "
            f"method's range pools every council, by type and years ahead (1-{int(results['horizon'].max())} "
            f"tested; {len(points)} points for all children in care; a point: one forecast of "
            f"{backtest.MIN_FORECAST:.0f} or more children against the extract's own count); a type and horizon with "
            f"fewer than {backtest.MIN_POINTS} points borrows a longer horizon's, widened by sqrt(years ahead / its "
            "years) beyond the longest; with fewer at every horizon the range is not known")


#: What the method says of an extract that fails :func:`demand.extract_completeness`, and why it matters.
INCOMPLETE, INCOMPLETE_WHY = ("NOT A WHOLE HISTORY", "transition rates read from it miss children leaving care, so "
                                                     "these figures overstate demand")


def transition_frame(episodes: pd.DataFrame, years: list[int], ratios: pd.DataFrame | None = None,
                     range_words: str = "", published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Transition-rate demand for members whose extract spans two or more years: by placement type
    (``age_band`` "all ages"), and, where the episodes carry months of birth (``birth_month``), the
    same projection by age band too (``type`` "total", every type of the band). ``low`` and ``high``:
    its 80% range from ``ratios`` (:func:`backtest.transition_ratios`; none: not known), with
    ``range_note`` saying which backtest points gave it or why it is not known. With ``published`` (DfE's
    cic_count and cic_ceased_count by area_code and year), each extract is checked against them
    (:func:`demand.extract_completeness`): ``complete`` says whether it is a whole history, and the
    method says what was compared."""
    parts = []
    for code, eps in episodes.groupby("area_code"):
        extract = pd.to_datetime(eps["extract_date"]).max()
        births = demand.births_of(eps)  # an extract with months of birth: by age band
        rates = demand.transition_rates(eps, extract.date(), births=births)
        if rates is None:
            continue
        proj = demand.project_transitions(rates, years)
        synthetic = bool(eps["synthetic"].astype(bool).all())
        span = f"{rates['first']:%d %b %Y} to {rates['base']:%d %b %Y}, {rates['years']} year(s)"
        method = demand.TRANSITION_METHOD.format(span=span, base=rates["base"].year)
        if births is not None:
            known = eps["child"].isin(births.index)
            method += ("; by age band (under 1, 1-4, 5-9, 10-15, 16 and over, as Social Finance's demand model), "
                       "from the month of birth"
                       + ("" if known.all() else f" ({eps.loc[~known, 'child'].nunique()} children with none: "
                                                 f"'{demand.AGE_NOT_KNOWN}')"))
        else:
            method += "; all ages (the extract holds no month of birth)"
        if synthetic:
            method = f"{SYNTHETIC_WORD} extract: " + method
        by_type = demand.by_type(proj) if births is not None else proj
        frames = [by_type.assign(age_band=ALL_AGES),
                  by_type.groupby("year", as_index=False)["children"].sum().assign(type="total", age_band=ALL_AGES)]
        if births is not None:
            bands = demand.by_age_band(proj)
            if not bands.loc[bands["age_band"] == demand.AGE_NOT_KNOWN, "children"].sum() > 0:
                bands = bands[bands["age_band"] != demand.AGE_NOT_KNOWN]
            frames.append(bands.assign(type="total"))
        if range_words:
            method += "; " + range_words
        complete = True
        if published is not None:
            check = demand.extract_completeness(eps, rates["first"], rates["base"],
                                                published[published["area_code"] == code])
            complete = check["complete"]
            method += (f"; checked against DfE: {check['words']}" if complete else
                       f"; {INCOMPLETE}: {check['words']} ({INCOMPLETE_WHY})")
        parts.append(pd.concat(frames, ignore_index=True).assign(
            area_code=code, method=method, synthetic=synthetic, source=", ".join(sorted(set(eps["dataset"]))),
            complete=complete,
            horizon=lambda f, base=rates["base"].year: f["year"] - base))
    cols = ["area_code", "year", "age_band", "type", "children", "low", "high", "range_note", "method", "source",
            "synthetic", "complete"]
    if not parts:
        return pd.DataFrame(columns=cols)
    rows = pd.concat(parts, ignore_index=True)
    rows["range_type"] = np.where(rows["age_band"] == ALL_AGES, rows["type"], rows["age_band"].map(backtest.band_type))
    return _with_range(rows, ratios)[cols]


def _with_range(rows: pd.DataFrame, ratios: pd.DataFrame | None) -> pd.DataFrame:
    """``rows`` (with ``horizon`` and ``range_type``) and their 80% range: children x the ratios."""
    if ratios is None or ratios.empty:
        return rows.assign(low=np.nan, high=np.nan,
                           range_note="not known: no backtest of the transition rates (no extract with three or "
                                      "more 31 Marches)")
    bounds = backtest.ratio_table(ratios, sorted(rows["horizon"].unique()), sorted(rows["range_type"].unique()))
    out = rows.merge(bounds.rename(columns={"type": "range_type"}), on=["range_type", "horizon"], how="left")
    out["low"], out["high"] = out["children"] * out["low"], out["children"] * out["high"]
    return out


def build_plan(store: Store, members: list[str], *, label: str, horizon: int = DEFAULT_HORIZON,
               scenario: Scenario | None = None, backtest_results: pd.DataFrame | None = None,
               rate: str = "trend", transition_results: pd.DataFrame | None = None) -> Plan:
    """Everything the plan shows for ``members``, from the year after each council's latest
    figure to ``horizon`` (31 March), with ``scenario``'s levers applied when given. The backtests
    behind the ranges (national, and in the extracts) are computed here unless given."""
    names = dict(zip(store.areas["code"], store.areas["name"]))
    inputs = demand.published_inputs(store, members)
    latest = int(inputs.dropna(subset=["cic_count"])["year"].max()) if len(inputs) else horizon - 1
    years = list(range(latest + 1, max(horizon, latest + 1) + 1))
    results = backtest.national(store) if backtest_results is None else backtest_results
    ratios = backtest.interval_ratios(results, rate)
    base_demand = demand_frame(inputs, members, years, ratios, rate, loaded_projection(store, members))
    episodes = _episodes(store, members)
    if transition_results is None:
        extract_results, extract_ratios = backtest.in_extracts(store), backtest.in_extracts_ratios(store)
    else:
        extract_results, extract_ratios = transition_results, backtest.transition_ratios(transition_results)
    range_words = transition_range_words(extract_results, names)
    published = store.preferred(["cic_count", "cic_ceased_count"], members)
    published = published.assign(year=pd.to_datetime(published["period"]).dt.year)[
        ["area_code", "indicator_id", "year", "value"]]
    trans = transition_frame(episodes, years, extract_ratios, range_words, published)
    pph, pph_basis = supply.places_per_household(store, members)
    base_supply = supply.local_supply(store, members, years, (pph, pph_basis))
    dem = apply_demand(base_demand, scenario)
    sup = apply_supply(base_supply, scenario, pph)
    gaps = pd.concat([gap.gap_rows(dem, sup), gap.group_gap(dem, sup)], ignore_index=True)

    spend = store.preferred(list(costs.LINES), members)
    labels = store.indicators.set_index("id")["label"].to_dict()
    unit = costs.unit_costs(spend[["area_code", "indicator_id", "value", "status"]],
                            costs.child_years(demand.history(inputs)), labels)
    cost = _costs(dem, gaps, unit, spend, demand.history(inputs))

    placements = distance.placements_at(episodes) if len(episodes) else episodes
    inside = gap.placed_inside_group(placements, members) if len(placements) else gap.placed_inside_group(
        pd.DataFrame(columns=["area_code", "pl_la", "synthetic"]), members)
    synthetic = []
    if len(trans) and trans["synthetic"].any():
        who = ", ".join(names.get(c, c) for c in sorted(set(trans.loc[trans["synthetic"], "area_code"])))
        synthetic.append(f"transition-rate demand for {who} (synthetic SSDA903 extracts)")
    if len(inside) and inside["synthetic"].any():
        synthetic.append("the share of children placed inside the group (synthetic SSDA903 extracts)")
    table = backtest.mape_table(results, members, names, label)
    planned = store.table(models.PlannedProvision)
    planned = planned[planned["area_code"].isin(members)].sort_values(["area_code", "period"]).reset_index(drop=True)
    return Plan(label=label, members=members, names=names, horizon=horizon, years=years, scenario=scenario,
                demand=dem, transition=trans, supply=sup, gap=gaps, unit_costs=unit, cost=cost, inside_group=inside,
                backtest=table, places_per_household=pph, pph_basis=pph_basis, synthetic_inputs=synthetic, rate=rate,
                planned=planned, transition_range=range_words)


def _costs(dem: pd.DataFrame, gaps: pd.DataFrame, unit: pd.DataFrame, spend: pd.DataFrame,
           hist: pd.DataFrame) -> pd.DataFrame:
    """Cost a year of demand per council and type, and of the gap (children beyond local
    supply x unit cost); group rows use the group's spend-weighted unit cost."""
    types = dem[dem["type"].isin(TYPES)]
    per = types[["area_code", "year", "type", "children"]].copy()
    per["cost_of_demand"] = costs.cost_of(per, unit, "children")
    g = gaps[gaps["area_code"] != "group"][["area_code", "year", "type", "gap_children"]]
    per = per.merge(g, on=["area_code", "year", "type"], how="left")
    per["cost_of_gap"] = costs.cost_of(per, unit, "gap_children")
    ok = unit[unit["status"] == "ok"].drop_duplicates(["area_code", "line"])
    group_unit = {}
    for line, (base, plan_types) in costs.LINES.items():
        rows = ok[ok["line"] == line]
        value = rows["spend"].sum() / rows["child_years"].sum() if rows["child_years"].sum() > 0 else np.nan
        group_unit.update({t: value for t in plan_types})
    grp = per.groupby(["year", "type"], as_index=False).agg(children=("children", "sum"),
                                                           cost_of_demand=("cost_of_demand", "sum"))
    gg = gaps[gaps["area_code"] == "group"][["year", "type", "gap_children"]]
    grp = grp.merge(gg, on=["year", "type"], how="left")
    grp["cost_of_gap"] = grp["gap_children"] * grp["type"].map(group_unit)
    grp["area_code"] = "group"
    return pd.concat([per, grp], ignore_index=True)


def compare(base: Plan, other: Plan) -> pd.DataFrame:
    """The group's baseline and scenario side by side, per type and year."""
    keys = ["year", "type"]
    def pick(plan: Plan) -> pd.DataFrame:
        dem = plan.demand[plan.demand["type"].isin(TYPES)].groupby(keys, as_index=False)["children"].sum()
        g = plan.group_gap[[*keys, "places", "gap_places", "gap_children"]]
        c = plan.cost[plan.cost["area_code"] == "group"][[*keys, "cost_of_demand"]]
        return dem.merge(g, on=keys, how="left").merge(c, on=keys, how="left")
    out = pick(base).merge(pick(other), on=keys, how="outer", suffixes=("_baseline", "_scenario"))
    out["cost_difference"] = out["cost_of_demand_scenario"] - out["cost_of_demand_baseline"]
    out["type_label"] = out["type"].map(TYPE_LABELS)
    return out.sort_values(keys).reset_index(drop=True)


EXPORT_COLUMNS = ["section", "area_code", "area_name", "year", "type", "type_label", "measure", "value", "low", "high",
                  "unit", "method", "source", "synthetic", "scenario"]


def export_table(plan: Plan) -> pd.DataFrame:
    """Every figure of the plan in one long table, each with its method, source and synthetic flag."""
    name = lambda code: {"group": plan.label, gap.GROUP_WIDE: f"{plan.label} (group-wide scenario places)"}.get(
        code, plan.names.get(code, code))
    scen = plan.scenario.name if plan.scenario else "baseline"
    rows = []

    def add(frame: pd.DataFrame, section: str, measure: str, column: str, unit: str, method, source, synthetic,
            low: str | None = None, high: str | None = None) -> None:
        for rec in frame.to_dict("records"):
            rows.append({"section": section, "area_code": rec["area_code"], "area_name": name(rec["area_code"]),
                         "year": rec.get("year"), "type": rec.get("type"), "type_label": TYPE_LABELS.get(rec.get("type"), ""),
                         "measure": measure, "value": rec.get(column), "low": rec.get(low) if low else None,
                         "high": rec.get(high) if high else None, "unit": unit,
                         "method": method(rec) if callable(method) else method,
                         "source": source(rec) if callable(source) else source,
                         "synthetic": synthetic(rec) if callable(synthetic) else synthetic, "scenario": scen})

    add(plan.demand, "demand", "children needing the type at 31 March", "children", "children",
        lambda r: r["method"], lambda r: r["source"], False, "low", "high")
    trans_method = lambda r: f"{r['method']}; this row's 80% range: {r['range_note']}"
    add(plan.transition_by_type, "demand (transition rates)", "children needing the type at 31 March", "children",
        "children", trans_method, lambda r: r["source"], lambda r: bool(r["synthetic"]), "low", "high")
    for band, part in plan.transition_by_age.groupby("age_band", sort=False):
        add(part, "demand (transition rates)", f"children in care aged {band} at 31 March (every type)", "children",
            "children", trans_method, lambda r: r["source"], lambda r: bool(r["synthetic"]), "low", "high")
    add(plan.supply, "supply", "local places", "places", "places", lambda r: r["basis"], lambda r: r["source"], False)
    add(plan.supply[plan.supply["type"] == "fostering_inhouse"], "supply", "in-house fostering households",
        "households", "households", lambda r: r["basis"] + f"; places per household {plan.pph_basis}",
        lambda r: r["source"], False)
    gap_method = ("gap = demand - places x usable share (" + "children); places: demand / usable share - places; "
                  "usable share: in-house fostering utilisation, own use of local children's homes where returned")
    add(plan.gap, "gap", "gap in children (positive: shortfall)", "gap_children", "children",
        lambda r: gap_method + f"; {r['usable_basis']}; {r['status']}", "demand and supply above", False)
    add(plan.gap, "gap", "gap in places (positive: shortfall)", "gap_places", "places",
        lambda r: gap_method + f"; {r['usable_basis']}; {r['status']}", "demand and supply above", False)
    add(plan.unit_costs.drop_duplicates(["area_code", "type"]), "costs", "unit cost a child-year", "unit_cost", "GBP",
        lambda r: f"{r['method']}; caveats: {r['caveat']}; {r['status']}", "MHCLG RO3 2024-25; DfE/LAIT", False)
    add(plan.cost, "costs", "cost a year of demand", "cost_of_demand", "GBP",
        costs.METHOD.split(" total")[0] + " unit cost x children (2024-25 prices)", "MHCLG RO3 2024-25", False)
    add(plan.cost, "costs", "cost a year of the gap", "cost_of_gap", "GBP",
        "gap in children x unit cost (group: spend-weighted unit cost), 2024-25 prices", "MHCLG RO3 2024-25", False)
    add(plan.inside_group, "placed inside the group", "% of own children placed in a member council",
        "pct_inside_group", "%", "placements open at each extract's date; location not known left out",
        "SSDA903 extracts", lambda r: bool(r["synthetic"]))
    if len(plan.planned):
        planned = plan.planned.assign(year=pd.to_datetime(plan.planned["period"]).dt.year,
                                      type=plan.planned["setting_type"].map({"childrens_home": "childrens_homes",
                                                                             "supported_accommodation": "supported"}),
                                      signed=np.where(plan.planned["change"] == "close", -plan.planned["beds"],
                                                      plan.planned["beds"]))
        add(planned, "planned homes", "beds opening (+) or closing (-)", "signed", "beds",
            lambda r: (f"{r['change']} {r['setting_name'] or 'a home not yet named'} on {r['period_label']}"
                       + (f" ({r['stage']})" if r["stage"] else "") + "; counted in local places from the 31 March "
                       "on or after that date"), lambda r: r["source_id"], False)
    bt = plan.backtest.assign(area_code=plan.backtest["area"], year=None, type="total")
    for col, label in (("mape_trend_pct", "backtest MAPE, rate trended"), ("mape_held_pct", "backtest MAPE, rate held"),
                       ("mape_naive_pct", "backtest MAPE, naive (last value)"),
                       (f"mape_{backtest.KNOWN_POPULATION}_pct", "backtest MAPE, rate trended x population as it "
                                                                 "turned out (yardstick)")):
        for rec in bt.to_dict("records"):
            rows.append({"section": "backtest", "area_code": "", "area_name": rec["area"], "year": "2022-2025",
                         "type": "total", "type_label": TYPE_LABELS["total"], "measure": label, "value": rec[col],
                         "low": None, "high": None, "unit": "%",
                         "method": "forecast from data to 2021 vs DfE's published 2022-2025; group: summed members",
                         "source": "DfE/LAIT", "synthetic": False, "scenario": scen})
    out = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    return out


def resolve_members(store: Store, group: str) -> tuple[list[str], str]:
    """A group id or name (RCC, region), or one council (name, ONS code or DfE number)."""
    from regional.errors import DataError

    groupings = store.groupings
    by_id = dict(zip(groupings["id"], groupings["name"]))
    by_name = {str(n).strip().lower(): i for i, n in by_id.items()}
    key = group.strip()
    gid = key if key in by_id else by_name.get(key.lower())
    if gid is not None:
        return store.group_members(gid), by_id[gid]
    try:
        code = store.index.resolve(key, column="--group")
    except DataError:
        raise DataError(f"'{group}' is neither a group nor a council", column="--group",
                        expected="a group id (" + ", ".join(sorted(by_id)[:4]) + ", ...), a group name or a council")
    if store.areas.set_index("code").loc[code, "level"] != "la":
        raise DataError(f"'{group}' is not a council", column="--group", expected="a council or a group")
    return [code], store.name(code)


def file_table(plan: Plan) -> pd.DataFrame:
    """What a download or ``regional plan`` writes: the headline row, then every figure (written
    through :mod:`regional.exports`, which makes text a spreadsheet would run plain text)."""
    table = export_table(plan)
    head = pd.DataFrame([{"section": "headline", "area_code": "group", "area_name": plan.label, "measure": "headline",
                          "method": plan.headline(), "synthetic": bool(plan.synthetic_inputs),
                          "scenario": plan.scenario.name if plan.scenario else "baseline"}], columns=EXPORT_COLUMNS)
    return pd.concat([head, table], ignore_index=True)


def write_file(plan: Plan, path) -> int:
    """The plan to CSV or XLSX (by the file's suffix): every figure with its method; rows written."""
    from pathlib import Path

    from regional import exports
    from regional.errors import DataError

    path = Path(path)
    table = file_table(plan)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_bytes(exports.csv_bytes(table))
    elif suffix == ".xlsx":
        methods = table.drop_duplicates(["section", "measure", "method"])[["section", "measure", "method", "source",
                                                                          "synthetic"]]
        path.write_bytes(exports.xlsx_bytes({"Plan": table, "Methods": methods}))
    else:
        raise DataError(f"unknown file type '{path.suffix}'", file=path.name, column="--out", expected=".csv or .xlsx")
    return len(table)
