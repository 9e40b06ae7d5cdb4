"""Data: councils submit and own their returns. Upload any return (checked, previewed, stored as a
new version only on confirmation), download every template, read and compare versions, withdraw
the newest, and see the catalogue and (regional admins) the audit log.

Layout only: reading, checking, storing, versions and the audit log are ``regional.returns``'.
"""
from __future__ import annotations

import streamlit as st

import data_upload
import ui
from regional import returns
from regional.errors import DataError
from regional.exports import csv_bytes

sel = ui.selection()
store = ui.get_store()
person = ui.actor()
names = dict(zip(store.areas["code"], store.areas["name"]))
engine = store.engine

st.title("Data: your council's returns")
st.markdown("Every return the platform reads comes in here: the indicator return, the fostering recruitment "
            "pipeline, local provision (beds), the SSDA903 extract and the action-plan tracker. A file is checked "
            "in full before anything is stored; an accepted file becomes a **new version** of that council's "
            "return for the periods it covers, and replaces exactly what it names, nothing else.")
if "data_withdrawn" in st.session_state:
    st.success(st.session_state.pop("data_withdrawn"))
upload, templates, history, catalogue, audit = st.tabs(
    ["Upload a return", "Templates", "Versions", "Catalogue", "Audit log"])

with upload:
    data_upload.upload_block(store, person, key="data")

with templates:
    data_upload.templates_block()

with history:
    councils = list(store.councils()["code"])
    default = person.council if person is not None and person.council in councils else sel.council
    c1, c2 = st.columns(2)
    council = c1.selectbox("Council", councils, format_func=names.get, key="data_versions_council",
                           index=councils.index(default) if default in councils else 0)
    kind = c2.selectbox("Return", list(returns.REGISTRY), format_func=data_upload.kind_label, key="data_versions_kind")
    held = returns.versions(engine, kind, council)
    if held.empty:
        st.info(f"No {returns.REGISTRY[kind].label.lower()} has been uploaded for {names[council]}: the pages show "
                "the embedded published figures only.")
    else:
        shown = held[["id", "number", "status", "periods", "scope", "rows", "added", "changed", "removed",
                      "loaded_at", "loaded_by", "file_name", "file_sha256", "withdrawn_at", "withdrawn_by"]]
        ui.dataframe(shown, hide_index=True, key="data_versions_table")
        labels = {int(r.id): f"version {r.number} ({r.status}, {r.loaded_at:%d %b %Y %H:%M})" for r in held.itertuples()}
        ids = list(labels)
        if len(ids) > 1:
            st.subheader("Compare two versions")
            a, b = st.columns(2)
            older = a.selectbox("From", ids, index=1, format_func=labels.get, key="data_diff_from")
            newer = b.selectbox("To", ids, index=0, format_func=labels.get, key="data_diff_to")
            change = returns.diff_versions(engine, min(older, newer), max(older, newer))
            counts = change["change"].value_counts()
            st.markdown(f"{counts.get('added', 0):,} added, {counts.get('changed', 0):,} changed, "
                        f"{counts.get('removed', 0):,} removed.")
            if len(change):
                ui.dataframe(change, hide_index=True, key="data_diff_table")
        active = held[held["status"] == "active"]
        if len(active):
            newest = active.iloc[0]
            st.subheader("Withdraw the newest version")
            st.markdown(f"Withdrawing version {newest['number']} removes its rows and puts back what it replaced.")
            if person is None or not returns.can_write(person, council):
                st.caption("Only this council's editor or a regional admin can withdraw it (sign in, sidebar).")
            elif st.checkbox(f"Yes, withdraw version {newest['number']}", key="data_withdraw_confirm") and \
                    st.button("Withdraw", key="data_withdraw"):
                try:
                    restored = returns.withdraw(int(newest["id"]), engine, who=person)
                except DataError as exc:
                    st.error(f"Not withdrawn. {exc}")
                else:
                    st.session_state["data_withdrawn"] = (f"Version {newest['number']} withdrawn; {restored:,} earlier "
                                                       "rows restored.")
                    st.rerun()

with catalogue:
    frame = returns.catalogue(engine)
    st.markdown("The current version of every council's uploaded returns: periods covered, who loaded it and when, "
                "from which file (with its SHA-256). Also `python -m regional catalogue`.")
    if frame.empty:
        st.info("No returns have been uploaded yet: the pages show the embedded published figures.")
    else:
        ui.dataframe(frame, hide_index=True, key="data_catalogue")
        st.download_button("Download the catalogue (CSV)", csv_bytes(frame), "returns_catalogue.csv", "text/csv",
                           key="data_catalogue_csv")

with audit:
    if person is None or person.role != "admin":
        st.info("The audit log (who changed what, when, from which file) is for regional admins: sign in as one.")
    else:
        log = returns.audit_log(engine)
        st.markdown(f"{len(log):,} entries, append-only: the database refuses to change or delete one.")
        ui.dataframe(log.iloc[::-1], hide_index=True, key="data_audit")
        st.download_button("Download the audit log (CSV)", csv_bytes(log), "audit_log.csv", "text/csv",
                           key="data_audit_csv")
