"""The fostering pipeline return: the template, the synthetic example, bad files and the
one-transaction loader (a bad file leaves the database exactly as it was)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from regional import db, models, returns
from regional.errors import DataError
from regional.importers import fostering_pipeline as fp
from regional.importers.council_return import ReturnInvalid
from regional.settings import DATA_DIR

BCP, DORSET, BNES = "E06000058", "E06000059", "E06000022"
COLUMNS = ["council", "period", "household_type", "enquiries", "initial_visits", "applications", "assessments_started",
           "approvals", "deregistrations", "deregistration_reasons", "transfers_in", "transfers_out", "note"]
GOOD = {"council": "Torbay", "period": "2026-Q1", "household_type": "mainstream", "enquiries": "30",
        "initial_visits": "8", "applications": "4", "assessments_started": "3", "approvals": "2",
        "deregistrations": "3", "deregistration_reasons": "retirement: 2", "transfers_in": "", "transfers_out": "1",
        "note": "test row"}


def _write(tmp_path, rows, name="pipeline.csv", columns=COLUMNS):
    path = tmp_path / name
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


# --- periods -----------------------------------------------------------------
@pytest.mark.parametrize("text,start,end,label,kind", [
    ("2026-03", date(2026, 3, 1), date(2026, 3, 31), "2026-03", "month"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02", "month"),
    ("2025-12", date(2025, 12, 1), date(2025, 12, 31), "2025-12", "month"),
    ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3", "quarter"),
    ("2026 q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1", "quarter"),
])
def test_months_and_quarters(text, start, end, label, kind):
    assert fp.parse_pipeline_period(text) == (start, end, label, kind)


@pytest.mark.parametrize("text", ["2025", "2024-25", "2026-03-31", "March 2026", "2026-13", "2025-Q5", ""])
def test_periods_of_unknown_length_are_refused(text):
    with pytest.raises(ValueError):
        fp.parse_pipeline_period(text)


def test_reasons_parse_and_refuse_nonsense():
    assert fp.parse_reasons("Retirement: 2; change in circumstances:1;") == {"retirement": 2, "change in circumstances": 1}
    with pytest.raises(ValueError):
        fp.parse_reasons("retirement two")


# --- the embedded synthetic example -------------------------------------------------
def test_synthetic_example_matches_the_published_totals(store):
    example = fp.read_example(store.index)
    rows = example.rows
    assert set(rows["source_id"]) == {fp.SYNTHETIC_SOURCE["id"]}
    assert (rows["note"].str.contains("SYNTHETIC")).all()
    net = rows.assign(net=rows["approvals"] - rows["deregistrations"]).groupby(["area_code", "household_type"])["net"].sum()
    # BCP's Sufficiency Update Summary forecasts a net loss of 10 mainstream households.
    published = store.observations_for("fostering_households_mainstream_net_change", [BCP], source="council",
                                       breakdown=None)
    assert net[(BCP, "mainstream")] == published["value"].iloc[0] == -10
    # BCP's kinship households rose 36% to 103 (Self-Assessment May 2026): about 76 -> 103.
    kinship_now = store.observations_for("fostering_households_kinship", [BCP], source="council")["value"].iloc[0]
    assert kinship_now == 103
    assert round((kinship_now / (kinship_now - net[(BCP, "kinship")]) - 1) * 100) == 36
    # Dorset: "the number of in-house fostering households has remained the same".
    assert net[(DORSET, "mainstream")] == 0 and net[(DORSET, "kinship")] == 0
    assert {BCP, DORSET, BNES} == set(rows["area_code"])
    # each council shows the allowed-but-flagged case at least once
    flagged = {w.split(" ")[0] for w in example.warnings}
    assert flagged == {"bcp.csv", "bnes.csv", "dorset.csv"}


def test_template_example_csv_and_xlsx_are_valid(store):
    for name in ("fostering_pipeline_example.csv", "fostering_pipeline_example.xlsx"):
        result = fp.read_pipeline_return(DATA_DIR / "templates" / name, store.index)
        assert len(result.rows) == 3
        assert result.rows["area_code"].eq("E06000026").all()
        kinship = result.rows[result.rows["household_type"] == "kinship"].iloc[0]
        assert pd.isna(kinship["enquiries"]) and kinship["approvals"] == 5  # blank is "not reported", not 0
        assert any("assessments started (2) exceed applications (1)" in w for w in result.warnings)
        assert set(result.sources["kind"]) == {"council"}


# --- bad files ---------------------------------------------------------------------
@pytest.mark.parametrize("change,column,fragment", [
    ({"council": "Torbayy"}, "council", "matches no English council"),
    ({"council": "South West"}, "council", "not a council"),
    ({"period": "Jan-26"}, "period", "not a month or a quarter"),
    ({"period": "2025-26"}, "period", "not a month or a quarter"),
    ({"enquiries": "-3"}, "enquiries", "negative"),
    ({"approvals": "two"}, "approvals", "not a whole number"),
    ({"applications": "2.5"}, "applications", "not a whole number"),
    ({"household_type": "respite"}, "household_type", "unknown household type"),
    ({"deregistration_reasons": "retirement: 5"}, "deregistration_reasons", "more than"),
    ({"deregistration_reasons": "retired"}, "deregistration_reasons", "reason: count"),
])
def test_bad_row_names_row_and_column_and_stores_nothing(tmp_path, store, change, column, fragment):
    path = _write(tmp_path, [GOOD, {**GOOD, "period": "2025-Q4", **change}])
    with pytest.raises(DataError) as err:
        fp.read_pipeline_return(path, store.index)
    assert err.value.row == 3 and err.value.column == column and err.value.file == "pipeline.csv"
    assert fragment in str(err.value)


def test_every_bad_row_is_listed(tmp_path, store):
    path = _write(tmp_path, [{**GOOD, "enquiries": "-1"}, GOOD, {**GOOD, "period": "2025-Q2", "council": "Nowhere"}])
    with pytest.raises(ReturnInvalid) as err:
        fp.read_pipeline_return(path, store.index)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "enquiries"), (4, "council")]


def test_missing_column_names_it(tmp_path, store):
    columns = [c for c in COLUMNS if c != "assessments_started"]
    path = _write(tmp_path, [{k: v for k, v in GOOD.items() if k in columns}], columns=columns)
    with pytest.raises(DataError) as err:
        fp.read_pipeline_return(path, store.index)
    assert err.value.row == 1 and "assessments_started" in str(err.value)


def test_unknown_column_is_refused(tmp_path, store):
    path = _write(tmp_path, [{**GOOD, "panel_date": "x"}], columns=COLUMNS + ["panel_date"])
    with pytest.raises(DataError, match="unknown column"):
        fp.read_pipeline_return(path, store.index)


@pytest.mark.parametrize("second", [
    {"period": "2026-Q1"},  # the same quarter twice
    {"period": "2026-02"},  # a month inside the quarter
    {"period": "2026-Q1", "household_type": "all"},  # all households beside mainstream
])
def test_rows_counting_the_same_days_twice_are_refused(tmp_path, store, second):
    path = _write(tmp_path, [GOOD, {**GOOD, **second}])
    with pytest.raises(DataError) as err:
        fp.read_pipeline_return(path, store.index)
    assert err.value.row == 3 and err.value.column == "period" and "rows 2 and 3" in str(err.value)


def test_mainstream_and_kinship_in_the_same_quarter_are_fine(tmp_path, store):
    path = _write(tmp_path, [GOOD, {**GOOD, "household_type": "kinship", "enquiries": ""}])
    rows = fp.read_pipeline_return(path, store.index).rows
    assert len(rows) == 2 and pd.isna(rows.loc[1, "enquiries"])


def test_a_larger_later_stage_is_flagged_not_refused(tmp_path, store):
    path = _write(tmp_path, [{**GOOD, "applications": "2", "assessments_started": "5"}])
    result = fp.read_pipeline_return(path, store.index)
    assert len(result.rows) == 1
    assert result.warnings == ["pipeline.csv row 2: assessments started (5) exceed applications (2) in 2026-Q1; "
                               "allowed, since people move through stages across periods, but please check"]


# --- the loader: one transaction, replace the council's period range ----------------------
def _dump(engine) -> dict[str, pd.DataFrame]:
    out = {}
    for table in (models.FosteringPipeline, models.Source, models.LoadRecord):
        with Session(engine) as session:
            rows = session.execute(select(table)).scalars().all()
        out[table.__name__] = pd.DataFrame([r.model_dump() for r in rows]).sort_index(axis=1)
    return out


def _pipeline(engine, code: str) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(select(models.FosteringPipeline).where(models.FosteringPipeline.area_code == code), conn)
    return frame.sort_values(["period", "household_type"]).reset_index(drop=True)


def test_default_load_holds_the_synthetic_example(loaded_backend):
    rows = _pipeline(loaded_backend, BCP)
    assert len(rows) == 8 and set(rows["source_id"]) == {fp.SYNTHETIC_SOURCE["id"]}
    kinship = rows[rows["household_type"] == "kinship"]
    assert kinship["enquiries"].isna().all()  # not reported stays NULL, never 0


@pytest.mark.parametrize("bad", [
    {"enquiries": "-1"},
    {"council": "Atlantis"},
    {"period": "Q1 2026"},
])
def test_a_bad_file_leaves_the_database_exactly_as_it_was(tmp_path, loaded_backend, bad):
    before = _dump(loaded_backend)
    path = _write(tmp_path, [GOOD, {**GOOD, "period": "2026-Q2"}, {**GOOD, "period": "2025-Q4", **bad}])
    with pytest.raises(DataError):
        returns.submit("fostering_pipeline", path, loaded_backend, who="tester")
    after = _dump(loaded_backend)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_a_failure_inside_the_transaction_rolls_back(tmp_path, loaded_backend, monkeypatch):
    before = _dump(loaded_backend)
    path = _write(tmp_path, [GOOD])

    def broken(session, table, frame):
        raise RuntimeError("disk full")
    monkeypatch.setattr(returns, "_insert", broken)
    with pytest.raises(RuntimeError):
        returns.submit("fostering_pipeline", path, loaded_backend, who="tester")
    after = _dump(loaded_backend)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_a_reload_replaces_only_that_councils_periods(tmp_path, loaded_backend):
    torbay = "E06000027"
    first = _write(tmp_path, [{**GOOD, "period": p} for p in ("2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1")], "first.csv")
    result = returns.submit("fostering_pipeline", first, loaded_backend, who="tester")
    assert result.rows == 4
    assert len(_pipeline(loaded_backend, torbay)) == 4
    # a corrected return for the last two quarters, now monthly for January and February only
    second = _write(tmp_path, [{**GOOD, "period": "2025-Q4", "approvals": "9"},
                               {**GOOD, "period": "2026-01", "approvals": "1"},
                               {**GOOD, "period": "2026-02", "approvals": "0"}], "second.csv")
    returns.submit("fostering_pipeline", second, loaded_backend, who="tester")
    rows = _pipeline(loaded_backend, torbay)
    assert rows["period_label"].tolist() == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-01", "2026-02"]
    assert rows.set_index("period_label")["approvals"].to_dict() == {"2025-Q2": 2, "2025-Q3": 2, "2025-Q4": 9,
                                                                     "2026-01": 1, "2026-02": 0}
    # other councils (and the synthetic example) are untouched; the load is recorded
    assert len(_pipeline(loaded_backend, BCP)) == 8
    records = db.read_table(loaded_backend, models.LoadRecord)
    assert [d.split(":")[0] for d in records[records["kind"] == "fostering_pipeline"]["detail"].tolist()[-2:]] == \
        ["first.csv", "second.csv"]
    sources = db.read_table(loaded_backend, models.Source).set_index("id")
    assert sources.loc[fp.pipeline_source_id("Torbay"), "kind"] == "council"
    assert sources.loc[fp.pipeline_source_id("Torbay"), "edition"] == "file second.csv"


def test_an_uploaded_return_supersedes_the_synthetic_example_on_the_page(tmp_path, loaded_backend):
    from regional.fostering import pipeline_frame
    from regional.store import load_store

    path = _write(tmp_path, [{**GOOD, "council": "Dorset", "period": "2026-Q1"}], "dorset_real.csv")
    returns.submit("fostering_pipeline", path, loaded_backend, who="tester")
    frame = pipeline_frame(load_store(loaded_backend))
    dorset = frame[frame["area_code"] == DORSET]
    assert len(dorset) == 1 and not dorset["synthetic"].any()
    assert frame[frame["area_code"] == BCP]["synthetic"].all()
