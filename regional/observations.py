"""The tidy shape every importer produces, and the parsing of values and periods.

One long table: area x indicator x period x source (x breakdown), value or none,
status, and the publisher's raw code.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

import numpy as np
import pandas as pd

from regional.errors import DataError

OBS_COLUMNS = ["area_code", "indicator_id", "period", "period_label", "value", "status",
               "source_id", "breakdown", "section", "note", "raw"]

#: DfE's (Explore Education Statistics) and LAIT's markers, each kept as what DfE says it is,
#: never made a number: c confidential (suppressed), k and LAIT's "low" a positive figure that
#: rounds to zero, u low reliability, x not available, z not applicable; Ofsted's * suppressed.
CODE_STATUSES = {"c": "suppressed", "*": "suppressed", "k": "rounds_to_zero", "low": "rounds_to_zero",
                 "u": "low_reliability", "x": "not_available", ":": "not_available", "z": "not_applicable"}
SUPPRESSION_CODES = frozenset(CODE_STATUSES)
#: The label of a figure whose source gives no date or span. Its ``period`` is only a sort key
#: (the document's publication date): pages show the label, and comparisons skip it.
PERIOD_NOT_STATED = "period not stated"

#: Placeholders for "no figure" that say nothing about why.
MISSING_CODES = frozenset({"", "-", ".", "..", "nan", "none", "n/a", "na"})


def empty_observations() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in OBS_COLUMNS})


def parse_values(raw: pd.Series, *, file: str, column: str, row_offset: int = 2,
                 rows: pd.Index | None = None) -> tuple[pd.Series, pd.Series]:
    """Split published cells into (value, status), vectorised.

    Numbers become floats with status ``ok``; DfE's markers become no value with the status
    :data:`CODE_STATUSES` gives (``suppressed``, ``rounds_to_zero``, ``not_available``, ...);
    blanks and dashes ``missing``. Anything else is an error
    naming the first offending row.
    """
    text = raw.astype("string").str.strip().fillna("")
    lower = text.str.lower()
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    suppressed = lower.isin(SUPPRESSION_CODES)
    missing = lower.isin(MISSING_CODES)
    bad = numbers.isna() & ~suppressed & ~missing
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        row = (rows[position] if rows is not None else position) + row_offset
        raise DataError(f"'{text.iloc[position]}' is not a number or a known suppression code",
                        file=file, row=int(row), column=column,
                        expected="a number, blank, or one of c, k, u, x, z, low, -")
    status = pd.Series(np.where(suppressed, lower.map(CODE_STATUSES), np.where(missing, "missing", "ok")),
                       index=raw.index)
    return numbers.astype(float), status


def march_31(year: int) -> date:
    return date(int(year), 3, 31)


_FY = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.IGNORECASE)


def parse_period(text: object) -> tuple[date, str]:
    """Turn a period as written into (end date, label).

    ``2025`` is DfE's reporting year ending 31 March 2025; ``2024-25`` a financial
    year (ends 31 March 2025); ``2026-03`` a month (ends on its last day);
    ``2025-Q3`` a calendar quarter; ``2026-03-31`` a date. Raises ValueError otherwise.
    """
    value = str(text).strip()
    if m := _DAY.match(value):
        return date(int(m[1]), int(m[2]), int(m[3])), value
    if (m := _FY.match(value)) and (len(m[2]) == 4 or int(m[2]) == (int(m[1]) + 1) % 100):
        # "2024-25" is a financial year; "2026-03" (not the next year's two digits) is a month.
        start = int(m[1])
        end = int(m[2]) if len(m[2]) == 4 else start + 1
        if end != start + 1:
            raise ValueError(f"financial year '{value}' must span consecutive years")
        return march_31(end), f"{start}-{str(end)[-2:]}"
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range")
        return date(year, month, calendar.monthrange(year, month)[1]), value
    if m := _QUARTER.match(value):
        year, quarter = int(m[1]), int(m[2])
        month = quarter * 3
        return date(year, month, calendar.monthrange(year, month)[1]), f"{year}-Q{quarter}"
    if m := _YEAR.match(value):
        return march_31(int(m[1])), value
    raise ValueError(f"'{value}' is not a period")


def status_from_raw(status: pd.Series, raw: pd.Series) -> pd.Series:
    """Re-derive a marker's status from the publisher's code kept in ``raw``.

    Extracts built before DfE's markers were told apart say ``suppressed`` for every code;
    this makes them say what the code means, and leaves every other row alone.
    """
    code = raw.astype("string").fillna("").str.strip().str.lower().map(CODE_STATUSES)
    return code.where(code.notna() & status.isin(["suppressed", *CODE_STATUSES.values()]), status).astype(object)


def period_stated(labels: pd.Series) -> pd.Series:
    """True where a figure's period is known; False for "period not stated"."""
    return labels.astype("string").fillna("") != PERIOD_NOT_STATED
