"""The database load on SQLite and, where a server runs (TEST_DATABASE_URL), PostgreSQL."""

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from regional import db, models, returns
from regional.cli import show_frame
from regional.store import load_store


def _count(engine, table):
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(table)).scalar()


def test_first_start_loads_then_does_not_reload(fresh_backend):
    assert db.ensure_loaded(fresh_backend) is True
    assert db.ensure_loaded(fresh_backend) is False
    assert _count(fresh_backend, models.Area) == len(pd.read_csv(db.EXTRACT_DIR / "areas.csv"))
    assert _count(fresh_backend, models.Observation) > 30000
    assert _count(fresh_backend, models.StatisticalNeighbour) == 3050


def test_both_backends_give_the_same_answers(fresh_backend, engine):
    db.ensure_loaded(fresh_backend)
    here, reference = load_store(fresh_backend), load_store(engine)
    a = show_frame(here, "cic_rate_per_10k", None, "2025-03-31", "dfe").reset_index(drop=True)
    b = show_frame(reference, "cic_rate_per_10k", None, "2025-03-31", "dfe").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == (reference.areas["code"]).nunique()
    assert here.statistical_neighbours("E06000059", "2021") == reference.statistical_neighbours("E06000059", "2021")


def test_a_load_that_fails_midway_leaves_the_database_as_it_was(fresh_backend, monkeypatch):
    db.ensure_loaded(fresh_backend)
    before = {t: _count(fresh_backend, t) for t in (models.Area, models.Observation, models.Source)}
    real_insert = db._insert

    def failing_insert(session, table, frame):
        if table is models.Observation:
            raise RuntimeError("disk full")
        real_insert(session, table, frame)

    monkeypatch.setattr(db, "_insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        db.load_default(fresh_backend)
    assert {t: _count(fresh_backend, t) for t in before} == before


def test_reloading_the_default_keeps_uploads(fresh_backend, tmp_path):
    db.ensure_loaded(fresh_backend)
    path = tmp_path / "upload.csv"
    pd.DataFrame([{"council": "Swindon", "indicator": "cic_count", "period": "2026-03-31", "value": "310",
                   "document": "Swindon scorecard", "published": "2026-04-01"}]).to_csv(path, index=False)
    returns.load_council_return(path, fresh_backend)
    before = _count(fresh_backend, models.Observation)
    db.load_default(fresh_backend)
    assert _count(fresh_backend, models.Observation) == before
    store = load_store(fresh_backend)
    kept = store.observations_for("cic_count", ["E06000030"], source="council")
    assert kept["value"].tolist() == [310.0]
