"""AppTest of the Overview page on the embedded data."""
import json

import pandas as pd


def _chart_rows(at):
    chart = at.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    assert spec
    import pyarrow as pa

    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True)


def test_overview_south_west_rcc(app_test, store):
    at = app_test("app.py").run()
    assert not at.exception
    assert at.title[0].value.startswith("Regional Care Benchmark")
    assert "South West RCC" in at.markdown[0].value
    wide = at.dataframe[0].value
    members = store.group_members("rcc:south-west")
    assert len(members) == 15
    assert set(wide["Area"]) == {store.name(c) for c in members} | {"England", "South West"}
    scilly = wide[wide["Area"] == "Isles of Scilly"].iloc[0]
    assert scilly["Children in care rate per 10,000 children"].startswith("suppressed")
    # the BCP headline is DfE's latest published rate
    bcp = store.preferred("cic_rate_per_10k", ["E06000058"])
    latest = bcp.sort_values("period").iloc[-1]
    assert at.metric[0].value == f"{latest['value']:.0f}"
    drawn = _chart_rows(at)
    assert "Bournemouth, Christchurch and Poole" in set(drawn.get("area_name", pd.Series(dtype=str)))


def test_overview_other_region_and_neighbours(app_test, store):
    at = app_test("app.py").run()
    at.sidebar.selectbox(key="group").set_value("region:E12000001").run()
    assert not at.exception
    assert "North East" in at.markdown[0].value
    wide = at.dataframe[0].value
    assert set(wide["Area"]) >= {store.name(c) for c in store.group_members("region:E12000001")}
    at.sidebar.selectbox(key="group").set_value("neighbours").run()
    at.sidebar.selectbox(key="council").set_value("E06000059").run()
    at.sidebar.radio(key="model").set_value("2021").run()
    assert not at.exception
    wide = at.dataframe[0].value
    expected = {store.name(c) for c in ["E06000059"] + store.statistical_neighbours("E06000059", "2021")}
    assert expected <= set(wide["Area"])
    assert "2021 model" in at.markdown[0].value


def test_overview_lists_council_returns_with_documents(app_test):
    at = app_test("app.py").run()
    returns = pd.concat([d.value for d in at.dataframe if "document" in d.value.columns])
    names = {e.label.split(":")[0] for e in at.expander}
    assert {"Bournemouth, Christchurch and Poole", "Dorset", "Bath and North East Somerset"} <= names
    assert (returns["document"].str.len() > 0).all()


def test_stale_sidebar_state_falls_back_to_the_defaults(app_test, store):
    """A group renamed (or a council gone) since the session chose it: the defaults, not a crash."""
    at = app_test("app.py")
    at.session_state["group"] = "rcc:renamed-since"
    at.session_state["council"] = "E99999999"
    at.session_state["model"] = "2030"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.selectbox(key="group").value == "rcc:south-west"
    assert at.sidebar.selectbox(key="council").value == "E06000058"
    assert "South West RCC" in at.markdown[0].value
