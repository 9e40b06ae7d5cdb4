"""pydeck map builders: a frame in, a Deck out. No external tiles: the map draws
council boundaries itself (``map_provider=None``, no ``map_style``), so a page
makes no request outside the machine."""
from __future__ import annotations

import copy

import pandas as pd
import pydeck as pdk

#: Cividis-like sequential ramp (colour-vision safe), low -> high.
RAMP = [(0, 32, 77), (49, 68, 107), (87, 92, 109), (124, 123, 120), (166, 157, 117), (210, 193, 99), (253, 234, 69)]
NO_DATA = (220, 220, 220)
OUTLINE = (60, 60, 60)
HIGHLIGHT_OUTLINE = (213, 94, 0)


def ramp_colour(value: float | None, low: float, high: float) -> list[int]:
    if value is None or pd.isna(value):
        return list(NO_DATA) + [160]
    share = 0.0 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
    position = share * (len(RAMP) - 1)
    i = min(int(position), len(RAMP) - 2)
    t = position - i
    return [round(a + (b - a) * t) for a, b in zip(RAMP[i], RAMP[i + 1])] + [200]


def choropleth_features(boundaries: dict, values: pd.DataFrame, *, value_label: str, unit_suffix: str = "",
                        members: list[str] | None = None, highlight: str | None = None) -> dict:
    """Copy of the boundaries with fill colour and tooltip text per council.

    ``values`` has code, value, and optionally status and period_label; councils
    without a figure are grey and their tooltip says why (suppressed, not published).
    """
    by_code = values.set_index("code")
    known = values["value"].dropna()
    low, high = (float(known.min()), float(known.max())) if len(known) else (0.0, 1.0)
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
        props["fill"] = ramp_colour(value, low, high)
        props["line"] = list(HIGHLIGHT_OUTLINE if code == highlight else OUTLINE)
        props["line_width"] = 900 if code == highlight else (350 if code in members else 120)
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


def legend_table(values: pd.Series, unit_suffix: str = "", steps: int = 5) -> pd.DataFrame:
    """The colour ramp as a small table, since colour alone must not carry meaning."""
    known = values.dropna()
    if known.empty:
        return pd.DataFrame(columns=["from", "to", "colour (RGB)"])
    low, high = float(known.min()), float(known.max())
    edges = [low + (high - low) * i / steps for i in range(steps + 1)]
    return pd.DataFrame({
        "from": [f"{a:,.1f}{unit_suffix}" for a in edges[:-1]],
        "to": [f"{b:,.1f}{unit_suffix}" for b in edges[1:]],
        "colour (RGB)": [str(ramp_colour((a + b) / 2, low, high)[:3]) for a, b in zip(edges[:-1], edges[1:])],
    })
