"""Children in care: rates and counts over time, rank and quartile among all councils,
a funnel plot against England, statistical neighbours with the count gap, and flows.

Layout only; every figure comes from ``regional.metrics``.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Children in care - Regional Care Benchmark", page_icon=":bar_chart:", layout="wide")

import council_blocks  # noqa: E402
import ui  # noqa: E402  (set_page_config must run first)
from regional import db, metrics  # noqa: E402
from regional.authorities import ENGLAND_CODE  # noqa: E402
from regional.charts import cic as charts  # noqa: E402
from regional.errors import DataError  # noqa: E402
from regional.indicators import format_value  # noqa: E402

store = ui.get_store()
sel = ui.sidebar(store)
version = db.data_version(store.engine) if store.engine is not None else "none"


@st.cache_data(show_spinner=False, max_entries=8)
def cic_figures(version: str, measure: str) -> pd.DataFrame:
    """Every area's figures, cached per loaded data version (the Store is rebuilt when it changes)."""
    return metrics.cic_figures(store, None, measure)


@st.cache_data(show_spinner=False, max_entries=4)
def flow_figures(version: str, codes: tuple[str, ...]) -> pd.DataFrame:
    return metrics.flow_figures(store, list(codes))


def cic_figures_for(measure: str) -> pd.DataFrame:
    return cic_figures(version, measure)


council = sel.council
council_name = store.name(council)
region_name = store.name(sel.region_code) if sel.region_code else "Region"
councils_today = store.councils()["code"].tolist()

st.title("Children in care")
st.markdown(f"**{sel.group_label}**: {len(sel.members)} councils. Council of interest: **{council_name}**. "
            f"Figures are DfE's children looked after at 31 March (LAIT for the years before DfE's current file), "
            f"with {region_name} and England for comparison.")

controls = st.columns([3, 2, 2])
measure = controls[0].radio("Children counted", list(metrics.CIC_MEASURES), format_func=metrics.CIC_MEASURES.get,
                            horizontal=True, key="cic_measure",
                            help="Excluding UASC is derived here: (children in care - unaccompanied asylum-seeking "
                                 "children) / children aged 0-17 x 10,000. A year where either count is suppressed "
                                 "or unpublished has no figure.")
figures = cic_figures_for(measure)
years = sorted(figures.loc[figures["status"] == "ok", "year"].unique().tolist(), reverse=True)
year = controls[1].selectbox("Year (31 March) for rank, funnel and neighbours", years, key="cic_year")
zero = controls[2].toggle("Start the value axis at zero", value=True, key="cic_zero",
                          help="Off: fit the axis to the data, so small differences are easier to see.")

derived = measure == "excl_uasc"
value_format = ",.1f" if derived else ",.0f"
rate_label = "Children in care per 10,000 children aged 0-17" + (" (excluding UASC, derived)" if derived else "")
source_note = (metrics.EXCL_UASC_SOURCE if derived else
               "DfE, Children looked after in England including adoptions (rates as published, whole numbers); "
               "LAIT for 2016-2020.")
if derived:
    st.info("Excluding UASC is **derived** here, not published by DfE: children in care at 31 March minus "
            "unaccompanied asylum-seeking children (LAIT), per 10,000 children aged 0-17. Councils and years where "
            "either count is suppressed or unpublished are shown as gaps.")


def fmt(value: float | None, unit: str = "rate_per_10k") -> str:
    if value is None or pd.isna(value):
        return "no figure"
    return f"{value:{value_format}}" if unit == "rate_per_10k" else f"{value:,.0f}"


# --- headline ------------------------------------------------------------------------
ranked = metrics.rank_councils(figures, councils_today, year)
thresholds = ranked.attrs["quartile_thresholds"]
mine = ranked[ranked["area_code"] == council]
mine = mine.iloc[0] if len(mine) else None
bench = figures[figures["year"] == year].set_index("area_code")
england_rate = bench["rate"].get(ENGLAND_CODE)
region_rate = bench["rate"].get(sel.region_code) if sel.region_code else None
cols = st.columns(4)
if mine is not None and pd.notna(mine["rate"]):
    cols[0].metric(f"{council_name}, 31 March {year}", f"{fmt(mine['rate'])} per 10,000",
                   help=f"{fmt(mine['count'], 'count')} children; {source_note}")
    cols[1].metric("Children in care" + (" excluding UASC" if derived else ""), fmt(mine["count"], "count"))
    cols[2].metric("Rank (1st = highest rate)", mine["rank_label"].replace(" highest", ""),
                   help=f"{mine['rank_label']} councils with a figure; ties share a place and are marked '='.")
    cols[3].metric("Quartile band", mine["quartile_label"])
else:
    status = mine["status"] if mine is not None else "missing"
    cols[0].metric(f"{council_name}, 31 March {year}", format_value(None, "rate_per_10k", status))
    cols[1].info(f"{council_name} has no {metrics.CIC_MEASURES[measure].lower()} figure for 31 March {year} "
                 f"({format_value(None, 'rate_per_10k', status)}), so it is not ranked.")
st.caption(f"England {fmt(england_rate)}, {region_name} {fmt(region_rate)} per 10,000 at 31 March {year}.")

# --- 1. trend --------------------------------------------------------------------------
st.header("Trend")
trend_cols = st.columns(2)
show = trend_cols[0].radio("Show", ["Rate per 10,000", "Number of children"], horizontal=True, key="cic_trend_show")
layout = trend_cols[1].radio("Layout", ["One chart", "A panel per council"], horizontal=True, key="cic_trend_layout",
                             help="Panels draw each council on its own with England and the region behind it.")
as_rate = show == "Rate per 10,000"
codes = list(dict.fromkeys(sel.members + ([council] if council not in sel.members else [])))
area_codes = codes + ([ENGLAND_CODE] + ([sel.region_code] if sel.region_code else []) if as_rate else [])
trend = figures[figures["area_code"].isin(area_codes)].copy()
trend["role"] = ["Council of interest" if c == council else "England" if c == ENGLAND_CODE
                 else "Region" if c == sel.region_code else "Member" for c in trend["area_code"]]
trend["value"] = trend["rate"] if as_rate else trend["count"]
returns = metrics.cic_council_points(store, codes, measure)
returns["value"] = returns["rate"] if as_rate else returns["count"]
returns = returns.dropna(subset=["value"])
returns["label"] = [f"{charts.short_name(n)} own {pd.Timestamp(p):%b %Y}: {v:{value_format if as_rate else ',.0f'}}"
                    + (" (derived)" if d and as_rate else "")
                    for n, p, v, d in zip(returns["area_name"], returns["period"], returns["value"], returns["rate_derived"])]
value_label = rate_label if as_rate else "Children in care at 31 March" + (" excluding UASC" if derived else "")
chart = charts.trend_chart(trend, returns, value_label=value_label, zero_based=zero, region_name=region_name,
                           value_format=value_format if as_rate else ",.0f", panels=layout != "One chart")
table = pd.DataFrame({
    "area": trend["area_name"], "role": trend["role"].replace({"Region": region_name}),
    "period": trend["period_label"], "value": trend["value"].round(2), "measure": value_label,
    "status": trend["status"], "source": trend["source"], "note": trend["note"]})
own_rows = pd.DataFrame({
    "area": returns["area_name"], "role": "Council's own return", "period": returns["period_label"],
    "value": returns["value"].round(2), "measure": value_label,
    "status": ["derived from the council's count and DfE's 31 March " + str(y) + " child population" if d and as_rate
               else "as reported" for d, y in zip(returns["rate_derived"], returns["population_year"])],
    "source": "Council return: " + returns["document"], "note": returns["note"]})
shown_table = pd.concat([table.sort_values(["role", "area", "period"]), own_rows], ignore_index=True)
gaps = trend[trend["value"].isna()]
gap_text = ("Gaps (no figure, never drawn as zero): " + "; ".join(
    f"{name} {', '.join(f'{y} ({s})' for y, s in zip(part['year'], part['status']))}"
    for name, part in gaps.sort_values("year").groupby("area_name")) + ".") if len(gaps) else ""
ui.chart_with_table(
    chart, shown_table, key=f"cic_trend_{measure}_{'rate' if as_rate else 'count'}",
    file_name=f"children_in_care_trend_{measure}.csv",
    caption=("Lines: DfE's figures at 31 March. Crosses: the councils' own figures for the same measure, labelled with "
             "their own date (not validated by DfE; see the table for each document). A figure whose document gives "
             "no period is not drawn: it is in the councils' own figures below. "
             + ("" if as_rate else "England and region are not drawn on the count view (their counts are on another "
                                   "scale). ") + gap_text))

# --- 2. rank and quartile -----------------------------------------------------------------
st.header(f"Rank and quartile among all councils, 31 March {year}")
ranked_count = int(ranked["rate"].notna().sum())
if mine is not None and pd.notna(mine["rate"]):
    st.markdown(f"**{council_name}** has the **{mine['rank_label']}** rate ({fmt(mine['rate'])} per 10,000): "
                f"**{mine['quartile_label']}**.")
tied = ranked[ranked["tied"] & ranked["area_code"].isin(codes)]
st.caption(
    f"Rank: 1st = highest rate, among the {ranked_count} councils in use today with a figure "
    f"({len(councils_today) - ranked_count} without: "
    + (", ".join(ranked.loc[ranked["rate"].isna(), "area_name"].fillna("")) or "none")
    + "). Ties share the higher place and are marked '=' (LAIT's method; "
    + ("DfE publishes whole-number rates, so ties are common" if not derived else "derived rates are unrounded")
    + "). Quartiles as LAIT: R's default quantile (type 7, linear interpolation) of all councils' rates; a rate on a "
      "boundary belongs to the lower band. "
    + f"Boundaries: {', '.join(fmt(t) for t in thresholds)} (minimum, lower quartile, median, upper quartile, maximum).")
chart = charts.rank_chart(ranked, thresholds, council=council, members=codes, value_label=rate_label,
                          england=england_rate, zero_based=zero, value_format=value_format)
rank_table = pd.DataFrame({
    "rank": ranked["rank_label"], "council": ranked["area_name"], "in group": ranked["area_code"].isin(codes),
    "rate_per_10k": ranked["rate"].round(2), "children_in_care": ranked["count"], "quartile": ranked["quartile_label"],
    "period": f"31 March {year}", "status": ranked["status"], "source": ranked["source"].fillna(""),
    "note": ranked["note"].fillna("")})
ui.chart_with_table(chart, rank_table, key=f"cic_rank_{measure}_{year}", file_name=f"children_in_care_rank_{measure}_{year}.csv")

# --- 3. funnel plot ------------------------------------------------------------------------
st.header(f"Funnel plot: is the difference from England more than chance? 31 March {year}")
try:
    points, limits, centre = metrics.funnel_data(figures, councils_today, year)
except DataError as exc:
    ui.show_error(exc)
    points = None
if points is not None:
    me = points[points["area_code"] == council]
    outside = points["funnel_position"].str.startswith(("above the 99.8", "below the 99.8")).sum()
    if len(me):
        st.markdown(f"**{council_name}**: {me['exact_rate'].iloc[0]:,.1f} per 10,000 "
                    f"({me['count'].iloc[0]:,.0f} of {me['population'].iloc[0]:,.0f} children), "
                    f"**{me['funnel_position'].iloc[0]}** around England's {centre:,.1f}.")
    st.caption(
        "Each dot is a council: its rate (count / child population x 10,000, unrounded) against its child population. "
        f"Centre line: England's rate ({centre:,.2f}). Limits: exact Poisson control limits (not the normal "
        "approximation), made smooth by Spiegelhalter's (2005) interpolation; 95% of councils would fall inside the "
        "95% limits and 99.8% inside the 99.8% limits if every council's true rate were England's. "
        f"{outside} of {len(points)} councils are outside the 99.8% limits: councils differ far more than chance "
        "alone would make them, so a position outside the limits says 'a real difference', not 'an error'.")
    log_x = st.toggle("Logarithmic population axis", value=False, key="cic_funnel_log",
                      help="Spreads out the many councils with 20,000-100,000 children.")
    chart = charts.funnel_chart(points, limits, council=council, members=codes, value_label=rate_label,
                                zero_based=zero, log_population=log_x)
    funnel_table = pd.DataFrame({
        "council": points["area_name"], "in group": points["area_code"].isin(codes),
        "children_in_care": points["count"], "children_0_17": points["population"],
        "rate_per_10k": points["exact_rate"].round(2), "published_rate": points["rate"].round(2),
        "lower_99_8": points["lower_99_8"].round(2), "lower_95": points["lower_95"].round(2),
        "england_rate": points["england_rate"].round(2), "upper_95": points["upper_95"].round(2),
        "upper_99_8": points["upper_99_8"].round(2), "position": points["funnel_position"],
        "period": f"31 March {year}", "source": points["source"]})
    ui.chart_with_table(chart, funnel_table.sort_values("rate_per_10k", ascending=False),
                        key=f"cic_funnel_{measure}_{year}", file_name=f"children_in_care_funnel_{measure}_{year}.csv")
    with st.expander("The limit lines drawn (for checking)"):
        st.dataframe(limits.round(3).assign(period=f"31 March {year}", method="exact Poisson, Spiegelhalter interpolation"),
                     hide_index=True, width="stretch")

# --- 4. statistical neighbours and the count gap ------------------------------------------------
st.header(f"Statistical neighbours ({sel.model} model) and the count gap")
st.caption(f"DfE's children's services statistical neighbours, {sel.model} model: the 10 councils most like "
           f"{council_name}. The two models choose quite different neighbours: change the model in the sidebar.")
table, summary = metrics.neighbour_comparison(store, council, sel.model, figures, year)
if not summary["neighbours"]:
    st.info(f"{council_name} has no statistical neighbours in DfE's {sel.model} model (councils created after "
            "the model was built have none). Choose the other model in the sidebar.")
else:
    if summary["mean"] is not None:
        line = (f"Neighbours' average: **{summary['mean']:,.1f}** per 10,000 "
                f"(simple mean of the {summary['with_figure']} neighbours' rates at 31 March {year}; median "
                f"{summary['median']:,.1f}).")
        if summary["expected_count"] is not None:
            more = summary["gap"]
            line += (f" **At the neighbours' average rate, {council_name} would care for "
                     f"{summary['expected_count']:,} children (now {summary['count']:,.0f})**: "
                     + (f"{abs(more):,} {'more' if more > 0 else 'fewer'} than at the neighbours' rate."
                        if more else "the same."))
        else:
            line += f" {council_name} has no figure for 31 March {year}, so there is no count gap."
        st.markdown(line)
    if summary["without_figure"]:
        st.caption("Neighbours without a figure for this year (left out of the average): "
                   + ", ".join(summary["without_figure"]) + ".")
    chart = charts.neighbours_chart(table, summary, value_label=rate_label, region_name=region_name,
                                    zero_based=zero, value_format=value_format)
    extra = pd.DataFrame([
        {"role": "Neighbours' mean (simple, unweighted)", "area_name": "", "rate": summary["mean"]},
        {"role": "Neighbours' median", "area_name": "", "rate": summary["median"]},
        {"role": "Region", "area_name": region_name, "rate": summary["region"]},
        {"role": "England", "area_name": "England", "rate": summary["england"]}])
    neighbour_table = pd.concat([table, extra], ignore_index=True)
    neighbour_table = pd.DataFrame({
        "role": neighbour_table["role"], "neighbour_rank": neighbour_table["neighbour_rank"],
        "area": neighbour_table["area_name"], "rate_per_10k": pd.to_numeric(neighbour_table["rate"]).round(2),
        "children_in_care": neighbour_table["count"], "children_0_17": neighbour_table["population"],
        "status": neighbour_table["status"].fillna(""), "period": f"31 March {year}",
        "model": f"DfE statistical neighbours {sel.model}", "source": neighbour_table["source"].fillna(source_note)})
    ui.chart_with_table(chart, neighbour_table, key=f"cic_sn_{measure}_{year}_{sel.model}",
                        file_name=f"children_in_care_neighbours_{sel.model}_{measure}_{year}.csv")

gaps = []
for model in ("2025", "2021"):
    _, s = metrics.neighbour_comparison(store, council, model, figures, year)
    gaps.append({"model": model, "neighbours with a figure": s["with_figure"],
                 "neighbours' mean rate": None if s["mean"] is None else round(s["mean"], 2),
                 f"{council_name} rate": None if pd.isna(s["rate"]) else round(float(s["rate"]), 2),
                 "children at the neighbours' rate": s["expected_count"], "children now": s["count"],
                 "difference": s["gap"], "period": f"31 March {year}"})
with st.expander("The count gap under both neighbour models"):
    st.caption("count gap = round(neighbours' mean rate x the council's children aged 0-17 / 10,000), against the "
               "children it cares for; difference = now - at the neighbours' rate.")
    st.dataframe(pd.DataFrame(gaps), hide_index=True, width="stretch")

# --- 5. flows -----------------------------------------------------------------------------------
st.header("Children starting and ceasing to be looked after")
flow_cols = st.columns(2)
flow = flow_cols[0].radio("Flow", list(metrics.FLOW_INDICATORS), horizontal=True, key="cic_flow")
flow_show = flow_cols[1].radio("Show", ["Rate per 10,000", "Number of children"], horizontal=True, key="cic_flow_show")
flow_rate = flow_show == "Rate per 10,000"
flow_codes = codes + ([ENGLAND_CODE] + ([sel.region_code] if sel.region_code else []) if flow_rate else [])
flows = flow_figures(version, tuple(flow_codes))
flows = flows[flows["flow"] == flow].copy()
flows["year"] = flows["period"].dt.year
flows["value"] = flows["rate"] if flow_rate else flows["count"]
flows["role"] = ["Council of interest" if c == council else "England" if c == ENGLAND_CODE
                 else "Region" if c == sel.region_code else "Member" for c in flows["area_code"]]
flow_label = f"{flow} in the year" + (" per 10,000 children aged 0-17" if flow_rate else " (children)")
flow_returns = metrics.flow_council_points(store, codes, flow)
flow_returns["value"] = flow_returns["rate"] if flow_rate else flow_returns["count"]
flow_returns = flow_returns.dropna(subset=["value"])
flow_returns["label"] = [f"{charts.short_name(n)} own {p}: {v:{',.1f' if flow_rate else ',.0f'}}"
                         for n, p, v in zip(flow_returns["area_name"], flow_returns["period_label"], flow_returns["value"])]
chart = charts.trend_chart(flows, flow_returns, value_label=flow_label, zero_based=zero, region_name=region_name,
                           x_title="Year ending 31 March", panels=layout != "One chart")
flow_table = pd.DataFrame({
    "area": flows["area_name"], "role": flows["role"].replace({"Region": region_name}), "flow": flows["flow"],
    "period": "year ending 31 March " + flows["year"].astype(str) + " (" + flows["period_label"] + ")",
    "value": flows["value"], "measure": flow_label,
    "status": (flows["rate_status"] if flow_rate else flows["count_status"]).fillna("missing"),
    "source": flows["source"], "note": flows["note"]}).sort_values(["role", "area", "period"])
flow_table = pd.concat([flow_table, pd.DataFrame({
    "area": flow_returns["area_name"], "role": "Council's own return", "flow": flow,
    "period": flow_returns["period_label"], "value": flow_returns["value"], "measure": flow_label, "status": "as reported",
    "source": "Council return: " + flow_returns["document"], "note": flow_returns["note"]})], ignore_index=True)
ui.chart_with_table(chart, flow_table, key=f"cic_flows_{flow}_{flow_rate}", file_name="children_in_care_flows.csv",
                    caption="Years ending 31 March. DfE's figures (LAIT before 2021; LAIT publishes these rates from "
                            "2018). " + ("England and region are not drawn on the count view. " if not flow_rate else "")
                            + "Unaccompanied children are included: DfE does not publish flows excluding them.")

st.divider()
st.caption("Sources: DfE, Children looked after in England including adoptions (Explore Education Statistics), and "
           "DfE's Local Authority Interactive Tool, under the Open Government Licence v3.0; ONS mid-year population "
           "estimates as DfE uses them; councils' own published figures where marked.")

# --- the councils' own figures, beside DfE's series (never in them) ---------------------------
council_blocks.council_figures_block(
    store, codes, topics=["Children in care", "Placements", "Stability", "Care leavers", "Permanence"],
    key="cic_council_figures", title="The councils' own figures on children in care, beside DfE's")
