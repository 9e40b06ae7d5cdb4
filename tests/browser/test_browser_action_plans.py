"""The Action plans page and the meeting pack in Chromium: what they show, how they print, screenshots."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from _browser_support import (CHART, MAIN, PROJECT_DIR, SCREENSHOT_DIR, full_page_screenshot, headings, main_page,
                              open_page, print_tables_in_full, wait_for_drawn)

pytestmark = pytest.mark.browser

PAGE = PROJECT_DIR / "pages" / "5_Action_plans.py"
PRINT_DIR = PROJECT_DIR / "artifacts" / "print"


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(str(path)).pages]


def test_action_plans_page_shows_and_prints(page, base_url) -> None:
    open_page(page, base_url, PAGE)
    assert headings(page)[:3] == ["Action plans", "Actions by status, council by council",
                                  "Bournemouth, Christchurch and Poole: actions by status and priority"]
    svg = page.locator(f"{MAIN} {CHART} svg").first.inner_html()
    assert "29 completed" in svg and "19 on track" in svg and "no action plan held" in svg
    shot = full_page_screenshot(page, "action_plans")
    assert shot.stat().st_size > 20_000
    # printed as the page is drawn: the grids print as far as they show, and the paper says how to print them whole
    assert page.locator(".rcb-print-only").count() == 0
    hint = page.locator(".rcb-print-hint")
    assert not hint.is_visible()
    page.emulate_media(media="print")
    assert hint.is_visible() and "Print tables in full" in hint.inner_text()
    page.emulate_media(media="screen")
    # with "Print tables in full": no sidebar, and each table whole (its static copy, not the scrolling grid)
    print_tables_in_full(page)
    page.emulate_media(media="print")
    assert page.locator('[data-testid="stSidebar"]').evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".rcb-print-hint").count() == 0
    copies = page.locator(".rcb-print-only table")
    assert copies.count() >= 3 and copies.first.is_visible()
    PRINT_DIR.mkdir(parents=True, exist_ok=True)
    out = PRINT_DIR / "action_plans.pdf"
    page.pdf(path=str(out), format="A4", print_background=True)
    text = "\n".join(_pdf_text(out))
    assert "Compare" not in text.split("Action plans", 1)[0]  # the sidebar's header did not print
    for council in ("Bath and North East Somerset", "Devon", "Wiltshire"):  # first, middle and last rows
        assert council in text
    page.emulate_media(media="screen")
    assert not copies.first.is_visible()


def test_meeting_pack_in_the_browser(page, store, tmp_path) -> None:
    from regional import report

    out = report.make_pack(store, "rcc:south-west", ["BCP", "Dorset"], tmp_path / "pack.html")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": 900, "height": 1200})
    page.goto(out.as_uri(), wait_until="load")
    assert set(requests) == {out.as_uri()}  # the pack fetched nothing but itself
    assert page.locator("svg[role=img]").count() >= 10
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    # the first pages (title, contents, the Overview table and charts): the whole pack is ~50 A4 pages
    page.screenshot(path=str(SCREENSHOT_DIR / "meeting_pack.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 900, "height": 6000}, timeout=120_000)
    assert (SCREENSHOT_DIR / "meeting_pack.png").stat().st_size > 50_000
    page.set_default_timeout(180_000)
    page.pdf(path=str(tmp_path / "pack.pdf"), format="A4", prefer_css_page_size=True)
    pages = _pdf_text(tmp_path / "pack.pdf")
    assert pages[0].lstrip().startswith("Regional Care Benchmark: meeting pack")
    assert sum(bool(re.match(r"\s*Council of interest: ", p)) for p in pages) == 2


def test_overview_prints_without_sidebar_and_with_its_whole_table(page, base_url, store, tmp_path) -> None:
    """Printing the Overview from the browser with "Print tables in full": the sidebar gone, every row and
    column of the wide table."""
    open_page(page, base_url, main_page())
    print_tables_in_full(page)
    page.emulate_media(media="print")
    try:
        out = tmp_path / "overview.pdf"
        page.pdf(path=str(out), format="A4", print_background=True)
        text = re.sub(r"\s+", " ", " ".join(_pdf_text(out)))
    finally:
        page.emulate_media(media="screen")
    assert "Statistical neighbour model" not in text  # the sidebar did not print
    for code in store.group_members("rcc:south-west"):
        assert store.name(code) in text
    for column in ("Children in care rate per 10,000 children", "LA foster places approved"):  # first and last
        assert column in text
