"""Shared fixtures. The whole session uses a throwaway SQLite database (set before
anything imports the app), loaded once with the embedded default."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="regional-tests-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.sqlite'}"
os.environ.setdefault("REGIONAL_PSEUDONYM_KEY", "test-only-key")

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real published files; tests that read them skip when ../shared is absent."""
    if not SHARED_DATA.exists():
        pytest.skip(f"the raw published files are not at {SHARED_DATA} (../shared/data beside the project)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def engine():
    """The session's database, loaded with the embedded default."""
    from regional import db

    eng = db.get_engine()
    db.ensure_loaded(eng)
    return eng


@pytest.fixture(scope="session")
def store(engine):
    from regional.store import load_store

    return load_store(engine)


@pytest.fixture
def app_test():
    """Factory for an AppTest of a page, with a timeout that suits this machine."""
    from streamlit.testing.v1 import AppTest

    def make(path: str = "app.py") -> AppTest:
        return AppTest.from_file(str(PROJECT_DIR / path), default_timeout=60)

    return make
