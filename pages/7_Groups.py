"""Groups: the comparator groups every page can select (RCCs, regions, groups users defined).

Anyone sees them and their figures; a regional admin creates, edits and deletes user-defined groups.
Layout only: the sections come from ``regional.views.groups``; the checks (role, names, members) and
the writes are the library's (``regional.groups``, ``regional.db``).
"""
from __future__ import annotations

import streamlit as st

import ui
from regional import groups
from regional.errors import DataError
from regional.views import groups as view


def signed_in() -> tuple[str | None, str]:
    """The signed-in person's role and email (sidebar sign-in, ``regional.auth``). Nobody signed in
    holds no role, and the library refuses their changes."""
    person = ui.actor()
    return (person.role, person.who) if person is not None else (None, "not signed in")


sel = ui.selection()
store = ui.get_store()
state = st.session_state
st.title("Comparator groups")
s = ui.prepare(view.PAGE, sel, view.Choices(summary_group=state.get("groups_summary")))
listing = s["groups_list"]
st.markdown(listing.markdown)
st.dataframe(listing.table, hide_index=True, width="stretch", key="groups_table")

labels = listing.extra["labels"]
st.subheader("A group's figures")
st.selectbox("Group", listing.extra["ids"], format_func=labels.get, key="groups_summary",
             index=listing.extra["ids"].index(s["groups_figures"].extra["shown"]))
ui.show(s["groups_figures"], title=False)

if "groups_message" in state:
    st.success(state.pop("groups_message"))
st.subheader("Define a group")
role, actor = signed_in()
if role not in groups.ADMIN_ROLES:
    st.info("Only a regional admin can create, edit or delete groups. Sign in with a regional admin account to "
            "change them; everyone can use them.")
    st.stop()

if "_groups_edit_next" in state:
    state["groups_edit"] = state.pop("_groups_edit_next")
choices = ["(new group)"] + listing.extra["user"]
if state.get("groups_edit") not in choices:
    state.pop("groups_edit", None)
editing = st.selectbox("Group to edit", choices, key="groups_edit", format_func=lambda g: labels.get(g, g))
is_new = editing == "(new group)"
current = store.groupings[store.groupings["id"] == editing]
councils = store.councils()
names = dict(zip(councils["code"], councils["name"]))
with st.form("group_form"):
    name = st.text_input("Name", value="" if is_new else str(current["name"].iloc[0]), max_chars=80,
                         placeholder="e.g. Peninsula")
    description = st.text_input("Description", max_chars=500,
                                value="" if is_new else str(current["description"].iloc[0] or ""))
    chosen = st.multiselect("Councils", councils["code"].tolist(), format_func=names.get,
                            default=[] if is_new else [c for c in store.group_members(editing) if c in names])
    saved = st.form_submit_button("Create group" if is_new else "Save changes")
if saved:
    try:
        gid = groups.save_group(store, name, chosen, role=role, actor=actor, description=description,
                                group_id=None if is_new else editing)
    except (DataError, groups.NotAllowed) as exc:
        st.error(str(exc))
    else:
        state["groups_message"] = f"Saved '{name.strip()}' ({len(chosen)} councils): every page lists it now."
        state["_groups_edit_next"] = gid
        st.rerun()

if not is_new:
    confirm = st.checkbox(f"Yes, delete '{labels[editing]}'", key="groups_confirm")
    if st.button("Delete this group", key="groups_delete", disabled=not confirm):
        try:
            groups.delete_group(store, editing, role=role, actor=actor)
        except (DataError, groups.NotAllowed) as exc:
            st.error(str(exc))
        else:
            state["groups_message"] = f"Deleted '{labels[editing]}'."
            state["_groups_edit_next"] = "(new group)"
            st.rerun()
