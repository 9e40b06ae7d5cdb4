"""MHCLG revenue outturn RO3 2024-25: children looked after spend by line, per council.

Only the five "children looked after" lines (total, residential care, fostering services,
asylum-seeking children, other) are taken, as total expenditure (C3 = employees + running
expenses), in pounds. The sufficiency plan divides them by child-years to get unit costs.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.observations import OBS_COLUMNS

RO3_FILE = "RO3_LA_Data_2024-25_data_by_LA.ods"
RO3_SOURCE_ID = "mhclg-ro3-2024-25"
RO3_SHEET = "RO3_LA_Data_202425"
RO3_PERIOD = "2025-03-31"
RO3_PERIOD_LABEL = "2024-25"
#: catalogue id -> the start of RO3's column heading (each followed by " - Total Expenditure (C3").
RO3_LINES = {
    "ro3_cla_spend": "Children's social care - Children Looked After",
    "ro3_cla_residential_spend": "Children's social care - Children Looked After of which residential care",
    "ro3_cla_fostering_spend": "Children's social care - Children Looked After of which fostering services",
    "ro3_cla_uasc_spend": "Children's social care - Children Looked After of which asylum seeking children who are looked after",
    "ro3_cla_other_spend": "Children's social care - Children Looked After of which other",
}
TOTAL_EXPENDITURE = " - Total Expenditure (C3 = C1 + C2)"


def _header_row(raw: pd.DataFrame, file: str) -> int:
    for i in range(min(len(raw), 30)):
        if str(raw.iat[i, 0]).strip() == "E-code" and str(raw.iat[i, 1]).strip() == "ONS Code":
            return i
    raise DataError("no header row starting 'E-code', 'ONS Code' in the first 30 rows", file=file, column="A",
                    expected=f"MHCLG's RO3 layout (sheet {RO3_SHEET})")


def read_ro3(path: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """Tidy observations (pounds, financial year 2024-25) for every council in ``areas``.

    Cells that are not numbers (RO3 marks returns not received and items not relevant)
    are kept as ``missing`` with the publisher's code in ``raw``, never read as 0.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    try:
        raw = pd.read_excel(path, engine="odf", sheet_name=RO3_SHEET, header=None, dtype=object)
    except ValueError as exc:
        raise DataError(f"not a readable RO3 workbook: {exc}", file=path.name, expected=f"a sheet named {RO3_SHEET}") from exc
    start = _header_row(raw, path.name)
    header = [str(c).strip() for c in raw.iloc[start]]
    body = raw.iloc[start + 1:]
    body = body[body.iloc[:, 1].astype(str).str.match(r"^E\d{8}$")]
    councils = set(areas.loc[areas["level"] == "la", "code"])
    body = body[body.iloc[:, 1].isin(councils)]
    frames = []
    for indicator, heading in RO3_LINES.items():
        wanted = heading + TOTAL_EXPENDITURE
        if wanted not in header:
            raise DataError("column not found", file=path.name, row=start + 1, column=wanted,
                            expected="MHCLG's RO3 2024-25 column headings")
        cells = body.iloc[:, header.index(wanted)]
        value = pd.to_numeric(cells, errors="coerce") * 1000  # RO3 is in £ thousand
        frames.append(pd.DataFrame({
            "area_code": body.iloc[:, 1].values, "indicator_id": indicator, "period": RO3_PERIOD,
            "period_label": RO3_PERIOD_LABEL, "value": value.values,
            "status": value.notna().map({True: "ok", False: "missing"}).values, "source_id": RO3_SOURCE_ID,
            "breakdown": "", "section": f"RO3 column '{wanted}'", "note": "£ thousand in RO3, stored in pounds",
            "raw": cells.where(value.isna(), "").astype(str).values,
        }))
    out = pd.concat(frames, ignore_index=True)
    if out.empty:
        raise DataError("no council rows matched", file=path.name, column="ONS Code", expected="ONS codes E06/E08/E09/E10")
    return out[OBS_COLUMNS]
