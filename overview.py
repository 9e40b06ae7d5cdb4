"""Overview: the RCC at a glance. Layout only; every figure comes from ``regional``."""
from __future__ import annotations

import streamlit as st

import ui
from regional import charts, metrics
from regional.authorities import ENGLAND_CODE
from regional.indicators import format_value

store = ui.get_store()
sel = ui.sidebar(store)
council_name = store.name(sel.council)
region_name = store.name(sel.region_code) if sel.region_code else "Region"

st.title("Regional Care Benchmark: Overview")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils, compared with {region_name} and England. "
            f"Council of interest: **{council_name}**.")
ui.meeting_pack_button(store, sel)

table = metrics.headline_table(store, sel.members, region_code=sel.region_code)

st.subheader(f"{council_name} at a glance")
mine = table[table["area_code"] == sel.council].set_index("indicator_id")
cols = st.columns(4)
for col, indicator_id in zip(cols, metrics.HEADLINE_INDICATORS[:4]):
    if indicator_id not in mine.index:
        col.metric(store.indicator(indicator_id)["label"], "not held")
        continue
    row = mine.loc[indicator_id]
    delta = None if row["change"] != row["change"] else f"{row['change']:+,.0f} on the year before"
    col.metric(f"{row['indicator']} ({row['period_label']})", format_value(row["value"], row["unit"], row["status"]),
               delta=delta, delta_color="off",
               help=f"England: {format_value(row['england'], row['unit'])}; {region_name}: "
                    f"{format_value(row['region'], row['unit'])}. {row['vs_england']}. Source: {row['source_title']}")

st.subheader("Every member side by side")
st.caption("Latest DfE published figure for each measure, with its year (year ending 31 March). "
           f"{region_name} and England first. Hover over a column for its definition; the detailed table "
           "below has change on the year before, the comparison with England and each figure's source.")
wide = metrics.headline_wide(table)
definitions = store.indicators.set_index("label")["description"]
ui.dataframe(wide, hide_index=True, width="stretch",
             column_config={c: st.column_config.TextColumn(c, help=definitions.get(c, "")) for c in wide.columns[1:]})

with st.expander("Detailed table: change, England, region, source"):
    detail = table.assign(period=table["period"].dt.strftime("%Y-%m-%d"))
    st.dataframe(detail, hide_index=True, width="stretch")
    st.download_button("Download CSV", detail.to_csv(index=False).encode(), "overview_headlines.csv", "text/csv",
                       key="dl_overview_detail")

st.subheader("Compare one measure")
labels = dict(zip(store.indicators["id"], store.indicators["label"]))
measure = st.selectbox("Measure", metrics.HEADLINE_INDICATORS, format_func=labels.get, key="overview_measure")
zero = st.toggle("Start the axis at zero", value=True, key="overview_zero")
one = table[(table["indicator_id"] == measure)]
councils_only = one[one["area_code"].isin(sel.members) & (one["area_code"] != ENGLAND_CODE)
                    & (one["area_code"] != sel.region_code)]
bench = one.set_index("area_code")["value"]
chart = charts.ranked_bars(councils_only, value_label=labels[measure], highlight=sel.council,
                           england=bench.get(ENGLAND_CODE), region=bench.get(sel.region_code) if sel.region_code else None,
                           region_name=region_name, zero_based=zero)
shown = councils_only[["area_name", "value", "status", "period_label", "change", "england", "region",
                       "vs_england", "source_id"]].rename(columns={"area_name": "council", "period_label": "period"})
not_shown = councils_only[councils_only["value"].isna()]
ui.chart_with_table(chart, shown, key=f"overview_{measure}",
                    caption=("Not drawn (no published figure): " + ", ".join(
                        f"{n} ({s})" for n, s in zip(not_shown["area_name"], not_shown["status"]))) if len(not_shown) else None)

st.subheader("Latest figures from the councils' own returns")
st.caption("What councils publish between DfE releases: more recent, not yet validated by DfE, and not always "
           "defined exactly as DfE defines them. Each figure names the document it comes from.")
returns = metrics.council_return_latest(store, sel.members)
if returns.empty:
    st.info("No member of this group has submitted a return yet. A council loads one with "
            "`python -m regional load-return FILE` (template: data/templates/council_return.md).")
else:
    reporting = list(dict.fromkeys(returns["council"]))
    st.markdown(f"Councils with returns: {', '.join(reporting)}.")
    for name in reporting:
        with st.expander(f"{name}: {(returns['council'] == name).sum()} figures", expanded=name == council_name):
            st.dataframe(returns[returns["council"] == name].drop(columns="council"), hide_index=True, width="stretch")
    st.download_button("Download CSV", returns.to_csv(index=False).encode(), "council_returns_latest.csv", "text/csv",
                       key="dl_overview_returns")

st.subheader("Data freshness")
st.dataframe(metrics.freshness(store, sel.members), hide_index=True, width="stretch")
