"""A council's planned homes: children's homes (and other local provision) it plans to open or
close, with beds and the date, for the sufficiency plan's supply beside Ofsted's register.

Councils' sufficiency strategies name these ("a new build 5 bedded home ... from early 2024",
"planning submitted for a 3 bed home"); the local-provision return counts beds on a day that has
passed, so planned changes have a return of their own. Template: ``data/templates/planned_provision.md``.
Every row is checked, every problem reported with its row and column; nothing is stored here
(:mod:`regional.returns` stores, versions and audits).
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
from regional.importers.council_return import published_date, read_template, validate_rows
from regional.importers.local_provision import SETTING_TYPES, defaults_from, document_sources, setting_key
from regional.settings import DATA_DIR

DEFAULT_DIR = DATA_DIR / "planned_provision"
REQUIRED = ["council", "setting_type", "change", "beds", "opens"]
OPTIONAL = ["setting_name", "stage", "document", "section", "published", "note"]
CHANGES = {"open": "open", "opens": "open", "opening": "open", "new": "open", "close": "close", "closes": "close",
           "closing": "close", "closure": "close"}
STAGES = ("planned", "approved", "in development", "registered", "")
ROW_COLUMNS = ["area_code", "period", "period_label", "setting_type", "setting_name", "change", "beds", "stage",
               "section", "note", "source_id"]


def _opens(text: str) -> date:
    value = text.strip()[:10]
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = map(int, value.split("-"))
        return date(year, month, calendar.monthrange(year, month)[1])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    raise ValueError(f"'{text}' is not a date")


def read_planned_provision(path: Path, areas: AreaIndex, *, display_name: str | None = None
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows, sources), or ReturnInvalid listing every problem."""
    name = display_name or Path(path).name
    frame = read_template(path, REQUIRED, OPTIONAL, name)
    lines = pd.DataFrame(validate_rows(frame, lambda rec, row: _line(rec, row, name, areas)))
    dupes = lines[lines.duplicated(["area_code", "period", "setting_type", "setting_name", "document"], keep=False)]
    if len(dupes):
        rows = dupes["row"].tolist()
        raise DataError(f"rows {', '.join(map(str, rows))} give the same setting and date twice", file=name,
                        row=rows[-1], column="setting_name", expected="one row per home and date")
    sources = document_sources(lines, areas, name, prefix="planned-provision", return_name="planned homes return",
                               licence="The council's own figures")
    keys = dict(zip(sources["key"], sources["id"]))
    lines["source_id"] = [keys[f"{a}|{d}"] for a, d in zip(lines["area_code"], lines["document"])]
    return lines[ROW_COLUMNS].reset_index(drop=True), sources.drop(columns="key")


def _line(rec: dict, row: int, name: str, areas: AreaIndex) -> dict:
    def fail(column: str, message: str, expected: str | None = None) -> DataError:
        return DataError(message, file=name, row=row, column=column, expected=expected)

    texts = values.checked_texts(rec, ("council", "setting_type", "setting_name", "change", "stage", "document", "section", "note"), fail)
    code = areas.resolve_council(rec["council"], why="the home is in its area", file=name, row=row)
    setting = setting_key(rec["setting_type"])
    if setting not in SETTING_TYPES:
        raise fail("setting_type", f"unknown setting type '{rec['setting_type']}'", ", ".join(SETTING_TYPES))
    change = CHANGES.get(texts["change"].lower())
    if change is None:
        raise fail("change", f"'{texts['change']}' is neither open nor close", "open or close")
    try:
        beds = values.whole_count(str(rec["beds"]).replace(",", ""))
    except ValueError as exc:
        raise fail("beds", f"{str(exc)[:200]}: not a whole number of beds", "a whole number of beds, 1 or more") from None
    if beds is None or beds < 1:
        raise fail("beds", f"'{rec['beds']}' beds", "a whole number of beds, 1 or more")
    try:
        opens = _opens(str(rec["opens"]))
        values.check_period(opens, plan=True)
    except ValueError as exc:
        raise fail("opens", str(exc), "the date the beds open or close, YYYY-MM-DD or a month YYYY-MM, "
                                      + values.period_expectation(plan=True)) from None
    stage = texts["stage"].lower()
    if stage not in STAGES:
        raise fail("stage", f"unknown stage '{texts['stage']}'", "planned, approved, in development, registered, "
                                                                 "or blank")
    return {"area_code": code, "period": opens, "period_label": opens.isoformat(), "setting_type": setting,
            "setting_name": texts["setting_name"], "change": change, "beds": beds, "stage": stage,
            "section": texts["section"], "note": texts["note"],
            "document": texts["document"] or f"Planned homes return {name}",
            "published": published_date(rec, fail), "row": row}


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The homes the councils' published documents say will open or close (data/planned_provision)."""
    return defaults_from(DEFAULT_DIR, read_planned_provision, models.PlannedProvision, ROW_COLUMNS, index)
