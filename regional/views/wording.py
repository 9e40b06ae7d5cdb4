"""The words a user reads for the library's column names: a table on a page says "area" and
"period", not ``area_name`` and ``period_label`` (issue 15, plain words). Applied where a table is
shown or downloaded, so the library keeps its own stable names."""
from __future__ import annotations

import pandas as pd

#: Internal name -> heading shown. Codes stay (analysts join on them) under a plain heading.
HEADINGS = {
    "area_code": "ONS code",
    "code": "ONS code",
    "area_name": "area",
    "period_label": "period",
    "source_id": "source",
    "source_title": "source",
    "indicator_id": "measure code",
    "pl_la": "placement council code",
    "PL_LA": "placement council code",
}


#: Where the plain heading is taken by another column: the machine-readable twin gets these.
TWINS = {"period": ("period_label", "period end date"), "source_id": ("source", "source reference"),
         "source_title": ("source", "source document")}


def plain_headings(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with plain headings; a heading already taken by another column is left as it was."""
    renames = {}
    for column, (twin, heading) in TWINS.items():
        if column in frame.columns and twin in frame.columns and heading not in frame.columns:
            renames[column] = heading
    frame = frame.rename(columns=renames)
    taken = set(frame.columns)
    renames = {}
    for column in frame.columns:
        plain = HEADINGS.get(column) if isinstance(column, str) else None
        if plain and plain not in taken:
            renames[column] = plain
            taken.add(plain)
    return frame.rename(columns=renames)
