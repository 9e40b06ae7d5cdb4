"""Links that keep the view: the selection a URL asks for, on the real embedded data, and
what happens to a link's unknown values (the default, with a note; never an error)."""
from __future__ import annotations

import pytest

from regional.links import council_code, link_params, page_choice, selection_from_link
from regional.selection import DEFAULT_COUNCIL, DEFAULT_RCC_ID

DORSET, BCP, MANCHESTER = "E06000059", "E06000058", "E08000003"


def test_a_council_by_code_or_name(store) -> None:
    assert council_code(store, DORSET) == DORSET
    assert council_code(store, "Dorset") == DORSET
    assert council_code(store, "bournemouth, christchurch and poole") == BCP
    assert council_code(store, "Atlantis") is None


def test_a_link_naming_a_council_opens_it_in_the_default_group(store) -> None:
    sel, notes = selection_from_link(store, {"council": DORSET})
    assert (sel.grouping_id, sel.council, sel.model, notes) == (DEFAULT_RCC_ID, DORSET, "2025", [])


def test_a_council_outside_the_default_group_opens_in_its_region(store) -> None:
    sel, notes = selection_from_link(store, {"council": MANCHESTER, "model": "2021"})
    assert sel.council == MANCHESTER and sel.grouping_id == f"region:{store.region_of(MANCHESTER)}"
    assert sel.model == "2021" and not notes
    assert MANCHESTER in sel.members


def test_unknown_values_fall_back_with_a_note_each(store) -> None:
    sel, notes = selection_from_link(store, {"group": "rcc:atlantis", "council": "E99999999", "model": "1999"})
    assert (sel.grouping_id, sel.council, sel.model) == (DEFAULT_RCC_ID, DEFAULT_COUNCIL, "2025")
    assert len(notes) == 3 and "rcc:atlantis" in notes[0] and "E99999999" in notes[1] and "1999" in notes[2]


def test_a_council_not_in_the_linked_group_is_refused_not_moved(store) -> None:
    sel, notes = selection_from_link(store, {"group": DEFAULT_RCC_ID, "council": MANCHESTER})
    assert sel.grouping_id == DEFAULT_RCC_ID and sel.council == DEFAULT_COUNCIL
    assert notes and "not a member" in notes[0]


def test_a_selection_round_trips_through_its_link(store) -> None:
    sel, _ = selection_from_link(store, {"group": "neighbours", "council": DORSET, "model": "2021"})
    again, notes = selection_from_link(store, link_params(sel))
    assert again.key == sel.key and not notes


def test_page_choices_match_by_text() -> None:
    assert page_choice("2024", [2025, 2024]) == (2024, None)
    assert page_choice(None, [1]) == (None, None)
    value, note = page_choice("2099", [2025, 2024])
    assert value is None and "2099" in note


def test_the_page_opens_the_linked_view_in_apptest(app_test) -> None:
    at = app_test("pages/1_Children_in_care.py")
    at.query_params["council"] = DORSET
    at.query_params["cic_measure"] = "excl_uasc"
    at.run()
    assert not at.exception
    assert at.session_state["council"] == DORSET and at.session_state["cic_measure"] == "excl_uasc"
    assert at.query_params["council"] == [DORSET] or at.query_params["council"] == DORSET


def test_a_bad_link_value_shows_a_note_not_an_error(app_test) -> None:
    at = app_test("pages/1_Children_in_care.py")
    at.query_params["council"] = "E99999999"
    at.query_params["cic_year"] = "1066"
    at.run()
    assert not at.exception and not at.error
    text = " ".join(i.value for i in at.info)
    assert "E99999999" in text and "1066" in text
    assert at.session_state["council"] == DEFAULT_COUNCIL


@pytest.mark.parametrize("path, key, value", [
    ("overview.py", "overview_measure", "cic_count"),
    ("pages/2_Fostering.py", "fostering_kind", "All types"),
    ("pages/3_Residential.py", "res_scope", "All councils"),
    ("pages/4_Placement_distance.py", "dist_uasc", "Excluding UASC"),
])
def test_each_page_opens_its_main_choice_from_the_link(app_test, path: str, key: str, value: str) -> None:
    at = app_test(path)
    at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.session_state[key] == value
