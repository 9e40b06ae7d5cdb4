"""Children in care: rates and counts over time, rank and quartile among all councils, a funnel plot
against England, statistical neighbours with the count gap, and flows.

Layout only; the sections come from ``regional.views.children_in_care``.
"""
from __future__ import annotations

import streamlit as st

import ui
from regional import metrics
from regional.views import children_in_care as view

sel = ui.selection()
state = st.session_state
st.title("Children in care")

ui.linked({"cic_measure": list(metrics.CIC_MEASURES)})
measure = state.get("cic_measure", view.Choices.measure)
years = view.years(ui.get_store(), measure)
ui.linked({"cic_year": years})
if state.get("cic_year") not in years:
    state.pop("cic_year", None)
choices = view.Choices(
    measure=measure, year=state.get("cic_year"), zero_based=state.get("cic_zero", True),
    trend_show=state.get("cic_trend_show", view.RATE), panels=state.get("cic_trend_layout") == "A panel per council",
    funnel_log=state.get("cic_funnel_log", False), flow=state.get("cic_flow", view.Choices.flow),
    flow_show=state.get("cic_flow_show", view.RATE))
sections = ui.prepare(view.PAGE, sel, choices)
s = {key.split("_")[1]: section for key, section in sections.items()}

st.markdown(s["intro"].markdown)
controls = st.columns([3, 2, 2])
controls[0].radio("Children counted", list(metrics.CIC_MEASURES), format_func=metrics.CIC_MEASURES.get,
                  horizontal=True, key="cic_measure",
                  help="Excluding UASC is derived here: (children in care - unaccompanied asylum-seeking children) "
                       "/ children aged 0-17 x 10,000. A year where either count is suppressed or unpublished has no "
                       "figure.")
controls[1].selectbox("Year (31 March) for rank, funnel and neighbours", years, key="cic_year")
controls[2].toggle("Start the value axis at zero", value=True, key="cic_zero",
                   help="Off: fit the axis to the data, so small differences are easier to see.")
if s["intro"].extra["derived_note"]:
    st.info(s["intro"].extra["derived_note"])

ui.metrics(s["headline"])
if s["headline"].empty:
    st.info(s["headline"].empty)
st.caption(s["headline"].caption)

ui.heading(s["trend"])
trend_cols = st.columns(2)
trend_cols[0].radio("Show", [view.RATE, view.COUNT], horizontal=True, key="cic_trend_show")
trend_cols[1].radio("Layout", ["One chart", "A panel per council"], horizontal=True, key="cic_trend_layout",
                    help="Panels draw each council on its own with England and the region behind it.")
ui.show(s["trend"], title=False)

ui.show(s["rank"])

ui.heading(s["funnel"])
if not s["funnel"].empty:
    st.toggle("Logarithmic population axis", value=False, key="cic_funnel_log",
              help="Spreads out the many councils with 20,000-100,000 children.")
ui.show(s["funnel"], title=False)
if "limits" in s["funnel"].extra:
    with st.expander("The limit lines drawn (for checking)"):
        ui.table(s["funnel"].extra["limits"])

ui.show(s["sn"])
with st.expander(s["count"].title):
    ui.show(s["count"], title=False)

ui.heading(s["flows"])
flow_cols = st.columns(2)
flow_cols[0].radio("Flow", list(metrics.FLOW_INDICATORS), horizontal=True, key="cic_flow")
flow_cols[1].radio("Show", [view.RATE, view.COUNT], horizontal=True, key="cic_flow_show")
ui.show(s["flows"], title=False)

st.divider()
st.caption("Sources: DfE, Children looked after in England including adoptions (Explore Education Statistics), and "
           "DfE's Local Authority Interactive Tool, under the Open Government Licence v3.0; ONS mid-year population "
           "estimates as DfE uses them; councils' own published figures where marked.")
