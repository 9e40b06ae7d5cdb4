"""Charts for the Children in care page: trend, ranked bars with quartile bands,
funnel plot, statistical neighbours. A frame in, an Altair chart out.

Colour never carries meaning alone: the council of interest is also a triangle and
labelled, England and the region are labelled lines with their own dash and marker.
Gaps (suppressed or unpublished years) break a line; nothing is drawn as zero.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from regional.charts import ENGLAND, HIGHLIGHT, MEMBER, OTHER, REGION, place_labels, spread

NEIGHBOUR_MEAN = "#CC79A7"
NEIGHBOUR_MEDIAN = "#56B4E9"
COUNCIL_RETURN = "#E69F00"
ROLE_ORDER = ["Council of interest", "Group member", "England", "Region"]
ROLE_SHAPES = ["triangle-up", "circle", "square", "diamond"]


def _scale(zero_based: bool) -> alt.Scale:
    return alt.Scale(zero=zero_based, nice=True)


def line_segments(frame: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """Rows with a value, numbered into runs of consecutive years per area.

    A line is drawn within a run only, so a suppressed or unpublished year is a gap,
    never a line through zero or a line pretending to bridge the missing year.
    """
    data = frame.dropna(subset=[value]).sort_values(["area_code", "year"]).copy()
    step = data.groupby("area_code")["year"].diff().fillna(1)
    data["segment"] = data["area_code"] + "-" + (step != 1).groupby(data["area_code"]).cumsum().astype(str)
    return data


def short_name(name: str) -> str:
    """A label short enough to sit beside a point: initials for long council names (BCP, BNES)."""
    if len(name) <= 16:
        return name
    words = [w for w in name.replace(",", " ").split() if w.lower() not in ("and", "of", "the", "upon", "on")]
    return "".join(w[0].upper() for w in words)


def _year_axis(data: pd.DataFrame, title: str) -> alt.X:
    """31 March of each year as the ticks (not 1 January, which would sit a quarter-year early)."""
    years = sorted({int(y) for y in data["year"].dropna()})
    values = [alt.DateTime(year=y, month=3, date=31) for y in years]
    return alt.X("period:T", title=title, axis=alt.Axis(values=values, format="%Y", labelAngle=0))


def trend_chart(lines: pd.DataFrame, returns: pd.DataFrame | None, *, value_label: str, zero_based: bool,
                region_name: str, value_format: str = ",.0f", x_title: str = "At 31 March",
                panels: bool = False) -> alt.TopLevelMixin:
    """One line per council, England and region as labelled reference lines, council returns as points.

    ``lines``: area_code, area_name, role (see ROLE_ORDER), year, period, period_label, value, source.
    ``returns``: area_name, period, period_label, value, label, document (the councils' own figures).
    ``panels`` draws one small panel per council, each with England and the region behind it,
    which reads better than 15 crossing lines when a meeting projects it.
    """
    data = line_segments(lines)
    data["role_label"] = data["role"].replace({"Region": region_name})
    data["label"] = data["area_name"].where(data["role"].isin(["Council of interest", "Group member"]), data["role_label"])
    data["kind"] = "figure"
    own = None
    if returns is not None and len(returns.dropna(subset=["value"])):
        own = returns.dropna(subset=["value"]).copy()
        own["kind"] = "council return"
        own["year"] = own["period"].dt.year
        own["stagger"] = own.groupby("area_name").cumcount() % 3
    roles = [r for r in ROLE_ORDER if r in set(data["role"])]
    role_scale = alt.Scale(domain=ROLE_ORDER, range=[HIGHLIGHT, MEMBER, ENGLAND, REGION])
    legend = alt.Legend(title=None, orient="bottom", values=roles,
                        labelExpr=f"datum.label == 'Region' ? '{region_name}' : datum.label")
    y = alt.Y("value:Q", title=value_label, scale=_scale(zero_based))
    x = _year_axis(pd.concat([data[["year"]], own[["year"]]]) if own is not None else data, x_title)
    tooltip = [alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("period_label:N", title="Period"),
               alt.Tooltip("value:Q", title=value_label, format=value_format),
               alt.Tooltip("source:N", title="Source")]
    return_tooltip = [alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("period_label:N", title="Date"),
                      alt.Tooltip("value:Q", title=value_label, format=value_format),
                      alt.Tooltip("label:N", title="Figure"), alt.Tooltip("document:N", title="Council's document")]

    def layers(frame: pd.DataFrame | None, with_labels: bool, x: alt.X, y: alt.Y) -> list:
        base = alt.Chart(frame) if frame is not None else alt.Chart()
        figures = base.transform_filter(alt.datum.kind == "figure")
        out = [
            figures.mark_line().encode(
                x=x, y=y, detail=alt.Detail("segment:N"),
                color=alt.Color("role:N", scale=role_scale, legend=legend),
                strokeDash=alt.StrokeDash("role:N", scale=alt.Scale(domain=ROLE_ORDER,
                                                                    range=[[1, 0], [1, 0], [6, 3], [2, 2]]), legend=None),
                strokeWidth=alt.StrokeWidth("role:N", scale=alt.Scale(domain=ROLE_ORDER, range=[3.5, 1.5, 2.5, 2.5]),
                                            legend=None),
                opacity=alt.OpacityValue(1, condition={"test": "(datum.role === 'Group member')", "value": 0.6})),
            figures.mark_point(filled=True, size=50).encode(
                x=x, y=y, tooltip=tooltip,
                color=alt.Color("role:N", scale=role_scale, legend=legend),
                shape=alt.Shape("role:N", scale=alt.Scale(domain=ROLE_ORDER, range=ROLE_SHAPES), legend=legend)),
        ]
        label_y = alt.Y("label_value:Q", scale=_scale(zero_based), title=value_label if with_labels else None)
        if own is not None:
            returns_layer = base.transform_filter(alt.datum.kind == "council return")
            out.append(returns_layer.mark_point(shape="cross", filled=True, size=150, color=COUNCIL_RETURN,
                                                stroke="#000000", strokeWidth=0.8).encode(x=x, y=y, tooltip=return_tooltip))
            if with_labels:  # one chart: labels spread apart with the lines' end labels
                out.append(returns_layer.mark_text(align="left", dx=8, fontSize=10, color="#000000").encode(
                    x=x, y=label_y, text=alt.Text("label:N")))
            else:
                for stagger, dy in ((0, -10), (1, 13), (2, -23)):
                    out.append(returns_layer.transform_filter(alt.datum.stagger == stagger).mark_text(
                        align="left", dx=8, dy=dy, fontSize=10, color="#000000").encode(x=x, y=y, text=alt.Text("label:N")))
        if with_labels:
            last = frame[frame["kind"] == "figure"].sort_values("year").groupby("area_code", as_index=False).tail(1)
            colour = alt.Color("role:N", scale=role_scale, legend=legend)
            out.append(alt.Chart(last[last["role"] == "Group member"]).mark_text(align="left", dx=7, fontSize=10).encode(
                x=x, y=label_y, text=alt.Text("label:N"), color=colour))
            out.append(alt.Chart(last[last["role"] != "Group member"]).mark_text(
                align="left", dx=7, fontSize=11, fontWeight="bold").encode(x=x, y=label_y, text=alt.Text("label:N"),
                                                                        color=colour))
        return out

    if not panels:
        frame = pd.concat([data, own], ignore_index=True) if own is not None else data
        frame["label_value"] = _label_heights(frame, zero_based, height=PLOT_HEIGHT)
        return alt.layer(*layers(frame, True, x, y), height=540, width="container")
    councils = data[data["role"].isin(["Council of interest", "Group member"])]
    order = (councils.loc[councils["role"] == "Council of interest", "area_name"].drop_duplicates().tolist()
             + sorted(set(councils.loc[councils["role"] == "Group member", "area_name"])))
    references = data[data["role"].isin(["England", "Region"])]
    parts = []
    for name in order:
        parts += [councils[councils["area_name"] == name].assign(panel=name), references.assign(panel=name)]
        if own is not None:
            parts.append(own[own["area_name"] == name].assign(panel=name))
    frame = pd.concat(parts, ignore_index=True)
    frame["segment"] = frame["panel"] + "|" + frame["segment"].fillna("")
    frame["label_value"] = frame["value"]
    y = alt.Y("value:Q", title=None, scale=_scale(zero_based))
    x = alt.X("period:T", title=None, axis=alt.Axis(format="%Y", tickCount=5, labelAngle=0))
    # two panels a row at a fixed width, so the grid fits the page's column (three ran off the right edge)
    return alt.layer(*layers(None, False, x, y), data=frame, width=PANEL_WIDTH, height=150).facet(
        facet=alt.Facet("panel:N", sort=order, title=None, header=alt.Header(labelFontWeight="bold", labelFontSize=12)),
        columns=PANEL_COLUMNS, title=alt.TitleParams(f"{value_label} ({x_title})", anchor="start", fontSize=13)
    ).resolve_axis(x="independent", y="independent")


PANEL_COLUMNS, PANEL_WIDTH = 2, 260
#: The one-chart trend's plotting area: 540 px less the legend and axis that Streamlit fits inside it.
PLOT_HEIGHT = 420


def _label_heights(frame: pd.DataFrame, zero_based: bool, *, height: int, font_px: int = 17) -> pd.Series:
    """Where each end-of-line label and each council-return label goes: at its value, moved apart so
    none overlaps another (they all sit at the right-hand end of the chart)."""
    out = frame["value"].astype(float).copy()
    values = frame["value"].dropna().astype(float)
    if values.empty:
        return out
    low = 0.0 if zero_based else float(values.min())
    span = max(float(values.max()) - low, 1e-9) * 1.25  # Vega rounds the axis out ("nice")
    last = frame[frame["kind"] == "figure"].dropna(subset=["value"]).sort_values("year").groupby("area_code").tail(1)
    own = frame[frame["kind"] == "council return"].dropna(subset=["value"])
    labelled = pd.concat([last, own])
    gap = min(span * font_px / height, span / max(len(labelled), 1))
    out.loc[labelled.index] = spread(labelled["value"], gap)
    return out


def rank_chart(ranked: pd.DataFrame, thresholds: list[float], *, council: str, members: list[str],
               value_label: str, england: float | None, zero_based: bool, value_format: str = ",.0f") -> alt.LayerChart:
    """Every council's rate as a sorted bar, quartile bands behind, members named, the council marked.

    ``ranked``: area_code, area_name, rate, rank_label, quartile_label, period_label, source.
    """
    data = ranked.dropna(subset=["rate"]).copy()
    data["group"] = ["Council of interest" if c == council else ("Group member" if c in members else "Other councils")
                     for c in data["area_code"]]
    data = data.sort_values(["rate", "area_name"], ascending=[False, True]).reset_index(drop=True)
    order = data["area_name"].tolist()
    data["pos"] = data.index.astype(float)
    data["pos_from"], data["pos_to"] = data["pos"] - 0.42, data["pos"] + 0.42
    x_scale = alt.Scale(domain=[-1, max(len(order), 1)], nice=False, zero=False)
    x = alt.X("pos_from:Q", scale=x_scale, title=f"{len(order)} councils, highest rate first",
              axis=alt.Axis(labels=False, ticks=False, grid=False))
    y = alt.Y("rate:Q", title=value_label, scale=_scale(zero_based))
    low = 0 if zero_based else None
    bands = pd.DataFrame({
        "band": ["Q1 (lowest quarter)", "Q2", "Q3", "Q4 (highest quarter)"],
        "from": [low if low is not None else thresholds[0], thresholds[1], thresholds[2], thresholds[3]],
        "to": [thresholds[1], thresholds[2], thresholds[3], thresholds[4]],
        "shade": ["#F2F2F2", "#FFFFFF", "#F2F2F2", "#FFFFFF"]})
    bands["label"] = [f"{b}: {f:{value_format}} to {t:{value_format}}"
                      for b, f, t in zip(bands["band"], [thresholds[0], *thresholds[1:4]], bands["to"])]
    band_rects = alt.Chart(bands).mark_rect(stroke="#BBBBBB", strokeDash=[2, 2]).encode(
        y=alt.Y("from:Q", scale=_scale(zero_based)), y2=alt.Y2("to:Q"),
        color=alt.Color("shade:N", scale=None), tooltip=[alt.Tooltip("label:N", title="Quartile band")])
    # band names at the left edge, just under each band's top (on the right they met the members' labels)
    band_text = alt.Chart(bands).mark_text(align="left", baseline="top", dx=4, dy=3, fontSize=10,
                                           color="#555555").encode(
        x=alt.XValue(0), y=alt.Y("to:Q"), text=alt.Text("band:N"))
    colour = alt.Color("group:N", scale=alt.Scale(domain=["Council of interest", "Group member", "Other councils"],
                                                  range=[HIGHLIGHT, MEMBER, OTHER]),
                       legend=alt.Legend(title=None, orient="bottom"))
    tooltip = [alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("rate:Q", title=value_label, format=value_format),
               alt.Tooltip("rank_label:N", title="Rank"), alt.Tooltip("quartile_label:N", title="Quartile"),
               alt.Tooltip("period_label:N", title="Period"), alt.Tooltip("source:N", title="Source")]
    bars = alt.Chart(data).mark_rect().encode(x=x, x2=alt.X2("pos_to:Q"), y=y, y2=alt.Y2(datum=0), color=colour,
                                                 tooltip=tooltip)
    # the named bars' labels, moved sideways until none overlaps the next (neighbouring ranks collide)
    named = data[data["group"] != "Other councils"].copy()
    named["label_pos"] = spread(named["pos"], max(len(order) / 45, 1.0))
    label_x = alt.X("label_pos:Q", scale=x_scale)
    names = alt.Chart(named).mark_text(angle=270, align="left", dy=0, dx=6, fontSize=10, color="#000000").encode(
        x=label_x, y=y, text=alt.Text("area_name:N"))
    leaders = alt.Chart(named).mark_rule(color="#666666", strokeWidth=0.6).encode(
        x=alt.X("pos:Q", scale=x_scale), x2=alt.X2("label_pos:Q"), y=y)
    marker = alt.Chart(data[data["group"] == "Council of interest"]).mark_point(
        shape="triangle-up", size=140, filled=True, color=HIGHLIGHT, stroke="#000000", strokeWidth=0.8).encode(
        x=alt.X("pos:Q", scale=x_scale), y=alt.YValue("height"))
    layers = [band_rects, band_text, bars, leaders, names, marker]
    if england is not None and pd.notna(england):
        ref = pd.DataFrame({"rate": [england], "label": [f"England {england:{value_format}}"]})
        layers += [alt.Chart(ref).mark_rule(color=ENGLAND, strokeDash=[6, 3], size=2).encode(y=alt.Y("rate:Q")),
                   alt.Chart(ref).mark_text(color=ENGLAND, align="left", dx=4, dy=-7, fontWeight="bold").encode(
                       y=alt.Y("rate:Q"), x=alt.XValue(0), text=alt.Text("label:N"))]
    return alt.layer(*layers, height=480, width="container")


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, *, council: str, members: list[str],
                 value_label: str, zero_based: bool, log_population: bool = False) -> alt.LayerChart:
    """Rate against child population for every council, with England's rate and 95%/99.8% limits.

    ``points``: area_code, area_name, exact_rate, count, population, funnel_position.
    ``limits``: population, centre, lower_95, upper_95, lower_99_8, upper_99_8.
    """
    data = points.copy()
    data["group"] = ["Council of interest" if c == council else ("Group member" if c in members else "Other councils")
                     for c in data["area_code"]]
    long = []
    for column, line in (("centre", "England rate (centre line)"), ("lower_95", "95% limits"),
                         ("upper_95", "95% limits"), ("lower_99_8", "99.8% limits"), ("upper_99_8", "99.8% limits")):
        long.append(pd.DataFrame({"population": limits["population"], "value": limits[column], "line": line,
                                  "side": column}))
    long = pd.concat(long, ignore_index=True)
    x = alt.X("population:Q", title="Children aged 0-17 in the council (ONS mid-year estimate used by DfE)"
              + (", logarithmic scale" if log_population else ""),
              scale=alt.Scale(type="log") if log_population else alt.Scale(zero=True),
              axis=alt.Axis(format=",.0f"))
    y_scale = _scale(zero_based)
    line_domain = ["England rate (centre line)", "95% limits", "99.8% limits"]
    limit_lines = alt.Chart(long).mark_line(color="#333333").encode(
        x=x, y=alt.Y("value:Q", title=value_label, scale=y_scale), detail=alt.Detail("side:N"),
        strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=line_domain, range=[[1, 0], [6, 3], [2, 2]]),
                                  legend=alt.Legend(title="Lines", orient="right")),
        strokeWidth=alt.StrokeWidth("line:N", scale=alt.Scale(domain=line_domain, range=[2.5, 1.5, 1.5]), legend=None),
    )
    group_domain = ["Council of interest", "Group member", "Other councils"]
    tooltip = [alt.Tooltip("area_name:N", title="Council"),
               alt.Tooltip("exact_rate:Q", title="Rate per 10,000 (count / population)", format=",.1f"),
               alt.Tooltip("rate:Q", title="Published rate", format=",.1f"),
               alt.Tooltip("count:Q", title="Children in care", format=",.0f"),
               alt.Tooltip("population:Q", title="Children aged 0-17", format=",.0f"),
               alt.Tooltip("funnel_position:N", title="Against England"),
               alt.Tooltip("period_label:N", title="Period")]
    dots = alt.Chart(data).mark_point(filled=True, opacity=0.9).encode(
        x=x, y=alt.Y("exact_rate:Q", scale=y_scale),
        color=alt.Color("group:N", scale=alt.Scale(domain=group_domain, range=[HIGHLIGHT, MEMBER, OTHER]),
                        legend=alt.Legend(title="Councils", orient="right")),
        shape=alt.Shape("group:N", scale=alt.Scale(domain=group_domain, range=["triangle-up", "circle", "circle"]),
                        legend=alt.Legend(title="Councils", orient="right")),
        size=alt.Size("group:N", scale=alt.Scale(domain=group_domain, range=[180, 70, 30]), legend=None),
        order=alt.Order("group:N", sort="descending"),
        tooltip=tooltip,
    )
    named = data[data["group"] != "Other councils"].copy()
    # labels beside their dots, lifted where two neighbours' labels would overlap
    span_y = float(data["exact_rate"].max() - (0 if zero_based else data["exact_rate"].min())) or 1.0
    x_values = np.log10(named["population"].clip(lower=1)) if log_population else named["population"]
    x_span = float((np.log10(data["population"].clip(lower=1)) if log_population else data["population"]).max()) or 1.0
    named["label_rate"] = place_labels(x_values, named["exact_rate"], x_gap=x_span * 0.12, y_gap=span_y * 0.035)
    names = alt.Chart(named).mark_text(align="left", dx=8, fontSize=10).encode(
        x=x, y=alt.Y("label_rate:Q", scale=y_scale), text=alt.Text("area_name:N"))
    return alt.layer(limit_lines, dots, names, height=540, width="container")


def neighbours_chart(table: pd.DataFrame, summary: dict, *, value_label: str, region_name: str, zero_based: bool,
                     value_format: str = ",.0f") -> alt.LayerChart:
    """The council, its neighbours and the benchmarks as one sorted set of labelled bars.

    The neighbours' mean and median, England and the region are bars of their own (as
    LAIT's statistical-neighbour chart shows them), each with its own colour and name.
    """
    data = table.dropna(subset=["rate"]).copy()
    data["bar"] = data["role"]
    bench = [("Neighbours' mean", "Neighbours' mean (simple)", summary.get("mean")),
             ("Neighbours' median", "Neighbours' median", summary.get("median")),
             ("England", "England", summary.get("england")),
             ("Region", region_name, summary.get("region"))]
    extra = pd.DataFrame([{"bar": kind, "area_name": name, "rate": value, "role": kind}
                          for kind, name, value in bench if value is not None and pd.notna(value)])
    data = pd.concat([data, extra], ignore_index=True)
    order = data.sort_values("rate", ascending=False)["area_name"].tolist()
    domain = ["Council of interest", "Neighbour", "Neighbours' mean", "Neighbours' median", "England", "Region"]
    colours = [HIGHLIGHT, MEMBER, NEIGHBOUR_MEAN, NEIGHBOUR_MEDIAN, ENGLAND, REGION]
    y = alt.Y("area_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("rate:Q", title=value_label, scale=_scale(zero_based))
    tooltip = [alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("bar:N", title="Role"),
               alt.Tooltip("neighbour_rank:Q", title="Neighbour rank (1 = closest)"),
               alt.Tooltip("rate:Q", title=value_label, format=value_format),
               alt.Tooltip("count:Q", title="Children", format=",.0f"), alt.Tooltip("source:N", title="Source")]
    bars = alt.Chart(data).mark_bar().encode(
        y=y, x=x, tooltip=tooltip,
        color=alt.Color("bar:N", scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(title=None, orient="bottom", labelExpr=(
                            f"datum.label == 'Region' ? '{region_name}' : datum.label"))))
    averages = data["bar"].isin(["Neighbours' mean", "Neighbours' median"])
    values = alt.Chart(data[~averages]).mark_text(align="left", dx=3).encode(
        y=y, x=x, text=alt.Text("rate:Q", format=value_format))
    average_values = alt.Chart(data[averages]).mark_text(align="left", dx=3).encode(
        y=y, x=x, text=alt.Text("rate:Q", format=",.1f"))
    marker = alt.Chart(data[data["role"] == "Council of interest"]).mark_point(
        shape="triangle-right", size=110, filled=True, color=HIGHLIGHT).encode(y=y, x=alt.XValue(-8))
    return alt.layer(bars, values, average_values, marker, height=max(300, 30 * len(order) + 110), width="container")
