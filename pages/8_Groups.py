"""Groups: the comparator groups every page can select (RCCs, regions, groups users defined).

Anyone sees them; a regional admin creates, edits and deletes user-defined groups. The checks
(role, names, members) and the writes are the library's (``regional.groups``, ``regional.db``).
"""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Groups - Regional Care Benchmark", page_icon=":bar_chart:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import groups, scorecard  # noqa: E402
from regional.errors import DataError  # noqa: E402

store = ui.get_store()
sel = ui.sidebar(store)


def signed_in() -> tuple[str | None, str]:
    """The signed-in user's role and name, as the sign-in (regional.auth) leaves them in the session.
    Nobody signed in holds no role, and the library refuses their changes."""
    return st.session_state.get("auth_role"), str(st.session_state.get("auth_user", "not signed in"))


role, actor = signed_in()

councils = store.councils()
names = dict(zip(councils["code"], councils["name"]))
listed = groups.selector_groups(store)

st.title("Comparator groups")
st.markdown("The groups every page's **Group** selector lists: Regional Care Cooperatives (from `data/groups.csv`), "
            "groups defined here, and the English regions. Statistical neighbours and Good+ councils are made "
            "for each council on the Scorecard page.")

table = listed.assign(
    councils=listed["id"].map(lambda g: len(store.group_members(g))),
    members=listed["id"].map(lambda g: ", ".join(names.get(c, store.name(c)) for c in store.group_members(g))),
    description=listed["id"].map(dict(zip(store.groupings["id"], store.groupings["description"]))),
)
st.dataframe(table[["label", "kind", "councils", "members", "description"]], hide_index=True, width="stretch",
             key="groups_table")

st.subheader("A group's figures")
shown = st.selectbox("Group", listed["id"].tolist(), key="groups_summary", format_func=dict(zip(listed["id"], listed["label"])).get,
                     index=listed["id"].tolist().index(sel.grouping_id) if sel.grouping_id in listed["id"].tolist() else 0)
summary = groups.group_summary(store, store.group_members(shown), scorecard.default_measures(store))
st.dataframe(summary.drop(columns=["indicator_id", "period"]).round(1), hide_index=True, width="stretch",
             key="groups_summary_table")
st.caption("Each measure in the latest year any member has a DfE figure: the mean and median of the members' "
           "figures, and the pooled rate (sum of counts / sum of populations) where the counts are held "
           "(`data/pooling.csv`); 'with figure' and 'pooled over' say how many councils each is over. The "
           "Scorecard shows the mean unless another is chosen there.")

if "groups_message" in st.session_state:
    st.success(st.session_state.pop("groups_message"))

st.subheader("Define a group")
if role not in groups.ADMIN_ROLES:
    st.info("Only a regional admin can create, edit or delete groups. Sign in with a regional admin account to "
            "change them; everyone can use them.")
    st.stop()

if "_groups_edit_next" in st.session_state:
    st.session_state["groups_edit"] = st.session_state.pop("_groups_edit_next")
user_groups = listed[listed["kind"] == "user"]
choices = ["(new group)"] + user_groups["id"].tolist()
labels = dict(zip(user_groups["id"], user_groups["label"]))
editing = st.selectbox("Group to edit", choices, key="groups_edit", format_func=lambda g: labels.get(g, g))
is_new = editing == "(new group)"
current = store.groupings[store.groupings["id"] == editing]
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
        st.session_state["groups_message"] = f"Saved '{name.strip()}' ({len(chosen)} councils): every page lists it now."
        st.session_state["_groups_edit_next"] = gid
        st.rerun()

if not is_new:
    confirm = st.checkbox(f"Yes, delete '{labels[editing]}'", key="groups_confirm")
    if st.button("Delete this group", key="groups_delete", disabled=not confirm):
        try:
            groups.delete_group(store, editing, role=role, actor=actor)
        except (DataError, groups.NotAllowed) as exc:
            st.error(str(exc))
        else:
            st.session_state["groups_message"] = f"Deleted '{labels[editing]}'."
            st.session_state["_groups_edit_next"] = "(new group)"
            st.rerun()
