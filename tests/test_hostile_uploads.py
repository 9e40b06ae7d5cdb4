"""The hostile corpus (tests/hostile.py) through every upload entry point, on SQLite and PostgreSQL:
every file refused with a DataError (no other exception), answered within 10 s and 500 MB, and the
database exactly as it was (row counts after each file, a hash of every row of every table at the end).
Valid files in the encodings Excel writes are accepted."""
from __future__ import annotations

import os

import pytest
from sqlmodel import SQLModel

from regional import db
from regional.errors import DataError
from tests import hostile

SECONDS, MEGABYTES = 10.0, 500.0


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)


@pytest.fixture(scope="module", params=list(_backends()))
def loaded(request, tmp_path_factory):
    if request.param == "sqlite":
        engine = db.get_engine(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'h.sqlite'}")
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("no PostgreSQL server: TEST_DATABASE_URL is not set")
        engine = db.get_engine(url)
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
    db.load_default(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def heavy(tmp_path_factory):
    return hostile.heavy_files(tmp_path_factory.mktemp("heavy"))


@pytest.mark.parametrize("kind", hostile.KINDS)
def test_hostile_files_are_refused_quickly_and_change_nothing(loaded, heavy, kind, tmp_path):
    before_hash = hostile.database_hash(loaded)
    before = hostile.table_counts(loaded)
    files = hostile.hostile_files(kind, tmp_path) + heavy
    slow, accepted, crashed, changed = [], [], [], []
    for case, path in files:
        with hostile.PeakMemory() as used:
            try:
                hostile.upload(kind, path, loaded)
                accepted.append(case)
            except DataError as exc:
                assert str(exc) and "Traceback" not in str(exc)
            except Exception as exc:  # any other type is a crash a user would see as a traceback
                crashed.append(f"{case}: {type(exc).__name__}: {str(exc)[:200]}")
        if used.seconds > SECONDS or used.grown_mb > MEGABYTES:
            slow.append(f"{case}: {used.seconds:.1f} s, {used.grown_mb:.0f} MB")
        if hostile.table_counts(loaded) != before:
            changed.append(case)
    assert crashed == []
    assert accepted == []
    assert slow == []
    assert changed == []
    assert hostile.database_hash(loaded) == before_hash


@pytest.mark.parametrize("kind", hostile.KINDS)
def test_files_as_excel_writes_them_are_accepted(loaded, kind, tmp_path):
    for case, path in hostile.accepted_files(kind, tmp_path):
        assert hostile.upload(kind, path, loaded) >= 1, case


def test_refusals_name_row_and_column(tmp_path, engine):
    """Spot checks of the messages: a user can find and fix the cell."""
    from regional.importers.reader import read_table

    by_case = dict(hostile.hostile_files("ssda903", tmp_path / "a") + hostile.hostile_files("council_return",
                                                                                           tmp_path / "b"))
    with pytest.raises(DataError, match=r"did you mean 'UASC'") as err:
        hostile.upload("ssda903", by_case["header_uask.csv"], engine)
    assert err.value.row == 1 and err.value.column == "UASK"
    with pytest.raises(DataError, match="row 4 has") as err:
        read_table(by_case["ragged_row.csv"])
    with pytest.raises(DataError, match="control character") as err:
        read_table(by_case["nul_in_text.csv"])
    assert err.value.row == 3
    with pytest.raises(DataError, match="save it from Excel as 'CSV UTF-8"):
        read_table(by_case["cp1252_undecodable.csv"])
