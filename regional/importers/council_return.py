"""A council's own return of indicator values (CSV or XLSX), between DfE publications.

The template is documented in ``data/templates/council_return.md``. Every row names
the document it came from, so each figure keeps its source; two documents that
disagree both stay.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import require_columns
from regional.importers import values
from regional.importers.reader import checkpoint, read_table
from regional.observations import OBS_COLUMNS, PERIOD_NOT_STATED, parse_period

REQUIRED = ["council", "indicator", "period", "value"]
OPTIONAL = ["status", "breakdown", "document", "section", "published", "note"]
#: A council's figure may be provisional; a document's "n/a" is kept as not applicable / not available.
RETURN_STATUSES = {"ok", "provisional", "suppressed", "missing", "not_applicable", "not_available"}
#: Comparators a document quotes, stored under the quoting council with the document as source:
#: its figure for England, for its region, its statistical neighbours' average, Good+ councils.
COMPARATORS = {"england": "England (as quoted)", "region": "Region (as quoted)",
               "sn_average": "Statistical neighbours (as quoted)", "good_plus": "Good+ LAs (as quoted)"}
BREAKDOWNS = {"", "target", "forecast", *COMPARATORS}
#: What a return writes in ``period`` when its document gives no date or span for a figure.
NOT_STATED = {"not stated", "period not stated", "undated"}


class ReturnInvalid(DataError):
    """A return with one or more bad rows; ``problems`` lists every one of them."""

    def __init__(self, problems: list[DataError]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        first = problems[0]
        super().__init__(first.problem + more, file=first.file, row=first.row, column=first.column,
                         expected=first.expected)


def read_template(path: Path, required: list[str], optional: list[str], name: str) -> pd.DataFrame:
    """A documented return: the required columns present, no unknown ones, optional ones
    filled with blanks, wholly blank spreadsheet rows dropped, at least one row left."""
    frame = read_table(Path(path), name)
    require_columns(frame, required, name)
    values.refuse_unknown_columns(frame.columns, required + optional, name)
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[~(frame.astype(str).apply(lambda s: s.str.strip()) == "").all(axis=1)]
    if frame.empty:
        raise DataError("the return has no rows", file=name, row=2)
    return frame


def validate_rows(frame: pd.DataFrame, check: Callable[[dict, int], dict]) -> list[dict]:
    """``check`` every row (with its spreadsheet row number); all problems are raised together."""
    problems: list[DataError] = []
    records: list[dict] = []
    for position, (index, rec) in enumerate(zip(frame.index, frame.to_dict("records"))):
        if position % 5000 == 0:
            checkpoint(int(index) + 2)
        try:
            records.append(check(rec, int(index) + 2))
        except DataError as exc:
            problems.append(exc)
            if len(problems) >= 1000:
                break
    if problems:
        raise ReturnInvalid(problems)
    return records


def published_date(rec: dict, fail: Callable[..., DataError]) -> str:
    """The row's ``published`` date as written (blank allowed); not a YYYY-MM-DD date is an error."""
    published = str(rec["published"]).strip()
    if published:
        try:
            values.check_period(date.fromisoformat(published))
        except ValueError:
            raise fail("published", f"'{published[:40]}' is not a date from 1990 to today", "YYYY-MM-DD") from None
    return published


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def identity_hash(*parts: object) -> str:
    """A short hash of a document's full identity, so ids that shorten a long title for
    readability can never make two documents one (issue 11: a 60-character cut did)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:12]


def read_council_return(path: Path, areas: AreaIndex, indicator_ids: set[str] | dict[str, str], *,
                        display_name: str | None = None, with_rows: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate every row; return (observations, sources) or raise ReturnInvalid listing all problems.
    ``with_rows`` keeps each figure's spreadsheet row (``row``), for reports that name it.

    ``indicator_ids`` may map each id to its period type (snapshot, flow, change, forecast) so
    labels read "at 26 February 2026" for a snapshot and "to 31 March 2024" for a change.
    """
    name = display_name or Path(path).name
    frame = read_template(path, REQUIRED, OPTIONAL, name)
    period_types = indicator_ids if isinstance(indicator_ids, dict) else {}

    units = values.catalogue_units()  # ranges by unit, from the catalogue (data/indicators.csv)
    tidy = pd.DataFrame(validate_rows(frame, lambda rec, row: _row(rec, row, name, areas, indicator_ids,
                                                                   period_types, units)))
    tidy = _anchor_unstated(tidy, name)
    # One document may quote two figures for the same thing in different sections: both stay.
    dupes = tidy.duplicated(["area_code", "indicator_id", "period", "document", "breakdown", "section"], keep=False)
    if dupes.any():
        rows = [int(r) for r in tidy.loc[dupes, "row"]]
        raise ReturnInvalid([DataError(f"rows {', '.join(map(str, rows[:6]))} give the same council, indicator, "
                                       "period, document and section twice", file=name, row=rows[0], column="value")])
    sources = _sources(tidy, areas, name)
    tidy["source_id"] = tidy["document_key"].map(dict(zip(sources["key"], sources["id"])))
    return (tidy[OBS_COLUMNS + (["row"] if with_rows else [])].reset_index(drop=True),
            sources.drop(columns=["key", "area_code"]))


def _row(rec: dict, row: int, name: str, areas: AreaIndex, indicator_ids, period_types: dict[str, str],
         units: dict[str, str] | None = None) -> dict:
    def fail(column: str, message: str, expected: str | None = None) -> DataError:
        return DataError(message, file=name, row=row, column=column, expected=expected)

    for column in ("council", "indicator", "period", "value"):
        try:
            values.check_length(rec[column], column, 100)
        except ValueError as exc:
            raise fail(column, str(exc)) from None
    code = areas.resolve(rec["council"], file=name, row=row, column="council")
    indicator = str(rec["indicator"]).strip()
    if indicator not in indicator_ids:
        raise fail("indicator", f"unknown indicator '{indicator[:80]}'", "an id listed by `python -m regional indicators`")
    period: date | None
    try:
        period, label = council_period(rec["period"], period_types.get(indicator, "snapshot"))
    except ValueError as exc:
        raise fail("period", str(exc), "YYYY-MM-DD, YYYY-MM, YYYY-Qn, a financial year YYYY-YY, a span "
                   "START/END, or 'not stated'") from None
    status = str(rec["status"]).strip().lower().replace(" ", "_") or "ok"
    if status not in RETURN_STATUSES:
        raise fail("status", f"unknown status '{status[:40]}'", " / ".join(sorted(RETURN_STATUSES)))
    breakdown = str(rec["breakdown"]).strip().lower()
    if breakdown not in BREAKDOWNS:
        raise fail("breakdown", f"unknown breakdown '{breakdown[:40]}'", "blank, " + ", ".join(sorted(BREAKDOWNS - {""})))
    plan = breakdown in ("target", "forecast")
    if period is not None:  # 'not stated' has no date to check
        try:
            values.check_period(period, plan=plan)
        except ValueError as exc:
            raise fail("period", str(exc), values.period_expectation(plan)) from None
    text = str(rec["value"]).strip().replace(",", "").rstrip("%")
    value: float | None
    if text == "":
        value = None
        if status in ("ok", "provisional"):
            status = "missing"
    else:
        try:
            value = values.number(text)
        except ValueError as exc:
            raise fail("value", str(exc)[:200], "a finite number, or blank with status missing/suppressed") from None
        if status not in ("ok", "provisional"):
            raise fail("value", f"a value is given but status is '{status}'",
                       "a blank value when the status says there is no figure")
        if value < 0 and not indicator.endswith("_change"):
            raise fail("value", f"negative value {value:g}", "zero or more (only *_change indicators may be negative)")
        try:
            values.check_in_range(value, indicator, (units or {}).get(indicator))
        except ValueError as exc:
            raise fail("value", str(exc), "a value in the indicator's range (see `python -m regional indicators`)") from None
    published = published_date(rec, fail)
    texts = {}
    for column in ("document", "section", "note"):
        try:
            texts[column] = values.check_text(rec[column], column)
        except ValueError as exc:
            raise fail(column, str(exc)) from None
    document = texts["document"] or f"Council return {name}"
    return {"area_code": code, "indicator_id": indicator, "period": period, "period_label": label,
            "value": value, "status": status, "breakdown": breakdown, "section": texts["section"],
            "note": texts["note"], "raw": "", "document": document, "published": published,
            "document_key": (document, published), "row": row}


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def council_period(text: object, period_type: str = "snapshot") -> tuple[date | None, str]:
    """A council figure's period as (end date or None, label in words).

    A snapshot on a date reads "at 26 February 2026", in a month "at March 2026"; a flow or
    change over a stated span "April 2025 to April 2026", up to a date "to 31 March 2024";
    financial years and quarters keep DfE's form ("2025-26", "2025-Q3"). "not stated" gives no
    date at all: the label says so and nothing fills it in.
    """
    value = str(text).strip()
    if value.lower() in NOT_STATED:
        return None, PERIOD_NOT_STATED
    if "/" in value and not _is_slash_financial_year(value):
        start_text, end_text = (part.strip() for part in value.split("/", 1))
        start, _ = council_period(start_text, "flow")
        end, _ = council_period(end_text, "flow")
        if start is None or end is None or start >= end:
            raise ValueError(f"span '{value}' must run from an earlier to a later period")
        return end, f"{_plain(start_text)} to {_plain(end_text)}"
    end, label = parse_period(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return end, ("at " if period_type == "snapshot" else "to ") + _day(end)
    if _is_month(value, end):
        return end, ("at " if period_type == "snapshot" else "in ") + f"{_MONTHS[end.month - 1]} {end.year}"
    return end, label


def _is_month(value: str, end: date) -> bool:
    """"2026-03" is a month; "2024-25" (same shape) a financial year, which ends in March 2025."""
    return bool(re.fullmatch(r"\d{4}-\d{2}", value)) and end.month == int(value[5:7]) and end.year == int(value[:4])


def _is_slash_financial_year(value: str) -> bool:
    """True for a financial year written with a slash (2025/26)."""
    return bool(re.fullmatch(r"\d{4}/\d{2}", value))


def _plain(text: str) -> str:
    """A span's end as words: "2025-04" -> "April 2025", "2025-04-30" -> "30 April 2025"."""
    end, label = parse_period(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _day(end)
    if _is_month(text, end):
        return f"{_MONTHS[end.month - 1]} {end.year}"
    return label


def _anchor_unstated(tidy: pd.DataFrame, name: str) -> pd.DataFrame:
    """Rows whose document gives no period still need a date to sort on: the document's
    publication date (the figure can be no later), else the latest period the same document
    states. The label stays "period not stated", and every comparison skips these rows."""
    unstated = tidy["period"].isna()
    if not unstated.any():
        return tidy
    latest = tidy[~unstated].groupby("document")["period"].max()
    for index in tidy.index[unstated]:
        published = tidy.at[index, "published"]
        anchor = date.fromisoformat(published) if published else latest.get(tidy.at[index, "document"])
        if anchor is None:
            raise ReturnInvalid([DataError("a figure without a period needs its document's published date",
                                           file=name, row=int(index) + 2, column="published",
                                           expected="YYYY-MM-DD, or a dated figure from the same document")])
        tidy.at[index, "period"] = anchor
    return tidy


def _sources(tidy: pd.DataFrame, areas: AreaIndex, name: str) -> pd.DataFrame:
    """One source per document; its publisher is the council most of its rows are about."""
    rows = []
    for (document, published), part in tidy.groupby(["document", "published"], sort=False):
        la_rows = part[part["area_code"].isin(areas.areas.loc[areas.areas["level"] == "la", "code"])]
        publisher_code = (la_rows if len(la_rows) else part)["area_code"].mode().iloc[0]
        publisher = areas.name_of(publisher_code)
        rows.append({
            "key": (document, published),
            "id": f"council-{slug(publisher)[:40]}-{slug(document)[:60]}-{published or 'undated'}-"
                  f"{identity_hash(publisher_code, document, published)}",
            "kind": "council", "publisher": publisher, "title": document, "area_code": publisher_code,
            "edition": published, "url": "", "licence": "The council's own published figures",
            "published": date.fromisoformat(published) if published else None,
        })
    return pd.DataFrame(rows)
