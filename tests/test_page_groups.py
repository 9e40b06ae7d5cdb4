"""The Groups page: everyone sees every group and its figures; only a regional admin gets the form,
and a group made there is saved, listed, editable and deletable."""
from __future__ import annotations

import pytest

PAGE = "pages/7_Groups.py"


def test_everyone_sees_the_groups_but_only_an_admin_gets_the_form(engine, app_test, signed_in):
    at = app_test(PAGE).run()
    assert not at.exception, at.exception
    listed = at.dataframe[0].value
    assert {"Greater Manchester RCC (RCC)", "South West RCC (RCC)", "South West (region)"} <= set(listed["label"])
    gm = listed.set_index("label").loc["Greater Manchester RCC (RCC)"]
    assert gm["councils"] == 10 and "Wigan" in gm["members"]
    figures = at.dataframe[1].value
    assert {"mean", "median", "pooled rate", "with a figure", "pooled over"} <= set(figures.columns)
    assert any("regional admin" in i.value for i in at.info)
    assert not at.main.text_input and not at.main.button
    editor = signed_in(app_test(PAGE), "editor", "E06000059").run()
    assert not editor.main.text_input and any("regional admin" in i.value for i in editor.info)


def test_an_admin_creates_edits_and_deletes_a_group(engine, app_test, signed_in):
    at = signed_in(app_test(PAGE), "admin").run()
    assert not at.exception, at.exception
    at.main.text_input[0].input("Wessex")
    at.multiselect[-1].set_value(["E06000058", "E06000059", "E06000054"])
    at.main.button[0].click().run()
    assert not at.exception, at.exception
    assert any("Saved 'Wessex'" in s.value for s in at.success), [e.value for e in at.error]
    listed = at.dataframe[0].value.set_index("label")
    assert listed.loc["Wessex (user group)", "councils"] == 3
    assert at.selectbox(key="groups_edit").value == "user:wessex"
    # a bad edit is refused with what was expected, nothing changed
    at.multiselect[-1].set_value(["E06000058"])
    at.main.button[0].click().run()
    assert any("at least two councils" in e.value for e in at.error)
    assert at.dataframe[0].value.set_index("label").loc["Wessex (user group)", "councils"] == 3
    at.checkbox(key="groups_confirm").check().run()
    at.button(key="groups_delete").click().run()
    assert not at.exception, at.exception
    assert "Wessex (user group)" not in set(at.dataframe[0].value["label"])


@pytest.mark.parametrize("role", [None, "editor"])
def test_the_library_refuses_a_non_admin_even_if_the_page_were_bypassed(store, role):
    from regional import groups

    with pytest.raises(groups.NotAllowed, match="regional admin"):
        groups.save_group(store, "Wessex", ["Dorset", "Wiltshire"], role=role, actor="x")
