"""The upload blocks of the Fostering, Residential and Placement distance pages: each one the Data
page's own component (``data_upload``) fixed to the page's return type, under a few words on what
the return holds. Storing needs a signed-in council editor (their own council) or regional admin."""
from __future__ import annotations

import streamlit as st

import data_upload
import ui
from regional.store import Store

DATA_PAGE = "/Data"  # the page's address (pages/8_Data.py)


def _block(store: Store, kind: str, key: str, title: str, about: str) -> None:
    with st.expander(title):
        st.markdown(about + " Templates, versions and the catalogue of every return are on the "
                    f"[Data page]({DATA_PAGE}).")
        data_upload.upload_block(store, ui.actor(), kind=kind, key=key)


def pipeline_return(store: Store) -> None:
    """Fostering: a recruitment pipeline return (CSV or XLSX)."""
    _block(store, "fostering_pipeline", "fostering", "Upload a pipeline return (CSV or XLSX)",
           "One row per council, month (`2026-01`) or quarter (`2025-Q3`) and household type, with enquiries, initial "
           "visits, applications, assessments started, approvals, de-registrations (reasons optional) and transfers. "
           "A new version replaces the council's rows for the same periods and household types only.")


def local_provision_return(store: Store) -> None:
    """Residential: a local provision return (beds, occupancy, voids)."""
    _block(store, "local_provision", "res", "Upload a local provision return",
           "One row per setting (or setting type) and date: `council`, `period` (the day the beds were counted), "
           "`setting_type` and any of `beds`, `occupied_own`, `occupied_other`, `vacant`, `own_use_pct`. Blank means "
           "not given, never 0. A new version replaces the same document's lines for the periods it gives.")


def ssda903_episodes(store: Store) -> None:
    """Placement distance: a council's SSDA903 return (the XML, or its tables)."""
    _block(store, "ssda903", "dist", "Upload a council's SSDA903 return (the XML, or CSV/XLSX tables)",
           "The XML return, or one CSV/XLSX file per table (episodes, with the header, UASC, missing, reviews, OC2 "
           "and OC3 tables if you have them). UASC children come from the UASC table and get no distance; short "
           "breaks (V3/V4) get no distance and are left out of the counts, as DfE does. Every row is checked against "
           "the return's code lists and DfE's validation rules. CHILD is replaced by a keyed hash on storing and "
           "full postcodes are dropped.")
