"""Council local-market returns: the embedded default as the documents print it, every problem
in a bad file reported, and a store that is all or nothing."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from regional import db, models, returns
from tests.conftest import fresh_postgres
from regional.db import read_areas
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import local_provision as lp
from regional.importers.council_return import ReturnInvalid

COLUMNS = ["council", "period", "setting_type", "setting_name", "urn", "beds", "occupied_own", "occupied_other",
           "vacant", "own_use_pct", "grade", "document", "section", "published", "note"]
GOOD = {"council": "Torbay", "period": "2025-12-31", "setting_type": "childrens_home", "setting_name": "",
        "urn": "", "beds": "6", "occupied_own": "3", "occupied_other": "2", "vacant": "1", "own_use_pct": "",
        "grade": "", "document": "Torbay register Q3", "section": "", "published": "2026-01-10", "note": ""}


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(read_areas())


def _write(tmp_path, rows: list[dict], name="return.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    return path


def test_embedded_default_is_what_the_documents_print(index):
    rows = lp.default_rows(index, None)
    lines = rows[models.LocalProvision]
    bcp = lines[lines["area_code"] == "E06000058"].set_index(["setting_type", "period_label"])
    assert bcp.loc[("childrens_home", "2025-26 Q4"), "beds"] == 34          # "from 23 – 34 beds"
    assert bcp.loc[("childrens_home", "2024-25 Q4"), "beds"] == 23
    assert bcp.loc[("childrens_home", "2025-26 Q3"), "own_use_pct"] == 44   # "Q3 usage is 44%"
    assert pd.isna(bcp.loc[("childrens_home", "2025-26 Q3"), "beds"])       # not stated, not invented
    assert bcp.loc[("supported_accommodation", "2025-26 Q4"), "beds"] == 103
    assert bcp.loc[("parent_and_child", "2025-26 Q3"), "own_use_pct"] == 66
    dorset = lines[lines["area_code"] == "E06000059"].set_index("setting_type")
    assert (dorset.loc["childrens_home", "beds"], dorset.loc["childrens_home", "occupied_own"]) == (31, 20)
    assert dorset.loc["supported_accommodation", "beds"] == 87
    assert dorset.loc["parent_and_child", "beds"] == 0  # "no specialist residential parenting provisions"
    assert "E06000022" not in set(lines["area_code"])   # B&NES publishes no local bed figures
    assert (lines["section"] != "").all() and (lines["setting_name"] == "").all()
    assert lines["occupied_other"].isna().all() and lines["vacant"].isna().all()
    sources = rows[models.Source]
    assert set(lines["source_id"]) == set(sources["id"])
    assert set(sources["kind"]) == {"council"}


def test_example_return_is_valid(index):
    lines, sources = lp.read_local_provision(lp.EXAMPLE, index)
    assert len(lines) == 4 and set(lines["area_code"]) == {"E06000027"}
    assert lines.loc[1, "grade"] == "Requires improvement to be good"
    assert len(sources) == 1


@pytest.mark.parametrize("change,column,fragment", [
    ({"council": "Atlantis"}, "council", "matches no English council"),
    ({"council": "South West"}, "council", "not a council"),
    ({"period": "2025-Q3"}, "period", "ambiguous"),
    ({"period": "2025-26"}, "period", "is a year"),
    ({"period": "31/12/2025"}, "period", "not a date"),
    ({"setting_type": "hotel"}, "setting_type", "unknown setting type"),
    ({"beds": "six"}, "beds", "not a number"),
    ({"vacant": "-1"}, "vacant", "whole number"),
    ({"occupied_own": "2.5"}, "occupied_own", "whole number"),
    ({"vacant": "4"}, "vacant", "more than the beds"),
    ({"own_use_pct": "140"}, "own_use_pct", "outside 0-100"),
    ({"grade": "Brilliant"}, "grade", "unknown grade"),
    ({"published": "10/01/2026"}, "published", "not a date"),
    ({"beds": "", "occupied_own": "", "occupied_other": "", "vacant": ""}, "beds", "no figure"),
])
def test_bad_row_names_file_row_and_column(tmp_path, index, change, column, fragment):
    path = _write(tmp_path, [GOOD, {**GOOD, "setting_type": "supported_accommodation", **change}])
    with pytest.raises(DataError) as err:
        lp.read_local_provision(path, index)
    assert (err.value.file, err.value.row, err.value.column) == ("return.csv", 3, column)
    assert fragment in str(err.value)


def test_every_problem_is_listed(tmp_path, index):
    rows = [{**GOOD, "beds": "x"}, GOOD, {**GOOD, "setting_type": "hotel"}, {**GOOD, "council": "Nowhere"}]
    with pytest.raises(ReturnInvalid) as err:
        lp.read_local_provision(_write(tmp_path, rows), index)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "beds"), (4, "setting_type"), (5, "council")]


def test_words_for_setting_types_and_blank_rows_are_accepted(tmp_path, index):
    rows = [{**GOOD, "setting_type": "Children's home"}, {c: "" for c in COLUMNS},
            {**GOOD, "setting_type": "Parent & child"}]
    lines, _ = lp.read_local_provision(_write(tmp_path, rows), index)
    assert lines["setting_type"].tolist() == ["childrens_home", "parent_and_child"]
    assert lines["period_label"].tolist() == ["2025-26 Q3", "2025-26 Q3"]


def test_total_row_beside_named_rows_is_refused(tmp_path, index):
    rows = [GOOD, {**GOOD, "setting_name": "Example House", "beds": "3", "occupied_own": "1",
                   "occupied_other": "1", "vacant": "1"}]
    with pytest.raises(ReturnInvalid, match="count beds twice") as err:
        lp.read_local_provision(_write(tmp_path, rows), index)
    assert err.value.problems[0].row == 2


def test_same_line_twice_is_refused(tmp_path, index):
    with pytest.raises(ReturnInvalid, match="twice"):
        lp.read_local_provision(_write(tmp_path, [GOOD, GOOD]), index)


def test_unknown_column_and_empty_file(tmp_path, index):
    path = tmp_path / "extra.csv"
    pd.DataFrame([{**GOOD, "colour": "red"}]).to_csv(path, index=False)
    with pytest.raises(DataError, match="unknown column"):
        lp.read_local_provision(path, index)
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(COLUMNS) + "\n")
    with pytest.raises(DataError, match="no rows"):
        lp.read_local_provision(empty, index)


def test_xlsx_return_reads_like_csv(tmp_path, index):
    path = tmp_path / "return.xlsx"
    pd.DataFrame([GOOD], columns=COLUMNS).to_excel(path, index=False)
    lines, _ = lp.read_local_provision(path, index)
    assert lines.loc[0, "beds"] == 6 and lines.loc[0, "vacant"] == 1


# --- storing -------------------------------------------------------------------------------
def store(path, engine, *, loaded_by: str = "test") -> int:
    """The upload path every page uses."""
    return returns.submit("local_provision", path, engine, who=loaded_by).rows


@pytest.fixture(scope="module")
def own_engine(tmp_path_factory):
    """A database of this module's own, so uploads here never change what other tests see."""
    url = f"sqlite:///{tmp_path_factory.mktemp('local-provision') / 'db.sqlite'}"
    engine = db.get_engine(url)
    db.load_default(engine)
    return engine


def _snapshot(engine) -> tuple:
    with Session(engine) as session:
        lines = session.execute(select(models.LocalProvision.source_id, models.LocalProvision.setting_type,
                                       models.LocalProvision.beds).order_by(models.LocalProvision.id)).all()
        sources = session.execute(select(models.Source.id).order_by(models.Source.id)).all()
        loads = session.execute(select(models.LoadRecord.id)).all()
    return lines, sources, loads


def test_store_adds_then_replaces_a_document(tmp_path, own_engine):
    before = len(db.read_table(own_engine, models.LocalProvision))
    assert store(_write(tmp_path, [GOOD]), own_engine, loaded_by="test") == 1
    assert store(_write(tmp_path, [GOOD, {**GOOD, "setting_type": "short_breaks"}]),
                                    own_engine, loaded_by="test") == 2
    table = db.read_table(own_engine, models.LocalProvision)
    assert len(table) == before + 2
    torbay = table[table["area_code"] == "E06000027"]
    assert sorted(torbay["setting_type"]) == ["childrens_home", "short_breaks"]
    loads = db.read_table(own_engine, models.LoadRecord)
    assert (loads["kind"] == "local_provision").sum() == 2


def test_bad_file_leaves_the_database_unchanged(tmp_path, own_engine):
    before = _snapshot(own_engine)
    path = _write(tmp_path, [{**GOOD, "document": "Another"}, {**GOOD, "document": "Another", "beds": "x"}])
    with pytest.raises(ReturnInvalid):
        store(path, own_engine)
    assert _snapshot(own_engine) == before


def test_failure_while_writing_rolls_everything_back(tmp_path, own_engine, monkeypatch):
    """Even a database error after the old lines were deleted leaves the earlier state in place."""
    store(_write(tmp_path, [GOOD]), own_engine)
    before = _snapshot(own_engine)
    real = returns._insert

    def broken(session, table, frame):
        if table is models.LocalProvision:
            raise RuntimeError("disk full")
        return real(session, table, frame)

    monkeypatch.setattr(returns, "_insert", broken)
    with pytest.raises(RuntimeError):
        store(_write(tmp_path, [{**GOOD, "beds": "9", "vacant": "4"}]), own_engine)
    assert _snapshot(own_engine) == before
