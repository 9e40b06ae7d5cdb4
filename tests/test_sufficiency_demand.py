"""Demand on constructed series with known answers: the trend, the population, the placement
mix, the in-house split and the transition rates."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from regional.sufficiency import demand


def inputs(code: str = "E06000001", years=range(2016, 2026), *, rate0: float = 50.0, rate_step: float = 2.0,
           pop0: float = 10_000.0, pop_step: float = 100.0, mix=(70, 10, 8, 4), filled=None) -> pd.DataFrame:
    """A council whose rate per 10,000 and child population both grow in a straight line."""
    rows = []
    for k, y in enumerate(years):
        pop = pop0 + pop_step * k
        rate = rate0 + rate_step * k
        rows.append({"area_code": code, "year": y, "cic_count": rate * pop / 10_000, "population": pop,
                     "pct_fostering": mix[0], "pct_childrens_homes": mix[1], "pct_supported": mix[2],
                     "pct_parents": mix[3], "inhouse_filled": filled})
    frame = pd.DataFrame(rows)
    frame["pct_other"] = 100 - frame[["pct_fostering", "pct_childrens_homes", "pct_supported", "pct_parents"]].sum(axis=1)
    return frame


def test_linear_trend_reads_the_line_and_skips_gaps():
    years = [2018, 2019, 2020, 2021, 2022]
    assert demand.linear_trend(years, [10, 12, 14, 16, 18], [2025]) == pytest.approx([24.0])
    # a suppressed year is skipped, not read as 0: the line is the same
    assert demand.linear_trend(years, [10, np.nan, 14, 16, 18], [2025]) == pytest.approx([24.0])
    # only the last five years with a figure count
    assert demand.linear_trend(range(2010, 2020), [100] * 5 + [1, 2, 3, 4, 5], [2021]) == pytest.approx([7.0])
    assert demand.linear_trend([2020], [7], [2030]) == pytest.approx([7.0])
    assert np.isnan(demand.linear_trend([2020], [np.nan], [2030])[0])
    assert demand.linear_trend([2020, 2021], [10, 4], [2025]) == pytest.approx([0.0])  # floored at 0


def test_vectorised_trend_agrees_with_the_single_series_line():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"area_code": np.repeat(["A", "B"], 8), "year": list(range(2016, 2024)) * 2,
                          "v": rng.normal(50, 5, 16)})
    frame.loc[3, "v"] = np.nan
    lines = demand.trend_lines(frame, "v")
    for code, rows in frame.groupby("area_code"):
        expected = demand.linear_trend(rows["year"], rows["v"], [2027], floor=None)[0]
        got = lines.loc[code, "intercept"] + lines.loc[code, "slope"] * 2027
        assert got == pytest.approx(expected)


def test_rate_times_population_gives_the_known_children_by_type():
    frame = demand.forecast_council(inputs(), [2026, 2028])
    # year index k = 10 (2026) and 12 (2028): rate 50 + 2k, population 10,000 + 100k
    for year, k in ((2026, 10), (2028, 12)):
        rows = frame[frame["year"] == year].set_index("type")
        expected_total = (50 + 2 * k) * (10_000 + 100 * k) / 10_000
        assert rows.loc["total", "children"] == pytest.approx(expected_total)
        assert rows.loc["total", "rate_per_10k"] == pytest.approx(50 + 2 * k)
        assert rows.loc["total", "population"] == pytest.approx(10_000 + 100 * k)
        assert rows.loc["fostering", "children"] == pytest.approx(expected_total * 0.70)
        assert rows.loc["childrens_homes", "children"] == pytest.approx(expected_total * 0.10)
        assert rows.loc["other", "children"] == pytest.approx(expected_total * 0.08)
    assert "2025 placement mix" in frame["method"].iloc[0] and "trend through the last 5 years" in frame["method"].iloc[0]


def test_cutoff_uses_only_earlier_years_and_naive_carries_the_last_value():
    data = inputs()
    data.loc[data["year"] > 2021, "cic_count"] *= 3  # what happens after the cutoff must not leak in
    fc = demand.forecast_council(data, [2022], cutoff=2021).set_index("type")
    assert fc.loc["total", "children"] == pytest.approx((50 + 2 * 6) * (10_000 + 600) / 10_000)
    naive = demand.naive_council(data, [2022, 2025], cutoff=2021)
    total = naive[naive["type"] == "total"]
    assert list(total["children"]) == pytest.approx([(50 + 2 * 5) * (10_000 + 500) / 10_000] * 2)


def test_inhouse_share_and_split():
    data = inputs(filled=30.0)
    share, year = demand.inhouse_share(data)
    fostered = data.iloc[-1]["cic_count"] * 0.70
    assert year == 2025 and share == pytest.approx(30 / fostered)
    fc = demand.split_fostering(demand.forecast_council(data, [2026]), share)
    rows = fc.set_index("type")["children"]
    assert "fostering" not in rows.index
    assert rows["fostering_inhouse"] + rows["fostering_ifa_kinship"] == pytest.approx(
        demand.forecast_council(data, [2026]).set_index("type").loc["fostering", "children"])
    assert np.isnan(demand.inhouse_share(inputs())[0])


def episode(child, decom, dec=None, detail="Fostering: other, in-house"):
    return {"child": child, "decom": pd.Timestamp(decom), "dec": pd.Timestamp(dec) if dec else pd.NaT,
            "placement_detail": detail}


def test_transition_rates_from_constructed_episodes():
    rows = [episode("seed", "2019-06-01", "2019-07-01", "Other")]  # the extract starts June 2019
    # 10 children in in-house fostering at 31 March 2021: 6 stay, 2 move to a children's home, 2 leave care
    for i in range(10):
        rows.append(episode(f"f{i}", "2020-06-01", "2021-09-01" if i >= 6 else None))
    for i in range(6, 8):
        rows.append(episode(f"f{i}", "2021-09-01", None, "Residential"))
    # 4 children enter supported accommodation during 2021-22
    rows += [episode(f"s{i}", "2021-10-01", None, "Supported accommodation") for i in range(4)]
    rates = demand.transition_rates(pd.DataFrame(rows), date(2022, 4, 30))
    assert rates["years"] == 1 and rates["base"] == date(2022, 3, 31)
    m = rates["matrix"]
    assert m.loc["fostering_inhouse", "fostering_inhouse"] == pytest.approx(0.6)
    assert m.loc["fostering_inhouse", "childrens_homes"] == pytest.approx(0.2)
    assert m.loc["fostering_inhouse", demand.LEFT] == pytest.approx(0.2)
    assert rates["entries"]["supported"] == pytest.approx(4.0)
    assert rates["stock"]["fostering_inhouse"] == 6 and rates["stock"]["childrens_homes"] == 2
    proj = demand.project_transitions(rates, [2023, 2024]).set_index(["year", "type"])["children"]
    # 2023: in-house 6 x 0.6 = 3.6; homes 6 x 0.2 + 2 (homes stay: nobody was in one a year earlier) = 3.2;
    # supported 4 stay (no evidence of leaving) + 4 entries = 8
    assert proj[(2023, "fostering_inhouse")] == pytest.approx(3.6)
    assert proj[(2023, "childrens_homes")] == pytest.approx(3.2)
    assert proj[(2023, "supported")] == pytest.approx(8.0)
    assert proj[(2024, "fostering_inhouse")] == pytest.approx(3.6 * 0.6)


def test_extract_under_two_years_has_no_transition_rates():
    rows = pd.DataFrame([episode("a", "2024-06-01"), episode("b", "2025-01-01")])
    assert demand.transition_rates(rows, date(2025, 6, 1)) is None


def test_published_inputs_on_the_embedded_data(store):
    data = demand.published_inputs(store, ["E06000058"])
    latest = data.set_index("year").loc[2025]
    cic = store.preferred("cic_count", ["E06000058"])
    assert latest["cic_count"] == cic[cic["period"].dt.year == 2025]["value"].iloc[0]
    shares = latest[["pct_fostering", "pct_childrens_homes", "pct_supported", "pct_parents", "pct_other"]]
    assert shares.sum() == pytest.approx(100)
    assert latest["population"] > 50_000


def test_rate_held_keeps_the_latest_rate_times_the_population_trend():
    data = inputs()
    fc = demand.forecast_council(data, [2027], rate="held").set_index("type")
    # 2025 (k = 9): rate 68; population in 2027 (k = 11): 11,100
    assert fc.loc["total", "rate_per_10k"] == pytest.approx(68)
    assert fc.loc["total", "children"] == pytest.approx(68 * 11_100 / 10_000)
    assert "held at its 2025 value" in fc["method"].iloc[0]
    with pytest.raises(ValueError):
        demand.forecast_council(data, [2027], rate="guess")


def test_age_band_is_read_at_each_31_march():
    births = pd.Series(["2021-04-01", "2021-03-31", "2006-01-01", None], index=["a", "b", "c", "d"])
    bands = demand.age_band(births, date(2022, 3, 31))
    assert bands.tolist() == ["under 1", "1 to 4", "16 and over", demand.AGE_NOT_KNOWN]


def aged_extract() -> tuple[list[dict], dict[str, str]]:
    """Episodes and months of birth with known transitions by age band (worked out below)."""
    rows = [episode("seed", "2019-06-01", "2019-07-01", "Other")]
    births = {"seed": "2010-01-01"}
    # 5 children of 15 in in-house fostering at 31 March 2021: a year later 3 are 16 and still there,
    # 2 have left care; 4 children of 9 in children's homes: a year later 10, all still there
    for i in range(5):
        rows.append(episode(f"t{i}", "2020-06-01", "2021-09-01" if i >= 3 else None))
        births[f"t{i}"] = "2005-10-01"
    for i in range(4):
        rows.append(episode(f"n{i}", "2020-06-01", None, "Residential"))
        births[f"n{i}"] = "2011-10-01"
    # 2 babies enter in-house fostering during 2021-22
    for i in range(2):
        rows.append(episode(f"b{i}", "2021-10-01", None))
        births[f"b{i}"] = "2021-08-01"
    return rows, births


def test_transition_rates_by_age_band_count_ageing_leaving_and_entering_by_band():
    rows, births = aged_extract()
    rates = demand.transition_rates(pd.DataFrame(rows), date(2022, 4, 30), births=pd.Series(births))
    m, sep = rates["matrix"], demand.BAND_SEP
    teen, older = f"10 to 15{sep}fostering_inhouse", f"16 and over{sep}fostering_inhouse"
    assert m.loc[teen, older] == pytest.approx(0.6) and m.loc[teen, demand.LEFT] == pytest.approx(0.4)
    assert m.loc[teen, teen] == 0  # nobody stays 15: the band moves with them
    assert m.loc[f"5 to 9{sep}childrens_homes", f"10 to 15{sep}childrens_homes"] == pytest.approx(1.0)
    assert rates["entries"][f"under 1{sep}fostering_inhouse"] == pytest.approx(2.0)
    proj = demand.project_transitions(rates, [2023])
    per_type = demand.by_type(proj).set_index("type")["children"]
    # States nobody was in a year earlier keep their type and age out of their band at 1 / its length a
    # year (the sector's model): the 3 over-16s half leave at 18 (1.5 stay), the 2 babies all turn 1 and
    # stay in-house, 2 new babies enter: in-house 1.5 + 2 + 2 = 5.5; homes: the 4 ten-year-olds, of whom
    # 1/6 would reach 16 (still in a home) = 4
    assert m.loc[older, demand.LEFT] == pytest.approx(0.5) and m.loc[older, older] == pytest.approx(0.5)
    assert m.loc[f"under 1{sep}fostering_inhouse", f"1 to 4{sep}fostering_inhouse"] == pytest.approx(1.0)
    assert per_type["fostering_inhouse"] == pytest.approx(5.5)
    assert per_type["childrens_homes"] == pytest.approx(4.0)
    # without ages the same extract gives the all-ages rate, which cannot see who turns 18
    flat = demand.project_transitions(demand.transition_rates(pd.DataFrame(rows), date(2022, 4, 30)), [2023])
    assert flat.set_index("type")["children"]["fostering_inhouse"] != pytest.approx(5.5)


def test_the_plan_splits_transitions_by_age_band_when_the_extract_keeps_dates_of_birth():
    from regional.sufficiency import plan

    rows = [episode("seed", "2019-06-01", "2019-07-01", "Other")]
    rows += [episode(f"f{i}", "2020-06-01", None) for i in range(6)]
    eps = pd.DataFrame(rows).assign(area_code="A", extract_date=date(2022, 4, 30), synthetic=True, dataset="syn-a")
    without = plan.transition_frame(eps, [2023])
    assert without["method"].str.contains("all ages (the extract holds no month of birth)", regex=False).all()
    assert without["method"].str.startswith("SYNTHETIC extract").all() and without["synthetic"].all()
    with_dob = plan.transition_frame(eps.assign(birth_month=pd.Timestamp("2010-05-01")), [2023])
    assert with_dob["method"].str.contains("by age band", regex=False).all()
    assert set(with_dob["type"]) <= {*demand.EPISODE_TYPES.values(), "total"}  # summed back to types
    total = with_dob[with_dob["type"] == "total"]["children"].iloc[0]
    assert total == pytest.approx(without[without["type"] == "total"]["children"].iloc[0])


def test_the_plan_gives_known_counts_by_age_band_from_months_of_birth():
    """The extract above through the plan: at 31 March 2023 the 2 babies are 1 to 4 and 2 new ones
    enter under 1; of the 4 ten-year-olds in homes 1/6 reach 16 (3.33 stay 10 to 15); the 3
    sixteen-year-olds half leave at 18 (1.5) and join the 0.67 from homes in 16 and over."""
    from regional.sufficiency import plan

    rows, births = aged_extract()
    eps = pd.DataFrame(rows).assign(area_code="A", extract_date=date(2022, 4, 30), synthetic=False, dataset="upload")
    eps["birth_month"] = eps["child"].map(births).map(date.fromisoformat)
    frame = plan.transition_frame(eps, [2023])
    bands = frame[frame["age_band"] != plan.ALL_AGES].set_index("age_band")["children"]
    assert list(bands.index) == ["under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]  # none 'not known'
    assert bands.to_dict() == pytest.approx({"under 1": 2, "1 to 4": 2, "5 to 9": 0, "10 to 15": 4 * 5 / 6,
                                             "16 and over": 1.5 + 4 / 6})
    by_type = frame[(frame["age_band"] == plan.ALL_AGES) & (frame["type"] != "total")].set_index("type")["children"]
    assert bands.sum() == pytest.approx(by_type.sum()) == pytest.approx(9.5)
    assert (frame.loc[frame["age_band"] != plan.ALL_AGES, "type"] == "total").all()
    # a child without a month of birth is counted as 'age not known', and the method says how many
    eps.loc[eps["child"] == "n0", "birth_month"] = None
    frame = plan.transition_frame(eps, [2023])
    assert "1 children with none" in frame["method"].iloc[0]
    assert frame.set_index("age_band").loc[demand.AGE_NOT_KNOWN, "children"] == pytest.approx(1.0)


def test_month_of_birth_gives_the_same_age_band_at_31_march_as_the_day():
    """Why month precision loses nothing here: the plan reads ages at 31 March, the month's last
    day, so a birthday anywhere in March has passed; any other month is wholly before or after."""
    days = pd.Series(pd.date_range("2004-01-01", "2023-03-31", freq="D"))
    months = days.dt.to_period("M").dt.to_timestamp()
    for year in (2021, 2022, 2023):
        assert demand.age_band(days, date(year, 3, 31)).equals(demand.age_band(months, date(year, 3, 31)))


def _dfe(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": "A", "indicator_id": i, "year": y, "value": v} for i, y, v in rows],
                        columns=["area_code", "indicator_id", "year", "value"])


def test_an_extract_is_checked_against_dfes_counts_of_children_in_care_and_leaving_care():
    """A whole history: 10 children in care at 31 March 2021, 4 of them gone a year later (DfE: 10 in care,
    5 ceased, which also counts children who came and went in the year). An extract of today's children
    only has nobody leaving: its rates would show nobody leaving care, and it is flagged."""
    whole = [episode(f"c{i}", "2020-01-01", "2021-09-01" if i < 4 else None) for i in range(10)]
    whole += [episode(f"n{i}", "2021-10-01", None) for i in range(3)]
    eps = pd.DataFrame(whole)
    published = _dfe([("cic_count", 2021, 10), ("cic_ceased_count", 2022, 5)])
    check = demand.extract_completeness(eps, date(2021, 3, 31), date(2022, 3, 31), published)
    assert check["complete"] and (check["held"], check["leavers"], check["dfe_leavers"]) == (10, 4, 5)
    assert check["words"] == ("at 31 March 2021 it holds 10 of DfE's 10 children in care; 4 children leave care "
                              "in the year to 31 March 2022, where DfE counts 5 ceasing care")
    today_only = pd.DataFrame([e for e in whole if pd.isna(e["dec"])])
    check = demand.extract_completeness(today_only, date(2021, 3, 31), date(2022, 3, 31), published)
    assert not check["complete"] and check["leavers"] == 0 and check["held"] == 6
    # no DfE figure to compare with: not flagged, and said so
    check = demand.extract_completeness(today_only, date(2021, 3, 31), date(2022, 3, 31), _dfe([]))
    assert check["complete"] and check["words"] == "no DfE figure to compare it with"


def test_the_synthetic_extracts_are_flagged_as_not_whole_histories_on_the_plan(store):
    """The embedded synthetic extracts hold the children in care at their date only: the plan's
    transition rows say so, beside DfE's counts, and the page's section says the figures overstate demand."""
    from regional.selection import Selection
    from regional.sufficiency import plan
    from regional.views import sufficiency as view

    members = store.group_members("rcc:south-west")
    built = plan.build_plan(store, members, label="South West RCC")
    flagged = built.transition.drop_duplicates("area_code").set_index("area_code")
    assert set(flagged.index) == {"E06000058", "E06000059", "E06000022"} and not flagged["complete"].any()
    assert flagged["method"].str.contains("NOT A WHOLE HISTORY: at 31 March", regex=False).all()
    assert flagged["method"].str.contains(r"0 children leave care in the years to 31 March \d{4}-\d{4}, where DfE "
                                          r"counts \d+ ceasing care").all()
    section = {s.key: s for s in view.prepare(store, Selection.from_dict(store, {}))}["suff_transition"]
    assert section.markdown.startswith("**Not a whole history: Bath and North East Somerset, Bournemouth, "
                                       "Christchurch and Poole, Dorset.**")
    assert "overstate demand" in section.markdown
