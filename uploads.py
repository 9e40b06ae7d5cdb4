"""The three upload blocks of the Fostering, Residential and Placement distance pages, each one small
function, kept apart from the pages so the Data page's upload component can replace them in one place.
Streamlit glue only: reading and checking are the importers' work, storing (as a new version of the
council's return, with the audit log) is ``regional.returns``'."""
from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st

import ui
from regional import db, returns
from regional.errors import DataError
from regional.selection import Selection
from regional.settings import DATA_DIR
from regional.store import Store
from regional.exports import csv_bytes


def pipeline_return(store: Store) -> None:
    """Fostering: a recruitment pipeline return (CSV or XLSX)."""
    with st.expander("Upload a pipeline return (CSV or XLSX)"):
        st.markdown("Template: one row per council, month (`2026-01`) or quarter (`2025-Q3`) and household type, with "
                    "enquiries, initial visits, applications, assessments started, approvals, de-registrations "
                    "(reasons optional) and transfers. The whole file is checked first; nothing is stored unless every "
                    "row is valid.")
        example = DATA_DIR / "templates" / "fostering_pipeline_example.csv"
        if example.exists():
            st.download_button("Download the template with example rows", example.read_bytes(), example.name,
                               "text/csv", key="dl_fostering_template")
        upload = st.file_uploader("Pipeline return", type=["csv", "xlsx"], key="fostering_upload")
        if upload is not None and st.button("Validate and load", key="fostering_load"):
            with ui.saved_upload(upload) as path:
                try:
                    result = returns.submit("fostering_pipeline", path, store.engine, who=db.current_user(),
                                            display_name=upload.name)
                except DataError as exc:
                    problems = getattr(exc, "problems", [exc])
                    st.error(f"Nothing was stored. {len(problems)} problem(s) in {upload.name}:")
                    st.markdown("\n".join(f"- {p}" for p in problems[:50]))
                else:
                    st.session_state["fostering_loaded"] = (upload.name, result.rows,
                                                            list(result.prepared.warnings["problem"]))
                    st.rerun()
        if "fostering_loaded" in st.session_state:
            name, n, warnings = st.session_state["fostering_loaded"]
            st.success(f"Loaded {n} rows from {name}.")
            for warning in warnings:
                st.warning(warning)


def local_provision_return(store: Store) -> None:
    """Residential: a local provision return (beds, occupancy, voids)."""
    from regional.importers import local_provision
    from regional.importers.council_return import ReturnInvalid

    with st.expander("Upload a local provision return"):
        st.markdown("One CSV or XLSX row per setting (or per setting type) and date: `council`, `period` (the day the "
                    "beds were counted, e.g. `2025-12-31` for Q3 of 2025-26), `setting_type` (`childrens_home`, "
                    "`supported_accommodation`, `parent_and_child`, `short_breaks`), and any of `beds`, "
                    "`occupied_own`, `occupied_other`, `vacant`, `own_use_pct`; optional `setting_name`, `urn`, "
                    "`grade`, `document`, `section`, `published`, `note`. Blank means not given, never 0. Every row is "
                    "checked first and nothing is stored unless all are valid; sending the same document again "
                    "replaces its lines.")
        st.download_button("Download the template guide (Markdown)", local_provision.TEMPLATE.read_bytes(),
                           "local_provision.md", "text/markdown", key="dl_res_template")
        st.download_button("Download an example return (CSV, illustrative figures)",
                           local_provision.EXAMPLE.read_bytes(), "local_provision_example.csv", "text/csv",
                           key="dl_res_example")
        upload = st.file_uploader("Local provision return", type=["csv", "xlsx"], key="res_upload")
        if upload is not None and st.button("Check and store", key="res_store"):
            with ui.saved_upload(upload) as path:
                try:
                    stored = returns.submit("local_provision", path, store.engine, who=db.current_user(),
                                            display_name=upload.name).rows
                except ReturnInvalid as exc:
                    st.error(f"{upload.name} was not stored: {len(exc.problems)} problem(s).")
                    st.dataframe(pd.DataFrame([{"row": p.row, "column": p.column, "problem": p.problem,
                                                "expected": p.expected} for p in exc.problems]),
                                 hide_index=True, width="stretch")
                except DataError as exc:
                    st.error(f"{upload.name} was not stored: {exc}")
                else:
                    st.session_state["res_stored"] = f"Stored {stored} line(s) from {upload.name}."
                    st.rerun()
        if "res_stored" in st.session_state:
            st.success(st.session_state.pop("res_stored"))


def ssda903_episodes(store: Store, sel: Selection) -> None:
    """Placement distance: a council's SSDA903 return (the XML, or its tables), checked, pseudonymised and stored."""
    from regional.importers import ssda903

    names = dict(zip(store.areas["code"], store.areas["name"]))
    with st.expander("Upload a council's SSDA903 return (the XML, or CSV/XLSX tables)"):
        st.markdown(
            "The XML return, or one CSV/XLSX file per table: episodes (CHILD, DECOM, RNE, LS, CIN, PLACE, "
            "PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN; optional LA, YEAR, UASC) with "
            "the header, UASC, missing, reviews, OC2 and OC3 tables if you have them. UASC children come from the "
            "UASC table and get no distance; short breaks (legal status V3/V4) get no distance and are left out of "
            "the counts, as DfE does. Every row is checked against the return's code lists (including the 2025-26 "
            "changes) and DfE's validation rules; problems are listed with row and column. "
            "**On load** CHILD is replaced by a keyed hash, full postcodes are dropped (only outcode and sector are "
            "kept) and DfE's distance fields are derived. The key is the environment variable "
            f"`{ssda903.PSEUDONYM_ENV}` or, on a shared database, the installation's key held there: never a file "
            "beside the data; the file's row numbers are not stored.")
        if "dist_loaded" in st.session_state:
            st.success(st.session_state.pop("dist_loaded"))
        files = st.file_uploader("Return files", type=["csv", "xlsx", "xml"], key="dist_upload",
                                 accept_multiple_files=True)
        councils = list(store.councils()["code"])
        la_choice = st.selectbox("Responsible council (when the file has no LA column)", [""] + councils,
                                 index=1 + councils.index(sel.council) if sel.council in councils else 0,
                                 format_func=lambda c: names.get(c, "use the file's LA column"), key="dist_upload_la")
        if files and st.button("Validate", key="dist_validate"):
            with contextlib.ExitStack() as stack:
                paths = [stack.enter_context(ui.saved_upload(f)) for f in files]
                try:
                    st.session_state["dist_result"] = returns.prepare(
                        "ssda903", paths, store.engine, council=la_choice or None,
                        display_name=[f.name for f in files], index=store.index)
                except DataError as exc:
                    st.session_state.pop("dist_result", None)
                    ui.show_error(exc)
        prepared = st.session_state.get("dist_result")
        if prepared is None:
            return
        result = prepared.detail
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Episodes read", f"{result.rows_read:,}")
        c2.metric("Episodes that can load", f"{len(prepared.rows):,}")
        c3.metric("Episodes refused", f"{prepared.summary()['rows_with_errors']:,}")
        c4.metric("Distance not known", f"{result.summary.get('distance_not_known', 0):,}")
        d1, d2, d3, d4 = st.columns(4)
        d1.metric("Short breaks (V3/V4)", f"{result.summary.get('short_breaks', 0):,}")
        d2.metric("UASC episodes (no distance)", f"{result.summary.get('uasc_episodes', 0):,}")
        d3.metric("Outcode precision", f"{result.summary.get('outcode_precision', 0):,}")
        d4.metric("DfE rule findings", f"{len(result.findings):,}")
        st.dataframe(result.table_summary, hide_index=True, width="stretch")
        st.caption(f"Files {result.file}; councils {', '.join(names.get(c, c) for c in result.councils)}; "
                   f"extract date {result.extract_date:%d %B %Y}; pseudonyms: {result.key_origin}.")
        st.dataframe(prepared.report.head(2000), hide_index=True, width="stretch")
        st.download_button("Download the validation report (CSV)", csv_bytes(prepared.report),
                           "ssda903_validation_report.csv", "text/csv", key="dl_report")
        accept = True
        if len(prepared.errors):
            accept = st.checkbox(f"I accept the report: load the {len(prepared.rows):,} valid rows without the "
                                 f"{prepared.summary()['rows_with_errors']:,} rejected rows", key="dist_accept")
        if st.button("Load", disabled=not accept or prepared.rows.empty, key="dist_load"):
            try:
                rows = returns.submit("ssda903", None, store.engine, who=db.current_user(), accept=accept,
                                      prepared=prepared).rows
            except DataError as exc:
                ui.show_error(exc)
            else:
                st.session_state.pop("dist_result", None)
                st.session_state["dist_loaded"] = (f"Loaded {rows:,} episodes from {result.file}; they replace the "
                                                   "episodes they give again (a complete file: its collection years) "
                                                   "and the synthetic extract for this council.")
                st.rerun()
