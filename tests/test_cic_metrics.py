"""Children in care figures checked against the real DfE files in ../shared/data.

Every expected figure is computed here from the raw CSV/parquet with the csv module,
pyarrow and math, independently of regional.metrics: ranks, quartiles, funnel limits
(exact Poisson, written again here), neighbours' averages and the count gap.
"""
from __future__ import annotations

import csv
import math

import pandas as pd
import pyarrow.parquet as pq
import pytest

from regional import metrics
from regional.errors import DataError
from regional.importers import child_population, dfe

YEAR = "2025"
STOCK = "Children looked after on 31 March each year"
BCP, DORSET, BANES = "E06000058", "E06000059", "E06000022"
SCILLY, CITY_OF_LONDON, CUMBERLAND, SOMERSET, NORTH_YORKSHIRE = (
    "E06000053", "E09000001", "E06000063", "E06000066", "E06000065")
SUPPRESSION = {"c", "k", "u", "x", "z", "low", "-", ""}


def number(text: str) -> float | None:
    return None if text.strip().lower() in SUPPRESSION else float(text.replace(",", ""))


# --- independent readings of the raw files ------------------------------------------------
@pytest.fixture(scope="module")
def raw_cla(shared_data) -> list[dict]:
    with open(shared_data / "dfe" / dfe.CLA_FILE, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def stock_2025(raw_cla) -> dict[str, dict]:
    """ONS code -> {rate, count, population, old} for councils at 31 March 2025, plus England."""
    out = {}
    for r in raw_cla:
        if r["time_period"] != YEAR or r["population_type"] != STOCK:
            continue
        if r["geographic_level"] == "National":
            code = "E92000001"
        elif r["geographic_level"] == "Local authority":
            code = r["new_la_code"]
        else:
            continue
        out[code] = {"rate": number(r["rate_per_10000"]), "count": number(r["children_count"]),
                     "population": number(r["population_estimate"]), "old": r["old_la_code"]}
    return out


@pytest.fixture(scope="module")
def raw_uasc_2025(shared_data) -> dict[int, float | None]:
    """LAIT's UASC count at 31 March 2025 by DfE council number (970 = England)."""
    table = pq.read_table(shared_data / "lait" / "bds_long_0.parquet",
                          columns=["Short Desc", "Years", "LA Number", "Values"]).to_pandas()
    rows = table[(table["Short Desc"] == "Unacc_Asylmn_Seek_Childn") & (table["Years"] == YEAR)]
    return {int(n): number(str(v)) for n, v in zip(rows["LA Number"], rows["Values"]) if pd.notna(n)}


@pytest.fixture(scope="module")
def raw_neighbours(shared_data) -> dict[str, dict[str, list[str]]]:
    """model -> council's DfE number -> its 10 neighbours' DfE numbers, read from the wide files."""
    out = {"2025": {}, "2021": {}}
    with open(shared_data / "dfe" / dfe.SN_2025_FILE, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            out["2025"][r["old_la_code"]] = [r[f"SN_{i}"] for i in range(1, 11)]
    with open(shared_data / "dfe" / dfe.SN_2021_FILE, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = [header.index(f"SN{i}") for i in range(1, 11)]
        for r in reader:
            if r and r[0].strip().isdigit():
                out["2021"][r[0].strip()] = [r[c].strip() for c in columns]
    return out


@pytest.fixture(scope="module")
def all_figures(store) -> pd.DataFrame:
    return metrics.cic_figures(store, None, "all")


@pytest.fixture(scope="module")
def excl_figures(store) -> pd.DataFrame:
    return metrics.cic_figures(store, None, "excl_uasc")


# --- figures ----------------------------------------------------------------------------------
def test_published_rate_count_and_population_are_dfes(all_figures, stock_2025, store):
    got = all_figures[all_figures["year"] == 2025].set_index("area_code")
    checked = 0
    for code in store.councils()["code"]:
        raw = stock_2025[code]
        row = got.loc[code]
        if raw["rate"] is None:
            assert pd.isna(row["rate"]) and row["status"] in ("suppressed", "not_applicable", "not_available")
        else:
            assert (row["rate"], row["count"], row["population"]) == (raw["rate"], raw["count"], raw["population"])
            assert row["exact_rate"] == pytest.approx(raw["count"] / raw["population"] * 10000)
            checked += 1
    assert checked == 151


def test_excluding_uasc_is_derived_from_the_raw_counts(excl_figures, stock_2025, raw_uasc_2025):
    got = excl_figures[excl_figures["year"] == 2025].set_index("area_code")
    for code in (BCP, DORSET, BANES, "E92000001"):
        raw = stock_2025[code]
        uasc = raw_uasc_2025[970 if code == "E92000001" else int(raw["old"])]
        expected = (raw["count"] - uasc) / raw["population"] * 10000
        assert got.loc[code, "rate"] == pytest.approx(expected)
        assert got.loc[code, "count"] == raw["count"] - uasc
        assert got.loc[code, "derived"]
    # Dorset: 437 children in care, 41 of them unaccompanied, 67,149 children aged 0-17
    assert got.loc[DORSET, "rate"] == pytest.approx(396 / 67149 * 10000)


def test_gaps_are_gaps_not_zeros(all_figures, excl_figures):
    for figures in (all_figures, excl_figures):
        scilly = figures[figures["area_code"] == SCILLY]
        assert len(scilly) >= 5 and scilly["rate"].isna().all() and (scilly["status"] != "ok").all()
        assert not (figures["rate"] == 0).any()
        cumberland = figures[figures["area_code"] == CUMBERLAND].set_index("year")
        assert cumberland.loc[[2021, 2022, 2023], "rate"].isna().all()
        assert cumberland.loc[[2024, 2025], "rate"].notna().all()
    # LAIT's zeros for the Isles of Scilly 2016-2019 are read as 'not applicable', as DfE's own file has it.
    early = all_figures[(all_figures["area_code"] == SCILLY) & (all_figures["year"] <= 2019)]
    assert (early["status"] == "suppressed").all() and early["note"].str.contains("not applicable").all()
    for code in (SOMERSET, NORTH_YORKSHIRE):  # created in 2023 on an old county's area: DfE carries the series
        assert all_figures[(all_figures["area_code"] == code) & (all_figures["year"] >= 2021)]["rate"].notna().all()


def test_child_population_build_step_matches_dfe_denominator(shared_data, store):
    """ONS mid-(Y-1) is DfE's denominator at 31 March Y: identical wherever both are published."""
    areas = dfe.read_cla_areas(shared_data / "dfe" / dfe.CLA_FILE)
    ons = child_population.read_child_population(shared_data / "dfe" / child_population.ONS_FILE, areas)
    cla = dfe.read_cla_number_and_rate(shared_data / "dfe" / dfe.CLA_FILE)
    cla = cla[(cla["indicator_id"] == "child_population_0_17") & (cla["status"] == "ok")]
    both = cla.merge(ons, on=["area_code", "period"], suffixes=("_cla", "_ons"))
    assert len(both) > 800 and (both["value_cla"] == both["value_ons"]).all()
    with open(shared_data / "dfe" / child_population.ONS_FILE, encoding="utf-8-sig", newline="") as f:
        raw = [r for r in csv.DictReader(f) if r["new_la_code"] == "E10000027" and r["time_period"] == "2019"]
    held = metrics.child_population(store, [SOMERSET])
    somerset_2020 = held[held["period"] == pd.Timestamp("2020-03-31")]["population"].iloc[0]
    assert somerset_2020 == float(raw[0]["population_estimate"])  # the old county's estimate under today's code


def test_child_population_build_step_rejects_a_bad_year(tmp_path, shared_data):
    areas = dfe.read_cla_areas(shared_data / "dfe" / dfe.CLA_FILE)
    bad = tmp_path / "pop.csv"
    bad.write_text("time_period,geographic_level,region_code,old_la_code,new_la_code,age_group,population_estimate\n"
                   "2019,Local authority,E12000009,839,E06000058,Children aged 0 to 17 years,72905\n"
                   "20x9,Local authority,E12000009,838,E06000059,Children aged 0 to 17 years,66000\n")
    with pytest.raises(DataError) as info:
        child_population.read_child_population(bad, areas)
    assert info.value.row == 3 and info.value.column == "time_period"


# --- rank and quartile ------------------------------------------------------------------------
def type7_quantile(sorted_values: list[float], p: float) -> float:
    """R's default quantile, written out: linear interpolation between order statistics."""
    h = (len(sorted_values) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def test_rank_and_quartile_against_the_raw_file(all_figures, stock_2025, store):
    councils = store.councils()["code"].tolist()
    rates = {c: stock_2025[c]["rate"] for c in councils if stock_2025[c]["rate"] is not None}
    values = sorted(rates.values())
    q = [type7_quantile(values, p) for p in (0, 0.25, 0.5, 0.75, 1)]
    ranked = metrics.rank_councils(all_figures, councils, 2025).set_index("area_code")
    assert ranked.attrs["quartile_thresholds"] == pytest.approx(q)
    assert int(ranked["ranked_of"].iloc[0]) == len(rates) == 151
    for code, rate in rates.items():
        expected_rank = 1 + sum(1 for v in rates.values() if v > rate)
        tied = sum(1 for v in rates.values() if v == rate) > 1
        expected_band = 1 if rate <= q[1] else 2 if rate <= q[2] else 3 if rate <= q[3] else 4
        assert ranked.loc[code, "rank"] == expected_rank, code
        assert ranked.loc[code, "quartile"] == expected_band, code
        assert ranked.loc[code, "rank_label"].startswith(str(expected_rank))
        assert ranked.loc[code, "rank_label"].endswith(", tied") == tied
    # the three seed councils, spelled out
    assert ranked.loc[BCP, "rank_label"] == f"{1 + sum(v > 75 for v in values)}th highest of 151, tied"
    for code in (BCP, DORSET, BANES):
        assert "highest of 151" in ranked.loc[code, "rank_label"]
    assert pd.isna(ranked.loc[SCILLY, "rank"]) and pd.isna(ranked.loc[CITY_OF_LONDON, "rank"])


def test_ties_share_the_higher_place_and_boundaries_go_down():
    frame = pd.DataFrame({"area_code": list("ABCDE"), "area_name": list("ABCDE"), "year": 2025,
                          "rate": [90.0, 70.0, 70.0, 50.0, 30.0], "status": "ok"})
    ranked = metrics.rank_councils(frame, list("ABCDEF"), 2025).set_index("area_code")
    assert ranked.loc["B", "rank_label"] == "2nd highest of 5, tied" == ranked.loc["C", "rank_label"]
    assert ranked.loc["D", "rank_label"] == "4th highest of 5"
    assert ranked.loc["F", "rank_label"] == "not ranked (no figure)"
    # quartiles of 30, 50, 70, 70, 90 are 50, 70, 70: 70 sits on the boundary, so Q2 (as LAIT)
    assert ranked.attrs["quartile_thresholds"] == [30, 50, 70, 70, 90]
    assert ranked.loc["B", "quartile"] == 2 and ranked.loc["A", "quartile"] == 4 and ranked.loc["D", "quartile"] == 1
    assert metrics.ordinal(11) == "11th" and metrics.ordinal(22) == "22nd" and metrics.ordinal(103) == "103rd"


# --- funnel limits ----------------------------------------------------------------------------
def poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k), summed term by term in log space with math.lgamma (no numpy, no scipy)."""
    return sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k + 1))


def interpolated_limit(lam: float, p: float) -> float:
    k = max(0, int(lam - 10 * math.sqrt(lam)) - 1)
    while poisson_cdf(k, lam) < p:
        k += 1
    upper, lower = poisson_cdf(k, lam), poisson_cdf(k - 1, lam) if k else 0.0
    return k - (upper - p) / (upper - lower)


def test_the_independent_poisson_is_right():
    # textbook: for a mean of 10, P(X <= 16) = 0.9730 and P(X <= 17) = 0.9857
    assert poisson_cdf(16, 10) == pytest.approx(0.9730, abs=5e-5)
    assert poisson_cdf(17, 10) == pytest.approx(0.9857, abs=5e-5)
    assert 16 < interpolated_limit(10, 0.975) < 17


def test_funnel_limits_match_an_independent_computation(stock_2025):
    england = stock_2025["E92000001"]
    centre = england["count"] / england["population"] * 10000  # 81,770 / 12,183,016
    assert centre == pytest.approx(67.118, abs=1e-3)
    populations = [7211, 36601, 67149, 74810, 150000, 373160]
    got = metrics.funnel_limits(centre, populations).set_index("population")
    for n in populations:
        lam = centre / 10000 * n
        for coverage, name in ((0.95, "95"), (0.998, "99_8")):
            tail = (1 - coverage) / 2
            assert got.loc[n, f"lower_{name}"] == pytest.approx(interpolated_limit(lam, tail) / n * 10000, abs=1e-6)
            assert got.loc[n, f"upper_{name}"] == pytest.approx(interpolated_limit(lam, 1 - tail) / n * 10000, abs=1e-6)
    # large councils: close to the normal approximation centre +- z sqrt(centre / n)
    for n, z, name in ((373160, 1.959964, "95"), (373160, 3.090232, "99_8")):
        half = z * math.sqrt(centre / 10000 / n) * 10000
        assert got.loc[n, f"upper_{name}"] == pytest.approx(centre + half, abs=0.1)
        assert got.loc[n, f"lower_{name}"] == pytest.approx(centre - half, abs=0.1)


def test_funnel_positions_of_the_seed_councils(all_figures, stock_2025, store):
    england = stock_2025["E92000001"]
    centre = england["count"] / england["population"] * 10000
    points, limits, got_centre = metrics.funnel_data(all_figures, store.councils()["code"].tolist(), 2025)
    assert got_centre == pytest.approx(centre)
    assert len(points) == 151 and SCILLY not in set(points["area_code"])
    assert limits["population"].min() <= points["population"].min()
    assert limits["population"].max() >= points["population"].max()
    got = points.set_index("area_code")
    for code in (BCP, DORSET, BANES):
        raw = stock_2025[code]
        n, rate = raw["population"], raw["count"] / raw["population"] * 10000
        lam = centre / 10000 * n
        u95, u998 = (interpolated_limit(lam, p) / n * 10000 for p in (0.975, 0.999))
        l95, l998 = (interpolated_limit(lam, p) / n * 10000 for p in (0.025, 0.001))
        expected = ("above the 99.8% limit" if rate > u998 else "above the 95% limit" if rate > u95
                    else "below the 99.8% limit" if rate < l998 else "below the 95% limit" if rate < l95
                    else "within the 95% limits")
        assert got.loc[code, "funnel_position"] == expected, code
    assert got.loc[BCP, "funnel_position"] == "above the 95% limit"  # 74.9 against 67.1 with 74,810 children


# --- statistical neighbours and the count gap ---------------------------------------------------
@pytest.mark.parametrize("code", [BCP, DORSET, BANES, "E06000023"])
@pytest.mark.parametrize("model", ["2025", "2021"])
def test_neighbour_average_and_count_gap(code, model, store, all_figures, stock_2025, raw_neighbours):
    by_old = {v["old"]: v for v in stock_2025.values() if v.get("old")}
    mine = stock_2025[code]
    rates = [by_old[n]["rate"] for n in raw_neighbours[model][mine["old"]] if n in by_old and by_old[n]["rate"] is not None]
    mean = sum(rates) / len(rates)
    expected_count = round(mean * mine["population"] / 10000)
    table, summary = metrics.neighbour_comparison(store, code, model, all_figures, 2025)
    assert summary["with_figure"] == len(rates)
    assert summary["mean"] == pytest.approx(mean)
    assert summary["median"] == pytest.approx(sorted(rates)[len(rates) // 2] if len(rates) % 2 else
                                              (sorted(rates)[len(rates) // 2 - 1] + sorted(rates)[len(rates) // 2]) / 2)
    assert summary["expected_count"] == expected_count
    assert summary["gap"] == mine["count"] - expected_count
    assert len(table) == 11 and table["role"].iloc[0] == "Council of interest"


def test_bcp_neighbour_average_is_the_one_bcp_quotes(store, all_figures):
    """BCP's self-assessment (May 2026) quotes its statistical neighbours' 2024/25 rate as 58."""
    _, summary = metrics.neighbour_comparison(store, BCP, "2025", all_figures, 2025)
    assert round(summary["mean"]) == 58
    quoted = store.observations_for("cic_rate_per_10k", [BCP], source="council", breakdown="sn_average")
    assert 58.0 in set(quoted["value"])


def test_count_gap_excluding_uasc_for_dorset(store, excl_figures, raw_cla, raw_neighbours, shared_data):
    """Dorset's own strategy makes this comparison excluding unaccompanied children (it quotes 375
    children at neighbours' rates, October 2023, by its own method). Here: 31 March 2023, 2021 model,
    every neighbour's (count - UASC) / population recomputed from the raw CLA file and LAIT's parquet."""
    stock = {r["old_la_code"]: r for r in raw_cla if r["time_period"] == "2023" and r["population_type"] == STOCK
             and r["geographic_level"] == "Local authority"}
    table = pq.read_table(shared_data / "lait" / "bds_long_0.parquet",
                          columns=["Short Desc", "Years", "LA Number", "Values"]).to_pandas()
    rows = table[(table["Short Desc"] == "Unacc_Asylmn_Seek_Childn") & (table["Years"] == "2023")]
    uasc = {str(int(n)): number(str(v)) for n, v in zip(rows["LA Number"], rows["Values"]) if pd.notna(n)}

    def excl_rate(old: str) -> float | None:
        r = stock.get(old)
        parts = (number(r["children_count"]), uasc.get(old), number(r["population_estimate"])) if r else (None,)
        return None if any(p is None for p in parts) else (parts[0] - parts[1]) / parts[2] * 10000

    rates = [v for v in (excl_rate(n) for n in raw_neighbours["2021"]["838"]) if v is not None]
    mean = sum(rates) / len(rates)
    _, summary = metrics.neighbour_comparison(store, DORSET, "2021", excl_figures, 2023)
    assert summary["count"] == 433 - 32  # DfE's 433 children in care at 31 March 2023, 32 of them UASC
    assert summary["with_figure"] == len(rates) and summary["mean"] == pytest.approx(mean)
    assert summary["expected_count"] == round(mean * 66267 / 10000)
    assert summary["gap"] == 401 - round(mean * 66267 / 10000)


def test_a_council_without_neighbours_says_so(store, all_figures):
    table, summary = metrics.neighbour_comparison(store, CUMBERLAND, "2021", all_figures, 2025)
    assert summary["neighbours"] == 0 and summary["mean"] is None and summary["expected_count"] is None
    assert len(table) == 1
    _, with_model_2025 = metrics.neighbour_comparison(store, CUMBERLAND, "2025", all_figures, 2025)
    assert with_model_2025["neighbours"] == 10


def test_count_gap_rule():
    assert metrics.count_gap(58.3, 74810, 560) == {"expected_count": round(58.3 * 74810 / 10000), "gap": 560 - 436}
    assert metrics.count_gap(None, 74810, 560) == {"expected_count": None, "gap": None}
    assert metrics.count_gap(58.3, 74810, float("nan")) == {"expected_count": None, "gap": None}


# --- council returns and flows ---------------------------------------------------------------------
def test_council_return_points(store):
    points = metrics.cic_council_points(store, [BCP, BANES, DORSET], "all").set_index(["area_code", "period"])
    assert points.loc[(BCP, pd.Timestamp("2026-03-31")), "rate"].tolist().count(85.0) == 1
    banes = points.loc[(BANES, pd.Timestamp("2026-02-26"))]
    assert bool(banes["rate_derived"]) and banes["count"] == 228
    assert banes["rate"] == pytest.approx(228 / banes["population"] * 10000) and banes["population_year"] == 2025
    excl = metrics.cic_council_points(store, [DORSET], "excl_uasc")
    assert excl["rate"].tolist() == [60.0] and excl["count"].tolist() == [399.0]


def test_flows_are_dfes(store, raw_cla):
    flows = metrics.flow_figures(store, [BCP]).set_index(["flow", "period_label"])
    for r in raw_cla:
        if r["new_la_code"] != BCP or r["population_type"] == STOCK:
            continue
        flow = "Started to be looked after" if "starting" in r["population_type"] else "Ceased to be looked after"
        label = f"{int(r['time_period']) - 1}-{r['time_period'][-2:]}"
        assert flows.loc[(flow, label), "count"] == number(r["children_count"])
        assert flows.loc[(flow, label), "rate"] == number(r["rate_per_10000"])
    assert flows.loc[("Started to be looked after", "2015-16"), "status"] == "missing"  # BCP began in 2019
