"""Residential and supported accommodation in Chromium: its sections, the council's homes and places
per 10,000 children recomputed from Ofsted's register and DfE's child population file, the map drawn,
and the view following the council of interest and the all-councils switch."""
from __future__ import annotations

import pandas as pd
import pytest

from _browser_support import (CHART, MAIN, PROJECT_DIR, RAW_DATA, choose, figure_counts, headings, map_shapes, metric,
                              open_page, pick_radio)

PAGE = PROJECT_DIR / "pages" / "3_Residential.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]

#: Ofsted's register at 31 March 2023 as build-data extracted it from the underlying-data ODS (reading
#: the 2 MB ODS itself takes ~30 s, too slow for a browser test); the importer's own tests hold it to the ODS.
REGISTER = PROJECT_DIR / "data" / "extract" / "ofsted_providers.csv"
CLA = RAW_DATA / "dfe" / "cla_number_and_rate_per_10k_children.csv"
#: DfE's "secure units and children's homes": the page's default settings.
DEFAULT_SETTINGS = {"Children's home", "Secure children's home"}


def register_figures(code: str) -> tuple[str, str]:
    """Homes and places per 10,000 children aged 0-17 (DfE's 2023 population) at 31 March 2023."""
    if not CLA.exists():
        pytest.skip(f"DfE's file is not at {CLA}: places per 10,000 cannot be recomputed")
    register = pd.read_csv(REGISTER, dtype={"urn": str})
    homes = register[(register["area_code"] == code) & register["setting"].isin(DEFAULT_SETTINGS)]
    cla = pd.read_csv(CLA, dtype=str, encoding="utf-8-sig")
    population = float(cla[(cla["time_period"] == "2023") & (cla["new_la_code"] == code)
                           & (cla["population_type"] == "Children looked after on 31 March each year")]
                       ["population_estimate"].iloc[0])
    return f"{len(homes):,}", f"{homes['places'].sum() / population * 10_000:,.1f}"


def ranked_labels(page) -> str:
    return page.locator(f"{MAIN} {CHART}").first.evaluate(
        "e => Array.from(e.querySelectorAll('svg text')).map(t => t.textContent).join('|')")


def test_residential_sections_and_figures(visited) -> None:
    page = visited(PAGE).page
    shown = headings(page)
    assert shown[0] == "Residential and supported accommodation"
    for heading in ("Bournemouth, Christchurch and Poole at a glance", "Children's home places by council",
                    "Map: local places per 10,000 children", "Who runs the local homes, and how good they are",
                    "Homes joining and leaving the register",
                    "Local places against the council's own children in residential care"):
        assert heading in shown, (heading, shown)
    homes, per_10k = register_figures("E06000058")
    assert metric(page, "Local homes") == homes
    assert metric(page, "Places per 10,000 children") == per_10k
    assert figure_counts(page)["map"]["drawn"] == 1
    assert map_shapes(page) >= 15  # councils drawn, not an empty frame


def test_residential_follows_council_and_scope(page, base_url: str) -> None:
    open_page(page, base_url, PAGE)
    choose(page, "Council of interest", "Dorset")
    assert "Dorset at a glance" in headings(page)
    homes, per_10k = register_figures("E06000059")
    assert metric(page, "Local homes") == homes
    assert metric(page, "Places per 10,000 children") == per_10k
    group_only = ranked_labels(page)
    pick_radio(page, "Councils", "All councils")
    every = ranked_labels(page)
    assert every != group_only and "Westminster" in every and "Westminster" not in group_only
