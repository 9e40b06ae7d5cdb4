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


def fresh_postgres(url: str, *, migrate: bool = True):
    """An empty PostgreSQL test database (schema dropped and recreated), migrated to head.

    Only for the test databases named in TEST_DATABASE_URL (regional_test*): never a real one.
    """
    from regional import db

    assert "/regional_test" in url, "fresh_postgres only empties a regional_test* database"
    engine = db.get_engine(url, migrate=False)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '60s'")  # a connection left open fails loudly, not forever
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    if migrate:
        db.upgrade(engine)
    return engine


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("no PostgreSQL server: TEST_DATABASE_URL is not set (scripts/test.sh sets it when it can "
                    "install and start Debian's postgresql)")
    return url


#: Every database test runs on both: SQLite, and PostgreSQL where TEST_DATABASE_URL names a server.
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


def _empty_database(backend: str, folder: Path):
    """An engine on an empty database migrated to head: a new SQLite file in ``folder``, or the
    PostgreSQL test database emptied (the one place tests empty a PostgreSQL database)."""
    from regional import db

    if backend == "sqlite":
        return db.get_engine(f"sqlite:///{folder / 'test.sqlite'}")
    return fresh_postgres(postgres_url())


@pytest.fixture(params=BACKENDS)
def fresh_backend(request, tmp_path):
    """An empty database of its own for one test, on SQLite and on PostgreSQL."""
    engine = _empty_database(request.param, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def loaded_backend(request, tmp_path_factory):
    """A database of its own for one test module, on SQLite and on PostgreSQL, loaded with the
    embedded default."""
    from regional import db

    engine = _empty_database(request.param, tmp_path_factory.mktemp(request.param))
    db.load_default(engine)
    yield engine
    engine.dispose()


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


@pytest.fixture
def signed_in(engine):
    """Sign an AppTest's session in as a council editor or regional admin: a real row of the users
    table (``regional.auth``) and the email the sidebar's sign-in keeps in the session."""
    from regional import auth

    def make(at, role: str, council: str | None = None):
        import signin

        email = f"{role}.{council or 'region'}@example.org".lower()
        auth.add_user(engine, email, role, council=council, who="tests")
        at.session_state[signin.SESSION_KEY] = email
        return at

    return make




def map_layers(at) -> dict[str, list[dict]]:
    """The page's one map (a Vega-Lite chart with a projection), its layers by name: GeoJSON features as
    their properties, other layers as their records."""
    import json

    from regional.maps import layers_of

    import pyarrow as pa

    maps = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if "projection" in spec:  # Streamlit sends flat records as Arrow beside the spec
            spec.setdefault("datasets", {}).update(
                {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets})
            maps.append(spec)
    assert len(maps) == 1, f"{len(maps)} maps on the page"
    return {name: [r["properties"] if r.get("type") == "Feature" else r for r in rows]
            for name, rows in layers_of(maps[0]).items()}
