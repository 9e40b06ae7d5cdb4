"""Ofsted's inspections of local authority children's services (ILACS): the judgements a
"Good+ councils" comparator group is built from.

One published file, ``LA_Inspection_Outcomes_as_at_31_March_2025.ods`` (Ofsted, *Local
authority inspection outcomes*), with three tables, each starting at A3:

- ``Inspections_as_at_31_March``: every council's latest judgement at 31 March 2025;
- ``In-year_inspections``: inspections and visits between 1 April 2024 and 31 March 2025
  (focused and monitoring visits carry a theme, no judgement);
- ``ILACS_inspection_history``: every short and standard inspection since 2018.

All three are kept (compactly) so the group can be taken at another date than the file's:
a council is Good+ on a date when its latest judged inspection on or before that date was
Good or Outstanding. Councils are matched by Ofsted's ONS code, checked against the areas.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from regional import models
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.settings import EXTRACT_DIR

ILACS_FILE = "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
ILACS_EXTRACT = "ofsted_ilacs.csv"
ILACS_SOURCE_ID = "ofsted-ilacs-2025"
#: The date the file's "latest judgement" table stands at.
AS_AT = date(2025, 3, 31)
GOOD_PLUS = ("Good", "Outstanding")
JUDGEMENTS = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")

SHEETS = {
    "latest": "Inspections_as_at_31_March",
    "in_year": "In-year_inspections",
    "history": "ILACS_inspection_history",
}
#: Ofsted's headers (any of the spellings the three sheets use) -> the extract's columns.
COLUMNS = {
    "Local authority area code": "area_code",
    "Local authority name": "ofsted_la_name",
    "Local authority status": "la_status",
    "Inspection date": "inspection_date",
    "Inspection/Visit date": "inspection_date",
    "Publication date": "publication_date",
    "Inspection type": "inspection_type",
    "Inspection/Visit type": "inspection_type",
    "Overall effectiveness": "overall_effectiveness",
    "The impact of leaders on social work practice with children and families": "leaders",
    "The experiences and progress of children who need help and protection": "help_and_protection",
    "The experiences and progress of children in care": "children_in_care",
    "The experiences and progress of care leavers": "care_leavers",
    "Visit Theme": "visit_theme",
}
EXTRACT_COLUMNS = ["table", "area_code", "ofsted_la_name", "la_status", "inspection_date", "publication_date",
                   "inspection_type", "overall_effectiveness", "leaders", "help_and_protection",
                   "children_in_care", "care_leavers", "visit_theme"]
REQUIRED = ("area_code", "ofsted_la_name", "inspection_date", "publication_date")
#: The title rows above each table's header (the header is on row 3).
TITLE_ROWS = 2


def read_ilacs(path: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """The three tables as one tidy frame (column ``table`` says which), dates as dates.

    Stops with the file, sheet, row and column when a code is not an English council's
    or a date or judgement is not one Ofsted uses.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path), expected=f"Ofsted's {ILACS_FILE}")
    known = set(areas.loc[areas["level"] == "la", "code"])
    frames = []
    for table, sheet in SHEETS.items():
        try:
            raw = pd.read_excel(path, engine="odf", sheet_name=sheet, header=TITLE_ROWS, dtype=str)
        except ValueError as exc:
            raise DataError(f"sheet '{sheet}' not readable: {exc}", file=path.name,
                            expected=f"the sheets {', '.join(SHEETS.values())}") from exc
        frame = raw.rename(columns={c: COLUMNS[c] for c in raw.columns if c in COLUMNS})
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise DataError(f"sheet '{sheet}' lacks column(s) {', '.join(missing)}", file=path.name,
                            expected=", ".join(k for k, v in COLUMNS.items() if v in missing))
        frame = frame.dropna(subset=["area_code"]).reset_index(drop=True)
        gone = frame.get("la_status", pd.Series("", index=frame.index)).fillna("") == "No longer exists"
        for i, code in enumerate(frame["area_code"]):
            if code.strip() not in known and not (gone.iloc[i] and code.strip().startswith("E")):
                raise DataError(f"sheet '{sheet}': '{code}' is not an English council's ONS code", file=path.name,
                                row=i + TITLE_ROWS + 2, column="Local authority area code",
                                expected="an E06/E08/E09/E10 code listed in areas.csv "
                                         "(or any code for a council that no longer exists)")
        for column in ("inspection_date", "publication_date"):
            parsed = pd.to_datetime(frame[column], errors="coerce")
            bad = parsed.isna() & frame[column].notna()
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0])
                raise DataError(f"sheet '{sheet}': '{frame[column].iloc[i]}' is not a date", file=path.name,
                                row=i + TITLE_ROWS + 2, column=column.replace("_", " ").capitalize(),
                                expected="a date (YYYY-MM-DD)")
            frame[column] = parsed.dt.date
        judged = frame.get("overall_effectiveness", pd.Series(dtype=str)).dropna()
        odd = judged[~judged.isin(JUDGEMENTS)]
        if len(odd):
            raise DataError(f"sheet '{sheet}': judgement '{odd.iloc[0]}' is not one Ofsted uses", file=path.name,
                            row=int(odd.index[0]) + TITLE_ROWS + 2, column="Overall effectiveness",
                            expected=", ".join(JUDGEMENTS))
        frame["area_code"] = frame["area_code"].str.strip()
        frame["table"] = table
        if table == "latest":
            frame["inspection_type"] = "latest judgement"
        frames.append(frame.reindex(columns=EXTRACT_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    text = [c for c in EXTRACT_COLUMNS if c not in ("inspection_date", "publication_date")]
    out[text] = out[text].fillna("")
    return out


def build_extract_rows(source_dir: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """What build-data writes to ``data/extract/ofsted_ilacs.csv``."""
    return read_ilacs(Path(source_dir) / "ofsted" / ILACS_FILE, areas)


def read_extract(extract_dir: Path = EXTRACT_DIR) -> pd.DataFrame:
    """The compact extract back as a frame, dates as dates; empty if build-data has not written it."""
    path = Path(extract_dir) / ILACS_EXTRACT
    if not path.exists():
        return pd.DataFrame(columns=EXTRACT_COLUMNS)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("inspection_date", "publication_date"):
        frame[column] = pd.to_datetime(frame[column].replace("", None)).dt.date
    return frame


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The judgements, loaded with the embedded default (table ``ofsted_ilacs``)."""
    frame = read_extract()
    if frame.empty:
        return {}
    frame = frame.rename(columns={"table": "ofsted_table"})
    frame = frame.astype(object).where(frame.notna(), None)
    frame["source_id"] = ILACS_SOURCE_ID
    return {models.OfstedIlacs: frame}


def good_plus_at(judgements: pd.DataFrame, when: date | None = None) -> pd.DataFrame:
    """Each council's latest ILACS judgement on or before ``when`` (default: the file's date),
    with ``good_plus`` True for Good or Outstanding.

    ``when`` at or after the file's date uses the ``latest`` table as Ofsted published it;
    an earlier date uses the inspection history (short and standard inspections), so a
    council inspected later is judged by the inspection it had then. Councils with no
    judged inspection by then, and councils that no longer exist, are left out.
    """
    when = when or AS_AT
    table_col = "ofsted_table" if "ofsted_table" in judgements.columns else "table"
    if when >= AS_AT:
        rows = judgements[judgements[table_col] == "latest"]
    else:
        rows = judgements[(judgements[table_col] == "history") & (judgements["overall_effectiveness"] != "")
                          & (judgements["la_status"] != "No longer exists")]
        rows = rows[pd.to_datetime(rows["inspection_date"]) <= pd.Timestamp(when)]
    rows = rows.sort_values(["area_code", "inspection_date"]).drop_duplicates("area_code", keep="last")
    out = rows[["area_code", "ofsted_la_name", "inspection_date", "publication_date", "inspection_type",
                "overall_effectiveness"]].copy()
    out["good_plus"] = out["overall_effectiveness"].isin(GOOD_PLUS)
    return out.reset_index(drop=True)


__all__ = ["read_ilacs", "read_extract", "good_plus_at", "default_rows", "ILACS_SOURCE_ID", "AS_AT", "GOOD_PLUS"]
