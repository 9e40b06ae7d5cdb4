"""The map colour classes: quantiles, so an outlier cannot wash out every other council."""
import json

import pandas as pd
import pytest

from regional.geo import read_boundaries
from regional.maps import (CLASSES, NO_DATA, arc_path, choropleth, choropleth_features, class_breaks, extent_for,
                           layers_of, legend_table, ramp_colour)


def test_outlier_does_not_put_everyone_in_the_bottom_class():
    values = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 46])
    edges = class_breaks(values)
    colours = {tuple(ramp_colour(v, edges)[:3]) for v in values}
    assert len(colours) == len(CLASSES)


def test_no_figure_is_pale_and_never_a_class_colour():
    edges = class_breaks(pd.Series([1.0, 2, 3]))
    assert ramp_colour(None, edges)[:3] == list(NO_DATA)
    assert tuple(NO_DATA) not in {c for c, _ in CLASSES}


def test_legend_counts_every_council_once():
    values = pd.Series([1.0, 2, 2, 3, 5, 8, 13, None, None])
    legend = legend_table(values)
    assert legend["councils"].sum() == len(values)
    assert legend.iloc[-1]["councils"] == 2 and legend.iloc[-1]["class"] == "no figure"


def test_tooltip_says_suppressed_not_zero():
    boundaries = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "E06000053", "name": "Isles of Scilly"},
         "geometry": {"type": "MultiPolygon", "coordinates": []}},
        {"type": "Feature", "properties": {"code": "E06000059", "name": "Dorset"},
         "geometry": {"type": "MultiPolygon", "coordinates": []}}]}
    values = pd.DataFrame({"code": ["E06000053", "E06000059"], "value": [None, 28.0],
                           "status": ["suppressed", "ok"], "period_label": ["2025", "2025"]})
    features = choropleth_features(boundaries, values, value_label="% over 20 miles", unit_suffix="%")["features"]
    assert features[0]["properties"]["tooltip"] == "Isles of Scilly: % over 20 miles suppressed"
    assert "28%" in features[1]["properties"]["tooltip"]


def test_a_map_is_a_vega_lite_chart_fitted_to_the_group_with_outlines_on_top():
    """No WebGL: the map is a Vega-Lite chart with a projection, fitted to the group's extent, councils
    outside it left out, the thick outlines (members, then the council of interest) drawn last."""
    boundaries = read_boundaries()
    codes = [f["properties"]["code"] for f in boundaries["features"]]
    values = pd.DataFrame({"code": codes, "value": [float(i % 7) if i % 5 else None for i in range(len(codes))]})
    south_west = ["E06000058", "E06000059", "E06000022"]
    extent = extent_for(boundaries, south_west)
    spec = choropleth(boundaries, values, value_label="places", members=south_west, highlight="E06000059",
                      extent=extent).to_dict()
    assert spec["projection"]["type"] == "mercator" and spec["projection"]["fit"]["geometry"]["coordinates"] == [
        [extent[0], extent[1]], [extent[2], extent[3]]]
    features = layers_of(spec)["councils"]
    shown = [f["properties"]["code"] for f in features]
    assert set(south_west) <= set(shown) and "E08000003" not in shown  # Manchester is off this map
    assert shown[-1] == "E06000059" and set(shown[-3:-1]) == {"E06000058", "E06000022"}
    json.dumps(spec)  # plain data: cacheable, and drawn into the pack by the same renderer


def test_extent_reaches_far_placements_only_so_far():
    boundaries = read_boundaries()
    dorset = extent_for(boundaries, ["E06000059"], pad=0)
    width = dorset[2] - dorset[0]
    near = extent_for(boundaries, ["E06000059"], pad=0, points=[[dorset[2] + width / 2, dorset[3]]])
    assert near[2] == pytest.approx(dorset[2] + width / 2, abs=1e-3)
    far = extent_for(boundaries, ["E06000059"], pad=0, points=[[dorset[2] + 10 * width, dorset[3]]])
    assert far[2] == pytest.approx(dorset[2] + width, abs=1e-3)  # capped at one width beyond
    assert extent_for(boundaries, ["E99999999"]) is None  # nothing of it on the map: all of England


def test_arcs_bow_to_the_right_so_two_way_flows_are_two_curves():
    there = arc_path((-2.0, 50.7), (-1.0, 50.7))
    back = arc_path((-1.0, 50.7), (-2.0, 50.7))
    assert there[0] == [-2.0, 50.7] and there[-1] == [-1.0, 50.7]
    middle = len(there) // 2
    assert there[middle][1] < 50.7 < back[middle][1]  # eastward bows south, westward bows north


def test_a_maps_spec_gives_streamlit_its_rows_as_lists_and_the_boundaries_are_left_as_they_were():
    """The page's spec (views.base.chart_spec) holds every dataset as a list of rows or a frame: Altair
    gathers inline values as they were given, and a tuple (how the maps keep Altair from copying them)
    is not rows to Streamlit: the Placement distance map stopped changing with the council. Building a
    map changes nothing in the shared boundaries it colours."""
    from regional.views.base import chart_spec

    boundaries = read_boundaries()
    before = json.dumps(boundaries, sort_keys=True)
    codes = [f["properties"]["code"] for f in boundaries["features"]]
    values = pd.DataFrame({"code": codes, "value": [float(i % 7) for i in range(len(codes))]})
    specs = [chart_spec(choropleth(boundaries, values, value_label="places", members=["E06000058", "E06000059"],
                                   highlight=code, extent=extent_for(boundaries, ["E06000058", "E06000059"])))
             for code in ("E06000058", "E06000059")]
    for spec in specs:
        assert spec["datasets"] and all(isinstance(rows, (list, pd.DataFrame)) for rows in spec["datasets"].values())
    drawn = [[f["properties"]["code"] for f in layers_of(spec)["councils"]] for spec in specs]
    assert drawn[0][-1] == "E06000058" and drawn[1][-1] == "E06000059"  # the council of interest on top
    assert json.dumps(boundaries, sort_keys=True) == before
