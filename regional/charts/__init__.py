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
    """Horizontal bars, highest first, with England and region as labelled rules.

    ``frame`` needs area_name, value, period_label, source_id; the council of
    interest is drawn in another colour and marked with a triangle.
    """
    data = frame.dropna(subset=["value"]).copy()
    data["role"] = ["Council of interest" if c == highlight else "Member" for c in data["area_code"]]
    order = data.sort_values("value", ascending=False)["area_name"].tolist()
    scale = alt.Scale(zero=zero_based, nice=True)
    base = alt.Chart(data).encode(
        y=alt.Y("area_name:N", sort=order, title=None),
        x=alt.X("value:Q", title=value_label, scale=scale),
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("value:Q", title=value_label),
                 alt.Tooltip("period_label:N", title="Period"), alt.Tooltip("source_id:N", title="Source")],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("role:N", scale=alt.Scale(domain=["Council of interest", "Member"], range=[HIGHLIGHT, MEMBER]),
                        legend=alt.Legend(title=None, orient="bottom")))
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("value:Q", format=",.0f"))
    marker = base.transform_filter(alt.datum.role == "Council of interest").mark_point(
        shape="triangle-left", size=90, filled=True, color=HIGHLIGHT).encode(x=alt.value(-8))
    layers = [bars, labels, marker]
    refs = [(n, v, c) for n, v, c in (("England", england, ENGLAND), (region_name, region, REGION))
            if v is not None and pd.notna(v)]
    for name, value, colour in refs:
        ref = pd.DataFrame({"value": [value], "label": [f"{name} {value:,.0f}"]})
        rule = alt.Chart(ref).mark_rule(color=colour, strokeDash=[6, 3], size=2).encode(x="value:Q")
        text = alt.Chart(ref).mark_text(color=colour, align="left", dx=4, dy=-6, fontWeight="bold").encode(
            x="value:Q", y=alt.value(0), text="label:N")
        layers += [rule, text]
    height = max(160, 22 * len(order))
    return alt.layer(*layers).properties(height=height, width="container")
