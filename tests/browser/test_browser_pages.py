"""Every page of the app (app.py and pages/*.py, found at collection time) in real Chromium:
it renders, shows no exception, has a title, draws every chart and map, and leaves a
full-page screenshot under artifacts/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest

from _browser_support import (CHART, ERROR_ALERT, EXCEPTION, MAIN, MAP, discover_pages, figure_counts,
                              full_page_screenshot, page_id, url_path, wait_for_drawn)

pytestmark = pytest.mark.browser

PAGES = discover_pages()

_MARK_DRAWN_JS = """([chart, map]) => {
  for (const [sel, inner] of [[chart, 'canvas, svg'], [map, 'canvas, svg']]) {
    for (const e of document.querySelectorAll(sel)) {
      const visible = e.offsetParent !== null && e.getBoundingClientRect().width > 0;
      const drawn = Array.from(e.querySelectorAll(inner)).some(c => {
        const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
      if (visible && drawn) e.setAttribute('data-seen-drawn', '1');
    }
  }
}"""

_NEVER_DRAWN_JS = """([chart, map]) => Array.from(document.querySelectorAll(chart + ',' + map))
  .filter(e => !e.hasAttribute('data-seen-drawn') && !e.closest('details:not([open])'))
  .map(e => e.getAttribute('data-testid'))"""


def _walk_tabs(page) -> int:
    """Open every tab in the main pane so charts and maps in tabs not shown at first are drawn too."""
    page.evaluate(_MARK_DRAWN_JS, [CHART, MAP])
    tabs = page.locator(f'{MAIN} [role="tab"]')
    opened = 0
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") == "true" or not tab.is_visible():
            continue
        tab.click()
        opened += 1
        wait_for_drawn(page)
        page.evaluate(_MARK_DRAWN_JS, [CHART, MAP])
    for tablist in page.locator(f'{MAIN} [role="tablist"]').all():  # back to the first tab for the screenshot
        first = tablist.locator('[role="tab"]').first
        if first.is_visible() and first.get_attribute("aria-selected") != "true":
            first.click()
    wait_for_drawn(page)
    page.evaluate(_MARK_DRAWN_JS, [CHART, MAP])
    return opened


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_renders_in_chromium(visited, path: Path) -> None:
    page, js_errors = visited(path).page, visited(path).js_errors

    body = page.locator("body").inner_text()
    assert "Page not found" not in body, f"{path.name} is not served at /{url_path(path)}"
    exceptions = page.locator(EXCEPTION)
    assert exceptions.count() == 0, f"{path.name} shows an exception: {exceptions.first.inner_text()[:2000]}"
    errors = page.locator(ERROR_ALERT)
    assert errors.count() == 0, f"{path.name} shows an error on its default view: {errors.first.inner_text()[:500]}"
    assert page.title().strip(), "the browser tab has no title"
    title = page.locator(f"{MAIN} h1").first.inner_text().strip()
    assert len(title) > 3, f"{path.name} has no st.title"

    counts = figure_counts(page)
    assert counts["chart"]["visible"] == counts["chart"]["drawn"], counts
    assert counts["map"]["visible"] == counts["map"]["drawn"], counts
    _walk_tabs(page)
    never = page.evaluate(_NEVER_DRAWN_JS, [CHART, MAP])
    assert not never, f"{len(never)} chart(s)/map(s) on {path.name} were never drawn: {never}"

    shot = full_page_screenshot(page, page_id(path))
    assert shot.stat().st_size > 20_000, f"screenshot {shot} looks empty"
    assert not js_errors, f"JavaScript errors on {path.name}: {js_errors[:3]}"


def test_every_page_is_in_the_navigation(visited) -> None:
    """Each page file is linked from the sidebar, at the URL the tests visit."""
    page = visited(PAGES[0]).page
    if len(PAGES) == 1:
        pytest.skip("no pages/*.py yet: the app has only the Overview")
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("els => els.map(e => e.getAttribute('href'))")
    served = {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs}
    missing = [p.name for p in PAGES[1:] if url_path(p) not in served]
    assert not missing, f"not in the sidebar navigation: {missing} (links: {hrefs})"
