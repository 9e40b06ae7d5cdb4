"""Ofsted's ILACS judgements: the extract keeps the three tables of the raw file, and the
Good+ group at any date is the councils whose latest judged inspection was Good or Outstanding."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from regional.errors import DataError
from regional.importers import ofsted_ilacs

RAW = "ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"


@pytest.fixture(scope="module")
def raw_latest(shared_data) -> pd.DataFrame:
    return pd.read_excel(shared_data / RAW, engine="odf", sheet_name="Inspections_as_at_31_March", header=2)


@pytest.fixture(scope="module")
def raw_history(shared_data) -> pd.DataFrame:
    return pd.read_excel(shared_data / RAW, engine="odf", sheet_name="ILACS_inspection_history", header=2)


def test_extract_holds_every_row_of_the_three_tables(shared_data, raw_latest, raw_history):
    extract = ofsted_ilacs.read_extract()
    in_year = pd.read_excel(shared_data / RAW, engine="odf", sheet_name="In-year_inspections", header=2)
    counts = extract["table"].value_counts().to_dict()
    assert counts == {"latest": len(raw_latest), "in_year": len(in_year), "history": len(raw_history)}
    latest = extract[extract["table"] == "latest"].set_index("area_code")
    bnes = latest.loc["E06000022"]
    raw_bnes = raw_latest[raw_latest["Local authority area code"] == "E06000022"].iloc[0]
    assert bnes["overall_effectiveness"] == raw_bnes["Overall effectiveness"]
    assert bnes["inspection_date"] == pd.Timestamp(raw_bnes["Inspection date"]).date()
    assert bnes["publication_date"] == pd.Timestamp(raw_bnes["Publication date"]).date()
    themes = extract.loc[extract["table"] == "in_year", "visit_theme"]
    assert (themes != "").sum() == in_year["Visit Theme"].notna().sum()


def test_good_plus_at_the_files_date_matches_the_raw_table(raw_latest):
    mine = ofsted_ilacs.good_plus_at(ofsted_ilacs.read_extract())
    raw_good = set(raw_latest.loc[raw_latest["Overall effectiveness"].isin(["Good", "Outstanding"]),
                                  "Local authority area code"])
    assert set(mine.loc[mine["good_plus"], "area_code"]) == raw_good
    assert len(raw_good) > 90  # the whole country, not a subset


def test_good_plus_at_an_earlier_date_uses_the_history(raw_history):
    when = date(2022, 3, 31)
    mine = ofsted_ilacs.good_plus_at(ofsted_ilacs.read_extract(), when)
    hist = raw_history[(raw_history["Local authority status"] == "Current")
                       & (pd.to_datetime(raw_history["Inspection date"]) <= pd.Timestamp(when))]
    latest = hist.sort_values("Inspection date").drop_duplicates("Local authority area code", keep="last")
    expected = set(latest.loc[latest["Overall effectiveness"].isin(["Good", "Outstanding"]),
                              "Local authority area code"])
    assert set(mine.loc[mine["good_plus"], "area_code"]) == expected
    # a council judged differently since then proves the date matters
    now = ofsted_ilacs.good_plus_at(ofsted_ilacs.read_extract())
    assert set(now.loc[now["good_plus"], "area_code"]) != expected


def test_a_code_that_is_no_council_is_named_with_sheet_row_and_column(tmp_path, shared_data):
    areas = pd.read_csv("data/extract/areas.csv")
    sheets = pd.read_excel(shared_data / RAW, engine="odf", sheet_name=None, header=None)
    sheets["Inspections_as_at_31_March"].iloc[5, 1] = "E99999999"
    broken = tmp_path / "broken.ods"
    with pd.ExcelWriter(broken, engine="odf") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
    with pytest.raises(DataError) as err:
        ofsted_ilacs.read_ilacs(broken, areas)
    message = str(err.value)
    assert "broken.ods" in message and "row 6" in message and "E99999999" in message
    assert "Local authority area code" in message
