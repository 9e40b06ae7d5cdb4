"""Backtest, supply projection, gap, costs and scenarios on constructed figures with known
answers; RO3's extract against the raw workbook; saved scenarios in the database."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regional import db, models
from regional.errors import DataError
from regional.sufficiency import backtest, costs, gap, scenarios, supply
from regional.sufficiency.scenarios import Lever, Scenario
from tests.test_sufficiency_demand import inputs


# --- backtest ---------------------------------------------------------------------------------
def test_backtest_scores_a_straight_line_perfectly_and_the_naive_forecast_by_its_miss():
    data = inputs("A")
    results = backtest.run(data)
    trend = results[(results["method"] == "trend") & (results["type"] == "total")]
    naive = results[(results["method"] == "naive") & (results["type"] == "total")].set_index("year")
    assert list(trend["year"]) == [2022, 2023, 2024, 2025]
    assert trend["ape"].max() == pytest.approx(0, abs=1e-9)
    last = data.set_index("year").loc[2021, "cic_count"]
    actual = data.set_index("year").loc[2024, "cic_count"]
    assert naive.loc[2024, "ape"] == pytest.approx(abs(last - actual) / actual * 100)


def test_group_mape_is_the_summed_forecast_against_the_summed_actual():
    a, b = inputs("A"), inputs("B", rate_step=-1.0)
    b.loc[b["year"] > 2021, "cic_count"] *= 1.1  # B does 10% worse than its line after 2021
    results = backtest.run(pd.concat([a, b]))
    table = backtest.mape_table(results, ["A", "B"], {"A": "Alpha", "B": "Beta"}, "Group").set_index("area")
    assert table.loc["Alpha", "mape_trend_pct"] == pytest.approx(0, abs=1e-9)
    assert table.loc["Beta", "mape_trend_pct"] == pytest.approx(100 / 11)  # forecast is actual / 1.1
    rows = results[(results["type"] == "total") & (results["method"] == "trend")]
    summed = rows.groupby("year")[["forecast", "actual"]].sum()
    expected = ((summed["forecast"] - summed["actual"]).abs() / summed["actual"] * 100).mean()
    assert table.loc["Group (sum of members)", "mape_trend_pct"] == pytest.approx(expected)


def test_interval_ratios_are_the_10th_and_90th_percentiles_and_widen_beyond_the_test():
    rows = pd.DataFrame({"type": "total", "method": "trend", "horizon": 1, "forecast": 100.0,
                         "actual": np.arange(80, 121, 1.0)})
    ratios = backtest.interval_ratios(rows)
    low, high = backtest.ratios_for(ratios, "total", 1)
    assert low == pytest.approx(np.quantile(np.arange(80, 121) / 100, 0.1))
    assert high == pytest.approx(np.quantile(np.arange(80, 121) / 100, 0.9))
    low4, high4 = backtest.ratios_for(ratios, "total", 4)  # beyond the horizons tested: sqrt(4/1) wider in logs
    assert np.log(low4) == pytest.approx(2 * np.log(low)) and np.log(high4) == pytest.approx(2 * np.log(high))


# --- supply, gap ----------------------------------------------------------------------------
def test_places_project_from_the_base_by_the_net_change():
    assert list(supply.project_places(30, 2023, 2.0, [2023, 2026, 2028])) == [30, 36, 40]
    assert list(supply.project_places(5, 2023, -2.0, [2026, 2028])) == [0, 0]  # never below zero


def test_gap_in_children_and_places_and_the_group_sum():
    demand = pd.DataFrame({"area_code": ["A", "B"], "year": 2028, "type": "fostering_inhouse",
                           "children": [60.0, 30.0], "low": [50.0, 25.0], "high": [70.0, 35.0]})
    sup = pd.DataFrame({"area_code": ["A", "B"], "year": 2028, "type": "fostering_inhouse", "places": [80.0, np.nan],
                        "households": np.nan, "usable_share": [0.5, np.nan], "basis": "", "source": "",
                        "status": ["ok", "missing"]})
    rows = gap.gap_rows(demand, sup).set_index("area_code")
    assert rows.loc["A", "supply_children"] == 40 and rows.loc["A", "gap_children"] == 20
    assert rows.loc["A", "gap_places"] == pytest.approx(60 / 0.5 - 80)
    assert np.isnan(rows.loc["B", "gap_children"])  # no supply figure: no gap, never a gap of 30
    wide = sup.iloc[[0]].assign(area_code=gap.GROUP_WIDE, places=10.0, usable_share=0.5)
    grp = gap.group_gap(demand, pd.concat([sup, wide])).iloc[0]
    assert grp["children"] == 60  # B is left out of both sides
    assert grp["places"] == 90 and grp["gap_children"] == pytest.approx(20 - 5)
    assert "1 member(s) without a supply figure" in grp["status"]


# --- costs ----------------------------------------------------------------------------------
def test_unit_cost_is_spend_over_child_years():
    history = pd.DataFrame({"area_code": "A", "year": [2024, 2025, 2024, 2025, 2024, 2025],
                            "type": ["fostering", "fostering", "childrens_homes", "childrens_homes", "supported",
                                     "supported"], "children": [90.0, 110.0, 9.0, 11.0, 4.0, np.nan]})
    years = costs.child_years(history)
    assert years.set_index("type").loc["fostering", "child_years"] == 100
    assert np.isnan(years.set_index("type").loc["supported", "child_years"])  # 2025 not published
    spend = pd.DataFrame({"area_code": "A", "indicator_id": ["ro3_cla_fostering_spend", "ro3_cla_residential_spend",
                                                             "ro3_cla_other_spend"],
                          "value": [5_000_000.0, 3_000_000.0, np.nan], "status": ["ok", "ok", "missing"]})
    unit = costs.unit_costs(spend, years, {}).set_index("type")
    assert unit.loc["fostering_inhouse", "unit_cost"] == 50_000 == unit.loc["fostering_ifa_kinship", "unit_cost"]
    assert unit.loc["childrens_homes", "unit_cost"] == 300_000
    assert np.isnan(unit.loc["supported", "unit_cost"]) and unit.loc["supported", "status"] == "RO3 line not returned"
    frame = pd.DataFrame({"area_code": ["A"], "type": ["childrens_homes"], "gap": [2.5]})
    assert costs.cost_of(frame, unit.reset_index(), "gap").iloc[0] == 750_000


def test_ro3_extract_holds_the_workbook_figures(shared_data):
    from regional.build import RO3_EXTRACT
    from regional.settings import EXTRACT_DIR

    extract = pd.read_csv(EXTRACT_DIR / RO3_EXTRACT)
    raw = pd.read_excel(shared_data / "dfe" / "RO3_LA_Data_2024-25_data_by_LA.ods", engine="odf",
                        sheet_name="RO3_LA_Data_202425", header=None)
    header = [str(c) for c in raw.iloc[6]]
    bcp = raw[raw[1] == "E06000058"].iloc[0]
    column = header.index("Children's social care - Children Looked After of which residential care - "
                          "Total Expenditure (C3 = C1 + C2)")
    got = extract[(extract["area_code"] == "E06000058") & (extract["indicator_id"] == "ro3_cla_residential_spend")]
    assert got["value"].iloc[0] == float(bcp[column]) * 1000
    assert set(extract["period_label"]) == {"2024-25"} and set(extract["source_id"]) == {"mhclg-ro3-2024-25"}
    assert extract["area_code"].nunique() >= 150


# --- scenarios ------------------------------------------------------------------------------
def demand_frame():
    rows = []
    for year in (2026, 2027):
        for type_, n in (("childrens_homes", 50.0), ("fostering_inhouse", 100.0), ("total", 150.0)):
            rows.append({"area_code": "A", "year": year, "type": type_, "children": n, "low": n * 0.8, "high": n * 1.2})
    return pd.DataFrame(rows)


def test_shift_moves_the_share_from_its_year_and_keeps_the_total():
    s = Scenario("x", levers=[Lever("shift", from_type="childrens_homes", to_type="fostering_inhouse", pct=10,
                                    year=2027)])
    out = scenarios.apply_demand(demand_frame(), s).set_index(["year", "type"])["children"]
    assert out[(2026, "childrens_homes")] == 50 and out[(2027, "childrens_homes")] == 45
    assert out[(2027, "fostering_inhouse")] == 105 and out[(2027, "total")] == 150


def test_households_and_new_home_add_places():
    sup = pd.DataFrame([{"area_code": "A", "year": y, "type": t, "places": 10.0, "households": 6.0,
                         "usable_share": 0.8, "basis": "b", "source": "s", "status": "ok"}
                        for y in (2026, 2027, 2028) for t in ("fostering_inhouse", "childrens_homes")])
    s = Scenario("x", levers=[Lever("households", council="A", per_year=20, year=2027),
                              Lever("new_home", beds=4, year=2027)])
    out = scenarios.apply_supply(sup, s, places_per_household=1.5)
    a = out[out["area_code"] == "A"].set_index(["year", "type"])
    assert a.loc[(2026, "fostering_inhouse"), "places"] == 10
    assert a.loc[(2027, "fostering_inhouse"), "places"] == 10 + 30 and a.loc[(2028, "fostering_inhouse"), "places"] == 70
    assert a.loc[(2028, "fostering_inhouse"), "households"] == 6 + 40
    wide = out[out["area_code"] == gap.GROUP_WIDE].set_index("year")
    assert list(wide["places"]) == [0, 4, 4] and set(wide["type"]) == {"childrens_homes"}


def test_levers_table_is_checked_row_by_row():
    frame = pd.DataFrame([{"kind": "shift", "from_type": "childrens_homes", "to_type": "nowhere", "pct": 10,
                           "year": 2027},
                          {"kind": "new_home", "beds": 2.5, "year": 2027},
                          {"kind": "households", "per_year": 20, "year": 2026}])
    with pytest.raises(DataError) as err:
        scenarios.levers_from_frame(frame)
    text = str(err.value)
    assert "row 1, column 'to_type'" in text and "row 2, column 'beds'" in text and "row 3" not in text
    ok = scenarios.levers_from_frame(frame.iloc[[2]])
    assert ok == [Lever("households", per_year=20.0, year=2026)]
    with pytest.raises(DataError):
        scenarios.check_name("   ")


def test_scenarios_are_saved_edited_and_survive_a_reload(engine):
    s = Scenario("Test: step down", "first", [Lever("shift", from_type="childrens_homes",
                                                    to_type="fostering_inhouse", pct=10, year=2026)])
    db.save_scenario(engine, s.name, s.description, s.to_json(), user="tester")
    s.levers.append(Lever("new_home", beds=4, year=2027))
    db.save_scenario(engine, s.name, "second", s.to_json(), user="tester")
    db.load_default(engine)  # the embedded reload must not drop users' scenarios
    got = scenarios.saved(engine)[s.name]
    assert got.description == "second" and got.levers == s.levers
    rows = db.read_table(engine, models.SufficiencyScenario)
    assert (rows["name"] == s.name).sum() == 1
    assert db.delete_scenario(engine, s.name) and s.name not in scenarios.saved(engine)


def test_scenario_names_are_unique_on_both_backends(fresh_backend):
    """On an empty database of its own, SQLite and PostgreSQL (conftest's fresh_backend)."""
    db.save_scenario(fresh_backend, "Plan B", "one", "[]", user="a")
    db.save_scenario(fresh_backend, "Plan B", "two", Scenario("Plan B", levers=[Lever("new_home", beds=3)]).to_json(),
                     user="b")
    rows = db.read_table(fresh_backend, models.SufficiencyScenario)
    assert len(rows) == 1 and rows["description"].iloc[0] == "two" and rows["created_by"].iloc[0] == "a"
    assert rows["updated_by"].iloc[0] == "b"
    assert scenarios.saved(fresh_backend)["Plan B"].levers == [Lever("new_home", beds=3)]


def test_backtest_runs_both_rate_methods_beside_the_naive():
    data = inputs("A")  # a straight line: the trended rate is exact, the held rate misses by the rate's growth
    table = backtest.mape_table(backtest.run(data), ["A"], {"A": "Alpha"}, "G").set_index("area")
    assert table.loc["Alpha", "mape_trend_pct"] == pytest.approx(0, abs=1e-9)
    assert table.loc["Alpha", "mape_held_pct"] > 0 and table.loc["Alpha", "better"] == "trend"


def test_backtest_known_population_line_isolates_the_population_error():
    data = inputs("A")  # rate and population on straight lines
    data.loc[data["year"] > 2021, "population"] *= 1.2  # the population jumps off its line after 2021
    data["cic_count"] = (50 + 2 * (data["year"] - 2016)) * data["population"] / 10_000
    results = backtest.run(data)
    total = results[results["type"] == "total"].pivot_table(index="year", columns="method", values="ape")
    assert total[backtest.KNOWN_POPULATION].max() == pytest.approx(0, abs=1e-9)  # rate right, population known
    assert total["trend"].min() == pytest.approx(100 / 6)  # the population line misses by 1/1.2


def test_transition_backtest_scores_a_steady_flow_perfectly_by_every_method():
    from datetime import date

    rows, births = [], {}
    for year in range(2016, 2023):  # 10 children enter in-house fostering every April and stay two years
        for i in range(10):
            child = f"c{year}-{i}"
            rows.append({"area_code": "A", "child": child, "decom": pd.Timestamp(f"{year}-04-15"),
                         "dec": pd.Timestamp(f"{year + 2}-04-10"), "placement_detail": "Fostering: other, in-house"})
            births[child] = f"{year - 12}-01-01"
    eps = pd.DataFrame(rows)
    fit, test = [date(2018, 3, 31), date(2019, 3, 31), date(2020, 3, 31)], [date(2021, 3, 31), date(2022, 3, 31)]
    res = backtest.transition_run(eps, pd.Series(births), fit, test)
    total = res[res["type"] == "total"].pivot_table(index="year", columns="method", values="actual")
    assert (total["transition"] == 20).all()
    ape = res[res["type"] == "total"].groupby("method")["ape"].max()
    assert ape["transition"] == pytest.approx(0, abs=1e-9) and ape["transition_age"] == pytest.approx(0, abs=1e-9)
    assert ape["naive"] == pytest.approx(0, abs=1e-9)  # a steady state: carrying it forward is right too


def test_a_type_no_member_supplies_keeps_its_need_and_has_no_gap():
    demand = pd.DataFrame({"area_code": ["A", "B"], "year": 2028, "type": "supported", "children": [12.0, 8.0],
                           "low": [10.0, 6.0], "high": [14.0, 9.0]})
    sup = pd.DataFrame({"area_code": ["A", "B"], "year": 2028, "type": "supported", "places": np.nan,
                        "households": np.nan, "usable_share": np.nan, "basis": "", "source": "", "status": "not known"})
    row = gap.group_gap(demand, sup).iloc[0]
    assert row["children"] == 20 and np.isnan(row["places"]) and np.isnan(row["gap_children"])
    assert row["status"] == "no member has a supply figure"
