"""Altair builders for the Sufficiency plan page: a frame in, a chart out.

Each placement type has its own colour and marker shape; the 80% range is a vertical rule.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from regional.charts import PALETTE

SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "stroke"]


def demand_chart(frame: pd.DataFrame, title: str) -> alt.FacetChart:
    """Children needing each placement type by year: one panel per type (each on its own
    scale, so small types stay readable), central estimate as a line with markers and the
    80% range as a vertical rule."""
    data = frame[frame["type"] != "total"].copy()
    types = list(dict.fromkeys(data["type_label"]))
    colour = alt.Color("type_label:N", title="Placement type", scale=alt.Scale(domain=types, range=PALETTE[:len(types)]),
                       legend=None)
    shape = alt.Shape("type_label:N", scale=alt.Scale(domain=types, range=SHAPES[:len(types)]), legend=None)
    base = alt.Chart().encode(x=alt.X("year:O", title="31 March", axis=alt.Axis(labelAngle=0)), color=colour,
                              tooltip=[alt.Tooltip("type_label:N", title="Type"), alt.Tooltip("year:O"),
                                       alt.Tooltip("children:Q", format=",.0f"),
                                       alt.Tooltip("low:Q", title="80% from", format=",.0f"),
                                       alt.Tooltip("high:Q", title="80% to", format=",.0f")])
    rule = base.mark_rule(strokeWidth=2, opacity=0.5).encode(y=alt.Y("low:Q", title="Children"), y2=alt.Y2("high:Q"))
    line = base.mark_line().encode(y=alt.Y("children:Q"), detail=alt.Detail("type_label:N"))
    points = base.mark_point(filled=True, size=80).encode(y=alt.Y("children:Q"), shape=shape)
    labels = base.mark_text(dx=14, align="left", fontSize=11).encode(y=alt.Y("children:Q"),
                                                                    text=alt.Text("children:Q", format=",.0f"))
    return alt.layer(rule, line, points, labels, data=data, width=230, height=170).facet(
        facet=alt.Facet("type_label:N", title=None, sort=types, header=alt.Header(labelFontWeight="bold",
                                                                                   labelLimit=300)),
        columns=3,
    ).resolve_scale(y="independent").properties(title=alt.TitleParams(title, anchor="start"))


def gap_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Demand against what local places can take, per supplied type and year."""
    rows = []
    for rec in frame.to_dict("records"):
        rows.append({"type_label": rec["type_label"], "year": rec["year"], "measure": "Need",
                     "children": rec["children"]})
        rows.append({"type_label": rec["type_label"], "year": rec["year"], "measure": "Local places",
                     "children": rec["supply_children"]})
    data = pd.DataFrame(rows).dropna(subset=["children"])
    measures = ["Need", "Local places"]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("measure:N", title=None, sort=measures, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("children:Q", title="Children"),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=measures, range=[PALETTE[5], PALETTE[0]]),
                        legend=alt.Legend(orient="bottom")),
        opacity=alt.Opacity("measure:N", scale=alt.Scale(domain=measures, range=[1.0, 0.55]), legend=None),
        column=alt.Column("year:O", title="31 March"),
        row=alt.Row("type_label:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260)),
        tooltip=[alt.Tooltip("type_label:N", title="Type"), alt.Tooltip("year:O"), alt.Tooltip("measure:N"),
                 alt.Tooltip("children:Q", format=",.0f")],
    ).properties(title=alt.TitleParams(title, anchor="start"), width=110, height=120).resolve_scale(y="independent")
