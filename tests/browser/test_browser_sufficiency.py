"""Sufficiency plan in Chromium, for the South West RCC and for BCP: the headline (with its
synthetic label) and figures equal the library's plan, both charts draw, the scenario
comparison appears, and full-page screenshots are saved."""
from __future__ import annotations

import pytest

from _browser_support import (PROJECT_DIR, choose, figure_counts, full_page_screenshot, headings, main_text, metric,
                              open_page, pick_radio)

PAGE = PROJECT_DIR / "pages" / "5_Sufficiency_plan.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]


@pytest.fixture(scope="module")
def plans():
    """The plans the page should show, computed by the library on the same embedded data."""
    from regional import db
    from regional.store import load_store
    from regional.sufficiency import backtest, plan

    engine = db.get_engine()
    db.ensure_loaded(engine)
    store = load_store(engine)
    results = backtest.national(store)
    sw = plan.build_plan(store, store.group_members("rcc:south-west"), label="South West RCC (RCC)",
                         backtest_results=results)
    bcp = plan.build_plan(store, ["E06000058"], label="Bournemouth, Christchurch and Poole", backtest_results=results)
    return sw, bcp


def _total(p) -> str:
    dem = p.demand[(p.demand["year"] == 2028) & (p.demand["type"] == "total")]
    return f"{dem['children'].sum():,.0f}"


def test_south_west_plan_in_chromium(page, base_url: str, plans) -> None:
    sw, _ = plans
    open_page(page, base_url, PAGE)
    shown = headings(page)
    assert shown[0] == "Sufficiency plan"
    for heading in ("Demand by placement type", "Local supply and the gap", "Each council at 31 March 2028",
                    "Transition-rate demand (SSDA903), by age band", "How well the method forecast 2022-2025"):
        assert heading in shown, (heading, shown)
    text = main_text(page)
    assert sw.headline() in text and "SYNTHETIC" in text
    assert metric(page, "Children in care") == _total(sw)
    counts = figure_counts(page)
    assert counts["chart"]["drawn"] == 2, counts
    full_page_screenshot(page, "sufficiency_plan_south_west")


def test_bcp_plan_and_scenario_in_chromium(page, base_url: str, plans) -> None:
    _, bcp = plans
    open_page(page, base_url, PAGE)
    pick_radio(page, "Plan for", "Council of interest")
    assert bcp.headline() in main_text(page)
    assert metric(page, "Children in care") == _total(bcp)
    assert "Transition-rate demand (SSDA903), by age band" in headings(page)  # the synthetic months of birth
    full_page_screenshot(page, "sufficiency_plan_bcp_by_age_band")
    choose(page, "Scenario", "A new 4-bed home in 2027")
    assert "Scenario against the baseline, 31 March 2028" in headings(page)
    assert "Scenario: A new 4-bed home in 2027." in main_text(page)
    full_page_screenshot(page, "sufficiency_plan_bcp_scenario")
