"""Scorecard in Chromium: Dorset's row of figures with the Good+ mean computed here from Ofsted's and
DfE's own files, the group view with every South West member side by side, and screenshots of both."""
from __future__ import annotations

import pandas as pd
import pytest

from _browser_support import MAIN, PROJECT_DIR, RAW_DATA, choose, full_page_screenshot, open_page, pick_radio

PAGE = PROJECT_DIR / "pages" / "6_Scorecard.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]


def good_plus_cic_rate() -> str:
    """Mean 2025 children-in-care rate of councils Ofsted judged Good or Outstanding, from the raw files."""
    if not (RAW_DATA / "ofsted").exists():
        pytest.skip(f"the raw published files are not at {RAW_DATA}")
    ilacs = pd.read_excel(RAW_DATA / "ofsted" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods", engine="odf",
                          sheet_name="Inspections_as_at_31_March", header=2)
    good = set(ilacs.loc[ilacs["Overall effectiveness"].isin(["Good", "Outstanding"]), "Local authority area code"])
    cla = pd.read_csv(RAW_DATA / "dfe" / "cla_number_and_rate_per_10k_children.csv", dtype=str, encoding="utf-8-sig")
    rows = cla[(cla["time_period"] == "2025") & (cla["geographic_level"] == "Local authority")
               & (cla["population_type"] == "Children looked after on 31 March each year")
               & cla["new_la_code"].isin(good)]
    return f"{pd.to_numeric(rows['rate_per_10000'], errors='coerce').mean():.1f} (2025)"


def scorecard_rows(page) -> list[list[str]]:
    table = page.locator(f'{MAIN} [data-testid="stTable"] table').first
    return [[c.strip() for c in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_scorecard_for_dorset_and_for_the_group(page, base_url: str) -> None:
    open_page(page, base_url, PAGE)
    choose(page, "Council", "Dorset")
    assert page.locator(f"{MAIN} h2, {MAIN} h3").filter(has_text="Dorset").count() >= 1
    header = page.locator(f'{MAIN} [data-testid="stTable"] thead').first.inner_text()
    for column in ("Council latest (DfE)", "Council's own latest return", "England", "Region",
                   "Statistical neighbours", "Good+ councils", "Quartile among councils"):
        assert column in header, (column, header)
    rate = next(r for r in scorecard_rows(page) if r[0].startswith("Children in care rate"))
    assert rate[6].startswith(good_plus_cic_rate()), rate
    assert any(arrow in " ".join(rate) for arrow in ("▲", "▼", "="))
    full_page_screenshot(page, "scorecard-dorset")

    pick_radio(page, "Show", "Every member of the group")
    header = page.locator(f'{MAIN} [data-testid="stTable"] thead').first.inner_text()
    for member in ("Bath and North East Somerset", "Bournemouth, Christchurch and Poole", "Dorset", "Wiltshire"):
        assert member in header
    shot = full_page_screenshot(page, "scorecard-south-west")
    assert shot.stat().st_size > 50_000
