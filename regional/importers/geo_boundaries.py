"""Build step for council boundaries (ONS BUC TopoJSON -> compact GeoJSON)."""
from __future__ import annotations

import json
from pathlib import Path

from regional.geo import BOUNDARIES_EXTRACT, BOUNDARY_FILE, BOUNDARY_SOURCE_ID, topojson_to_geojson


def build_extract(source_dir: Path, out_dir: Path, context: dict) -> tuple[dict[str, int], list[dict]]:
    geojson = topojson_to_geojson(Path(source_dir) / "geo" / BOUNDARY_FILE)
    (Path(out_dir) / BOUNDARIES_EXTRACT).write_text(json.dumps(geojson, separators=(",", ":")))
    source = {"id": BOUNDARY_SOURCE_ID, "kind": "ons", "publisher": "Office for National Statistics",
              "title": "Counties and Unitary Authorities (December 2023) Boundaries UK BUC",
              "edition": f"file {BOUNDARY_FILE}; English councils only, coordinates to 4 decimal places",
              "url": "https://geoportal.statistics.gov.uk/",
              "licence": "Open Government Licence v3.0; contains OS data (c) Crown copyright and database right 2023"}
    return {BOUNDARIES_EXTRACT: len(geojson["features"])}, [source]
