"""Action plans: every council's sufficiency RAG tracker side by side. Layout only; the sections
come from ``regional.views.action_plans``."""
from __future__ import annotations

import streamlit as st

import ui
from regional.views import action_plans as view

store = ui.get_store()
sel = ui.selection()
state = st.session_state
if state.get("ap_for") != sel.council:  # a new council of interest: show its plan, not the one picked before
    for key in ("ap_council", "ap_plan", "ap_version", "ap_before"):
        state.pop(key, None)
    state["ap_for"] = sel.council
s = ui.prepare(view.PAGE, sel, view.Choices(council=state.get("ap_council"), plan=state.get("ap_plan"),
                                            version=state.get("ap_version"), before=state.get("ap_before")))

st.title("Action plans")
st.markdown(s["ap_intro"].markdown)
ui.show(s["ap_group"])

pick = s["ap_pick"]
if pick.empty:
    st.info(pick.empty)
    st.stop()
chosen = pick.extra
for key, value in (("ap_council", chosen["council"]), ("ap_plan", chosen["plan"]), ("ap_version", chosen["version"]),
                   ("ap_before", chosen["before"])):
    if state.get(key) != value:  # a choice that no longer exists (another group, council or plan) falls back
        state[key] = value
st.selectbox("Plan of", chosen["councils"], format_func=store.name, key="ap_council",
             help="Councils of the group with an action plan held; the council of interest if it has one.")
if pick.markdown:
    st.caption(pick.markdown)
if len(chosen["plans"]) > 1:
    st.selectbox("Plan", chosen["plans"], key="ap_plan")
st.selectbox("Version", list(chosen["versions"]), format_func=chosen["versions"].get, key="ap_version")

ui.show(s["ap_priority"])
ui.show(s["ap_measures"])
with st.expander(s["ap_rows"].title):
    ui.show(s["ap_rows"], title=False)
with st.expander(s["ap_totals"].title):
    ui.show(s["ap_totals"], title=False)

changes = s["ap_changes"]
ui.heading(changes)
if chosen["before"] is not None:
    earlier = [v for v in chosen["versions"] if v != chosen["version"]]
    st.selectbox("Compared with", earlier, format_func=chosen["versions"].get, key="ap_before")
    ui.dataframe(changes.extra["summary"], hide_index=True)
ui.show(changes, title=False)
