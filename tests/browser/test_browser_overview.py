"""The Overview in Chromium: the headings and figures a meeting reads, and the view following
the sidebar's group and council and the page's measure picker."""
from __future__ import annotations

import pandas as pd
import pytest

from _browser_support import (CHART, MAIN, PROJECT_DIR, choose, dfe_children_in_care, headings, main_page, metric,
                              open_page)

pytestmark = pytest.mark.browser

APP = main_page()


def published_cic(code: str) -> tuple[int, str]:
    """Latest year with a count of children in care for a council, and that count as the page prints it."""
    rows = dfe_children_in_care()
    rows = rows[(rows["code"] == code) & rows["count"].notna()].sort_values("year")
    return int(rows["year"].iloc[-1]), f"{int(rows['count'].iloc[-1]):,}"


def region_councils(region_code: str) -> int:
    areas = pd.read_csv(PROJECT_DIR / "data" / "extract" / "areas.csv", dtype=str)
    return int(((areas["level"] == "la") & (areas["region_code"] == region_code)).sum())


def chart_svg(page) -> str:
    return page.locator(f"{MAIN} {CHART} svg").first.inner_html()


def test_overview_headings_and_figures(visited) -> None:
    page = visited(APP).page
    assert headings(page)[:7] == [
        "Regional Care Benchmark: Overview", "Bournemouth, Christchurch and Poole at a glance",
        "Every member side by side", "Compare one measure", "The councils' own figures, beside DfE's",
        "Data quality: figures that disagree", "Data freshness"]
    # The data-quality view counts each council's findings (BCP's and Dorset's documents disagree).
    text = page.locator(MAIN).inner_text()
    assert "Findings: " in text and "Dorset" in text.split("Findings: ")[1].split("\n")[0]
    intro = page.locator(f'{MAIN} [data-testid="stMarkdown"]').first.inner_text()
    assert intro.startswith("South West RCC (RCC): 15 councils"), intro
    year, count = published_cic("E06000058")
    assert metric(page, f"Children in care at 31 March ({year})") == count
    assert page.locator('[data-testid="stMetric"]').count() == 4
    # The ranked bars name the council of interest and the England line.
    svg = chart_svg(page)
    assert "England" in svg
    assert page.get_by_text("Not drawn (no published figure): Isles of Scilly").is_visible()


def test_overview_follows_the_group(page, base_url: str) -> None:
    open_page(page, base_url, APP)
    before = chart_svg(page)
    choose(page, "Group", "London (region)")
    intro = page.locator(f'{MAIN} [data-testid="stMarkdown"]').first
    assert intro.inner_text().startswith(f"London (region): {region_councils('E12000007')} councils"), \
        intro.inner_text()
    # The council of interest moves into London, and the ranked bars redraw for London's councils.
    first = headings(page)[1]
    assert first.endswith(" at a glance") and not first.startswith("Bournemouth"), first
    assert chart_svg(page) != before


def test_overview_follows_the_council_and_measure(page, base_url: str) -> None:
    open_page(page, base_url, APP)
    choose(page, "Council of interest", "Dorset")
    assert "Dorset at a glance" in headings(page)
    year, count = published_cic("E06000059")
    assert metric(page, f"Children in care at 31 March ({year})") == count
    before = chart_svg(page)
    choose(page, "Measure", "% placed over 20 miles from home and outside the council")
    after = chart_svg(page)
    assert after != before
    assert "placed over 20 miles" in after  # the axis title follows the measure
