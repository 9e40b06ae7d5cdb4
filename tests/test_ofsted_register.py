"""The whole register (inspected or not) against Ofsted's own workbook. The sheets are read here
independently of the importer's streaming reader: the whole content.xml parsed as a tree."""
from __future__ import annotations

import zipfile
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from regional.importers import ofsted
from regional.settings import EXTRACT_DIR

COUNCILS = {"Bournemouth, Christchurch & Poole": "E06000058", "Dorset": "E06000059",
            "Bath and North East Somerset": "E06000022", "Cornwall": "E06000052", "Kent": "E10000016",
            "Cumbria": "E10000006"}
T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _sheet(root: ET.Element, name: str) -> list[list[str]]:
    table = next(t for t in root.iter(f"{T}table") if t.get(f"{T}name") == name)
    rows = []
    for row in table.iter(f"{T}table-row"):
        cells = []
        for cell in row.findall(f"{T}table-cell"):
            text = "".join(cell.itertext())
            cells += [text] * min(int(cell.get(f"{T}number-columns-repeated", 1)), 40)
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def workbook(shared_data) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(shared_data / "ofsted" / ofsted.UNDERLYING_FILE) as archive:
        root = ET.fromstring(archive.read("content.xml"))
    return {name: _sheet(root, name) for name in (ofsted.REGISTER_SHEET, "Providers+places_Time_series")}


@pytest.fixture(scope="module")
def extract() -> pd.DataFrame:
    return pd.read_csv(EXTRACT_DIR / ofsted.PROVIDERS_EXTRACT, dtype={"urn": str})


def test_every_registered_home_per_council_matches_the_workbook(workbook, extract):
    rows = workbook[ofsted.REGISTER_SHEET]
    header = rows[3]
    col = {h: header.index(h) for h in ("URN", "Provision type", "Local authority", "Places")}
    homes = [r for r in rows[4:] if len(r) > col["Places"] and r[col["URN"]].strip()
             and r[col["Provision type"]].strip().lower() == "children's home"]
    for name, code in COUNCILS.items():
        raw = [r for r in homes if r[col["Local authority"]] == name]
        mine = extract[(extract["area_code"] == code)
                       & extract["setting"].isin([ofsted.CHILDRENS_HOME, ofsted.SHORT_BREAK_HOME])]
        assert len(mine) == len(raw) > 0, name
        assert mine["places"].sum() == sum(int(r[col["Places"]]) for r in raw), name
        assert set(mine["urn"]) == {r[col["URN"]].strip() for r in raw}, name
    bcp = extract[(extract["area_code"] == "E06000058") & (extract["setting"] == ofsted.CHILDRENS_HOME)]
    assert (len(bcp), bcp["places"].sum()) == (9, 20)


def _number(text: str) -> int:
    return int(text.replace(",", ""))  # the sheet shows thousands separators


def test_national_table_agrees_with_the_extract(workbook, extract):
    rows = workbook["Providers+places_Time_series"]
    providers_header, providers_2023 = rows[5], rows[6]
    places_header, places_2023 = rows[20], rows[21]
    assert providers_2023[1] == "Providers" and places_2023[1] == "Places"
    everything = extract[extract["setting"].isin(ofsted.ALL_CHILDRENS_HOMES)]
    column = providers_header.index("All Children's Homes")
    assert _number(providers_2023[column]) == len(everything) == 3119
    assert _number(places_2023[places_header.index("All Children's Homes")]) == everything["places"].sum()
    family = providers_header.index("Residential Family Centres")
    assert _number(providers_2023[family]) == (extract["setting"] == ofsted.FAMILY_CENTRE).sum()
