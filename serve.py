"""Serve the app as `make run` does: `streamlit run serve.py`. The same pages as `streamlit run
app.py`, plus a start-up hook (Streamlit's st.App lifespan) that imports the library and loads the
embedded data in the background while the server starts, so the first visitor does not wait for it.
A visitor who arrives before it finishes waits for that one load (regional.resilience)."""
from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st


@asynccontextmanager
async def _lifespan(_app):
    from regional.resilience import warm_up

    threading.Thread(target=warm_up, name="regional-warm-up", daemon=True).start()
    yield


app = st.App(str(Path(__file__).with_name("app.py")), lifespan=_lifespan)
