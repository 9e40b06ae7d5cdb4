"""WCAG 2.2 AA in the browser: every page, and every tab on it, run through axe-core
(axe-playwright-python bundles it; nothing is fetched). No serious or critical violation
is allowed; the count of every violation per page, whatever its impact, goes to the test
report (the terminal summary and artifacts/accessibility/axe-summary.csv)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from _browser_support import MAIN, PROJECT_DIR, discover_pages, open_page, page_id, wait_for_drawn, wait_until_idle

pytestmark = pytest.mark.browser

PAGES = discover_pages()
REPORT_DIR = PROJECT_DIR / "artifacts" / "accessibility"
#: WCAG 2.0/2.1/2.2 A and AA rules (axe's tags), the level public-sector sites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def _axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        pytest.skip(f"axe-playwright-python is not installed ({exc})")
    return Axe()


def _scan(axe, page) -> list[dict]:
    """axe's violations for what is on screen now (the sidebar and the main pane)."""
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                    "resultTypes": ["violations"]})
    return result.response["violations"]


def _tab_views(page):
    """Yield once for the page as opened, then once per other tab in the main pane, opened."""
    yield "default"
    tabs = page.locator(f'{MAIN} [role="tab"]')
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") == "true" or not tab.is_visible():
            continue
        name = tab.inner_text().strip()
        tab.click()
        wait_until_idle(page, quiet_ms=300)
        wait_for_drawn(page)
        yield f"tab {i}: {name}"


def _summarise(path: Path, findings: dict[str, list[dict]]) -> list[dict]:
    rows = []
    for view, violations in findings.items():
        for v in violations:
            rows.append({"page": page_id(path), "view": view, "rule": v["id"], "impact": v.get("impact") or "",
                         "nodes": len(v["nodes"]), "help": v["help"],
                         "example": (v["nodes"][0].get("target") or [""])[0] if v["nodes"] else "",
                         "html": v["nodes"][0].get("html", "")[:300] if v["nodes"] else "",
                         "why": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else ""})
    return rows


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_no_serious_accessibility_violations(browser, app_server, path: Path, record_property) -> None:
    axe = _axe()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        open_page(page, app_server, path)
        findings = {view: _scan(axe, page) for view in _tab_views(page)}
    finally:
        context.close()
    rows = _summarise(path, findings)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"{page_id(path)}.json").write_text(json.dumps(rows, indent=1))
    by_impact: dict[str, int] = {}
    for row in rows:
        by_impact[row["impact"]] = by_impact.get(row["impact"], 0) + row["nodes"]
    record_property("axe_violations", json.dumps(by_impact))
    blocking = [r for r in rows if r["impact"] in BLOCKING]
    assert not blocking, (f"{path.name}: {len(blocking)} serious/critical axe violation(s): "
                          + "; ".join(f"[{r['view']}] {r['rule']} ({r['impact']}, {r['nodes']} nodes, e.g. "
                                      f"{r['example']}): {r['help']}" for r in blocking[:8]))


_CONTRAST_JS = """(el) => {
  const rgba = s => { const m = s.match(/[0-9.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null;
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) { bg = c; break; }
  }
  bg = bg || [255, 255, 255, 1];
  let fg = rgba(getComputedStyle(el).color);
  const a = fg[3] * parseFloat(getComputedStyle(el).opacity || '1');
  fg = [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a));
  const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}"""


def test_caption_colour_reaches_4_5_to_1(visited) -> None:
    """The theme's caption colour, as Chromium renders it on the page, against its background."""
    page = visited(PAGES[0]).page
    captions = page.locator(f'{MAIN} [data-testid="stCaptionContainer"]')
    assert captions.count() > 0, "the Overview has no caption to measure"
    ratios = [captions.nth(i).evaluate(_CONTRAST_JS) for i in range(min(captions.count(), 5))]
    assert min(ratios) >= 4.5, f"caption contrast {min(ratios):.2f}:1 is under WCAG's 4.5:1 ({ratios})"


def test_sidebar_links_show_a_visible_focus_ring(page, base_url) -> None:
    """Tab onto the sidebar's page links: the focused link gets a ring of at least 2 px at 3:1 or more."""
    open_page(page, base_url, PAGES[0])
    link = page.locator('[data-testid="stSidebarNav"] a').nth(1)
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    style = link.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor,"
                          " document.activeElement === e]; }")
    assert style[3], "the sidebar link did not take keyboard focus"
    assert style[0] not in ("none", "hidden") and float(style[1].rstrip("px")) >= 2, style
    ring = page.evaluate("""(c) => { const d = document.createElement('span'); d.style.color = c; document.body.appendChild(d);
                            const out = getComputedStyle(d).color; d.remove(); return out; }""", style[2])
    swatch = page.evaluate(f"""(c) => {{ const d = document.createElement('span'); d.style.color = c;
                             document.querySelector('[data-testid="stSidebar"]').appendChild(d);
                             const r = ({_CONTRAST_JS})(d); d.remove(); return r; }}""", ring)
    assert swatch >= 3, f"focus ring colour {ring} is {swatch:.2f}:1 against the sidebar (WCAG asks 3:1)"


def test_no_developer_controls_for_users(visited) -> None:
    """client.toolbarMode = "viewer": no Deploy button or developer menu items for users."""
    page = visited(PAGES[0]).page
    assert page.get_by_role("button", name="Deploy").count() == 0
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
