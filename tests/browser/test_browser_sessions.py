"""The many-users bench speaks Streamlit's websocket protocol as the browser does (bench/sessions.py):
here three of its sessions at once go round every page of the running app, and every run must finish
with no exception on the page, so the bench's figures are of pages that really ran."""
from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from _browser_support import PROJECT_DIR

pytestmark = pytest.mark.browser


def test_three_protocol_sessions_run_every_page_without_an_error(base_url, monkeypatch) -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    from bench import sessions

    monkeypatch.setattr(sessions, "SWITCHES", 1)

    async def three():
        return await asyncio.gather(*(sessions.user(base_url, n, 0.0) for n in range(3)))

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's event loop
        results = pool.submit(asyncio.run, three()).result()
    for times, errors in results:
        assert not errors, errors
        assert len(times) >= 13 and all(0 < t < sessions.TIMEOUT_S for t in times), times
