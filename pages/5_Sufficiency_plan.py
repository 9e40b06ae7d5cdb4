"""Sufficiency plan: demand by placement type to a horizon against local supply, the gap,
scenarios and costs, for the group or the council of interest.

Layout only; the sections come from ``regional.views.sufficiency``.
"""
from __future__ import annotations

import streamlit as st

import ui
from regional import db
from regional.errors import DataError
from regional.sufficiency import DEFAULT_HORIZON, TYPES, scenarios
from regional.views import sufficiency as view
from regional.exports import csv_bytes

store = ui.get_store()
sel = ui.selection()
state = st.session_state
BASELINE = "Baseline (no scenario)"

st.title("Sufficiency plan")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils. Council of interest: **{sel.council_name}**. "
            "How many children will need foster, residential and supported places in each year to the horizon, "
            "how many local places there are and will be, the gap, and what it costs.")

saved = scenarios.saved(store.engine)
if "_suff_pick" in state:  # a scenario just saved: select it (before the widget is drawn)
    state["suff_scenario"] = state.pop("_suff_pick")
choices_of = {BASELINE: None, **{s.name: s for s in scenarios.EXAMPLES}, **saved}
cols = st.columns([2, 1, 1, 2])
scope = cols[0].radio("Plan for", view.SCOPES, horizontal=True, key="suff_scope",
                      help=f"The group: {sel.group_label}. Council of interest: {sel.council_name}.")
horizon = cols[1].selectbox("Horizon (31 March)", list(range(2026, 2033)), index=DEFAULT_HORIZON - 2026,
                            key="suff_horizon")
rate = cols[2].radio("Rate per 10,000", ["trend", "held"], horizontal=True, key="suff_rate",
                     help="trend: the rate on its line through the last five years (the default); held: the latest "
                          "rate. The backtest at the foot of the page shows how each did for 2022-2025.")
picked = cols[3].selectbox("Scenario", list(choices_of), key="suff_scenario",
                           help="Examples and saved scenarios; create or edit one at the foot of the page.")
scenario = choices_of[picked]
choices = view.Choices(scope=scope, horizon=horizon, rate=rate, scenario=scenario.name if scenario else "",
                       levers=scenario.to_json() if scenario else "[]")
s = ui.prepare(view.PAGE, sel, choices)

head = s["suff_headline"]
(st.warning if head.synthetic else st.info)(head.markdown)
ui.metrics(head)
for key in ("suff_demand", "suff_gap", "suff_councils", "suff_transition", "suff_inside", "suff_costs",
            "suff_scenario", "suff_backtest"):
    if key not in s:
        continue
    ui.show(s[key])
    if key == "suff_gap":
        with st.expander("Where each supply figure comes from"):
            st.dataframe(s[key].extra["basis"], hide_index=True, width="stretch")
        with st.expander("Planned homes (councils' documents and returns)"):
            planned = s[key].extra["planned"]
            if len(planned):
                st.dataframe(planned, hide_index=True, width="stretch")
            st.caption("Homes a council plans to open or close, counted in local places from the 31 March on or after "
                       "their date. A council adds them, and an ONS population projection, on the Data page."
                       + ("" if len(planned) else " No member has returned planned homes."))
    if key == "suff_costs":
        st.subheader(f"Cost a year at 31 March {horizon}")
        st.dataframe(s[key].extra["summary"], hide_index=True, width="stretch")

st.download_button("Download the whole plan (CSV: every figure with its method)",
                   csv_bytes(head.extra["file"]), file_name="sufficiency_plan.csv",
                   mime="text/csv", key="suff_download")

# --- scenarios: create, edit, save --------------------------------------------------------
st.header("Create or edit a scenario")
st.caption("Levers: shift (pct% of from_type moved to to_type), households (per_year more in-house households a "
           "year), new_home (beds in a new children's home), demand (pct% more or fewer children in from_type); "
           "each from its year. Leave council blank for the whole group. Types: " + ", ".join(TYPES) + ".")
editing = saved.get(picked) or scenario
with st.form("suff_scenario_form"):
    name = st.text_input("Name", value=editing.name if editing else "", max_chars=scenarios.NAME_LIMIT)
    description = st.text_input("Description", value=editing.description if editing else "",
                                max_chars=scenarios.DESCRIPTION_LIMIT)
    edited = st.data_editor(
        scenarios.levers_frame(editing), num_rows="dynamic", key="suff_levers", width="stretch",
        column_config={"kind": st.column_config.SelectboxColumn("kind", options=list(scenarios.KINDS), required=True),
                       "from_type": st.column_config.SelectboxColumn("from_type", options=list(TYPES)),
                       "to_type": st.column_config.SelectboxColumn("to_type", options=list(TYPES)),
                       "council": st.column_config.TextColumn("council", help="name or ONS code; blank: whole group")})
    submitted = st.form_submit_button("Save scenario")
person = ui.actor()
if submitted and person is None:
    st.warning("Sign in (sidebar) to save a scenario: trying the examples and saved scenarios needs no sign-in.")
elif submitted:
    try:
        checked = scenarios.check_name(name)
        about = scenarios.check_description(description)
        levers = scenarios.levers_from_frame(edited, lambda c: store.index.resolve(c, column="council"))
        db.save_scenario(store.engine, checked, about, scenarios.Scenario(checked, about, levers).to_json(),
                         user=person.who)
        state["_suff_pick"] = checked
        state["_suff_saved"] = f"Saved '{checked}' with {len(levers)} lever(s); it is the scenario shown above."
        st.rerun()
    except DataError as exc:
        ui.show_error(exc)
if "_suff_saved" in state:
    st.success(state.pop("_suff_saved"))
