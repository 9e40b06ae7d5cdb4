"""Sufficiency plan: demand by placement type to a horizon against local supply, the gap,
scenarios and costs, for a group or one council. Layout only: every figure comes from
``regional.sufficiency`` (the plan and its sections)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Sufficiency plan - Regional Care Benchmark", page_icon=":bar_chart:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import db  # noqa: E402
from regional.authorities import ENGLAND_CODE  # noqa: E402
from regional.charts import sufficiency as charts  # noqa: E402
from regional.errors import DataError  # noqa: E402
from regional.sufficiency import DEFAULT_HORIZON, TYPES, backtest, plan, scenarios, sections  # noqa: E402

store = ui.get_store()
sel = ui.sidebar(store)
version = db.data_version(store.engine)
BASELINE = "Baseline (no scenario)"


@st.cache_data(max_entries=4, show_spinner=False)
def national_backtest(_store, data_version: str) -> pd.DataFrame:
    return backtest.national(_store)


@st.cache_resource(max_entries=32, show_spinner="Preparing the plan...")
def build(_store, data_version: str, members: tuple[str, ...], label: str, horizon: int, rate: str, name: str,
          levers: str):
    scenario = scenarios.Scenario.from_json(name, "", levers) if name else None
    return plan.build_plan(_store, list(members), label=label, horizon=horizon, scenario=scenario,
                           backtest_results=national_backtest(_store, data_version), rate=rate)


members = [c for c in sel.members if c != ENGLAND_CODE]
council_name = store.name(sel.council)
st.title("Sufficiency plan")
st.markdown("How many children will need foster, residential and supported places in each year to the horizon, "
            "how many local places there are and will be, the gap, and what it costs.")

cols = st.columns([2, 1, 1, 2])
scope = cols[0].radio("Plan for", ["The group", "Council of interest"], horizontal=True, key="suff_scope",
                      help=f"The group: {sel.group_label}. Council of interest: {council_name}.")
horizon = cols[1].selectbox("Horizon (31 March)", list(range(2026, 2033)), index=DEFAULT_HORIZON - 2026,
                            key="suff_horizon")
rate = cols[2].radio("Rate per 10,000", ["trend", "held"], horizontal=True, key="suff_rate",
                     help="trend: the rate on its line through the last five years (the default); held: the latest "
                          "rate. The backtest at the foot of the page shows how each did for 2022-2025.")
saved = scenarios.saved(store.engine)
if "_suff_pick" in st.session_state:  # a scenario just saved: select it (before the widget is drawn)
    st.session_state["suff_scenario"] = st.session_state.pop("_suff_pick")
choices = {BASELINE: None, **{s.name: s for s in scenarios.EXAMPLES}, **saved}
picked = cols[3].selectbox("Scenario", list(choices), key="suff_scenario",
                           help="Examples and saved scenarios; create or edit one at the foot of the page.")
scenario = choices[picked]

codes, label = (members, sel.group_label) if scope == "The group" else ([sel.council], council_name)
base = build(store, version, tuple(codes), label, horizon, rate, "", "[]")
current = build(store, version, tuple(codes), label, horizon, rate, scenario.name, scenario.to_json()) \
    if scenario else base

headline = current.headline()
if current.synthetic_inputs:
    st.warning(headline)
else:
    st.info(headline)
for col, (name, value) in zip(st.columns(4), sections.headline_figures(current).items()):
    col.metric(name, value, help=f"The plan's figure for 31 March {horizon} (see the sections below).")

parts = {s.key: s for s in sections.prepare(current, base)}


def show(section: sections.Section, chart=None) -> None:
    st.header(section.title)
    if section.synthetic:
        st.caption("SYNTHETIC INPUT: the child-level extracts are generated examples, not real children.")
    if chart is not None:
        ui.chart_with_table(chart, section.table, key=f"suff_{section.key}", caption=section.caption)
    else:
        st.dataframe(section.table, hide_index=True, width="stretch")
        st.caption(section.caption)
    if section.source:
        st.caption(f"Source: {section.source}")


show(parts["demand"], charts.demand_chart(parts["demand"].chart, f"{label}: children needing each placement type"))
gap = parts["gap"]
show(gap, charts.gap_chart(gap.chart.assign(type_label=gap.chart["type"].map(TYPES)),
                           f"{label}: need against what local places can take"))
with st.expander("Where each supply figure comes from"):
    st.dataframe(sections.supply_basis(current), hide_index=True, width="stretch")
if len(codes) > 1:
    show(parts["councils"])
show(parts["transition"])
show(parts["inside"])
show(parts["costs"])
st.subheader(f"Cost a year at 31 March {horizon}")
st.dataframe(sections.cost_summary(current), hide_index=True, width="stretch")
if "scenario" in parts:
    show(parts["scenario"])
show(parts["backtest"])

st.download_button("Download the whole plan (CSV: every figure with its method)",
                   plan.file_table(current).to_csv(index=False).encode(), file_name="sufficiency_plan.csv",
                   mime="text/csv", key="suff_download")

# --- scenarios: create, edit, save --------------------------------------------------------
st.header("Create or edit a scenario")
st.caption("Levers: shift (pct% of from_type moved to to_type), households (per_year more in-house households a "
           "year), new_home (beds in a new children's home), demand (pct% more or fewer children in from_type); "
           "each from its year. Leave council blank for the whole group. Types: " + ", ".join(TYPES) + ".")
editing = saved.get(picked) or (scenario if scenario else None)
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
if submitted:
    try:
        checked = scenarios.check_name(name)
        about = scenarios.check_description(description)
        levers = scenarios.levers_from_frame(edited, lambda c: store.index.resolve(c, column="council"))
        db.save_scenario(store.engine, checked, about, scenarios.Scenario(checked, about, levers).to_json())
        st.session_state["_suff_pick"] = checked
        st.session_state["_suff_saved"] = f"Saved '{checked}' with {len(levers)} lever(s); it is the scenario shown above."
        st.rerun()
    except DataError as exc:
        ui.show_error(exc)
if "_suff_saved" in st.session_state:
    st.success(st.session_state.pop("_suff_saved"))
