"""DfE's new placements by location: the extract against the raw file."""
from __future__ import annotations

import csv

import pandas as pd

from regional.importers import new_placements
from regional.indicators import read_catalogue
from regional.settings import EXTRACT_DIR


def test_extract_matches_the_raw_file(shared_data):
    with open(shared_data / "dfe" / new_placements.FILE, encoding="utf-8-sig") as handle:
        raw = [r for r in csv.DictReader(handle) if r["characteristic"] == new_placements.CHARACTERISTIC]
    extract = pd.read_csv(EXTRACT_DIR / new_placements.EXTRACT, dtype={"raw": str}, keep_default_na=False,
                          na_values={"value": [""]})
    assert len(extract) == 2 * len(raw) - len([r for r in raw if r["breakdown"] == new_placements.TOTAL])
    fresh = new_placements.read_new_placements(shared_data / "dfe" / new_placements.FILE)
    assert len(fresh) == len(extract)
    bcp = extract[(extract["area_code"] == "E06000058") & (extract["period_label"] == "2024-25")].set_index(
        "indicator_id")["value"]
    raw_bcp = {r["breakdown"]: r for r in raw if r["new_la_code"] == "E06000058" and r["time_period"] == "2025"}
    assert bcp["new_placements_count"] == float(raw_bcp["Total new placements"]["children_count"]) == 563
    assert bcp["new_placements_outside_la_over_20_miles_count"] == 124
    assert bcp["pct_new_placements_outside_la_over_20_miles"] == 22
    # suppressed cells stay suppressed, with DfE's code kept
    suppressed = [r for r in raw if r["children_count"] in {"c", "k", "x", "z", "low", "u"}]
    assert (extract["status"] == "suppressed").sum() >= len(suppressed) > 0
    assert extract.loc[extract["status"] == "suppressed", "value"].isna().all()
    england = extract[(extract["area_code"] == "E92000001") & (extract["indicator_id"] == "new_placements_count")]
    assert set(england["period_label"]) == {"2020-21", "2021-22", "2022-23", "2023-24", "2024-25"}


def test_every_indicator_is_in_the_catalogue():
    assert set(new_placements.indicator_ids()) <= set(read_catalogue()["id"])
