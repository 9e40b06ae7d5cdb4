"""Versioned returns through the path every page uses (regional.returns): exact replace scopes
(each deletion issue 11 found, shown not to happen), versions, withdrawal, identical re-uploads,
diffs, refusals that leave every table as it was, the audit log and the catalogue."""
from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, SQLModel

from regional import db, models, returns
from regional.errors import DataError
from regional.importers.council_return import ReturnInvalid
from tests.conftest import PROJECT_DIR, fresh_postgres, postgres_url

BCP, DORSET, TORBAY = "E06000058", "E06000059", "E06000027"
RETURN_HEADER = ["council", "indicator", "period", "value", "status", "breakdown", "document", "section", "published",
                 "note"]
PIPELINE_HEADER = ["council", "period", "household_type", "enquiries", "initial_visits", "applications",
                   "assessments_started", "approvals", "deregistrations"]
EPISODE_HEADER = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
                  "HOME_POST", "PL_POST", "URN", "LA"]
DORSET_2024 = "Placement Sufficiency Strategy for Children in Care and Care Leavers 2024 - 2027"
DORSET_2027 = "Placement Sufficiency Strategy for Children in Care and Care Leavers 2027 – 2030"
BCP_SELF_ASSESSMENT = "Children's Services Self-Assessment May 2026"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("returns") / "template.sqlite"
    engine = db.get_engine(f"sqlite:///{path}")
    db.ensure_loaded(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, template, tmp_path):
    """A database holding the embedded default, of this test's own."""
    if request.param == "sqlite":
        shutil.copy(template, tmp_path / "db.sqlite")
        eng = db.get_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    else:
        eng = fresh_postgres(postgres_url())
        db.load_default(eng)
    yield eng
    eng.dispose()


def write(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    return path


def table_hashes(engine, *, content_only: bool = False) -> dict[str, str]:
    """A hash of every row of every table: 'unchanged' means exactly that. ``content_only``
    leaves out surrogate row ids (a restored row is the same row under a new id)."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if not (content_only and c.name == "id" and c.autoincrement is not False
                                                        and str(c.type) == "INTEGER")]
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(*columns)).all())
            out[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def frame(engine, query: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(query), conn, params=params)


def count(engine, query: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(query), params).scalar()


def rows_in_default_files(title: str) -> int:
    """How many figures the embedded default's returns give for one document (read from the files, not the DB)."""
    from regional.settings import RETURNS_DIR

    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(RETURNS_DIR.glob("*.csv"))]
    return int(sum((f["document"] == title).sum() for f in frames))


def doc_rows(engine, title: str) -> int:
    return count(engine, "select count(*) from observation o join source s on s.id = o.source_id where s.title = :t",
                 t=title)


# --- each deletion issue 11 found --------------------------------------------------------------
def test_a_new_dorset_strategy_never_deletes_the_published_one(engine, tmp_path):
    before = doc_rows(engine, DORSET_2024)
    assert before == rows_in_default_files(DORSET_2024) > 40
    path = write(tmp_path / "dorset.csv", RETURN_HEADER,
                 [["Dorset", "cic_count", "2027-03-31", "470", "ok", "", DORSET_2027, "Snapshot", "", ""]])
    result = returns.submit("council_return", path, engine, who="editor@dorset.example")
    assert result.rows == 1 and result.diff["change"].tolist() == ["added"]
    assert doc_rows(engine, DORSET_2024) == before and doc_rows(engine, DORSET_2027) == 1
    db.load_default(engine)  # and a default reload keeps both
    assert doc_rows(engine, DORSET_2024) == before and doc_rows(engine, DORSET_2027) == 1


def test_one_row_under_bcps_title_replaces_only_what_it_names(engine, tmp_path):
    published = doc_rows(engine, BCP_SELF_ASSESSMENT)
    assert published == rows_in_default_files(BCP_SELF_ASSESSMENT) > 30
    # another council using BCP's title is a document of its own, never BCP's
    torbay = write(tmp_path / "torbay.csv", RETURN_HEADER,
                   [["Torbay", "cic_count", "2026-03-31", "1", "ok", "", BCP_SELF_ASSESSMENT, "x", "2026-05-01", ""]])
    returns.submit("council_return", torbay, engine, who="someone")
    bcp_rows = "select count(*) from observation o join source s on s.id = o.source_id where s.title = :t " \
        "and s.publisher <> 'Torbay'"
    assert count(engine, bcp_rows, t=BCP_SELF_ASSESSMENT) == published
    # BCP itself correcting one period: only that period's figures of the document are replaced
    held = frame(engine, "select o.period, count(*) as n from observation o join source s on s.id = o.source_id "
                 "where s.title = :t and s.publisher <> 'Torbay' group by o.period", t=BCP_SELF_ASSESSMENT)
    held["period"] = pd.to_datetime(held["period"]).dt.strftime("%Y-%m-%d")
    per_period = dict(zip(held["period"], held["n"]))
    bcp = write(tmp_path / "bcp.csv", RETURN_HEADER,
                [["Bournemouth, Christchurch and Poole", "pct_uasc", "2026-03", "6.5", "ok", "", BCP_SELF_ASSESSMENT,
                  "7.1 Children in Care (Key Performance Indicators)", "2026-05-01", ""]])
    prepared = returns.prepare("council_return", bcp, engine)
    preview = returns.preview(prepared, engine)
    assert (preview["change"] == "changed").sum() == 1
    assert (preview["change"] == "removed").sum() == per_period["2026-03-31"] - 1
    returns.submit("council_return", bcp, engine, who="editor@bcp.example")
    assert count(engine, bcp_rows, t=BCP_SELF_ASSESSMENT) == published - per_period["2026-03-31"] + 1


def test_a_typo_year_and_another_household_type_replace_nothing_else(engine, tmp_path):
    first = write(tmp_path / "p1.csv", PIPELINE_HEADER, [
        ["Torbay", f"2025-{m:02d}", t, "10", "5", "3", "2", "1", "0"] for m in range(1, 5) for t in ("mainstream", "kinship")])
    returns.submit("fostering_pipeline", first, engine, who="editor@torbay.example")
    assert count(engine, "select count(*) from fostering_pipeline where area_code = :c", c=TORBAY) == 8
    typo = write(tmp_path / "p2.csv", PIPELINE_HEADER, [["Torbay", "2015-01", "mainstream", "9", "5", "3", "2", "1", "0"]])
    returns.submit("fostering_pipeline", typo, engine, who="editor@torbay.example")
    assert count(engine, "select count(*) from fostering_pipeline where area_code = :c", c=TORBAY) == 9
    kinship = write(tmp_path / "p3.csv", PIPELINE_HEADER, [["Torbay", "2025-02", "kinship", "", "", "", "4", "2", "0"]])
    result = returns.submit("fostering_pipeline", kinship, engine, who="editor@torbay.example")
    assert result.diff["change"].tolist() == ["changed"]
    held = frame(engine, "select period_label, household_type, approvals from fostering_pipeline where area_code = :c",
                 c=TORBAY).set_index(["period_label", "household_type"])
    assert len(held) == 9
    assert held.loc[("2025-02", "mainstream"), "approvals"] == 1
    assert held.loc[("2025-02", "kinship"), "approvals"] == 2


def episodes(n: int, la: str = TORBAY, prefix: str = "T", start: int = 0) -> list[list]:
    return [[f"{prefix}{start + i}", "01/05/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "TQ1", "TQ2", "", la]
            for i in range(n)]


def test_an_ssda903_file_with_one_good_row_never_replaces_the_rest(engine, tmp_path):
    returns.submit("ssda903", write(tmp_path / "e1.csv", EPISODE_HEADER, episodes(20)), engine, who="ed")
    assert count(engine, "select count(*) from placement_episode_upload where area_code = :c", c=TORBAY) == 20
    bad = [[f"X{i}", "01/05/2025", "S", "C2", "N1", "ZZ", "PR1", "", "", "", "TQ1", "TQ2", "", TORBAY] for i in range(9)]
    mixed = write(tmp_path / "e2.csv", EPISODE_HEADER, episodes(1, start=100) + bad)
    prepared = returns.prepare("ssda903", mixed, engine)
    assert prepared.summary()["rows_with_errors"] == 9 and len(prepared.rows) == 1
    with pytest.raises(ReturnInvalid):
        returns.submit("ssda903", mixed, engine, who="ed")
    result = returns.submit("ssda903", mixed, engine, who="ed", accept=True)
    assert result.rows == 1 and result.diff["change"].tolist() == ["added"]
    assert count(engine, "select count(*) from placement_episode_upload where area_code = :c", c=TORBAY) == 21


def test_a_stray_row_for_another_council_is_an_error_not_a_replacement(engine, tmp_path):
    returns.submit("ssda903", write(tmp_path / "d.csv", EPISODE_HEADER, episodes(30, DORSET, "D")), engine, who="ed")
    stray = write(tmp_path / "t.csv", EPISODE_HEADER, episodes(10) + episodes(1, DORSET, "D", 500))
    prepared = returns.prepare("ssda903", stray, engine, council="Torbay")
    errors = prepared.errors
    assert errors[["row", "column", "problem"]].values.tolist() == [[12, "LA", "a row for another council"]]
    returns.submit("ssda903", stray, engine, who="ed", council="Torbay", accept=True)
    assert count(engine, "select count(*) from placement_episode_upload where area_code = :c", c=DORSET) == 30
    assert count(engine, "select count(*) from placement_episode_upload where area_code = :c", c=TORBAY) == 10
    # a council return holding another council's row is refused whole
    mixed = write(tmp_path / "r.csv", RETURN_HEADER, [
        ["Torbay", "cic_count", "2026-03-31", "290", "ok", "", "Torbay scorecard", "", "", ""],
        ["Dorset", "cic_count", "2026-03-31", "1", "ok", "", "Torbay scorecard", "", "", ""]])
    before = table_hashes(engine)
    with pytest.raises(DataError, match="2 councils"):
        returns.submit("council_return", mixed, engine, who="ed")
    with pytest.raises(ReturnInvalid, match="another council"):
        returns.submit("council_return", mixed, engine, who="ed", council="Torbay")
    assert table_hashes(engine) == before


def test_the_person_who_uploads_is_recorded_not_the_servers_account(engine, tmp_path):
    path = write(tmp_path / "r.csv", RETURN_HEADER, [["Torbay", "cic_count", "2026-03-31", "290", "ok", "", "S", "", "", ""]])
    returns.submit("council_return", path, engine, who=returns.Actor("editor@torbay.example", "editor", TORBAY))
    version = returns.versions(engine).iloc[0]
    assert version["loaded_by"] == "editor@torbay.example"
    assert returns.audit_log(engine).iloc[-1]["who"] == "editor@torbay.example"


def test_an_editor_cannot_write_another_council(engine, tmp_path):
    path = write(tmp_path / "r.csv", RETURN_HEADER, [["Dorset", "cic_count", "2026-03-31", "1", "ok", "", "S", "", "", ""]])
    before = table_hashes(engine)
    with pytest.raises(returns.NotAllowed, match="may not change Dorset"):
        returns.submit("council_return", path, engine, who=returns.Actor("editor@torbay.example", "editor", TORBAY))
    assert table_hashes(engine) == before
    returns.submit("council_return", path, engine, who=returns.Actor("admin@region.example", "admin"))
    assert returns.versions(engine, "council_return", DORSET)["number"].tolist() == [1]


# --- versions -------------------------------------------------------------------------------
def test_versions_identical_reupload_diff_and_withdraw(engine, tmp_path):
    def rows(value):
        return [["Torbay", "cic_count", "2026-03-31", value, "provisional", "", "Torbay scorecard Q4", "T1", "2026-04-20",
                 ""], ["Torbay", "cic_rate_per_10k", "2026-03-31", "116", "provisional", "", "Torbay scorecard Q4",
                       "T1", "2026-04-20", ""]]

    start = table_hashes(engine, content_only=True)
    v1 = returns.submit("council_return", write(tmp_path / "v1.csv", RETURN_HEADER, rows("290")), engine, who="ed")
    after_v1 = table_hashes(engine, content_only=True)
    assert v1.number == 1 and len(returns.versions(engine)) == 1
    # identical content (even from another file name) is a no-op: no version, no data change
    same = returns.submit("council_return", write(tmp_path / "again.csv", RETURN_HEADER, rows("290")), engine, who="ed")
    assert same.unchanged and same.version is None
    hashes = table_hashes(engine, content_only=True)
    assert {k: v for k, v in hashes.items() if k != "audit_log"} == {k: v for k, v in after_v1.items() if k != "audit_log"}
    v2 = returns.submit("council_return", write(tmp_path / "v2.csv", RETURN_HEADER, rows("291")), engine, who="ed")
    assert v2.number == 2
    diff = returns.diff_versions(engine, v1.version, v2.version)
    assert diff["change"].tolist() == ["changed"] and "cic_count" in diff["key"].iloc[0]
    assert "value=290" in diff["before"].iloc[0] and "value=291" in diff["after"].iloc[0]
    assert returns.version_rows(engine, v1.version)["value"].tolist() == [290.0, 116.0]  # earlier version readable
    with pytest.raises(DataError, match="withdraw the newest first"):
        returns.withdraw(v1.version, engine, who="ed")
    returns.withdraw(v2.version, engine, who="ed")
    restored = table_hashes(engine, content_only=True)
    for table in ("observation", "source"):
        assert restored[table] == after_v1[table], table
    assert returns.catalogue(engine).set_index("council_code").loc[TORBAY, "version"] == 1
    returns.withdraw(v1.version, engine, who="ed")
    assert table_hashes(engine, content_only=True)["observation"] == start["observation"]
    actions = returns.audit_log(engine)["action"].tolist()
    assert actions == ["upload", "unchanged", "upload", "withdraw", "withdraw"]


@pytest.mark.parametrize("kind,header,rows", [
    ("council_return", RETURN_HEADER, [["Torbay", "cic_count", "2026-03-31", "lots", "ok", "", "S", "", "", ""]]),
    ("fostering_pipeline", PIPELINE_HEADER, [["Torbay", "2025-13", "mainstream", "1", "1", "1", "1", "1", "0"]]),
    ("local_provision", ["council", "period", "setting_type", "beds"], [["Torbay", "2025-12-31", "castle", "4"]]),
    ("ssda903", EPISODE_HEADER, [["T1", "31/02/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "TQ1", "TQ2", "", TORBAY]]),
])
def test_a_refused_file_changes_no_table_and_an_accepted_one_makes_one_version(engine, tmp_path, kind, header, rows):
    before = table_hashes(engine)
    with pytest.raises(DataError) as caught:
        returns.submit(kind, write(tmp_path / "bad.csv", header, rows), engine, who="ed")
    problems = getattr(caught.value, "problems", [caught.value])
    assert problems[0].row == 2 and problems[0].column
    assert table_hashes(engine) == before
    good = {"council_return": ["Torbay", "cic_count", "2026-03-31", "290", "ok", "", "S", "", "", ""],
            "fostering_pipeline": ["Torbay", "2025-12", "mainstream", "1", "1", "1", "1", "1", "0"],
            "local_provision": ["Torbay", "2025-12-31", "childrens_home", "4"],
            "ssda903": episodes(1)[0]}[kind]
    result = returns.submit(kind, write(tmp_path / "good.csv", header, [good]), engine, who="ed")
    assert result.number == 1 and len(returns.versions(engine)) == 1
    assert kind == returns.recognise(tmp_path / "good.csv")


def test_the_audit_log_is_append_only(engine, tmp_path):
    path = write(tmp_path / "r.csv", RETURN_HEADER, [["Torbay", "cic_count", "2026-03-31", "290", "ok", "", "S", "", "", ""]])
    returns.submit("council_return", path, engine, who="ed")
    for statement in ("update audit_log set who = 'someone else'", "delete from audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    assert returns.audit_log(engine)["who"].tolist() == ["ed"]


def test_catalogue_from_the_command_line(tmp_path):
    env_db = tmp_path / "cli.sqlite"
    env = {"DATABASE_URL": f"sqlite:///{env_db}", "REGIONAL_PSEUDONYM_KEY": "k", "PATH": "/usr/bin:/bin"}
    example = PROJECT_DIR / "data" / "templates" / "council_return_example.csv"
    run = [sys.executable, "-m", "regional"]
    out = subprocess.run(run + ["upload", str(example)], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "version 1 of council_return" in out.stdout
    out = subprocess.run(run + ["catalogue"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    frame = pd.read_csv(StringIO(out.stdout))
    assert frame.columns.tolist() == returns.CATALOGUE_COLUMNS
    row = frame.iloc[0]
    assert (row["council"], row["return_type"], row["version"]) == ("Torbay", "council_return", 1)
    assert row["file_sha256"] == hashlib.sha256(example.read_bytes()).hexdigest()


def test_another_return_type_registers_a_reader(engine, tmp_path):
    """How the action-plan tracker (issue 17) plugs in: a reader and a replace rule, nothing else."""
    def read(path, index, name, council):
        frame = pd.read_csv(path, dtype=str)
        obs = pd.DataFrame({"area_code": [index.resolve(c) for c in frame["council"]], "indicator_id": "cic_count",
                            "period": pd.to_datetime(frame["period"]).dt.date, "period_label": frame["period"],
                            "value": frame["value"].astype(float), "status": "ok", "source_id": "test-tracker",
                            "breakdown": "", "section": "", "note": "", "raw": ""})
        sources = pd.DataFrame([{"id": "test-tracker", "kind": "council", "publisher": "Torbay", "title": "Tracker",
                                 "edition": "", "url": "", "licence": ""}])
        return returns.Read(obs, sources, returns._empty_report())

    kind = returns.register(returns.ReturnType(
        "test_tracker", "Test tracker", models.Observation, {"council", "period", "tracker_value"}, read,
        returns._held_by_source_and_period(models.Observation), ["area_code", "indicator_id", "period"], ["value"]))
    try:
        path = write(tmp_path / "t.csv", ["council", "period", "tracker_value", "value"], [["Torbay", "2026-03-31", "x", "5"]])
        assert returns.recognise(path) == kind.id
        assert returns.submit(kind.id, path, engine, who="ed").number == 1
    finally:
        returns.REGISTRY.pop(kind.id)
