"""Stacked bars tell their categories apart by number as well as colour (WCAG 1.4.1): the
legend numbers the categories in stacking order and each wide-enough segment carries its number,
placed in the middle of the segment it names."""
from __future__ import annotations

import json

import pandas as pd

from regional.charts import distance as charts
from regional.distance import BANDS


def _spec(chart) -> dict:
    return json.loads(chart.to_json())


def test_band_segments_carry_their_number_and_share() -> None:
    frame = pd.DataFrame({"council": ["A"] * 3 + ["B"] * 2, "band": [BANDS[0], BANDS[3], BANDS[4], BANDS[0], BANDS[1]],
                          "pct": [60.0, 38.0, 2.0, 95.0, 5.0], "children": [30, 19, 1, 19, 1]})
    spec = _spec(charts.band_bars(frame))
    data = next(iter(spec["datasets"].values()))
    labels = {(r["council"], r["band"]): (r["label"], r["mid"]) for r in data}
    assert labels[("A", BANDS[0])] == ("1: 60%", 30.0)
    assert labels[("A", BANDS[3])] == ("4: 38%", 79.0)  # the 4th band, centred in 60..98
    assert labels[("A", BANDS[4])][0] == ""  # 2%: too narrow for a number; tooltip and table name it
    assert labels[("B", BANDS[1])][0] == "2"  # 5%: its number only
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert "indexof" in legend["labelExpr"] and BANDS[0] in legend["labelExpr"]
