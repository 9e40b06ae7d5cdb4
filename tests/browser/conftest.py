"""One real Streamlit server per session (loopback, free port, throwaway SQLite) and
Debian's Chromium driven by Playwright. Without Chromium the browser tests skip and say why."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from _browser_support import CHROMIUM, LAUNCH_ARGS, PROJECT_DIR, VIEWPORT, Visit, open_page

SERVER_START_TIMEOUT_S = 60
_SESSION_START = time.time()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
def app_server(browser):
    """`streamlit run app.py`, headless on a free loopback port, against its own temporary SQLite file.

    Depends on ``browser`` so nothing starts when the tests would skip anyway.
    """
    tmp = Path(tempfile.mkdtemp(prefix="regional-browser-"))
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite'}", "REGIONAL_VAR_DIR": str(tmp / "var"),
           "REGIONAL_PSEUDONYM_KEY": os.environ.get("REGIONAL_PSEUDONYM_KEY", "test-only-key")}
    log_path = PROJECT_DIR / "artifacts" / "browser-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {base_url} within {SERVER_START_TIMEOUT_S} s; "
                                   f"see {log_path}")
            time.sleep(0.3)
        yield base_url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


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
