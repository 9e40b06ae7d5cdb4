"""AppTest of the Residential page on the embedded data: what it shows for BCP, Dorset and a
council without returns, and that its choices change the figures."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa

from regional.importers import ofsted
from regional.settings import EXTRACT_DIR
from tests.conftest import map_layers

PAGE = "pages/3_Residential.py"


def _rows(chart) -> pd.DataFrame:
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _register() -> pd.DataFrame:
    return pd.read_csv(EXTRACT_DIR / ofsted.PROVIDERS_EXTRACT)


def test_page_for_bcp_in_the_south_west(app_test, store):
    at = app_test(PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Residential and supported accommodation"
    register = _register()
    bcp = register[(register["area_code"] == "E06000058")
                   & register["setting"].isin(["Children's home", "Secure children's home"])]
    assert _metric(at, "Local homes") == str(len(bcp)) == "9"
    assert _metric(at, "Places per 10,000 children") == "2.7"
    assert _metric(at, "In residential care (council)") == "55"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 7
    assert [("projection" in json.loads(c.proto.spec)) for c in charts].count(True) == 1  # the map
    ranked = _rows(charts[0])
    members = store.group_members("rcc:south-west")
    assert set(ranked.loc[ranked["area_code"].notna(), "area_code"]) == set(members)
    assert ranked.set_index("area_code").loc["E06000058", "places_per_10k"] == 2.7
    # every chart has a table with a source column, and a download
    tables = [d.value for d in at.dataframe]
    assert any("source" in t.columns and "England" in set(t.get("area", [])) for t in tables)  # plain headings
    assert len([b for b in at.get("download_button")]) >= 7
    text = " ".join(m.value for m in at.markdown)
    assert "20 of 53" in text  # Dorset, a fellow member with a return: own children inside its local homes


def test_map_colours_every_council_and_explains_gaps(app_test, store):
    at = app_test(PAGE).run()
    spec = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if "projection" in c.proto.spec)
    assert '"url"' not in json.dumps(spec)  # no outside tiles or files: the boundaries travel with the map
    features = map_layers(at)["councils"]
    tips = {f["code"]: f["tooltip"] for f in features}
    assert "2.7" in tips["E06000058"] and "group member" in tips["E06000058"]
    # "The group" (the default) draws the South West and its neighbours, not all of England
    assert set(store.group_members("rcc:south-west")) <= set(tips) and 15 < len(features) < 100
    at.radio(key="res_map_extent").set_value("England").run()
    tips = {f["code"]: f["tooltip"] for f in map_layers(at)["councils"]}
    assert "counted in Cumbria" in tips["E06000063"]
    assert len(tips) > 140


def test_settings_scope_and_measure_change_the_figures(app_test):
    at = app_test(PAGE).run()
    at.multiselect(key="res_settings").select(ofsted.SHORT_BREAK_HOME)
    next(b for b in at.button if b.label == "Apply settings").click().run()  # a form: applies on the button
    assert not at.exception
    assert _metric(at, "Local homes") == "10"  # BCP's short-break-only home is counted now
    at.radio(key="res_scope").set_value("All councils").run()
    at.radio(key="res_measure").set_value("Places").run()
    assert not at.exception
    ranked = _rows(at.get("vega_lite_chart")[0])
    assert ranked["area_code"].nunique() > 150
    assert ranked.set_index("area_code").loc["E06000058", "places"] == 24
    sector = next(d.value for d in at.dataframe if "sector" in d.value.columns)
    assert sector["ONS code"].nunique() > 150 and "E06000063" not in set(sector["ONS code"])
    at.radio(key="res_trend_area").set_value(at.radio(key="res_trend_area").options[1]).run()
    at.radio(key="res_trend_measure").set_value("Places").run()
    assert not at.exception


def test_dorset_and_a_council_without_returns(app_test):
    at = app_test(PAGE).run()
    at.selectbox(key="council").set_value("E06000059").run()
    assert not at.exception
    assert _metric(at, "In residential care (council)") == "53"
    at.selectbox(key="council").set_value("E06000027").run()  # Torbay: no council documents
    assert not at.exception
    assert _metric(at, "In residential care (council)") == "not published"
    captions = " ".join(c.value for c in at.caption)
    assert "No local provision return" in captions and "Torbay" in captions


def test_a_group_without_returns_says_so(app_test):
    at = app_test(PAGE).run()
    at.selectbox(key="group").set_value("region:E12000001").run()  # North East: no member has a return
    assert not at.exception
    assert any("No member of this group has sent a local provision return" in i.value for i in at.info)
