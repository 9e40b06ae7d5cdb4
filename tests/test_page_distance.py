"""The Placement distance page: the map with arcs, rings and the group outline, the
band charts, suppression in cross-council views, and the synthetic label."""
from __future__ import annotations

import json

import pytest

PAGE = "pages/4_Placement_distance.py"


@pytest.fixture(scope="module")
def page(engine):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_DIR

    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=60).run()
    assert not at.exception
    return at


def apply(at) -> None:
    """The filters are a form: they apply when 'Apply filters' is pressed, not on every change."""
    next(b for b in at.button if b.label == "Apply filters").click().run()


def deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def test_map_has_councils_outline_rings_and_arcs(page):
    spec = deck(page)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert {"councils", "group-outline", "rings-20-miles", "placement-arcs"} <= set(layers)
    assert layers["placement-arcs"]["@@type"] == "ArcLayer"
    arcs = layers["placement-arcs"]["data"]
    # one arc per pair of councils (not per outcode pair), as wide as its number of children
    pairs = [a["tooltip"].split(":")[0] for a in arcs]
    assert len(pairs) == len(set(pairs)) and 10 < len(arcs) < 300
    assert all(" to " in p and p.split(" to ")[0] != p.split(" to ")[1] for p in pairs)
    widths = [a["width"] for a in arcs]
    assert max(widths) > 3 * min(widths)
    assert {a["distance_band"] for a in arcs} >= {"20 to 50 miles", "Over 50 miles"}
    assert all("synthetic" in a["tooltip"] for a in arcs)
    councils = layers["councils"]["data"]["features"]
    bcp = next(f for f in councils if f["properties"]["code"] == "E06000058")
    assert "26%" in bcp["properties"]["tooltip"] and "(2025)" in bcp["properties"]["tooltip"]


def test_page_labels_synthetic_data_and_suppresses_across_councils(page):
    assert any("Synthetic data" in w.value for w in page.warning)
    assert any("counts under 5" in c.value for c in page.caption)
    assert all("(synthetic)" in s.value for s in page.subheader[:4])
    arcs = {layer["id"]: layer for layer in deck(page)["layers"]}["placement-arcs"]["data"]
    assert any("fewer than 5 children" in a["tooltip"] for a in arcs)
    assert len(page.get("vega_lite_chart")) >= 4  # bands, locations, published bands, DfE new placements
    tables = [d.value for d in page.dataframe]
    bands = next(t for t in tables if "band" in t.columns and "children" in t.columns)
    assert set(bands["status"]) <= {"ok", "suppressed"}
    assert (bands.loc[bands["status"] == "suppressed", "children"].isna()).all()
    places = next(t for t in tables if "placement council" in t.columns)
    small = places[places["status"] == "suppressed"]
    assert len(small) > 10 and small["children"].isna().all() and small["median miles"].isna().all()
    assert (places["children"].dropna() >= 5).all()
    published = next(t for t in tables if "placement" in t.columns and "document" in t.columns)
    assert "Bath and North East Somerset" in set(published["council"])


def test_one_council_shows_its_own_counts_and_filters_work(engine):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_DIR

    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=60).run()
    at.multiselect(key="dist_councils").set_value(["E06000059"])
    apply(at)
    assert not at.exception
    assert not any("counts under 5" in c.value for c in at.caption)
    bands = next(d.value for d in at.dataframe if "band" in d.value.columns and "children" in d.value.columns)
    assert bands["children"].sum() == 465 and set(bands["status"]) == {"ok"}
    at.radio(key="dist_uasc").set_value("UASC only")
    apply(at)
    bands = next(d.value for d in at.dataframe if "band" in d.value.columns and "children" in d.value.columns)
    assert bands["children"].sum() == 66
    at.radio(key="dist_uasc").set_value("All children")
    at.radio(key="dist_when").set_value("A chosen date")
    at.date_input(key="dist_date").set_value("2021-03-31")
    apply(at)
    assert not at.exception
    bands = next(d.value for d in at.dataframe if "band" in d.value.columns and "children" in d.value.columns)
    assert 0 < bands["children"].sum() < 465  # fewer of the synthetic children had started by then
