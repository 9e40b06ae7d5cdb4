"""Charts for the Residential page: a frame in, an Altair chart out.

Colour never carries meaning alone: the council of interest has a triangle and its name
in bold, categories sit in their own labelled columns, stacked shares carry their numbers,
and measures have their own marker shapes.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from regional.charts import ENGLAND, HIGHLIGHT, MEMBER, OTHER, PALETTE, REGION

ROLE_ORDER = ["Council of interest", "Group member", "Other council"]
ROLE_COLOURS = [HIGHLIGHT, MEMBER, OTHER]


def _roles(frame: pd.DataFrame, highlight: str | None, members: list[str]) -> pd.Series:
    member_set = set(members)
    return pd.Series(["Council of interest" if c == highlight else "Group member" if c in member_set
                      else "Other council" for c in frame["area_code"]], index=frame.index)


def ranked_councils(frame: pd.DataFrame, *, value: str, value_label: str, highlight: str | None,
                    members: list[str], benchmarks: pd.DataFrame | None = None, number_format: str = ",.1f") -> alt.Chart:
    """Councils ranked on ``value``, group members and the council of interest picked out.

    A council without a figure keeps its row with the reason written where the bar would be.
    ``benchmarks`` (area_name, value) draws England and the region as labelled dashed rules.
    """
    data = frame.copy()
    data["role"] = _roles(data, highlight, members)
    data["shown"] = data[value]
    data["reason"] = data["status"].where(data["shown"].isna(), "")
    order = data.sort_values(["shown", "area_name"], ascending=[False, True], na_position="last")["area_name"].tolist()
    y = alt.Y("area_name:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=260, labelOverlap=False, labelFontWeight=alt.ExprRef(
                  f"datum.value == {_js(data.loc[data['role'] == 'Council of interest', 'area_name'])} ? 'bold' : 'normal'")))
    tooltip = [alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("shown:Q", title=value_label, format=number_format),
               alt.Tooltip("role:N", title="Role"), alt.Tooltip("period_label:N", title="Date"),
               alt.Tooltip("source_id:N", title="Source")]
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X("shown:Q", title=value_label, scale=alt.Scale(zero=True, nice=True)),
        color=alt.Color("role:N", scale=alt.Scale(domain=ROLE_ORDER, range=ROLE_COLOURS),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=tooltip)
    labels = base.transform_filter("isValid(datum.shown)").mark_text(align="left", dx=3, fontSize=11).encode(
        x=alt.X("shown:Q"), text=alt.Text("shown:Q", format=number_format))
    reasons = base.transform_filter("!isValid(datum.shown)").mark_text(align="left", dx=3, fontStyle="italic",
                                                                         color="#555555").encode(
        x=alt.XDatum(0), text=alt.Text("reason:N"))
    marker = base.transform_filter(alt.datum.role == "Council of interest").mark_point(
        shape="triangle-left", size=90, filled=True, color=HIGHLIGHT).encode(x=alt.XValue(-8))
    layers = [bars, labels, reasons, marker]
    if benchmarks is not None and len(benchmarks):
        refs = benchmarks.dropna(subset=["value"]).copy()
        refs["label"] = [f"{n} {v:{number_format[1:]}}" for n, v in zip(refs["area_name"], refs["value"])]
        refs["colour"] = [ENGLAND if i == 0 else REGION for i in range(len(refs))]
        for rec in refs.itertuples():
            one = pd.DataFrame([{"value": rec.value, "label": rec.label}])
            layers.append(alt.Chart(one).mark_rule(color=rec.colour, strokeDash=[6, 3], size=2).encode(x=alt.X("value:Q")))
            layers.append(alt.Chart(one).mark_text(color=rec.colour, align="left", dx=4, dy=-6 - 12 * rec.Index,
                                                   fontWeight="bold").encode(
                x=alt.X("value:Q"), y=alt.YValue(0), text=alt.Text("label:N")))
    return alt.layer(*layers, height=90 + 24 * len(order), width="container")


def _js(names: pd.Series) -> str:
    name = names.iloc[0] if len(names) else ""
    return "'" + str(name).replace("\\", "\\\\").replace("'", "\\'") + "'"


def category_columns(frame: pd.DataFrame, *, category: str, order: list[str], value: str, value_label: str,
                     highlight_name: str | None = None) -> alt.Chart:
    """One labelled column per category (sector or grade), councils down the side, counts written on."""
    data = frame.copy()
    data["is_highlight"] = data["area_name"] == highlight_name
    palette = PALETTE[: len(order)] if category == "sector" else ["#009E73", "#56B4E9", "#E69F00", "#D55E00", "#999999"]
    names = sorted(data["area_name"].unique())
    base = alt.Chart(data).encode(
        y=alt.Y("area_name:N", sort=names, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip(f"{category}:N", title=category.title()),
                 alt.Tooltip("homes:Q", title="Homes"), alt.Tooltip("places:Q", title="Places")])
    bars = base.mark_bar().encode(
        x=alt.X(f"{value}:Q", title=value_label),
        color=alt.Color(f"{category}:N", scale=alt.Scale(domain=order, range=palette), legend=None),
        stroke=alt.StrokeValue(None, condition={"test": "datum.is_highlight", "value": HIGHLIGHT}),
        strokeWidth=alt.StrokeWidthValue(0, condition={"test": "datum.is_highlight", "value": 2}))
    text = base.mark_text(align="left", dx=2, fontSize=10).encode(x=alt.X(f"{value}:Q"),
                                                                    text=alt.Text(f"{value}:Q", format=",.0f"))
    return alt.layer(bars, text, width=130, height=24 * len(names)).facet(
        column=alt.Column(f"{category}:N", sort=order, title=None, header=alt.Header(labelFontWeight="bold",
                                                                                       labelLimit=150)))


TREND_COLOURS = {"Homes joined": "#009E73", "Homes left": "#D55E00"}


def register_trend(frame: pd.DataFrame, *, measure: str = "homes", title: str = "") -> alt.Chart:
    """Joiners up, leavers down, the net change as a line with labelled points, per year to 31 March."""
    joined, left, net = f"{measure}_joined", f"{measure}_left", f"net_{measure}"
    noun = "Homes" if measure == "homes" else "Places"
    long = pd.concat([
        frame.assign(flow=f"{noun} joined", count=frame[joined]),
        frame.assign(flow=f"{noun} left", count=-frame[left]),
    ], ignore_index=True)
    colours = [TREND_COLOURS["Homes joined"], TREND_COLOURS["Homes left"]]
    x = alt.X("period_label:N", title="Year to 31 March", sort=sorted(frame["period_label"].unique()),
              axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(long).mark_bar(opacity=0.85).encode(
        x=x, y=alt.Y("count:Q", title=f"{noun} (left shown below zero)"),
        color=alt.Color("flow:N", scale=alt.Scale(domain=[f"{noun} joined", f"{noun} left"], range=colours),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("period_label:N", title="Year"), alt.Tooltip("flow:N", title=""),
                 alt.Tooltip("count:Q", title="Count")])
    long["label"] = long["count"].abs().map(lambda v: f"{v:,.0f}")
    long = long[long["count"] != 0]
    above = alt.Chart(long[long["count"] > 0]).mark_text(fontSize=10, dy=-7).encode(
        x=x, y=alt.Y("count:Q"), text=alt.Text("label:N"))
    below = alt.Chart(long[long["count"] < 0]).mark_text(fontSize=10, dy=8).encode(
        x=x, y=alt.Y("count:Q"), text=alt.Text("label:N"))
    line = alt.Chart(frame).mark_line(color="#000000", point=alt.OverlayMarkDef(shape="diamond", size=60,
                                                                                color="#000000")).encode(
        x=x, y=alt.Y(f"{net}:Q"), tooltip=[alt.Tooltip("period_label:N", title="Year"),
                                           alt.Tooltip(f"{net}:Q", title="Net change")])
    net_text = alt.Chart(frame).mark_text(align="left", dx=7, fontWeight="bold", fontSize=10).encode(
        x=x, y=alt.Y(f"{net}:Q"), text=alt.Text("net_label:N")).transform_calculate(
        net_label=f"'net ' + (datum['{net}'] > 0 ? '+' : '') + datum['{net}']")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#555555").encode(y=alt.Y("y:Q"))
    return alt.layer(bars, above, below, zero, line, net_text, height=300, width="container", title=title)


MEASURE_SHAPES = {
    "Local places (Ofsted, 31 March 2023)": ("circle", "#0072B2"),
    "Own children in residential care (DfE estimate, 31 March 2023)": ("triangle-up", "#D55E00"),
    "Local children's home beds (council's own figure)": ("square", "#56B4E9"),
    "Own children in residential care (council's own figure)": ("diamond", "#E69F00"),
}


def supply_demand_dots(frame: pd.DataFrame) -> alt.Chart:
    """Per council, local places against the council's own children in residential care.

    ``frame``: area_name, measure (a key of MEASURE_SHAPES), value, date, source. The published
    pair (same day) sits on one line joined by a grey rule, so the gap reads as a length; the
    council's own figures sit on a second line just below.
    """
    data = frame.dropna(subset=["value"]).copy()
    published_measures = list(MEASURE_SHAPES)[:2]
    data["basis"] = data["measure"].map(lambda m: "published" if m in published_measures else "council")
    domain = [m for m in MEASURE_SHAPES if m in set(data["measure"])] or list(MEASURE_SHAPES)
    shapes = [MEASURE_SHAPES[m][0] for m in domain]
    colours = [MEASURE_SHAPES[m][1] for m in domain]
    names = sorted(frame["area_name"].unique())
    legend = alt.Legend(title=None, orient="bottom", columns=2, labelLimit=420, symbolSize=120)
    y = alt.Y("area_name:N", sort=names, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False))
    offset = alt.YOffset("basis:N", scale=alt.Scale(domain=["published", "council"]))
    published = data[data["basis"] == "published"]
    span = published.groupby("area_name")["value"].agg(["min", "max"]).reset_index().assign(basis="published")
    rule = alt.Chart(span).mark_rule(color="#999999", size=3).encode(y=y, yOffset=offset, x=alt.X("min:Q"),
                                                                     x2=alt.X2("max:Q"))
    dots = alt.Chart(data).mark_point(size=140, filled=True, opacity=0.95).encode(
        y=y, yOffset=offset, x=alt.X("value:Q", title="Places / children", scale=alt.Scale(zero=True)),
        shape=alt.Shape("measure:N", scale=alt.Scale(domain=domain, range=shapes), legend=legend),
        color=alt.Color("measure:N", scale=alt.Scale(domain=domain, range=colours), legend=legend),
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("value:Q", title="Value", format=",.0f"), alt.Tooltip("date:N", title="Date"),
                 alt.Tooltip("source:N", title="Source")])
    text = alt.Chart(data).mark_text(align="left", dx=9, fontSize=10).encode(
        y=y, yOffset=offset, x=alt.X("value:Q"), text=alt.Text("value:Q", format=",.0f"))
    return alt.layer(rule, dots, text, height=110 + 40 * len(names), width="container")


SEGMENT_COLOURS = {"Own children": "#0072B2", "Other councils' children": "#E69F00", "Vacant": "#F0E442",
                   "Other councils' children or vacant": "#CC79A7", "Not stated": "#DDDDDD"}


def occupancy_bars(segments: pd.DataFrame) -> alt.Chart:
    """Each return line's beds as 100%, split into who fills them, shares written on the bars.

    One block per council; each bar is one setting type on one date, its bed count in the label.
    """
    domain = [s for s in SEGMENT_COLOURS if s in set(segments["segment"])]
    data = segments.copy()
    beds_text = data["beds"].map(lambda b: f"{b:,.0f} beds" if pd.notna(b) else "beds not given")
    data["row"] = data["line"] + " (" + beds_text + ")"
    data["order"] = data["segment"].map({s: i for i, s in enumerate(SEGMENT_COLOURS)})
    data = data.sort_values(["area_name", "row", "order"])
    data["middle"] = data.groupby(["area_name", "row"])["share_pct"].cumsum() - data["share_pct"] / 2
    data["share_label"] = [("occupancy not stated" if seg == "Not stated" and v > 99.9 else f"{v:.0f}%")
                           for seg, v in zip(data["segment"], data["share_pct"])]
    rows = list(dict.fromkeys(data.sort_values(["setting", "period_label"])["row"]))
    y = alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=360, labelOverlap=False))
    bars = alt.Chart().mark_bar(stroke="#ffffff", strokeWidth=1).encode(
        y=y, x=alt.X("share_pct:Q", title="% of the beds", stack="zero", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("segment:N", scale=alt.Scale(domain=domain, range=[SEGMENT_COLOURS[s] for s in domain]),
                        legend=alt.Legend(title=None, orient="bottom", columns=3, labelLimit=300)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("row:N", title="Line"),
                 alt.Tooltip("segment:N", title="Who"), alt.Tooltip("share_pct:Q", title="% of beds", format=".1f"),
                 alt.Tooltip("beds_in_segment:Q", title="Beds", format=",.0f"), alt.Tooltip("source:N", title="Source")])
    text = alt.Chart().transform_filter("datum.share_pct >= 9").mark_text(fontSize=10, color="#000000").encode(
        y=y, x=alt.X("middle:Q"), text=alt.Text("share_label:N"))
    return alt.layer(bars, text, data=data, width=560, height=alt.Step(26)).facet(
        row=alt.Row("area_name:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                                                  labelOrient="top", labelFontWeight="bold",
                                                                  labelFontSize=13)),
        spacing=14).resolve_scale(y="independent")
