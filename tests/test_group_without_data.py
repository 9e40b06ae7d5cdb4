"""Pages with council-specific synthetic or uploaded data say plainly when the chosen group has none,
instead of showing another region's (issue 16, item 5): the Greater Manchester RCC holds no child-level
extract and no fostering pipeline return."""
from __future__ import annotations

from tests.conftest import map_layers

GM = "rcc:greater-manchester"


def choose_group(app_test, page: str, group: str):
    at = app_test(page).run()
    assert not at.exception, at.exception
    next(s for s in at.sidebar.selectbox if s.label == "Group").set_value(group).run()
    assert not at.exception, at.exception
    return at


def test_placement_distance_shows_no_other_groups_children(engine, app_test):
    at = choose_group(app_test, "pages/4_Placement_distance.py", GM)
    said = " ".join(i.value for i in at.info)
    assert "No council in Greater Manchester RCC (RCC) has a child-level placement extract" in said
    assert not any("Synthetic data" in w.value for w in at.warning)
    councils = next(m for m in at.multiselect if m.label.startswith("Councils"))
    assert councils.value == []
    assert not map_layers(at).get("placement-arcs"), "arcs from another group's children are drawn"
    child_level = [t for t in (d.value for d in at.dataframe)
                   if {"placed in", "placement council", "distance_band"} & set(t.columns) and "source_id" not in t]
    assert child_level and all(t.empty for t in child_level), [t.head() for t in child_level]
    # back to the South West: its own extracts again, not the empty choice kept from Greater Manchester
    next(s for s in at.sidebar.selectbox if s.label == "Group").set_value("rcc:south-west").run()
    councils = next(m for m in at.multiselect if m.label.startswith("Councils"))
    assert len(councils.value) == 3
    assert any("Synthetic data" in w.value for w in at.warning)


def test_fostering_pipeline_says_the_group_has_no_return(engine, app_test):
    at = choose_group(app_test, "pages/2_Fostering.py", GM)
    said = " ".join(i.value for i in at.info)
    assert "No pipeline return is held for this group's councils" in said
    assert not any("SYNTHETIC EXAMPLE DATA" in m.value for m in at.markdown)
    pipeline_tables = [t for t in (d.value for d in at.dataframe) if {"stage", "step", "enquiries"} & set(t.columns)]
    assert not pipeline_tables, "a pipeline table is drawn for a group with no pipeline return"
