"""Altair builders for the Fostering page: a frame in, a chart out.

Colour never carries meaning alone: series also differ by marker shape, dash or a label,
and synthetic figures say so in the chart title and their legend entry.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from regional.charts import ENGLAND, HIGHLIGHT, MEMBER, OTHER, PALETTE, REGION

ROLE_ORDER = ["Council of interest", "Group member", "Region", "England"]
ROLE_COLOURS = [HIGHLIGHT, MEMBER, REGION, ENGLAND]
ROLE_SHAPES = ["triangle-up", "circle", "diamond", "square"]
ROLE_DASH = [[1, 0], [1, 0], [6, 3], [2, 2]]
SERIES_PUBLISHED = "Published by the council"
SERIES_DERIVED = "Derived (all minus kinship)"
SERIES_SYNTHETIC = "SYNTHETIC: published count +/- example pipeline net change"


def _title(text: str, synthetic: bool = False) -> alt.TitleParams:
    return alt.TitleParams(("SYNTHETIC EXAMPLE DATA: " if synthetic else "") + text, anchor="start")


def households_chart(published: pd.DataFrame, trajectory: pd.DataFrame) -> alt.FacetChart:
    """Households over time: one row of panels per council, one column per household type.

    Published counts are filled markers with their value; the synthetic trajectory (when
    shown) is a dashed line with hollow markers.
    """
    pub = published.dropna(subset=["value"]).assign(
        households=lambda d: d["value"],
        series=lambda d: d["basis"].map({"published": SERIES_PUBLISHED}).fillna(SERIES_DERIVED))
    pub = pub[["area_name", "household_type", "period", "period_label", "households", "series"]]
    traj = trajectory.assign(series=SERIES_SYNTHETIC, household_type=trajectory["household_type"].map(
        {"mainstream": "Mainstream", "kinship": "Kinship / connected person"}))
    traj = traj[["area_name", "household_type", "period", "period_label", "households", "series"]]
    data = pd.concat([pub, traj], ignore_index=True)
    data["period"] = pd.to_datetime(data["period"])
    series = [SERIES_PUBLISHED, SERIES_DERIVED]
    councils = sorted(data["area_name"].unique())
    colour = alt.Color("area_name:N", title="Council", scale=alt.Scale(domain=councils, range=PALETTE[:len(councils)]),
                       legend=alt.Legend(orient="bottom", columns=1, labelLimit=300))
    base = alt.Chart().encode(
        x=alt.X("period:T", title="Date of the count"),
        y=alt.Y("households:Q", title="Fostering households", scale=alt.Scale(zero=True)),
        color=colour,
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("household_type:N", title="Type"),
                 alt.Tooltip("period_label:N", title="Period"), alt.Tooltip("households:Q", title="Households", format=",.0f"),
                 alt.Tooltip("series:N", title="Figure")])
    line = base.transform_filter(alt.datum.series == SERIES_SYNTHETIC).mark_line(strokeWidth=2).encode(
        detail=alt.Detail("area_name:N"), strokeDash=alt.StrokeDash(
            "series:N", title=None, scale=alt.Scale(domain=[SERIES_SYNTHETIC], range=[[5, 3]]),
            legend=alt.Legend(orient="bottom", labelLimit=400)))
    points = base.transform_filter(alt.datum.series != SERIES_SYNTHETIC).mark_point(size=110, filled=True).encode(
        shape=alt.Shape("series:N", title="Figure", scale=alt.Scale(domain=series, range=["circle", "square"]),
                        legend=alt.Legend(orient="bottom", columns=1)))
    labels = base.transform_filter(alt.datum.series != SERIES_SYNTHETIC).mark_text(dy=-12, fontWeight="bold").encode(
        text=alt.Text("households:Q", format=",.0f"))
    synthetic = bool((data["series"] == SERIES_SYNTHETIC).any())
    return alt.layer(line, points, labels, data=data, width=230, height=150).facet(
        column=alt.Column("household_type:N", title=None, sort=["Mainstream", "Kinship / connected person", "All in-house"]),
        row=alt.Row("area_name:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelOrient="top",
                                                                labelAnchor="start", labelFontWeight="bold"))
    ).properties(title=_title("Fostering households by council and type", synthetic))


def inhouse_ifa_chart(frame: pd.DataFrame) -> alt.Chart:
    """Children with the council's own foster carers vs independent fostering agencies (counts), one bar each."""
    data = frame[frame["indicator_id"].isin(["cic_in_inhouse_foster_count", "cic_in_ifa_foster_count"])].dropna(
        subset=["value"]).copy()
    carers = {"cic_in_inhouse_foster_count": "In-house (council) carers",
              "cic_in_ifa_foster_count": "Independent fostering agency (IFA)"}
    data["carer"] = data["indicator_id"].map(carers)
    data["label"] = data["area_name"] + " (" + data["period_label"] + "): " + data["carer"]
    data = data.sort_values(["area_name", "period", "carer"], ascending=[True, False, False])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=data["label"].tolist(), axis=alt.Axis(labelLimit=420)),
        x=alt.X("value:Q", title="Children in foster care"),
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("carer:N", title="Carers"),
                 alt.Tooltip("value:Q", title="Children", format=",.0f"), alt.Tooltip("period_label:N", title="Date"),
                 alt.Tooltip("source_title:N", title="Source")])
    bars = base.mark_bar().encode(color=alt.Color("carer:N", title=None, scale=alt.Scale(
        domain=list(carers.values()), range=[MEMBER, PALETTE[1]]), legend=None))
    text = base.mark_text(align="left", dx=4, fontWeight="bold").encode(text=alt.Text("value:Q", format=",.0f"))
    return alt.layer(bars, text, height=alt.Step(30), width="container",
                     title=_title("Children in foster care by type of carer (where published)"))


def places_bars(latest: pd.DataFrame, council: str | None) -> alt.Chart:
    """Approved places (wide, light bar) with filled places (narrow, dark bar) and utilisation as a label."""
    data = latest.copy()
    data["label"] = data["area_name"] + data["area_code"].map(lambda c: "  ◀" if c == council else "")
    order = data.sort_values("approved", ascending=False)["label"].tolist()
    long = data.melt(id_vars=["label", "area_name", "period_label", "utilisation_pct", "status"],
                     value_vars=["approved", "filled"], var_name="places", value_name="count")
    long["places"] = long["places"].map({"approved": "Places approved", "filled": "Places filled"})
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    tooltip = [alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("places:N", title="Measure"),
               alt.Tooltip("count:Q", format=",.0f"), alt.Tooltip("utilisation_pct:Q", title="Utilisation %", format=".0f"),
               alt.Tooltip("period_label:N", title="Year")]
    colour = alt.Color("places:N", title=None, scale=alt.Scale(domain=["Places approved", "Places filled"],
                                                              range=["#9ecae1", MEMBER]), legend=alt.Legend(orient="bottom"))
    approved = alt.Chart(long).transform_filter(alt.datum.places == "Places approved").mark_bar(size=16).encode(
        y=y, x=alt.X("count:Q", title="LA foster places (excluding family and friends)"), color=colour, tooltip=tooltip)
    filled = alt.Chart(long).transform_filter(alt.datum.places == "Places filled").mark_bar(size=7).encode(
        y=y, x=alt.X("count:Q"), color=colour, tooltip=tooltip)
    text_data = data.dropna(subset=["utilisation_pct"]).assign(
        text=lambda d: d["utilisation_pct"].map(lambda v: f"{v:.0f}% filled"))
    text = alt.Chart(text_data).mark_text(align="left", dx=4).encode(y=y, x=alt.X("approved:Q"), text=alt.Text("text:N"))
    return alt.layer(approved, filled, text, height=alt.Step(24), width="container")


def utilisation_strip(latest: pd.DataFrame, *, members: list[str], council: str | None, england: float | None,
                      region: float | None, region_name: str) -> alt.Chart:
    """Every council's utilisation on one axis: others as grey ticks, members as marked points."""
    data = latest.dropna(subset=["utilisation_pct"]).copy()
    data = data[data["level"] == "la"]
    data["group"] = ["Council of interest" if c == council else ("Group member" if c in members else "Other council")
                     for c in data["area_code"]]
    data["row"] = data["group"].map({"Council of interest": "Group members", "Group member": "Group members",
                                     "Other council": "Other councils"})
    x = alt.X("utilisation_pct:Q", title="Utilisation: places filled as % of places approved", scale=alt.Scale(domain=[0, 100]))
    tooltip = [alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("utilisation_pct:Q", title="Utilisation %", format=".1f"),
               alt.Tooltip("filled:Q", title="Filled"), alt.Tooltip("approved:Q", title="Approved"),
               alt.Tooltip("period_label:N", title="Year")]
    y = alt.Y("row:N", title=None, sort=["Group members", "Other councils"])
    others = alt.Chart(data[data["group"] == "Other council"]).mark_tick(color=OTHER, thickness=2, size=22).encode(
        x=x, y=y, tooltip=tooltip)
    mine = alt.Chart(data[data["group"] != "Other council"]).mark_point(filled=True, size=120, opacity=0.9).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("group:N", title=None, scale=alt.Scale(domain=["Council of interest", "Group member"],
                                                              range=[HIGHLIGHT, MEMBER]), legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("group:N", title=None, scale=alt.Scale(domain=["Council of interest", "Group member"],
                                                              range=["triangle-up", "circle"])))
    label = alt.Chart(data[data["group"] == "Council of interest"]).mark_text(dy=18, fontWeight="bold", color=HIGHLIGHT).encode(
        x=x, y=y, text=alt.Text("area_name:N"))
    layers = [others, mine, label]
    for name, value, colour, dash in (("England", england, ENGLAND, [2, 2]), (region_name, region, REGION, [6, 3])):
        if value is None or pd.isna(value):
            continue
        ref = pd.DataFrame({"utilisation_pct": [value], "text": [f"{name} {value:.0f}%"]})
        layers.append(alt.Chart(ref).mark_rule(color=colour, strokeDash=dash, size=2).encode(x=x))
        above = value >= (region if name == "England" else england) if (england is not None and region is not None
                                                                         and pd.notna(england) and pd.notna(region)) else True
        layers.append(alt.Chart(ref).mark_text(color=colour, align="left" if above else "right", dx=4 if above else -4,
                                               dy=-4, fontWeight="bold", baseline="bottom").encode(
            x=x, y=alt.YValue(0), text=alt.Text("text:N")))
    return alt.layer(*layers, height=alt.Step(48), width="container")


def utilisation_trend(frame: pd.DataFrame) -> alt.Chart:
    """Utilisation by year: members, the council of interest, the region and England, each with its own marker."""
    data = frame.dropna(subset=["utilisation_pct"]).copy()
    data["year"] = data["period_label"]
    roles = [r for r in ROLE_ORDER if r in set(data["role"])]
    scale = lambda values: alt.Scale(domain=roles, range=[values[ROLE_ORDER.index(r)] for r in roles])  # noqa: E731
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Year ending 31 March", axis=alt.Axis(labelAngle=0), scale=alt.Scale(padding=0.9)),
        y=alt.Y("utilisation_pct:Q", title="Places filled as % of approved", scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("utilisation_pct:Q", title="Utilisation %", format=".1f"),
                 alt.Tooltip("filled:Q", title="Filled"), alt.Tooltip("approved:Q", title="Approved")])
    lines = base.mark_line(strokeWidth=2).encode(
        detail=alt.Detail("area_name:N"),
        color=alt.Color("role:N", title=None, scale=scale(ROLE_COLOURS), legend=None),
        strokeDash=alt.StrokeDash("role:N", scale=scale(ROLE_DASH), legend=None),
        opacity=alt.OpacityValue(1, condition={"test": "(datum.role === 'Group member')", "value": 0.45}))
    points = base.mark_point(filled=True, size=60).encode(
        detail=alt.Detail("area_name:N"),
        color=alt.Color("role:N", title=None, scale=scale(ROLE_COLOURS), legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("role:N", title=None, scale=scale(ROLE_SHAPES), legend=alt.Legend(orient="bottom")))
    last = data[data["role"] != "Group member"].sort_values("year").groupby("area_name").tail(1)
    labels = alt.Chart(last).mark_text(align="left", dx=8, fontWeight="bold").encode(
        x=alt.X("year:O"), y=alt.Y("utilisation_pct:Q"), text=alt.Text("area_name:N"),
        color=alt.Color("role:N", scale=scale(ROLE_COLOURS), legend=None))
    return alt.layer(lines, points, labels, height=440, width="container")


def funnel_chart(fun: pd.DataFrame, *, synthetic: bool, columns: int = 2) -> alt.FacetChart:
    """The recruitment funnel, one panel per council and one for all councils shown."""
    data = fun.copy()
    previous = data.groupby("area_name")["count"].shift(1)
    data["text"] = [("not reported" if pd.isna(c) else
                     f"{c:,.0f}" + (f"  ({c / p * 100:.0f}% of previous)" if pd.notna(p) and p > 0 else ""))
                    for c, p in zip(data["count"], previous)]
    data["bar"] = data["count"].fillna(0)
    order = list(dict.fromkeys(data.sort_values("order")["stage_label"]))
    panels = list(dict.fromkeys(data["area_name"]))
    base = alt.Chart().encode(y=alt.Y("stage_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
                              tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("stage_label:N", title="Stage"),
                                       alt.Tooltip("count:Q", title="Count", format=",.0f"),
                                       alt.Tooltip("first_period:N", title="From"), alt.Tooltip("last_period:N", title="To")])
    bars = base.mark_bar(color=MEMBER).encode(x=alt.X("bar:Q", title="Households / people at each stage"))
    text = base.mark_text(align="left", dx=3).encode(x=alt.X("bar:Q"), text=alt.Text("text:N"))
    return alt.layer(bars, text, data=data, width=260, height=170).facet(
        facet=alt.Facet("area_name:N", title=None, sort=panels), columns=columns
    ).resolve_scale(x="independent").properties(title=_title("Recruitment funnel", synthetic))


def net_change_chart(net: pd.DataFrame, *, synthetic: bool, width: int = 640) -> alt.FacetChart:
    """Approvals up, de-registrations down, net change as a labelled diamond, per period and council."""
    data = net.copy()
    long = pd.concat([
        data.assign(flow="Approvals", amount=data["approvals"]),
        data.assign(flow="De-registrations", amount=-data["deregistrations"]),
    ], ignore_index=True)
    long = long[["area_name", "period_label", "period", "flow", "amount", "net_change"]]
    long["amount"] = long["amount"].astype(float)
    long["net_change"] = long["net_change"].astype(float)
    long["net_text"] = long["net_change"].map(lambda v: "" if pd.isna(v) else f"{v:+.0f}")
    x = alt.X("period_label:O", title="Period", sort=alt.EncodingSortField("period"), axis=alt.Axis(labelAngle=-45))
    tooltip = [alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("period_label:N", title="Period"),
               alt.Tooltip("flow:N", title="Flow"), alt.Tooltip("amount:Q", title="Households", format="+,.0f"),
               alt.Tooltip("net_change:Q", title="Net change", format="+,.0f")]
    bars = alt.Chart().mark_bar().encode(
        x=x, y=alt.Y("amount:Q", title="Households (approvals up, de-registrations down)"),
        color=alt.Color("flow:N", title=None, scale=alt.Scale(domain=["Approvals", "De-registrations", "Net change"],
                                                             range=[MEMBER, HIGHLIGHT, ENGLAND]),
                        legend=alt.Legend(orient="bottom")), tooltip=tooltip)
    net_only = alt.Chart().transform_filter(alt.datum.flow == "Approvals")
    marks = net_only.mark_point(shape="diamond", filled=True, size=90, color=ENGLAND).encode(
        x=x, y=alt.Y("net_change:Q"), tooltip=tooltip)
    text = net_only.mark_text(dx=0, dy=-12, fontWeight="bold").encode(x=x, y=alt.Y("net_change:Q"),
                                                                      text=alt.Text("net_text:N"))
    zero = alt.Chart().mark_rule(color="#666666", aria=False).encode(y=alt.YDatum(0))  # decorative: no alt text
    return alt.layer(bars, zero, marks, text, data=long, width=width, height=200).facet(
        row=alt.Row("area_name:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                                                labelOrient="top", labelFontWeight="bold"))
    ).resolve_scale(x="independent").properties(
        title=_title("Net household change: approvals minus de-registrations (diamond = net)", synthetic))


def reasons_chart(reasons: pd.DataFrame, *, synthetic: bool, columns: int = 3) -> alt.FacetChart:
    """De-registrations by reason, one small panel per council, each bar labelled with its count."""
    data = reasons.groupby(["area_name", "reason"], as_index=False)["count"].sum()
    order = data.groupby("reason")["count"].sum().sort_values(ascending=False).index.tolist()
    base = alt.Chart().encode(
        y=alt.Y("reason:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("count:Q", title="De-registrations", axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=[alt.Tooltip("area_name:N", title="Council"), alt.Tooltip("reason:N", title="Reason"),
                 alt.Tooltip("count:Q", title="De-registrations")])
    bars = base.mark_bar(color=HIGHLIGHT)
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text("count:Q", format=",.0f"))
    return alt.layer(bars, text, data=data, width=200, height=alt.Step(20)).facet(
        facet=alt.Facet("area_name:N", title=None), columns=columns
    ).properties(title=_title("Why households left", synthetic))


def forecast_chart(frame: pd.DataFrame, council: str) -> alt.Chart:
    """Households needed vs expected by year, the gap shaded between them; the value axis starts at
    zero, so the gap reads against the whole number of households, not magnified."""
    long = frame.melt(id_vars=["year", "kind"], value_vars=["households_needed", "households_expected"],
                      var_name="series", value_name="households")
    long["series"] = long["series"].map({"households_needed": "Needed", "households_expected": "Expected at current trend"})
    long["text"] = long["households"].map(lambda v: f"{v:,.0f}")
    domain = ["Needed", "Expected at current trend"]
    x = alt.X("year:O", title="Year ending 31 March", axis=alt.Axis(labelAngle=0))
    gap = alt.Chart(frame).mark_area(opacity=0.18, color=HIGHLIGHT).encode(x=x, y=alt.Y("households_needed:Q"),
                                                                           y2=alt.Y2("households_expected:Q"))
    base = alt.Chart(long).encode(
        x=x, y=alt.Y("households:Q", title="In-house mainstream fostering households",
                                                 scale=alt.Scale(zero=True, nice=True)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=[HIGHLIGHT, MEMBER]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("households:Q", format=",.1f"), alt.Tooltip("kind:N", title="Figure")])
    lines = base.mark_line(strokeWidth=2.5).encode(strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(
        domain=domain, range=[[1, 0], [6, 3]]), legend=None))
    points = base.mark_point(filled=True, size=80).encode(shape=alt.Shape("series:N", scale=alt.Scale(
        domain=domain, range=["triangle-up", "circle"]), title=None, legend=alt.Legend(orient="bottom")))
    text = base.transform_filter((alt.datum.kind != "latest figures") | (alt.datum.series == "Needed")).mark_text(
        dy=-12, fontWeight="bold").encode(text=alt.Text("text:N"))
    return alt.layer(gap, lines, points, text, height=430, width="container",
                     title=_title(f"{council}: households needed vs expected"))


def children_chart(history: pd.DataFrame, projection: pd.DataFrame) -> alt.Chart:
    """Children in foster care: DfE's years (solid) and the projection (dashed)."""
    past = history.dropna(subset=["children_in_foster"]).assign(series="DfE (children in care x % fostered)")
    projection = projection.sort_values("year")
    future = projection.assign(series="Projection")
    data = pd.concat([past[["year", "children_in_foster", "series"]], future[["year", "children_in_foster", "series"]]],
                     ignore_index=True)
    domain = ["DfE (children in care x % fostered)", "Projection"]
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Year ending 31 March", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("children_in_foster:Q", title="Children in foster care", scale=alt.Scale(zero=True, nice=True)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=[ENGLAND, HIGHLIGHT]),
                        legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[alt.Tooltip("year:O"), alt.Tooltip("children_in_foster:Q", format=",.0f"), alt.Tooltip("series:N")])
    lines = base.mark_line().encode(strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]),
                                                              legend=None))
    points = base.mark_point(filled=True, size=50).encode(shape=alt.Shape("series:N", scale=alt.Scale(
        domain=domain, range=["circle", "triangle-up"]), title=None))
    return alt.layer(lines, points, height=360, width="container")
