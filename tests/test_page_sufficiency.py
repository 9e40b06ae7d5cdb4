"""AppTest of the Sufficiency plan page for the South West RCC and for BCP: the headline
names synthetic inputs, the figures are the library's, scenarios compare and save."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from regional.sufficiency import backtest, plan, scenarios

PAGE = "pages/5_Sufficiency_plan.py"
SW = "rcc:south-west"
BCP = "E06000058"


def _rows(chart) -> pd.DataFrame:
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _metric(at, start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(start))


@pytest.fixture(scope="module")
def results(store):
    return backtest.national(store)


def test_south_west_plan(app_test, store, results):
    at = app_test(PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Sufficiency plan"
    expected = plan.build_plan(store, store.group_members(SW), label="South West RCC (RCC)", backtest_results=results)
    warning = at.warning[0].value
    assert warning == expected.headline()
    assert "SYNTHETIC inputs" in warning and "March 2028" in warning
    dem = expected.demand[(expected.demand["year"] == 2028) & (expected.demand["type"] == "total")]
    assert _metric(at, "Children in care") == f"{dem['children'].sum():,.0f}"
    headers = [h.value for h in at.header]
    for title in ("Demand by placement type", "Local supply and the gap", "Each council at 31 March 2028",
                  "Transition-rate demand (SSDA903), by age band", "Unit costs (RO3 2024-25)",
                  "How well the method forecast 2022-2025", "Create or edit a scenario"):
        assert title in headers
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    drawn = _rows(charts[0])
    assert set(drawn["year"]) == {2026, 2027, 2028}
    homes = drawn[(drawn["type"] == "childrens_homes") & (drawn["year"] == 2028)]["children"].iloc[0]
    grp = expected.demand[(expected.demand["type"] == "childrens_homes") & (expected.demand["year"] == 2028)]
    assert homes == pytest.approx(grp["children"].sum())
    tables = [d.value for d in at.dataframe]
    each = next(t for t in tables if {"council", "children needing it", "gap in places"} <= set(t.columns))
    # the Isles of Scilly's demand is not known (DfE suppresses its counts): said so, never a blank "None"
    assert not each.isna().any().any() and not each.astype(str).isin(["None", "nan"]).any().any()
    assert "not known" in set(each.loc[each["council"] == "Isles of Scilly", "children needing it"])
    backtest_table = next(t for t in tables if "MAPE % (rate trended)" in t.columns)
    assert len(backtest_table) == len(store.group_members(SW)) + 1
    transition = next(t for t in tables if "transition rates (SYNTHETIC extract)" in t.columns)
    assert set(transition["council"]) == {"Bournemouth, Christchurch and Poole", "Dorset",
                                          "Bath and North East Somerset"}
    # the transition-rate demand's 80% range (rolling-origin backtests in the extracts), "not known" where none
    assert {"80% range from", "80% range to"} <= set(transition.columns)
    assert not transition.isna().any().any() and not transition.astype(str).isin(["None", "nan"]).any().any()
    ranges = expected.transition
    assert (transition["80% range from"] == "not known").sum() == ranges["low"].isna().sum() > 0
    row = ranges[(ranges["area_code"] == "E06000058") & (ranges["type"] == "total")
                 & (ranges["age_band"] == plan.ALL_AGES) & (ranges["year"] == 2028)].iloc[0]
    shown = transition[(transition["council"] == "Bournemouth, Christchurch and Poole")
                       & (transition["placement type"] == "All children in care") & (transition["31 March"] == 2028)]
    assert shown[["80% range from", "80% range to"]].iloc[0].tolist() == [f"{row['low']:,.0f}", f"{row['high']:,.0f}"]
    captions = " ".join(c.value for c in at.caption)
    assert "rolling-origin backtests" in captions and "SYNTHETIC 80% range" in captions


def test_bcp_alone_with_a_scenario(app_test, store, results):
    at = app_test(PAGE).run()
    at.radio(key="suff_scope").set_value("Council of interest").run()
    assert not at.exception
    expected = plan.build_plan(store, [BCP], label="Bournemouth, Christchurch and Poole", backtest_results=results)
    assert at.warning[0].value == expected.headline()
    assert "Each council at 31 March 2028" not in [h.value for h in at.header]
    end = expected.group_gap.set_index(["year", "type"]).loc[(2028, "childrens_homes")]
    assert _metric(at, "Children's homes gap") == f"{end['gap_children']:,.0f}"
    at.selectbox(key="suff_scenario").set_value("A new 4-bed home in 2027").run()
    assert not at.exception
    assert "Scenario against the baseline, 31 March 2028" in [h.value for h in at.header]
    # four more local beds from 2027: the gap in children's homes places shrinks by four
    comp = next(d.value for d in at.dataframe if "gap in children (scenario)" in d.value.columns)
    assert "Scenario: A new 4-bed home in 2027." in at.warning[0].value
    homes = comp.set_index("placement type").loc["Children's homes (incl. secure)"]
    assert homes["gap in children (scenario)"] < homes["gap in children (baseline)"]


def test_bcp_transition_demand_by_age_band(app_test, store, results):
    """BCP's synthetic extract carries months of birth: the transition section is by age band,
    labelled synthetic, and its bands are the plan's and add up to its all-ages total."""
    at = app_test(PAGE).run()
    at.radio(key="suff_scope").set_value("Council of interest").run()
    assert not at.exception
    assert "Transition-rate demand (SSDA903), by age band" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "transition rates (SYNTHETIC extract)" in d.value.columns)
    bands = table[table["age band"] != plan.ALL_AGES]
    assert set(bands["age band"]) == {"under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"}
    assert (bands["placement type"] == plan.ALL_TYPES).all() and set(bands["council"]) == {
        "Bournemouth, Christchurch and Poole"}
    expected = plan.build_plan(store, [BCP], label="Bournemouth, Christchurch and Poole", backtest_results=results)
    by_age = expected.transition_by_age.set_index(["year", "age_band"])["children"]
    shown = bands.set_index(["31 March", "age band"])["transition rates (SYNTHETIC extract)"]
    assert shown.to_dict() == pytest.approx(by_age.round(0).to_dict())
    total = expected.transition_by_type
    total = total[(total["type"] == "total")].set_index("year")["children"]
    assert by_age.groupby(level="year").sum().to_dict() == pytest.approx(total.to_dict())
    captions = " ".join(c.value for c in at.caption)
    assert "SYNTHETIC" in captions and "by age band" in captions and "from the month of birth" in captions
    # no empty cell reads "None": the rate method has no age bands, and says so
    assert (bands["rate x population"] == "not made by age").all()
    assert not table.isna().any().any() and not table.astype(str).isin(["None", "nan"]).any().any()


def test_a_scenario_is_saved_from_the_page_and_shown(app_test, engine, signed_in):
    anonymous = app_test(PAGE).run()
    anonymous.main.text_input[0].input("Page test: nobody")
    anonymous.main.button[0].click().run()
    assert any("Sign in (sidebar) to save" in w.value for w in anonymous.warning)
    assert "Page test: nobody" not in scenarios.saved(engine)
    at = signed_in(app_test(PAGE), "editor", "E06000058").run()
    at.main.text_input[0].input("Page test: more carers")
    at.main.text_input[1].input("thirty more households a year")
    levers = pd.DataFrame([{"kind": "households", "council": "", "from_type": None, "to_type": None, "pct": None,
                            "per_year": 30, "beds": None, "year": 2026}], columns=scenarios.LEVER_COLUMNS)
    # AppTest cannot type into st.data_editor; the form takes the edited table from its state
    at.session_state["suff_levers"] = {"edited_rows": {}, "added_rows": [levers.iloc[0].dropna().to_dict()],
                                       "deleted_rows": []}
    at.main.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = scenarios.saved(engine)
    assert saved["Page test: more carers"].levers == [scenarios.Lever("households", per_year=30.0, year=2026)]
    assert at.selectbox(key="suff_scenario").value == "Page test: more carers"
    assert any("Saved 'Page test: more carers'" in s.value for s in at.success)
    from regional import db
    db.delete_scenario(engine, "Page test: more carers")


def test_a_bad_lever_is_reported_and_nothing_saved(app_test, engine, signed_in):
    at = signed_in(app_test(PAGE), "admin").run()
    at.main.text_input[0].input("Page test: bad")
    at.session_state["suff_levers"] = {"edited_rows": {}, "added_rows": [{"kind": "new_home", "beds": 0, "year": 2027}],
                                       "deleted_rows": []}
    at.main.button[0].click().run()
    assert at.error and "column 'beds'" in at.error[0].value
    assert "Page test: bad" not in scenarios.saved(engine)


def test_a_loaded_projection_and_planned_home_show_on_the_page(app_test, engine, tmp_path):
    """A council (Hartlepool: in no group another page test checks) loads an ONS projection and a
    planned home through the returns path; the page states the projection beside the demand and
    lists the home beside the supply it moves."""
    from pathlib import Path

    from regional import returns

    hartlepool = "E06000001"
    frame = pd.read_csv(Path(__file__).parent / "fixtures" / "population_projection" / "snpp_handmade.csv", dtype=str)
    frame = frame[frame["AREA_CODE"] == BCP].assign(AREA_CODE=hartlepool)
    frame.to_csv(tmp_path / "snpp.csv", index=False)
    returns.submit("population_projection", tmp_path / "snpp.csv", engine, who="test", council=hartlepool)
    pd.DataFrame([{"council": "Hartlepool", "setting_type": "childrens_home", "setting_name": "Harbour View",
                   "change": "open", "beds": "4", "opens": "2027-01", "stage": "approved",
                   "document": "Hartlepool sufficiency plan (test)", "section": "", "published": "", "note": ""}]
                 ).to_csv(tmp_path / "planned.csv", index=False)
    returns.submit("planned_provision", tmp_path / "planned.csv", engine, who="test")
    at = app_test(PAGE)
    at.query_params["council"] = hartlepool
    at.run()
    at.radio(key="suff_scope").set_value("Council of interest").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "loaded ONS subnational population projection" in captions and "Hartlepool" in captions
    planned = next(d.value for d in at.dataframe if "home" in d.value.columns and "stage" in d.value.columns)
    assert planned.iloc[0]["home"] == "Harbour View" and int(planned.iloc[0]["beds"]) == 4
    basis = next(d.value for d in at.dataframe if "basis" in d.value.columns)
    homes = basis[basis["placement type"] == "Children's homes (incl. secure)"]["basis"].iloc[0]
    assert "+4 Harbour View (opens 31 January 2027, approved; counted from 31 March 2027)" in homes
