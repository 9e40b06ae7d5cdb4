"""Action plans: every council's sufficiency RAG tracker side by side.

Layout only: every section comes from ``regional.action_plan_view``.
"""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Action plans", page_icon=":clipboard:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import action_plan_view as view  # noqa: E402
from regional import action_plans as ap  # noqa: E402
from regional.importers.action_plan import TEMPLATE  # noqa: E402


def show(section: view.Section, key: str) -> None:
    """A section: its chart with the table beside it (or the table alone), its caption and source."""
    st.subheader(section.title)
    if section.chart is not None:
        ui.chart_with_table(section.chart, section.table, key=key)
    else:
        ui.dataframe(section.table, hide_index=True, width="stretch")
    st.caption(f"{section.caption} Versions: {section.period or 'none'}. Source: {section.source or 'none'}.")


store = ui.get_store()
sel = ui.sidebar(store)
council_name = store.name(sel.council)

st.title("Action plans")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils. Council of interest: **{council_name}**. "
            "How far has each council got with its sufficiency action plan, and what changed since the last version?")

show(view.group_status(store, sel.members, highlight=sel.council), "ap_group")

choices = view.plan_choices(store, sel.members)
if choices.empty:
    st.info("No council in this group has an action plan loaded. A council adds one as a return "
            f"(template: `{TEMPLATE.relative_to(TEMPLATE.parents[2])}`).")
    st.stop()
held = list(dict.fromkeys(choices["area_code"]))
chosen = st.selectbox("Plan of", held, index=held.index(sel.council) if sel.council in held else 0,
                      format_func=store.name, key="ap_council",
                      help="Councils of the group with an action plan held; the council of interest first if it has one.")
if chosen != sel.council:
    st.caption(f"{council_name} has no action plan held; showing {store.name(chosen)}'s.")
mine = choices[choices["area_code"] == chosen]
plans = list(dict.fromkeys(mine["plan"]))
plan = plans[0] if len(plans) == 1 else st.selectbox("Plan", plans, key="ap_plan")
versions = mine[mine["plan"] == plan]
labels = dict(zip(versions["version"], versions.apply(ap.version_label, axis=1)))
version = st.selectbox("Version", list(labels), index=len(labels) - 1, format_func=labels.get, key="ap_version")

show(view.priority_status(store, chosen, plan, version), "ap_priority")
show(view.measures_beside_actions(store, chosen, plan, version), "ap_measures")

rows = ap.of_version(ap.plan_lines(store), chosen, plan, version)
with st.expander(f"Every action and measure of {labels[version]} ({len(rows)} rows)"):
    table = ap.actions_table(rows)
    ui.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", table.to_csv(index=False).encode(), "action_plan.csv", "text/csv", key="dl_ap_rows")

totals = view.stated_totals(store, chosen)
if not totals.empty:
    with st.expander("The documents' own totals beside the rows counted here"):
        st.caption("Where a document prints its own count by status, it is set against the rows held. BCP's "
                   "version 1 prints 51 RAG ratings, but its ratings are colours that the published text does not "
                   "carry: only the 3 completed and 3 not-yet-started actions can be read from the text, so the "
                   "other 45 are 'Not rated' here and the document's totals are shown as it prints them.")
        ui.dataframe(totals, hide_index=True, width="stretch")

st.subheader("What changed between two versions")
if len(versions) < 2:
    st.info(f"{store.name(chosen)} has one version of this plan held; a second upload makes a comparison.")
else:
    names = list(labels)
    col1, col2 = st.columns(2)
    before = col1.selectbox("Earlier version", names, index=len(names) - 2, format_func=labels.get, key="ap_before")
    after = col2.selectbox("Later version", names, index=len(names) - 1, format_func=labels.get, key="ap_after")
    if before == after:
        st.warning("Choose two different versions.")
    else:
        changes = view.version_changes(store, chosen, plan, before, after)
        summary = changes.frame.pivot_table(index="change", columns="item", values="count", aggfunc="sum",
                                            observed=False).reset_index()
        ui.dataframe(summary, hide_index=True)
        ui.dataframe(changes.table, hide_index=True, width="stretch")
        st.download_button("Download CSV", changes.table.to_csv(index=False).encode(), "action_plan_changes.csv",
                           "text/csv", key="dl_ap_changes")
        st.caption(f"{changes.caption} Source: {changes.source}.")
