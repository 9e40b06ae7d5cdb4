"""Placement distance in Chromium: the map drawn, the synthetic extracts labelled, DfE's
new placements downloaded as shown and checked against DfE's file, and the view following the
council of interest and the UASC filter."""
from __future__ import annotations

import pandas as pd
import pytest

from _browser_support import (CHART, MAIN, MAP, PROJECT_DIR, RAW_DATA, choose, download_csv, figure_counts, headings,
                              intro, map_shapes, open_page, pick_radio, press)

PAGE = PROJECT_DIR / "pages" / "4_Placement_distance.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]

NEW_PLACEMENTS = RAW_DATA / "dfe" / "la_cla_during_year_new_placements.csv"
LOCATIONS = {
    "Placed inside LA boundary less than 20 miles from home": "Inside, under 20 miles",
    "Placed inside LA boundary more than 20 miles from home": "Inside, over 20 miles",
    "Placed outside LA boundary less than 20 miles from home": "Outside, under 20 miles",
    "Placed outside LA boundary more than 20 miles from home": "Outside, over 20 miles",
    "Distance not known or not recorded": "Distance not known",
}


def svg_text(page, nth: int = 0) -> str:
    return page.locator(f"{MAIN} {CHART}").nth(nth).evaluate(
        "e => Array.from(e.querySelectorAll('svg text')).map(t => t.textContent).join('|')")


def test_placement_distance_map_labels_and_figures(visited) -> None:
    page = visited(PAGE).page
    shown = headings(page)
    assert shown[0] == "Placement distance"
    for heading in ("Where children live (synthetic)", "Distance bands (synthetic)",
                    "Distance bands as councils publish them", "New placements in the year by location (DfE)"):
        assert heading in shown, (heading, shown)
    assert figure_counts(page)["map"] == {"total": 1, "visible": 1, "drawn": 1}
    assert map_shapes(page) >= 15  # the South West's councils and their neighbours, the outline, the arcs
    warning = page.locator(f'{MAIN} [data-testid="stAlertContentWarning"]').filter(has_text="Synthetic data")
    assert warning.count() == 1 and "no real child" in warning.inner_text()

    if not NEW_PLACEMENTS.exists():
        pytest.skip(f"DfE's file is not at {NEW_PLACEMENTS}: the downloaded figures cannot be checked")
    shown_csv = download_csv(page, "dl_dist_new_placements")
    raw = pd.read_csv(NEW_PLACEMENTS, dtype=str)
    raw = raw[(raw["time_period"] == raw["time_period"].max()) & raw["breakdown"].isin(LOCATIONS)]
    for code in ("E92000001", "E06000058"):  # England and BCP
        mine = raw[(raw["country_code"] == code) & (raw["geographic_level"] == "National")] if code.startswith("E92") \
            else raw[raw["new_la_code"] == code]
        want = dict(zip(mine["breakdown"].map(LOCATIONS), pd.to_numeric(mine["children_count"], errors="coerce")))
        got = shown_csv[shown_csv["ONS code"] == code].set_index("location")["children"]
        assert len(want) == 5 and len(got) == 5, (code, want, got.to_dict())
        for location, count in want.items():
            if pd.isna(count):  # suppressed by DfE: a gap, never 0
                assert pd.isna(got[location]), (code, location, got[location])
            else:
                assert got[location] == count, (code, location, got[location], count)


def test_placement_distance_follows_council_and_filter(page, base_url: str) -> None:
    open_page(page, base_url, PAGE)
    map_before = page.locator(f"{MAIN} {MAP}").screenshot()
    choose(page, "Council of interest", "Dorset")
    assert "Council of interest: Dorset." in intro(page)
    assert page.locator(f"{MAIN} {MAP}").screenshot() != map_before, "the map did not change with the council"
    bands_before = svg_text(page, 0)
    pick_radio(page, "Unaccompanied asylum-seeking children", "UASC only")
    press(page, "Apply filters")  # the filters are a form: nothing reruns until they are applied
    assert svg_text(page, 0) != bands_before, "the distance bands did not follow the UASC filter"
