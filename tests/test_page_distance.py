"""The Placement distance page: the map with arcs, rings and the group outline, the
band charts, suppression in cross-council views, and the synthetic label."""
from __future__ import annotations

import re

import pytest

from tests.conftest import map_layers

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


def test_map_has_councils_outline_rings_and_arcs(page):
    layers = map_layers(page)
    assert {"councils", "group-outline", "rings-20-miles", "placement-arcs", "placement-ends"} <= set(layers)
    arcs = layers["placement-arcs"]
    # one arc per pair of councils (not per outcode pair), as wide as its number of children
    pairs = [a["tooltip"].split(":")[0] for a in arcs]
    assert len(pairs) == len(set(pairs)) and 10 < len(arcs) < 300
    assert all(" to " in p and p.split(" to ")[0] != p.split(" to ")[1] for p in pairs)
    widths = [a["width"] for a in arcs]
    assert max(widths) > 2 * min(widths)  # only pairs of 5 or more children are drawn (privacy)
    assert {a["distance_band"] for a in arcs} >= {"20 to 50 miles"}
    assert all(int(re.search(r": (\d+) children", a["tooltip"])[1]) >= 5 for a in arcs)  # never one child's journey
    assert all("synthetic" in a["tooltip"] for a in arcs)
    assert len(layers["placement-ends"]) == len(arcs)  # a dot where each pair's children live now
    bcp = next(f for f in layers["councils"] if f["code"] == "E06000058")
    assert "26%" in bcp["tooltip"] and "(2025)" in bcp["tooltip"]


def test_page_labels_synthetic_data_and_suppresses_across_councils(page):
    assert any("Synthetic data" in w.value for w in page.warning)
    assert any("counts under 5" in c.value for c in page.caption)
    assert all("(synthetic)" in s.value for s in page.subheader[:4])
    arcs = map_layers(page)["placement-arcs"]
    assert arcs and not any("fewer than" in a["tooltip"] for a in arcs)
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


def _child_tables(at) -> tuple[list, list]:
    """Every table on the page that counts children, and the arcs on the map."""
    tables = [d.value for d in at.dataframe if "children" in d.value.columns]
    arcs = map_layers(at)["placement-arcs"]
    return tables, arcs


def _child_tables_unsuppressed(at) -> list:
    """The same view prepared for Dorset's own editor (no suppression): what the page would leak without it."""
    from regional.store import load_store
    from regional import db
    from regional.selection import default_selection
    from regional.views import placement_distance as view

    store = load_store(db.get_engine())
    choices = view.Choices(councils=("E06000059",), uasc="UASC only", editor_council="E06000059")
    return [s.table for s in view.prepare(store, default_selection(store), choices)
            if s.table is not None and "children" in s.table.columns]


def test_one_council_and_uasc_only_views_suppress_small_counts(engine):
    """Privacy: one council chosen (anyone can), and 'UASC only' on top: no count from 1 to 4 in any
    table, no arc of fewer than 5 children, suppressed cells empty (never 0)."""
    from streamlit.testing.v1 import AppTest

    from regional.privacy import small_counts_shown
    from tests.conftest import PROJECT_DIR

    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=60).run()
    at.multiselect(key="dist_councils").set_value(["E06000059"])
    apply(at)
    assert not at.exception
    assert any("counts under 5" in c.value for c in at.caption)
    bands = next(d.value for d in at.dataframe if "band" in d.value.columns and "children" in d.value.columns)
    assert 0 < bands["children"].sum() <= 465
    for view in ("All children", "UASC only"):
        at.radio(key="dist_uasc").set_value(view)
        apply(at)
        assert not at.exception
        tables, arcs = _child_tables(at)
        assert len(tables) >= 3
        for table in tables:
            assert small_counts_shown(table) == 0, (view, table)
        assert all(int(re.search(r": (\d+) children", a["tooltip"])[1]) >= 5 for a in arcs)
        if view == "UASC only":
            bands = next(t for t in tables if "band" in t.columns)
            hidden_somewhere = any((t["status"] == "suppressed").any() for t in tables if "status" in t.columns)
            assert hidden_somewhere or not any(  # where the unsuppressed view has small cells, they are hidden
                small_counts_shown(t) for t in _child_tables_unsuppressed(at))
            hidden = bands[bands["status"] == "suppressed"]
            assert hidden["children"].isna().all()
    at.radio(key="dist_uasc").set_value("All children")
    at.radio(key="dist_when").set_value("A chosen date")
    at.date_input(key="dist_date").set_value("2021-03-31")
    apply(at)
    assert not at.exception
    bands = next(d.value for d in at.dataframe if "band" in d.value.columns and "children" in d.value.columns)
    assert 0 < bands["children"].sum() < 465  # fewer of the synthetic children had started by then


def test_an_editor_sees_their_own_councils_small_counts(store):
    """The one exception: an editor signed in for Dorset, looking at Dorset only (sign-in: issue 11)."""
    from regional.selection import default_selection
    from regional.views import placement_distance as view

    for editor, shown in ((None, False), ("E06000058", False), ("E06000059", True)):
        choices = view.Choices(councils=("E06000059",), uasc="UASC only", editor_council=editor)
        child_level = ("dist_bands", "dist_locations", "dist_destinations")  # not DfE's own suppressed figures
        tables = [s.table for s in view.prepare(store, default_selection(store), choices)
                  if s.key in child_level and s.table is not None and "status" in s.table.columns]
        suppressed = any((t["status"] == "suppressed").any() for t in tables)
        assert suppressed != shown, editor
