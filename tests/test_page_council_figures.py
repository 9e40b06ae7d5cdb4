"""The Children in care and Fostering pages list the councils' own figures beside DfE's series,
with their own labels and periods; council-local measures never join DfE's lines."""
from __future__ import annotations

import pandas as pd


def _table(at, column="against DfE") -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_children_in_care_page_lists_council_measures_beside_dfes(app_test):
    at = app_test("pages/1_Children_in_care.py").run()
    assert not at.exception, [e.message for e in at.exception]
    figures = _table(at)
    bcp = figures[figures["council"] == "Bournemouth, Christchurch and Poole"]
    local = bcp[bcp["measure"] == "% in care for 12+ months with 3+ placements (BCP)"]
    assert set(local["figure"]) == {"6%", "8%"}
    assert set(local["period"]) == {"period not stated", "April 2025 to March 2026"}
    assert (local["measure type"] == "this council's own measure").all()
    against = dict(zip(local["period"], local["against DfE"]))
    assert against == {"period not stated": "period not stated: not comparable with DfE's",
                       "April 2025 to March 2026": "no DfE series for this measure"}


def test_trend_crosses_are_dated_figures_with_dfes_definition_only(store):
    """The crosses on DfE's trend: 642 at March 2026 is drawn; 644 ('currently', no period) is not."""
    from regional import metrics

    points = metrics.cic_council_points(store, ["E06000058", "E06000059"])
    assert 644.0 not in set(points["count"]) and 642.0 in set(points["count"])
    assert (points["period_label"] != "period not stated").all()


def test_fostering_page_keeps_bcps_two_inhouse_shares_apart(app_test):
    at = app_test("pages/2_Fostering.py").run()
    assert not at.exception, [e.message for e in at.exception]
    figures = _table(at)
    bcp = figures[figures["council"] == "Bournemouth, Christchurch and Poole"].set_index("measure")
    hub = bcp.loc["Children placed with in-house foster carers (BCP Sufficiency Update Summary measure)"]
    self_assessment = bcp.loc["Children placed with inhouse carers (BCP Self-Assessment 7.6)"]
    assert hub["figure"] == "46.9%" and self_assessment["figure"] == "66%"
    assert self_assessment["period"] == "period not stated"
    assert "Self-Assessment" in self_assessment["source"]
