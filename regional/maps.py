"""pydeck map builders: a frame in, a Deck out. No external tiles: the map draws
council boundaries itself (``map_provider=None``, no ``map_style``), so a page
makes no request outside the machine."""
from __future__ import annotations

import copy
import json
import math

import pandas as pd
import pydeck as pdk

#: Viridis in five classes (colour-vision safe, no grey in it), low -> high, with names for the legend.
CLASSES = [((68, 1, 84), "dark purple"), ((59, 82, 139), "blue"), ((33, 145, 140), "teal"),
           ((94, 201, 98), "green"), ((253, 231, 37), "yellow")]
#: Councils without a figure: very pale, half transparent, and their tooltip says why.
NO_DATA = (235, 235, 235)
OUTLINE = (120, 120, 120)
MEMBER_OUTLINE = (0, 0, 0)  # group members: black and thicker than the grey of other councils
HIGHLIGHT_OUTLINE = (213, 94, 0)


def to_compact_json(deck: pdk.Deck) -> str:
    """The map as JSON without pydeck's two-space indentation, which made the council map 1.2 MB
    on every rerun instead of 250 kB. Table data in layers becomes records first (pydeck cannot
    serialise pandas 3 frames, which is why Streamlit converts them too)."""
    from pydeck.bindings.json_tools import default_serialize

    for layer in deck.layers:
        if isinstance(getattr(layer, "data", None), pd.DataFrame):
            layer.data = layer.data.to_dict("records")
    return json.dumps(deck, sort_keys=True, default=default_serialize, separators=(",", ":"))


class SerialisedDeck(pdk.Deck):
    """A map already turned into JSON (plain data, cacheable across sessions): ``st.pydeck_chart``
    takes it like any Deck and sends the stored text, with the original's tooltip."""

    def __init__(self, spec: str, tooltip: dict | bool | None = None) -> None:
        super().__init__(layers=[], map_provider=None, tooltip=tooltip if tooltip is not None else True)
        self._spec = spec

    def to_json(self) -> str:
        return self._spec

    @classmethod
    def of(cls, deck: pdk.Deck) -> "SerialisedDeck":
        return cls(to_compact_json(deck), getattr(deck, "_tooltip", None))


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
    """Copy of the boundaries with fill colour and tooltip text per council.

    ``values`` has code, value, and optionally status and period_label; councils
    without a figure are pale and their tooltip says why (suppressed, not published).
    """
    by_code = values.set_index("code")
    edges = class_breaks(values["value"])
    members = set(members or [])
    out = copy.deepcopy(boundaries)
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
        props["fill"] = ramp_colour(value, edges)
        props["line"] = list(HIGHLIGHT_OUTLINE if code == highlight else MEMBER_OUTLINE if code in members else OUTLINE)
        props["line_width"] = 900 if code == highlight else (600 if code in members else 100)
        props["tooltip"] = f"{props['name']}: {value_label} {text}" + (" · group member" if code in members else "")
    return out


def choropleth(boundaries: dict, values: pd.DataFrame, *, value_label: str, unit_suffix: str = "",
               members: list[str] | None = None, highlight: str | None = None,
               view: tuple[float, float, float] = (-2.3, 52.8, 5.6), extra_layers: list | None = None) -> pdk.Deck:
    """Councils coloured by a value; the group's members outlined, the council of interest in orange."""
    features = choropleth_features(boundaries, values, value_label=value_label, unit_suffix=unit_suffix,
                                   members=members, highlight=highlight)
    layer = pdk.Layer("GeoJsonLayer", features, id="councils", pickable=True, stroked=True, filled=True,
                      get_fill_color="properties.fill", get_line_color="properties.line",
                      get_line_width="properties.line_width", line_width_min_pixels=0.5)
    lon, lat, zoom = view
    return pdk.Deck(layers=[layer] + list(extra_layers or []), map_provider=None,
                    initial_view_state=pdk.ViewState(longitude=lon, latitude=lat, zoom=zoom),
                    tooltip={"text": "{tooltip}"})


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


def outline_layer(paths: list[list[list[float]]], label: str) -> pdk.Layer:
    data = [{"path": p, "tooltip": f"Boundary of {label}"} for p in paths]
    return pdk.Layer("PathLayer", data, id="group-outline", get_path="path", get_color=list(GROUP_OUTLINE) + [255],
                     get_width=60, width_min_pixels=3, width_max_pixels=4, pickable=False)


def ring_layer(rings: list[dict]) -> pdk.Layer:
    """20-mile rings: each dict has path (closed lon/lat ring) and tooltip."""
    return pdk.Layer("PathLayer", rings, id="rings-20-miles", get_path="path", get_color=list(RING_COLOUR) + [140],
                     get_width=30, width_min_pixels=1, width_max_pixels=2, pickable=True)


def arc_layer(flows: pd.DataFrame, colours: dict[str, str]) -> pdk.Layer:
    """Home -> placement arcs, coloured by distance band and as wide as ``arc_width`` (pixels, the
    ArcLayer default; pydeck would turn a ``width_units`` string into an expression) or, without it,
    by band."""
    far = {"20 to 50 miles", "Over 50 miles"}
    width = flows["arc_width"] if "arc_width" in flows else flows["distance_band"].map(ARC_WIDTH).fillna(1.5)
    data = flows.assign(colour=flows["distance_band"].map(lambda b: hex_rgb(colours.get(b, "#999999"),
                                                                            170 if b in far else 235)),
                        width=width, _near=~flows["distance_band"].isin(far))
    data = data.sort_values("_near", kind="stable")  # near arcs drawn last, on top of the long ones
    records = data[["home_lon", "home_lat", "pl_lon", "pl_lat", "colour", "width", "tooltip",
                    "distance_band"]].to_dict("records")
    return pdk.Layer("ArcLayer", records, id="placement-arcs", get_source_position=["home_lon", "home_lat"],
                     get_target_position=["pl_lon", "pl_lat"], get_source_color="colour", get_target_color="colour",
                     get_width="width", get_height=0.4, pickable=True, auto_highlight=True)


def placement_map(boundaries: dict, values: pd.DataFrame, flows: pd.DataFrame, *, colours: dict[str, str],
                  members: list[str], highlight: str | None, group_label: str, rings: list[dict] | None = None,
                  value_label: str, view: tuple[float, float, float] = (-2.6, 51.0, 6.4), pitch: float = 30) -> pdk.Deck:
    """Councils coloured by a value (the choropleth), the group's outline, 20-mile rings and the arcs on top."""
    layers = [outline_layer(group_outline_paths(boundaries, members), group_label)]
    if rings:
        layers.append(ring_layer(rings))
    if len(flows):
        layers.append(arc_layer(flows, colours))
    deck = choropleth(boundaries, values, value_label=value_label, unit_suffix="%", members=members,
                      highlight=highlight, view=view, extra_layers=layers)
    deck.initial_view_state.pitch = pitch  # a slight tilt lets the arcs rise off the map
    return deck


def view_for(boundaries: dict, codes: list[str], zoom: float | None = None) -> tuple[float, float, float]:
    """A view centred on some councils' bounding box, zoomed to fit it (unless ``zoom`` is given)."""
    xs, ys = [], []
    for feature in boundaries["features"]:
        if feature["properties"]["code"] in codes:
            for polygon in feature["geometry"]["coordinates"]:
                xs.extend(p[0] for p in polygon[0])
                ys.extend(p[1] for p in polygon[0])
    if not xs:
        return (-2.3, 52.8, 5.6)
    span = max(max(xs) - min(xs), (max(ys) - min(ys)) * 1.6, 0.3)
    fit = min(8.0, max(5.0, 7.3 - math.log2(span)))  # room round them for the arcs
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, zoom if zoom is not None else round(fit, 2))
