"""Residential supply and demand metrics, checked against counts made here from the extract
and the published figures, and the local-market shares on small made-up returns."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from regional import models, residential
from regional.importers import ofsted
from regional.settings import EXTRACT_DIR


@pytest.fixture(scope="module")
def providers(store) -> pd.DataFrame:
    return store.table(models.OfstedProvider)


@pytest.fixture(scope="module")
def raw_extract() -> pd.DataFrame:
    return pd.read_csv(EXTRACT_DIR / ofsted.PROVIDERS_EXTRACT)


@pytest.fixture(scope="module")
def supply(store, providers) -> pd.DataFrame:
    return residential.supply_by_council(store, providers).set_index("area_code")


def _population(code: str) -> float:
    obs = pd.read_csv(EXTRACT_DIR / "observations_dfe_cla.csv")
    hit = obs[(obs["area_code"] == code) & (obs["indicator_id"] == "child_population_0_17") & (obs["period_label"] == "2023")]
    return float(hit["value"].iloc[0])


@pytest.mark.parametrize("code", ["E06000058", "E06000059", "E06000022", "E10000008"])
def test_places_per_10k_is_places_over_children(supply, raw_extract, code):
    homes = raw_extract[(raw_extract["area_code"] == code)
                        & raw_extract["setting"].isin(["Children's home", "Secure children's home"])]
    row = supply.loc[code]
    assert (row["homes"], row["places"]) == (len(homes), homes["places"].sum())
    assert row["places_per_10k"] == pytest.approx(round(homes["places"].sum() / _population(code) * 10_000, 1))


def test_published_figures_for_the_seed_councils(supply):
    assert (supply.loc["E06000058", "homes"], supply.loc["E06000058", "places"]) == (9, 20)
    assert supply.loc["E06000058", "places_per_10k"] == pytest.approx(2.7)
    assert (supply.loc["E06000059", "homes"], supply.loc["E06000059", "places"]) == (12, 36)
    assert (supply.loc["E06000022", "homes"], supply.loc["E06000022", "places"]) == (1, 4)


def test_councils_created_after_the_snapshot_have_no_figure_not_zero(supply):
    for code in ("E06000063", "E06000064"):
        assert pd.isna(supply.loc[code, "places"]) and pd.isna(supply.loc[code, "places_per_10k"])
        assert "Cumbria" in supply.loc[code, "status"]
    assert supply.loc["E10000006", "places"] > 100  # Ofsted counts them in Cumbria
    assert supply.loc["E06000053", "places"] == 0 and supply.loc["E06000053", "status"] == "ok"  # Isles of Scilly: a true 0


def test_every_council_in_use_is_listed(store, supply):
    active = set(store.areas.loc[(store.areas["level"] == "la") & store.areas["active"], "code"])
    assert active <= set(supply.index)


def test_settings_choice_changes_the_count(store, providers):
    everything = residential.supply_by_council(store, providers, ofsted.ALL_CHILDRENS_HOMES).set_index("area_code")
    assert everything.loc["E06000058", "homes"] == 10  # adds BCP's short-break-only home
    assert everything.loc["E06000059", "places"] == 36 + 7 + 68  # short breaks and a residential special school


def test_england_and_region_add_up(store, providers, raw_extract):
    bench = residential.area_benchmarks(store, providers, region_code="E12000009").set_index("area_code")
    chosen = raw_extract[raw_extract["setting"].isin(residential.DEFAULT_SETTINGS)]
    assert bench.loc["E92000001", "places"] == chosen["places"].sum()
    areas = store.areas.set_index("code")["region_code"]
    south_west = chosen[chosen["area_code"].map(areas) == "E12000009"]
    assert bench.loc["E12000009", "homes"] == len(south_west)
    assert bench.loc["E92000001", "places_per_10k"] == pytest.approx(round(chosen["places"].sum() / 11901267 * 10_000, 1))


def test_sector_and_grade_cover_every_home(store, providers):
    names = dict(zip(store.areas["code"], store.areas["name"]))
    members = store.group_members("rcc:south-west")
    sector = residential.by_category(providers, members, names, "sector")
    grade = residential.by_category(providers, members, names, "grade")
    supply = residential.supply_by_council(store, providers).set_index("area_code")
    for code in members:
        assert sector.loc[sector["area_code"] == code, "homes"].sum() == supply.loc[code, "homes"]
        assert grade.loc[grade["area_code"] == code, "places"].sum() == supply.loc[code, "places"]
    bcp = grade[grade["area_code"] == "E06000058"].set_index("grade")
    assert (bcp.loc["Good", "homes"], bcp.loc["Inadequate", "homes"]) == (6, 1)
    assert set(sector["sector"]) >= {"Local authority", "Private", "Voluntary"}


def test_register_changes_count_joiners_and_leavers(store):
    changes = store.table(models.OfstedRegisterChange)
    raw = pd.read_csv(EXTRACT_DIR / ofsted.CHANGES_EXTRACT)
    members = store.group_members("rcc:south-west")
    total = residential.register_changes(changes, members, label="SW")
    mine = raw[raw["area_code"].isin(members) & raw["setting"].isin(residential.DEFAULT_SETTINGS)]
    assert total["homes_joined"].sum() == mine["joined"].sum()
    assert total["homes_left"].sum() == mine["left"].sum()
    assert len(total) == 7 and total["period_label"].tolist()[0] == "2016-17"
    one = residential.register_changes(changes, ["E06000022"])
    assert len(one) == 7 and (one["net_homes"] == one["homes_joined"] - one["homes_left"]).all()
    assert one["homes_joined"].dtype.kind in "iu"  # years without a change are 0, not missing


def test_own_children_in_residential_from_dfe(store):
    est = residential.own_children_in_residential_dfe(store, ["E06000058"]).set_index("period_label")
    assert est.loc["2023", "own_in_residential"] == round(518 * 6 / 100)  # 518 in care, 6% in children's homes
    assert est.loc["2023", "status"] == "estimate"


def test_supply_vs_demand_uses_the_returns(store, providers):
    supply = residential.supply_by_council(store, providers)
    market = residential.local_market(store.table(models.LocalProvision),
                                      dict(zip(store.areas["code"], store.areas["name"])), store.sources)
    out = residential.supply_vs_demand(store, supply, ["E06000059", "E06000058", "E06000022"], market).set_index(
        "area_code")
    dorset = out.loc["E06000059"]
    assert (dorset["local_beds_return"], dorset["own_inside_return"], dorset["own_in_residential_return"]) == (31, 20, 53)
    assert dorset["own_outside_return"] == 33 and dorset["own_inside_share_return_pct"] == 38
    assert "54" in dorset["own_in_residential_return_also"]  # section 6's other figure is kept in sight
    assert "30" in dorset["local_beds_return_also"]
    bcp = out.loc["E06000058"]
    assert (bcp["local_beds_return"], bcp["own_in_residential_return"]) == (34, 55)
    assert pd.isna(bcp["own_inside_share_return_pct"])  # 14 (March 2026) and 55 (April 2025) are different days
    assert pd.isna(bcp["local_beds_per_own_child_return"])  # beds at March 2026 over children at April 2025: no ratio
    assert dorset["local_beds_per_own_child_return"] == pytest.approx(31 / 53, abs=0.01)  # both at October 2023
    assert out.loc["E06000022", "own_in_residential_return"] == 49 and pd.isna(out.loc["E06000022", "local_beds_return"])
    assert bcp["local_places_ofsted"] == 20 and bcp["places_per_own_child_2023"] == pytest.approx(20 / 31, abs=0.01)


# --- local market shares ----------------------------------------------------------------------

def _lines(rows: list[dict]) -> pd.DataFrame:
    base = {"area_code": "E06000027", "period": date(2025, 12, 31), "period_label": "2025-26 Q3",
            "setting_type": "childrens_home", "setting_name": "", "urn": "", "beds": np.nan, "occupied_own": np.nan,
            "occupied_other": np.nan, "vacant": np.nan, "own_use_pct": np.nan, "grade": "", "section": "", "note": "",
            "source_id": "s1"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_local_market_shares_from_counts():
    out = residential.local_market(_lines([
        {"setting_name": "A", "beds": 4, "occupied_own": 2, "occupied_other": 1, "vacant": 1},
        {"setting_name": "B", "beds": 6, "occupied_own": 1, "occupied_other": 4, "vacant": 1}]), {"E06000027": "Torbay"})
    row = out.iloc[0]
    assert (row["beds"], row["occupied_own"], row["occupied_other"], row["vacant"]) == (10, 3, 5, 2)
    assert (row["occupancy_pct"], row["void_pct"], row["other_councils_share_pct"], row["own_share_pct"]) == (80, 20, 50, 30)
    assert row["settings_listed"] == 2 and row["own_share_basis"] == "counted"


def test_a_partial_figure_does_not_make_a_total():
    out = residential.local_market(_lines([
        {"setting_name": "A", "beds": 4, "occupied_own": 2, "occupied_other": 1, "vacant": 1},
        {"setting_name": "B", "beds": 6, "occupied_own": 1}]), {"E06000027": "Torbay"})
    row = out.iloc[0]
    assert row["beds"] == 10 and row["occupied_own"] == 3
    assert pd.isna(row["occupied_other"]) and pd.isna(row["vacant"]) and pd.isna(row["occupancy_pct"])


def test_published_percentage_is_kept_and_labelled():
    out = residential.local_market(_lines([{"own_use_pct": 44}]), {"E06000027": "Torbay"})
    assert out.loc[0, "own_share_pct"] == 44 and out.loc[0, "own_share_basis"] == "as published"
    segments = residential.occupancy_segments(out)
    assert segments.set_index("segment")["share_pct"].to_dict() == {"Own children": 44,
                                                                   "Other councils' children or vacant": 56}
    assert segments["beds_in_segment"].isna().all()  # no bed count is invented from a percentage


def test_segments_add_to_100_and_unsplit_rest_is_named(store):
    market = residential.local_market(store.table(models.LocalProvision),
                                      dict(zip(store.areas["code"], store.areas["name"])), store.sources)
    segments = residential.occupancy_segments(market)
    assert segments.groupby(["area_code", "line"])["share_pct"].sum().round(0).eq(100).all()
    dorset = segments[(segments["area_code"] == "E06000059") & (segments["setting"] == "Children's home")]
    assert dorset.set_index("segment")["beds_in_segment"].to_dict() == {"Own children": 20,
                                                                       "Other councils' children or vacant": 11}
    sa = segments[(segments["area_code"] == "E06000059") & (segments["setting"] == "Supported accommodation")]
    assert sa["segment"].tolist() == ["Not stated"]
    counted = residential.occupancy_segments(residential.local_market(_lines([
        {"beds": 10, "occupied_own": 3, "occupied_other": 5, "vacant": 2}]), {"E06000027": "Torbay"}))
    assert counted.set_index("segment")["share_pct"].to_dict() == {"Own children": 30, "Other councils' children": 50,
                                                                  "Vacant": 20}


def test_empty_returns_give_empty_frames():
    empty = residential.local_market(_lines([]).iloc[0:0], {})
    assert empty.empty and "occupancy_pct" in empty.columns
    assert residential.occupancy_segments(empty).empty


def test_local_growth_lists_every_document_figure(store):
    growth = residential.local_growth(store, ["E06000058", "E06000059", "E06000022"])
    bcp = growth[(growth["area_code"] == "E06000058") & (growth["measure"] == "Change in local supported accommodation beds")]
    assert sorted(bcp["value"]) == [17, 30, 32, 37]  # four documents/sections, none dropped
    assert (growth["document"] != "").all() and (growth["section"] != "").all()
    dorset = growth[growth["area_code"] == "E06000059"]
    assert set(dorset["kind"]) == {"forecast"} and sorted(dorset["value"]) == [5, 30]
    assert "E06000022" not in set(growth["area_code"])
