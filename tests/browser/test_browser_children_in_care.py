"""Children in care in Chromium: headings, the council's rate, count and rank against DfE's own
file, and the view following the sidebar's council and neighbour model."""
from __future__ import annotations

import pytest

from _browser_support import (PROJECT_DIR, choose, dfe_children_in_care, headings, intro, metric, open_page, ordinal,
                              pick_radio)

PAGE = PROJECT_DIR / "pages" / "1_Children_in_care.py"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not PAGE.exists(), reason=f"{PAGE.name} is not in the app yet")]


def latest_year() -> int:
    rows = dfe_children_in_care()
    return int(rows.loc[rows["rate"].notna(), "year"].max())


def expected(code: str, year: int) -> dict[str, str]:
    """What the headline should say for a council, computed from DfE's file: rate, count, and rank
    (1st = highest; ties share the higher place, marked ', tied') among councils with a rate that year."""
    rows = dfe_children_in_care(year)
    rates = rows.dropna(subset=["rate"])
    mine = rates[rates["code"] == code].iloc[0]
    place = int((rates["rate"] > mine["rate"]).sum()) + 1
    tie = ", tied" if int((rates["rate"] == mine["rate"]).sum()) > 1 else ""
    return {"rate": f"{mine['rate']:,.0f} per 10,000", "count": f"{mine['count']:,.0f}",
            "rank": f"{ordinal(place)} of {len(rates)}{tie}"}


def test_children_in_care_headings_and_figures(visited) -> None:
    page = visited(PAGE).page
    year = latest_year()
    shown = headings(page)
    assert shown[0] == "Children in care"
    for heading in ("Trend", f"Rank and quartile among all councils, 31 March {year}",
                    "Statistical neighbours (2025 model) and the count gap",
                    "Children starting and ceasing to be looked after"):
        assert heading in shown, (heading, shown)
    assert any(h.startswith("Funnel plot") for h in shown), shown
    assert intro(page).startswith("South West RCC (RCC): 15 councils")
    want = expected("E06000058", year)
    assert metric(page, f"Bournemouth, Christchurch and Poole, 31 March {year}") == want["rate"]
    assert metric(page, "Children in care") == want["count"]
    assert metric(page, "Rank (1st = highest rate)") == want["rank"]


def test_children_in_care_follows_council_and_model(page, base_url: str) -> None:
    open_page(page, base_url, PAGE)
    year = latest_year()
    choose(page, "Council of interest", "Dorset")
    want = expected("E06000059", year)
    assert metric(page, f"Dorset, 31 March {year}") == want["rate"]
    assert metric(page, "Rank (1st = highest rate)") == want["rank"]
    pick_radio(page, "Statistical neighbour model (DfE)", "2021", sidebar=True)
    shown = headings(page)
    assert "Statistical neighbours (2021 model) and the count gap" in shown, shown
    assert "Statistical neighbours (2025 model) and the count gap" not in shown
