"""Ofsted register importer: counts of homes and places checked against the raw files,
council names resolved to ONS codes, and a bad file named by file, row and column."""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date

import pandas as pd
import pytest

from regional import models
from regional.db import read_areas
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import ofsted
from regional.settings import EXTRACT_DIR

#: Ofsted's spelling in the raw file -> ONS code. BCP's name is the one the issue calls out.
COUNCILS = {"Bournemouth, Christchurch & Poole": "E06000058", "Dorset": "E06000059",
            "Bath and North East Somerset": "E06000022", "Devon": "E10000008", "Kent": "E10000016",
            "Bristol": "E06000023"}


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(read_areas())


@pytest.fixture(scope="module")
def extract() -> pd.DataFrame:
    return pd.read_csv(EXTRACT_DIR / ofsted.PROVIDERS_EXTRACT, dtype={"urn": str})


def _raw_rows(path) -> list[dict]:
    """The raw CSV read with the csv module only: skip Ofsted's 3 title lines, keep rows with a URN."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = text.splitlines()
    start = 0 if lines[0].startswith("URN") else 3
    return [r for r in csv.DictReader(io.StringIO("\n".join(lines[start:]))) if r["URN"].strip()]


def _raw_counts(rows: list[dict], kinds: set[str]) -> tuple[Counter, Counter]:
    homes, places = Counter(), Counter()
    for r in rows:
        if r["Provision type"].strip().lower() in kinds:
            homes[r["Local authority"]] += 1
            places[r["Local authority"]] += int(r["Places"] or 0)
    return homes, places


CH_KINDS = {"children's home"}


def test_inspected_homes_and_places_match_the_raw_provider_file(shared_data, extract):
    """Every home in Ofsted's provider-level CSV is in the extract with its grade, council by council."""
    rows = _raw_rows(shared_data / "ofsted" / ofsted.PROVIDERS_FILE)
    homes, places = _raw_counts(rows, CH_KINDS)
    inspected = extract[(extract["grade"] != ofsted.NOT_INSPECTED)
                        & extract["setting"].isin([ofsted.CHILDRENS_HOME, ofsted.SHORT_BREAK_HOME])]
    for name, code in COUNCILS.items():
        mine = inspected[inspected["area_code"] == code]
        assert len(mine) == homes[name], name
        assert mine["places"].sum() == places[name], name
    assert homes["Bournemouth, Christchurch & Poole"] == 10 and places["Bournemouth, Christchurch & Poole"] == 24
    assert homes["Dorset"] == 13 and places["Dorset"] == 40


def test_importer_reads_the_provider_file_like_the_raw_count(shared_data, index):
    frame = ofsted.read_provider_level(shared_data / "ofsted" / ofsted.PROVIDERS_FILE, index)
    rows = _raw_rows(shared_data / "ofsted" / ofsted.PROVIDERS_FILE)
    secure = sum(1 for r in rows if r["Provision type"].strip().lower() == "secure children's home")
    assert (frame["setting"] == ofsted.SECURE_HOME).sum() == secure == 13
    grades = Counter(r["Overall experiences and progress of children and young people"] for r in rows
                     if r["Provision type"].strip().lower() in CH_KINDS and r["Local authority"] == "Dorset")
    mine = frame[(frame["area_code"] == "E06000059") & frame["setting"].isin([ofsted.CHILDRENS_HOME,
                                                                              ofsted.SHORT_BREAK_HOME])]
    assert Counter(mine["grade"]) == grades
    assert set(frame.loc[frame["ofsted_la_name"] == "Bournemouth, Christchurch & Poole", "area_code"]) == {"E06000058"}


def test_register_adds_homes_not_yet_inspected(extract):
    """The register has every home; those missing from the provider file say they are not yet inspected."""
    dorset = extract[(extract["area_code"] == "E06000059") & (extract["setting"] == ofsted.CHILDRENS_HOME)]
    assert len(dorset) == 12 and dorset["places"].sum() == 36
    assert (dorset["grade"] == ofsted.NOT_INSPECTED).sum() == 1
    assert extract["urn"].is_unique


def test_joiners_and_leavers_match_the_raw_files(shared_data, extract):
    changes = pd.read_csv(EXTRACT_DIR / ofsted.CHANGES_EXTRACT, dtype={"urn": str})
    for year, name, code in [(2023, "Devon", "E10000008"), (2021, "Dorset", "E06000059"), (2017, "Kent", "E10000016")]:
        rows = _raw_rows(shared_data / "ofsted" / f"joiners_leavers_{year}.csv")
        kinds = {"children's home", "secure children's home",
                 "residential special school (registered as a children's home)", "residential family centre"}
        raw = [r for r in rows if r["Local authority"] == name and r["Provision type"].strip().lower() in kinds]
        joined = sum(r["Joiner status"] == "Joiner" for r in raw)
        left = sum(r["Leaver status"] == "Leaver" for r in raw)
        mine = changes[(changes["area_code"] == code) & (changes["year_end"] == f"{year}-03-31")]
        assert (int(mine["joined"].sum()), int(mine["left"].sum())) == (joined, left), (year, name)
        assert joined + left > 0


def test_old_bournemouth_counts_for_bcp(shared_data, index):
    """Ofsted's 2017 file still says 'Bournemouth': the documented successor mapping gives BCP."""
    frame = ofsted.read_joiners_leavers(shared_data / "ofsted" / "joiners_leavers_2017.csv", index)
    rows = _raw_rows(shared_data / "ofsted" / "joiners_leavers_2017.csv")
    raw = [r for r in rows if r["Local authority"] == "Bournemouth"
           and r["Provision type"].strip().lower() in ofsted.PROVISION_TYPES]
    bcp = frame[frame["ofsted_la_name"] == "Bournemouth"]
    assert len(bcp) == len(raw) == 2 and set(bcp["area_code"]) == {"E06000058"}
    assert set(bcp["year_end"]) == {date(2017, 3, 31)}


def test_national_totals_match_ofsted_published_table(extract):
    """Table 6a/6b of Ofsted's 2023 underlying data: providers and places at 31 March 2023."""
    published = {ofsted.CHILDRENS_HOME: None, ofsted.SECURE_HOME: (13, 214), ofsted.SCHOOL_HOME: (56, 1457),
                 ofsted.FAMILY_CENTRE: (78, 444)}
    by = extract.groupby("setting").agg(n=("urn", "size"), places=("places", "sum"))
    for setting, figures in published.items():
        if figures:
            assert (by.loc[setting, "n"], by.loc[setting, "places"]) == figures, setting
    homes = by.loc[[ofsted.CHILDRENS_HOME, ofsted.SHORT_BREAK_HOME]]
    assert (homes["n"].sum(), homes["places"].sum()) == (3050, 11857)  # Ofsted's "Children's Homes"
    everything = by.loc[ofsted.ALL_CHILDRENS_HOMES]
    assert (everything["n"].sum(), everything["places"].sum()) == (3119, 13528)  # "All Children's Homes"


def test_extract_is_what_the_build_step_writes(shared_data, tmp_path):
    counts, sources = ofsted.build_extract(shared_data, tmp_path, {"areas": read_areas()})
    for name in (ofsted.PROVIDERS_EXTRACT, ofsted.CHANGES_EXTRACT):
        assert (tmp_path / name).read_text() == (EXTRACT_DIR / name).read_text(), f"{name} is stale: run build-data"
        assert counts[name] > 1000
    assert {s["id"] for s in sources} == {ofsted.REGISTER_SOURCE_ID, ofsted.CHANGES_SOURCE_ID}
    assert all(s["kind"] == "ofsted" and s["licence"] for s in sources)


def test_default_load_holds_the_register(store, extract):
    table = store.table(models.OfstedProvider)
    assert len(table) == len(extract)
    assert set(table["source_id"]) == {ofsted.REGISTER_SOURCE_ID} <= set(store.sources["id"])
    assert table["places"].notna().all()
    changes = store.table(models.OfstedRegisterChange)
    assert changes["joined"].dtype == bool and changes["joined"].sum() > 1000


# --- broken files ----------------------------------------------------------------------------

HEADER = ",".join(ofsted.PROVIDER_COLUMNS)


def _provider_file(tmp_path, rows: list[list[str]], name="providers.csv"):
    title = "Children's social care data in England 2023 - Provider level\nnote one\nnote two\n"
    body = "\n".join(",".join(f'"{c}"' for c in r) for r in rows)
    path = tmp_path / name
    path.write_text(title + HEADER + "\n" + body + "\n", encoding="utf-8")
    return path


def _row(la="Dorset", kind="Children's home", places="3", sector="Private"):
    return ["SC1", kind, la, sector, places, "", "01/02/2020", "Good", "03/04/2022"]


def test_unknown_council_names_file_row_and_column(tmp_path, index):
    path = _provider_file(tmp_path, [_row(), _row(la="Atlantis")])
    with pytest.raises(DataError) as err:
        ofsted.read_provider_level(path, index)
    assert (err.value.file, err.value.row, err.value.column) == ("providers.csv", 6, "Local authority")
    assert "Atlantis" in str(err.value)


def test_a_region_is_not_a_council(tmp_path, index):
    path = _provider_file(tmp_path, [_row(la="South West")])
    with pytest.raises(DataError, match="region, not a council") as err:
        ofsted.read_provider_level(path, index)
    assert err.value.row == 5


def test_bad_places_and_sector_are_located(tmp_path, index):
    with pytest.raises(DataError) as err:
        ofsted.read_provider_level(_provider_file(tmp_path, [_row(places="three")]), index)
    assert (err.value.row, err.value.column) == (5, "Places")
    with pytest.raises(DataError) as err:
        ofsted.read_provider_level(_provider_file(tmp_path, [_row(sector="Mystery")]), index)
    assert (err.value.row, err.value.column) == (5, "Sector")


def test_rows_outside_residential_care_are_not_checked(tmp_path, index):
    """A fostering agency with a blank council is not a residential setting and is left out, not an error."""
    path = _provider_file(tmp_path, [_row(), _row(la="", kind="Independent Fostering Agency")])
    frame = ofsted.read_provider_level(path, index)
    assert len(frame) == 1 and frame["places"].tolist() == [3]


def test_missing_column_is_reported(tmp_path, index):
    path = tmp_path / "bad.csv"
    path.write_text("a\nb\nc\nURN,Provision type\n1,Children's home\n")
    with pytest.raises(DataError, match="missing column") as err:
        ofsted.read_provider_level(path, index)
    assert err.value.file == "bad.csv"


def test_ods_reader_names_a_missing_sheet(shared_data):
    with pytest.raises(DataError, match="no sheet named"):
        ofsted.read_ods_sheet(shared_data / "ofsted" / ofsted.UNDERLYING_FILE, "No such sheet")


def test_extract_rows_are_well_formed(extract):
    """Sanity on the extract: one row per URN, every row a council code, places whole and positive."""
    assert extract["area_code"].str.match(r"^E(06|08|09|10)\d{6}$").all()
    assert (extract["places"] > 0).all()
    per_code = defaultdict(int)
    for code in extract["area_code"]:
        per_code[code] += 1
    assert len(per_code) > 140
