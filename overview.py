"""Overview: the group at a glance. Layout only; the sections come from ``regional.views.overview``."""
from __future__ import annotations

import streamlit as st

import ui
from regional.views import overview as view

store = ui.get_store()
sel = ui.selection()
st.title("Regional Care Benchmark: Overview")

labels = view.measures(store)
ui.linked({"overview_measure": list(labels)})
measure = st.session_state.get("overview_measure", view.Choices.measure)
zero = st.session_state.get("overview_zero", True)
s = ui.prepare(view.PAGE, sel, view.Choices(measure=measure if measure in labels else view.Choices.measure,
                                            zero_based=zero))

st.markdown(s["overview_intro"].markdown)
ui.heading(s["overview_headline"])
ui.metrics(s["overview_headline"])

side = s["overview_side_by_side"]
ui.heading(side)
st.caption(side.caption)
ui.table(side.table,
         column_config={c: st.column_config.TextColumn(c, help=h) for c, h in side.extra["help"].items()})
with st.expander("Detailed table: change, England, region, source"):
    ui.table(side.extra["detail"])
    st.download_button("Download CSV", side.extra["detail"].to_csv(index=False).encode(), side.csv_name,
                       "text/csv", key="dl_overview_detail")

ui.heading(s["overview_measure"])
st.selectbox("Measure", list(labels), format_func=labels.get, key="overview_measure")
st.toggle("Start the axis at zero", value=True, key="overview_zero")
ui.show(s["overview_measure"], title=False)

returns = s["overview_returns"]
ui.heading(returns)
st.caption(returns.caption)
if returns.empty:
    st.info(returns.empty)
else:
    by_council = returns.extra["by_council"]
    st.markdown(f"Councils with returns: {', '.join(by_council)}.")
    for name, rows in by_council.items():
        with st.expander(f"{name}: {len(rows)} figures", expanded=name == sel.council_name):
            ui.table(rows)
    st.download_button("Download CSV", returns.table.to_csv(index=False).encode(), returns.csv_name, "text/csv",
                       key="dl_overview_returns")

ui.show(s["overview_freshness"])
