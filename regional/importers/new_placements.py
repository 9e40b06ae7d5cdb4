"""DfE's new placements in the year by location: inside/outside the council and under/over
20 miles from home, or distance not known (``la_cla_during_year_new_placements.csv``).

The benchmark distance bands for every council, region and England, 2021 onwards. The
file's "Reason for placement change" half is left out here. Each year's figures are the
placements that started during the year ending 31 March, so they are labelled as
financial years ("2024-25"), like DfE's other flows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.importers import read_csv_checked
from regional.importers.dfe import LEVELS, _area_code
from regional.observations import OBS_COLUMNS, parse_values

FILE = "la_cla_during_year_new_placements.csv"
SOURCE_ID = "dfe-cla-new-placements"
EXTRACT = "observations_new_placements.csv"
CHARACTERISTIC = "Location of new placements during the year"
COLUMNS = ["time_period", "geographic_level", "region_code", "new_la_code", "characteristic", "breakdown",
           "children_count", "children_percent"]
#: DfE breakdown -> indicator stem (count is ``<stem>_count``, share ``pct_<stem>``).
BREAKDOWNS = {
    "Placed inside LA boundary less than 20 miles from home": "new_placements_inside_la_under_20_miles",
    "Placed inside LA boundary more than 20 miles from home": "new_placements_inside_la_over_20_miles",
    "Placed outside LA boundary less than 20 miles from home": "new_placements_outside_la_under_20_miles",
    "Placed outside LA boundary more than 20 miles from home": "new_placements_outside_la_over_20_miles",
    "Distance not known or not recorded": "new_placements_distance_not_known",
}
TOTAL = "Total new placements"
TOTAL_ID = "new_placements_count"


def indicator_ids() -> list[str]:
    return [TOTAL_ID] + [f"{stem}_count" for stem in BREAKDOWNS.values()] + [f"pct_{stem}" for stem in BREAKDOWNS.values()]


def read_new_placements(path: Path) -> pd.DataFrame:
    """Counts and shares of new placements by location for every area and year, as observations."""
    path = Path(path)
    frame = read_csv_checked(path, COLUMNS)
    frame = frame[frame["characteristic"] == CHARACTERISTIC]
    if frame.empty:
        raise DataError(f"no rows with characteristic '{CHARACTERISTIC}'", file=path.name, column="characteristic")
    unknown = frame.loc[~frame["breakdown"].isin(list(BREAKDOWNS) + [TOTAL]), "breakdown"]
    if len(unknown):
        raise DataError(f"unknown breakdown '{unknown.iloc[0]}'", file=path.name, row=int(unknown.index[0]) + 2,
                        column="breakdown", expected=" / ".join(list(BREAKDOWNS) + [TOTAL]))
    bad_level = frame.loc[~frame["geographic_level"].isin(LEVELS), "geographic_level"]
    if len(bad_level):
        raise DataError(f"unknown geographic level '{bad_level.iloc[0]}'", file=path.name,
                        row=int(bad_level.index[0]) + 2, column="geographic_level", expected=", ".join(LEVELS))
    years = pd.to_numeric(frame["time_period"], errors="coerce")
    if years.isna().any():
        i = int(years.index[years.isna()][0])
        raise DataError(f"'{frame.at[i, 'time_period']}' is not a year", file=path.name, row=i + 2,
                        column="time_period", expected="a four-digit year such as 2025")
    year = years.astype(int)
    period = pd.to_datetime(year.astype(str) + "-03-31").dt.date
    label = (year - 1).astype(str) + "-" + year.astype(str).str[-2:]
    code = _area_code(frame)
    stems = frame["breakdown"].map(BREAKDOWNS)
    parts = []
    for column, is_count in (("children_count", True), ("children_percent", False)):
        value, status = parse_values(frame[column], file=path.name, column=column, rows=frame.index)
        if is_count:
            indicator = stems.map(lambda s: f"{s}_count", na_action="ignore").fillna(TOTAL_ID)
            keep = pd.Series(True, index=frame.index)
        else:
            indicator = stems.map(lambda s: f"pct_{s}", na_action="ignore")
            keep = stems.notna()
        parts.append(pd.DataFrame({
            "area_code": code, "indicator_id": indicator, "period": period, "period_label": label,
            "value": value, "status": status, "source_id": SOURCE_ID, "breakdown": "", "section": "",
            "note": "", "raw": frame[column].where(status != "ok", ""),
        })[keep])
    out = pd.concat(parts, ignore_index=True)[OBS_COLUMNS]
    return out.sort_values(["indicator_id", "area_code", "period"]).reset_index(drop=True)


def build_extract(source_dir: Path, out_dir: Path, context: dict) -> tuple[dict[str, int], list[dict]]:
    raw = Path(source_dir) / "dfe" / FILE
    obs = read_new_placements(raw)
    known = set(context["areas"]["code"])
    unknown = sorted(set(obs["area_code"]) - known)
    if unknown:
        raise DataError(f"area codes not in the areas extract: {', '.join(unknown[:5])}", file=FILE,
                        column="new_la_code")
    missing = set(indicator_ids()) - set(context["catalogue"]["id"])
    if missing:
        raise DataError(f"indicators missing from the catalogue: {', '.join(sorted(missing))}", file="indicators.csv")
    obs.to_csv(Path(out_dir) / EXTRACT, index=False, lineterminator="\n")
    years = sorted({p.year for p in obs["period"]})
    source = {"id": SOURCE_ID, "kind": "dfe", "publisher": "Department for Education",
              "title": "Children looked after in England including adoptions: new placements during the year by "
                       "location (inside/outside the council, under/over 20 miles from home)",
              "edition": f"{years[0]}-{years[-1]}; file {FILE}",
              "url": "https://explore-education-statistics.service.gov.uk/find-statistics/"
                     "children-looked-after-in-england-including-adoptions"}
    return {EXTRACT: len(obs)}, [source]
