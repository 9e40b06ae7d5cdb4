"""Boundaries and places: council polygons for the maps, outcode centroids.

Boundaries come from ONS's December 2023 ultra-generalised (BUC) TopoJSON; build-data
decodes it once into a compact GeoJSON of English councils in ``data/extract``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.settings import EXTRACT_DIR

BOUNDARY_FILE = "ctyua_dec2023_uk_buc.topojson"
BOUNDARIES_EXTRACT = "council_boundaries.geojson"
BOUNDARY_SOURCE_ID = "ons-ctyua-dec2023-buc"


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat for each arc (TopoJSON stores quantised deltas)."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * scale_x + shift_x, 4), round(y * scale_y + shift_y, 4)))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    ring: list[tuple[float, float]] = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return [list(p) for p in ring]


def topojson_to_geojson(path: Path, prefix: tuple[str, ...] = ("E06", "E08", "E09", "E10")) -> dict:
    """English councils' polygons as a GeoJSON FeatureCollection (properties: code, name)."""
    path = Path(path)
    try:
        topology = json.loads(path.read_text())
        geometries = topology["objects"]["data"]["geometries"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"not a TopoJSON file with an object 'data': {exc}", file=path.name) from exc
    arcs = _decode_arcs(topology)
    features = []
    for geometry in geometries:
        props = geometry.get("properties", {})
        code = props.get("AREACD", "")
        if not code.startswith(prefix):
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        coordinates = [[_ring(r, arcs) for r in polygon] for polygon in polygons]
        features.append({"type": "Feature", "properties": {"code": code, "name": props.get("AREANM", "")},
                         "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    return {"type": "FeatureCollection", "features": features}


def read_boundaries(path: Path | None = None) -> dict:
    """The compact boundaries the build step wrote (a GeoJSON dict)."""
    path = path or EXTRACT_DIR / BOUNDARIES_EXTRACT
    return json.loads(Path(path).read_text())


def boundary_centroids(geojson: dict) -> pd.DataFrame:
    """A rough label point per council: the mean of its largest polygon's outer ring."""
    rows = []
    for feature in geojson["features"]:
        rings = [polygon[0] for polygon in feature["geometry"]["coordinates"]]
        outer = max(rings, key=len)
        rows.append({"code": feature["properties"]["code"], "name": feature["properties"]["name"],
                     "lon": sum(p[0] for p in outer) / len(outer), "lat": sum(p[1] for p in outer) / len(outer)})
    return pd.DataFrame(rows)
