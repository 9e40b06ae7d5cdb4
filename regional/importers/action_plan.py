"""A council's sufficiency action plan (RAG tracker) as a return: one row per action or success measure.

Councils track their sufficiency strategies as RAG action plans, each in its own words
("Significant risk", "Amber", "Completed and can be removed from plan"). The template
(``data/templates/action_plan.md``) keeps the council's word and maps it to one of four
statuses the region compares: Completed, On track, Requires further attention, Not rated.
The map is data (``data/action_plans/status_words.csv``), so a new word needs no code.

The reader validates a whole file and returns the rows with a report of every problem
(file, row, column, what was expected) and of every word it mapped; it never writes to
the database. The embedded default (``data/action_plans/*.csv``) is transcribed from the
councils' published documents, each row naming its document and section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from regional import models
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers.council_return import identity_hash, published_date, read_template, slug
from regional.observations import parse_period
from regional.settings import DATA_DIR

DEFAULT_DIR = DATA_DIR / "action_plans"
STATUS_WORDS_FILE = DEFAULT_DIR / "status_words.csv"
TOTALS_FILE = DEFAULT_DIR / "stated_totals.csv"
TEMPLATE = DATA_DIR / "templates" / "action_plan.md"
EXAMPLE = DATA_DIR / "templates" / "action_plan_example.csv"

#: The four statuses, from most to least advanced; "Not rated" is outside the order.
STATUSES = ("Completed", "On track", "Requires further attention", "Not rated")
RANK = {"Requires further attention": 0, "On track": 1, "Completed": 2}
ITEMS = {"action": "action", "success measure": "success measure", "success_measure": "success measure",
         "measure": "success measure", "measure of success": "success measure"}

REQUIRED = ["council", "plan", "version", "priority", "reference"]
OPTIONAL = ["version_date", "priority_title", "item", "action", "success_measure", "status", "target_date",
            "owner", "progress", "impact", "document", "section", "published", "note"]
LINE_COLUMNS = ["area_code", "plan", "version", "version_date", "priority", "priority_title", "item", "reference",
                "action", "success_measure", "status", "status_original", "target_date", "owner", "progress",
                "impact", "section", "note", "source_row", "source_id"]
TEXT_LIMIT = 4000  # characters in one cell: a paragraph, not a pasted document


@dataclass
class ValidationReport:
    """What a reader found in one file: every problem, and what it changed (words it mapped)."""

    file: str
    rows: int = 0
    problems: list[DataError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def frame(self) -> pd.DataFrame:
        """One line per problem: where it is and what was expected."""
        return pd.DataFrame([{"file": p.file or self.file, "row": p.row, "column": p.column or "",
                              "problem": p.problem, "expected": p.expected or ""} for p in self.problems],
                            columns=["file", "row", "column", "problem", "expected"])

    def problems_frame(self) -> pd.DataFrame:
        """The problems in the platform's common report layout (sheet, row, column, value, severity, ...),
        with each mapped status word as a note, so an upload's preview says what was read as what."""
        rows = [{"sheet": "", "row": p.row, "column": p.column or "", "value": "", "severity": "error",
                 "problem": p.problem, "expected": p.expected or ""} for p in self.problems]
        rows += [{"sheet": "", "row": None, "column": "status", "value": "", "severity": "note", "problem": n,
                  "expected": ""} for n in self.notes]
        return pd.DataFrame(rows, columns=["sheet", "row", "column", "value", "severity", "problem", "expected"])

    def summary(self) -> str:
        if self.ok:
            return f"{self.file}: {self.rows} rows, all valid" + (f"; {'; '.join(self.notes)}" if self.notes else "")
        return f"{self.file}: {len(self.problems)} problem(s) in {self.rows} rows; nothing can be stored until all are fixed"


def _key(word: object) -> str:
    """'On Track', 'on-track ', 'ON TRACK' -> 'on track'."""
    return re.sub(r"[\s\-_]+", " ", str(word)).strip().lower()


@lru_cache(maxsize=1)
def status_words() -> dict[str, str]:
    """The council's word (normalised) -> one of STATUSES."""
    frame = pd.read_csv(STATUS_WORDS_FILE, dtype=str, keep_default_na=False)
    bad = set(frame["status"]) - set(STATUSES)
    if bad:
        raise DataError(f"unknown status(es) {', '.join(sorted(bad))}", file=STATUS_WORDS_FILE.name,
                        column="status", expected=", ".join(STATUSES))
    return {_key(w): s for w, s in zip(frame["word"], frame["status"])}


def map_status(word: object) -> str | None:
    """The region's status for a council's word, or None if the word is not known."""
    return status_words().get(_key(word))


def _date(text: object) -> date | None:
    value = str(text).strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise ValueError(f"'{value}' is not a date")
    return parse_period(value)[0]


def read_action_plan(path: Path, areas: AreaIndex, *, display_name: str | None = None) -> tuple[pd.DataFrame, ValidationReport]:
    """Validate a whole action-plan file: (rows, report). Rows are empty unless the report is ok."""
    name = display_name or Path(path).name
    report = ValidationReport(file=name)
    try:
        frame = read_template(path, REQUIRED, OPTIONAL, name)
    except DataError as exc:
        report.problems.append(exc)
        return pd.DataFrame(columns=LINE_COLUMNS), report
    report.rows = len(frame)
    lines = []
    for position, rec in enumerate(frame.to_dict("records")):
        try:
            lines.append(_line(rec, position + 2, name, areas))
        except DataError as exc:
            report.problems.append(exc)
    if report.problems:
        return pd.DataFrame(columns=LINE_COLUMNS), report
    tidy = pd.DataFrame(lines)
    report.problems.extend(_check_together(tidy, name))
    if report.problems:
        return pd.DataFrame(columns=LINE_COLUMNS), report
    mapped = tidy[tidy["status_original"].map(_key) != tidy["status"].map(_key)]
    for (word, status), part in mapped.groupby(["status_original", "status"], sort=False):
        report.notes.append(f"'{word}' read as '{status}' ({len(part)} row{'s' if len(part) > 1 else ''})"
                            if word else f"{len(part)} row{'s' if len(part) > 1 else ''} with no status: 'Not rated'")
    tidy["source_id"] = [_source_id(areas.name_of(c), d) for c, d in zip(tidy["area_code"], tidy["document"])]
    return tidy, report


def _line(rec: dict, row: int, name: str, areas: AreaIndex) -> dict:
    def fail(column: str, message: str, expected: str | None = None) -> DataError:
        return DataError(message, file=name, row=row, column=column, expected=expected)

    code = areas.resolve_council(rec["council"], why="an action plan is a council's own", file=name, row=row)
    text = {k: re.sub(r"\s+", " ", str(v)).strip() for k, v in rec.items()}
    for column in ("plan", "version", "priority"):
        if not text[column]:
            raise fail(column, "is blank", f"the {column} this row belongs to")
    for column, value in text.items():
        if len(value) > TEXT_LIMIT:
            raise fail(column, f"{len(value):,} characters", f"at most {TEXT_LIMIT:,} characters")
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", str(rec[column])):
            raise fail(column, "contains control characters", "plain text")
    if not text["action"] and not text["success_measure"]:
        raise fail("action", "the row gives neither an action nor a success measure",
                   "what the council said it will do, or the measure of success")
    item = ITEMS.get(_key(text["item"]) or ("action" if text["action"] else "success measure"))
    if item is None:
        raise fail("item", f"unknown item '{text['item']}'", "action or success measure (blank: action)")
    if item == "action" and not text["action"]:
        raise fail("action", "an action row gives no action", "what the council said it will do")
    if item == "success measure" and not text["success_measure"]:
        raise fail("success_measure", "a success-measure row gives no measure", "the measure of success")
    status = map_status(text["status"])
    if status is None:
        known = sorted({w for w in pd.read_csv(STATUS_WORDS_FILE, dtype=str, keep_default_na=False)["word"] if w})
        raise fail("status", f"unknown status '{text['status']}'",
                    f"one of {', '.join(STATUSES[:3])}, a word that maps to one ({', '.join(known)}), or blank (not rated)")
    dates = {}
    for column in ("version_date", "target_date"):
        try:
            dates[column] = _date(text[column])
        except ValueError as exc:
            raise fail(column, str(exc), "YYYY-MM-DD, a month YYYY-MM (its last day), or blank") from None
    published = published_date(rec, fail)
    return {"area_code": code, "plan": text["plan"], "version": text["version"], **dates,
            "priority": text["priority"], "priority_title": text["priority_title"], "item": item,
            "reference": text["reference"], "action": text["action"], "success_measure": text["success_measure"],
            "status": status, "status_original": text["status"], "owner": text["owner"],
            "progress": text["progress"], "impact": text["impact"],
            "document": text["document"] or f"Action plan return {name}", "section": text["section"],
            "published": published, "note": text["note"], "source_row": row}


def _check_together(lines: pd.DataFrame, name: str) -> list[DataError]:
    """One date per version; no line twice in one version."""
    problems = []
    for (code, plan, version), part in lines.groupby(["area_code", "plan", "version"], sort=False):
        dates = set(part["version_date"].dropna())
        if len(dates) > 1:
            problems.append(DataError(f"version '{version}' has {len(dates)} different dates "
                                      f"({', '.join(sorted(map(str, dates)))})", file=name,
                                      row=int(part["source_row"].iloc[-1]), column="version_date",
                                      expected="one version_date for every row of a version"))
    key = ["area_code", "plan", "version", "item", "reference", "action", "success_measure"]
    for _, part in lines[lines.duplicated(key, keep=False)].groupby(key, sort=False):
        rows = part["source_row"].tolist()
        problems.append(DataError(f"rows {', '.join(map(str, rows))} repeat the same {part['item'].iloc[0]} "
                                  f"'{part['reference'].iloc[0]}' in one version", file=name, row=rows[-1],
                                  column="reference", expected="each action or measure once per version"))
    return problems


def _source_id(publisher: str, document: str) -> str:
    """Readable, and unique to the full title (issue 11: a 60-character cut made two documents one)."""
    return f"action-plan-{slug(publisher)[:40]}-{slug(document)[:60]}-{identity_hash(publisher, document)}"


def sources(lines: pd.DataFrame, areas: AreaIndex, name: str) -> pd.DataFrame:
    """One source per council and document (the plan's own publication or the uploaded file)."""
    rows = []
    for (code, document), part in lines.groupby(["area_code", "document"], sort=False):
        published = part["published"].replace("", None).dropna()
        rows.append({"id": part["source_id"].iloc[0], "kind": "council", "publisher": areas.name_of(code),
                     "title": document, "edition": f"action plan ({name})", "url": "",
                     "licence": "The council's own publication",
                     "published": date.fromisoformat(published.iloc[0]) if len(published) else None})
    return pd.DataFrame(rows)


def require_valid(lines: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """The rows, or the report's problems raised together (for the default load, which must be whole)."""
    if not report.ok:
        from regional.importers.council_return import ReturnInvalid

        raise ReturnInvalid(report.problems)
    return lines


def read_stated_totals(areas: AreaIndex, lines: pd.DataFrame) -> pd.DataFrame:
    """The documents' own counts by status (stated_totals.csv), tied to the sources of their plans' rows."""
    frame = pd.read_csv(TOTALS_FILE, dtype=str, keep_default_na=False)
    out = []
    for position, rec in enumerate(frame.to_dict("records")):
        row = position + 2
        code = areas.resolve(rec["council"], file=TOTALS_FILE.name, row=row, column="council")
        status = map_status(rec["status"])
        if status is None:
            raise DataError(f"unknown status '{rec['status']}'", file=TOTALS_FILE.name, row=row, column="status")
        match = lines[(lines["area_code"] == code) & (lines["plan"] == rec["plan"]) & (lines["version"] == rec["version"])]
        if match.empty:
            raise DataError(f"no plan rows for {rec['council']} '{rec['plan']}' {rec['version']}",
                            file=TOTALS_FILE.name, row=row, column="version", expected="a version in the plan files")
        source = _source_id(areas.name_of(code), rec["document"])
        if source not in set(match["source_id"]):
            raise DataError(f"document '{rec['document']}' is not the document of that version's rows",
                            file=TOTALS_FILE.name, row=row, column="document")
        out.append({"area_code": code, "plan": rec["plan"], "version": rec["version"],
                    "status_original": rec["status"], "status": status, "count": int(rec["count"]),
                    "section": rec["section"], "note": rec["note"], "source_id": source})
    return pd.DataFrame(out)


def default_plan_files() -> list[Path]:
    return sorted(p for p in DEFAULT_DIR.glob("*.csv") if p not in (STATUS_WORDS_FILE, TOTALS_FILE))


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The councils' published action plans (data/action_plans/*.csv) and their own totals."""
    lines, found = [], []
    for path in default_plan_files():
        part, report = read_action_plan(path, index)
        part = require_valid(part, report)
        lines.append(part)
        found.append(sources(part, index, path.name))
    if not lines:
        return {models.ActionPlanLine: pd.DataFrame(columns=LINE_COLUMNS)}
    frame = pd.concat(lines, ignore_index=True)
    return {models.ActionPlanLine: frame[LINE_COLUMNS],
            models.ActionPlanTotal: read_stated_totals(index, frame),
            models.Source: pd.concat(found, ignore_index=True).drop_duplicates("id")}
