"""DfE's Local Authority Interactive Tool (LAIT) long benchmarking file.

The catalogue's ``lait_measure`` column says which LAIT measures we take, so adding
one is a line in ``data/indicators.csv``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.authorities import ENGLAND_CODE, normalise_name
from regional.errors import DataError
from regional.importers import require_columns
from regional.observations import OBS_COLUMNS, parse_values

LAIT_FILE = "bds_long_0.parquet"
LAIT_SOURCE_ID = "dfe-lait"
LAIT_COLUMNS = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number"]
LAIT_ENGLAND_NUMBER = 970


def read_lait(path: Path, catalogue: pd.DataFrame, areas: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Observations for every catalogue indicator with a LAIT measure.

    Returns the tidy frame and a count of what was left out and why (councils that
    ceased to exist before 2021, multi-year measures), so the build can report it.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(f"not a readable parquet file: {exc}", file=path.name) from exc
    require_columns(frame, LAIT_COLUMNS, path.name)
    wanted = catalogue[catalogue["lait_measure"] != ""].set_index("lait_measure")["id"]
    frame = frame[frame["Short Desc"].isin(wanted.index)].copy()
    if frame.empty:
        raise DataError("none of the catalogue's LAIT measures are in the file", file=path.name,
                        column="Short Desc", expected=", ".join(wanted.index))

    number = pd.to_numeric(frame["LA Number"], errors="coerce")
    by_old = areas.dropna(subset=["old_la_code"]).assign(n=lambda a: a["old_la_code"].astype(int))
    code = number.map(dict(zip(by_old["n"], by_old["code"])))
    regional = areas[areas["level"].isin(["region", "subregion"])]
    by_name = {normalise_name(n): c for n, c in zip(regional["name"], regional["code"])}
    code = code.fillna(frame["LA and Regions"].map(lambda n: by_name.get(normalise_name(n))))
    code = code.where(number != LAIT_ENGLAND_NUMBER, ENGLAND_CODE)

    single_year = frame["Years"].astype(str).str.fullmatch(r"\d{4}")
    skipped = {"rows for councils that no longer exist (e.g. Bournemouth pre-2019)": int((code.isna()).sum()),
               "rows for multi-year periods": int((~single_year & code.notna()).sum())}
    keep = code.notna() & single_year
    frame, code = frame[keep], code[keep]

    value, status = parse_values(frame["Values"], file=path.name, column="Values", rows=frame.index)
    tidy = pd.DataFrame({
        "area_code": code,
        "indicator_id": frame["Short Desc"].map(wanted),
        "period": pd.to_datetime(frame["Years"] + "-03-31").dt.date,
        "period_label": frame["Years"],
        "value": value,
        "status": status,
        "source_id": LAIT_SOURCE_ID,
        "breakdown": "",
        "section": "LAIT measure " + frame["Short Desc"],
        "note": "",
        "raw": frame["Values"].where(status != "ok", ""),
    })
    tidy = tidy.drop_duplicates(["area_code", "indicator_id", "period"], keep="last")
    return tidy[OBS_COLUMNS].reset_index(drop=True), skipped
