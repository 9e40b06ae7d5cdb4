"""Ofsted's register of children's homes: who provides residential places, where, and how good.

Three published files feed it (all Ofsted, *Children's social care data in England*):

- ``providers_at_31_march_2023.csv``: the provider-level table of every provider with a
  full inspection, with its latest grades (3 title rows above the header).
- the ``Providers+places_at_31_Mar_2023`` sheet of the 2023 underlying data (ODS): every
  provider on the register that day, inspected or not. Homes registered in the months
  before 31 March are missing from the CSV, so the register is the complete count and
  the CSV gives the grades. Without the ODS the CSV alone is used, and the source says so.
- ``joiners_leavers_<year>.csv``: providers that joined or left the register in the year
  to 31 March (2017 to 2023), for the trend.

Only residential settings are kept (children's homes of every kind and residential family
centres), with the columns the Residential page needs. Ofsted names councils its own way
("Bournemouth, Christchurch & Poole"); every name goes through :meth:`AreaIndex.resolve`,
so a name that matches nothing stops the build with the file, row and column.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
import xml.etree.ElementTree as ET
from datetime import date
from io import StringIO
from pathlib import Path

import pandas as pd

from regional import models
from regional.authorities import AreaIndex, normalise_name
from regional.errors import DataError
from regional.importers import require_columns
from regional.settings import EXTRACT_DIR

PROVIDERS_FILE = "providers_at_31_march_2023.csv"
UNDERLYING_FILE = "Childrens_social_care_in_England_2023_underlying_data.ods"
REGISTER_SHEET = "Providers+places_at_31_Mar_2023"
JOINERS_PATTERN = "joiners_leavers_*.csv"
SNAPSHOT = date(2023, 3, 31)
#: The title rows above the header in Ofsted's 2022 and 2023 CSVs and ODS sheets (header = row 4).
TITLE_ROWS = 3

PROVIDERS_EXTRACT = "ofsted_providers.csv"
CHANGES_EXTRACT = "ofsted_register_changes.csv"
REGISTER_SOURCE_ID = "ofsted-providers-2023"
CHANGES_SOURCE_ID = "ofsted-joiners-leavers"

CHILDRENS_HOME = "Children's home"
SHORT_BREAK_HOME = "Children's home (short breaks only)"
SECURE_HOME = "Secure children's home"
SCHOOL_HOME = "Residential special school (registered as a children's home)"
FAMILY_CENTRE = "Residential family centre (parent and child)"
#: Ofsted's provision types we keep (compared lower-case: Ofsted writes both "Children's home"
#: and "Children's Home"), with the setting label the page shows.
PROVISION_TYPES = {
    "children's home": CHILDRENS_HOME,
    "secure children's home": SECURE_HOME,
    "residential special school (registered as a children's home)": SCHOOL_HOME,
    "residential family centre": FAMILY_CENTRE,
}
SETTINGS = [CHILDRENS_HOME, SHORT_BREAK_HOME, SECURE_HOME, SCHOOL_HOME, FAMILY_CENTRE]
#: Ofsted's "All children's homes" (its national tables count these four together).
ALL_CHILDRENS_HOMES = [CHILDRENS_HOME, SHORT_BREAK_HOME, SECURE_HOME, SCHOOL_HOME]

GRADES = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
NOT_INSPECTED = "Not yet inspected"
SECTORS = {"local authority": "Local authority", "private": "Private", "voluntary": "Voluntary",
           "health authority": "Health authority", "academy": "Academy"}

#: Ofsted "Local authority" values naming councils abolished before DfE's current codes,
#: and the council that took over their area. Ofsted's 2017 and 2018 joiners/leavers files
#: still say "Bournemouth"; Bournemouth, Poole and Christchurch became BCP on 1 April 2019.
#: (Christchurch was then a district of Dorset county, so homes Ofsted listed under "Dorset"
#: before April 2019 stay with Dorset.) Keys are compared through :func:`normalise_name`.
PREDECESSORS = {"Bournemouth": "E06000058", "Poole": "E06000058", "Christchurch": "E06000058"}
#: Councils created on 1 April 2023, the day after the register snapshot: Ofsted lists their
#: homes under Cumbria (E10000006), so they have no figure of their own for 31 March 2023.
COUNTED_UNDER = {"E06000063": "E10000006", "E06000064": "E10000006"}

PROVIDER_COLUMNS = ["URN", "Provision type", "Local authority", "Sector", "Places",
                    "Short-break-only children's home", "Registration date",
                    "Overall experiences and progress of children and young people", "Latest full inspection date"]
REGISTER_COLUMNS = ["URN", "Provision type", "Local authority", "Sector", "Places",
                    "Short-break-only children's home", "Registration date"]
CHANGE_COLUMNS = ["URN", "Provision type", "Local authority", "Sector", "Places", "Joiner status", "Leaver status"]

EXTRACT_COLUMNS = ["urn", "area_code", "ofsted_la_name", "setting", "sector", "places", "registration_date",
                   "grade", "grade_date"]
CHANGE_EXTRACT_COLUMNS = ["year_end", "urn", "area_code", "ofsted_la_name", "setting", "sector", "places",
                          "joined", "left"]


# --- reading the published files ------------------------------------------------------------

def _decode(path: Path) -> str:
    """Ofsted's CSVs are UTF-8 except 2023's joiners/leavers file (Windows-1252: an en dash)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _read_ofsted_csv(path: Path, required: list[str]) -> tuple[pd.DataFrame, int]:
    """An Ofsted CSV as text, and the spreadsheet row of its header (1, or 4 under a title block)."""
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    text = _decode(path)
    header_row = 1 if text.lstrip().startswith("URN") else TITLE_ROWS + 1
    try:
        frame = pd.read_csv(StringIO(text), skiprows=header_row - 1, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DataError(f"not a readable CSV file: {exc}", file=path.name) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(frame, required, path.name)
    return frame, header_row


def read_ods_sheet(path: Path, sheet: str, header_row: int = TITLE_ROWS + 1) -> pd.DataFrame:
    """One sheet of an ODS file as text cells, read straight from its XML.

    pandas' odf engine parses the whole 2 MB workbook (about 20 s); streaming the XML and
    stopping after the sheet takes under a second. Cells keep the text Ofsted shows
    (dates as dd/mm/yyyy).
    """
    path = Path(path)
    table_ns = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    rows: list[list[str]] = []
    inside = found = False
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            for event, element in ET.iterparse(content, events=("start", "end")):
                if element.tag == f"{table_ns}table":
                    if event == "start":
                        inside = element.get(f"{table_ns}name") == sheet
                        found = found or inside
                    elif inside:
                        break
                elif event == "end" and element.tag == f"{table_ns}table-row":
                    if inside:
                        cells: list[str] = []
                        for cell in element:
                            if cell.tag not in (f"{table_ns}table-cell", f"{table_ns}covered-table-cell"):
                                continue
                            repeat = min(int(cell.get(f"{table_ns}number-columns-repeated", "1")), 64)
                            text = "\n".join("".join(p.itertext()) for p in cell)
                            cells.extend([text] * repeat)
                        repeat_rows = min(int(element.get(f"{table_ns}number-rows-repeated", "1")), 2)
                        rows.extend([cells] * repeat_rows)
                    element.clear()
    except (OSError, zipfile.BadZipFile, KeyError, ET.ParseError) as exc:
        raise DataError(f"not a readable ODS file: {exc}", file=path.name) from exc
    if not found:
        raise DataError(f"no sheet named '{sheet}'", file=path.name, expected=f"a sheet '{sheet}'")
    if len(rows) < header_row:
        raise DataError("the sheet has no header row", file=path.name, row=header_row)
    header = [c.strip() for c in rows[header_row - 1]]
    while header and header[-1] == "":
        header.pop()
    body = [(r + [""] * len(header))[:len(header)] for r in rows[header_row:]]
    frame = pd.DataFrame(body, columns=header)
    return frame


# --- tidying -------------------------------------------------------------------------------

def _resolver(index: AreaIndex, file: str):
    predecessors = {normalise_name(k): v for k, v in PREDECESSORS.items()}
    cache: dict[str, str] = {}

    def resolve(name: str, row: int) -> str:
        text = name.strip()
        if text in cache:
            return cache[text]
        if text == "":
            raise DataError("no council given", file=file, row=row, column="Local authority",
                            expected="the council area the provider is in")
        code = predecessors.get(normalise_name(text)) or index.resolve(text, file=file, row=row,
                                                                       column="Local authority")
        level = index.areas.loc[index.areas["code"] == code, "level"]
        if len(level) and level.iloc[0] != "la":
            raise DataError(f"'{text}' is a {level.iloc[0]}, not a council", file=file, row=row,
                            column="Local authority", expected="a council name")
        cache[text] = code
        return code

    return resolve


def _places(frame: pd.DataFrame, file: str, header_row: int) -> pd.Series:
    """Registered places as whole numbers; blank stays blank (never 0)."""
    text = frame["Places"].astype(str).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & (text != "") | (numbers.notna() & ((numbers < 0) | (numbers % 1 != 0)))
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"'{frame['Places'].iloc[position]}' is not a number of places", file=file,
                        row=header_row + 1 + int(frame.index[position]), column="Places",
                        expected="a whole number, or blank")
    return numbers.astype("Int64")


def _dates(values: pd.Series) -> pd.Series:
    """Ofsted's dd/mm/yyyy (or ISO from a spreadsheet) as dates; blank or unreadable as none."""
    text = values.astype(str).str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return parsed.fillna(iso).dt.date


def _setting(frame: pd.DataFrame) -> pd.Series:
    kind = frame["Provision type"].astype(str).str.strip().str.lower().map(PROVISION_TYPES)
    if "Short-break-only children's home" in frame.columns:
        short = frame["Short-break-only children's home"].astype(str).str.strip() != ""
        kind = kind.where(~((kind == CHILDRENS_HOME) & short), SHORT_BREAK_HOME)
    return kind


def _sector(values: pd.Series, file: str, header_row: int, rows: pd.Index) -> pd.Series:
    text = values.astype(str).str.strip()
    sector = text.str.lower().map(SECTORS)
    bad = sector.isna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"unknown sector '{text.iloc[position]}'", file=file,
                        row=header_row + 1 + int(rows[position]), column="Sector",
                        expected=", ".join(SECTORS.values()))
    return sector


def _tidy(frame: pd.DataFrame, index: AreaIndex, file: str, header_row: int) -> pd.DataFrame:
    """The residential rows of an Ofsted table, with ONS codes and parsed places."""
    frame = frame[frame["URN"].astype(str).str.strip() != ""]  # Ofsted pads its tables with empty rows
    setting = _setting(frame)
    kept = frame[setting.notna()].copy()
    kept["setting"] = setting[setting.notna()]
    resolve = _resolver(index, file)
    kept["area_code"] = [resolve(name, header_row + 1 + int(i)) for i, name in zip(kept.index, kept["Local authority"])]
    kept["places"] = _places(kept, file, header_row)
    kept["sector"] = _sector(kept["Sector"], file, header_row, kept.index)
    kept["urn"] = kept["URN"].astype(str).str.strip()
    kept["ofsted_la_name"] = kept["Local authority"].astype(str).str.strip()
    return kept


def read_provider_level(path: Path, index: AreaIndex) -> pd.DataFrame:
    """Ofsted's provider-level CSV (inspected providers), residential settings only."""
    path = Path(path)
    frame, header_row = _read_ofsted_csv(path, PROVIDER_COLUMNS)
    kept = _tidy(frame, index, path.name, header_row)
    grade = kept["Overall experiences and progress of children and young people"].astype(str).str.strip()
    kept["grade"] = grade.where(grade != "", NOT_INSPECTED)
    kept["grade_date"] = _dates(kept["Latest full inspection date"])
    kept["registration_date"] = _dates(kept["Registration date"])
    dupes = kept["urn"].duplicated()
    if dupes.any():
        raise DataError(f"URN {kept['urn'][dupes].iloc[0]} appears twice", file=path.name,
                        row=header_row + 1 + int(kept.index[dupes][0]), column="URN")
    return kept[EXTRACT_COLUMNS].reset_index(drop=True)


def read_register(ods_path: Path, index: AreaIndex) -> pd.DataFrame:
    """Every residential provider on the register at 31 March 2023 (no grades)."""
    ods_path = Path(ods_path)
    frame = read_ods_sheet(ods_path, REGISTER_SHEET)
    name = f"{ods_path.name} [{REGISTER_SHEET}]"
    require_columns(frame, REGISTER_COLUMNS, name)
    kept = _tidy(frame, index, name, TITLE_ROWS + 1)
    kept["registration_date"] = _dates(kept["Registration date"])
    return kept[["urn", "area_code", "ofsted_la_name", "setting", "sector", "places", "registration_date"]] \
        .reset_index(drop=True)


def combine_register(register: pd.DataFrame | None, inspected: pd.DataFrame) -> pd.DataFrame:
    """The whole register with each provider's latest grade; uninspected homes say so.

    Without a register (no ODS) the inspected providers are all we have.
    """
    if register is None:
        out = inspected.copy()
    else:
        grades = inspected.set_index("urn")[["grade", "grade_date"]]
        out = register.join(grades, on="urn")
        out["grade"] = out["grade"].fillna(NOT_INSPECTED)
    return out[EXTRACT_COLUMNS].sort_values(["area_code", "setting", "urn"]).reset_index(drop=True)


def read_joiners_leavers(path: Path, index: AreaIndex) -> pd.DataFrame:
    """Residential providers that joined or left the register in the year to 31 March."""
    path = Path(path)
    match = re.search(r"(20\d\d)", path.name)
    if not match:
        raise DataError("the file name does not say which year it covers", file=path.name,
                        expected="joiners_leavers_<year to 31 March>.csv")
    frame, header_row = _read_ofsted_csv(path, CHANGE_COLUMNS)
    kept = _tidy(frame, index, path.name, header_row)
    kept["joined"] = kept["Joiner status"].astype(str).str.strip().str.lower() == "joiner"
    kept["left"] = kept["Leaver status"].astype(str).str.strip().str.lower() == "leaver"
    kept = kept[kept["joined"] | kept["left"]]
    kept["year_end"] = date(int(match[1]), 3, 31)
    return kept[CHANGE_EXTRACT_COLUMNS].reset_index(drop=True)


# --- build step and default load --------------------------------------------------------------

def _fingerprint(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def build_extract(source_dir: Path, out_dir: Path, context: dict) -> tuple[dict[str, int], list[dict]]:
    """Write the compact register and joiners/leavers extracts for the Residential page."""
    folder = Path(source_dir) / "ofsted"
    index = AreaIndex(context["areas"])
    inspected = read_provider_level(folder / PROVIDERS_FILE, index)
    ods = folder / UNDERLYING_FILE
    register = read_register(ods, index) if ods.exists() else None
    providers = combine_register(register, inspected)
    providers.to_csv(Path(out_dir) / PROVIDERS_EXTRACT, index=False, lineterminator="\n")
    change_files = sorted(folder.glob(JOINERS_PATTERN))
    changes = pd.concat([read_joiners_leavers(p, index) for p in change_files], ignore_index=True) \
        if change_files else pd.DataFrame(columns=CHANGE_EXTRACT_COLUMNS)
    changes = changes.sort_values(["year_end", "area_code", "urn"])
    changes.to_csv(Path(out_dir) / CHANGES_EXTRACT, index=False, lineterminator="\n",
                   columns=CHANGE_EXTRACT_COLUMNS)
    whole = (f"register sheet '{REGISTER_SHEET}' of {ods.name} (sha256 {_fingerprint(ods)}) for every provider"
             if register is not None else "register sheet not available: inspected providers only")
    sources = [
        {"id": REGISTER_SOURCE_ID, "kind": "ofsted", "publisher": "Ofsted",
         "title": "Children's social care data in England 2023: providers and places at 31 March 2023",
         "edition": f"31 March 2023; {whole}; grades from {PROVIDERS_FILE} (sha256 "
                    f"{_fingerprint(folder / PROVIDERS_FILE)}); children's homes and residential family centres only",
         "url": "https://www.gov.uk/government/statistics/childrens-social-care-data-in-england-2023",
         "licence": "Open Government Licence v3.0"},
        {"id": CHANGES_SOURCE_ID, "kind": "ofsted", "publisher": "Ofsted",
         "title": "Children's social care data in England: providers joining and leaving the register",
         "edition": "years to 31 March " + ", ".join(re.search(r"(20\d\d)", p.name)[1] for p in change_files)
                    + "; children's homes and residential family centres only",
         "url": "https://www.gov.uk/government/collections/childrens-social-care-statistics",
         "licence": "Open Government Licence v3.0"},
    ]
    return {PROVIDERS_EXTRACT: len(providers), CHANGES_EXTRACT: len(changes)}, sources


def _read_extract(name: str) -> pd.DataFrame:
    path = EXTRACT_DIR / name
    if not path.exists():
        raise DataError("extract not found: run `python -m regional build-data`", file=name)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _optional_int(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", None), errors="coerce").astype("Int64")


def _optional_date(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values.replace("", None), format="%Y-%m-%d", errors="coerce")
    return pd.Series([d.date() if pd.notna(d) else None for d in parsed], index=values.index, dtype=object)


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The register and its changes, loaded with the embedded default."""
    providers = _read_extract(PROVIDERS_EXTRACT)
    providers["places"] = _optional_int(providers["places"])
    providers["registration_date"] = _optional_date(providers["registration_date"])
    providers["grade_date"] = _optional_date(providers["grade_date"])
    providers["snapshot"] = SNAPSHOT
    providers["source_id"] = REGISTER_SOURCE_ID
    changes = _read_extract(CHANGES_EXTRACT)
    changes["places"] = _optional_int(changes["places"])
    changes["year_end"] = _optional_date(changes["year_end"])
    for column in ("joined", "left"):
        changes[column] = changes[column].str.lower() == "true"
    changes["source_id"] = CHANGES_SOURCE_ID
    return {models.OfstedProvider: providers, models.OfstedRegisterChange: changes}
