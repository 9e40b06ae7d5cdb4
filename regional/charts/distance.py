"""Charts for the placement-distance page: a frame in, an Altair chart out.

Bands keep one colour each (Okabe-Ito, near = green/blue, far = orange/vermillion,
not known = grey) and are always named in the legend, the tooltip and the table;
suppressed cells are left out of the bars (a gap), never drawn as zero.
"""
from __future__ import annotations

import json

import altair as alt
import pandas as pd

from regional.distance import BAND_COLOURS, BANDS, LOCATIONS

LOCATION_COLOURS = {"Inside the council": "#009E73", "Elsewhere in the group": "#56B4E9",
                    "Outside the group": "#D55E00", "Location not known": "#999999"}
NEW_PLACEMENT_ORDER = ["Inside, under 20 miles", "Inside, over 20 miles", "Outside, under 20 miles",
                       "Outside, over 20 miles", "Distance not known"]
NEW_PLACEMENT_COLOURS = ["#009E73", "#56B4E9", "#E69F00", "#D55E00", "#999999"]
#: Segment colours dark enough for white labels.
DARK = {"#0072B2", "#D55E00", "#009E73"}


def _stacked(frame: pd.DataFrame, *, category: str, order: list[str], colours: list[str], title: str,
             y: str = "council") -> alt.Chart:
    """100% bars whose segments are told apart by number as well as colour (WCAG 1.4.1): the legend
    numbers the categories in the order they are stacked, and each segment carries its number (with
    its share where it is wide enough); the tooltip and the table name every segment in full."""
    data = frame.assign(pct=pd.to_numeric(frame["pct"], errors="coerce")).dropna(subset=["pct"])
    position = {c: i for i, c in enumerate(order)}
    data = data.assign(order=pd.array([position.get(c, len(order)) for c in data[category]], dtype="int64"))
    data = data.sort_values([y, "order"])
    data["mid"] = data.groupby(y)["pct"].cumsum() - data["pct"] / 2
    number = (data["order"] + 1).astype(str)
    data["label"] = [f"{n}: {v:.0f}%" if v >= 9 else n if v >= 3 else "" for n, v in zip(number, data["pct"])]
    dark = {c for c, colour in zip(order, colours) if colour in DARK}
    data["label_colour"] = data[category].map(lambda c: "white" if c in dark else "black")
    rows = list(dict.fromkeys(frame[y]))
    numbered = f"(indexof({json.dumps(list(order))}, datum.label) + 1) + '  ' + datum.label"
    tooltip = [alt.Tooltip(f"{y}:N", title="Council"), alt.Tooltip(f"{category}:N", title=category.capitalize()),
               alt.Tooltip("pct:Q", title="% of children", format=".1f")]
    if "children" in data:
        tooltip.append(alt.Tooltip("children:Q", title="Children", format=",.0f"))
    bars = alt.Chart(data).mark_bar(stroke="white", strokeWidth=0.5).encode(
        y=alt.Y(f"{y}:N", sort=rows, title=None),
        x=alt.X("pct:Q", stack="zero", title=title, scale=alt.Scale(domain=[0, 100])),
        order=alt.Order("order:Q"),
        color=alt.Color(f"{category}:N", scale=alt.Scale(domain=order, range=colours),
                        legend=alt.Legend(title=None, orient="bottom", columns=2, labelExpr=numbered)),
        tooltip=tooltip)
    text = alt.Chart(data).mark_text(fontSize=11, fontWeight="bold").encode(
        y=alt.Y(f"{y}:N", sort=rows), x=alt.X("mid:Q"), text=alt.Text("label:N"),
        color=alt.Color("label_colour:N", scale=None), tooltip=tooltip)
    # Streamlit sizes the chart to fit: the height includes the legend (up to three rows in a narrow
    # column) and the axis, so reserve them first; one council's bar was squeezed to nothing before.
    legend_rows = -(-len(order) // 2)
    return alt.layer(bars, text, height=LEGEND_ROW_PX * legend_rows + AXIS_PX + BAR_ROW_PX * max(len(rows), 1),
                     width="container")


LEGEND_ROW_PX, AXIS_PX, BAR_ROW_PX = 34, 90, 56


def band_bars(summary: pd.DataFrame) -> alt.Chart:
    """Each council's children by distance band, as shares of its children (100% bars)."""
    return _stacked(summary, category="band", order=list(BANDS), colours=[BAND_COLOURS[b] for b in BANDS],
                    title="% of the council's children in care at the extract date")


def location_bars(summary: pd.DataFrame) -> alt.Chart:
    """Inside the council / elsewhere in the group / outside the group, as shares."""
    return _stacked(summary, category="location", order=list(LOCATIONS),
                    colours=[LOCATION_COLOURS[loc] for loc in LOCATIONS], title="% of the council's children")


def published_band_bars(frame: pd.DataFrame) -> alt.Chart:
    """Distance bands exactly as councils publish them (their own bands, per placement type)."""
    data = frame.dropna(subset=["value"]).copy()
    data["row"] = data["placement"] + ": " + data["band"]
    order = list(dict.fromkeys(data["row"]))
    placements = list(dict.fromkeys(data["placement"]))
    colours = ["#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#D55E00"]
    base = alt.Chart(data).encode(
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        x=alt.X("value:Q", title="Children (as published)"),
        tooltip=[alt.Tooltip("council:N", title="Council"), alt.Tooltip("placement:N", title="Placement"),
                 alt.Tooltip("band:N", title="Band as published"), alt.Tooltip("value:Q", title="Children"),
                 alt.Tooltip("period:N", title="Period"), alt.Tooltip("document:N", title="Document")])
    bars = base.mark_bar().encode(color=alt.Color("placement:N", scale=alt.Scale(
        domain=placements, range=colours[:len(placements)]), legend=alt.Legend(title=None, orient="bottom")))
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("value:Q", format=",.0f"))
    return alt.layer(bars, labels, height=90 + 28 * len(order), width="container")


def new_placement_bars(frame: pd.DataFrame) -> alt.Chart:
    """DfE: new placements in the year by location, as shares, for each council (and region, England)."""
    return _stacked(frame, category="location", order=NEW_PLACEMENT_ORDER, colours=NEW_PLACEMENT_COLOURS,
                    title="% of new placements in the year (DfE)", y="area")
