"""How `make run` serves the app (`streamlit run serve.py`): the server loads the embedded data as it
starts, before anyone visits, and the first visitor then gets the Overview; a bare
`streamlit run app.py` still works and loads on the first visit instead."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from regional.models import LoadRecord

from _browser_support import (CHART, LOAD_TIMEOUT_MS, MAIN, VIEWPORT, app_environment, main_page, open_page,
                              streamlit_app, wait_for_drawn)

pytestmark = pytest.mark.browser


def _loads(env: dict[str, str]) -> int:
    """Default loads recorded in the app's database (0 while it has no tables yet)."""
    engine = create_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            if LoadRecord.__tablename__ not in inspect(conn).get_table_names():
                return 0
            return conn.execute(text(f"SELECT count(*) FROM {LoadRecord.__tablename__} WHERE kind = 'default'")).scalar()
    finally:
        engine.dispose()


def _overview_title(browser, base_url: str) -> str:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        open_page(tab, base_url, main_page())
        wait_for_drawn(tab)
        assert tab.locator(CHART).count() >= 1
        return tab.locator(f"{MAIN} h1").first.inner_text()
    finally:
        context.close()


def test_serve_loads_the_data_as_the_server_starts(browser):
    env = app_environment(Path(tempfile.mkdtemp(prefix="regional-serve-")))
    with streamlit_app(env, "browser-serve-start.log") as base_url:
        deadline = time.monotonic() + LOAD_TIMEOUT_MS / 1000
        while _loads(env) == 0 and time.monotonic() < deadline:  # nobody has visited yet
            time.sleep(0.5)
        assert _loads(env) == 1, "the server did not load the embedded data on its own"
        assert _overview_title(browser, base_url).startswith("Regional Care Benchmark")
        assert _loads(env) == 1  # the visit found it loaded: no second load


def test_bare_app_loads_on_the_first_visit(browser):
    env = app_environment(Path(tempfile.mkdtemp(prefix="regional-bare-")))
    with streamlit_app(env, "browser-bare-start.log", script="app.py") as base_url:
        time.sleep(3)
        assert _loads(env) == 0  # `streamlit run app.py` runs nothing until someone visits
        assert _overview_title(browser, base_url).startswith("Regional Care Benchmark")
        assert _loads(env) == 1
