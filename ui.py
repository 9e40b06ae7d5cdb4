"""Streamlit glue shared by the pages: the cached Store, the sidebar and the
chart-with-table pattern. Logic lives in ``regional``; this file only draws."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from regional import db, groups
from regional.authorities import DEFAULT_RCC_ID, NEIGHBOUR_MODELS
from regional.errors import DataError
from regional.store import Store, load_store

DEFAULT_COUNCIL = "E06000058"  # Bournemouth, Christchurch and Poole: the first customer
NEIGHBOURS_CHOICE = "neighbours"


@st.cache_resource(show_spinner="Loading the embedded data (first start only)...")
def _engine_ready():
    engine = db.get_engine()
    db.ensure_loaded(engine)
    return engine


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(version: str) -> Store:
    return load_store(_engine_ready())


def get_store() -> Store:
    """The data, reloaded only when something new was loaded."""
    return _store(db.data_version(_engine_ready()))


@dataclass
class Selection:
    grouping_id: str  # a grouping id, or "neighbours"
    group_label: str
    council: str
    model: str
    members: list[str]
    region_code: str | None


def _remember(key: str) -> None:
    st.session_state[f"_keep_{key}"] = st.session_state[key]


def _kept(key: str, default):
    return st.session_state.get(f"_keep_{key}", default)


def sidebar(store: Store) -> Selection:
    """Group, council of interest and neighbour model; kept across pages."""
    listed = groups.selector_groups(store)  # RCCs, user-defined groups, regions: the library's one list
    options = listed["id"].tolist() + [NEIGHBOURS_CHOICE]
    labels = dict(zip(listed["id"], listed["label"]))
    labels[NEIGHBOURS_CHOICE] = "A council and its statistical neighbours"
    councils = store.councils()
    council_codes = councils["code"].tolist()
    council_names = dict(zip(councils["code"], councils["name"]))
    with st.sidebar:
        st.header("Compare")
        kept_group = _kept("group", DEFAULT_RCC_ID)
        group = st.selectbox("Group", options, index=options.index(kept_group if kept_group in options else DEFAULT_RCC_ID),
                             format_func=labels.get, key="group", on_change=_remember, args=("group",))
        if group == NEIGHBOURS_CHOICE:
            pool = council_codes
        else:
            pool = [c for c in store.group_members(group) if c in council_names] or council_codes
        kept = _kept("council", DEFAULT_COUNCIL)
        council = st.selectbox("Council of interest", pool, index=pool.index(kept) if kept in pool else 0,
                               format_func=council_names.get, key="council", on_change=_remember, args=("council",))
        model = st.radio("Statistical neighbour model (DfE)", NEIGHBOUR_MODELS,
                         index=NEIGHBOUR_MODELS.index(_kept("model", "2025")), horizontal=True,
                         key="model", on_change=_remember, args=("model",),
                         help="DfE's 2025 and 2021 models choose quite different neighbours.")
        st.caption("Figures are DfE's published statistics unless marked as a council's own return. "
                   "Suppressed and unpublished figures are shown as such, never as zero.")
    _remember_all(group, council, model)
    if group == NEIGHBOURS_CHOICE:
        members = [council] + store.statistical_neighbours(council, model)
        label = f"{council_names[council]} and its statistical neighbours ({model} model)"
        region_code = store.region_of(council)
    else:
        members = store.group_members(group)
        label = labels[group]
        region_code = group.split(":", 1)[1] if group.startswith("region:") else store.region_of(council)
    return Selection(group, label, council, model, members, region_code)


def _remember_all(group: str, council: str, model: str) -> None:
    st.session_state["_keep_group"], st.session_state["_keep_council"], st.session_state["_keep_model"] = group, council, model


def chart_with_table(chart, table: pd.DataFrame, *, key: str, caption: str | None = None,
                     file_name: str | None = None) -> None:
    """Every chart has its table and a CSV of exactly what it shows."""
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.altair_chart(chart, width="stretch")
    with table_tab:
        st.dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", table.to_csv(index=False).encode(), file_name=file_name or f"{key}.csv",
                       mime="text/csv", key=f"dl_{key}")
    if caption:
        st.caption(caption)


def show_error(exc: DataError) -> None:
    st.error(f"{exc}")


@contextmanager
def saved_upload(upload) -> Iterator[Path]:
    """An uploaded file written to a temporary folder under its own name, for the importers
    (which read paths and name the file in their errors); removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        yield path
