"""Fostering: households and places, utilisation, the recruitment pipeline, net change and a
forecast of households needed. Layout only; the sections come from ``regional.views.fostering``."""
from __future__ import annotations

import streamlit as st

import ui
import uploads
from regional.views import fostering as view

store = ui.get_store()
sel = ui.selection()
state = st.session_state
ui.linked({"fostering_kind": list(view.KINDS), "fostering_window": list(view.WINDOWS)})
code = state.get("fostering_forecast_council")
k = f"fostering_fc_{code}"
rate_set = state.get(f"{k}_how", "").startswith("a rate")
choices = view.Choices(
    year=state.get("fostering_year"), kind=state.get("fostering_kind", "Mainstream"),
    window=state.get("fostering_window", view.WINDOWS[0]), forecast_council=code,
    rate_pct=state.get(f"{k}_rate", 0.0) if rate_set else None, inhouse_share_pct=state.get(f"{k}_share"),
    children_per_household=state.get(f"{k}_cph"), households_now=state.get(f"{k}_hh"),
    net_change_per_year=state.get(f"{k}_net"), years=state.get(f"{k}_years", 3))
s = ui.prepare(view.PAGE, sel, choices)

st.title("Fostering: households, places, recruitment and forecast")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils, with {sel.region_name} and England where "
            f"published. Council of interest: **{sel.council_name}**. Where are foster homes gained and lost, how "
            "full are they, and how many will be needed?")
ui.show(s["fostering_households"])
ui.show(s["fostering_inhouse_ifa"])

util = s["fostering_utilisation"]
ui.heading(util)
st.select_slider("Year ending 31 March", util.extra["years"], value=util.extra["year"], key="fostering_year")
st.markdown(util.markdown)
ui.metrics(util, columns=3)
for key in ("fostering_util_all", "fostering_places", "fostering_util_trend"):
    ui.show(s[key])
with st.expander("Change in utilisation, first to latest year (percentage points)"):
    ui.table(s["fostering_util_trend"].extra["change"])

pipeline = s["fostering_pipeline"]
ui.heading(pipeline)
if pipeline.synthetic:
    st.warning(pipeline.markdown, icon=":material/science:")
uploads.pipeline_return(store)
if s["fostering_returned_flows"].table is not None:
    ui.show(s["fostering_returned_flows"])
if pipeline.empty:
    st.info(pipeline.empty)
else:
    c1, c2 = st.columns(2)
    c1.radio("Households", list(view.KINDS), horizontal=True, key="fostering_kind")
    c2.radio("Periods", view.WINDOWS, horizontal=True, key="fostering_window")
    funnel = s["fostering_funnel"]
    ui.show(funnel)
    if "conversion_wide" in funnel.extra:
        st.markdown("**Stage-to-stage conversion (%)**" + (" (SYNTHETIC example data)" if pipeline.synthetic else ""))
        ui.table(funnel.extra["conversion_wide"])
        st.download_button("Download CSV", funnel.extra["conversion"].to_csv(index=False).encode(),
                           "fostering_conversion.csv", "text/csv", key="dl_fostering_conversion")
    if s.get("fostering_flags") is not None and s["fostering_flags"].markdown:
        st.warning(s["fostering_flags"].markdown)
        with st.expander("Flagged periods"):
            ui.table(s["fostering_flags"].table)
    for key in ("fostering_net", "fostering_reasons"):
        if key in s:
            ui.show(s[key])

forecast = s["fostering_forecast"]
ui.heading(forecast)
st.caption(forecast.caption)
options = forecast.extra["options"]
code = st.selectbox("Council", options, index=options.index(forecast.extra["code"]), format_func=store.name,
                    key="fostering_forecast_council")
if forecast.empty:
    st.info(forecast.empty)
else:
    k, d, b = f"fostering_fc_{code}", forecast.extra["defaults"], forecast.extra["bounds"]
    with st.form(f"{k}_form", border=True):
        c1, c2, c3 = st.columns(3)
        c1.radio("Children in foster care change by",
                 [f"the trend of recent years ({forecast.extra['trend_per_year']:+.1f} a year)", "a rate I set"],
                 key=f"{k}_how")
        c1.slider("Rate of change (% a year) when you set one", -10.0, 10.0, 0.0, 0.5, key=f"{k}_rate")
        c2.slider("Share of fostered children with own mainstream carers (%)", *b["inhouse_share_pct"],
                  d["inhouse_share_pct"], 0.5, key=f"{k}_share")
        c2.slider("Children per household", *b["children_per_household"], d["children_per_household"], 0.01,
                  key=f"{k}_cph")
        c3.number_input("Mainstream households now", *b["households_now"], d["households_now"], 1.0, key=f"{k}_hh")
        c3.slider("Net change in households a year (approvals - de-registrations)", *b["net_change_per_year"],
                  d["net_change_per_year"], 0.5, key=f"{k}_net", format="%+.1f")
        c3.slider("Years ahead", 1, 5, 3, key=f"{k}_years")
        st.form_submit_button("Apply these assumptions")
    st.info(forecast.markdown, icon=":material/target:")
    if forecast.extra["published"]:
        st.caption(forecast.extra["published"])
    ui.show(forecast, title=False)
    st.markdown("**Assumptions in use**")
    assumptions = forecast.extra["assumptions"]
    ui.table(assumptions,
             column_config={"basis": st.column_config.TextColumn("basis", width="large")})
    st.download_button("Download assumptions CSV", assumptions.to_csv(index=False).encode(),
                       f"fostering_forecast_assumptions_{code}.csv", "text/csv", key="dl_fostering_assumptions")
    ui.show(s["fostering_children"])
    with st.expander(s["fostering_forecast_group"].title):
        ui.show(s["fostering_forecast_group"], title=False)
