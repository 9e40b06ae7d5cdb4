"""The sufficiency plan's own returns: an ONS population projection (read from ONS's SNPP layout,
the hand-made fixture in tests/fixtures/population_projection) and councils' planned homes; both
through the returns path (versions, audit), and both used by the plan with the method stated."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regional import db, models, returns
from regional.authorities import AreaIndex
from regional.db import read_areas
from regional.errors import DataError
from regional.importers import planned_provision as pp
from regional.importers import population_projection as snpp
from regional.importers.council_return import ReturnInvalid
from regional.store import load_store
from regional.sufficiency import demand, plan, supply
from tests.test_sufficiency_demand import inputs

SNPP = Path(__file__).parent / "fixtures" / "population_projection" / "snpp_handmade.csv"
BCP, DEVON, TORBAY = "E06000058", "E10000008", "E06000027"


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(read_areas())


@pytest.fixture(scope="module")
def own_engine(tmp_path_factory):
    """A database of this module's own, so uploads here never change what other tests see."""
    engine = db.get_engine(f"sqlite:///{tmp_path_factory.mktemp('suff-inputs') / 'db.sqlite'}")
    db.load_default(engine)
    return engine


# --- ONS projection: the reader --------------------------------------------------------------
def test_snpp_children_are_ages_0_to_17_of_persons_dated_as_dfe_dates_its_denominator(index):
    rows, sources, notes = snpp.read_projection(SNPP, index, council="BCP")
    assert set(rows["area_code"]) == {BCP}
    # every age 0-17 holds 4,000 + 10 x (year - 2022): ages 18+, All ages, males and Births left alone
    for rec in rows.itertuples():
        assert rec.population == pytest.approx(18 * (4000 + 10 * (rec.mid_year - 2022)))
        assert rec.period == date(rec.mid_year + 1, 3, 31)
    assert rows["base_year"].unique().tolist() == [2022] and rows["matched"].iloc[0] == f"AREA_CODE {BCP}"
    assert sources["kind"].iloc[0] == "ons" and "2022-based" in sources["title"].iloc[0]
    assert notes == []


def test_a_county_given_only_as_districts_is_their_sum(index):
    rows, _, _ = snpp.read_projection(SNPP, index, council="Devon")
    assert (rows["population"] == 18 * 100 * 36).all()
    assert rows["matched"].iloc[0].startswith("8 districts summed")


def test_a_missing_district_or_age_is_refused_naming_it(index, tmp_path):
    frame = pd.read_csv(SNPP, dtype=str)
    no_district = tmp_path / "no_district.csv"
    frame[frame["AREA_CODE"] != "E07000047"].to_csv(no_district, index=False)
    with pytest.raises(DataError, match="E07000047 is missing"):
        snpp.read_projection(no_district, index, council="Devon")
    no_age = tmp_path / "no_age.csv"
    frame[~((frame["AREA_CODE"] == BCP) & (frame["AGE_GROUP"] == "17"))].to_csv(no_age, index=False)
    with pytest.raises(DataError, match="gives 17 of the 18 single years"):
        snpp.read_projection(no_age, index, council="BCP")


def test_a_bad_figure_names_its_row_and_column_and_a_file_of_every_council_asks_which(index, tmp_path):
    frame = pd.read_csv(SNPP, dtype=str)
    frame.loc[3, "2027"] = "n/a"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    with pytest.raises(ReturnInvalid) as caught:
        snpp.read_projection(bad, index, council="BCP")
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (5, "2027") and "not a number" in str(problem)
    with pytest.raises(DataError, match="choose the council"):
        snpp.read_projection(SNPP, index)


def test_projection_upload_is_versioned_per_council_and_never_replaces_another(own_engine):
    first = returns.submit("population_projection", SNPP, own_engine, who="test", council="BCP")
    assert first.number == 1 and first.rows == 11
    returns.submit("population_projection", SNPP, own_engine, who="test", council="Devon")
    again = returns.submit("population_projection", SNPP, own_engine, who="test", council="BCP")
    assert again.unchanged
    held = db.read_table(own_engine, models.PopulationProjection)
    assert held.groupby("area_code").size().to_dict() == {BCP: 11, DEVON: 11}
    assert returns.recognise(SNPP) == "population_projection"
    log = returns.audit_log(own_engine)
    assert (log["return_type"] == "population_projection").sum() == 3


# --- ONS projection: the plan -----------------------------------------------------------------
def test_projected_population_grows_the_latest_estimate_as_the_projection_grows():
    est = pd.DataFrame({"area_code": "A", "year": [2024, 2025], "population": [9_000.0, 10_000.0]})
    proj = pd.DataFrame({"area_code": "A", "year": [2025, 2026, 2027], "population": [20_000.0, 21_000.0, 22_000.0],
                         "label": "test projection"})
    out = demand.projected_population(est, proj, [2026, 2027, 2030]).set_index("year")
    assert out.loc[2026, "population"] == pytest.approx(10_500) and out.loc[2027, "population"] == pytest.approx(11_000)
    assert 2030 not in out.index  # not in the projection: the caller keeps the trend
    late = demand.projected_population(est, proj[proj["year"] > 2025], [2026]).iloc[0]
    assert late["population"] == 21_000 and "test projection for 2026" in late["how"]


def test_forecast_uses_the_projection_where_it_has_the_year_and_says_so():
    data = inputs("A")  # population 10,000 + 100k (k = 9 in 2025); rate 50 + 2k
    proj = pd.DataFrame({"area_code": "A", "year": [2025, 2026], "population": [1_000.0, 1_100.0], "label": "P"})
    fc = demand.forecast_all(data, [2026, 2027], projection=proj)
    total = fc[fc["type"] == "total"].set_index("year")
    assert total.loc[2026, "population"] == pytest.approx(10_900 * 1.1)
    assert total.loc[2026, "children"] == pytest.approx((50 + 2 * 10) * 10_900 * 1.1 / 10_000)
    assert "grown as the P grows" in total.loc[2026, "method"]
    assert total.loc[2027, "population"] == pytest.approx(10_000 + 100 * 11)  # the trend, as before
    assert "ONS trend" in total.loc[2027, "method"]


def test_the_plan_uses_a_loaded_projection_and_states_it(own_engine):
    returns.submit("population_projection", SNPP, own_engine, who="test", council="BCP")
    store = load_store(own_engine)
    p = plan.build_plan(store, [BCP, "E06000059"], label="Two")
    bcp = p.demand[(p.demand["area_code"] == BCP) & (p.demand["type"] == "total")].set_index("year")
    dorset = p.demand[(p.demand["area_code"] == "E06000059") & (p.demand["type"] == "total")]
    assert bcp["method"].str.contains("ONS 2022-based subnational population projection loaded by the council").all()
    assert bcp["source"].str.contains("ONS subnational population projection").all()
    assert dorset["method"].str.contains("ONS trend").all()
    latest = store.observations_for("child_population_0_17", [BCP], source="all").sort_values("period")
    inputs_bcp = demand.published_inputs(store, [BCP]).dropna(subset=["population"]).iloc[-1]
    growth = (72_000 + 180 * (2027 - 2022)) / (72_000 + 180 * (int(inputs_bcp["year"]) - 1 - 2022))
    assert len(latest) and bcp.loc[2028, "population"] == pytest.approx(inputs_bcp["population"] * growth)
    written = plan.file_table(p)
    assert written[(written["section"] == "demand") & (written["area_code"] == BCP)]["method"].str.contains(
        "subnational population projection").all()


# --- planned homes ------------------------------------------------------------------------------
PLANNED = {"council": "Torbay", "setting_type": "childrens_home", "setting_name": "New House", "change": "open",
           "beds": "4", "opens": "2027-06", "stage": "approved", "document": "Torbay plan", "section": "",
           "published": "", "note": ""}


def _planned(tmp_path, rows, name="planned.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, columns=list(PLANNED)).to_csv(path, index=False)
    return path


def test_planned_homes_reader_checks_every_row(index, tmp_path):
    rows, sources = pp.read_planned_provision(_planned(tmp_path, [PLANNED]), index)
    rec = rows.iloc[0]
    assert (rec["area_code"], rec["period"], rec["beds"], rec["change"]) == (TORBAY, date(2027, 6, 30), 4, "open")
    bad = [{**PLANNED, "beds": "0"}, {**PLANNED, "change": "maybe", "setting_name": "B"},
           {**PLANNED, "opens": "2099-01-01", "setting_name": "C"}]
    with pytest.raises(ReturnInvalid) as caught:
        pp.read_planned_provision(_planned(tmp_path, bad), index)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "beds"), (3, "change"), (4, "opens")}


def test_planned_changes_count_from_their_31_march_after_the_base():
    changes = pd.DataFrame({"period": pd.to_datetime(["2022-12-01", "2026-03-31", "2027-06-30"]),
                            "from_year": [2023, 2026, 2028], "change": ["open", "open", "close"],
                            "beds": [9, 4, 3], "signed_beds": [9.0, 4.0, -3.0], "setting_name": ["Old", "A", "B"],
                            "stage": "", "source_id": "s"})
    places, words, ids = supply.add_planned(np.array([30.0, 30.0, 30.0]), [2026, 2027, 2028], changes,
                                            pd.Timestamp("2023-03-31"))
    assert list(places) == [34, 34, 31]  # the 2022 opening is in the 2023 base already
    assert "already in it" in words and "+4 A" in words and ids == ["s"]


def test_the_plan_adds_a_returned_planned_home_to_local_places(own_engine, tmp_path):
    store = load_store(own_engine)
    before = supply.childrens_homes(store, [TORBAY], [2027, 2028]).set_index("year")
    returns.submit("planned_provision", _planned(tmp_path, [PLANNED]), own_engine, who="test")
    store = load_store(own_engine)
    after = supply.childrens_homes(store, [TORBAY], [2027, 2028]).set_index("year")
    assert after.loc[2027, "places"] == pytest.approx(before.loc[2027, "places"])  # opens June 2027
    assert after.loc[2028, "places"] == pytest.approx(before.loc[2028, "places"] + 4)
    assert "+4 New House (opens 30 June 2027, approved; counted from 31 March 2028)" in after.loc[2028, "basis"]
    assert "planned-provision-" in after.loc[2028, "source"]


def test_planned_homes_are_listed_on_the_page_and_written_to_the_file(own_engine, tmp_path):
    from regional.views import sufficiency as view

    returns.submit("planned_provision", _planned(tmp_path, [PLANNED, {**PLANNED, "setting_name": "Old Lodge",
                                                                        "change": "close", "beds": "3",
                                                                        "opens": "2026-12-31"}]),
                   own_engine, who="test")
    p = plan.build_plan(load_store(own_engine), [TORBAY], label="Torbay")
    listed = view.planned_homes(p).set_index("home")
    assert listed.loc["New House", "beds"] == 4 and listed.loc["Old Lodge", "change"] == "close"
    written = plan.file_table(p)
    rows = written[written["section"] == "planned homes"].set_index("value")
    assert set(rows.index) == {4, -3} and "close Old Lodge on 2026-12-31" in rows.loc[-3, "method"]
    homes = p.supply[(p.supply["type"] == "childrens_homes")].set_index("year")["places"]
    base = supply.childrens_homes(load_store(own_engine), [TORBAY], p.years).set_index("year")["places"]
    assert homes.equals(base)  # the plan's supply is the supply function's, planned homes included


def test_both_returns_store_compare_and_withdraw_on_postgresql(tmp_path):
    """The same path on a real PostgreSQL server: versions, a correction, withdrawal restoring it."""
    from tests.conftest import fresh_postgres, postgres_url

    engine = fresh_postgres(postgres_url())
    db.load_default(engine)
    first = returns.submit("population_projection", SNPP, engine, who="test", council="BCP")
    frame = pd.read_csv(SNPP, dtype=str)
    frame.loc[frame["AREA_CODE"] == BCP, "2027"] = "5000"  # a corrected figure for mid-2027
    corrected = tmp_path / "snpp_corrected.csv"
    frame.to_csv(corrected, index=False)
    second = returns.submit("population_projection", corrected, engine, who="test", council="BCP")
    assert second.number == 2 and list(second.diff["change"]) == ["changed"]
    held = db.read_table(engine, models.PopulationProjection).set_index("mid_year")
    assert held.loc[2027, "population"] == pytest.approx(18 * 5000)
    returns.withdraw(second.version, engine, who="test")
    held = db.read_table(engine, models.PopulationProjection).set_index("mid_year")
    assert held.loc[2027, "population"] == pytest.approx(18 * (4000 + 50)) and first.number == 1
    embedded = len(db.read_table(engine, models.PlannedProvision))  # the homes the councils' documents name
    planned = returns.submit("planned_provision", _planned(tmp_path, [PLANNED]), engine, who="test")
    held = db.read_table(engine, models.PlannedProvision)
    assert planned.number == 1 and len(held) == embedded + 1 and embedded >= 2
    assert held.loc[held["area_code"] == TORBAY, "setting_name"].tolist() == ["New House"]


def test_a_planned_opening_without_a_base_figure_is_named_not_counted(own_engine, tmp_path):
    supported_plan = {**PLANNED, "setting_type": "supported_accommodation", "setting_name": "Flats",
                      "document": "Torbay supported plan"}
    returns.submit("planned_provision", _planned(tmp_path, [supported_plan]), own_engine, who="test")
    rows = supply.supported(load_store(own_engine), [TORBAY], [2028]).iloc[0]
    assert rows["status"] == "not known" and np.isnan(rows["places"])
    assert "1 planned change(s) returned but not counted: no base figure" in rows["basis"]


def test_the_default_data_holds_the_homes_dorsets_strategy_opens_and_closes(store):
    """Dorset's 2024-27 strategy: The Cherries (9 places) closes and Chestnut House (5) opens from early
    2024, after Dorset's own count of 31 places (October 2023), so the plan has 4 fewer places than the
    count and the register's trend alone would give; BCP's home of March 2024 is before its count."""
    dorset, bcp, years = "E06000059", "E06000058", [2026, 2027, 2028]
    rows = supply.childrens_homes(store, [dorset], years)
    trend = float(supply._net_places_per_year(store, [dorset]).get(dorset, 0.0))
    assert rows["places"].tolist() == pytest.approx(list(supply.project_places(31.0, 2023, trend, years) - 4))
    basis = rows["basis"].iloc[0]
    assert "-9 The Cherries (closes 31 March 2024, planned" in basis and "+5 Chestnut House" in basis
    assert "Placement Sufficiency Strategy" in " ".join(store.table(models.Source).query(
        "id in @ids", local_dict={"ids": rows["source"].iloc[0].split("; ")})["title"])
    assert "1 change(s) dated before the base count, already in it" in supply.childrens_homes(
        store, [bcp], years)["basis"].iloc[0]


def test_changes_all_before_the_base_count_are_said_to_be_in_it():
    changes = pd.DataFrame({"period": pd.to_datetime(["2022-12-01"]), "from_year": [2023], "change": ["open"],
                            "beds": [2], "signed_beds": [2.0], "setting_name": ["Old"], "stage": "",
                            "source_id": "s"})
    places, words, ids = supply.add_planned(np.array([30.0, 30.0]), [2026, 2027], changes, pd.Timestamp("2023-03-31"))
    assert places.tolist() == [30.0, 30.0] and ids == []
    assert words == "planned homes (council's return): 1 change(s) dated before the base count, already in it"
