"""Residential and supported accommodation: do we have enough local beds, and who fills them?

Layout only; the sections come from ``regional.views.residential``.
"""
from __future__ import annotations

import streamlit as st

import ui
import uploads
from regional import residential
from regional.importers import ofsted
from regional.views import residential as view

store = ui.get_store()
sel = ui.selection()
state = st.session_state
ui.linked({"res_measure": list(view.MEASURES), "res_scope": list(view.SCOPES)})
choices = view.Choices(
    settings=tuple(state.get("res_settings") or residential.DEFAULT_SETTINGS),
    measure=state.get("res_measure", view.Choices.measure), scope=state.get("res_scope", view.Choices.scope),
    map_extent=state.get("res_map_extent", view.Choices.map_extent), count_by=state.get("res_count_by", "Places"),
    trend_whole_group=str(state.get("res_trend_area", "")).startswith("Whole group"),
    trend_measure=state.get("res_trend_measure", "Homes"))
s = ui.prepare(view.PAGE, sel, choices)

st.title("Residential and supported accommodation")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils. Council of interest: **{sel.council_name}**. "
            "Do we have enough local beds, and who fills them?")
st.caption("Sources: Ofsted's register of every children's home and residential family centre at 31 March 2023 "
           "(inspected or not; grades from its latest full inspection) and its joiners and leavers 2016-17 to "
           "2022-23; DfE children in care and placement types (LAIT); DfE child population 0-17; the councils' own "
           "published figures. Each table names the source and date of every figure.")
with st.form("res_settings_form", border=False):
    st.multiselect("Settings counted as local places", ofsted.SETTINGS, default=residential.DEFAULT_SETTINGS,
                   key="res_settings",
                   help="The default matches DfE's 'secure units and children's homes' placement type. Ofsted's own "
                        "'all children's homes' adds short-break-only homes and residential special schools "
                        "registered as children's homes; residential family centres are parent-and-child assessment "
                        "places.")
    st.form_submit_button("Apply settings")
if not state.get("res_settings", True):
    st.warning("Choose at least one setting to count; showing the default (children's homes and secure children's "
               "homes).")

ui.heading(s["res_headline"])
ui.metrics(s["res_headline"])

ui.heading(s["res_supply"])
left, right = st.columns([2, 1])
left.radio("Measure", list(view.MEASURES), horizontal=True, key="res_measure")
right.radio("Councils", view.SCOPES, horizontal=True, key="res_scope")
ui.show(s["res_supply"], title=False)

ui.heading(s["res_map"])
st.radio("Show", ["The group", "England"], horizontal=True, key="res_map_extent")
ui.show(s["res_map"], title=False)
with st.expander("Colour key (places per 10,000 children)"):
    ui.table(s["res_map"].extra["legend"])

ui.heading(s["res_sector"])
st.caption(s["res_sector"].markdown)
st.radio("Count", ["Places", "Homes"], horizontal=True, key="res_count_by")
ui.show(s["res_sector"], title=False)
ui.show(s["res_grade"])

ui.heading(s["res_trend"])
left, right = st.columns(2)
left.radio("Area", [sel.council_name, f"Whole group ({len(sel.members)} councils)"], horizontal=True,
           key="res_trend_area")
right.radio("Count", ["Homes", "Places"], horizontal=True, key="res_trend_measure")
ui.show(s["res_trend"], title=False)

ui.show(s["res_demand"])
for finding in s["res_demand"].extra["findings"]:
    st.markdown(f"- {finding}")

ui.show(s["res_market"])
if s["res_growth"].table is not None:
    ui.show(s["res_growth"])
uploads.local_provision_return(store)

st.caption("Ofsted data: Children's social care data in England 2023 and joiners/leavers files, Ofsted, Open "
           "Government Licence v3.0. DfE: Children looked after in England including adoptions and LAIT, Open "
           "Government Licence v3.0. Councils' figures: their own published documents, named on each row.")
