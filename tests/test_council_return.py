"""Council returns: the embedded seeds' figures, and what a bad upload gets."""
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from regional import db, models, returns
from regional.errors import DataError
from regional.importers.council_return import ReturnInvalid, read_council_return
from regional.settings import RETURNS_DIR


def _ids(store):
    return set(store.indicators["id"])


def test_embedded_returns_keep_both_figures_when_documents_disagree(store):
    rows = store.observations_for("cic_rate_per_10k", ["E06000058"], source="council")
    march_2026 = rows[rows["period"] == pd.Timestamp("2026-03-31")]
    assert sorted(march_2026["value"]) == [85.0, 86.0]
    assert march_2026["source_id"].nunique() == 2
    assert (march_2026["source_title"].str.len() > 10).all()


def test_embedded_returns_name_document_section_and_council(store):
    rows = store.observations_for(store.indicators["id"].tolist(), None, source="council", breakdown=None)
    assert {"E06000058", "E06000022", "E06000059"} <= set(rows["area_code"])
    assert (rows["section"] != "").all()
    bcp = rows[(rows["area_code"] == "E06000058") & (rows["indicator_id"] == "cic_count")]
    assert 642.0 in set(bcp["value"])
    dorset = rows[(rows["area_code"] == "E06000059") & (rows["indicator_id"] == "uasc_count")]
    assert 66.0 in set(dorset["value"])


def test_every_embedded_return_parses(store):
    for path in RETURNS_DIR.glob("*.csv"):
        obs, sources = read_council_return(path, store.index, _ids(store))
        assert len(obs) > 10 and set(obs["source_id"]) <= set(sources["id"])


def _write(tmp_path, rows, name="return.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


GOOD = {"council": "Torbay", "indicator": "cic_count", "period": "2026-03-31", "value": "300",
        "document": "Torbay quarterly return", "section": "Table 1", "published": "2026-04-15"}


@pytest.mark.parametrize("change,column,fragment", [
    ({"council": "Torbayy"}, "council", "matches no English council"),
    ({"indicator": "cic_cnt"}, "indicator", "unknown indicator"),
    ({"period": "March 2026"}, "period", "not a period"),
    ({"value": "three hundred"}, "value", "not a number"),
    ({"value": "-3"}, "value", "negative"),
    ({"status": "estimated"}, "status", "unknown status"),
    ({"published": "15/04/2026"}, "published", "not a date"),
])
def test_bad_row_names_file_row_and_column(tmp_path, store, change, column, fragment):
    path = _write(tmp_path, [GOOD, {**GOOD, "indicator": "uasc_count", "value": "12"}, {**GOOD, **change}])
    with pytest.raises(ReturnInvalid) as err:
        read_council_return(path, store.index, _ids(store))
    assert err.value.row == 4 and err.value.column == column and err.value.file == "return.csv"
    assert fragment in str(err.value)


def test_all_problems_are_listed(tmp_path, store):
    path = _write(tmp_path, [{**GOOD, "council": "Nowhere"}, {**GOOD, "value": "x"}])
    with pytest.raises(ReturnInvalid) as err:
        read_council_return(path, store.index, _ids(store))
    assert [p.row for p in err.value.problems] == [2, 3]


def test_missing_and_unknown_columns(tmp_path, store):
    path = _write(tmp_path, [{k: v for k, v in GOOD.items() if k != "period"}])
    with pytest.raises(DataError, match="missing column"):
        read_council_return(path, store.index, _ids(store))
    path = _write(tmp_path, [{**GOOD, "colour": "red"}])
    with pytest.raises(DataError, match="unknown column"):
        read_council_return(path, store.index, _ids(store))


def test_suppressed_figure_is_kept_without_value(tmp_path, store):
    path = _write(tmp_path, [{**GOOD, "value": "", "status": "suppressed"}])
    obs, _ = read_council_return(path, store.index, _ids(store))
    assert obs["status"].iloc[0] == "suppressed" and pd.isna(obs["value"].iloc[0])


def test_xlsx_return(tmp_path, store):
    path = tmp_path / "return.xlsx"
    pd.DataFrame([GOOD, {**GOOD, "indicator": "cic_rate_per_10k", "value": "110"}]).to_excel(path, index=False)
    obs, sources = read_council_return(path, store.index, _ids(store))
    assert obs["value"].tolist() == [300.0, 110.0] and sources["publisher"].iloc[0] == "Torbay"


def _count(engine, table=models.Observation):
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(table)).scalar()


def test_upload_then_bad_upload_leaves_database_as_it_was(tmp_path, engine, store):
    before = _count(engine)
    good = _write(tmp_path, [GOOD, {**GOOD, "indicator": "uasc_count", "value": "12"}], "good.csv")
    assert returns.load_council_return(good, engine) == 2
    assert _count(engine) == before + 2
    # loading the same document again replaces, never duplicates
    returns.load_council_return(good, engine)
    assert _count(engine) == before + 2
    bad = _write(tmp_path, [{**GOOD, "value": "12"}, {**GOOD, "council": "Atlantis"}], "bad.csv")
    with pytest.raises(ReturnInvalid):
        returns.load_council_return(bad, engine)
    assert _count(engine) == before + 2
    # reloading the embedded default (new data files, a new version) keeps what councils uploaded
    db.load_default(engine)
    assert _count(engine) == before + 2
    with Session(engine) as session:
        origins = session.execute(select(models.Source.origin).where(
            models.Source.title == "Torbay quarterly return")).scalars().all()
    assert origins == ["upload"]
    # tidy up so other tests see the embedded default only
    from sqlalchemy import delete
    with Session(engine) as session, session.begin():
        ids = session.execute(select(models.Source.id).where(models.Source.title == "Torbay quarterly return")).scalars().all()
        session.execute(delete(models.Observation).where(models.Observation.source_id.in_(ids)))
        session.execute(delete(models.Source).where(models.Source.id.in_(ids)))
    assert _count(engine) == before
