"""The plan on the embedded data: sums, ranges, sources and synthetic labels hold together;
the CLI writes CSV and XLSX with every figure and its method."""
from __future__ import annotations

import pandas as pd
import pytest

from regional.sufficiency import TYPES, backtest, plan, scenarios
from tests.test_cli import run

SW = "rcc:south-west"


@pytest.fixture(scope="module")
def results(store):
    return backtest.national(store)


@pytest.fixture(scope="module")
def sw_plan(store, results):
    return plan.build_plan(store, store.group_members(SW), label="South West RCC", horizon=2028,
                           backtest_results=results)


def test_group_figures_are_the_members_summed(sw_plan):
    dem = sw_plan.demand
    assert sw_plan.years == [2026, 2027, 2028]
    # the Isles of Scilly's placement mix is suppressed: its types are missing (never 0), its total is not
    no_mix = dem[dem["type"].isin(TYPES) & dem["children"].isna()]
    assert set(no_mix["area_code"]) == {"E06000053"} and sw_plan.no_mix == ["E06000053"]
    dem = dem[dem["area_code"] != "E06000053"]
    types = dem[dem["type"].isin(TYPES)].groupby(["area_code", "year"])["children"].sum()
    total = dem[dem["type"] == "total"].set_index(["area_code", "year"])["children"]
    pd.testing.assert_series_equal(types.sort_index(), total.sort_index(), check_names=False)
    assert (dem["low"] <= dem["children"] + 1e-9).all() and (dem["children"] <= dem["high"] + 1e-9).all()
    homes = sw_plan.group_gap.set_index(["year", "type"]).loc[(2028, "childrens_homes")]
    members = sw_plan.gap[(sw_plan.gap["area_code"] != "group") & (sw_plan.gap["year"] == 2028)
                          & (sw_plan.gap["type"] == "childrens_homes")]
    assert homes["places"] == pytest.approx(members["places"].sum())
    assert homes["gap_children"] == pytest.approx(members["gap_children"].sum())


def test_synthetic_inputs_are_named_in_the_headline(sw_plan):
    assert set(sw_plan.transition["area_code"]) == {"E06000058", "E06000059", "E06000022"}
    assert sw_plan.transition["synthetic"].all()
    assert sw_plan.transition["method"].str.startswith("SYNTHETIC").all()
    text = sw_plan.headline()
    assert "SYNTHETIC" in text and "Bournemouth, Christchurch and Poole" in text and "March 2028" in text


def test_supply_is_traced_and_missing_is_not_zero(sw_plan, store):
    sup = sw_plan.supply
    bcp_homes = sup[(sup["area_code"] == "E06000058") & (sup["type"] == "childrens_homes")]
    assert bcp_homes["basis"].str.contains("local-provision return").all()  # BCP's 2026 return beats the 2023 register
    assert bcp_homes.set_index("year").loc[2026, "places"] == 34
    unknown = sup[(sup["type"] == "supported") & (sup["status"] == "not known")]
    assert len(unknown) and unknown["places"].isna().all()
    dorset = sup[(sup["area_code"] == "E06000059") & (sup["type"] == "supported")]
    assert (dorset["places"] == 87).all()


def test_scenario_changes_the_plan_and_compares_with_the_baseline(store, results, sw_plan):
    scen = scenarios.EXAMPLES[0]  # 10% of children's homes down to in-house fostering
    other = plan.build_plan(store, store.group_members(SW), label="South West RCC", scenario=scen,
                            backtest_results=results)
    comp = plan.compare(sw_plan, other).set_index(["year", "type"])
    homes = comp.loc[(2028, "childrens_homes")]
    assert homes["children_scenario"] == pytest.approx(homes["children_baseline"] * 0.9)
    assert homes["cost_difference"] < 0
    fost = comp.loc[(2028, "fostering_inhouse")]
    assert fost["children_scenario"] - fost["children_baseline"] == pytest.approx(homes["children_baseline"] * 0.1)


def test_cli_writes_csv_and_xlsx(engine, tmp_path):
    out = tmp_path / "plan.csv"
    result = run("plan", "--group", SW, "--to", "2028", "--out", str(out))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    assert {"demand", "supply", "gap", "costs", "backtest", "headline"} <= set(frame["section"])
    figures = frame[frame["section"] != "headline"]
    assert figures["method"].notna().all() and figures["source"].notna().all()
    assert frame.loc[frame["section"] == "demand (transition rates)", "synthetic"].all()
    trans = frame[frame["section"] == "demand (transition rates)"]  # with its 80% range and where it comes from
    assert trans["low"].notna().any() and (trans["low"].dropna() <= trans.loc[trans["low"].notna(), "high"]).all()
    assert trans["method"].str.contains("rolling-origin backtests").all()
    assert trans["method"].str.contains("in the synthetic SSDA903 extracts of all 3 councils with one").all()
    assert trans.loc[trans["low"].isna(), "method"].str.contains("this row's 80% range: not known").all()
    assert "SYNTHETIC" in frame.loc[frame["section"] == "headline", "method"].iloc[0]
    xlsx = tmp_path / "plan.xlsx"
    result = run("plan", "--group", "Bournemouth, Christchurch and Poole", "--to", "2027",
                 "--scenario", "A new 4-bed home in 2027", "--out", str(xlsx))
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"Plan", "Methods"}
    plan_rows = sheets["Plan"]
    assert set(plan_rows["scenario"]) == {"A new 4-bed home in 2027"}
    assert plan_rows.loc[plan_rows["section"] == "demand", "year"].max() == 2027


@pytest.mark.parametrize("args, fragment", [
    (["--group", "Atlantis"], "neither a group nor a council"),
    (["--group", SW, "--scenario", "nope"], "no scenario named 'nope'"),
    (["--group", SW, "--to", "2099"], "out of range"),
])
def test_cli_plan_errors_exit_2(engine, tmp_path, args, fragment):
    result = run("plan", *args, "--out", str(tmp_path / "x.csv"))
    assert result.returncode == 2 and fragment in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_scenario_name_a_spreadsheet_would_run_is_written_as_text(store, results, tmp_path):
    hostile = scenarios.Scenario("=HYPERLINK(\"http://x\")", levers=[scenarios.Lever("new_home", beds=2, year=2027)])
    p = plan.build_plan(store, ["E06000058"], label="BCP", scenario=hostile, backtest_results=results)
    out = tmp_path / "p.csv"
    plan.write_file(p, out)
    frame = pd.read_csv(out)
    assert set(frame["scenario"]) == {"'=HYPERLINK(\"http://x\")"}
    with pytest.raises(Exception, match="csv or .xlsx"):
        plan.write_file(p, tmp_path / "p.txt")
