"""Scorecard: a council's measures against England, its region, its statistical neighbours and the
Good+ councils, as councils' self-assessments lay them out; or every member of the group side by
side. CSV and XLSX downloads.

Layout only; the sections come from ``regional.views.scorecard``.
"""
from __future__ import annotations

import streamlit as st

import ui
from regional import groups
from regional.importers.ofsted_ilacs import AS_AT
from regional.views import scorecard as view

sel = ui.selection()
store = ui.get_store()
state = st.session_state
st.title("Scorecard")

offered = view.measure_options(store)
councils = store.councils()
names = dict(zip(councils["code"], councils["name"]))
listed = groups.selector_groups(store)
with st.container(border=True):
    c1, c2 = st.columns([2, 3])
    scope = c1.radio("Show", view.SCOPES, horizontal=True, key="sc_scope")
    c2.multiselect("Measures", list(offered), format_func=offered.get, key="sc_measures",
                   default=[m for m in view.scorecard.default_measures(store) if m in offered],
                   help="Default: the measures of BCP's self-assessment tables that the platform holds.")
    c3, c4, c5 = st.columns(3)
    codes = councils["code"].tolist()
    c3.selectbox("Council", codes, format_func=names.get, key="sc_council", disabled=scope != view.ONE,
                 index=codes.index(sel.council) if sel.council in codes else 0)
    c4.radio("Group figure", list(groups.STATISTICS), horizontal=True, key="sc_statistic",
             format_func={"mean": "Mean", "median": "Median", "pooled": "Pooled rate"}.get,
             help="Mean or median of the councils' figures, or the pooled rate (sum of counts / sum of populations) "
                  "where the counts are held; otherwise the mean, and the notes say so.")
    c5.date_input("Good+ councils as judged at", value=AS_AT, min_value=AS_AT.replace(year=2018, month=4, day=1),
                  max_value=AS_AT, key="sc_goodplus", format="DD/MM/YYYY",
                  help="Each council's latest ILACS judgement on or before this date (Ofsted's table as at 31 March "
                       "2025, or its inspection history for an earlier date).")
    st.multiselect("Also compare with", listed["id"].tolist(), format_func=dict(zip(listed["id"], listed["label"])).get,
                   key="sc_extra", help="More comparator columns: an RCC, a group defined on the Groups page, a region.")

if not state.get("sc_measures"):
    st.info("Choose at least one measure.")
    st.stop()
choices = view.Choices(scope=scope, council=state.get("sc_council"), measures=tuple(state["sc_measures"]),
                       statistic=state.get("sc_statistic", "mean"), good_plus_at=state.get("sc_goodplus"),
                       extra_groups=tuple(state.get("sc_extra", ())))
s = ui.prepare(view.PAGE, sel, choices)

st.markdown(s["scorecard_intro"].markdown)
for key, section in s.items():
    if key == "scorecard_intro":
        continue
    if key in ("scorecard_neighbours", "scorecard_good_plus") or key.startswith("scorecard_member_"):
        with st.expander(section.title):
            st.table(section.table.set_index(section.table.columns[0]))
            if section.caption or section.source:
                st.caption(" ".join(t for t in (section.caption, f"Source: {section.source}." if section.source
                                                else "") if t))
        continue
    ui.heading(section)
    if section.empty:
        st.info(section.empty)
        continue
    st.table(section.table.set_index("Measure"))
    st.caption(f"{section.caption} Source: {section.source}.")

files = s["scorecard_intro"].extra["downloads"]
d1, d2 = st.columns(2)
d1.download_button("Download CSV (every cell, with its period, statistic and source)", files["csv"],
                   file_name=f"{files['stem']}.csv", mime="text/csv", key="sc_csv")
d2.download_button("Download XLSX (one sheet per council, notes sheet)", files["xlsx"], file_name=f"{files['stem']}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="sc_xlsx",
                   disabled=not files["xlsx"])
