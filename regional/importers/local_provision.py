"""A council's local-market return: the beds in its area and who fills them.

Commissioners keep a register of local provision (children's homes, supported
accommodation, parent-and-child, short breaks) and count each quarter how many beds
their own children fill, how many other councils' children fill, and how many stand
empty. The template is ``data/templates/local_provision.md``; the embedded default is
``data/local_provision/*.csv``, transcribed from the councils' published documents.

Every row is checked before anything is stored, every problem is reported (file, row,
column, what was expected), and a return is stored in one transaction: a bad file
leaves the database as it was (by :mod:`regional.returns`: this module only reads).
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

import pandas as pd

from regional import models
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import values
from regional.importers.council_return import (ReturnInvalid, identity_hash, published_date, read_template, slug,
                                               validate_rows)
from regional.observations import parse_period
from regional.settings import DATA_DIR

DEFAULT_DIR = DATA_DIR / "local_provision"
TEMPLATE = DATA_DIR / "templates" / "local_provision.md"
EXAMPLE = DATA_DIR / "templates" / "local_provision_example.csv"

REQUIRED = ["council", "period", "setting_type"]
COUNTS = ["beds", "occupied_own", "occupied_other", "vacant"]
OPTIONAL = ["setting_name", "urn", *COUNTS, "own_use_pct", "grade", "document", "section", "published", "note"]
FIGURES = [*COUNTS, "own_use_pct"]

#: The setting types a return may list, and how the page names them.
SETTING_TYPES = {
    "childrens_home": "Children's home",
    "supported_accommodation": "Supported accommodation",
    "parent_and_child": "Parent and child",
    "short_breaks": "Short breaks",
}
GRADES = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement to be good",
          "requires improvement to be good": "Requires improvement to be good", "inadequate": "Inadequate",
          "not yet inspected": "Not yet inspected", "": ""}
LINE_COLUMNS = ["area_code", "period", "period_label", "setting_type", "setting_name", "urn", *FIGURES,
                "grade", "section", "note", "source_id"]


def setting_key(text: object) -> str:
    """'Children's home', 'children's homes', 'Parent & child' -> the template's code."""
    value = str(text).strip().lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    value = re.sub(r"[^a-z0-9]+", "_", value).strip("_")
    return {"childrens_homes": "childrens_home", "short_break": "short_breaks", "parent_and_child_home":
            "parent_and_child"}.get(value, value)


def period_label(day: date) -> str:
    """A quarter's last day reads as its financial quarter ("2025-26 Q3"); other dates as themselves."""
    quarter = {6: 1, 9: 2, 12: 3, 3: 4}.get(day.month)
    if quarter and day.day == calendar.monthrange(day.year, day.month)[1]:
        start = day.year if day.month >= 4 else day.year - 1
        return f"{start}-{str(start + 1)[-2:]} Q{quarter}"
    return day.isoformat()


def _period(text: object) -> date:
    value = str(text).strip()[:10]
    if re.fullmatch(r"\d{4}[- ]?[Qq][1-4]", value):
        raise ValueError(f"'{value}' is ambiguous (calendar or financial quarter?): give the quarter's last day")
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise ValueError(f"'{value}' is not a date")
    day = parse_period(value)[0]
    if day.year != int(value[:4]):  # "2025-26" parses as a financial year
        raise ValueError(f"'{value}' is a year, not a date the beds were counted on")
    return day


def read_local_provision(path: Path, areas: AreaIndex, *, display_name: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate a return; (lines, sources) or ReturnInvalid listing every problem."""
    name = display_name or Path(path).name
    frame = read_template(path, REQUIRED, OPTIONAL, name)
    lines = pd.DataFrame(validate_rows(frame, lambda rec, row: _line(rec, row, name, areas)))
    problems = _check_together(lines, name)
    if problems:
        raise ReturnInvalid(problems)
    sources = _sources(lines, areas, name)
    lines["source_id"] = [f"{a}|{d}" for a, d in zip(lines["area_code"], lines["document"])]
    lines["source_id"] = lines["source_id"].map(dict(zip(sources["key"], sources["id"])))
    return lines[LINE_COLUMNS].reset_index(drop=True), sources.drop(columns="key")


def _line(rec: dict, row: int, name: str, areas: AreaIndex) -> dict:
    def fail(column: str, message: str, expected: str | None = None) -> DataError:
        return DataError(message, file=name, row=row, column=column, expected=expected)

    texts = values.checked_texts(rec, ("council", "period", "setting_type", "grade", "setting_name", "urn", "section", "note", "document"), fail)
    code = areas.resolve_council(rec["council"], why="its local beds are in its area", file=name, row=row)
    try:
        period = _period(rec["period"])
    except ValueError as exc:
        raise fail("period", str(exc), "the date the beds were counted, YYYY-MM-DD (a quarter's last day, "
                                       "e.g. 2025-12-31 for Q3 of 2025-26), or a month YYYY-MM") from None
    try:
        values.check_period(period)
    except ValueError as exc:
        raise fail("period", str(exc), values.period_expectation()) from None
    setting = setting_key(rec["setting_type"])
    if setting not in SETTING_TYPES:
        raise fail("setting_type", f"unknown setting type '{rec['setting_type']}'", ", ".join(SETTING_TYPES))
    figures: dict[str, float | int | None] = {}
    for column in COUNTS:
        text = str(rec[column]).strip().replace(",", "")
        if text == "":
            figures[column] = None
            continue
        try:
            figures[column] = values.whole_count(text)
        except ValueError as exc:
            raise fail(column, f"{str(exc)[:200]}: not a whole number of beds",
                       "a whole number of beds, zero or more, or blank if not known") from None
    text = str(rec["own_use_pct"]).strip().rstrip("%").strip()
    if text == "":
        figures["own_use_pct"] = None
    else:
        try:
            pct = values.number(text)
        except ValueError:
            raise fail("own_use_pct", f"'{rec['own_use_pct']}' is not a percentage", "a number from 0 to 100") from None
        if not 0 <= pct <= 100:
            raise fail("own_use_pct", f"{pct:g} is outside 0-100", "a number from 0 to 100")
        figures["own_use_pct"] = pct
    if all(figures[c] is None for c in FIGURES):
        raise fail("beds", "the row gives no figure", "at least one of beds, occupied_own, occupied_other, "
                                                      "vacant, own_use_pct")
    beds = figures["beds"]
    parts = [figures[c] for c in ("occupied_own", "occupied_other", "vacant") if figures[c] is not None]
    if beds is not None and sum(parts) > beds:
        raise fail("vacant" if figures["vacant"] is not None else "occupied_own",
                   f"occupied and vacant beds ({sum(parts)}) are more than the beds ({beds})",
                   "occupied_own + occupied_other + vacant no more than beds")
    grade = str(rec["grade"]).strip()
    if grade.lower() not in GRADES:
        raise fail("grade", f"unknown grade '{grade}'", "Outstanding, Good, Requires improvement, Inadequate, "
                                                       "Not yet inspected, or blank")
    published = published_date(rec, fail)
    return {"area_code": code, "period": period, "period_label": period_label(period), "setting_type": setting,
            "setting_name": texts["setting_name"], "urn": texts["urn"], **figures,
            "grade": GRADES[grade.lower()], "section": texts["section"], "note": texts["note"],
            "document": texts["document"] or f"Local provision return {name}", "published": published,
            "row": row}


def _check_together(lines: pd.DataFrame, name: str) -> list[DataError]:
    """Rows that clash: the same line twice, or a total row beside per-setting rows."""
    problems = []
    key = ["area_code", "period", "setting_type", "setting_name", "document"]
    dupes = lines[lines.duplicated(key, keep=False)]
    for _, group in dupes.groupby(key, sort=False):
        rows = group["row"].tolist()
        problems.append(DataError(f"rows {', '.join(map(str, rows))} give the same council, period, setting type "
                                  "and setting twice", file=name, row=rows[-1], column="setting_name",
                                  expected="one row per setting per period"))
    for _, group in lines.groupby(["area_code", "period", "setting_type", "document"], sort=False):
        named = group["setting_name"] != ""
        if named.any() and (~named).any():
            rows = group["row"].tolist()
            problems.append(DataError(f"rows {', '.join(map(str, rows))} mix a total row (blank setting_name) with "
                                      "rows for named settings of the same type and period, which would count "
                                      "beds twice", file=name, row=int(group.loc[~named, "row"].iloc[0]),
                                      column="setting_name", expected="either one total row or one row per setting"))
    return problems


def _sources(lines: pd.DataFrame, areas: AreaIndex, name: str) -> pd.DataFrame:
    return document_sources(lines, areas, name, prefix="local-provision", return_name="local provision return",
                            licence="The council's own published figures")


def document_sources(lines: pd.DataFrame, areas: AreaIndex, name: str, *, prefix: str, return_name: str,
                     licence: str) -> pd.DataFrame:
    """One source per council and document; ``key`` is "code|document". The id is readable and
    unique to the full document identity (never a cut title, issue 11)."""
    rows = []
    for (code, document), part in lines.groupby(["area_code", "document"], sort=False):
        published = part["published"].replace("", None).dropna()
        publisher = areas.name_of(code)
        rows.append({"key": f"{code}|{document}",
                     "id": f"{prefix}-{slug(publisher)[:40]}-{slug(document)[:60]}-{identity_hash(code, document)}",
                     "kind": "council", "publisher": publisher, "title": document,
                     "edition": f"{return_name} ({name})" + (f"; published {published.iloc[0]}" if len(published) else ""),
                     "url": "", "licence": licence,
                     "published": date.fromisoformat(published.iloc[0]) if len(published) else None})
    return pd.DataFrame(rows)


def defaults_from(directory: Path, read, table, columns: list[str], index: AreaIndex) -> dict:
    """Every CSV in ``directory``, a return transcribed from the councils' published documents, read
    as an upload would be (``read(path, index) -> (rows, sources)``): ``{table: rows, Source: sources}``."""
    lines, sources = [], []
    for path in sorted(directory.glob("*.csv")):
        part, part_sources = read(path, index)
        lines.append(part)
        sources.append(part_sources)
    if not lines:
        return {table: pd.DataFrame(columns=columns)}
    return {table: pd.concat(lines, ignore_index=True),
            models.Source: pd.concat(sources, ignore_index=True).drop_duplicates("id")}


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The councils' published local-market figures (data/local_provision/*.csv)."""
    return defaults_from(DEFAULT_DIR, read_local_provision, models.LocalProvision, LINE_COLUMNS, index)
