"""Fostering in Chromium: its four sections, utilisation against LAIT's places figures, the
synthetic pipeline labelled as such, and the view following the group and the forecast's council."""
from __future__ import annotations

import pandas as pd
import pytest

from _browser_support import MAIN, PROJECT_DIR, RAW_DATA, choose, headings, intro, metric, open_page

PAGE = PROJECT_DIR / "pages" / "2_Fostering.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]

BCP_DFE_NUMBER = 839


def lait_utilisation(la_number: int) -> tuple[str, str]:
    """Latest year and places filled / approved (%) from LAIT's own file, or the extract without ../shared."""
    raw = RAW_DATA / "lait" / "bds_long_0.parquet"
    if raw.exists():
        lait = pd.read_parquet(raw, columns=["Short Desc", "Years", "Values", "LA Number"])
        rows = lait[lait["LA Number"] == la_number]
        approved = rows[rows["Short Desc"] == "Number_Foster_Places(New)"].set_index("Years")["Values"]
        filled = rows[rows["Short Desc"] == "Number_Foster_Places_Filled(New)"].set_index("Years")["Values"]
    else:
        obs = pd.read_csv(PROJECT_DIR / "data" / "extract" / "observations_lait.csv", dtype=str)
        obs = obs[obs["area_code"] == "E06000058"]
        approved = obs[obs["indicator_id"] == "foster_places_approved"].set_index("period_label")["value"]
        filled = obs[obs["indicator_id"] == "foster_places_filled"].set_index("period_label")["value"]
    both = pd.DataFrame({"a": pd.to_numeric(approved, errors="coerce"), "f": pd.to_numeric(filled, errors="coerce")})
    both = both.dropna().sort_index()
    year = both.index[-1]
    return year, f"{both.loc[year, 'f'] / both.loc[year, 'a'] * 100:.0f}%"


def test_fostering_sections_and_figures(visited) -> None:
    page = visited(PAGE).page
    shown = headings(page)
    assert shown[0] == "Fostering: households, places, recruitment and forecast"
    for heading in ("1. Fostering households by council and type", "2. LA foster places approved and filled: utilisation",
                    "3. Recruitment pipeline: enquiry to approval", "4. Forecast: in-house households needed vs expected"):
        assert heading in shown, (heading, shown)
    year, pct = lait_utilisation(BCP_DFE_NUMBER)
    assert metric(page, "Bournemouth, Christchurch and Poole") == pct, f"utilisation {year}"
    assert page.locator(MAIN).get_by_text("SYNTHETIC EXAMPLE DATA").first.is_visible()


def test_fostering_follows_group_and_forecast_council(page, base_url: str) -> None:
    open_page(page, base_url, PAGE)
    choose(page, "Council", "Dorset")
    sentence = page.locator(f'{MAIN} [data-testid="stAlertContentInfo"]').filter(has_text="Dorset")
    assert sentence.count() >= 1, "the forecast's sentence does not name the council chosen"
    choose(page, "Group", "South East (region)")
    assert intro(page).startswith("South East (region): "), intro(page)
    assert "Bournemouth" not in headings(page)[0]
