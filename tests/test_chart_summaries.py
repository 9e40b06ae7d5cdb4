"""Every chart has a one-sentence summary for screen readers (its aria-label, from Vega-Lite's
description) and on the page; the council of interest's figure and position are computed from the
frame the chart draws, checked here against an independent ranking."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from regional.views.base import Section
from regional.views.summary import chart_summary

PAGES = ["overview.py", "pages/1_Children_in_care.py", "pages/2_Fostering.py", "pages/3_Residential.py",
         "pages/4_Placement_distance.py"]


def test_position_is_the_councils_place_among_the_areas_drawn() -> None:
    frame = pd.DataFrame({"area_code": ["A", "B", "C", "D"], "area_name": list("ABCD"),
                          "value": [10.0, 30.0, 20.0, 30.0], "period_label": "31 March 2025"})
    text = chart_summary(Section(key="k", title="Rate", frame=frame), "C", "Council C")
    assert text == "Chart: Rate. Council C: 20 (31 March 2025), the 3rd highest of 4 areas shown."
    tied = chart_summary(Section(key="k", title="Rate", frame=frame), "B", "Council B")
    assert "1st highest of 4 areas shown (tied)" in tied


def test_latest_period_only_and_findings_preferred() -> None:
    frame = pd.DataFrame({"area_code": ["A", "B", "A", "B"], "value": [1.0, 2.0, 5.0, 3.0],
                          "period": pd.to_datetime(["2024-03-31"] * 2 + ["2025-03-31"] * 2)})
    assert "the 1st highest of 2" in chart_summary(Section(key="k", title="T", frame=frame), "A", "A")
    said = chart_summary(Section(key="k", title="T", frame=frame, markdown="**A** is top. More."), "A", "A")
    assert said == "Chart: T. A is top."


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_on_a_page_carries_its_summary(app_test, path: str) -> None:
    at = app_test(path)
    at.run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert charts, f"{path} drew no chart"
    captions = " ".join(c.value for c in at.caption)
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        description = spec.get("description", "")
        assert description.startswith("Chart: ") and len(description) > 12, (path, description)
        assert f"In words: {description.removeprefix('Chart: ')}" in captions
