"""Charts for the Action plans page: counts by status, stacked.

Colour never carries the status alone: every segment wide enough says its status in words
and its count, the stack order is fixed (Completed first), and the table beside the chart
lists every count.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from regional.action_plans import COLOURS, SHORT
from regional.importers.action_plan import STATUSES

WORDS_FROM = 0.12  # a segment at least this share of its bar carries its status word too


def status_bars(counts: pd.DataFrame, *, y: str, y_title: str | None = None, missing: list[str] | None = None,
                order: list[str] | None = None, highlight: str | None = None) -> alt.Chart:
    """One horizontal bar per ``y`` (a council, a priority), stacked by status.

    ``counts`` is :func:`regional.action_plans.status_counts` output. ``missing`` lists bars with no plan:
    they keep their row, with the reason written where the bar would be.
    """
    data = counts[counts["count"] > 0].copy()
    data["status"] = data["status"].astype(str)
    data["status_order"] = data["status"].map({s: i for i, s in enumerate(STATUSES)})
    total = data.groupby(y)["count"].transform("sum")
    data["label"] = [f"{c} {SHORT[s].lower()}" if c / t >= WORDS_FROM else str(c)
                     for c, s, t in zip(data["count"], data["status"], total)]
    rows = order or list(dict.fromkeys(data[y]))
    rows = rows + [m for m in (missing or []) if m not in rows]
    y_axis = alt.Y(f"{y}:N", sort=rows, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False))
    if highlight is not None:
        y_axis = alt.Y(f"{y}:N", sort=rows, title=None, axis=alt.Axis(
            labelLimit=280, labelOverlap=False,
            labelFontWeight=alt.ExprRef(f"datum.value == {_js(highlight)} ? 'bold' : 'normal'")))
    base = alt.Chart(data).encode(y=y_axis)
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X("sum(count):Q", stack="zero", title="Actions", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("status:N", scale=alt.Scale(domain=list(STATUSES), range=[COLOURS[s] for s in STATUSES]),
                        legend=alt.Legend(title="Status", orient="bottom")),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title or y), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("count:Q", title="Actions"), alt.Tooltip("share:Q", title="Share", format=".0%")])
    # Place each label at its segment's middle: the stacked start plus half the count.
    data = data.sort_values([y, "status_order"])
    data["start"] = data.groupby(y)["count"].cumsum() - data["count"]
    data["middle"] = data["start"] + data["count"] / 2
    text = alt.Chart(data).mark_text(align="center", baseline="middle", fontSize=11, color="black").encode(
        y=y_axis, x=alt.X("middle:Q"), text=alt.Text("label:N"))
    layers = [bars, text]
    if missing:
        gaps = pd.DataFrame({y: missing, "reason": "no action plan held"})
        layers.append(alt.Chart(gaps).mark_text(align="left", dx=3, fontStyle="italic", color="#555555").encode(
            y=y_axis, x=alt.XDatum(0), text=alt.Text("reason:N")))
    # Streamlit fits the whole chart (axis and legend included) into the height: leave room for them.
    return alt.layer(*layers, height=34 * len(rows) + 110, width="container")


def _js(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"
