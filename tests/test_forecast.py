"""The households forecast on constructed series whose answers are worked out by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from regional import forecast as fc


def _assumptions(**changes) -> fc.Assumptions:
    # Children in foster care 100, 110, 120, 130 (2022-2025): a trend of +10 a year.
    # Half of them with the council's own carers, 1.25 children per household: 65 / 1.25 = 52 households today.
    base = fc.Assumptions(base_year=2025, children_in_foster=130.0,
                          children_change_per_year=fc.trend_per_year([2022, 2023, 2024, 2025], [100, 110, 120, 130]),
                          inhouse_share=0.5, children_per_household=1.25, households_now=52.0,
                          net_change_per_year=-2.0)
    return base.with_changes(**changes)


def test_trend_is_the_least_squares_slope():
    assert fc.trend_per_year([2022, 2023, 2024, 2025], [100, 110, 120, 130]) == pytest.approx(10.0)
    # 1, 3, 2, 4 over four years: slope = sum((x-xbar)(y-ybar)) / sum((x-xbar)^2) = 4 / 5 = 0.8
    years, values = [1, 2, 3, 4], [1, 3, 2, 4]
    xbar, ybar = 2.5, 2.5
    slope = sum((x - xbar) * (y - ybar) for x, y in zip(years, values)) / sum((x - xbar) ** 2 for x in years)
    assert fc.trend_per_year(years, values) == pytest.approx(slope) == pytest.approx(0.8)


def test_trend_skips_gaps_and_uses_the_last_window_years():
    # a suppressed year is skipped, not read as zero
    assert fc.trend_per_year([2021, 2022, 2023, 2024], [50, None, 70, 80]) == pytest.approx(
        fc.trend_per_year([2021, 2023, 2024], [50, 70, 80]))
    # only the last 3 years count with window=3: 200, 210, 220
    assert fc.trend_per_year([2019, 2020, 2021, 2022, 2023], [0, 500, 200, 210, 220], window=3) == pytest.approx(10)
    assert fc.trend_per_year([2025], [10]) == 0.0
    assert fc.trend_per_year([2024, 2025], [math.nan, math.nan]) == 0.0


def test_forecast_on_a_constructed_series():
    frame = fc.forecast(_assumptions())
    assert frame["year"].tolist() == [2025, 2026, 2027, 2028]
    assert frame["children_in_foster"].tolist() == pytest.approx([130, 140, 150, 160])
    assert frame["inhouse_children"].tolist() == pytest.approx([65, 70, 75, 80])
    assert frame["households_needed"].tolist() == pytest.approx([52, 56, 60, 64])
    assert frame["households_expected"].tolist() == pytest.approx([52, 50, 48, 46])
    assert frame["gap"].tolist() == pytest.approx([0, 6, 12, 18])
    # 18 short by March 2028, over 3 years: 6 more a year on top of the current -2
    assert fc.extra_households_per_year(frame) == pytest.approx(6.0)
    sentence = fc.gap_sentence("Testshire", frame, _assumptions())
    assert sentence.startswith("Testshire needs about 6 more in-house fostering households a year")
    assert "(-2 a year)" in sentence and "March 2028" in sentence and "64 households needed against 46 expected" in sentence


def test_a_user_set_rate_compounds_and_overrides_the_trend():
    frame = fc.forecast(_assumptions(rate_pct=10.0, children_in_foster=100.0, households_now=40.0,
                                     net_change_per_year=0.0))
    assert frame["children_in_foster"].tolist() == pytest.approx([100, 110, 121, 133.1])
    assert frame["households_needed"].iloc[-1] == pytest.approx(133.1 * 0.5 / 1.25)
    assert fc.extra_households_per_year(frame) == pytest.approx((53.24 - 40) / 3)


def test_a_raised_inhouse_share_makes_a_gap_from_day_one():
    frame = fc.forecast(_assumptions(inhouse_share=0.75, children_change_per_year=0.0, net_change_per_year=0.0))
    # 130 x 0.75 / 1.25 = 78 needed against 52 now, every year
    assert frame["gap"].tolist() == pytest.approx([26, 26, 26, 26])
    assert fc.extra_households_per_year(frame) == pytest.approx(26 / 3)


def test_surplus_and_balance_are_said_in_words():
    surplus = _assumptions(children_change_per_year=-10.0, net_change_per_year=0.0)
    frame = fc.forecast(surplus)  # needed 52, 48, 44, 40 against 52: 12 more than needed
    assert frame["gap"].iloc[-1] == pytest.approx(-12)
    assert fc.gap_sentence("Testshire", frame, surplus).startswith(
        "Testshire is on course for about 12 more in-house fostering households than it needs by March 2028")
    level = _assumptions(children_change_per_year=0.0, net_change_per_year=0.0)
    assert "roughly meets its need" in fc.gap_sentence("Testshire", fc.forecast(level), level)
    one = _assumptions(children_change_per_year=0.0, net_change_per_year=-1.0)
    assert "about 1 more in-house fostering household a year" in fc.gap_sentence("Testshire", fc.forecast(one), one)


def test_nothing_goes_below_zero_and_bad_input_is_refused():
    frame = fc.forecast(_assumptions(children_change_per_year=-100.0, net_change_per_year=-50.0))
    assert (frame[["children_in_foster", "households_expected"]] >= 0).all().all()
    with pytest.raises(ValueError):
        fc.forecast(_assumptions(children_per_household=0))


def test_horizon_is_a_choice():
    frame = fc.forecast(_assumptions(years=5))
    assert len(frame) == 6 and frame["year"].iloc[-1] == 2030
    assert isinstance(frame, pd.DataFrame) and frame["kind"].tolist()[:2] == ["latest figures", "projection"]
