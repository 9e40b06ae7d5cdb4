"""DfE's published files: children looked after at 31 March (EES) and the
statistical neighbour models."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.authorities import ENGLAND_CODE
from regional.errors import DataError
from regional.importers import read_csv_checked
from regional.observations import OBS_COLUMNS, parse_values

CLA_FILE = "cla_number_and_rate_per_10k_children.csv"
CLA_SOURCE_ID = "dfe-cla-number-and-rate"
CLA_COLUMNS = ["time_period", "geographic_level", "region_code", "region_name", "old_la_code", "la_name",
               "new_la_code", "population_type", "population_estimate", "children_count", "rate_per_10000"]
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}

#: population_type -> (count indicator, rate indicator); flows are financial years.
CLA_MEASURES = {
    "Children looked after on 31 March each year": ("cic_count", "cic_rate_per_10k", False),
    "Children starting to be looked after each year": ("cic_starters_count", "cic_starters_rate_per_10k", True),
    "Children ceasing to be looked after each year": ("cic_ceased_count", "cic_ceased_rate_per_10k", True),
}


def _area_code(frame: pd.DataFrame) -> pd.Series:
    level = frame["geographic_level"]
    return frame["new_la_code"].where(level == "Local authority",
                                      frame["region_code"].where(level == "Regional", ENGLAND_CODE))


def read_cla_areas(path: Path) -> pd.DataFrame:
    """England, regions (E12), London's inner/outer split (E13) and every council in the file."""
    frame = read_csv_checked(path, CLA_COLUMNS)
    unknown = frame.loc[~frame["geographic_level"].isin(LEVELS), "geographic_level"]
    if len(unknown):
        raise DataError(f"unknown geographic level '{unknown.iloc[0]}'", file=Path(path).name,
                        row=int(unknown.index[0]) + 2, column="geographic_level", expected=", ".join(LEVELS))
    frame = frame.assign(code=_area_code(frame))
    frame = frame.sort_values("time_period", ascending=False).drop_duplicates("code")
    level = frame["geographic_level"].map(LEVELS)
    level = level.where(~frame["code"].str.startswith("E13"), "subregion")
    name = frame["la_name"].where(level == "la", frame["region_name"].where(level != "england", "England"))
    old = pd.to_numeric(frame["old_la_code"], errors="coerce").astype("Int64")
    region = frame["region_code"].where(level == "la")
    inner_outer = region.fillna("").str.startswith("E13")
    region = region.where(~inner_outer, "E12000007")  # London's councils belong to the London region
    areas = pd.DataFrame({"code": frame["code"], "name": name, "level": level, "old_la_code": old,
                          "region_code": region.replace("", None), "active": True})
    return areas.sort_values(["level", "code"]).reset_index(drop=True)


def read_cla_number_and_rate(path: Path) -> pd.DataFrame:
    """Count and rate per 10,000 at 31 March, starters and leavers, every area and year.

    Suppression codes stay as status ``suppressed`` with the code in ``raw``.
    The child population DfE used as the denominator comes along as its own indicator.
    """
    path = Path(path)
    frame = read_csv_checked(path, CLA_COLUMNS)
    unknown = frame.loc[~frame["population_type"].isin(CLA_MEASURES), "population_type"]
    if len(unknown):
        raise DataError(f"unknown population_type '{unknown.iloc[0]}'", file=path.name,
                        row=int(unknown.index[0]) + 2, column="population_type", expected=" / ".join(CLA_MEASURES))
    years = pd.to_numeric(frame["time_period"], errors="coerce")
    if years.isna().any():
        i = int(years.index[years.isna()][0])
        raise DataError(f"'{frame.at[i, 'time_period']}' is not a year", file=path.name, row=i + 2,
                        column="time_period", expected="a four-digit year such as 2025")
    code = _area_code(frame)
    parts = []
    for column, slot in (("children_count", 0), ("rate_per_10000", 1), ("population_estimate", None)):
        value, status = parse_values(frame[column], file=path.name, column=column)
        measure = frame["population_type"].map(CLA_MEASURES)
        if slot is None:
            keep = frame["population_type"] == "Children looked after on 31 March each year"
            indicator = pd.Series("child_population_0_17", index=frame.index)
        else:
            keep = pd.Series(True, index=frame.index)
            indicator = measure.map(lambda m, s=slot: m[s])
        is_flow = measure.map(lambda m: m[2])
        year = years.astype(int)
        label = year.astype(str).where(~is_flow, (year - 1).astype(str) + "-" + year.astype(str).str[-2:])
        if slot is None:
            label = year.astype(str)
        part = pd.DataFrame({
            "area_code": code, "indicator_id": indicator,
            "period": pd.to_datetime(year.astype(str) + "-03-31").dt.date, "period_label": label,
            "value": value, "status": status, "source_id": CLA_SOURCE_ID, "breakdown": "",
            "section": "", "note": "", "raw": frame[column].where(status != "ok", ""),
        })[keep]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[OBS_COLUMNS]


SN_2025_FILE = "sn_model_2025_wide.csv"
SN_2021_FILE = "New_Statistical_Neighbour_Groupings_April_2021.csv"


def read_statistical_neighbours(path: Path, model: str, old_to_code: dict[int, str]) -> pd.DataFrame:
    """Each council's 10 nearest neighbours, as ONS codes, from either DfE model's wide file."""
    path = Path(path)
    if model == "2025":
        frame = read_csv_checked(path, ["old_la_code"] + [f"SN_{i}" for i in range(1, 11)])
        anchor = "old_la_code"
        ranks = [(i, f"SN_{i}", f"SN_{i}P") for i in range(1, 11)]
    elif model == "2021":
        frame = read_csv_checked(path, ["LA num"] + [f"SN{i}" for i in range(1, 11)], header=0)
        anchor = "LA num"
        # The 2021 file repeats "SNP" after each neighbour; pandas renames them SNP, SNP.1, ...
        ranks = [(i, f"SN{i}", "SNP" if i == 1 else f"SNP.{i - 1}") for i in range(1, 11)]
    else:
        raise DataError(f"unknown statistical neighbour model '{model}'", expected="2025 or 2021")
    rows = []
    for position, rec in frame.iterrows():
        if any(str(v).strip().lower().startswith("old sns") for v in rec.values):
            break  # the 2021 file ends with the pre-2019 councils' "Old SNs"; they no longer exist
        if not str(rec[anchor]).strip():
            continue
        anchor_code = _old_code(rec[anchor], old_to_code, path.name, position, anchor)
        for rank, column, closeness_column in ranks:
            neighbour = _old_code(rec[column], old_to_code, path.name, position, column)
            rows.append({"model": model, "area_code": anchor_code, "neighbour_code": neighbour, "rank": rank,
                         "closeness": str(rec.get(closeness_column, "")).strip()})
    return pd.DataFrame(rows, columns=["model", "area_code", "neighbour_code", "rank", "closeness"])


def _old_code(value: object, old_to_code: dict[int, str], file: str, position: int, column: str) -> str:
    try:
        number = int(float(str(value).strip()))
    except ValueError:
        raise DataError(f"'{value}' is not a DfE council number", file=file, row=int(position) + 2,
                        column=column, expected="a three-digit DfE number such as 839") from None
    if number not in old_to_code:
        raise DataError(f"DfE council number {number} is not a known council", file=file,
                        row=int(position) + 2, column=column)
    return old_to_code[number]
