"""Sufficiency plan: demand by placement type to the horizon against local supply, the gap,
scenarios and costs, for the group or the council of interest. Each section is prepared from one
:class:`regional.sufficiency.plan.Plan` (the CLI writes the same plan to a file)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from regional.importers.local_provision import SETTING_TYPES
from regional.selection import Selection
from regional.store import Store
from regional.sufficiency import DEFAULT_HORIZON, TYPE_LABELS, TYPES, backtest, costs, plan as plans
from regional.sufficiency.plan import Plan, compare
from regional.sufficiency.scenarios import Scenario
from regional.views.base import Section as ViewSection, per_store, text_or_blank

PAGE = "pages/5_Sufficiency_plan.py"
SCOPES = ("The group", "Council of interest")


@dataclass(frozen=True)
class Choices:
    scope: str = "The group"
    horizon: int = DEFAULT_HORIZON
    rate: str = "trend"
    scenario: str = ""  # a scenario's name; blank: the baseline
    levers: str = "[]"  # its levers as JSON (saved scenarios change without a data reload)


@dataclass
class Section:
    """What each part below prepares; :func:`prepare` turns them into the views' sections."""
    key: str
    title: str
    chart: pd.DataFrame
    table: pd.DataFrame
    caption: str
    source: str
    synthetic: bool = False
    markdown: str = ""  # said above the table (a warning about what the figures can bear)


def _round(frame: pd.DataFrame, digits: int = 0) -> pd.DataFrame:
    out = frame.copy()
    for col in out.select_dtypes("number").columns:
        out[col] = out[col].round(digits)
    return out


def demand_section(plan: Plan) -> Section:
    """The group's (or council's) demand by type and year with its 80% range."""
    dem = plan.demand[plan.demand["type"].isin([*TYPES, "total"])]
    grp = dem.groupby(["year", "type"], as_index=False)[["children", "low", "high"]].sum()
    grp["type_label"] = grp["type"].map(TYPE_LABELS)
    table = _round(grp[["type_label", "year", "children", "low", "high"]]).rename(columns={
        "type_label": "placement type", "year": "31 March", "children": "children (central)",
        "low": "80% range from", "high": "80% range to"})
    method = plan.demand["method"].iloc[0] if len(plan.demand) else ""
    caption = (f"Method: {method.split(';')[0]}. The 80% range: 10th-90th percentile of actual / forecast when the "
               "same method forecast 2022-2025 from data to 2021, across every English council, by years ahead; "
               "a group's range is the sum of its members' (they tend to err together). "
               + ("Scenario applied: " + plan.scenario.name + ". " if plan.scenario else "")
               + ("Placement mix not published (suppressed), so counted in the total only: "
                  + ", ".join(plan.names.get(c, c) for c in plan.no_mix) + ". " if plan.no_mix else "")
               + _population_words(plan))
    return Section("demand", "Demand by placement type", grp, table, caption,
                   "DfE children looked after and placement types (LAIT), ONS child population, Ofsted LA foster places")


def _population_words(plan: Plan) -> str:
    """Which members' child population comes from a loaded ONS projection, and the rest's."""
    projected = plan.demand["method"].str.contains("subnational population projection", regex=False)
    who = sorted(set(plan.demand.loc[projected, "area_code"]))
    if not who:
        return ("Child population: the ONS mid-year estimates on their five-year line (no member has loaded an ONS "
                "population projection; the Data page takes one).")
    return ("Child population from the council's loaded ONS subnational population projection (the latest estimate "
            "grown as the projection grows) for " + ", ".join(plan.names.get(c, c) for c in who)
            + "; the others: the ONS mid-year estimates on their five-year line.")


def gap_section(plan: Plan) -> Section:
    g = plan.group_gap.copy()
    g["type_label"] = g["type"].map(TYPE_LABELS)
    fost = plan.supply[(plan.supply["type"] == "fostering_inhouse") & plan.supply["households"].notna()]
    households = fost.groupby("year")["households"].sum()
    estimated = fost["basis"].str.contains("ESTIMATED").any()
    g["households"] = np.where(g["type"] == "fostering_inhouse", g["year"].map(households), np.nan)
    table = _round(g[["type_label", "year", "children", "places", "households", "usable_share", "supply_children",
                      "gap_children", "gap_places", "status"]].assign(
        usable_share=lambda f: (f["usable_share"] * 100).round(0)))
    table = table.rename(columns={"type_label": "placement type", "year": "31 March", "children": "children needing it",
                                  "places": "local places", "usable_share": "usable share %",
                                  "households": "in-house households" + (" (some ESTIMATED)" if estimated else ""),
                                  "supply_children": "children local places can take",
                                  "gap_children": "gap in children", "gap_places": "gap in places"})
    caption = ("Gap in children = children needing the type - local places x usable share (in-house fostering: places "
               "filled / approved; children's homes: the share of local beds the council's own children fill where "
               "its return says, otherwise all places). Gap in places = places needed at that share - places. "
               "Positive: a shortfall. Agency and kinship fostering, placed with parents and other placements have "
               f"no local supply measure. Places per in-house household: {plan.pph_basis}. Where each council's "
               "supply figure comes from: the table below.")
    return Section("gap", "Local supply and the gap", g, table, caption,
                   "Ofsted register and joiners/leavers; LAIT LA foster places; councils' local-provision returns")


def supply_basis(plan: Plan) -> pd.DataFrame:
    """Where each council's supply figure comes from (one line per council and type)."""
    rows = plan.supply.drop_duplicates(["area_code", "type"]).copy()
    rows["council"] = rows["area_code"].map(lambda c: plan.label if c == "group-wide" else plan.names.get(c, c))
    rows["placement type"] = rows["type"].map(TYPE_LABELS)
    return rows[["council", "placement type", "basis", "source", "status"]].sort_values(["placement type", "council"])


def planned_homes(plan: Plan) -> pd.DataFrame:
    """The members' planned openings and closures, as their planned-homes returns give them."""
    cols = ["council", "setting", "home", "change", "beds", "date", "stage", "note"]
    rows = plan.planned
    if rows.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({"council": rows["area_code"].map(lambda c: plan.names.get(c, c)),
                         "setting": rows["setting_type"].map(SETTING_TYPES).fillna(rows["setting_type"]),
                         "home": rows["setting_name"].replace("", "not yet named"), "change": rows["change"],
                         "beds": rows["beds"], "date": rows["period_label"], "stage": rows["stage"],
                         "note": rows["note"]})[cols]


def council_section(plan: Plan) -> Section:
    """Each member at the horizon: demand, places and gap per supplied type."""
    rows = plan.gap[(plan.gap["area_code"] != "group") & (plan.gap["year"] == plan.horizon)].copy()
    rows["council"] = rows["area_code"].map(lambda c: plan.names.get(c, c))
    rows["type_label"] = rows["type"].map(TYPE_LABELS)
    table = _round(rows[["council", "type_label", "children", "places", "gap_children", "gap_places", "status"]])
    table = table.rename(columns={"type_label": "placement type", "children": "children needing it",
                                  "places": "local places", "gap_children": "gap in children",
                                  "gap_places": "gap in places"}).sort_values(["placement type", "council"])
    for col in ("children needing it", "local places", "gap in children", "gap in places"):
        table[col] = table[col].map(lambda v: "not known" if pd.isna(v) else f"{v:,.0f}")
    return Section("councils", f"Each council at 31 March {plan.horizon}", rows, table,
                   "A supply figure not published or returned is 'not known', never 0.", "as above")


def transition_section(plan: Plan) -> Section:
    """Transition-rate demand (SSDA903) beside the rate method for the same councils: by placement
    type, and by age band where the extract holds months of birth."""
    t = plan.transition
    title = "Transition-rate demand (SSDA903)"
    if t.empty:
        return Section("transition", title, t, t, "No member has an SSDA903 extract spanning two or more years.", "")
    by_age = plan.transition_by_age
    if len(by_age):
        title += ", by age band" if set(by_age["area_code"]) == set(t["area_code"]) else ", by age band where known"
    rate = plan.demand[["area_code", "year", "type", "children"]].rename(columns={"children": "rate x population"})
    both = pd.concat([plan.transition_by_type.merge(rate, on=["area_code", "year", "type"], how="left"), by_age],
                     ignore_index=True)
    both["council"] = both["area_code"].map(lambda c: plan.names.get(c, c))
    both["type_label"] = np.where(both["age_band"] == plans.ALL_AGES, both["type"].map(TYPE_LABELS), plans.ALL_TYPES)
    # each council and year: its age bands (youngest first), then its placement types
    bands = {label: i for i, label in enumerate(by_age["age_band"].drop_duplicates())}
    both["_order"] = both["age_band"].map(bands).fillna(len(bands))
    both = both.sort_values(["council", "year", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
    synthetic = bool(t["synthetic"].any())
    columns = ["council", "age_band", "type_label", "year", "children", "low", "high", "rate x population"]
    table = _round(both[columns])
    for col in ("low", "high"):  # a type or band too few backtests reached has no range: said so, never 0
        table[col] = table[col].map(lambda v: "not known" if pd.isna(v) else f"{v:,.0f}")
    # The rate method projects placement types, not ages: an age-band row has no figure beside it to show.
    by_band = table["age_band"] != plans.ALL_AGES
    table["rate x population"] = [("not made by age" if band else "not known") if pd.isna(v) else f"{v:,.0f}"
                                  for v, band in zip(table["rate x population"], by_band)]
    table = table.rename(columns={
        "age_band": "age band", "type_label": "placement type", "year": "31 March",
        "children": "transition rates (SYNTHETIC extract)" if synthetic else "transition rates",
        "low": "80% range from", "high": "80% range to"})
    methods = t.drop_duplicates("area_code")
    words = plan.transition_range  # said once below, not after every council's method

    def own(method: str) -> str:
        method = method.replace(plans.SYNTHETIC_WORD + " extract: ", "")
        return method.replace("; " + words, "") if words else method

    above = bool((t["low"] > t["children"]).any())
    caption = ("SYNTHETIC: these extracts are generated to match the councils' published totals, not real children. "
               if synthetic else "") + " ".join(
        f"{plan.names.get(c, c)}: {own(m)}." for c, m in zip(methods["area_code"], methods["method"])) + (
        f" {words}." if words else "") + (
        " Where the backtests under-forecast nearly every time, the range lies above the central figure."
        if above else "") + (" 'not known': too few backtest points for that type or age band (the file names which)."
                             if t["low"].isna().any() else "")
    incomplete = sorted({plan.names.get(c, c) for c in t.loc[~t["complete"].astype(bool), "area_code"]}) \
        if "complete" in t else []
    warning = (f"**Not a whole history: {', '.join(incomplete)}.** Checked against DfE's published counts, "
               f"{'these extracts hold' if len(incomplete) > 1 else 'this extract holds'} far fewer children leaving "
               "care than DfE counts (the figures are below), so transition rates read from "
               f"{'them' if len(incomplete) > 1 else 'it'} miss leaving care and the figures overstate demand. "
               + ("The synthetic extracts are made of the children in care at their date only. " if synthetic else "")
               + "A multi-year SSDA903 extract with every child looked after in the years it covers (the Data "
                 "page) gives figures to plan with." if incomplete else "")
    return Section("transition", title, both, table, caption, ", ".join(sorted(set(t["source"]))), synthetic,
                   markdown=warning)


def costs_section(plan: Plan) -> Section:
    unit = plan.unit_costs.drop_duplicates(["area_code", "line"]).copy()
    unit["council"] = unit["area_code"].map(lambda c: plan.names.get(c, c))
    unit["spend line"] = unit["line"].map({"ro3_cla_fostering_spend": "fostering services",
                                           "ro3_cla_residential_spend": "residential care",
                                           "ro3_cla_other_spend": "other (supported, with parents, other)"})
    table = unit[["council", "spend line", "spend", "child_years", "unit_cost", "status"]].rename(
        columns={"spend": "RO3 2024-25 spend (£)", "child_years": "child-years", "unit_cost": "£ a child-year"})
    table = _round(table)
    group = plan.cost[(plan.cost["area_code"] == "group") & (plan.cost["year"] == plan.horizon)].copy()
    group["type_label"] = group["type"].map(TYPE_LABELS)
    caption = f"Method: {costs.METHOD.format(line='line', types='the types it pays for')}. Caveats: {costs.CAVEAT}."
    return Section("costs", "Unit costs (RO3 2024-25)", group, table, caption,
                   "MHCLG revenue outturn RO3 2024-25; DfE/LAIT placement counts")


def cost_summary(plan: Plan) -> pd.DataFrame:
    grp = plan.cost[(plan.cost["area_code"] == "group") & (plan.cost["year"] == plan.horizon)].copy()
    grp["placement type"] = grp["type"].map(TYPE_LABELS)
    out = grp[["placement type", "children", "cost_of_demand", "gap_children", "cost_of_gap"]].rename(columns={
        "children": "children needing it", "cost_of_demand": "cost a year (£)", "gap_children": "gap in children",
        "cost_of_gap": "cost a year of the gap (£)"})
    return _round(out)


def scenario_section(base: Plan, other: Plan) -> Section:
    comp = compare(base, other)
    horizon = comp[comp["year"] == base.horizon]
    table = _round(horizon[["type_label", "children_baseline", "children_scenario", "gap_children_baseline",
                            "gap_children_scenario", "cost_of_demand_baseline", "cost_of_demand_scenario",
                            "cost_difference"]]).rename(columns={
        "type_label": "placement type", "children_baseline": "children (baseline)",
        "children_scenario": "children (scenario)", "gap_children_baseline": "gap in children (baseline)",
        "gap_children_scenario": "gap in children (scenario)", "cost_of_demand_baseline": "cost a year (baseline, £)",
        "cost_of_demand_scenario": "cost a year (scenario, £)", "cost_difference": "difference (£)"})
    levers = "; ".join(lv.describe(base.names) for lv in other.scenario.levers) if other.scenario else "none"
    caption = (f"Scenario '{other.scenario.name if other.scenario else 'baseline'}': {levers}. Costs are demand x "
               "unit cost in 2024-25 prices; new places' own costs (building, staffing) are not counted.")
    return Section("scenario", f"Scenario against the baseline, 31 March {base.horizon}", comp, table, caption,
                   "the plan above")


def backtest_section(plan: Plan) -> Section:
    table = _round(plan.backtest, 1).rename(columns={"area": "council", "mape_trend_pct": "MAPE % (rate trended)",
                                                     "mape_held_pct": "MAPE % (rate held)",
                                                     "mape_naive_pct": "MAPE % (naive: last value)",
                                                     f"mape_{backtest.KNOWN_POPULATION}_pct":
                                                         "MAPE % (rate trended, population as it turned out)",
                                                     "better": "closest"})
    caption = ("Children in care forecast from data to 31 March 2021, compared with DfE's published 2022-2025; mean "
               "absolute percentage error over the four years. Rate trended: the rate per 10,000 on its five-year "
               "line; rate held: the 2021 rate; both times the population trend. The naive forecast carries 2021's "
               "count forward, in the same run. The group's row compares the members' summed forecast with their "
               "summed actual. The last column is a yardstick, not a forecast anyone could have made: the trended "
               "rate times the population as it turned out, so what is left is the rate's own error. "
               f"This plan uses: rate {plan.rate}.")
    return Section("backtest", "How well the method forecast 2022-2025", plan.backtest, table, caption, "DfE/LAIT")


def inside_section(plan: Plan) -> Section:
    frame = plan.inside_group.copy()
    if frame.empty:
        return Section("inside", "Children placed inside the group", frame, frame,
                       "No member has a child-level extract.", "")
    frame["council"] = frame["area_code"].map(lambda c: plan.label if c == "group" else plan.names.get(c, c))
    small = frame["children"] < 5
    frame["pct_inside_group"] = frame["pct_inside_group"].where(~small)
    table = _round(frame[["council", "children", "inside_group", "pct_inside_group"]], 1).rename(columns={
        "children": "children (location known)", "inside_group": "placed in a member council",
        "pct_inside_group": "% inside the group"})
    synthetic = bool(frame["synthetic"].any())
    caption = (("SYNTHETIC: " if synthetic else "") + "placements open at each extract's own date; only members with "
               "a child-level extract; location not known left out; fewer than 5 children suppressed.")
    title = ("The group's own children placed inside the group" if len(plan.members) > 1
             else "The council's own children placed inside the council")
    return Section("inside", title, frame, table, caption,
                   "SSDA903 extracts", synthetic)


def parts(plan: Plan, baseline: Plan | None = None) -> list[Section]:
    """Every part in page order; the scenario comparison only when ``baseline`` is given."""
    out = [demand_section(plan), gap_section(plan)]
    if len(plan.members) > 1:
        out.append(council_section(plan))
    out += [transition_section(plan), inside_section(plan), costs_section(plan)]
    if baseline is not None and plan.scenario is not None:
        out.append(scenario_section(baseline, plan))
    out.append(backtest_section(plan))
    return out


def headline_figures(plan: Plan) -> dict[str, str]:
    """The figures the page's metrics show (horizon year, group)."""
    end = plan.group_gap[plan.group_gap["year"] == plan.horizon].set_index("type")
    dem = plan.demand[(plan.demand["year"] == plan.horizon) & (plan.demand["type"] == "total")]
    cost = plan.cost[(plan.cost["area_code"] == "group") & (plan.cost["year"] == plan.horizon)]

    def fmt(value: float) -> str:
        return "not known" if value is None or pd.isna(value) else f"{value:,.0f}"

    gap_cost = cost["cost_of_gap"].where(cost["cost_of_gap"] > 0).sum(min_count=1)
    return {
        "Children in care": fmt(dem["children"].sum()),
        "Children's homes gap": fmt(end["gap_children"].get("childrens_homes", np.nan)),
        "In-house fostering gap": fmt(end["gap_children"].get("fostering_inhouse", np.nan)),
        "Cost a year of shortfalls": "not known" if pd.isna(gap_cost) else f"£{gap_cost / 1e6:,.1f}m",
    }


CHARTS = {"demand": "charts.sufficiency.demand_chart", "gap": "charts.sufficiency.gap_chart"}


def build(store: Store, members: list[str], label: str, choices: Choices, scenario: Scenario | None) -> Plan:
    """The plan, kept with the Store by what it is made from (members, horizon, rate, scenario): the
    council of interest does not change a group's plan, so choosing another one does not rebuild it
    (0.7 s). The national backtest (the ranges' evidence) is computed once per Store."""
    results = per_store(store, "sufficiency_backtest", lambda: backtest.national(store))
    key = ("sufficiency_plan", tuple(members), label, choices.horizon, choices.rate,
           (choices.scenario, choices.levers) if scenario is not None else None)
    return store.memo(key, lambda: plans.build_plan(store, members, label=label, horizon=choices.horizon,
                                                    scenario=scenario, backtest_results=results, rate=choices.rate))


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[ViewSection]:
    if choices.scope == "Council of interest":
        members, label = [selection.council], selection.council_name or store.name(selection.council)
    else:
        members = [c for c in selection.members if c in set(store.councils()["code"])] or [selection.council]
        label = selection.group_label
    base = build(store, members, label, choices, None)
    scenario = Scenario.from_json(choices.scenario, "", choices.levers) if choices.scenario else None
    current = build(store, members, label, choices, scenario) if scenario else base
    figures = headline_figures(current)
    headline = ViewSection(
        key="suff_headline", title="", markdown=current.headline(), synthetic=bool(current.synthetic_inputs),
        metrics=[{"label": k, "value": v, "help": f"The plan's figure for 31 March {current.horizon} (see below)."}
                 for k, v in figures.items()],
        extra={"file": plans.file_table(current), "label": label})
    out = [headline]
    for part in parts(current, base):
        extra = {}
        chart_frame = part.chart
        if part.key == "gap":
            chart_frame = part.chart.assign(type_label=part.chart["type"].map(TYPES))
            # a type no member has a supply figure for has nothing to draw against: the table says so
            chart_frame = chart_frame[chart_frame["places"].notna()]
            extra["basis"] = text_or_blank(supply_basis(current))
            extra["planned"] = text_or_blank(planned_homes(current))
        if part.key == "costs":
            extra["summary"] = cost_summary(current)
        chart = CHARTS.get(part.key)
        titles = {"demand": f"{label}: children needing each placement type",
                  "gap": f"{label}: need against what local places can take"}
        out.append(ViewSection(
            key=f"suff_{part.key}", title=part.title, level=1, table=text_or_blank(part.table),
            frame=chart_frame if chart else None, chart=chart,
            chart_args={"title": titles[part.key]} if chart else {}, caption=part.caption, source=part.source,
            synthetic=part.synthetic, extra=extra, markdown=part.markdown,
            empty="" if len(part.table) else part.caption))
    return out
