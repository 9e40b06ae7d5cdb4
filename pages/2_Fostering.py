"""Fostering: households and places, utilisation, the recruitment pipeline, net change and a
forecast of households needed. Layout only; every figure comes from ``regional``."""
from __future__ import annotations


import pandas as pd
import streamlit as st

st.set_page_config(page_title="Fostering - Regional Care Benchmark", page_icon=":house:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import db, fostering, returns  # noqa: E402
from regional import forecast as fc  # noqa: E402
from regional.authorities import ENGLAND_CODE  # noqa: E402
from regional.charts import fostering as charts  # noqa: E402
from regional.errors import DataError  # noqa: E402
from regional.settings import DATA_DIR  # noqa: E402

store = ui.get_store()
sel = ui.sidebar(store)
version = db.data_version(store.engine)


@st.cache_resource(max_entries=256, show_spinner=False)
def chart(builder: str, *args, **kwargs):
    """An Altair chart from regional.charts.fostering, built once per distinct input (frames are hashed)."""
    return getattr(charts, builder)(*args, **kwargs)


@st.cache_data(max_entries=16, show_spinner=False)
def utilisation(_store, data_version: str):
    return fostering.utilisation(_store)


@st.cache_data(max_entries=16, show_spinner=False)
def group_forecast(_store, data_version: str, codes: tuple[str, ...]):
    return fostering.group_forecast(_store, list(codes), fostering.pipeline_frame(_store),
                                    fostering.households(_store, list(codes)))


council_name = store.name(sel.council)
region_name = store.name(sel.region_code) if sel.region_code else "Region"
members = [c for c in sel.members if c != ENGLAND_CODE]

st.title("Fostering: households, places, recruitment and forecast")
st.markdown(f"**{sel.group_label}**: {len(members)} councils, with {region_name} and England where published. "
            f"Council of interest: **{council_name}**. Where are foster homes gained and lost, how full are they, "
            "and how many will be needed?")

# --- 1. Households --------------------------------------------------------
st.header("1. Fostering households by council and type")
house = fostering.households(store, members)
pipeline_all = fostering.pipeline_frame(store)
pipeline = pipeline_all[pipeline_all["area_code"].isin(members)]
trajectory = fostering.household_trajectory(house, fostering.net_change(pipeline))
if house.empty:
    st.info("No member of this group has published fostering household counts. A council can add them in a "
            "council return (indicators fostering_households_mainstream, _kinship, _total) on the Data page.")
else:
    st.caption("Counts the councils publish (sufficiency strategies, self-assessments), each on the date it refers to. "
               "Where a council gives all and kinship households only, mainstream is derived as the difference. "
               + ("The dashed lines step back from the published count by the **synthetic** example pipeline's net "
                  "change: an illustration of the method, not real history." if trajectory["synthetic"].any() else ""))
    table = house.assign(figure=house["basis"], period=house["period"].dt.strftime("%Y-%m-%d"))[
        ["area_name", "household_type", "period", "period_label", "value", "figure", "source_title", "section", "note"]]
    traj_table = trajectory.assign(figure=trajectory["synthetic"].map(
        {True: "SYNTHETIC estimate: published count +/- example pipeline net change", False: "estimate from pipeline return"}),
        period=trajectory["period"].dt.strftime("%Y-%m-%d"), value=trajectory["households"],
        source_title="pipeline net change anchored on " + trajectory["anchor_period"], section="", note="")
    traj_table = traj_table[table.columns]
    shown = (table if traj_table.empty else pd.concat([table, traj_table], ignore_index=True)).rename(
        columns={"area_name": "council", "value": "households", "source_title": "source"})
    ui.chart_with_table(chart("households_chart", house, trajectory), shown, key="fostering_households",
                        file_name="fostering_households.csv")

ifa = fostering.inhouse_vs_ifa(store, members)
st.subheader("In-house vs independent fostering agency (IFA) carers")
if ifa.empty:
    st.info("No member of this group has published how many of its fostered children live with in-house or IFA carers.")
else:
    ifa_table = ifa.assign(period=ifa["period"].dt.strftime("%Y-%m-%d"))[
        ["area_name", "measure", "unit", "period", "period_label", "value", "status", "source_title", "section", "note"]
    ].rename(columns={"area_name": "council", "source_title": "source"})
    counts = ifa[ifa["indicator_id"].isin(["cic_in_inhouse_foster_count", "cic_in_ifa_foster_count"])]
    st.caption("As each council reports it; councils define these differently (some count kinship carers as in-house), "
               "so the table keeps each figure's own wording. The councils' own utilisation measures are listed here "
               "too: they are not the same measure as DfE's places filled / approved below.")
    if counts.empty:
        st.dataframe(ifa_table, hide_index=True, width="stretch")
        st.download_button("Download CSV", ifa_table.to_csv(index=False).encode(), "fostering_inhouse_ifa.csv",
                           "text/csv", key="dl_fostering_inhouse_ifa")
    else:
        ui.chart_with_table(chart("inhouse_ifa_chart", ifa), ifa_table, key="fostering_inhouse_ifa",
                            file_name="fostering_inhouse_ifa.csv")

# --- 2. Places and utilisation ---------------------------------------------
st.header("2. LA foster places approved and filled: utilisation")
util = utilisation(store, version)
years = sorted(util.dropna(subset=["utilisation_pct"])["period_label"].unique())
year = st.select_slider("Year ending 31 March", years, value=years[-1], key="fostering_year")
latest = util[util["period_label"] == year].copy()
latest["role"] = fostering.roles(latest["area_code"], members, sel.council, sel.region_code)
bench = latest.set_index("area_code")["utilisation_pct"]
england, region = bench.get(ENGLAND_CODE), bench.get(sel.region_code) if sel.region_code else None
mine = latest[latest["area_code"] == sel.council]
st.markdown(f"**Utilisation: LA foster places filled as % of places approved, year ending 31 March {year}**")
cols = st.columns(3)
mine_text = "not published" if mine.empty or mine["utilisation_pct"].isna().all() else f"{mine['utilisation_pct'].iloc[0]:.0f}%"
cols[0].metric(council_name, mine_text,
               help="Ofsted fostering data via DfE LAIT: LA foster places filled as a % of places approved, "
                    "excluding family and friends carers.")
cols[1].metric(region_name, "not published" if region is None or region != region else f"{region:.0f}%")
cols[2].metric("England", "not published" if england is None or england != england else f"{england:.0f}%")
source_note = ("Source: Ofsted fostering data via DfE LAIT (Number_Foster_Places(New), "
               "Number_Foster_Places_Filled(New)), places rounded to the nearest 5 by the publisher; utilisation computed "
               "here as filled / approved.")

st.subheader("Every council, group members marked")
not_shown = latest[(latest["level"] == "la") & latest["utilisation_pct"].isna()]
every = latest[latest["level"].isin(["la", "region", "england"])].assign(
    utilisation_pct=lambda d: d["utilisation_pct"].round(1))[
    ["area_name", "role", "period_label", "approved", "filled", "utilisation_pct", "status", "source_id"]].rename(
    columns={"area_name": "area", "period_label": "year", "source_id": "source"}).sort_values("utilisation_pct", ascending=False)
ui.chart_with_table(chart("utilisation_strip", latest, members=members, council=sel.council, england=england,
                          region=region, region_name=region_name),
                    every, key="fostering_util_all", file_name=f"foster_utilisation_{year}.csv",
                    caption=source_note + (f" No figure ({len(not_shown)} councils): "
                                           + ", ".join(f"{n} ({s})" for n, s in zip(not_shown["area_name"], not_shown["status"]))
                                           if len(not_shown) else ""))

st.subheader("Group members: places approved and filled")
members_latest = latest[latest["area_code"].isin(members)]
member_table = members_latest[["area_name", "period_label", "approved", "filled", "utilisation_pct", "status", "source_id"]].assign(
    utilisation_pct=lambda d: d["utilisation_pct"].round(1)).rename(
    columns={"area_name": "council", "period_label": "year", "source_id": "source"})
ui.chart_with_table(chart("places_bars", members_latest.dropna(subset=["approved"]), sel.council), member_table,
                    key="fostering_places", file_name=f"foster_places_{year}.csv", caption=source_note)

st.subheader("Utilisation over time")
trend = util[util["area_code"].isin(members + [ENGLAND_CODE] + ([sel.region_code] if sel.region_code else []))].copy()
trend["role"] = fostering.roles(trend["area_code"], members, sel.council, sel.region_code)
change = fostering.utilisation_trend(trend)
trend_table = trend[["area_name", "role", "period_label", "approved", "filled", "utilisation_pct", "status", "source_id"]].assign(
    utilisation_pct=lambda d: d["utilisation_pct"].round(1)).rename(
    columns={"area_name": "area", "period_label": "year", "source_id": "source"})
ui.chart_with_table(chart("utilisation_trend", trend), trend_table, key="fostering_util_trend",
                    file_name="foster_utilisation_trend.csv", caption=source_note)
with st.expander("Change in utilisation, first to latest year (percentage points)"):
    st.dataframe(change.round(1).drop(columns="area_code"), hide_index=True, width="stretch")

# --- 3. Recruitment pipeline -----------------------------------------------
st.header("3. Recruitment pipeline: enquiry to approval")
synthetic_councils = sorted(pipeline.loc[pipeline["synthetic"], "area_name"].unique())
if synthetic_councils:
    st.warning("**SYNTHETIC EXAMPLE DATA.** The pipeline counts for " + ", ".join(synthetic_councils) + " are invented "
               "to show how this section works. They match the councils' published household totals but are not "
               "real figures. A council's own upload replaces its example.", icon=":material/science:")
with st.expander("Upload a pipeline return (CSV or XLSX)"):
    st.markdown("Template: one row per council, month (`2026-01`) or quarter (`2025-Q3`) and household type, with "
                "enquiries, initial visits, applications, assessments started, approvals, de-registrations (reasons "
                "optional) and transfers. The whole file is checked first; nothing is stored unless every row is valid.")
    example = DATA_DIR / "templates" / "fostering_pipeline_example.csv"
    if example.exists():
        st.download_button("Download the template with example rows", example.read_bytes(), example.name, "text/csv",
                           key="dl_fostering_template")
    upload = st.file_uploader("Pipeline return", type=["csv", "xlsx"], key="fostering_upload")
    if upload is not None and st.button("Validate and load", key="fostering_load"):
        with ui.saved_upload(upload) as path:
            try:
                result = returns.submit("fostering_pipeline", path, store.engine, who=db.current_user(),
                                        display_name=upload.name)
            except DataError as exc:
                problems = getattr(exc, "problems", [exc])
                st.error(f"Nothing was stored. {len(problems)} problem(s) in {upload.name}:")
                st.markdown("\n".join(f"- {p}" for p in problems[:50]))
            else:
                st.session_state["fostering_loaded"] = (upload.name, result.rows,
                                                        list(result.prepared.warnings["problem"]))
                st.rerun()
    if "fostering_loaded" in st.session_state:
        name, n, warnings = st.session_state["fostering_loaded"]
        st.success(f"Loaded {n} rows from {name}.")
        for warning in warnings:
            st.warning(warning)

flows = fostering.returned_flows(store, members)
if len(flows):
    st.markdown("**Approvals and de-registrations in the councils' indicator returns**")
    flows_table = flows.assign(period=flows["period"].dt.strftime("%Y-%m-%d")).rename(
        columns={"area_name": "council", "source_title": "source"}).drop(columns="area_code")
    st.dataframe(flows_table, hide_index=True, width="stretch")
    st.download_button("Download CSV", flows_table.to_csv(index=False).encode(), "fostering_returned_flows.csv",
                       "text/csv", key="dl_fostering_flows")
if pipeline.empty:
    st.info("No pipeline return is held for this group's councils. Upload one above.")
else:
    c1, c2 = st.columns(2)
    kind = c1.radio("Households", ["Mainstream", "Kinship / connected person", "All types"], horizontal=True,
                    key="fostering_kind")
    window = c2.radio("Periods", ["Latest 12 months of each council's return", "Every period held"], horizontal=True,
                      key="fostering_window")
    rows = pipeline if kind == "All types" else pipeline[pipeline["household_type"].isin(
        {"Mainstream": ["mainstream"], "Kinship / connected person": ["kinship"]}[kind])]
    if window.startswith("Latest"):
        rows = fostering.latest_twelve_months(rows)
    synthetic = bool(rows["synthetic"].any())
    if rows.empty:
        st.info(f"No {kind.lower()} rows in the pipeline returns held.")
    else:
        fun = fostering.funnel(rows)
        conv = fostering.conversion(fun)
        st.subheader("Funnel and conversion")
        st.caption("Each stage summed over the chosen periods; the percentage is of the stage before. A stage nobody "
                   "reported is shown as 'not reported', not 0. The group panel adds each council's own periods, "
                   "which may differ (see the table).")
        fun_table = fun.assign(source=lambda d: d["synthetic"].map({True: "SYNTHETIC example", False: "council return"}))[
            ["area_name", "stage_label", "count", "periods_reported", "periods", "first_period", "last_period", "source"]
        ].rename(columns={"area_name": "council", "stage_label": "stage"})
        ui.chart_with_table(chart("funnel_chart", fun, synthetic=synthetic), fun_table, key="fostering_funnel",
                            file_name="fostering_funnel.csv")
        conv_table = conv.assign(conversion_pct=conv["conversion_pct"].round(1))[
            ["area_name", "step", "from_count", "to_count", "conversion_pct"]].rename(columns={"area_name": "council"})
        steps = list(dict.fromkeys(conv_table["step"]))
        councils_order = list(dict.fromkeys(conv_table["council"]))
        conv_wide = (conv_table.pivot(index="council", columns="step", values="conversion_pct")
                     .reindex(index=councils_order, columns=steps).reset_index())
        st.markdown("**Stage-to-stage conversion (%)**" + (" (SYNTHETIC example data)" if synthetic else ""))
        st.dataframe(conv_wide, hide_index=True, width="stretch")
        st.download_button("Download CSV", conv_table.assign(source="SYNTHETIC example" if synthetic else "council return")
                           .to_csv(index=False).encode(), "fostering_conversion.csv", "text/csv",
                           key="dl_fostering_conversion")

        flags = fostering.stage_flags(rows)
        if len(flags):
            st.warning(f"{len(flags)} period(s) where a stage exceeds the stage before it. This is allowed, because "
                       "people move between stages across periods, but worth checking with the council.")
            with st.expander("Flagged periods"):
                st.dataframe(flags.drop(columns="area_code"), hide_index=True, width="stretch")

        st.subheader("Net household change: approvals minus de-registrations")
        net = fostering.net_change(rows)
        if kind == "All types":
            net = (net.groupby(["area_code", "area_name", "period", "period_label", "period_kind", "synthetic"], as_index=False)
                   [["approvals", "deregistrations", "transfers_in", "transfers_out", "net_change"]].sum(min_count=1))
            net["household_type"] = "all types"
            net["net_change_incl_transfers"] = net["net_change"] + net["transfers_in"].fillna(0) - net["transfers_out"].fillna(0)
        totals = (net.groupby("area_name")[["approvals", "deregistrations", "net_change"]].sum(min_count=1)
                  .reset_index().rename(columns={"area_name": "council"}))
        st.caption("Per period, as each council reports it. Transfers between fostering services are left out here "
                   "and added in the table's 'net_change_incl_transfers'. Totals over the periods shown: "
                   + "; ".join(f"{r.council} {r.net_change:+.0f}" for r in totals.itertuples() if r.net_change == r.net_change)
                   + ".")
        net_table = net.assign(period=net["period"].dt.strftime("%Y-%m-%d"),
                               source=net["synthetic"].map({True: "SYNTHETIC example", False: "council return"}))[
            ["area_name", "household_type", "period_label", "period", "approvals", "deregistrations", "net_change",
             "transfers_in", "transfers_out", "net_change_incl_transfers", "source"]].rename(columns={"area_name": "council"})
        ui.chart_with_table(chart("net_change_chart", net, synthetic=synthetic), net_table, key="fostering_net",
                            file_name="fostering_net_change.csv")

        reasons = fostering.deregistration_reasons(rows)
        if not reasons.empty:
            st.subheader("Why households left")
            reasons_table = reasons.assign(source=reasons["synthetic"].map({True: "SYNTHETIC example", False: "council return"}))[
                ["area_name", "household_type", "reason", "count", "first_period", "last_period", "source"]].rename(
                columns={"area_name": "council"})
            ui.chart_with_table(chart("reasons_chart", reasons, synthetic=synthetic), reasons_table,
                                key="fostering_reasons", file_name="fostering_deregistration_reasons.csv")

# --- 4. Forecast -------------------------------------------------------------
st.header("4. Forecast: in-house households needed vs expected")
st.caption("Households needed = children in foster care x the share placed with the council's own mainstream carers / "
           "children per household. Households expected = households now + the recent net change each year. Every "
           "assumption is below and can be changed; the defaults come from the figures named beside them.")
options = [c for c in members if c in set(util["area_code"])] or members
default = options.index(sel.council) if sel.council in options else 0
code = st.selectbox("Council", options, index=default, format_func=store.name, key="fostering_forecast_council")
house_code = fostering.households(store, [code])
made = fostering.forecast_inputs(store, code, pipeline_all, house_code)
if made is None:
    st.info(f"DfE publishes no children-in-foster-care figures for {store.name(code)}, so there is nothing to project.")
else:
    base, basis = made
    k = f"fostering_fc_{code}"
    c1, c2, c3 = st.columns(3)
    how = c1.radio("Children in foster care change by", [f"the trend of recent years ({base.children_change_per_year:+.1f} a year)",
                                                         "a rate I set"], key=f"{k}_how")
    rate = c1.slider("Rate of change (% a year)", -10.0, 10.0, 0.0, 0.5, key=f"{k}_rate",
                     disabled=not how.startswith("a rate"))
    share = c2.slider("Share of fostered children with own mainstream carers (%)", 0.0, 100.0,
                      round(base.inhouse_share * 100, 1), 0.5, key=f"{k}_share")
    per_household = c2.slider("Children per household", 0.5, 3.0, float(min(max(base.children_per_household, 0.5), 3.0)),
                              0.01, key=f"{k}_cph")
    households_now = c3.number_input("Mainstream households now", 0.0, 5000.0, float(round(base.households_now, 1)),
                                     1.0, key=f"{k}_hh")
    net = c3.slider("Net change in households a year (approvals - de-registrations)", -40.0, 40.0,
                    float(min(max(round(base.net_change_per_year, 1), -40), 40)), 0.5, key=f"{k}_net", format="%+.1f")
    horizon = c3.slider("Years ahead", 1, 5, 3, key=f"{k}_years")
    a = base.with_changes(rate_pct=rate if how.startswith("a rate") else None, inhouse_share=share / 100,
                          children_per_household=per_household, households_now=households_now,
                          net_change_per_year=net, years=horizon)
    frame = fc.forecast(a)
    st.info(fc.gap_sentence(store.name(code), frame, a), icon=":material/target:")
    own = store.observations_for(["foster_carers_needed_per_year", "foster_carers_needed_per_year_uasc",
                                  "fostering_households_mainstream_net_change"], [code], source="council", breakdown=None)
    if len(own):
        st.caption("What the council itself has published: " + "; ".join(
            f"{store.indicator(r.indicator_id)['label']}: {r.value:+.0f}" if r.indicator_id.endswith("net_change")
            else f"{store.indicator(r.indicator_id)['label']}: {r.value:.0f}"
            for r in own.itertuples()) + f" ({own['source_title'].iloc[0]}).")
    assumptions = [
        ("Children in foster care at the base year", f"{a.children_in_foster:,.0f}", basis["children_in_foster"]),
        ("Change in children in foster care", f"{a.rate_pct:+.1f}% a year (user set)" if a.rate_pct is not None
         else f"{a.children_change_per_year:+.1f} a year", "user set" if a.rate_pct is not None else basis["children_change_per_year"]),
        ("Share placed with own mainstream carers", f"{a.inhouse_share:.1%}",
         basis["inhouse_share"] + ("" if abs(a.inhouse_share - base.inhouse_share) < 0.0005 else " (changed by user)")),
        ("Children per household", f"{a.children_per_household:.2f}",
         basis["children_per_household"] + ("" if a.children_per_household == base.children_per_household else " (changed by user)")),
        ("Mainstream households now", f"{a.households_now:,.0f}",
         basis["households_now"] + ("" if a.households_now == round(base.households_now, 1) else " (changed by user)")),
        ("Net change in households a year", f"{a.net_change_per_year:+.1f}",
         basis["net_change_per_year"] + ("" if a.net_change_per_year == round(base.net_change_per_year, 1) else " (changed by user)")),
        ("Horizon", f"{a.years} years from 31 March {a.base_year}", "user set"),
    ]
    assumptions_table = pd.DataFrame(assumptions, columns=["assumption", "value", "basis"])
    forecast_table = frame.assign(council=store.name(code)).round(1)[
        ["council", "period_label", "kind", "children_in_foster", "inhouse_children", "households_needed",
         "households_expected", "gap"]].assign(
        source="DfE via LAIT (children, places filled); council returns (households); assumptions as listed")
    ui.chart_with_table(chart("forecast_chart", frame, store.name(code)), forecast_table, key="fostering_forecast",
                        file_name=f"fostering_forecast_{code}.csv")
    st.markdown("**Assumptions in use**")
    st.dataframe(assumptions_table, hide_index=True, width="stretch",
                 column_config={"basis": st.column_config.TextColumn("basis", width="large")})
    st.download_button("Download assumptions CSV", assumptions_table.to_csv(index=False).encode(),
                       f"fostering_forecast_assumptions_{code}.csv", "text/csv", key="dl_fostering_assumptions")
    history = fostering.children_in_foster(store, [code])
    children_table = pd.concat([
        history.dropna(subset=["children_in_foster"]).assign(figure="DfE: children in care x % in foster care / 100",
                                                             source="dfe-cla-number-and-rate / dfe-lait")[
            ["year", "cic_count", "pct_foster_placements", "children_in_foster", "figure", "source"]],
        frame[frame["kind"] == "projection"].assign(figure="projection", source="this forecast")[
            ["year", "children_in_foster", "figure", "source"]]], ignore_index=True).round(1)
    st.markdown("**Children in foster care: DfE's years and the projection**")
    ui.chart_with_table(chart("children_chart", history, frame), children_table,
                        key="fostering_children", file_name=f"children_in_foster_{code}.csv",
                        caption="An estimate: DfE publishes the share in foster care as a whole percentage, so "
                                "each year's count is good to about half a percent of children in care.")

    with st.expander("Every member council on its default assumptions"):
        group = group_forecast(store, version, tuple(members))
        st.dataframe(group.drop(columns="area_code"), hide_index=True, width="stretch")
        st.download_button("Download CSV", group.to_csv(index=False).encode(), "fostering_forecast_group.csv", "text/csv",
                           key="dl_fostering_forecast_group")
