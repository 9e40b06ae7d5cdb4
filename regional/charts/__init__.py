"""Altair chart builders: a frame in, a chart out. No Streamlit here. Common parts here, one module per page topic beside it.

Colour is never the only carrier of meaning: highlighted councils also get a
marker shape and a label, and every chart is shown with its table beside it.

Channels are written as their Altair classes (``alt.X("year:O")``, ``alt.YValue(0)``,
``alt.OpacityValue(1, condition=...)``), never as a shorthand string, ``alt.value`` or
``alt.datum``: Altair turns those into classes through ``from_dict``, about 3.5 ms each (it rehashes
its whole schema), which was a third of a page's chart building. Layers are given their size as
they are made (``alt.layer(a, b, height=...)``): ``.properties`` on a layer copies every layer again.
"""
from __future__ import annotations

import altair as alt
import numpy as np
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
        shape="triangle-left", size=90, filled=True, color=HIGHLIGHT).encode(x=alt.XValue(-8))
    layers = [bars, labels, marker]
    if england is not None and pd.notna(england):
        rule = alt.Chart(pd.DataFrame({"value": [england]})).mark_rule(
            color=ENGLAND, strokeDash=[6, 3], size=1.5).encode(x=alt.X("value:Q"))
        layers.append(rule)
    return alt.layer(*layers, height=max(160, 24 * len(order)), width="container")


def spread(values, min_gap: float) -> np.ndarray:
    """Positions for labels near ``values`` (same order), pushed apart so no two are closer than
    ``min_gap``, and re-centred so that on average they stay on their values. Labels that would sit
    on top of each other (the last year of 15 councils' lines) become readable."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2 or min_gap <= 0:
        return v.copy()
    order = np.argsort(v, kind="stable")
    want = v[order]
    pos = want.copy()
    for _ in range(2):
        for i in range(1, len(pos)):
            pos[i] = max(pos[i], pos[i - 1] + min_gap)
        pos -= (pos - want).mean()
        for i in range(len(pos) - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - min_gap)
    out = np.empty_like(pos)
    out[order] = pos
    return out


def place_labels(x, y, *, x_gap: float, y_gap: float) -> np.ndarray:
    """Label heights for points at (x, y): a label moves up (in steps of ``y_gap``) until no label
    already placed within ``x_gap`` sideways is closer than ``y_gap``. For scattered points (a funnel
    plot) where only neighbours collide."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    placed: list[tuple[float, float]] = []
    out = ys.copy()
    for i in np.argsort(ys, kind="stable"):
        height = ys[i]
        while any(abs(xs[i] - px) < x_gap and abs(height - py) < y_gap for px, py in placed):
            height += y_gap
        placed.append((xs[i], height))
        out[i] = height
    return out
