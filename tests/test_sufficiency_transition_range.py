"""The transition-rate demand's 80% range: rolling-origin backtests in constructed SSDA903 extracts
with known answers (an exact forecast gives a zero-width range; known ratios give their
percentiles; too few points give "not known"), and the plan on the embedded data carrying it."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from regional.sufficiency import backtest, demand, plan

SW = "rcc:south-west"


def steady_extract(code: str, *, first: int = 2016, last: int = 2023, entries: int = 10,
                   births: bool = True) -> pd.DataFrame:
    """``entries`` children enter in-house fostering every April from ``first`` and stay two years, all
    aged 12 on entry: the stock is the same at every 31 March, so transition rates forecast it exactly.
    The extract is dated 31 March ``last``."""
    rows = []
    for year in range(first, last):
        for i in range(entries):
            rows.append({"area_code": code, "child": f"{code}-{year}-{i}", "decom": pd.Timestamp(f"{year}-04-15"),
                         "dec": pd.Timestamp(f"{year + 2}-04-10") if year + 2 < last else pd.NaT,
                         "placement_detail": "Fostering: other, in-house",
                         "birth_month": pd.Timestamp(f"{year - 12}-01-01") if births else None})
    return pd.DataFrame(rows).assign(extract_date=pd.Timestamp(f"{last}-03-31"), synthetic=True,
                                     dataset=f"constructed {code}")


def test_rolling_origins_fit_as_the_plan_does_and_test_every_later_31_march():
    eps = steady_extract("A")  # 31 Marches 2018-2023 (a year after the first episode, to the extract)
    origins = backtest.rolling_origins(eps, date(2023, 3, 31))
    assert [fit[-1].year for fit, _ in origins] == [2019, 2020, 2021, 2022]
    fit, test = origins[-1]
    assert fit == demand.snapshot_dates(eps, date(2022, 3, 31))  # the plan's window: up to 4 dates ending there
    assert [d.year for d in fit] == [2019, 2020, 2021, 2022] and [d.year for d in test] == [2023]
    assert [d.year for d in origins[0][1]] == [2020, 2021, 2022, 2023]


def test_an_exact_transition_forecast_gives_ratios_of_one_and_a_zero_width_range():
    eps = pd.concat([steady_extract("A"), steady_extract("B", entries=6)], ignore_index=True)
    results = backtest.extract_run(eps)
    assert set(results["variant"]) == {backtest.BY_AGE} and results["synthetic"].all()
    mine = results[results["method"] == backtest.BY_AGE]
    assert mine["ape"].max() == pytest.approx(0, abs=1e-9)
    ratios = backtest.transition_ratios(results).set_index(["type", "horizon"])
    for key in [("total", 1), ("total", 2), ("fostering_inhouse", 1), (backtest.band_type("10 to 15"), 2)]:
        assert ratios.loc[key, "low"] == pytest.approx(1) and ratios.loc[key, "high"] == pytest.approx(1)
    assert ratios.loc[("total", 1), "n"] == 8  # 4 origins a year ahead in each of the two extracts
    frame = plan.transition_frame(eps[eps["area_code"] == "A"], [2024, 2025, 2026, 2030],
                                  backtest.transition_ratios(results), "range words")
    known = frame[frame["children"] > 0]
    assert known["low"].to_numpy() == pytest.approx(known["children"].to_numpy())
    assert known["high"].to_numpy() == pytest.approx(known["children"].to_numpy())
    assert set(known["age_band"]) == {plan.ALL_AGES, "10 to 15"}
    assert frame["method"].str.endswith("; range words").all()


def test_the_range_is_the_10th_and_90th_percentile_of_each_councils_own_variant():
    ratios_a = np.array([0.8, 0.9, 1.0, 1.1, 1.2, 1.3])
    ratios_b = np.array([0.5, 2.0])
    rows = []
    for code, values, variant in (("A", ratios_a, backtest.BY_AGE), ("B", ratios_b, backtest.ALL_AGES)):
        for i, r in enumerate(values):
            rows.append({"area_code": code, "type": "total", "horizon": 1, "method": variant, "variant": variant,
                         "forecast": 100.0, "actual": 100.0 * r, "origin": 2020 + i})
            other = backtest.ALL_AGES if variant == backtest.BY_AGE else backtest.BY_AGE
            rows.append({**rows[-1], "method": other, "actual": 1000.0})  # not the plan's variant: left out
            rows.append({**rows[-2], "forecast": 2.0, "actual": 50.0})  # a forecast under 5 children: left out
    got = backtest.transition_ratios(pd.DataFrame(rows)).set_index(["type", "horizon"]).loc[("total", 1)]
    pooled = np.concatenate([ratios_a, ratios_b])
    assert got["n"] == 8
    assert got["low"] == pytest.approx(np.quantile(pooled, 0.1)) and got["high"] == pytest.approx(
        np.quantile(pooled, 0.9))


def test_too_few_points_borrow_a_horizon_or_are_not_known():
    ratios = pd.DataFrame({"type": ["total"] * 3 + ["supported"], "horizon": [1, 2, 3, 1],
                           "low": [0.9, 0.8, 0.5, 0.7], "high": [1.1, 1.3, 2.0, 1.5], "n": [4, 6, 2, 4]})
    assert backtest.ratios_for(ratios, "total", 2) == (0.8, 1.3)
    assert backtest.ratios_for(ratios, "total", 1) == (0.8, 1.3)  # 4 points: the next longer horizon's, as it is
    low, high = backtest.ratios_for(ratios, "total", 3)  # 2 points: horizon 2's widened by sqrt(3/2) in logs
    assert np.log(low) == pytest.approx(np.log(0.8) * np.sqrt(1.5)) and np.log(high) == pytest.approx(
        np.log(1.3) * np.sqrt(1.5))
    assert np.isnan(backtest.ratios_for(ratios, "supported", 1)).all()
    assert backtest.range_note(ratios, "supported", 1) == (
        "not known: at most 4 backtest point(s) for this type at any horizon, fewer than the 5 a percentile needs")
    assert "widened by sqrt(3/2)" in backtest.range_note(ratios, "total", 3)
    assert backtest.range_note(ratios, "parents", 1) == "not known: no backtest point for this type"


def test_an_extract_with_too_few_31_marches_for_a_percentile_has_no_range():
    eps = steady_extract("A", first=2018, last=2023, births=False)  # 31 Marches 2020-2023: 2 origins
    results = backtest.extract_run(eps)
    assert set(results["variant"]) == {backtest.ALL_AGES} and set(results["method"]) == {"transition", "naive"}
    assert sorted(results.drop_duplicates("origin")["origin"]) == [2021, 2022]
    frame = plan.transition_frame(eps, [2024, 2025], backtest.transition_ratios(results))
    assert frame["low"].isna().all() and frame["high"].isna().all()
    placed = frame[frame["children"] > 0]  # the types nobody is in were never forecast: no point at all
    assert set(placed["type"]) == {"fostering_inhouse", "total"}
    assert placed["range_note"].str.startswith("not known: at most 2 backtest point(s)").all()
    assert frame.loc[frame["children"] == 0, "range_note"].eq("not known: no backtest point for this type").all()
    none = plan.transition_frame(eps, [2024], None)
    assert none["low"].isna().all() and none["range_note"].str.startswith("not known: no backtest").all()
    assert "not known" in plan.transition_range_words(backtest.extract_run(eps.iloc[0:0]), {})


@pytest.fixture(scope="module")
def sw_plan(store):
    return plan.build_plan(store, store.group_members(SW), label="South West RCC", horizon=2028,
                           backtest_results=backtest.national(store))


def test_the_plans_transition_rows_carry_their_range_and_say_where_it_comes_from(store, sw_plan):
    t = sw_plan.transition
    assert {"low", "high", "range_note"} <= set(t.columns)
    known = t.dropna(subset=["low", "high"])
    assert len(known) > len(t) / 2
    assert (known["low"] <= known["high"]).all() and (known["low"] >= 0).all()
    # the types, the all-ages totals and the age bands each have one where enough backtests reached them
    assert {plan.ALL_AGES, "1 to 4", "10 to 15"} <= set(known["age_band"]) and "total" in set(known["type"])
    assert t.loc[t["low"].isna(), "range_note"].str.startswith("not known").all()
    assert t.loc[t["low"].notna(), "range_note"].str.contains("backtest points|ahead").all()
    results = backtest.in_extracts(store)
    assert set(results["area_code"]) == {"E06000058", "E06000059", "E06000022"} and results["synthetic"].all()
    runs = results.drop_duplicates(["area_code", "origin"])
    assert f"SYNTHETIC 80% range: 10th-90th percentile of actual / forecast in {len(runs)} rolling-origin" in \
        t["method"].iloc[0]
    assert backtest.in_extracts(store) is not results  # kept with the Store: a copy of the same frame
    pd.testing.assert_frame_equal(backtest.in_extracts(store), results)


def test_the_file_carries_the_transition_range_and_its_method(sw_plan):
    table = plan.file_table(sw_plan)
    rows = table[table["section"] == "demand (transition rates)"]
    assert len(rows) == len(sw_plan.transition)
    assert rows["low"].notna().sum() == sw_plan.transition["low"].notna().sum()
    assert rows["method"].str.contains("this row's 80% range: ").all()
    assert rows["method"].str.contains("rolling-origin backtests").all()


def test_the_page_section_shows_the_range_once_and_not_known_as_words(sw_plan):
    from dataclasses import replace

    from regional.views import sufficiency as view

    section = view.transition_section(sw_plan)
    assert section.caption.count(sw_plan.transition_range) == 1  # once, not after every council
    shown = section.table[["80% range from", "80% range to"]]
    assert (shown == "not known").sum().sum() == sw_plan.transition[["low", "high"]].isna().sum().sum() > 0
    assert not shown.isin(["None", "nan", ""]).any().any()
    bare = view.transition_section(replace(sw_plan, transition_range=""))  # a plan without words keeps its methods
    assert "share of children in each type a year later or leaving care, and entries a year" in bare.caption
    assert "; by age band" in bare.caption
