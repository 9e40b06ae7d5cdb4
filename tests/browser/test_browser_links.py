"""Links that keep the view, in Chromium: a page opened from a link with query parameters shows
those choices, writes them back to its URL, and a reload (or the same link in a new session)
opens the same view; a choice made on the page goes into the URL too."""
from __future__ import annotations

from pathlib import Path

import pytest

from _browser_support import (MAIN, PROJECT_DIR, choose, main_text, url_path, wait_for_drawn,
                              wait_until_idle)

pytestmark = pytest.mark.browser

CIC = PROJECT_DIR / "pages" / "1_Children_in_care.py"
DORSET = "E06000059"


def _sidebar_value(page, label: str) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).input_value() \
        or page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label).inner_text()


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=90_000)
    wait_until_idle(page)
    wait_for_drawn(page)


def _checked(page, option: str) -> bool:
    return page.locator(MAIN).get_by_role("radio", name=option, exact=True).is_checked()


def test_a_link_opens_and_a_reload_keeps_the_view(page, base_url) -> None:
    link = f"{base_url}/{url_path(CIC)}?council={DORSET}&cic_measure=excl_uasc&model=2021"
    _open(page, link)
    assert "Dorset" in _sidebar_value(page, "Council of interest")
    assert "Council of interest: Dorset" in main_text(page)
    assert _checked(page, "Excluding unaccompanied asylum-seeking children (UASC)")
    assert page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="2021", exact=True).is_checked()
    assert f"council={DORSET}" in page.url and "cic_measure=excl_uasc" in page.url and "model=2021" in page.url

    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=90_000)
    wait_until_idle(page)
    assert "Dorset" in _sidebar_value(page, "Council of interest")
    assert _checked(page, "Excluding unaccompanied asylum-seeking children (UASC)")
    assert page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="2021", exact=True).is_checked()


def test_a_choice_made_on_the_page_goes_into_the_link(page, base_url, browser) -> None:
    _open(page, f"{base_url}/{url_path(CIC)}")
    choose(page, "Council of interest", "Bath and North East Somerset")
    page.wait_for_function("() => location.search.includes('council=E06000022')", timeout=10_000)
    shared = page.url
    other = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        colleague = other.new_page()
        _open(colleague, shared)
        assert "Bath and North East Somerset" in _sidebar_value(colleague, "Council of interest")
    finally:
        other.close()


def test_an_unknown_link_value_falls_back_with_a_note(page, base_url) -> None:
    _open(page, f"{base_url}/{url_path(CIC)}?council=E99999999")
    assert "E99999999" in main_text(page) and "Showing the default instead" in main_text(page)
    assert "Bournemouth" in _sidebar_value(page, "Council of interest")
