"""The DfE and LAIT importers against the real published files, checked by an
independent reading of the same files with the csv module / pyarrow."""
import csv

import pandas as pd
import pyarrow.parquet as pq
import pytest

from regional.errors import DataError
from regional.importers import dfe, lait
from regional.indicators import read_catalogue
from regional.observations import CODE_STATUSES


@pytest.fixture(scope="module")
def cla_path(shared_data):
    return shared_data / "dfe" / dfe.CLA_FILE


@pytest.fixture(scope="module")
def raw_rows(cla_path):
    with open(cla_path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def areas(cla_path):
    return dfe.read_cla_areas(cla_path)


def test_every_area_in_the_file_is_an_area(areas, raw_rows):
    codes = {r["new_la_code"] for r in raw_rows if r["geographic_level"] == "Local authority"}
    codes |= {r["region_code"] for r in raw_rows if r["geographic_level"] == "Regional"}
    assert set(areas["code"]) == codes | {"E92000001"}
    assert (areas["level"] == "region").sum() == 9
    assert areas.loc[areas["code"] == "E06000058", "old_la_code"].iloc[0] == 839


def test_every_figure_matches_the_file(cla_path, raw_rows):
    obs = dfe.read_cla_number_and_rate(cla_path)
    got = obs[obs["indicator_id"] == "cic_rate_per_10k"].set_index(["area_code", "period_label"])
    checked = 0
    for r in raw_rows:
        if r["population_type"] != "Children looked after on 31 March each year":
            continue
        code = {"National": "E92000001", "Regional": r["region_code"]}.get(r["geographic_level"], r["new_la_code"])
        row = got.loc[(code, r["time_period"])]
        if r["rate_per_10000"] in ("c", "z", "x", "k", "u", "low"):
            assert row["status"] == CODE_STATUSES[r["rate_per_10000"]] and pd.isna(row["value"]) \
                and row["raw"] == r["rate_per_10000"]
        else:
            assert row["status"] == "ok" and row["value"] == float(r["rate_per_10000"])
        checked += 1
    assert checked == len(got)


def test_isles_of_scilly_is_not_applicable_not_zero(cla_path):
    """DfE prints z (not applicable) for Scilly: kept as that, with no value, never 0 or 'suppressed'."""
    obs = dfe.read_cla_number_and_rate(cla_path)
    scilly = obs[(obs["area_code"] == "E06000053") & (obs["indicator_id"] == "cic_count")]
    assert (scilly["status"] == "not_applicable").all() and scilly["value"].isna().all()


def test_flows_are_financial_years(cla_path):
    obs = dfe.read_cla_number_and_rate(cla_path)
    starters = obs[(obs["indicator_id"] == "cic_starters_count") & (obs["area_code"] == "E92000001")]
    assert "2024-25" in set(starters["period_label"])


def test_missing_column_is_named(tmp_path, cla_path):
    frame = pd.read_csv(cla_path, dtype=str).drop(columns=["rate_per_10000"])
    bad = tmp_path / dfe.CLA_FILE
    frame.to_csv(bad, index=False)
    with pytest.raises(DataError) as err:
        dfe.read_cla_number_and_rate(bad)
    assert "rate_per_10000" in str(err.value) and err.value.file == bad.name


def test_unparseable_value_names_row_and_column(tmp_path, cla_path):
    frame = pd.read_csv(cla_path, dtype=str, keep_default_na=False)
    frame.loc[10, "children_count"] = "about 40"
    bad = tmp_path / "broken.csv"
    frame.to_csv(bad, index=False)
    with pytest.raises(DataError) as err:
        dfe.read_cla_number_and_rate(bad)
    assert err.value.row == 12 and err.value.column == "children_count"


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        dfe.read_cla_number_and_rate(tmp_path / "nope.csv")


def test_statistical_neighbours_both_models(shared_data, areas):
    old = {int(n): c for n, c in zip(areas["old_la_code"], areas["code"]) if pd.notna(n)}
    for model, name, anchor, first in (("2025", dfe.SN_2025_FILE, "old_la_code", "SN_1"),
                                       ("2021", dfe.SN_2021_FILE, "LA num", "SN1")):
        got = dfe.read_statistical_neighbours(shared_data / "dfe" / name, model, old)
        assert (got.groupby("area_code").size() == 10).all()
        with open(shared_data / "dfe" / name, encoding="utf-8-sig", newline="") as f:
            raw = {r[anchor]: r[first] for r in csv.DictReader(f) if r[anchor].strip().isdigit()}
        dorset_first = got[(got["area_code"] == "E06000059") & (got["rank"] == 1)]["neighbour_code"].iloc[0]
        assert dorset_first == old[int(raw["838"])]


def test_lait_values_match_the_parquet(shared_data, areas):
    obs, skipped = lait.read_lait(shared_data / "lait" / lait.LAIT_FILE, read_catalogue(), areas)
    raw = pq.read_table(shared_data / "lait" / lait.LAIT_FILE).to_pandas()
    sample = raw[(raw["Short Desc"] == "LACDistance") & (raw["LA Number"] == 838)]
    got = obs[(obs["indicator_id"] == "pct_placed_over_20_miles_outside_la") & (obs["area_code"] == "E06000059")]
    got = got.set_index("period_label")
    for year, value in zip(sample["Years"], sample["Values"]):
        if value == "-":
            assert got.loc[year, "status"] == "missing"
        else:
            assert got.loc[year, "value"] == pytest.approx(float(value))
    assert skipped["rows for councils that no longer exist (e.g. Bournemouth pre-2019)"] > 0
    england = obs[(obs["area_code"] == "E92000001") & (obs["indicator_id"] == "cic_rate_per_10k")]
    assert len(england) == raw[(raw["Short Desc"] == "LAC") & (raw["LA Number"] == 970)].shape[0]


def test_lait_file_without_catalogue_measures(tmp_path, shared_data, areas):
    frame = pd.DataFrame({"Short Desc": ["X"], "Data item": [""], "Years": ["2025"], "LA and Regions": ["Dorset"],
                          "Values": ["1"], "LA Number": [838.0], "Region": ["South West"]})
    path = tmp_path / "bds.parquet"
    frame.to_parquet(path)
    with pytest.raises(DataError, match="none of the catalogue's LAIT measures"):
        lait.read_lait(path, read_catalogue(), areas)
