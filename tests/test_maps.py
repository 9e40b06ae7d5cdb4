"""The map colour classes: quantiles, so an outlier cannot wash out every other council."""
import json

import pandas as pd

from regional.geo import read_boundaries
from regional.maps import (CLASSES, NO_DATA, SerialisedDeck, choropleth, choropleth_features, class_breaks,
                           legend_table, ramp_colour)


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


def test_a_serialised_map_is_the_same_map_a_fifth_of_the_size():
    """pydeck indents its JSON by two spaces; the page sends the same map without that, once built."""
    boundaries = read_boundaries()
    codes = [f["properties"]["code"] for f in boundaries["features"]]
    values = pd.DataFrame({"code": codes, "value": [float(i % 7) if i % 5 else None for i in range(len(codes))]})
    deck = choropleth(boundaries, values, value_label="places", members=codes[:3], highlight=codes[0])
    indented = deck.to_json()
    sent = SerialisedDeck.of(deck)
    text = sent.to_json()
    assert json.loads(text) == json.loads(indented)
    assert "\n" not in text and len(text) < len(indented) / 4
    assert sent._tooltip == {"text": "{tooltip}"} == deck._tooltip
    again = SerialisedDeck(text, sent._tooltip)  # rebuilt from the cached text, as ui.show does
    assert again.to_json() == text and again._tooltip == sent._tooltip
