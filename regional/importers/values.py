"""Checks every uploaded value passes before it can be stored: finite numbers in the range
the indicator catalogue allows, whole counts that fit both databases' integer column, text
of bounded length, periods neither far in the future nor implausibly old, and only the
columns a return defines (an unknown one is refused with the closest known name).

Why here and not in each importer: the council return, the fostering pipeline, local
provision and SSDA903 episodes all take values from users; one set of rules means one
'inf' or one '3,000,000,000' is refused the same way everywhere, with file, row and column.
"""
from __future__ import annotations

import difflib
import math
from datetime import date, timedelta
from functools import lru_cache

from regional.errors import DataError

#: The largest value an INTEGER column holds on PostgreSQL (int4); SQLite holds more, so this bounds both.
INT4_MAX = 2_147_483_647
#: A period may end this far after today (the current financial year's figures are provisional
#: before it ends); targets and forecasts may look further ahead, up to PLAN_HORIZON_YEARS.
FUTURE_TOLERANCE_DAYS = 400
PLAN_HORIZON_YEARS = 15
#: Nothing the app compares is older than this.
OLDEST_PERIOD = date(1990, 1, 1)
#: Longest text kept per column; anything longer is refused rather than cut.
TEXT_LIMITS = {"document": 300, "section": 200, "note": 1000, "setting_name": 200, "urn": 20,
               "deregistration_reasons": 500}
DEFAULT_TEXT_LIMIT = 200
FORMULA_STARTS = ("=", "+", "@")
#: The range each catalogue unit allows (a *_change indicator may also go as far below zero).
UNIT_RANGES = {"count": (0.0, float(INT4_MAX)), "percent": (0.0, 100.0), "rate_per_10k": (0.0, 10_000.0),
               "currency_gbp": (0.0, 1e11), "ratio": (0.0, 10_000.0)}


def number(text: object) -> float:
    """A finite number as written (thousands commas allowed); ValueError saying why not.
    'inf', 'nan', 'Infinity' and 1e308 are not figures anyone reports."""
    value = str(text).strip().replace(",", "")
    try:
        result = float(value)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if not math.isfinite(result):
        raise ValueError(f"'{text}' is not a finite number")
    if abs(result) > 1e15:
        raise ValueError(f"'{text}' is far larger than any figure this return holds")
    return result


def whole_count(text: object) -> int | None:
    """A whole number from 0 to the databases' integer limit, or None for a blank cell."""
    value = str(text).strip().replace(",", "")
    if value == "":
        return None
    try:
        result = number(value)
    except ValueError as exc:
        raise ValueError(f"{exc}, so not a whole number") from None
    if not result.is_integer():
        raise ValueError(f"'{text}' is not a whole number")
    if result < 0:
        raise ValueError(f"negative count {int(result)}")
    if result > INT4_MAX:
        raise ValueError(f"{int(result):,} is more than the largest count stored ({INT4_MAX:,})")
    return int(result)


def value_range(indicator: str, unit: str | None) -> tuple[float, float]:
    """The range a figure of this indicator may take, from its catalogue unit."""
    low, high = UNIT_RANGES.get(str(unit or ""), (0.0, 1e15))
    if indicator.endswith("_change"):
        low = -high
    return low, high


def check_in_range(value: float, indicator: str, unit: str | None) -> None:
    low, high = value_range(indicator, unit)
    if not low <= value <= high:
        what = {"percent": "a percentage", "count": "a count", "rate_per_10k": "a rate per 10,000"}.get(str(unit), "a value")
        raise ValueError(f"{value:g} is outside the range of {what} ({low:g} to {high:g})")


def check_length(text: object, column: str, limit: int | None = None) -> str:
    """The cell stripped; refused if longer than the column allows (never silently cut)."""
    value = str(text).strip()
    limit = limit or TEXT_LIMITS.get(column, DEFAULT_TEXT_LIMIT)
    if len(value) > limit:
        raise ValueError(f"{len(value):,} characters, more than the {limit:,} this column may hold")
    return value


def check_text(text: object, column: str, limit: int | None = None) -> str:
    """Free text (a document title, a note): bounded, and not starting like a spreadsheet formula,
    which would run when a colleague opens a download ('=HYPERLINK(...)', '+cmd|...', '@SUM(...)')."""
    value = check_length(text, column, limit)
    if value.startswith(FORMULA_STARTS):
        raise ValueError(f"the text starts with '{value[0]}', which a spreadsheet would run as a formula; "
                         "reword it or put a letter first")
    return value


def checked_texts(rec: dict, columns, fail) -> dict[str, str]:
    """Each text cell checked (limits by column from TEXT_LIMITS, else the general length);
    ``fail(column, message)`` makes the error that names the file and row."""
    out = {}
    for column in columns:
        check = check_text if column in TEXT_LIMITS else check_length
        try:
            out[column] = check(rec[column], column)
        except ValueError as exc:
            raise fail(column, str(exc)) from None
    return out


def check_period(end: date, *, plan: bool = False, today: date | None = None) -> None:
    """A period ending neither implausibly long ago nor in the future beyond the tolerance
    (``plan``: a target or forecast, which may look ahead up to PLAN_HORIZON_YEARS)."""
    today = today or date.today()
    if end < OLDEST_PERIOD:
        raise ValueError(f"{end.isoformat()} is before {OLDEST_PERIOD.year}, older than any figure compared here")
    latest = (date(today.year + PLAN_HORIZON_YEARS, 12, 31) if plan
              else today + timedelta(days=FUTURE_TOLERANCE_DAYS))
    if end > latest:
        kind = "a target or forecast" if plan else "a reported figure"
        raise ValueError(f"{end.isoformat()} is too far in the future for {kind} (latest {latest.isoformat()})")


def period_expectation(plan: bool = False) -> str:
    if plan:
        return f"a period from {OLDEST_PERIOD.year} to {PLAN_HORIZON_YEARS} years ahead"
    return f"a period from {OLDEST_PERIOD.year} up to {FUTURE_TOLERANCE_DAYS} days after today"


def parse_dates(text):
    """dd/mm/yyyy or ISO dates (time of day ignored) as timestamps; NaT for anything else."""
    import pandas as pd

    t = text.astype("string").fillna("").str.strip()
    iso = pd.to_datetime(t.str[:10].where(t.str.match(r"^\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(t.where(t.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def refuse_implausible_dates(frame, columns: list[str], file: str, parse=None) -> None:
    """Dates (parsed by ``parse``, a Series -> datetime Series; by default :func:`parse_dates`) neither
    before OLDEST_PERIOD nor beyond the future tolerance: a DECOM of 31/12/9999 is a typing slip,
    refused with its row and column."""
    import pandas as pd

    parse = parse or parse_dates

    latest = pd.Timestamp(date.today() + timedelta(days=FUTURE_TOLERANCE_DAYS))
    for column in columns:
        if column not in frame.columns:
            continue
        parsed = parse(frame[column])
        bad = parsed.notna() & ((parsed < pd.Timestamp(OLDEST_PERIOD)) | (parsed > latest))
        if bad.any():
            index = bad[bad].index[0]
            raise DataError(f"'{frame.at[index, column]}' is not a plausible date", file=file, row=int(index) + 2,
                            column=column, expected=f"a date from {OLDEST_PERIOD.year} to {latest.date().isoformat()}")


def refuse_unknown_columns(columns, known, file: str) -> None:
    """Every column must be one the return defines; an unknown one is refused with the closest
    known name, so a header like 'UASK' is never silently read as a missing 'UASC'."""
    known_list = [str(k) for k in known]
    lookup = {k.lower(): k for k in known_list}
    unknown = [str(c) for c in columns if str(c).lower() not in lookup]
    if not unknown:
        return
    hints = []
    for column in unknown:
        close = difflib.get_close_matches(column.lower(), list(lookup), n=1, cutoff=0.6)
        hints.append(f"'{column}' (did you mean '{lookup[close[0]]}'?)" if close else f"'{column}'")
    raise DataError(f"unknown column(s): {', '.join(hints)}", file=file, row=1, column=unknown[0],
                    expected="only the columns the template lists: " + ", ".join(known_list))


@lru_cache(maxsize=1)
def catalogue_units() -> dict[str, str]:
    """{indicator id: unit} from the catalogue file (data/indicators.csv)."""
    from regional.indicators import read_catalogue

    catalogue = read_catalogue()
    return dict(zip(catalogue["id"], catalogue["unit"]))
