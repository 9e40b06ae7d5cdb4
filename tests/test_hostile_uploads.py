"""The hostile corpus (tests/hostile.py) through every upload entry point, on SQLite and PostgreSQL:
every file refused with a DataError (no other exception), answered within 10 s and 500 MB, and the
database exactly as it was: nothing committed after each file (hostile.CommitWatch), the same row
counts, and a hash of every row of every table at the end. The path is the Data page's own
(regional.returns.submit). Valid files in the encodings Excel writes are accepted."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from regional import models
from regional.errors import DataError
from tests import hostile

SECONDS, MEGABYTES = 10.0, 500.0


@pytest.fixture(scope="module")
def heavy(tmp_path_factory):
    return hostile.heavy_files(tmp_path_factory.mktemp("heavy"))


@pytest.mark.parametrize("kind", hostile.KINDS)
def test_hostile_files_are_refused_quickly_and_change_nothing(loaded_backend, heavy, kind, tmp_path):
    before_hash = hostile.database_hash(loaded_backend)
    before = hostile.table_counts(loaded_backend)
    files = hostile.hostile_files(kind, tmp_path) + heavy
    slow, accepted, crashed, changed = [], [], [], []
    watch = hostile.CommitWatch(loaded_backend)
    for case, path in files:
        with hostile.PeakMemory() as used:
            try:
                hostile.upload(kind, path, loaded_backend)
                accepted.append(case)
            except DataError as exc:
                assert str(exc) and "Traceback" not in str(exc)
            except Exception as exc:  # any other type is a crash a user would see as a traceback
                crashed.append(f"{case}: {type(exc).__name__}: {str(exc)[:200]}")
        if used.seconds > SECONDS or used.grown_mb > MEGABYTES:
            slow.append(f"{case}: {used.seconds:.1f} s, {used.grown_mb:.0f} MB")
        if watch.changed() or hostile.table_counts(loaded_backend) != before:
            changed.append(case)
    watch.close()
    assert crashed == []
    assert accepted == []
    assert slow == []
    assert changed == []
    assert hostile.database_hash(loaded_backend) == before_hash


def test_every_step_of_an_upload_is_held_to_its_budget(loaded_backend, tmp_path, monkeypatch):
    """Checking is held to the time budget, storing to the memory budget (not only the reader):
    with the budget spent, a valid file is refused by name and nothing is committed."""
    from regional import returns

    path = tmp_path / "episodes.csv"
    path.write_bytes(hostile.rows_csv(hostile.good_rows("ssda903", 20_000)))
    admin = returns.Actor("budget-test", "admin")
    monkeypatch.setenv("REGIONAL_UPLOAD_TIME_BUDGET_S", "0.000001")
    spent = returns.prepare("ssda903", path, loaded_backend, council="E06000058")
    assert spent.rows.empty and spent.errors["problem"].str.contains("could not be checked within the 1e-06 s").any()
    monkeypatch.delenv("REGIONAL_UPLOAD_TIME_BUDGET_S")
    prepared = returns.prepare("ssda903", path, loaded_backend, council="E06000058")
    assert len(prepared.rows) == 20_000
    watch = hostile.CommitWatch(loaded_backend)
    monkeypatch.setenv("REGIONAL_UPLOAD_MEMORY_MB", "0.001")
    with pytest.raises(DataError, match="more than the 0.001 MB of memory") as err:
        returns.submit("ssda903", None, loaded_backend, who=admin, prepared=prepared)
    assert err.value.file == "episodes.csv"
    assert not watch.changed()
    monkeypatch.delenv("REGIONAL_UPLOAD_MEMORY_MB")
    assert returns.submit("ssda903", None, loaded_backend, who=admin, prepared=prepared).rows == 20_000
    assert watch.changed()  # the same upload within the budget is stored
    watch.close()


def test_the_commit_watch_sees_a_stored_change_and_not_a_rolled_back_one(loaded_backend, tmp_path):
    """The per-probe check above could fail: a rolled-back write leaves it quiet, a committed one
    (an update in place, or an accepted upload) does not."""
    watch = hostile.CommitWatch(loaded_backend)
    with Session(loaded_backend) as session:
        source = session.get(models.Source, session.query(models.Source.id).first()[0])
        source.title = source.title + " (changed)"
        session.flush()
        session.rollback()
    assert not watch.changed()
    with Session(loaded_backend) as session:
        source = session.get(models.Source, session.query(models.Source.id).first()[0])
        title = source.title
        source.title = title + " (changed)"
        session.commit()
        source.title = title
        session.commit()  # the same content again: still a committed change
    assert watch.changed()
    watch.close()


@pytest.mark.parametrize("kind", hostile.KINDS)
def test_files_as_excel_writes_them_are_accepted(loaded_backend, kind, tmp_path):
    """The same rows in every encoding and shape: the first is stored as a new version, and each
    other one reads to exactly the same figures (so storing it changes nothing)."""
    (first, path), *others = hostile.accepted_files(kind, tmp_path)
    stored = hostile.submit(kind, path, loaded_backend)
    assert stored.rows >= 1 and not stored.unchanged, first
    for case, path in others:
        again = hostile.submit(kind, path, loaded_backend)
        assert again.unchanged and len(again.prepared.rows) == stored.rows, (case, again.diff)


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
