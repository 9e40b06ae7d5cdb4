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
    assert scilly["Children in care rate per 10,000 children"].startswith("not applicable")  # DfE's z
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


def test_overview_lists_council_figures_beside_dfes_with_their_own_periods(app_test):
    at = app_test("app.py").run()
    assert not at.exception
    figures = next(d.value for d in at.dataframe if "against DfE" in d.value.columns)
    assert {"Bournemouth, Christchurch and Poole", "Dorset", "Bath and North East Somerset"} <= set(figures["council"])
    assert (figures["source"].str.len() > 0).all()
    # Council-local measures are listed with the document's wording, not under DfE's measure.
    bcp = figures[figures["council"] == "Bournemouth, Christchurch and Poole"].set_index("measure")
    assert bcp.loc["Care experienced young people open to the service (BCP)", "figure"] == "361"
    assert bcp.loc["Care experienced young people open to the service (BCP)", "measure type"] == \
        "this council's own measure"
    # B&NES's count is at 26 February, not "at 31 March"; BCP's "currently 644" has no date.
    assert "at 26 February 2026" in set(figures.loc[figures["council"] == "Bath and North East Somerset", "period"])
    children = figures[(figures["council"] == "Bournemouth, Christchurch and Poole")
                       & (figures["measure"] == "Children in care")].set_index("figure")
    assert children.loc["644", "period"] == "period not stated"
    assert children.loc["644", "against DfE"].startswith("period not stated")
    assert children.loc["642", "against DfE"].startswith("later than DfE's latest")


def test_overview_data_quality_view_lists_both_figures_and_sources(app_test):
    at = app_test("app.py").run()
    quality = next(d.value for d in at.dataframe if "other source" in d.value.columns)
    dorset = quality[quality["council"] == "Dorset"]
    households = dorset[dorset["indicator"] == "All in-house fostering households"].iloc[0]
    assert households["figure"] == 171 and "112" in households["other figure"] and "58" in households["other figure"]
    assert "Placement Sufficiency Strategy" in households["source"]
    bcp = quality[quality["council"] == "Bournemouth, Christchurch and Poole"]
    uasc = bcp[bcp["finding"].str.contains("38 uasc_count / 642")]
    assert len(uasc) == 1 and uasc.iloc[0]["figure"] == 4.2


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
