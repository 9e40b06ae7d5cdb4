"""Migrations never drop: a database made by an earlier release, holding uploads of every type
(tests/fixtures/release_*.sqlite, made by tests/fixtures/make_release_fixture.py), is upgraded on
SQLite and PostgreSQL, the embedded default is reloaded, and every upload survives.

Two releases: 5a8b216 (the baseline layout) and 875069d (the last release before migrations,
which had made the group, scenario, Ofsted ILACS and action-plan tables itself with create_all)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Boolean, Integer, MetaData, create_engine, inspect, text
from sqlmodel import SQLModel

from regional import db, models, returns
from tests.conftest import fresh_postgres, postgres_url

FIXTURES = Path(__file__).parent / "fixtures"
RELEASES = ["5a8b216", "875069d"]
#: Upload rows as release 5a8b216 stored them, and the columns that must come through unchanged.
UPLOAD_QUERIES = {
    "source": "select id, kind, publisher, title, edition, origin, loaded_by from source where origin = 'upload'",
    "observation": "select area_code, indicator_id, period, value, status, source_id, section from observation "
                   "where source_id in (select id from source where origin = 'upload')",
    "fostering_pipeline": "select area_code, period, household_type, enquiries, approvals, source_id "
                          "from fostering_pipeline where source_id in (select id from source where origin = 'upload')",
    "local_provision": "select area_code, period, setting_type, setting_name, beds, occupied_own, source_id "
                       "from local_provision where source_id in (select id from source where origin = 'upload')",
    "placement_episode_upload": "select area_code, child, decom, dec, place, pl_outcode, pl_distance, uasc "
                                "from placement_episode_upload",
    "placement_upload": "select id, area_code, file_name, rows, loaded_by from placement_upload",
}
#: What release 875069d's users saved besides uploads: their groups and scenarios.
SAVED_QUERIES = {
    "user_group": "select id, name, description, created_by from user_group",
    "user_group_member": "select group_id, area_code from user_group_member",
    "sufficiency_scenario": "select name, description, levers, created_by from sufficiency_scenario",
}
DORSET_2024_STRATEGY = "Placement Sufficiency Strategy for Children in Care and Care Leavers 2024 - 2027"


def fixture(release: str) -> Path:
    return FIXTURES / f"release_{release}.sqlite"


def _queries(release: str) -> dict[str, str]:
    return UPLOAD_QUERIES | (SAVED_QUERIES if release != "5a8b216" else {})


def _uploads(conn, release: str) -> dict[str, pd.DataFrame]:
    out = {}
    for name, query in _queries(release).items():
        frame = pd.read_sql(text(query), conn)
        for column in frame.columns:
            if column in ("period", "decom", "dec"):
                frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
            if column == "uasc":
                frame[column] = frame[column].astype(bool)
        out[name] = frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)
    return out


def _expected(release: str) -> dict[str, pd.DataFrame]:
    with create_engine(f"sqlite:///{fixture(release)}").connect() as conn:
        return _uploads(conn, release)


def _check_after_upgrade(engine, release: str) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == db.head_revision()
    expected = _expected(release)
    assert all(len(frame) for frame in expected.values()), "the fixture holds uploads of every type"
    # the next release's first start reloads the embedded default: uploads are untouched
    db.load_default(engine)
    with engine.connect() as conn:
        after = _uploads(conn, release)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(after[name], frame, check_dtype=False, obj=name)
    columns = {c["name"] for c in inspect(engine).get_columns("placement_episode_upload")}
    assert "source_row" not in columns and "version_id" in columns
    # episodes uploaded before months of birth were kept: none (the plan says "all ages" for them);
    # the reloaded embedded default has its synthetic months
    with engine.connect() as conn:
        held = conn.execute(text("select count(*), count(birth_month) from placement_episode_upload")).one()
        default = conn.execute(text("select count(*), count(birth_month) from placement_episode")).one()
    assert held[0] > 0 and held[1] == 0
    assert default[0] > 0 and default[1] == default[0]
    # the release's truncated source id had swallowed Dorset's 2024-2027 strategy; with full document
    # identities the default reload brings its rows back beside the upload of the 2027-2030 strategy
    with engine.connect() as conn:
        titles = pd.read_sql(text("select s.title, count(*) as n from observation o join source s on "
                                  "s.id = o.source_id where s.publisher = 'Dorset' group by s.title"), conn)
    counts = dict(zip(titles["title"], titles["n"]))
    assert counts.get(DORSET_2024_STRATEGY, 0) >= 40
    assert counts["Placement Sufficiency Strategy for Children in Care and Care Leavers 2027 – 2030"] == 1
    # and the upgraded database takes new versions
    result = returns.submit("council_return", _somerset_correction(engine), engine, who="editor@somerset.example")
    assert result.number == 1 and result.diff["change"].tolist() == ["changed"]


def _somerset_correction(engine) -> Path:
    path = Path(engine.url.database or "/tmp").parent / "somerset_correction.csv" \
        if engine.dialect.name == "sqlite" else Path("/tmp") / f"somerset_correction_{id(engine)}.csv"
    path.write_text("council,indicator,period,value,status,breakdown,document,section,published,note\n"
                    "Somerset,cic_count,2026-03-31,641,provisional,,Somerset Children's Services Scorecard March 2026,"
                    "Table 1,2026-04-10,\n"
                    "Somerset,cic_rate_per_10k,2026-03-31,59,provisional,,Somerset Children's Services Scorecard "
                    "March 2026,Table 1,2026-04-10,\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("release", RELEASES)
def test_release_database_upgrades_on_sqlite_and_keeps_every_upload(tmp_path, release):
    copy = tmp_path / "release.sqlite"
    shutil.copy(fixture(release), copy)
    engine = db.get_engine(f"sqlite:///{copy}")
    _check_after_upgrade(engine, release)
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("release", RELEASES)
def test_release_database_upgrades_on_postgresql_and_keeps_every_upload(release):
    engine = fresh_postgres(postgres_url(), migrate=False)
    recreate_release_layout(engine, release)
    with engine.connect() as conn:
        assert "alembic_version" not in inspect(conn).get_table_names()
    db.upgrade(engine)
    _check_after_upgrade(engine, release)


def recreate_release_layout(engine, release: str) -> None:
    """The layout the release made on PostgreSQL, without Alembic's version table (as create_all
    left it), filled with the fixture's rows: the baseline revision, plus whatever tables and
    columns the release's SQLite file holds beyond it (875069d: groups, scenarios, Ofsted ILACS,
    action plans, short_break), made from the SQLite file's own layout."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), db.BASELINE_REVISION)
        conn.exec_driver_sql("DROP TABLE alembic_version")
    path = fixture(release)
    release_meta = MetaData()
    release_meta.reflect(create_engine(f"sqlite:///{path}"))
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in release_meta.sorted_tables:
            if table.name not in meta.tables:
                copy = table.to_metadata(meta)  # beside the tables its foreign keys name
                for column in copy.columns:
                    column.type = column.type.as_generic()  # SQLite's DATETIME is PostgreSQL's TIMESTAMP
                copy.create(conn)
                continue
            held = {c.name for c in meta.tables[table.name].columns}
            for column in table.columns:
                if column.name not in held:
                    kind = column.type.as_generic().compile(dialect=conn.dialect)
                    default = " DEFAULT false NOT NULL" if isinstance(column.type, Boolean) else ""
                    conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{default}')
    meta = MetaData()
    meta.reflect(engine)
    source = sqlite3.connect(path)
    source.row_factory = sqlite3.Row
    with engine.begin() as conn:
        for release_table in release_meta.sorted_tables:
            name = release_table.name
            table = meta.tables[name]
            rows = [dict(r) for r in source.execute(f"select * from {name}")]
            booleans = [c.name for c in table.columns if isinstance(c.type, Boolean)]
            for row in rows:
                for column in booleans:
                    row[column] = None if row[column] is None else bool(row[column])
            if rows:
                conn.execute(table.insert(), rows)
            if "id" in table.columns and isinstance(table.c.id.type, Integer):
                conn.execute(text(f"select setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"coalesce((select max(id) from {name}), 0) + 1, false)"))
    source.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_models_and_migrations_agree(backend, tmp_path):
    """A table or column added to models.py without a migration fails here (add a revision)."""
    engine = db.get_engine(f"sqlite:///{tmp_path / 'm.sqlite'}") if backend == "sqlite" \
        else fresh_postgres(postgres_url())
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == []


def test_upgrade_again_changes_nothing_and_nothing_drops(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
    db.ensure_loaded(engine)
    before = {t: len(db.read_table(engine, getattr(models, m))) for t, m in
              (("observation", "Observation"), ("source", "Source"))}
    assert db.upgrade(engine) == db.head_revision()
    assert {t: len(db.read_table(engine, getattr(models, m))) for t, m in
            (("observation", "Observation"), ("source", "Source"))} == before
    source = Path(db.__file__).read_text() + "".join(p.read_text() for p in db.MIGRATIONS_DIR.rglob("*.py"))
    assert "drop_all(" not in source
