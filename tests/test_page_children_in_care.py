"""The Children in care page runs for the South West group and other regions, and shows
what the raw DfE files say (expected figures recomputed here from the CSV)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from regional.importers import dfe

PAGE = "pages/1_Children_in_care.py"
STOCK = "Children looked after on 31 March each year"


def chart_data(chart) -> pd.DataFrame:
    """All rows an Altair chart carries (Streamlit ships its datasets as Arrow)."""
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


@pytest.fixture(scope="module")
def raw_2025(shared_data) -> dict[str, dict]:
    with open(shared_data / "dfe" / dfe.CLA_FILE, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["time_period"] == "2025" and r["population_type"] == STOCK
                and r["geographic_level"] == "Local authority"]
    return {r["new_la_code"]: r for r in rows}


@pytest.fixture(scope="module")
def south_west(engine):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / PAGE), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_south_west_page_runs_and_draws_every_chart(south_west, store):
    at = south_west
    assert at.title[0].value == "Children in care"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5  # trend, rank, funnel, neighbours, flows
    trend = chart_data(charts[0])
    members = set(store.group_members("rcc:south-west"))
    assert len(members) == 15
    drawn = set(trend["area_code"].dropna())
    assert (members - {"E06000053"}) | {"E92000001", "E12000009"} <= drawn
    assert "E06000053" not in drawn  # the Isles of Scilly: a gap, no point and no line, never a zero ...
    assert "Isles of Scilly 2016 (suppressed)" in texts(at)  # ... and said so under the chart
    figures = trend[trend["kind"] == "figure"]
    assert not (figures["value"] == 0).any()
    somerset = figures[figures["area_code"] == "E06000066"]
    assert set(somerset["year"]) >= {2021, 2022, 2023, 2024, 2025}  # created 2023; DfE carries the county's series
    own = trend[trend["kind"] == "council return"]
    assert {"Bournemouth, Christchurch and Poole", "Dorset"} <= set(own["area_name"])
    assert json.loads(charts[0].proto.spec)["layer"][0]["mark"]["type"] == "line"


def test_rank_chart_and_sentence_match_the_raw_file(south_west, raw_2025, store):
    at = south_west
    rates = {c: float(r["rate_per_10000"]) for c, r in raw_2025.items()
             if c in set(store.councils()["code"]) and r["rate_per_10000"] not in ("c", "z", "x")}
    rank = 1 + sum(v > rates["E06000058"] for v in rates.values())
    bars = chart_data(at.get("vega_lite_chart")[1])
    bars = bars.dropna(subset=["area_code"]).drop_duplicates("area_code")
    assert len(bars) == len(rates) == 151
    assert f"{rank}th highest of 151, tied" in texts(at)
    table = at.dataframe[1].value
    assert {"period", "source", "rank", "quartile"} <= set(table.columns)
    assert table.loc[table["council"] == "Dorset", "rate_per_10k"].iloc[0] == float(raw_2025["E06000059"]["rate_per_10000"])


def test_funnel_and_neighbours_figures(south_west, raw_2025, shared_data):
    at = south_west
    points = chart_data(at.get("vega_lite_chart")[2])
    dots = points.dropna(subset=["area_code"]).drop_duplicates("area_code")
    assert len(dots) == 151
    bcp = raw_2025["E06000058"]
    row = dots[dots["area_code"] == "E06000058"].iloc[0]
    assert row["exact_rate"] == pytest.approx(float(bcp["children_count"]) / float(bcp["population_estimate"]) * 10000)
    limits = points[points["side"].notna()]
    assert set(limits["line"]) == {"England rate (centre line)", "95% limits", "99.8% limits"}
    # the count gap, from the raw files: BCP's 2025-model neighbours' simple mean rate x BCP's children
    with open(shared_data / "dfe" / dfe.SN_2025_FILE, encoding="utf-8-sig", newline="") as f:
        neighbours = next(r for r in csv.DictReader(f) if r["old_la_code"] == "839")
    by_old = {r["old_la_code"]: float(r["rate_per_10000"]) for r in raw_2025.values()
              if r["rate_per_10000"].replace(".", "").isdigit()}
    mean = sum(by_old[neighbours[f"SN_{i}"]] for i in range(1, 11)) / 10
    expected = round(mean * float(bcp["population_estimate"]) / 10000)
    assert f"would care for {expected} children (now 560)" in texts(at)
    bars = chart_data(at.get("vega_lite_chart")[3]).drop_duplicates("area_name")
    assert bars.loc[bars["bar"] == "Neighbours' mean", "rate"].iloc[0] == pytest.approx(mean)
    assert (bars["bar"] == "Neighbour").sum() == 10


def test_every_table_has_source_and_period(south_west):
    for frame in (d.value for d in south_west.dataframe):
        if "model" in frame.columns and "difference" in frame.columns:
            continue  # the count-gap comparison table names its period only
        assert "period" in frame.columns, frame.columns
        assert "source" in frame.columns or "method" in frame.columns, frame.columns


def test_another_region_runs(app_test, engine, store):
    at = app_test(PAGE).run()
    at.selectbox(key="group").set_value("region:E12000007").run()  # London
    assert not at.exception, [e.message for e in at.exception]
    london = set(store.group_members("region:E12000007"))
    trend = chart_data(at.get("vega_lite_chart")[0])
    assert london | {"E92000001", "E12000007"} <= set(trend["area_code"].dropna())
    council = at.selectbox(key="council").value
    assert council in london
    city = trend[(trend["kind"] == "figure") & (trend["area_code"] == "E09000001")]
    assert 2025 not in set(city["year"])  # City of London's 2025 figure is suppressed ('c'): a gap, not a zero
    ranked = chart_data(at.get("vega_lite_chart")[1]).dropna(subset=["area_code"]).drop_duplicates("area_code")
    assert (ranked["group"] == "Group member").sum() + (ranked["group"] == "Council of interest").sum() == len(london) - 1


def test_excluding_uasc_counts_and_panels(app_test, engine):
    at = app_test(PAGE).run()
    at.radio(key="cic_measure").set_value("excl_uasc").run()
    at.radio(key="cic_trend_layout").set_value("A panel per council").run()
    at.radio(key="cic_trend_show").set_value("Number of children").run()
    at.toggle(key="cic_zero").set_value(False).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "derived" in "\n".join(i.value for i in at.info)
    trend = chart_data(at.get("vega_lite_chart")[0])
    assert "E92000001" not in set(trend["area_code"].dropna())  # counts: England is on another scale
    assert set(trend["panel"].dropna()) >= {"Dorset", "Bournemouth, Christchurch and Poole"}
    spec = json.loads(at.get("vega_lite_chart")[1].proto.spec)
    assert "facet" not in spec


def test_council_without_neighbours_and_a_suppressed_council(app_test, engine):
    at = app_test(PAGE).run()
    at.selectbox(key="group").set_value("region:E12000002").run()  # North West
    at.selectbox(key="council").set_value("E06000063").run()  # Cumberland, created 2023
    at.radio(key="model").set_value("2021").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("has no statistical neighbours in DfE's 2021 model" in i.value for i in at.info)
    at.selectbox(key="cic_year").set_value(2021).run()  # before Cumberland existed: no figure, no rank
    assert not at.exception, [e.message for e in at.exception]
    assert "not ranked" in texts(at) or any("no all children in care figure" in i.value for i in at.info)

    at = app_test(PAGE).run()
    at.selectbox(key="council").set_value("E06000053").run()  # Isles of Scilly: 'z' in every year
    assert not at.exception, [e.message for e in at.exception]
    assert any(m.value == "not applicable" for m in at.metric)  # DfE prints z: not applicable, never 0
