"""Child population aged 0-17 for the years before DfE's children-looked-after file.

DfE's rate per 10,000 at 31 March of year Y divides by ONS's mid-(Y-1) estimate of
children aged 0-17 (the CLA file's ``population_estimate`` for 2025 is ONS mid-2024).
The CLA file carries that denominator only for 2021-2025; LAIT's counts go back to
2016. This step takes the earlier years from the ONS series DfE republishes, so a
rate excluding unaccompanied children can be derived for every year the counts cover.
Years the CLA file holds are left out: there DfE's own denominator is the figure.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.importers import read_csv_checked
from regional.observations import OBS_COLUMNS, parse_values

ONS_FILE = "ons_mid-year_population_estimates_2012_to_2024.csv"
SOURCE_ID = "ons-mid-year-population-0-17"
EXTRACT_FILE = "observations_child_population.csv"
AGE_GROUP = "Children aged 0 to 17 years"
COLUMNS = ["time_period", "geographic_level", "region_code", "old_la_code", "new_la_code", "age_group",
           "population_estimate"]
LEVELS = ("National", "Regional", "Local authority")


def read_child_population(path: Path, areas: pd.DataFrame, before_year: int | None = None) -> pd.DataFrame:
    """Children aged 0-17 per area as observations dated 31 March of the following year.

    Councils are matched on DfE's old number, so Somerset and North Yorkshire's
    county-council rows (same area, old codes E10000027/E10000023) land on today's
    unitary codes, as DfE does in its CLA file. ``before_year`` keeps only the
    31 March years before it.
    """
    path = Path(path)
    frame = read_csv_checked(path, COLUMNS)
    frame = frame[frame["age_group"] == AGE_GROUP]
    bad_level = frame.loc[~frame["geographic_level"].isin(LEVELS), "geographic_level"]
    if len(bad_level):
        raise DataError(f"unknown geographic level '{bad_level.iloc[0]}'", file=path.name,
                        row=int(bad_level.index[0]) + 2, column="geographic_level", expected=", ".join(LEVELS))
    mid_year = pd.to_numeric(frame["time_period"], errors="coerce")
    if mid_year.isna().any():
        i = int(mid_year.index[mid_year.isna()][0])
        raise DataError(f"'{frame.at[i, 'time_period']}' is not a year", file=path.name, row=i + 2,
                        column="time_period", expected="a four-digit year such as 2024")
    year = mid_year.astype(int) + 1  # mid-2019 is the denominator for 31 March 2020
    by_old = areas.dropna(subset=["old_la_code"])
    by_old = dict(zip(by_old["old_la_code"].astype(int), by_old["code"]))
    old = pd.to_numeric(frame["old_la_code"], errors="coerce")
    level = frame["geographic_level"]
    code = old.map(by_old).where(level == "Local authority")
    code = code.fillna(frame["region_code"].where(level == "Regional"))
    code = code.where(level != "National", "E92000001")
    known = set(areas["code"])
    unmatched = code.isna() | ~code.isin(known)
    if (unmatched & (level != "Local authority")).any():
        i = int(unmatched.index[unmatched & (level != "Local authority")][0])
        raise DataError(f"region '{frame.at[i, 'region_code']}' is not a region of the CLA file", file=path.name,
                        row=i + 2, column="region_code", expected="one of the 9 English region codes (E12...)")
    # Councils abolished before DfE's CLA file begins (Bournemouth, Poole, Dorset County before
    # 2019) have no area today; their rows are left out, as LAIT's are.
    frame, code, mid_year, year = frame[~unmatched], code[~unmatched], mid_year[~unmatched], year[~unmatched]
    value, status = parse_values(frame["population_estimate"], file=path.name, column="population_estimate",
                                 rows=frame.index)
    tidy = pd.DataFrame({
        "area_code": code, "indicator_id": "child_population_0_17",
        "period": pd.to_datetime(year.astype(str) + "-03-31").dt.date, "period_label": year.astype(str),
        "value": value, "status": status, "source_id": SOURCE_ID, "breakdown": "", "section": "",
        "note": "ONS mid-" + mid_year.astype(int).astype(str) + " estimate: DfE's denominator for 31 March "
                + year.astype(str),
        "raw": frame["population_estimate"].where(status != "ok", ""),
    })
    if before_year is not None:
        tidy = tidy[year < before_year]
    dupes = tidy.duplicated(["area_code", "period"], keep=False)
    if dupes.any():
        i = int(tidy.index[dupes][0])
        raise DataError(f"two rows for area {tidy.at[i, 'area_code']} in mid-year {int(mid_year[i])}",
                        file=path.name, row=i + 2, column="old_la_code")
    return tidy[OBS_COLUMNS].sort_values(["period", "area_code"]).reset_index(drop=True)


def build_extract(source_dir: Path, out_dir: Path, context: dict) -> tuple[dict[str, int], list[dict]]:
    """Write the pre-2021 child population (the CLA file has 2021 on) to the extract."""
    from regional.importers import dfe

    cla = dfe.read_cla_number_and_rate(Path(source_dir) / "dfe" / dfe.CLA_FILE)
    first_cla_year = min(p.year for p in cla.loc[cla["indicator_id"] == "child_population_0_17", "period"])
    tidy = read_child_population(Path(source_dir) / "dfe" / ONS_FILE, context["areas"], before_year=first_cla_year)
    tidy.to_csv(Path(out_dir) / EXTRACT_FILE, index=False, lineterminator="\n")
    years = sorted({p.year for p in tidy["period"]})
    source = {"id": SOURCE_ID, "kind": "ons", "publisher": "Office for National Statistics (republished by DfE)",
              "title": "Mid-year population estimates: children aged 0 to 17",
              "edition": f"31 March {years[0]}-{years[-1]} (mid-{years[0] - 1} to mid-{years[-1] - 1} estimates); "
                         f"file {ONS_FILE}",
              "url": "https://explore-education-statistics.service.gov.uk/find-statistics/"
                     "children-looked-after-in-england-including-adoptions",
              "licence": "Open Government Licence v3.0"}
    return {EXTRACT_FILE: len(tidy)}, [source]
