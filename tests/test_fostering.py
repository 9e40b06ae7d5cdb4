"""Fostering metrics checked against independent computations: utilisation and children in
foster care on the real LAIT file, conversion and net change on the example's raw CSVs."""
from __future__ import annotations

import pandas as pd
import pytest

from regional import fostering
from regional.authorities import ENGLAND_CODE, SOUTH_WEST_CODE
from regional.errors import DataError
from regional.importers.fostering_pipeline import EXAMPLE_DIR

BCP, DORSET, BNES = "E06000058", "E06000059", "E06000022"


@pytest.fixture(scope="module")
def lait(shared_data) -> pd.DataFrame:
    frame = pd.read_parquet(shared_data / "lait" / "bds_long_0.parquet",
                            columns=["Short Desc", "Years", "LA and Regions", "Values"])
    return frame[frame["Short Desc"].isin(["Number_Foster_Places(New)", "Number_Foster_Places_Filled(New)", "LACnum",
                                           "LAC_Foster_Placements"])]


def _lait_wide(lait: pd.DataFrame, store, measures: dict[str, str]) -> pd.DataFrame:
    rows = lait[lait["Short Desc"].isin(measures)].copy()
    rows["value"] = pd.to_numeric(rows["Values"], errors="coerce")  # '-' and codes are no number
    wide = rows.pivot_table(index=["LA and Regions", "Years"], columns="Short Desc", values="value").rename(columns=measures)
    wide = wide.reset_index()
    wide["area_code"] = wide["LA and Regions"].map({n: _code(store, n) for n in wide["LA and Regions"].unique()})
    return wide.dropna(subset=["area_code"])


def _code(store, name: str) -> str | None:
    """ONS code of a LAIT area name; None for councils abolished before the extract (Bournemouth (Pre LG))."""
    try:
        return store.index.resolve(name)
    except DataError:
        return None


def test_utilisation_matches_the_lait_file_for_every_council(lait, store):
    wide = _lait_wide(lait, store, {"Number_Foster_Places(New)": "approved", "Number_Foster_Places_Filled(New)": "filled"})
    wide = wide.dropna(subset=["approved", "filled"])
    wide = wide[wide["approved"] > 0]
    expected = (wide["filled"] / wide["approved"] * 100).to_numpy()
    ours = fostering.utilisation(store).dropna(subset=["utilisation_pct"]).set_index(["area_code", "period_label"])
    keys = list(zip(wide["area_code"], wide["Years"]))
    known = [k in ours.index for k in keys]
    # every LAIT pair for an area that still exists is on the page (abolished councils are left out of the extract)
    assert all(known) and len(keys) >= 600
    got = ours.loc[[k for k, ok in zip(keys, known) if ok], "utilisation_pct"].to_numpy()
    assert got == pytest.approx(expected[known])
    # spot checks by hand: England 2025 = 21,890 / 36,725; BCP 2025 = 165 / 235; Dorset 2022 = 130 / 265
    assert ours.loc[(ENGLAND_CODE, "2025"), "utilisation_pct"] == pytest.approx(21890 / 36725 * 100)
    assert ours.loc[(BCP, "2025"), "utilisation_pct"] == pytest.approx(70.21, abs=0.01)
    assert ours.loc[(DORSET, "2022"), "utilisation_pct"] == pytest.approx(130 / 265 * 100)
    assert ours.loc[(SOUTH_WEST_CODE, "2025"), "utilisation_pct"] == pytest.approx(1925 / 3400 * 100)


def test_councils_without_figures_are_missing_not_zero(lait, store):
    util = fostering.utilisation(store)
    latest = util[(util["period_label"] == "2025") & (util["level"] == "la")]
    no_figure = latest[latest["utilisation_pct"].isna()]
    assert len(no_figure) >= 5
    assert set(no_figure["status"]) <= {"missing", "suppressed", "no places approved"}
    assert "E06000053" in set(no_figure["area_code"])  # Isles of Scilly publishes no places
    raw = lait[(lait["Short Desc"] == "Number_Foster_Places(New)") & (lait["Years"] == "2025")
               & (lait["LA and Regions"] == "Isles of Scilly")]["Values"]
    assert raw.empty or pd.to_numeric(raw, errors="coerce").isna().all()


def test_utilisation_trend_is_change_in_points(store):
    util = fostering.utilisation(store, [BCP, ENGLAND_CODE])
    change = fostering.utilisation_trend(util).set_index("area_code")
    assert change.loc[BCP, "from_year"] == "2022" and change.loc[BCP, "to_year"] == "2025"
    assert change.loc[BCP, "change_points"] == pytest.approx(165 / 235 * 100 - 180 / 215 * 100)


def test_children_in_foster_care_matches_the_lait_file(lait, store):
    wide = _lait_wide(lait, store, {"LACnum": "cic", "LAC_Foster_Placements": "pct"}).dropna(subset=["cic", "pct"])
    wide = wide[wide["area_code"].isin([BCP, DORSET, BNES]) & wide["Years"].isin(["2022", "2023", "2024", "2025"])]
    ours = fostering.children_in_foster(store, [BCP, DORSET, BNES]).set_index(["area_code", "period_label"])
    for rec in wide.itertuples():
        assert ours.loc[(rec.area_code, rec.Years), "children_in_foster"] == pytest.approx(rec.cic * rec.pct / 100)
    assert ours.loc[(BCP, "2025"), "children_in_foster"] == pytest.approx(560 * 0.73)


def test_roles_mark_council_members_region_and_england():
    codes = pd.Series([BCP, DORSET, ENGLAND_CODE, SOUTH_WEST_CODE, "E09000001"])
    assert fostering.roles(codes, [BCP, DORSET], BCP, SOUTH_WEST_CODE).tolist() == [
        "Council of interest", "Group member", "England", "Region", "Other council"]


# --- households --------------------------------------------------------------------
def test_households_from_the_council_returns_with_mainstream_derived_for_bcp(store):
    house = fostering.households(store, [BCP, DORSET, BNES])
    bcp = house[house["area_code"] == BCP].set_index("indicator_id")
    assert bcp.loc["fostering_households_total", "value"] == 222
    assert bcp.loc["fostering_households_kinship", "value"] == 103
    assert bcp.loc["fostering_households_mainstream", "value"] == 119
    assert bcp.loc["fostering_households_mainstream", "basis"] == "derived (all minus kinship)"
    dorset = house[house["area_code"] == DORSET].set_index("indicator_id")
    assert dorset.loc["fostering_households_mainstream", ["value", "basis"]].tolist() == [112, "published"]
    assert BNES not in set(house["area_code"])  # B&NES publishes no household counts
    assert fostering.latest_mainstream(house, BCP)["value"] == 119


def test_inhouse_vs_ifa_where_published(store):
    ifa = fostering.inhouse_vs_ifa(store, [DORSET]).set_index("indicator_id")
    assert ifa.loc["cic_in_inhouse_foster_count", "value"] == 182
    assert ifa.loc["cic_in_ifa_foster_count", "value"] == 108


# --- the pipeline: conversion and net change against the raw CSVs -----------------------
@pytest.fixture(scope="module")
def raw_example() -> pd.DataFrame:
    frames = [pd.read_csv(p) for p in sorted(EXAMPLE_DIR.glob("*.csv"))]
    return pd.concat(frames, ignore_index=True)


def test_funnel_and_conversion_match_independent_sums(store, raw_example):
    pipeline = fostering.pipeline_frame(store)
    mainstream = pipeline[pipeline["household_type"] == "mainstream"]
    conv = fostering.conversion(fostering.funnel(mainstream)).set_index(["area_name", "step"])["conversion_pct"]
    raw = raw_example[raw_example["household_type"] == "mainstream"]
    names = {"Bournemouth, Christchurch and Poole": "Bournemouth, Christchurch and Poole", "Dorset": "Dorset",
             "Bath and North East Somerset": "Bath and North East Somerset"}
    for council, part in raw.groupby("council"):
        sums = part[["enquiries", "initial_visits", "applications", "assessments_started", "approvals"]].sum()
        name = names[council]
        assert conv[(name, "Enquiries to initial visits")] == pytest.approx(sums["initial_visits"] / sums["enquiries"] * 100)
        assert conv[(name, "Initial visits to applications")] == pytest.approx(sums["applications"] / sums["initial_visits"] * 100)
        assert conv[(name, "Applications to assessments started")] == pytest.approx(
            sums["assessments_started"] / sums["applications"] * 100)
        assert conv[(name, "Assessments started to approvals")] == pytest.approx(
            sums["approvals"] / sums["assessments_started"] * 100)
        assert conv[(name, "Enquiries to approvals")] == pytest.approx(sums["approvals"] / sums["enquiries"] * 100)
    total = raw[["enquiries", "approvals"]].sum()
    assert conv[(fostering.GROUP_TOTAL, "Enquiries to approvals")] == pytest.approx(total["approvals"] / total["enquiries"] * 100)
    assert conv[("Bournemouth, Christchurch and Poole", "Enquiries to approvals")] == pytest.approx(8 / 146 * 100)


def test_stages_nobody_reported_stay_empty(store):
    pipeline = fostering.pipeline_frame(store)
    kinship = fostering.funnel(pipeline[pipeline["household_type"] == "kinship"]).set_index(["area_code", "stage"])
    assert pd.isna(kinship.loc[(BCP, "enquiries"), "count"])
    assert kinship.loc[(BCP, "enquiries"), "periods_reported"] == 0
    assert kinship.loc[(BCP, "approvals"), "count"] == 35
    conv = fostering.conversion(fostering.funnel(pipeline[pipeline["household_type"] == "kinship"]))
    step = conv[(conv["area_code"] == BCP) & (conv["step"] == "Enquiries to initial visits")]
    assert step["conversion_pct"].isna().all()


def test_net_change_per_period_and_over_the_year(store, raw_example):
    net = fostering.net_change(fostering.pipeline_frame(store))
    raw = raw_example.assign(net=raw_example["approvals"] - raw_example["deregistrations"])
    by_council = net.groupby(["area_name", "household_type"])["net_change"].sum()
    expected = raw.groupby(["council", "household_type"])["net"].sum()
    for (council, household_type), value in expected.items():
        assert by_council[(council, household_type)] == value
    bcp = net[(net["area_code"] == BCP) & (net["household_type"] == "mainstream")]
    assert bcp["net_change"].tolist() == [-3, -2, -4, -1]
    # transfers: one out in 2025-Q4 and one in in 2026-Q1, so the year's total is unchanged
    assert bcp["net_change_incl_transfers"].tolist() == [-3, -2, -5, 0]
    dorset = net[(net["area_code"] == DORSET) & (net["household_type"] == "mainstream")]
    assert dorset["net_change_incl_transfers"].isna().all()  # Dorset reports no transfers: not 0


def test_household_trajectory_steps_back_from_the_published_count(store):
    house = fostering.households(store, [BCP, DORSET])
    trajectory = fostering.household_trajectory(house, fostering.net_change(fostering.pipeline_frame(store)))
    bcp = trajectory[(trajectory["area_code"] == BCP) & (trajectory["household_type"] == "mainstream")]
    assert bcp["households"].tolist() == [129, 126, 124, 120, 119]  # 119 now, after -3, -2, -4, -1
    kin = trajectory[(trajectory["area_code"] == BCP) & (trajectory["household_type"] == "kinship")]
    assert kin["households"].iloc[0] == 76 and kin["households"].iloc[-1] == 103
    assert trajectory["synthetic"].all()


def test_stage_flags_and_reasons(store, raw_example):
    pipeline = fostering.pipeline_frame(store)
    flags = fostering.stage_flags(pipeline)
    assert len(flags) == 4
    bcp = flags[flags["area_code"] == BCP].iloc[0]
    assert (bcp["period_label"], bcp["stage"], bcp["count"], bcp["previous_count"]) == ("2025-Q3", "Assessments started", 4, 3)
    reasons = fostering.deregistration_reasons(pipeline)
    totals = reasons.groupby(["area_name", "household_type"])["count"].sum()
    expected = raw_example.groupby(["council", "household_type"])["deregistrations"].sum()
    for key, value in expected.items():
        assert totals[key] == value
    bnes = reasons[(reasons["area_code"] == BNES) & (reasons["household_type"] == "mainstream")].set_index("reason")
    assert bnes.loc["reason not given", "count"] == 1


def test_latest_twelve_months_keeps_each_councils_own_year(store):
    pipeline = fostering.pipeline_frame(store)
    recent = fostering.latest_twelve_months(pipeline)
    assert recent.groupby("area_code")["period_label"].min().to_dict() == {BNES: "2025-Q2", BCP: "2025-Q2",
                                                                          DORSET: "2022-11"}


# --- forecast inputs from the store ----------------------------------------------------
def test_forecast_inputs_name_their_sources(store):
    pipeline = fostering.pipeline_frame(store)
    a, basis = fostering.forecast_inputs(store, BCP, pipeline, fostering.households(store, [BCP]))
    assert a.base_year == 2025
    assert a.children_in_foster == pytest.approx(560 * 0.73)
    assert a.inhouse_share == pytest.approx(165 / (560 * 0.73))
    assert a.households_now == 119 and a.children_per_household == pytest.approx(round(165 / 119, 2))
    assert a.net_change_per_year == -10 and "council's forecast" in basis["net_change_per_year"]
    # B&NES: no household count, so the estimate and the assumed children per household say so
    b, b_basis = fostering.forecast_inputs(store, BNES, pipeline, fostering.households(store, [BNES]))
    assert b.children_per_household == fostering.DEFAULT_CHILDREN_PER_HOUSEHOLD
    assert b_basis["households_now"].startswith("estimated")
    assert b.net_change_per_year == pytest.approx(1.0) and "SYNTHETIC" in b_basis["net_change_per_year"]
    assert fostering.forecast_inputs(store, "E06000053", pipeline, fostering.households(store, ["E06000053"])) is None


def test_group_forecast_has_a_sentence_for_every_member(store):
    members = store.group_members("rcc:south-west")
    group = fostering.group_forecast(store, members, fostering.pipeline_frame(store), fostering.households(store, members))
    assert len(group) == len(members)
    bcp = group.set_index("area_code").loc[BCP]
    assert bcp["in_words"].startswith("Bournemouth, Christchurch and Poole needs about")
    assert bcp["extra_households_per_year"] > 0


def test_approvals_and_deregistrations_from_an_indicator_return_feed_the_forecast(store):
    """A council (here Plymouth) that sends foster_approvals / foster_deregistrations in its
    indicator return gets its net change from them, annualised from the period's length."""
    import dataclasses

    extra = pd.DataFrame([
        {"area_code": "E06000026", "indicator_id": i, "period": pd.Timestamp("2026-03-31"), "period_label": "2026-Q1",
         "value": v, "status": "ok", "source_id": "council-test", "breakdown": "", "section": "", "note": "", "raw": "",
         "source_kind": "council", "source_title": "Plymouth test return", "source_rank": 4, "area_name": "Plymouth"}
        for i, v in (("foster_approvals", 3.0), ("foster_deregistrations", 5.0))])
    with_return = dataclasses.replace(store, observations=pd.concat([store.observations, extra], ignore_index=True))
    flows = fostering.returned_flows(with_return, ["E06000026"])
    assert flows[["approvals", "deregistrations", "net_change", "months"]].iloc[0].tolist() == [3, 5, -2, 3]
    pipeline = fostering.pipeline_frame(with_return)
    a, basis = fostering.forecast_inputs(with_return, "E06000026", pipeline, fostering.households(with_return, ["E06000026"]))
    assert a.net_change_per_year == pytest.approx(-8.0)  # -2 in a quarter
    assert "Plymouth test return" in basis["net_change_per_year"]
    assert fostering.returned_flows(store, ["E06000026"]).empty
