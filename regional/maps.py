"""Council maps as Vega-Lite charts (Altair): a frame in, a chart out.

Drawn by the browser's 2-D canvas like every other chart, not by WebGL: the deck.gl maps these
replace cost 2-4 s of software WebGL (SwiftShader) on every visit on a machine without a GPU
(Chromium traces on this project's 2-core test machine, 26 Nov 2026). Being Vega-Lite, a map is plain data like any chart: cached by what it draws, and
drawn into the meeting pack by the same renderer. No external tiles: the map draws council
boundaries itself, so a page makes no request outside the machine."""
from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

#: Viridis in five classes (colour-vision safe, no grey in it), low -> high, with names for the legend.
CLASSES = [((68, 1, 84), "dark purple"), ((59, 82, 139), "blue"), ((33, 145, 140), "teal"),
           ((94, 201, 98), "green"), ((253, 231, 37), "yellow")]
#: Councils without a figure: very pale, half transparent, and their tooltip says why.
NO_DATA = (235, 235, 235)
OUTLINE = (120, 120, 120)
MEMBER_OUTLINE = (0, 0, 0)  # group members: black and thicker than the grey of other councils
HIGHLIGHT_OUTLINE = (213, 94, 0)
#: Outline widths in pixels: other councils, group members, the council of interest.
LINE_WIDTHS = (0.4, 1.2, 2.6)
WIDTH, HEIGHT = 700, 560
#: A map's extent: west, south, east, north (degrees). None: all of England.
Extent = tuple[float, float, float, float]


def css(colour) -> str:
    """[r, g, b] or [r, g, b, a (0-255)] as a CSS colour Vega draws."""
    r, g, b, *a = [int(c) for c in colour]
    return f"rgba({r},{g},{b},{round(a[0] / 255, 3) if a else 1})"


def class_breaks(values: pd.Series, steps: int = len(CLASSES)) -> list[float]:
    """Quantile class edges, so one outlier (Shropshire's homes) cannot wash out the rest."""
    known = pd.Series(values, dtype=float).dropna()
    if known.empty:
        return []
    edges = [float(known.quantile(i / steps)) for i in range(steps + 1)]
    return sorted(set(edges)) if len(set(edges)) < len(edges) else edges


def class_of(value: float | None, edges: list[float]) -> int | None:
    """0-based class of a value; the top edge belongs to the last class."""
    if value is None or pd.isna(value) or not edges:
        return None
    for i in range(len(edges) - 1):
        if value < edges[i + 1]:
            return i
    return max(len(edges) - 2, 0)


def ramp_colour(value: float | None, edges: list[float]) -> list[int]:
    index = class_of(value, edges)
    if index is None:
        return list(NO_DATA) + [120]
    # With fewer classes than colours (many equal values) spread them over the ramp.
    colour_index = round(index * (len(CLASSES) - 1) / max(len(edges) - 2, 1))
    return list(CLASSES[colour_index][0]) + [210]


def choropleth_features(boundaries: dict, values: pd.DataFrame, *, value_label: str, unit_suffix: str = "",
                        members: list[str] | None = None, highlight: str | None = None) -> dict:
    """The boundaries with fill colour, outline and tooltip text per council, drawn in the
    order that keeps the thick outlines on top (others, then members, then the council of interest).

    ``values`` has code, value, and optionally status and period_label; councils
    without a figure are pale and their tooltip says why (suppressed, not published).
    """
    by_code = values.set_index("code")
    edges = class_breaks(values["value"])
    members = set(members or [])
    # each feature and its properties are new; the geometry (most of the data) is shared, never changed
    out = {**boundaries, "features": [{**f, "properties": dict(f["properties"])} for f in boundaries["features"]]}
    for feature in out["features"]:
        code = feature["properties"]["code"]
        row = by_code.loc[code] if code in by_code.index else None
        value = None if row is None else row["value"]
        status = "not held" if row is None else row.get("status", "ok")
        period = "" if row is None else f" ({row.get('period_label', '')})"
        if value is None or pd.isna(value):
            text = f"{status}"
        else:
            text = f"{value:,.1f}{unit_suffix}".replace(".0" + unit_suffix, unit_suffix) + period
        props = feature["properties"]
        rank = 2 if code == highlight else (1 if code in members else 0)
        props["fill"] = css(ramp_colour(value, edges))
        props["line"] = css(HIGHLIGHT_OUTLINE if rank == 2 else MEMBER_OUTLINE if rank == 1 else OUTLINE)
        props["line_width"] = LINE_WIDTHS[rank]
        props["rank"] = rank
        props["tooltip"] = f"{props['name']}: {value_label} {text}" + (" · group member" if code in members else "")
    out["features"].sort(key=lambda f: f["properties"]["rank"])
    return out


def _bounds(feature: dict) -> Extent:
    points = [p for polygon in feature["geometry"]["coordinates"] for p in polygon[0]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def extent_for(boundaries: dict, codes: list[str], *, pad: float = 0.12, points: list | None = None,
               reach: float = 1.0) -> Extent | None:
    """The councils' bounding box with ``pad`` of its size round it (None, all of England, when none
    are on the map). ``points`` (lon, lat) widen it, but by no more than ``reach`` times its size on
    each side: one child placed in Northumberland does not shrink the South West to a dot."""
    boxes = [_bounds(f) for f in boundaries["features"] if f["properties"]["code"] in set(codes)
             and f["geometry"]["coordinates"]]
    if not boxes:
        return None
    w, s = min(b[0] for b in boxes), min(b[1] for b in boxes)
    e, n = max(b[2] for b in boxes), max(b[3] for b in boxes)
    span_x, span_y = max(e - w, 0.2), max(n - s, 0.15)
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        w, e = max(min(w, *xs), w - reach * span_x), min(max(e, *xs), e + reach * span_x)
        s, n = max(min(s, *ys), s - reach * span_y), min(max(n, *ys), n + reach * span_y)
        span_x, span_y = max(e - w, 0.2), max(n - s, 0.15)
    return (round(w - pad * span_x, 4), round(s - pad * span_y, 4), round(e + pad * span_x, 4),
            round(n + pad * span_y, 4))


def _in_extent(feature: dict, extent: Extent | None) -> bool:
    if extent is None or not feature["geometry"]["coordinates"]:
        return True
    w, s, e, n = _bounds(feature)
    return not (e < extent[0] or w > extent[2] or n < extent[1] or s > extent[3])


def _projection(extent: Extent | None, features: list[dict]) -> alt.Projection:
    """Mercator, fitted to the extent, or to every council drawn: two corner points (a rectangle's
    winding would matter to d3, and a whole collection would be validated point by point)."""
    if extent is None:
        boxes = [_bounds(f) for f in features if f["geometry"]["coordinates"]] or [(-6.4, 49.8, 1.8, 55.9)]
        extent = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                  max(b[3] for b in boxes))
    w, s, e, n = extent
    return alt.Projection(type="mercator", fit={"type": "Feature", "properties": {},
                                                "geometry": {"type": "MultiPoint", "coordinates": [[w, s], [e, n]]}})


def _inline(chart: alt.Chart, values: list[dict]) -> alt.Chart:
    """The chart drawing ``values`` (GeoJSON features or records), set after it is built: Altair
    validates inline data point by point when it is given at construction, which took 3-6 s for
    England's 10,000 boundary points on every map (measured 26 Nov 2026), for no gain here. A tuple,
    because Altair deep-copies lists and dicts each time charts are layered or given properties
    (three times per map) and leaves a tuple whole; it writes the tuple out as a list."""
    chart.data = {"values": tuple(values)}
    return chart


def _councils_layer(features: list[dict]) -> alt.Chart:
    # a single tooltip field: Vega shows its text as it is ("Dorset: ... 28% (2025) · group member")
    return _inline(alt.Chart(alt.Data(values=[]), name="councils").mark_geoshape(clip=True).encode(
        fill=alt.Fill("properties.fill:N", scale=None, legend=None),
        stroke=alt.Stroke("properties.line:N", scale=None, legend=None),
        strokeWidth=alt.StrokeWidth("properties.line_width:Q", scale=None, legend=None),
        tooltip=alt.Tooltip("properties.tooltip:N")), features)


def choropleth(boundaries: dict, values: pd.DataFrame, *, value_label: str, unit_suffix: str = "",
               members: list[str] | None = None, highlight: str | None = None, extent: Extent | None = None,
               extra_layers: list | None = None, height: int = HEIGHT) -> alt.LayerChart:
    """Councils coloured by a value; the group's members outlined, the council of interest in orange."""
    features = choropleth_features(boundaries, values, value_label=value_label, unit_suffix=unit_suffix,
                                   members=members, highlight=highlight)["features"]
    shown = [f for f in features if _in_extent(f, extent)]
    return alt.layer(_councils_layer(shown), *(extra_layers or []),
                     width=WIDTH, height=height, projection=_projection(extent, shown)).configure_view(stroke=None)


def legend_table(values: pd.Series, unit_suffix: str = "") -> pd.DataFrame:
    """The map's classes as a table (colour alone must not carry meaning): range, colour name, councils."""
    edges = class_breaks(values)
    known = pd.Series(values, dtype=float).dropna()
    if not edges:
        return pd.DataFrame(columns=["class", "from", "to", "colour", "councils"])
    classes = known.map(lambda v: class_of(v, edges))
    rows = []
    for i in range(max(len(edges) - 1, 1)):
        low, high = edges[i], edges[min(i + 1, len(edges) - 1)]
        colour = ramp_colour(low if i < len(edges) - 1 else high, edges)[:3]
        name = next(n for c, n in CLASSES if list(c) == colour)
        rows.append({"class": f"{i + 1} of {max(len(edges) - 1, 1)}", "from": f"{low:,.1f}{unit_suffix}",
                     "to": f"{high:,.1f}{unit_suffix}" + (" (included)" if i == max(len(edges) - 2, 0) else " (excluded)"),
                     "colour": name, "councils": int((classes == i).sum())})
    rows.append({"class": "no figure", "from": "", "to": "", "colour": "very pale grey",
                 "councils": int(pd.Series(values).isna().sum())})
    return pd.DataFrame(rows)


# --- Placement distance: arcs, rings and the group's outline --------------------------
ARC_WIDTH = {"Under 5 miles": 1, "5 to 10 miles": 1.2, "10 to 20 miles": 1.5, "20 to 50 miles": 2,
             "Over 50 miles": 2.5, "Not known": 1}
RING_COLOUR = (0, 0, 0)
GROUP_OUTLINE = (0, 114, 178)
FAR_BANDS = ("20 to 50 miles", "Over 50 miles")


def hex_rgb(colour: str, alpha: int = 220) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def group_outline_paths(boundaries: dict, members: list[str]) -> list[list[list[float]]]:
    """The group's outer boundary: every member edge not shared with another member, chained into paths.

    Neighbouring councils share their border point for point (one TopoJSON arc), so an
    edge that appears once is on the outside of the group.
    """
    wanted = set(members)
    counts: dict[tuple, int] = {}
    for feature in boundaries["features"]:
        if feature["properties"]["code"] not in wanted:
            continue
        for polygon in feature["geometry"]["coordinates"]:
            for ring_ in polygon:
                for a, b in zip(ring_[:-1], ring_[1:]):
                    key = (tuple(a), tuple(b)) if tuple(a) <= tuple(b) else (tuple(b), tuple(a))
                    counts[key] = counts.get(key, 0) + 1
    edges = [e for e, n in counts.items() if n == 1]
    neighbours: dict[tuple, list[tuple]] = {}
    for a, b in edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    unused = set(edges)
    paths = []
    for start_edge in edges:
        if start_edge not in unused:
            continue
        unused.discard(start_edge)
        path = [start_edge[0], start_edge[1]]
        while True:
            tail = path[-1]
            step = next((n for n in neighbours.get(tail, [])
                         if ((tail, n) if tail <= n else (n, tail)) in unused), None)
            if step is None:
                break
            unused.discard((tail, step) if tail <= step else (step, tail))
            path.append(step)
        paths.append([list(p) for p in path])
    return paths


def _lines(rows: list[dict]) -> list[dict]:
    """Paths (``path``: [[lon, lat], ...]) as GeoJSON line features carrying the row's other fields."""
    return [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": r["path"]},
             "properties": {k: v for k, v in r.items() if k != "path"}} for r in rows]


def outline_layer(paths: list[list[list[float]]], label: str) -> alt.Chart:
    features = _lines([{"path": p, "tooltip": f"Boundary of {label}"} for p in paths])
    return _inline(alt.Chart(alt.Data(values=[]), name="group-outline").mark_geoshape(
        filled=False, clip=True, stroke=css(GROUP_OUTLINE), strokeWidth=3).encode(
        tooltip=alt.Tooltip("properties.tooltip:N")), features)


def ring_layer(rings: list[dict]) -> alt.Chart:
    """20-mile rings: each dict has path (closed lon/lat ring) and tooltip."""
    return _inline(alt.Chart(alt.Data(values=[]), name="rings-20-miles").mark_geoshape(
        filled=False, clip=True, stroke=css(list(RING_COLOUR) + [150]), strokeWidth=1.2).encode(
        tooltip=alt.Tooltip("properties.tooltip:N")), _lines(rings))


def arc_path(home: tuple[float, float], placed: tuple[float, float], points: int = 16,
             bend: float = 0.2) -> list[list[float]]:
    """A curve from home to placement, bowed to the right of the journey by ``bend`` of its length, so
    a pair of councils placing children with each other draws two curves, not one line twice."""
    (x0, y0), (x1, y1) = home, placed
    scale = math.cos(math.radians((y0 + y1) / 2))  # a degree of longitude is shorter than one of latitude
    dx, dy = (x1 - x0) * scale, y1 - y0
    cx, cy = (x0 + x1) / 2 + dy * bend / scale, (y0 + y1) / 2 - dx * bend
    t = np.linspace(0, 1, points + 1)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1
    return [[round(float(x), 4), round(float(y), 4)] for x, y in zip(xs, ys)]


def arc_layers(flows: pd.DataFrame, colours: dict[str, str]) -> list[alt.Chart]:
    """Home -> placement curves, coloured by distance band and as wide as ``arc_width`` (pixels) or,
    without it, by band; a dot where the children live now marks the direction. Long journeys are
    drawn first, the near ones on top of them."""
    width = flows["arc_width"] if "arc_width" in flows else flows["distance_band"].map(ARC_WIDTH).fillna(1.5)
    data = flows.assign(
        colour=[css(hex_rgb(colours.get(b, "#999999"), 170 if b in FAR_BANDS else 235)) for b in flows["distance_band"]],
        width=width, _near=~flows["distance_band"].isin(FAR_BANDS)).sort_values("_near", kind="stable")
    rows = [{"path": arc_path((r.home_lon, r.home_lat), (r.pl_lon, r.pl_lat)), "colour": r.colour,
             "width": float(r.width), "tooltip": r.tooltip, "distance_band": r.distance_band}
            for r in data.itertuples()]
    curves = _inline(alt.Chart(alt.Data(values=[]), name="placement-arcs").mark_geoshape(
        filled=False, clip=True, strokeCap="round").encode(
        stroke=alt.Stroke("properties.colour:N", scale=None, legend=None),
        strokeWidth=alt.StrokeWidth("properties.width:Q", scale=None, legend=None),
        tooltip=alt.Tooltip("properties.tooltip:N")), _lines(rows))
    ends = pd.DataFrame({"lon": data["pl_lon"].astype(float), "lat": data["pl_lat"].astype(float),
                         "size": (data["width"].astype(float) * 2.2) ** 2, "colour": data["colour"],
                         "tooltip": data["tooltip"]})
    dots = _inline(alt.Chart(alt.Data(values=[]), name="placement-ends").mark_circle(
        opacity=1, clip=True, stroke="white", strokeWidth=0.6).encode(
        longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"), size=alt.Size("size:Q", scale=None, legend=None),
        color=alt.Color("colour:N", scale=None, legend=None), tooltip=alt.Tooltip("tooltip:N")),
        ends.to_dict("records"))
    return [curves, dots]


def layers_of(spec: dict) -> dict[str, list[dict]]:
    """A map spec's layers by name, each as its rows (GeoJSON features, or records): what tests and
    the bench read back from the page."""
    datasets = spec.get("datasets", {})

    def rows(data: dict | None) -> list[dict]:
        if not data:
            return []
        if "values" in data:
            return list(data["values"])
        found = datasets.get(data.get("name"), [])
        return found.to_dict("records") if isinstance(found, pd.DataFrame) else list(found)

    return {layer.get("name", str(i)): rows(layer.get("data") or spec.get("data"))
            for i, layer in enumerate(spec.get("layer", [spec]))}


def placement_map(boundaries: dict, values: pd.DataFrame, flows: pd.DataFrame, *, colours: dict[str, str],
                  members: list[str], highlight: str | None, group_label: str, rings: list[dict] | None = None,
                  value_label: str, extent: Extent | None = None, height: int = HEIGHT) -> alt.LayerChart:
    """Councils coloured by a value (the choropleth), the group's outline, 20-mile rings and the arcs on top."""
    layers = [outline_layer(group_outline_paths(boundaries, members), group_label)]
    if rings:
        layers.append(ring_layer(rings))
    if len(flows):
        layers += arc_layers(flows, colours)
    return choropleth(boundaries, values, value_label=value_label, unit_suffix="%", members=members,
                      highlight=highlight, extent=extent, extra_layers=layers, height=height)
