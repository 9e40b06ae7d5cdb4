"""AppTest of the Action plans page on the embedded data."""
import json

import pandas as pd

PAGE = "pages/5_Action_plans.py"


def _chart_rows(chart) -> pd.DataFrame:
    import pyarrow as pa

    assert json.loads(chart.proto.spec)
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True)


def test_action_plans_page_south_west(app_test, store):
    at = app_test(PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Action plans"
    group = at.dataframe[0].value.set_index("council")
    # BCP's newest plan is its March 2026 tracker: the document's own 29 completed, 19 on track, 0 attention
    bcp = group.loc["Bournemouth, Christchurch and Poole"]
    assert (bcp["Completed"], bcp["On track"], bcp["Requires further attention"]) == (29, 19, 0)
    assert "March 2026" in bcp["version"]
    assert group.loc["Devon", "version"] == "no action plan held"
    assert set(group.index) == {store.name(c) for c in store.group_members("rcc:south-west")}
    drawn = _chart_rows(at.get("vega_lite_chart")[0])
    assert {"29 completed", "19 on track"} <= set(drawn["label"])  # status in words, not colour alone
    # the council of interest (BCP) is chosen; its newest version by priority adds to 48 actions
    priority = at.dataframe[1].value
    assert priority["Total"].sum() == 48
    measures = at.dataframe[2].value
    assert measures["flag"].str.contains("require further attention").any()
    # two BCP versions are held, so the comparison is shown, new version against version 1
    changes = at.dataframe[-1].value
    renumbered = changes[changes["matched_by"].str.contains("renumbered")]
    assert set(zip(renumbered["reference_before"], renumbered["reference_now"])) == {("6.5", "6.6"), ("6.6", "6.7")}


def test_action_plans_page_other_council(app_test):
    at = app_test(PAGE).run()
    at.sidebar.selectbox(key="council").set_value("E06000059").run()
    assert not at.exception
    priority = at.dataframe[1].value
    assert priority["Not rated"].sum() == priority["Total"].sum() == 64  # Dorset's strategy rates nothing
    assert any("one version" in i.value for i in at.info)


def test_overview_meeting_pack_button(app_test):
    """The Overview's button makes the pack for the sidebar's group and councils, as HTML and PDF."""
    from pathlib import Path

    from regional import report

    at = app_test("app.py")
    at.run()
    at.button(key="pack_make").click().run(timeout=240)
    assert not at.exception
    document, stem = at.session_state["pack_html"]
    assert stem.startswith("south-west-rcc")
    assert "<h1>South West RCC (RCC)</h1>" in document
    assert "Council of interest: Bournemouth, Christchurch and Poole" in document
    if Path(report.CHROMIUM).exists():
        assert at.session_state["pack_pdf"][:5] == b"%PDF-"
