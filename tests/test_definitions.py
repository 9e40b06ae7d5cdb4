"""One definition per indicator, council figures filed only under what they mean, honest periods
and the documents' comparators stored as what they are."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from regional.importers.council_return import council_period, read_council_return
from regional.indicators import read_catalogue
from regional.observations import PERIOD_NOT_STATED
from tests.conftest import PROJECT_DIR

BCP, BNES, DORSET = "E06000058", "E06000022", "E06000059"
SA = "Children's Services Self-Assessment May 2026"


def test_every_indicator_has_a_definition_unit_polarity_scope_and_period_type():
    cat = read_catalogue()
    raw = pd.read_csv(PROJECT_DIR / "data" / "indicators.csv", dtype=str, keep_default_na=False)
    for column in ("description", "unit", "polarity", "scope", "period_type"):
        assert (raw[column].str.len() > 0).all(), column  # written in the file, not defaulted
    assert (cat["description"].str.len() > 40).all()
    assert (cat.loc[cat["scope"] == "dfe", "dfe_item"].str.len() > 3).all()
    local = cat[cat["scope"] == "local"]
    assert len(local) >= 10 and (local["council"] != "").all()


def _council_rows(store, indicator):
    return store.observations_for(indicator, None, source="council", breakdown=None)


def test_refiled_figures_no_longer_sit_under_dfes_indicators(store):
    care_leavers = _council_rows(store, "care_leavers_count")
    assert care_leavers.empty  # 361 (BCP) and 309 (Dorset) are other measures
    assert set(_council_rows(store, "bcp_ceyp_open_to_service")["value"]) == {361.0}
    assert set(_council_rows(store, "dorset_care_leavers_with_personal_advisor")["value"]) == {309.0}
    for dfe_id in ("pct_care_leavers_eet", "pct_care_leavers_suitable_accommodation"):
        rows = _council_rows(store, dfe_id)
        assert set(rows["area_code"]) <= {BCP}  # only BCP's 19-21 KPI rows, which are DfE's definition
        assert set(rows["source_title"]) == {SA}
    assert set(_council_rows(store, "dorset_pct_care_leavers_suitable_accommodation")["value"]) == {98.0, 97.0}
    assert set(_council_rows(store, "bcp_pct_ceyp_suitable_accommodation")["value"]) == {92.0, 93.0}
    assert not (_council_rows(store, "cic_in_foster_count")["area_code"] == BNES).any()
    assert set(_council_rows(store, "bnes_cic_in_foster_excl_kinship_count")["value"]) == {87.0}
    # BCP's 3+ placements are for children in care 12+ months; Dorset's 'around 10%' is of all its
    # children in care, DfE's definition, over the 12 months to October 2023.
    three_plus = _council_rows(store, "pct_three_plus_placements")
    assert list(three_plus["area_code"]) == [DORSET]
    assert list(three_plus["period_label"]) == ["November 2022 to October 2023"]
    assert _council_rows(store, "pct_placed_inhouse_foster").empty
    assert set(_council_rows(store, "bcp_pct_placed_inhouse_foster_hub_measure").query("breakdown == ''")["value"]) == {46.9}
    assert set(_council_rows(store, "bcp_pct_placed_inhouse_carers_self_assessment")["value"]) == {66.0}


def test_dorset_care_leaver_series_is_dfes_alone(store):
    """The issue's 201 (DfE) -> 309 (council) -> 201 (DfE) series can no longer be drawn."""
    rows = store.preferred("care_leavers_count", [DORSET], published_only=False)
    assert set(rows["source_kind"]) <= {"dfe", "lait"}


@pytest.mark.parametrize("text,kind,label,end", [
    ("2026-02-26", "snapshot", "at 26 February 2026", date(2026, 2, 26)),
    ("2026-03", "snapshot", "at March 2026", date(2026, 3, 31)),
    ("2025-26", "flow", "2025-26", date(2026, 3, 31)),
    ("2025/26", "flow", "2025-26", date(2026, 3, 31)),
    ("2025-04/2026-04", "change", "April 2025 to April 2026", date(2026, 4, 30)),
    ("2024-03", "change", "in March 2024", date(2024, 3, 31)),
    ("not stated", "snapshot", PERIOD_NOT_STATED, None),
])
def test_council_periods_read_as_the_document_gives_them(text, kind, label, end):
    assert council_period(text, kind) == (end, label)


def test_a_backwards_span_is_an_error():
    with pytest.raises(ValueError, match="earlier to a later"):
        council_period("2026-04/2025-04")


def test_no_council_figure_is_labelled_at_31_march_unless_its_document_says_so(store):
    rows = _council_rows(store, store.indicators["id"].tolist())
    bnes = rows[(rows["area_code"] == BNES) & (rows["indicator_id"] == "cic_count")]
    assert list(bnes["period_label"]) == ["at 26 February 2026"]
    dorset = rows[(rows["area_code"] == DORSET) & (rows["indicator_id"] == "cic_count")]
    assert list(dorset["period_label"]) == ["at 31 October 2023"]


def test_quoted_comparators_without_a_period_are_not_given_one(store):
    rows = _council_rows(store, ["pct_placed_over_20_miles", "bcp_pct_placed_inhouse_foster_hub_measure",
                                 "pct_foster_carer_retention", "pct_inhouse_foster_bed_utilisation"])
    quoted = rows[rows["breakdown"].isin(["england", "region", "good_plus", "sn_average"])
                  & rows["source_title"].str.contains("Update Summary")]
    assert set(quoted["value"]) >= {22.0, 43.0, 65.0, 76.0, 42.5, 38.8}
    assert (quoted["period_label"] == PERIOD_NOT_STATED).all()
    # Comparators sit under the quoting council, never in England's or the region's own series.
    assert set(quoted["area_code"]) == {BCP}


def test_bcp_currently_644_has_no_invented_date(engine):
    result = subprocess.run([sys.executable, "-m", "regional", "show", "cic_count", "--council", "BCP",
                             "--source", "council", "--long"], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    rows = {r["value"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["644"]["period"] == "" and rows["644"]["period_label"] == PERIOD_NOT_STATED
    assert rows["642"]["period_label"] == "at March 2026" and rows["642"]["section"].startswith("2b")
    assert "currently" in rows["644"]["note"]


def test_bcp_self_assessment_kpi_tables_carry_all_four_columns(store):
    rows = _council_rows(store, store.indicators["id"].tolist())
    kpi = rows[(rows["source_title"] == SA) & rows["section"].str.contains("Key Performance Indicators")]
    per_row = kpi.groupby(["indicator_id"])["breakdown"].apply(set)
    assert len(per_row) == 17
    assert all(b == {"", "england", "sn_average", "good_plus"} for b in per_row)
    good_plus = kpi[kpi["breakdown"] == "good_plus"]
    assert len(good_plus) == 17
    # The document's "n/a" stays a marker, never a number.
    na = kpi[kpi["status"] == "not_applicable"]
    assert len(na) == 9 and na["value"].isna().all()
    rate = kpi[kpi["indicator_id"] == "cic_rate_per_10k"].set_index("breakdown")
    assert rate.loc["good_plus", "value"] == 68 and rate.loc["good_plus", "period_label"] == "2024-25"
    assert rate.loc["", "period_label"] == "at March 2026"


def test_dorset_leaving_care_and_permanence_figures_are_carried(store):
    rows = _council_rows(store, ["pct_ceased_care_adoption", "days_cic_to_placed_for_adoption",
                                 "dorset_ceased_care_sgo_cao_count"])
    dorset = rows[rows["area_code"] == DORSET].set_index(["indicator_id", "breakdown"])["value"]
    assert dorset[("pct_ceased_care_adoption", "")] == 15 and dorset[("pct_ceased_care_adoption", "good_plus")] == 14
    assert dorset[("days_cic_to_placed_for_adoption", "sn_average")] == 342
    assert dorset[("dorset_ceased_care_sgo_cao_count", "")] == 21


def test_a_council_figure_can_be_provisional_and_a_figure_without_period_needs_a_dated_document(store, tmp_path):
    ok = tmp_path / "ok.csv"
    pd.DataFrame([{"council": "Dorset", "indicator": "cic_count", "period": "2026-01-31", "value": "470",
                   "status": "provisional", "document": "d", "published": ""},
                  {"council": "Dorset", "indicator": "uasc_count", "period": "not stated", "value": "60",
                   "document": "d", "published": ""}]).to_csv(ok, index=False)
    obs, _ = read_council_return(ok, store.index, set(store.indicators["id"]))
    assert list(obs["status"]) == ["provisional", "ok"]
    assert obs.loc[1, "period_label"] == PERIOD_NOT_STATED and obs.loc[1, "period"] == date(2026, 1, 31)
    bad = tmp_path / "bad.csv"
    pd.DataFrame([{"council": "Dorset", "indicator": "uasc_count", "period": "not stated", "value": "60",
                   "document": "e", "published": ""}]).to_csv(bad, index=False)
    from regional.errors import DataError

    with pytest.raises(DataError, match="published date"):
        read_council_return(bad, store.index, set(store.indicators["id"]))
