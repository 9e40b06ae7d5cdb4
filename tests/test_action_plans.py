"""Action-plan return: the reader, status counts against the documents' own totals, version differences."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from regional import action_plans as ap
from regional import db, models
from regional.authorities import AreaIndex
from regional.importers import action_plan as reader

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
COLUMNS = ["council", "plan", "version", "version_date", "priority", "item", "reference", "action",
           "success_measure", "status", "document", "section"]


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(db.read_areas())


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows([{c: r.get(c, "") for c in COLUMNS} for r in rows])
    return path


def _tracker_totals_from_document() -> dict[str, int]:
    """BCP's March 2026 tracker prints its own 'Action RAG' table: read the numbers from the document."""
    text = (SEEDS / "000_047d2c566e4ac662.txt").read_text()
    block = text[text.index("Action RAG – Appendix 1 action tracker"):][:800]
    found = dict(re.findall(r"^(Completed|On Track|Requires further attention)\t[^\t]*\t(\d+)$", block, re.M))
    return {k: int(v) for k, v in found.items()}


def test_bcp_tracker_counts_match_the_documents_own_totals(store):
    if not SEEDS.exists():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    stated = _tracker_totals_from_document()
    assert stated == {"Completed": 29, "On Track": 19, "Requires further attention": 0}
    lines = ap.plan_lines(store)
    tracker = lines[(lines["area_code"] == "E06000058") & lines["version"].str.startswith("Update tracker")]
    counts = ap.counts_table(ap.status_counts(tracker, ["council"]), ["council"]).iloc[0]
    assert counts["Completed"] == stated["Completed"]
    assert counts["On track"] == stated["On Track"]
    assert counts["Requires further attention"] == stated["Requires further attention"]
    assert counts["Total"] == 48
    # the stored stated totals agree with the rows, status by status
    check = ap.stated_totals_check(tracker, store.table(models.ActionPlanTotal))
    assert len(check) == 3 and check["agrees"].all()


def test_bcp_version_1_rows_against_its_printed_totals(store):
    lines = ap.plan_lines(store)
    v1 = lines[(lines["area_code"] == "E06000058") & (lines["version"] == "Version 1 (January 2025)")]
    totals = store.table(models.ActionPlanTotal)
    printed = totals[totals["version"] == "Version 1 (January 2025)"]
    assert printed["count"].sum() == len(v1) == 51  # 48 actions, 1.11 with four measures on its own rows
    by_word = dict(zip(printed["status_original"], printed["count"]))
    assert (v1["status_original"] == "Completed and can be removed from plan").sum() == by_word["Completed and can be removed from plan"]
    assert (v1["status_original"] == "Not yet started").sum() == by_word["Not yet started"]
    # the RAG colours are not in the text: the rest are "Not rated", never guessed
    assert (v1["status"] == "Not rated").sum() == 51 - 3 - 3
    assert v1["reference"].nunique() == 48


def test_measures_rated_apart_from_actions(store):
    lines = ap.plan_lines(store)
    tracker = lines[(lines["area_code"] == "E06000058") & lines["version"].str.startswith("Update tracker")]
    view = ap.priority_view(tracker).set_index("priority")
    assert view.loc["1", "actions_by_status"] == "4 completed, 7 on track"
    assert view.loc["1", "measures_by_status"] == "2 needs attention"
    assert view.loc["1", "flag"].startswith("4 of 11 actions completed while 2 measure(s)")
    assert view.loc["5", "flag"] == ""
    measure = tracker[(tracker["item"] == "success measure") & (tracker["reference"] == "2a")].iloc[0]
    assert measure["status"] == "Requires further attention" and "On Track" in measure["note"]


def test_version_difference_on_two_constructed_versions(tmp_path, index):
    base = {"council": "Torbay", "plan": "Sufficiency plan", "priority": "1", "document": "test", "section": "s"}
    old = [dict(base, version="v1", version_date="2025-01", reference="1.1", action="Recruit ten foster carers", status="Amber"),
           dict(base, version="v1", version_date="2025-01", reference="1.2", action="Open a two-bed children's home", status="Green"),
           dict(base, version="v1", version_date="2025-01", reference="1.3", action="Publish a market position statement", status="Red"),
           dict(base, version="v1", version_date="2025-01", reference="1.4", action="Review the short breaks offer", status="Green"),
           dict(base, version="v1", version_date="2025-01", reference="1.5", action="Map supported accommodation", status=""),
           dict(base, version="v1", version_date="2025-01", reference="1a", item="success measure",
                success_measure="Fewer children placed over 20 miles away", status="Amber")]
    new = [dict(base, version="v2", version_date="2025-07", reference="1.1", action="Recruit ten foster carers", status="Completed"),
           dict(base, version="v2", version_date="2025-07", reference="1.2", action="Open a two-bed children's home", status="Off track"),
           dict(base, version="v2", version_date="2025-07", reference="1.4", action="Publish a market position statement", status="Red"),
           dict(base, version="v2", version_date="2025-07", reference="1.6", action="Set up a kinship support hub", status="On track"),
           dict(base, version="v2", version_date="2025-07", reference="1.5", action="Map supported accommodation", status="Green"),
           dict(base, version="v2", version_date="2025-07", reference="1a", item="success measure",
                success_measure="Fewer children placed over 20 miles away", status="Amber")]
    lines, report = reader.read_action_plan(_write(tmp_path / "torbay.csv", old + new), index)
    assert report.ok, report.frame()
    assert "'Amber' read as 'Requires further attention' (3 rows)" in report.notes
    diff = ap.compare_versions(lines[lines["version"] == "v1"], lines[lines["version"] == "v2"])
    change = {(r.item, r.reference_before, r.reference_now): r.change for r in diff.itertuples()}
    assert change[("action", "1.1", "1.1")] == "status up"          # Amber -> Completed
    assert change[("action", "1.2", "1.2")] == "status down"        # Green -> Off track
    assert change[("action", "1.3", "1.4")] == "same status"        # renumbered, same wording
    assert change[("action", "1.4", "")] == "retired"               # the short breaks review went
    assert change[("action", "", "1.6")] == "new"
    assert change[("action", "1.5", "1.5")] == "not comparable (not rated)"
    assert change[("success measure", "1a", "1a")] == "same status"
    renumbered = diff[(diff["reference_before"] == "1.3")].iloc[0]
    assert "renumbered" in renumbered["matched_by"]
    summary = ap.change_summary(diff).set_index(["item", "change"])["count"]
    assert summary[("action", "new")] == 1 and summary[("action", "retired")] == 1


_REPEATED = {"council": "Torbay", "plan": "p", "version": "v1", "priority": "1", "reference": "1.1", "action": "a"}
BAD_FILES = {
    "bad_rows": ([{"council": "Nowhere Council", "plan": "p", "version": "v1", "priority": "1", "reference": "1.1",
                   "action": "a", "status": "Green"},
                  {"council": "Torbay", "plan": "p", "version": "v1", "priority": "1", "reference": "1.2",
                   "action": "b", "status": "Purple"},
                  {"council": "Torbay", "plan": "p", "version": "v1", "priority": "1", "reference": "1.3",
                   "action": "", "status": "Green"},
                  {"council": "Torbay", "plan": "p", "version": "v1", "version_date": "March 2026", "priority": "1",
                   "reference": "1.4", "action": "c", "status": "Green"}],
                 [(2, "council", "Nowhere"), (3, "status", "Purple"), (4, "action", ""), (5, "version_date", "")]),
    "missing_column": ("council,plan,version,priority\nTorbay,p,v1,1\n", [(1, "", "missing column(s): reference")]),
    "repeated_rows": ([_REPEATED, _REPEATED], [(3, "reference", "rows 2, 3 repeat the same action '1.1'")]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_every_problem_by_row_and_column(tmp_path, index, case):
    content, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.csv"
    if isinstance(content, str):
        path.write_text(content)
    else:
        _write(path, content)
    lines, report = reader.read_action_plan(path, index)
    assert lines.empty and not report.ok
    found = report.frame()
    assert list(zip(found["row"], found["column"])) == [(row, column) for row, column, _ in expected]
    for problem, (_, _, fragment) in zip(found["problem"], expected):
        assert fragment in problem
    assert (found["file"] == path.name).all()
    if case == "bad_rows":  # the refused status word is named, with the words allowed
        assert "Requires further attention" in found.loc[1, "expected"]


def test_the_template_example_reads(index):
    lines, report = reader.read_action_plan(reader.EXAMPLE, index)
    assert report.ok, report.frame()
    assert set(lines["status"]) <= set(reader.STATUSES) and len(lines) >= 5
