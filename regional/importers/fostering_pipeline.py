"""The fostering recruitment pipeline return (CSV or XLSX), and the embedded synthetic example.

One row per council, month or quarter and household type: enquiries, initial visits,
applications, assessments started, approvals, de-registrations (with reasons where
given) and transfers. The template is documented in ``data/templates/fostering_pipeline.md``.

A stage larger than the stage before it is allowed (people enquire in one quarter and
apply in the next) but flagged; anything that cannot be a count, an unknown council, a
period that is not a month or quarter, or a missing column stops the whole file.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from regional import models
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import values
from regional.importers.council_return import ReturnInvalid, read_template, slug, validate_rows
from regional.observations import parse_period
from regional.settings import DATA_DIR

EXAMPLE_DIR = DATA_DIR / "fostering_pipeline"
TEMPLATE = "data/templates/fostering_pipeline.md"

#: The recruitment funnel, in order: each stage is compared with the one before it.
STAGES = ["enquiries", "initial_visits", "applications", "assessments_started", "approvals"]
STAGE_LABELS = {"enquiries": "Enquiries", "initial_visits": "Initial visits", "applications": "Applications",
                "assessments_started": "Assessments started", "approvals": "Approvals"}
COUNTS = STAGES + ["deregistrations", "transfers_in", "transfers_out"]
REQUIRED = ["council", "period"] + STAGES + ["deregistrations"]
OPTIONAL = ["household_type", "deregistration_reasons", "transfers_in", "transfers_out", "note"]
HOUSEHOLD_TYPES = ("mainstream", "kinship", "all")
TABLE_COLUMNS = ["area_code", "period", "period_start", "period_label", "period_kind", "household_type", *COUNTS,
                 "deregistration_reasons", "source_id", "note"]

SYNTHETIC_SOURCE = {
    "id": "synthetic-fostering-pipeline-example",
    "kind": "synthetic",
    "publisher": "Regional Care Benchmark (synthetic example)",
    "title": "SYNTHETIC fostering recruitment pipeline example for BCP, B&NES and Dorset (not real figures)",
    "edition": "calibrated to the councils' published household totals; see data/fostering_pipeline/README.md",
    "url": "",
    "licence": "Synthetic: invented for demonstration, consistent with published totals only",
    "published": None,
}

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_REASON = re.compile(r"^\s*([^:;]+?)\s*:\s*(\d+)\s*$")


@dataclass
class PipelineReturn:
    """A validated return: table rows, its sources and the non-blocking flags."""

    rows: pd.DataFrame
    sources: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def parse_pipeline_period(text: object) -> tuple[date, date, str, str]:
    """(start, end, label, kind) of a month ``2026-01`` or a quarter ``2025-Q3``.

    Months are read here: :func:`regional.observations.parse_period` takes ``2026-03``
    for a financial year. Anything else (a year, a date, a financial year) is refused,
    because a count needs a period of known length.
    """
    value = str(text).strip()
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"'{value}' is not a month or a quarter (there is no month {month})")
        end = date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, 1), end, f"{year}-{month:02d}", "month"
    if re.fullmatch(r"\d{4}[- ]?[qQ][1-4]", value):
        end, label = parse_period(value)
        return date(end.year, end.month - 2, 1), end, label, "quarter"
    raise ValueError(f"'{value}' is not a month or a quarter")


def parse_reasons(text: str) -> dict[str, int]:
    """``"retirement: 2; moved to IFA: 1"`` as {reason: count}; raises ValueError if malformed."""
    reasons: dict[str, int] = {}
    for part in [p for p in str(text).split(";") if p.strip()]:
        m = _REASON.match(part)
        if not m:
            raise ValueError(f"'{part.strip()}' is not 'reason: count'")
        reasons[m[1].lower()] = reasons.get(m[1].lower(), 0) + int(m[2])
    return reasons


def _count(text: object) -> int | None:
    """A whole count within the databases' integer range, or None; ValueError saying why not."""
    return values.whole_count(text)


def read_pipeline_return(path: Path, areas: AreaIndex, *, display_name: str | None = None,
                         synthetic: bool = False) -> PipelineReturn:
    """Validate every row and return the table rows, or raise ReturnInvalid listing every problem."""
    name = display_name or Path(path).name
    frame = read_template(path, REQUIRED, OPTIONAL, name)

    rows = pd.DataFrame(validate_rows(frame, lambda rec, row: _row(rec, row, name, areas)))
    for column in COUNTS:
        rows[column] = pd.to_numeric(rows[column]).astype("Int64")
    problems = _overlaps(rows, name)
    if problems:
        raise ReturnInvalid(problems)
    rows, sources = _attach_sources(rows, areas, name, synthetic)
    return PipelineReturn(rows[TABLE_COLUMNS].reset_index(drop=True), sources, stage_warnings(rows, name))


def _row(rec: dict, row: int, name: str, areas: AreaIndex) -> dict:
    def fail(column: str, message: str, expected: str | None = None) -> DataError:
        return DataError(message, file=name, row=row, column=column, expected=expected)

    for column in ("council", "period", "household_type"):
        try:
            values.check_length(rec[column], column, 100)
        except ValueError as exc:
            raise fail(column, str(exc)) from None
    code = areas.resolve_council(rec["council"], why="its recruitment pipeline is its own", file=name, row=row)
    try:
        start, end, label, kind = parse_pipeline_period(rec["period"])
    except ValueError as exc:
        raise fail("period", str(exc), "a month YYYY-MM or a quarter YYYY-Qn") from None
    try:
        values.check_period(end)
    except ValueError as exc:
        raise fail("period", str(exc), values.period_expectation()) from None
    household_type = str(rec["household_type"]).strip().lower() or "all"
    if household_type not in HOUSEHOLD_TYPES:
        raise fail("household_type", f"unknown household type '{household_type}'", " / ".join(HOUSEHOLD_TYPES))
    out = {"area_code": code, "period": end, "period_start": start, "period_label": label, "period_kind": kind,
           "household_type": household_type, "note": _text(rec, "note", fail), "row": row}
    for column in COUNTS:
        try:
            value = _count(rec.get(column, ""))
        except ValueError as exc:
            raise fail(column, str(exc)[:200], "a whole number of 0 or more, or blank") from None
        out[column] = value
    reasons_text = _text(rec, "deregistration_reasons", fail)
    if reasons_text:
        try:
            reasons = parse_reasons(reasons_text)
        except ValueError as exc:
            raise fail("deregistration_reasons", str(exc), "'reason: count' pairs separated by ';'") from None
        given = sum(reasons.values())
        if out["deregistrations"] is None or given > out["deregistrations"]:
            raise fail("deregistration_reasons", f"reasons add up to {given}, more than the "
                       f"{out['deregistrations'] if out['deregistrations'] is not None else 'blank'} de-registrations",
                       "reasons adding up to no more than the de-registrations column")
        reasons_text = "; ".join(f"{k}: {v}" for k, v in reasons.items())
    out["deregistration_reasons"] = reasons_text
    return out


def _text(rec: dict, column: str, fail) -> str:
    try:
        return values.check_text(rec[column], column)
    except ValueError as exc:
        raise fail(column, str(exc)) from None


def _overlaps(rows: pd.DataFrame, name: str) -> list[DataError]:
    """Two rows counting the same days twice: the same period, a month inside a quarter, or
    an 'all households' row beside a mainstream/kinship row."""
    problems = []
    for code, part in rows.groupby("area_code", sort=False):
        part = part.sort_values(["period_start", "row"])
        items = list(part.itertuples())
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if b.period_start > a.period:
                    break
                if a.household_type == b.household_type or "all" in (a.household_type, b.household_type):
                    first, second = sorted((a, b), key=lambda r: r.row)
                    what = "the same period" if a.period_label == b.period_label else "overlapping periods"
                    problems.append(DataError(
                        f"rows {first.row} and {second.row} both count {what} ({first.period_label}, "
                        f"{second.period_label}) for {first.household_type}/{second.household_type} households",
                        file=name, row=second.row, column="period",
                        expected="each council's months or quarters once per household type"))
    return problems


def stage_warnings(rows: pd.DataFrame, name: str) -> list[str]:
    """Rows where a stage is larger than the stage before it: allowed, but worth a look."""
    out = []
    for rec in rows.sort_values("row").to_dict("records"):
        for before, after in zip(STAGES, STAGES[1:]):
            a, b = rec[before], rec[after]
            if pd.notna(a) and pd.notna(b) and b > a:
                out.append(f"{name} row {rec['row']}: {STAGE_LABELS[after].lower()} ({int(b)}) exceed "
                           f"{STAGE_LABELS[before].lower()} ({int(a)}) in {rec['period_label']}; allowed, since "
                           "people move through stages across periods, but please check")
    return out


def _attach_sources(rows: pd.DataFrame, areas: AreaIndex, name: str, synthetic: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One source per council for uploaded returns (a later upload replaces the periods and
    household types it holds);
    the one synthetic source for the embedded example."""
    rows = rows.copy()
    if synthetic:
        rows["source_id"] = SYNTHETIC_SOURCE["id"]
        return rows, pd.DataFrame([SYNTHETIC_SOURCE])
    sources = []
    for code in rows["area_code"].unique():
        council = areas.name_of(code)
        sources.append({"id": pipeline_source_id(council), "kind": "council", "publisher": council,
                        "title": f"{council}: fostering recruitment pipeline return", "edition": f"file {name}",
                        "url": "", "licence": "Submitted by the council", "published": None, "area_code": code})
    frame = pd.DataFrame(sources)
    rows["source_id"] = rows["area_code"].map(dict(zip(frame["area_code"], frame["id"])))
    return rows, frame.drop(columns="area_code")


def pipeline_source_id(council_name: str) -> str:
    return f"council-pipeline-{slug(council_name)[:60]}"


def read_example(areas: AreaIndex) -> PipelineReturn:
    """The embedded synthetic example: every file in data/fostering_pipeline, validated like an upload."""
    rows, warnings = [], []
    for path in sorted(EXAMPLE_DIR.glob("*.csv")):
        result = read_pipeline_return(path, areas, synthetic=True)
        rows.append(result.rows)
        warnings += result.warnings
    if not rows:
        return PipelineReturn(pd.DataFrame(columns=TABLE_COLUMNS), pd.DataFrame([SYNTHETIC_SOURCE]), [])
    return PipelineReturn(pd.concat(rows, ignore_index=True), pd.DataFrame([SYNTHETIC_SOURCE]), warnings)


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The synthetic example joins the embedded default load (see regional.db.default_row_modules)."""
    example = read_example(index)
    return {models.Source: example.sources, models.FosteringPipeline: example.rows}
