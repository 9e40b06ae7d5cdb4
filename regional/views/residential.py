"""Residential and supported accommodation: do we have enough local beds, and who fills them?"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from regional import models, residential
from regional.charts.residential import MEASURE_SHAPES
from regional.maps import extent_for, legend_table
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, boundaries, text_or_blank

PAGE = "pages/3_Residential.py"
MEASURES = {"Places per 10,000 children": "places_per_10k", "Places": "places", "Homes": "homes"}
SCOPES = ("Group members", "All councils")
OFSTED = "Ofsted register at 31 March 2023"


@dataclass(frozen=True)
class Choices:
    settings: tuple[str, ...] = tuple(residential.DEFAULT_SETTINGS)
    measure: str = "Places per 10,000 children"
    scope: str = "Group members"
    map_extent: str = "The group"
    count_by: str = "Places"
    trend_whole_group: bool = False
    trend_measure: str = "Homes"


def fmt(value, status: str = "ok", digits: int = 0) -> str:
    """A figure as it reads on screen; no figure says why, never 0."""
    if value is None or pd.isna(value):
        return status if status not in ("ok", "") else "not given"
    return f"{value:,.{digits}f}"


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    settings = list(choices.settings) or list(residential.DEFAULT_SETTINGS)
    settings_text = ", ".join(s.lower() for s in settings)
    names = dict(zip(store.areas["code"], store.areas["name"]))
    members, council = list(selection.members), selection.council
    providers = store.table(models.OfstedProvider)
    supply = residential.supply_by_council(store, providers, settings)
    bench = residential.area_benchmarks(store, providers, settings, selection.region_code)
    market = residential.local_market(store.table(models.LocalProvision), names, store.sources)
    demand = residential.supply_vs_demand(store, supply, members, market)
    scope_codes = supply["area_code"].tolist() if choices.scope == "All councils" else \
        supply.loc[supply["area_code"].isin(members), "area_code"].tolist()
    common = dict(settings=settings, settings_text=settings_text, names=names)
    return [
        _headline(store, selection, supply, bench, market, settings_text),
        _supply(selection, supply, bench, choices, scope_codes, settings_text),
        _map(selection, supply, choices, settings_text),
        *_categories(selection, providers, scope_codes, choices, **common),
        _trend(store, selection, choices, settings, settings_text),
        _demand(demand, settings_text),
        *_market(store, selection, market, names),
    ]


def _headline(store: Store, sel: Selection, supply: pd.DataFrame, bench: pd.DataFrame, market: pd.DataFrame,
              settings_text: str) -> Section:
    mine = supply.set_index("area_code").loc[sel.council] if sel.council in set(supply["area_code"]) else None
    own = residential.supply_vs_demand(store, supply, [sel.council], market).iloc[0]
    refs = bench.set_index("area_code")
    refs_text = f"England {fmt(refs['places_per_10k'].iloc[0], digits=1)}" + (
        f", {sel.region_name} {fmt(refs['places_per_10k'].iloc[1], digits=1)}" if len(refs) > 1 else "")
    tiles = []
    if mine is not None:
        tiles += [{"label": "Local homes", "value": fmt(mine["homes"], mine["status"]),
                   "help": f"{OFSTED}; settings counted: {settings_text}."},
                  {"label": "Places per 10,000 children", "value": fmt(mine["places_per_10k"], mine["status"], 1),
                   "delta": refs_text, "arrow": "off",
                   "help": f"{fmt(mine['places'], mine['status'])} places (Ofsted, 31 March 2023) for "
                           f"{fmt(mine['child_population'])} children aged 0-17 (DfE, 2023)."}]
    own_return = own["own_in_residential_return"]
    tiles += [{"label": "In residential care (DfE)", "value": fmt(own["own_in_residential_dfe_latest"]),
               "delta": f"estimate, 31 March {own['dfe_latest_year']}", "arrow": "off",
               "help": "The council's own children in care living in secure units and children's homes: children in "
                       "care x % in secure units and children's homes (LAIT; the % is a whole number, so the count is "
                       "approximate)."},
              {"label": "In residential care (council)", "value": fmt(own_return, "not published"), "arrow": "off",
               "delta": (f"council's own figure, {own['own_in_residential_return_date']}" if pd.notna(own_return)
                         else "no count in the council's documents"),
               "help": ("The council's own children in care living in residential care, as its own document counts "
                        "them: " + own["own_in_residential_return_source"] if pd.notna(own_return)
                        else "The council's published documents give no count.")}]
    return Section("res_headline", f"{sel.council_name} at a glance", metrics=tiles)


def _supply(sel: Selection, supply: pd.DataFrame, bench: pd.DataFrame, choices: Choices, scope_codes: list[str],
            settings_text: str) -> Section:
    column = MEASURES.get(choices.measure, "places_per_10k")
    shown = supply[supply["area_code"].isin(scope_codes)]
    refs = bench[["area_name", "places_per_10k"]].rename(columns={"places_per_10k": "value"}) \
        if column == "places_per_10k" else None
    table = pd.concat([shown, bench.assign(status="ok")], ignore_index=True)[
        ["area_name", "area_code", "homes", "places", "places_not_given", "child_population", "places_per_10k",
         "status", "period_label", "source_id"]]
    table.insert(2, "settings_counted", settings_text)
    return Section(
        "res_supply", "Children's home places by council", table=text_or_blank(table), frame=shown,
        chart="charts.residential.ranked_councils",
        chart_args={"value": column, "value_label": f"{choices.measure} ({settings_text})", "highlight": sel.council,
                    "members": list(sel.members), "benchmarks": refs,
                    "number_format": ",.1f" if column == "places_per_10k" else ",.0f"},
        file_name="residential_places_by_council.csv",
        caption=f"{OFSTED} ({settings_text}); places per 10,000 children aged 0-17 (DfE's 2023 denominator). A council "
                "with no home on the register has 0. Cumberland and Westmorland and Furness began on 1 April 2023: "
                "Ofsted's 31 March register counts their homes in Cumbria. England and region lines are all their "
                "councils' places over all their children.")


def _map(sel: Selection, supply: pd.DataFrame, choices: Choices, settings_text: str) -> Section:
    values = supply.rename(columns={"area_code": "code", "places_per_10k": "value"})[
        ["code", "value", "status", "period_label"]]
    extent = extent_for(boundaries(), list(sel.members)) if choices.map_extent == "The group" else None
    data = supply[["area_name", "area_code", "homes", "places", "child_population", "places_per_10k", "status",
                   "period_label", "source_id"]].assign(settings_counted=settings_text)
    return Section(
        "res_map", "Map: local places per 10,000 children", table=text_or_blank(data), frame=values,
        chart="maps.choropleth",
        chart_args={"value_label": "places per 10,000 children:", "members": list(sel.members),
                    "highlight": sel.council, "extent": extent},
        file_name="residential_places_map.csv",
        markdown=(f"Five colour classes, each holding a fifth of councils, dark purple (lowest) to yellow (highest); "
                  f"very pale grey: no "
                  f"figure (the tooltip says why). Thick outline: {sel.group_label}; orange outline: "
                  f"{sel.council_name}."),
        caption="Council boundaries: ONS Counties and Unitary Authorities, December 2023 (BUC); contains OS data "
                f"(c) Crown copyright and database right 2023. Places: {OFSTED}.",
        extra={"legend": legend_table(values["value"])})


def _categories(sel: Selection, providers: pd.DataFrame, scope_codes: list[str], choices: Choices, *,
                settings: list[str], settings_text: str, names: dict[str, str]) -> list[Section]:
    value = choices.count_by.lower()
    sector = residential.by_category(providers, scope_codes, names, "sector", settings)
    grade = residential.by_category(providers, scope_codes, names, "grade", settings)
    who = "Every council" if choices.scope == "All councils" else sel.group_label
    return [
        Section("res_sector", "Who runs the local homes, and how good they are",
                markdown=f"{who}: the 'Councils' choice above applies here too.",
                table=text_or_blank(sector.assign(settings_counted=settings_text)), frame=sector,
                chart="charts.residential.category_columns",
                chart_args={"category": "sector", "order": [s for s in residential.SECTOR_ORDER
                                                            if s in set(sector["sector"])],
                            "value": value, "value_label": choices.count_by, "highlight_name": sel.council_name},
                file_name="residential_by_sector.csv",
                caption=f"{OFSTED} ({settings_text}), by the provider's sector."),
        Section("res_grade", table=text_or_blank(grade.assign(settings_counted=settings_text)), frame=grade,
                chart="charts.residential.category_columns",
                chart_args={"category": "grade", "order": residential.GRADE_ORDER, "value": value,
                            "value_label": choices.count_by, "highlight_name": sel.council_name},
                file_name="residential_by_grade.csv",
                caption="Overall experiences and progress of children and young people at the latest full inspection "
                        "before 31 March 2023 (Ofsted). 'Not yet inspected': registered homes without a full "
                        "inspection yet."),
    ]


def _trend(store: Store, sel: Selection, choices: Choices, settings: list[str], settings_text: str) -> Section:
    changes = store.table(models.OfstedRegisterChange)
    if choices.trend_whole_group:
        trend = residential.register_changes(changes, list(sel.members), settings, label=sel.group_label)
        trend["area_name"] = sel.group_label
    else:
        trend = residential.register_changes(changes, [sel.council], settings)
        trend["area_name"] = sel.council_name
    table = trend.drop(columns=["area_code"]).assign(year_end=trend["year_end"].astype(str),
                                                     settings_counted=settings_text)[
        ["area_name", "period_label", "year_end", "homes_joined", "homes_left", "net_homes", "places_joined",
         "places_left", "net_places", "places_not_given", "settings_counted", "source_id"]]
    return Section(
        "res_trend", "Homes joining and leaving the register", table=text_or_blank(table), frame=trend,
        chart="charts.residential.register_trend", chart_args={"measure": choices.trend_measure.lower()},
        file_name="residential_joiners_leavers.csv",
        caption="Ofsted joiners and leavers, years to 31 March 2017-2023, by the council area the home is in "
                f"({settings_text}). Before 2020-21 Ofsted did not flag short-break-only homes, so they count as "
                "children's homes. Ofsted warns that joiners minus leavers is not the whole change in places: homes "
                "also change their registered places. Homes listed under Bournemouth in 2016-17 and 2017-18 count "
                "for BCP.")


def supply_demand_dots(demand: pd.DataFrame) -> pd.DataFrame:
    """Four figures per council, each with its own date and source, for the supply-and-demand chart."""
    measures = list(MEASURE_SHAPES)
    rows = []
    for rec in demand.itertuples():
        rows += [
            {"area_name": rec.area_name, "measure": measures[0], "value": rec.local_places_ofsted,
             "date": "2023-03-31", "source": "Ofsted register"},
            {"area_name": rec.area_name, "measure": measures[1], "value": rec.own_in_residential_dfe_2023,
             "date": "2023-03-31", "source": "DfE/LAIT: children in care x % in secure units and children's homes"},
            {"area_name": rec.area_name, "measure": measures[2], "value": rec.local_beds_return,
             "date": rec.local_beds_return_date, "source": rec.local_beds_return_source},
            {"area_name": rec.area_name, "measure": measures[3], "value": rec.own_in_residential_return,
             "date": rec.own_in_residential_return_date, "source": rec.own_in_residential_return_source},
        ]
    return pd.DataFrame(rows, columns=["area_name", "measure", "value", "date", "source"])


def inside_findings(demand: pd.DataFrame) -> list[str]:
    """In words: how many of each council's own residential children live in its local homes."""
    out = []
    for rec in demand[demand["own_inside_return"].notna()].itertuples():
        same_day = rec.own_inside_return_date == rec.own_in_residential_return_date
        total = f" of {rec.own_in_residential_return:,.0f}" if same_day else ""
        outside = ("" if pd.isna(rec.own_outside_return) or rec.own_outside_return_date != rec.own_inside_return_date
                   else f"; {rec.own_outside_return:,.0f} live in residential settings outside the council")
        other = ("" if same_day or pd.isna(rec.own_in_residential_return) else
                 f" (its latest count of all its children in residential care, {rec.own_in_residential_return:,.0f}, "
                 f"is for {rec.own_in_residential_return_date})")
        out.append(f"**{rec.area_name}**, {rec.own_inside_return_date}: {rec.own_inside_return:,.0f}{total} of its "
                   f"own children in residential care live in local children's homes{outside}{other}. Source: "
                   f"{rec.own_inside_return_source}.")
    return out


def _demand(demand: pd.DataFrame, settings_text: str) -> Section:
    table = demand.rename(columns={
        "local_places_ofsted": "local places (Ofsted 2023-03-31)",
        "own_in_residential_dfe_2023": "own children in residential (DfE estimate 2023-03-31)",
        "places_per_own_child_2023": "local places per own child (2023)",
        "own_in_residential_dfe_latest": "own children in residential (DfE estimate, latest year)",
        "own_in_residential_return": "own children in residential (council figure)",
        "local_beds_return": "local children's home beds (council figure)",
        "own_inside_return": "own children in local homes (council figure)",
        "own_outside_return": "own children in residential outside the council (council figure)",
        "local_beds_per_own_child_return": "local beds per own child (council figures)",
        "own_inside_share_return_pct": "% of own residential children inside the council (council figures, same date)",
    }).drop(columns=["own_in_residential_dfe_2023_status"]).assign(settings_counted=settings_text)
    return Section(
        "res_demand", "Local places against the council's own children in residential care",
        table=text_or_blank(table), frame=supply_demand_dots(demand), chart="charts.residential.supply_demand_dots",
        file_name="residential_supply_vs_demand.csv",
        caption="Published (same day, 31 March 2023): Ofsted's local places against DfE's count of the council's own "
                "children in secure units and children's homes, estimated as children in care x the published "
                "whole-number percentage. Council figures: the latest each council's documents give, with their "
                "dates, which differ between councils; a local-provision return line is preferred for local beds "
                "because it counts beds and own children on the same day. Local beds are also filled by other "
                "councils' children, and own children may need settings that are not local.",
        extra={"findings": inside_findings(demand)})


def _market(store: Store, sel: Selection, market: pd.DataFrame, names: dict[str, str]) -> list[Section]:
    members_market = market[market["area_code"].isin(sel.members)]
    without = [names[c] for c in sel.members if c not in set(members_market["area_code"])]
    title = "Local market: occupancy, voids and use by other councils"
    note = f"No local provision return: {', '.join(without)}." if without else ""
    if members_market.empty:
        section = Section("res_market", title, caption=note, empty="No member of this group has sent a local "
                                                                   "provision return. Upload one below.")
    else:
        segments = residential.occupancy_segments(members_market)
        section = Section(
            "res_market", title, table=text_or_blank(members_market.assign(period=members_market["period"].astype(str))),
            frame=None if segments.empty else segments,
            chart=None if segments.empty else "charts.residential.occupancy_bars",
            file_name="local_market_returns.csv",
            caption=("Councils' local provision returns: each bar is the beds of one setting type on one date. Only "
                     "what the return gives is drawn: where a council publishes only the share its own children use, "
                     "the rest is 'other councils' children or vacant'; beds without occupancy are 'not stated'. The "
                     "table has every line, with occupancy, voids and other councils' share where the return gives "
                     "the counts, and the document and section. BCP's and Dorset's lines are transcribed from their "
                     "published documents. " + note))
    growth = residential.local_growth(store, list(sel.members))
    return [section, Section(
        "res_growth", "Growth in local beds, as the councils' documents report it", level=3,
        table=text_or_blank(growth) if len(growth) else None, file_name="local_beds_growth.csv",
        caption="Every figure as its document prints it, with the document and section; where two documents (or two "
                "sections) differ, both are listed. 'forecast' rows are places the council expects to need.")]
