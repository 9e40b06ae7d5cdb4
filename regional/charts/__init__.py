"""Altair chart builders: a frame in, a chart out. No Streamlit here. Common parts here, one module per page topic beside it.

Colour is never the only carrier of meaning: highlighted councils also get a
marker shape and a label, and every chart is shown with its table beside it.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

#: Okabe-Ito, safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT = "#D55E00"
MEMBER = "#0072B2"
OTHER = "#BBBBBB"
ENGLAND = "#000000"
REGION = "#009E73"


def ranked_bars(frame: pd.DataFrame, *, value_label: str, highlight: str | None = None,
                england: float | None = None, region: float | None = None, region_name: str = "Region",
                zero_based: bool = True) -> alt.Chart:
    """Horizontal bars, highest first; England and the region are bars of their own
    (as in DfE's LAIT) and England is also a dashed line across the chart.

    ``frame`` needs area_code, area_name, value, period_label, source_id; the council of
    interest is drawn in another colour and marked with a triangle.
    """
    data = frame.dropna(subset=["value"]).copy()
    data["role"] = ["Council of interest" if c == highlight else "Group member" for c in data["area_code"]]
    refs = [(n, v, r) for n, v, r in (("England", england, "England"), (region_name, region, "Region"))
            if v is not None and pd.notna(v)]
    if refs:
        extra = pd.DataFrame({"area_name": [n for n, _, _ in refs], "value": [v for _, v, _ in refs],
                              "role": [r for _, _, r in refs]})
        data = pd.concat([data, extra], ignore_index=True)
    order = data.sort_values("value", ascending=False)["area_name"].tolist()
    domain = ["Council of interest", "Group member", "England", "Region"]
    tooltip = [alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("value:Q", title=value_label)]
    if "period_label" in data:
        tooltip += [alt.Tooltip("period_label:N", title="Period"), alt.Tooltip("source_id:N", title="Source")]
    base = alt.Chart(data).encode(
        y=alt.Y("area_name:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=260)),
        x=alt.X("value:Q", title=value_label, scale=alt.Scale(zero=zero_based, nice=True)),
        tooltip=tooltip,
    )
    bars = base.mark_bar().encode(
        color=alt.Color("role:N", scale=alt.Scale(domain=domain, range=[HIGHLIGHT, MEMBER, ENGLAND, REGION]),
                        legend=alt.Legend(title=None, orient="bottom")))
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("value:Q", format=",.0f"))
    marker = base.transform_filter(alt.datum.role == "Council of interest").mark_point(
        shape="triangle-left", size=90, filled=True, color=HIGHLIGHT).encode(x=alt.value(-8))
    layers = [bars, labels, marker]
    if england is not None and pd.notna(england):
        rule = alt.Chart(pd.DataFrame({"value": [england]})).mark_rule(
            color=ENGLAND, strokeDash=[6, 3], size=1.5).encode(x="value:Q")
        layers.append(rule)
    return alt.layer(*layers).properties(height=max(160, 24 * len(order)), width="container")
