"""AppTest of the Fostering page on the embedded data (the synthetic pipeline example included)."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

PAGE = "pages/2_Fostering.py"
BCP, DORSET = "E06000058", "E06000059"


def _charts(at) -> dict[str, tuple[dict, pd.DataFrame]]:
    """Every Altair chart on the page by its title (or its position), with the data it draws."""
    out = {}
    for i, chart in enumerate(at.get("vega_lite_chart")):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title", {})
        title = title.get("text", "") if isinstance(title, dict) else str(title)
        frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
        out[title or f"chart {i}"] = (spec, pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
    return out


def _table(at, column: str) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if column in d.value.columns]


@pytest.fixture(scope="module")
def page(engine):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_DIR

    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_shows_every_section_on_the_embedded_data(page, store):
    assert page.title[0].value.startswith("Fostering")
    headers = [h.value for h in page.main.header]
    assert [h.split(".")[0] for h in headers] == ["1", "2", "3", "4"]
    charts = _charts(page)
    assert len(charts) >= 10
    titles = " | ".join(charts)
    assert "SYNTHETIC EXAMPLE DATA: Fostering households by council and type" in titles
    assert "SYNTHETIC EXAMPLE DATA: Recruitment funnel" in titles
    assert "SYNTHETIC EXAMPLE DATA: Net household change" in titles
    assert any("SYNTHETIC EXAMPLE DATA" in w.value for w in page.warning)


def test_households_chart_draws_the_published_counts(page):
    spec, data = next(v for k, v in _charts(page).items() if "Fostering households" in k)
    published = data[data["series"] == "Published by the council"]
    assert {("Bournemouth, Christchurch and Poole", "All in-house", 222.0), ("Dorset", "Mainstream", 112.0)} <= set(
        zip(published["area_name"], published["household_type"], published["households"]))
    derived = data[data["series"] == "Derived (all minus kinship)"]
    assert derived["households"].tolist() == [119.0]
    table = next(t for t in _table(page, "figure") if "households" in t.columns)
    assert table["figure"].str.contains("SYNTHETIC").any() and (table["source"].str.len() > 0).all()


def test_utilisation_figures_and_tables(page, store):
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Bournemouth, Christchurch and Poole"] == "70%"  # 165 / 235 places, 2025
    assert metrics["England"] == "60%" and metrics["South West"] == "57%"
    every = next(t for t in _table(page, "role") if "Other council" in set(t["role"]))
    assert len(every[every["role"] != "Other council"]) == 15 + 2  # members, region and England
    assert every["source"].eq("dfe-lait").all()
    scilly = every[every["area"] == "Isles of Scilly"].iloc[0]
    assert pd.isna(scilly["utilisation_pct"]) and scilly["status"] == "missing"


def test_funnel_conversion_and_net_change(page):
    charts = _charts(page)
    _, funnel = next(v for k, v in charts.items() if "Recruitment funnel" in k)
    bcp = funnel[funnel["area_name"] == "Bournemouth, Christchurch and Poole"].set_index("stage")
    assert bcp.loc["enquiries", "count"] == 146 and bcp.loc["approvals", "count"] == 8
    assert bcp.loc["initial_visits", "text"] == "38  (26% of previous)"
    conversion = next(t for t in _table(page, "Enquiries to approvals"))
    assert conversion.set_index("council").loc["Bournemouth, Christchurch and Poole", "Enquiries to approvals"] == 5.5
    _, net = next(v for k, v in charts.items() if "Net household change" in k)
    bcp_net = net[(net["area_name"] == "Bournemouth, Christchurch and Poole") & (net["flow"] == "Approvals")]
    assert bcp_net["net_change"].sum() == -10
    assert any("stage exceeds the stage before it" in w.value for w in page.warning)


def test_forecast_states_the_gap_in_words(page):
    sentence = page.info[-1].value
    assert sentence.startswith("Bournemouth, Christchurch and Poole needs about")
    assumptions = next(t for t in _table(page, "assumption"))
    assert "Net change in households a year" in set(assumptions["assumption"])
    assert assumptions["basis"].str.contains("Sufficiency Update Summary").any()


def _apply(at) -> None:
    """The forecast's assumptions are a form: nothing reruns until 'Apply' is pressed."""
    next(b for b in at.button if b.label == "Apply these assumptions").click().run()


def test_forecast_assumptions_are_editable(app_test):
    at = app_test(PAGE).run()
    at.selectbox(key="fostering_forecast_council").set_value(DORSET).run()
    assert not at.exception
    before = at.info[-1].value
    assert before.startswith("Dorset is on course for")
    # Dorset's strategy wants fewer children with agencies: raise the in-house share
    at.slider(key=f"fostering_fc_{DORSET}_share").set_value(62.0)
    _apply(at)
    after = at.info[-1].value
    assert after.startswith("Dorset needs about") and "62%" in after
    table = next(t for t in _table(at, "assumption"))
    assert table.set_index("assumption").loc["Share placed with own mainstream carers", "basis"].endswith("(changed by user)")
    at.radio(key=f"fostering_fc_{DORSET}_how").set_value("a rate I set")
    at.slider(key=f"fostering_fc_{DORSET}_rate").set_value(5.0)
    _apply(at)
    assert not at.exception
    table = next(t for t in _table(at, "assumption")).set_index("assumption")
    assert table.loc["Change in children in foster care", "value"] == "+5.0% a year (user set)"
    assert at.info[-1].value != after


def test_kinship_funnel_says_not_reported(app_test):
    at = app_test(PAGE).run()
    at.radio(key="fostering_kind").set_value("Kinship / connected person").run()
    assert not at.exception
    _, funnel = next(v for k, v in _charts(at).items() if "Recruitment funnel" in k)
    assert set(funnel.loc[funnel["stage"] == "enquiries", "text"]) == {"not reported"}


def test_a_group_with_no_returns_shows_empty_states(app_test):
    at = app_test(PAGE).run()
    at.sidebar.selectbox(key="group").set_value("region:E12000001").run()
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "No member of this group has published fostering household counts" in infos
    assert "No pipeline return is held" in infos
    assert not any("SYNTHETIC" in w.value for w in at.warning)
    assert any(m.label == "England" for m in at.metric)
