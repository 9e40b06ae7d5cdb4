"""Residential and supported accommodation: do we have enough local beds, and who fills them?

Layout only: every figure comes from ``regional.residential``.
"""
from __future__ import annotations


import pandas as pd
import streamlit as st

st.set_page_config(page_title="Residential and supported accommodation", page_icon=":house:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import db, models, residential, returns  # noqa: E402
from regional.charts import residential as charts  # noqa: E402
from regional.errors import DataError  # noqa: E402
from regional.geo import read_boundaries  # noqa: E402
from regional.importers import local_provision, ofsted  # noqa: E402
from regional.importers.council_return import ReturnInvalid  # noqa: E402
from regional.maps import choropleth, legend_table  # noqa: E402


@st.cache_resource(show_spinner=False)
def boundaries() -> dict:
    return read_boundaries()


def fmt(value: float | None, status: str = "ok", digits: int = 0) -> str:
    """A figure as it reads on screen; no figure says why, never 0."""
    if value is None or pd.isna(value):
        return status if status not in ("ok", "") else "not given"
    return f"{value:,.{digits}f}"


store = ui.get_store()
sel = ui.sidebar(store)
names = dict(zip(store.areas["code"], store.areas["name"]))
council = sel.council
council_name = names[council]
region_name = names.get(sel.region_code, "Region") if sel.region_code else "Region"
sources = store.sources.set_index("id")

st.title("Residential and supported accommodation")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils. Council of interest: **{council_name}**. "
            "Do we have enough local beds, and who fills them?")
st.caption("Sources: Ofsted's register of every children's home and residential family centre at 31 March 2023 "
           "(inspected or not; grades from its latest full inspection) and its joiners and leavers 2016-17 to "
           "2022-23; DfE children in care and placement types (LAIT); DfE child population 0-17; the councils' own "
           "published figures. Each table names the source and date of every figure.")

providers = store.table(models.OfstedProvider)
changes = store.table(models.OfstedRegisterChange)
lines = store.table(models.LocalProvision)

settings = st.multiselect(
    "Settings counted as local places", ofsted.SETTINGS, default=residential.DEFAULT_SETTINGS, key="res_settings",
    help="The default matches DfE's 'secure units and children's homes' placement type. Ofsted's own "
         "'all children's homes' adds short-break-only homes and residential special schools registered as "
         "children's homes; residential family centres are parent-and-child assessment places.")
if not settings:
    st.warning("Choose at least one setting to count; showing the default (children's homes and secure children's homes).")
    settings = residential.DEFAULT_SETTINGS
settings_text = ", ".join(s.lower() for s in settings)

supply = residential.supply_by_council(store, providers, settings)
bench = residential.area_benchmarks(store, providers, settings, sel.region_code)
market = residential.local_market(lines, names, store.sources)
demand = residential.supply_vs_demand(store, supply, sel.members, market)

# --- headline -----------------------------------------------------------------------------
mine = supply.set_index("area_code").loc[council] if council in set(supply["area_code"]) else None
mine_demand = residential.supply_vs_demand(store, supply, [council], market).iloc[0]
eng = bench.set_index("area_code")
st.subheader(f"{council_name} at a glance")
cols = st.columns(4)
refs_text = f"England {fmt(eng['places_per_10k'].iloc[0], digits=1)}" + (
    f", {region_name} {fmt(eng['places_per_10k'].iloc[1], digits=1)}" if len(eng) > 1 else "")
if mine is not None:
    cols[0].metric("Local homes", fmt(mine["homes"], mine["status"]),
                   help=f"Ofsted register at 31 March 2023; settings counted: {settings_text}.")
    cols[1].metric("Places per 10,000 children", fmt(mine["places_per_10k"], mine["status"], 1),
                   delta=refs_text, delta_color="off", delta_arrow="off",
                   help=f"{fmt(mine['places'], mine['status'])} places (Ofsted, 31 March 2023) for "
                        f"{fmt(mine['child_population'])} children aged 0-17 (DfE, 2023).")
cols[2].metric("In residential care (DfE)", fmt(mine_demand["own_in_residential_dfe_latest"]),
               delta=f"estimate, 31 March {mine_demand['dfe_latest_year']}", delta_color="off", delta_arrow="off",
               help="The council's own children in care living in secure units and children's homes: children in care x "
                    "% in secure units and children's homes (LAIT; the % is a whole number, so the count is approximate).")
own_return = mine_demand["own_in_residential_return"]
cols[3].metric("In residential care (council)", fmt(own_return, "not published"),
               delta=(f"council's own figure, {mine_demand['own_in_residential_return_date']}" if pd.notna(own_return)
                      else "no count in the council's documents"), delta_color="off", delta_arrow="off",
               help=("The council's own children in care living in residential care, as its own document counts them: "
                     + mine_demand["own_in_residential_return_source"] if pd.notna(own_return)
                     else "The council's published documents give no count."))

# --- supply by council ---------------------------------------------------------------------
st.subheader("Children's home places by council")
left, right = st.columns([2, 1])
measure = left.radio("Measure", ["Places per 10,000 children", "Places", "Homes"], horizontal=True, key="res_measure")
scope = right.radio("Councils", ["Group members", "All councils"], horizontal=True, key="res_scope")
column = {"Places per 10,000 children": "places_per_10k", "Places": "places", "Homes": "homes"}[measure]
shown = supply if scope == "All councils" else supply[supply["area_code"].isin(sel.members)]
scope_codes = shown["area_code"].tolist()
refs = None
if column == "places_per_10k":
    refs = bench[["area_name", "places_per_10k"]].rename(columns={"places_per_10k": "value"})
chart = charts.ranked_councils(shown, value=column, value_label=f"{measure} ({settings_text})", highlight=council,
                               members=sel.members, benchmarks=refs,
                               number_format=",.1f" if column == "places_per_10k" else ",.0f")
table = pd.concat([shown, bench.assign(status="ok")], ignore_index=True)[
    ["area_name", "area_code", "homes", "places", "places_not_given", "child_population", "places_per_10k", "status",
     "period_label", "source_id"]]
table.insert(2, "settings_counted", settings_text)
ui.chart_with_table(chart, table, key="res_supply", file_name="residential_places_by_council.csv",
                    caption=f"Ofsted register at 31 March 2023 ({settings_text}); places per 10,000 children aged 0-17 "
                            "(DfE's 2023 denominator). A council with no home on the register has 0. Cumberland and "
                            "Westmorland and Furness began on 1 April 2023: Ofsted's 31 March register counts their "
                            "homes in Cumbria. England and region lines are all their councils' places over all their "
                            "children.")

# --- map -------------------------------------------------------------------------------------
st.subheader("Map: local places per 10,000 children")
values = supply.rename(columns={"area_code": "code", "places_per_10k": "value"})[["code", "value", "status", "period_label"]]
extent = st.radio("Show", ["The group", "England"], horizontal=True, key="res_map_extent")
view = residential.map_view(boundaries(), sel.members) if extent == "The group" else (-2.3, 52.8, 5.6)
deck = choropleth(boundaries(), values, value_label="places per 10,000 children:", members=sel.members,
                  highlight=council, view=view)
map_tab, map_table_tab = st.tabs(["Map", "Table"])
with map_tab:
    st.pydeck_chart(deck, height=560, key="res_map")
    st.markdown("**Colour key** (places per 10,000 children)")
    st.dataframe(legend_table(values["value"]), hide_index=True, width="stretch")
    st.caption(f"Five quintile classes, dark purple (lowest fifth) to yellow (highest fifth); very pale grey: no "
               f"figure (the tooltip says why). Thick outline: {sel.group_label}; orange outline: {council_name}.")
map_data = supply[["area_name", "area_code", "homes", "places", "child_population", "places_per_10k", "status",
                   "period_label", "source_id"]].assign(settings_counted=settings_text)
with map_table_tab:
    st.dataframe(map_data, hide_index=True, width="stretch")
st.download_button("Download CSV", map_data.to_csv(index=False).encode(), "residential_places_map.csv", "text/csv",
                   key="dl_res_map")
st.caption("Council boundaries: ONS Counties and Unitary Authorities, December 2023 (BUC); contains OS data "
           "(c) Crown copyright and database right 2023. Places: Ofsted register at 31 March 2023.")

# --- sector and grade ------------------------------------------------------------------------
st.subheader("Who runs the local homes, and how good they are")
st.caption(f"{'Every council' if scope == 'All councils' else sel.group_label}: the 'Councils' choice above applies here too.")
count_by = st.radio("Count", ["Places", "Homes"], horizontal=True, key="res_count_by")
value = count_by.lower()
sector = residential.by_category(providers, scope_codes, names, "sector", settings)
sector_order = [s for s in residential.SECTOR_ORDER if s in set(sector["sector"])]
ui.chart_with_table(charts.category_columns(sector, category="sector", order=sector_order, value=value,
                                            value_label=count_by, highlight_name=council_name),
                    sector.assign(settings_counted=settings_text), key="res_sector",
                    file_name="residential_by_sector.csv",
                    caption=f"Ofsted register at 31 March 2023 ({settings_text}), by the provider's sector.")
grade = residential.by_category(providers, scope_codes, names, "grade", settings)
ui.chart_with_table(charts.category_columns(grade, category="grade", order=residential.GRADE_ORDER, value=value,
                                            value_label=count_by, highlight_name=council_name),
                    grade.assign(settings_counted=settings_text), key="res_grade", file_name="residential_by_grade.csv",
                    caption="Overall experiences and progress of children and young people at the latest full "
                            "inspection before 31 March 2023 (Ofsted). 'Not yet inspected': registered homes without "
                            "a full inspection yet.")

# --- joiners and leavers ----------------------------------------------------------------------
st.subheader("Homes joining and leaving the register")
left, right = st.columns(2)
area_choice = left.radio("Area", [council_name, f"Whole group ({len(sel.members)} councils)"], horizontal=True,
                         key="res_trend_area")
trend_measure = right.radio("Count", ["Homes", "Places"], horizontal=True, key="res_trend_measure")
if area_choice == council_name:
    trend = residential.register_changes(changes, [council], settings)
    trend["area_name"] = council_name
else:
    trend = residential.register_changes(changes, sel.members, settings, label=sel.group_label)
    trend["area_name"] = sel.group_label
trend_table = trend.drop(columns=["area_code"]).assign(
    year_end=trend["year_end"].astype(str), settings_counted=settings_text)[
    ["area_name", "period_label", "year_end", "homes_joined", "homes_left", "net_homes", "places_joined",
     "places_left", "net_places", "places_not_given", "settings_counted", "source_id"]]
ui.chart_with_table(charts.register_trend(trend, measure=trend_measure.lower()), trend_table,
                    key="res_trend", file_name="residential_joiners_leavers.csv",
                    caption="Ofsted joiners and leavers, years to 31 March 2017-2023, by the council area the home is "
                            f"in ({settings_text}). Before 2020-21 Ofsted did not flag short-break-only homes, so they "
                            "count as children's homes. Ofsted warns that joiners minus leavers is not the whole change "
                            "in places: homes also change their registered places. Homes listed under Bournemouth in "
                            "2016-17 and 2017-18 count for BCP.")

# --- supply vs demand ------------------------------------------------------------------------
st.subheader("Local places against the council's own children in residential care")
dots = []
measures = list(charts.MEASURE_SHAPES)
for rec in demand.itertuples():
    dots += [
        {"area_name": rec.area_name, "measure": measures[0], "value": rec.local_places_ofsted, "date": "2023-03-31",
         "source": "Ofsted register"},
        {"area_name": rec.area_name, "measure": measures[1], "value": rec.own_in_residential_dfe_2023,
         "date": "2023-03-31", "source": "DfE/LAIT: children in care x % in secure units and children's homes"},
        {"area_name": rec.area_name, "measure": measures[2], "value": rec.local_beds_return,
         "date": rec.local_beds_return_date, "source": rec.local_beds_return_source},
        {"area_name": rec.area_name, "measure": measures[3], "value": rec.own_in_residential_return,
         "date": rec.own_in_residential_return_date, "source": rec.own_in_residential_return_source},
    ]
demand_table = demand.rename(columns={
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
ui.chart_with_table(charts.supply_demand_dots(pd.DataFrame(dots)), demand_table, key="res_demand",
                    file_name="residential_supply_vs_demand.csv",
                    caption="Published (same day, 31 March 2023): Ofsted's local places against DfE's count of the "
                            "council's own children in secure units and children's homes, estimated as children in "
                            "care x the published whole-number percentage. Council figures: the latest each council's "
                            "documents give, with their dates, which differ between councils; a local-provision return "
                            "line is preferred for local beds because it counts beds and own children on the same day. "
                            "Local beds are also filled by other councils' children, and own children may need "
                            "settings that are not local.")
inside = demand[demand["own_inside_return"].notna()]
for rec in inside.itertuples():
    same_day = rec.own_inside_return_date == rec.own_in_residential_return_date
    total = f" of {rec.own_in_residential_return:,.0f}" if same_day else ""
    outside = ("" if pd.isna(rec.own_outside_return) or rec.own_outside_return_date != rec.own_inside_return_date
               else f"; {rec.own_outside_return:,.0f} live in residential settings outside the council")
    other = ("" if same_day or pd.isna(rec.own_in_residential_return) else
             f" (its latest count of all its children in residential care, {rec.own_in_residential_return:,.0f}, "
             f"is for {rec.own_in_residential_return_date})")
    st.markdown(f"- **{rec.area_name}**, {rec.own_inside_return_date}: {rec.own_inside_return:,.0f}{total} of its own "
                f"children in residential care live in local children's homes{outside}{other}. Source: "
                f"{rec.own_inside_return_source}.")

# --- council local-market returns -------------------------------------------------------------
st.subheader("Local market: occupancy, voids and use by other councils")
members_market = market[market["area_code"].isin(sel.members)]
without = [names[c] for c in sel.members if c not in set(members_market["area_code"])]
if members_market.empty:
    st.info("No member of this group has sent a local provision return. Upload one below.")
else:
    segments = residential.occupancy_segments(members_market)
    market_table = members_market.assign(period=members_market["period"].astype(str))
    if segments.empty:
        st.dataframe(market_table, hide_index=True, width="stretch")
    else:
        ui.chart_with_table(charts.occupancy_bars(segments), market_table, key="res_market",
                            file_name="local_market_returns.csv",
                            caption="Councils' local provision returns: each bar is the beds of one setting type on one "
                                    "date. Only what the return gives is drawn: where a council publishes only the "
                                    "share its own children use, the rest is 'other councils' children or vacant'; "
                                    "beds without occupancy are 'not stated'. The table has every line, with "
                                    "occupancy, voids and other councils' share where the return gives the counts, and "
                                    "the document and section. BCP's and Dorset's lines are transcribed from their "
                                    "published documents.")
if without:
    st.caption(f"No local provision return: {', '.join(without)}.")

growth = residential.local_growth(store, sel.members)
if not growth.empty:
    st.markdown("**Growth in local beds, as the councils' documents report it**")
    st.dataframe(growth, hide_index=True, width="stretch")
    st.download_button("Download CSV", growth.to_csv(index=False).encode(), "local_beds_growth.csv", "text/csv",
                       key="dl_res_growth")
    st.caption("Every figure as its document prints it, with the document and section; where two documents (or "
               "two sections) differ, both are listed. 'forecast' rows are places the council expects to need.")

with st.expander("Upload a local provision return"):
    st.markdown("One CSV or XLSX row per setting (or per setting type) and date: `council`, `period` (the day the "
                "beds were counted, e.g. `2025-12-31` for Q3 of 2025-26), `setting_type` (`childrens_home`, "
                "`supported_accommodation`, `parent_and_child`, `short_breaks`), and any of `beds`, `occupied_own`, "
                "`occupied_other`, `vacant`, `own_use_pct`; optional `setting_name`, `urn`, `grade`, `document`, "
                "`section`, `published`, `note`. Blank means not given, never 0. Every row is checked first and "
                "nothing is stored unless all are valid; sending the same document again replaces its lines.")
    st.download_button("Download the template guide (Markdown)", local_provision.TEMPLATE.read_bytes(),
                       "local_provision.md", "text/markdown", key="dl_res_template")
    st.download_button("Download an example return (CSV, illustrative figures)", local_provision.EXAMPLE.read_bytes(),
                       "local_provision_example.csv", "text/csv", key="dl_res_example")
    upload = st.file_uploader("Local provision return", type=["csv", "xlsx"], key="res_upload")
    if upload is not None and st.button("Check and store", key="res_store"):
        with ui.saved_upload(upload) as path:
            try:
                stored = returns.submit("local_provision", path, store.engine, who=db.current_user(),
                                        display_name=upload.name).rows
            except ReturnInvalid as exc:
                st.error(f"{upload.name} was not stored: {len(exc.problems)} problem(s).")
                st.dataframe(pd.DataFrame([{"row": p.row, "column": p.column, "problem": p.problem,
                                            "expected": p.expected} for p in exc.problems]),
                             hide_index=True, width="stretch")
            except DataError as exc:
                st.error(f"{upload.name} was not stored: {exc}")
            else:
                st.session_state["res_stored"] = f"Stored {stored} line(s) from {upload.name}."
                st.rerun()
    if "res_stored" in st.session_state:
        st.success(st.session_state.pop("res_stored"))

st.caption("Ofsted data: Children's social care data in England 2023 and joiners/leavers files, Ofsted, Open "
           "Government Licence v3.0. DfE: Children looked after in England including adoptions and LAIT, Open "
           "Government Licence v3.0. Councils' figures: their own published documents, named on each row.")
