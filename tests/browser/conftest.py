"""One real Streamlit server per session (loopback, free port, throwaway SQLite) and
Debian's Chromium driven by Playwright. Without Chromium the browser tests skip and say why."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from _browser_support import (CHROMIUM, LAUNCH_ARGS, PROJECT_DIR, VIEWPORT, Visit, app_environment, open_page,
                              streamlit_app)

_SESSION_START = time.time()


@pytest.fixture(scope="session")
def browser():
    """Chromium from Debian (never a Playwright download)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install -y chromium`; "
                    "`make test` does this when it can) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"the playwright Python package is not installed ({exc})")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    except Exception as exc:  # Playwright raises its own Error for a browser that will not start
        manager.stop()
        pytest.skip(f"Playwright could not launch {CHROMIUM}: {str(exc).splitlines()[0]}")
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture(scope="session")
def app_env(browser) -> dict[str, str]:
    """The shared app's environment (its DATABASE_URL is where a test adds a user or reads what was stored).

    Depends on ``browser`` so nothing starts when the tests would skip anyway.
    """
    return app_environment(Path(tempfile.mkdtemp(prefix="regional-browser-")))


@pytest.fixture(scope="session")
def app_server(app_env):
    """The app every browser test shares, against its own temporary SQLite file."""
    with streamlit_app(app_env, "browser-server.log") as base_url:
        yield base_url


@pytest.fixture
def page(browser, app_server):
    """A fresh browser context (so a fresh Streamlit session) per test."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def base_url(app_server) -> str:
    return app_server


@pytest.fixture(scope="session")
def visited(browser, app_server):
    """Each page loaded once per session (in its own browser context) and shared by the tests that
    only look at it; tests that change a control use ``page`` instead. Saves a load per page."""
    opened: dict[Path, Visit] = {}

    def visit(path: Path) -> Visit:
        if path not in opened:
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
            context.set_default_timeout(30_000)
            tab = context.new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            open_page(tab, app_server, path)
            opened[path] = Visit(tab, errors)
        return opened[path]

    yield visit
    for item in opened.values():
        item.page.context.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """The accessibility test's axe counts per page, in the test report (and as a CSV beside the screenshots)."""
    folder = PROJECT_DIR / "artifacts" / "accessibility"
    reports = sorted(p for p in folder.glob("*.json") if p.stat().st_mtime >= _SESSION_START) if folder.exists() else []
    if not reports:
        return
    import json

    lines = ["page,view,rule,impact,nodes"]
    terminalreporter.section("axe-core violations per page (WCAG 2.2 A/AA rules)")
    for report in reports:
        rows = json.loads(report.read_text())
        total = sum(r["nodes"] for r in rows)
        impacts = {}
        for r in rows:
            impacts[r["impact"]] = impacts.get(r["impact"], 0) + r["nodes"]
            lines.append(f"{r['page']},{r['view']},{r['rule']},{r['impact']},{r['nodes']}")
        detail = ", ".join(f"{k or 'unrated'} {v}" for k, v in sorted(impacts.items())) or "none"
        terminalreporter.write_line(f"{report.stem}: {total} ({detail})")
    (folder / "axe-summary.csv").write_text("\n".join(lines) + "\n")
