"""Consistency rules (data/rules.csv): the documents' contradictions are found, DfE's own data
raises nothing, and a rule marked error stops an upload."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pandas as pd
import pytest

from regional import consistency, db, models, returns
from regional.consistency import check_observations, check_store, compare_versions, read_rules
from regional.errors import DataError
from tests.conftest import PROJECT_DIR

BCP, DORSET = "E06000058", "E06000059"


@pytest.fixture(scope="module")
def findings(store):
    return check_store(store)


def _has(findings, rule, code, indicator, **values) -> pd.DataFrame:
    rows = findings[(findings["rule"] == rule) & (findings["council_code"] == code) &
                    (findings["indicator"] == indicator)]
    for column, value in values.items():
        rows = rows[rows[column] == value]
    return rows


def test_rules_file_reads_and_names_known_indicators(store):
    rules = read_rules(indicator_ids=set(store.indicators["id"]))
    assert set(rules["kind"]) == consistency.KINDS  # every kind the issue lists is used


@pytest.mark.parametrize("change, column, fragment", [
    ({"kind": "sum_of"}, "kind", "unknown kind 'sum_of'"),
    ({"severity": "fatal"}, "severity", "unknown severity 'fatal'"),
    ({"tolerance": "ten"}, "tolerance", "'ten' is not a number"),
    ({"target": "not_an_indicator"}, "target", "unknown indicator 'not_an_indicator'"),
])
def test_a_bad_rule_is_refused_with_its_row_and_column(tmp_path, store, change, column, fragment):
    """The rules file goes through the catalogue's own checks (regional.indicators.check_known)."""
    rules = pd.read_csv(consistency.RULES_FILE, dtype=str, keep_default_na=False)
    for key, value in change.items():
        rules.loc[1, key] = value
    path = tmp_path / "rules.csv"
    rules.to_csv(path, index=False)
    with pytest.raises(DataError, match=fragment) as err:
        read_rules(path, indicator_ids=set(store.indicators["id"]))
    assert (err.value.row, err.value.column) == (3, column)
    rules.drop(columns=["window_days"]).to_csv(path, index=False)
    with pytest.raises(DataError, match="missing column.s. window_days"):
        read_rules(path)


def test_bcp_uasc_share_disagrees_with_its_counts(findings):
    row = _has(findings, "uasc_share", BCP, "pct_uasc", figure=4.2)
    assert len(row) == 1
    assert row.iloc[0]["expected"] == pytest.approx(38 / 642 * 100, abs=0.01)
    assert "Sufficiency Update Summary" in row.iloc[0]["source"] and "38" in row.iloc[0]["other_figure"]


def test_dorset_households_are_not_mainstream_plus_kinship(findings):
    row = _has(findings, "households_sum", DORSET, "fostering_households_total")
    assert list(row["figure"]) == [171.0] and list(row["expected"]) == [170.0]


def test_bcp_children_in_care_differ_between_its_two_documents(findings):
    counts = _has(findings, "same_figure_two_places", BCP, "cic_count")
    assert {(min(a, b), max(a, b)) for a, b in zip(counts["figure"], counts["other_figure"])} == {(642.0, 644.0)}
    rates = _has(findings, "same_figure_two_places", BCP, "cic_rate_per_10k")
    assert {(min(a, b), max(a, b)) for a, b in zip(rates["figure"], rates["other_figure"])} == {(85.0, 86.0)}
    # Both sources named: one finding cites each document.
    text = " ".join(counts["source"]) + " ".join(counts["other_source"])
    assert "Self-Assessment" in text and "Update Summary" in text


def test_dorset_share_of_home_children_inside_dorset_disagrees_with_its_counts(findings):
    row = _has(findings, "residential_inside_share", DORSET, "pct_residential_inside_la", figure=26.0)
    assert len(row) >= 1
    assert row["expected"].round(1).isin([round(20 / 53 * 100, 1)]).any()


def test_no_false_alarms_on_dfes_published_data_for_every_council(store):
    """The rules raise nothing on DfE's and LAIT's own figures, all councils, all years, while
    actually comparing thousands of them (with a negative tolerance every comparison is a finding)."""
    published = store.observations[store.observations["source_kind"].isin(consistency.PUBLISHED)]
    rules = read_rules()
    assert check_observations(published, rules).empty
    comparisons = check_observations(published, rules.assign(tolerance=-1.0))
    per_kind = comparisons["kind"].value_counts()
    assert per_kind.get("rate", 0) > 500 and per_kind.get("percentage_of", 0) > 500


def test_a_planted_contradiction_is_found_and_a_matching_figure_is_not():
    base = {"period": pd.Timestamp("2026-03-31"), "period_label": "at 31 March 2026", "status": "ok",
            "source_id": "doc", "breakdown": "", "section": "s", "source_kind": "council", "source_title": "Doc"}
    obs = pd.DataFrame([
        {**base, "area_code": "A", "indicator_id": "fostering_households_total", "value": 100.0},
        {**base, "area_code": "A", "indicator_id": "fostering_households_mainstream", "value": 60.0},
        {**base, "area_code": "A", "indicator_id": "fostering_households_kinship", "value": 40.0},
        {**base, "area_code": "B", "indicator_id": "fostering_households_total", "value": 100.0},
        {**base, "area_code": "B", "indicator_id": "fostering_households_mainstream", "value": 60.0},
        {**base, "area_code": "B", "indicator_id": "fostering_households_kinship", "value": 30.0},
    ])
    found = check_observations(obs, read_rules())
    assert list(found["council_code"]) == ["B"] and list(found["difference"]) == [10.0]


def test_figures_without_a_stated_period_are_not_compared_on_period():
    base = {"area_code": "A", "status": "ok", "source_id": "doc", "breakdown": "", "section": "s",
            "source_kind": "council", "source_title": "Doc"}
    obs = pd.DataFrame([
        {**base, "indicator_id": "uasc_count", "value": 50.0, "period": pd.Timestamp("2026-03-31"),
         "period_label": "at 31 March 2026"},
        {**base, "indicator_id": "cic_count", "value": 100.0, "period": pd.Timestamp("2026-03-31"),
         "period_label": "period not stated"},
        {**base, "indicator_id": "pct_uasc", "value": 5.0, "period": pd.Timestamp("2026-03-31"),
         "period_label": "at 31 March 2026"},
    ])
    assert check_observations(obs, read_rules()[lambda r: r["kind"] == "percentage_of"]).empty


def test_cross_version_reports_changed_and_dropped_figures():
    keys = {"area_code": "A", "period": pd.Timestamp("2026-03-31"), "period_label": "at 31 March 2026",
            "breakdown": "", "section": "s", "source_id": "doc", "source_title": "Doc", "status": "ok"}
    old = pd.DataFrame([{**keys, "indicator_id": "cic_count", "value": 100.0},
                        {**keys, "indicator_id": "uasc_count", "value": 5.0},
                        {**keys, "indicator_id": "pct_uasc", "value": 5.0}])
    new = pd.DataFrame([{**keys, "indicator_id": "cic_count", "value": 104.0},
                        {**keys, "indicator_id": "uasc_count", "value": 5.0}])
    found = compare_versions(old, new)
    assert dict(zip(found["indicator"], found["message"])) == {
        "cic_count": "cic_count changed from 100.0 to 104.0", "pct_uasc": "pct_uasc is no longer given"}


def test_check_prints_findings_as_csv_for_one_council(engine):
    result = subprocess.run([sys.executable, "-m", "regional", "check", "--council", "Dorset"], cwd=PROJECT_DIR,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == consistency.FINDING_COLUMNS
    assert {r["council"] for r in rows} == {"Dorset"}
    assert {"households_sum", "residential_inside_share", "same_figure_two_places"} <= {r["rule"] for r in rows}


def test_check_rejects_an_unknown_council(engine):
    result = subprocess.run([sys.executable, "-m", "regional", "check", "--council", "Atlantis"], cwd=PROJECT_DIR,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Atlantis" in result.stderr


def _return(path, rows):
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_upload_reports_warnings_and_version_changes(engine, tmp_path):
    row = {"council": "Dorset", "indicator": "fostering_households_total", "period": "2026-01-31", "value": "200",
           "document": "Dorset test return (consistency)", "section": "1", "published": "2026-02-01"}
    parts = [{**row, "indicator": "fostering_households_mainstream", "value": "120"},
             {**row, "indicator": "fostering_households_kinship", "value": "70"}]
    got: list[pd.DataFrame] = []
    returns.load_council_return(_return(tmp_path / "r1.csv", [row, *parts]), engine, on_findings=got.append)
    first = got[-1]
    assert list(first.loc[first["rule"] == "households_sum", "difference"]) == [10.0]
    returns.load_council_return(_return(tmp_path / "r2.csv", [{**row, "value": "190"}, *parts]), engine,
                           on_findings=got.append)
    second = got[-1]
    assert second[second["rule"] == "households_sum"].empty
    assert list(second.loc[second["kind"] == "cross_version", "message"]) == [
        "fostering_households_total changed from 200.0 to 190.0"]


def test_a_rule_marked_error_rejects_the_upload_and_stores_nothing(engine, tmp_path, monkeypatch, store):
    strict = tmp_path / "rules.csv"
    rules = pd.read_csv(consistency.RULES_FILE, dtype=str, keep_default_na=False)
    rules.loc[rules["id"] == "uasc_share", "severity"] = "error"
    rules.to_csv(strict, index=False)
    monkeypatch.setattr(consistency, "RULES_FILE", strict)
    row = {"council": "Bath and North East Somerset", "period": "2026-01-31", "document": "B&NES strict test",
           "section": "1", "published": "2026-02-01"}
    path = _return(tmp_path / "bad.csv", [{**row, "indicator": "cic_count", "value": "200"},
                                          {**row, "indicator": "uasc_count", "value": "20"},
                                          {**row, "indicator": "pct_uasc", "value": "30"}])
    with pytest.raises(DataError, match="uasc_share"):
        returns.load_council_return(path, engine)
    held = db.read_table(engine, models.Source)
    assert not held["title"].eq("B&NES strict test").any()


def test_the_default_load_runs_the_rules_and_records_how_many_findings(engine):
    from sqlalchemy import select
    from sqlmodel import Session

    from regional import models

    with Session(engine) as session:
        detail = session.execute(select(models.LoadRecord.detail).where(models.LoadRecord.kind == "default")
                                 .order_by(models.LoadRecord.id.desc())).scalars().first()
    import re

    found = re.search(r"(\d+) consistency finding\(s\)", detail)
    assert found and int(found[1]) >= 10  # the shipped documents' contradictions, at least


def test_quoted_england_figures_are_checked_against_dfes_and_agree(store):
    rules = read_rules()
    cross = rules[rules["kind"] == "cross_source"]
    compared = check_observations(store.observations, cross.assign(tolerance=-1.0))
    quoted = compared[compared["breakdown"] == "england"]
    assert {"cic_rate_per_10k", "pct_uasc", "cic_ceased_rate_per_10k"} <= set(quoted["indicator"])
    assert (quoted["figure"] == quoted["other_figure"]).all()
    assert check_observations(store.observations, cross).empty


def test_skipping_rows_no_rule_reads_changes_no_finding(store):
    """check_observations looks only at the indicators its rules name (and, for rules on every
    indicator, those councils report): the same findings as running every rule over every row."""
    rules = read_rules(indicator_ids=set(store.indicators["id"]))
    obs = store.observations
    kept = consistency._looked_at(obs, rules)
    assert len(kept) < len(obs)  # some published rows are read by no rule
    fig = consistency._figures(obs)  # the whole load, as before
    split = consistency._ByIndicator(fig)
    everything = []
    for rule in (r for _, r in rules.iterrows()):
        kind = rule["kind"]
        if kind == "parts_of_whole":
            everything += consistency._parts_of_whole(split, rule)
        elif kind in ("percentage_of", "rate"):
            everything += consistency._ratio(split, rule, 100.0 if kind == "percentage_of" else 10_000.0)
        elif kind == "cross_source":
            everything += consistency._cross_source(fig, rule)
        elif kind == "cross_document":
            everything += consistency._cross_document(obs, rule)
    assert everything  # the default data has findings to compare
    got = check_observations(obs, rules)
    key = ["rule", "council_code", "indicator", "breakdown", "period", "figure", "source"]
    before = consistency._frame(everything)[key].astype(str).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[key].astype(str).sort_values(key).reset_index(drop=True), before)


def test_figures_split_by_indicator_are_the_whole_frame_filtered(store):
    """The rules read each indicator from a split made once; every part is exactly what filtering the
    whole frame gives (own figures only, or every breakdown), and an indicator with no figure is empty."""
    fig = consistency._figures(store.observations)
    split = consistency._ByIndicator(fig)
    for indicator in fig["indicator_id"].unique():
        every = fig[fig["indicator_id"] == indicator]
        pd.testing.assert_frame_equal(split.of(indicator, whole_only=False), every)
        pd.testing.assert_frame_equal(split.of(indicator), every[every["breakdown"] == ""])
    assert split.of("no_such_indicator").empty
    assert list(split.of("no_such_indicator").columns) == list(fig.columns)
