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

from regional import db
from regional.authorities import DEFAULT_RCC_ID, NEIGHBOUR_MODELS
from regional.errors import DataError
from regional.store import Store, load_store

DEFAULT_COUNCIL = "E06000058"  # Bournemouth, Christchurch and Poole: the first customer
PRINT_ROWS = 300  # a table's print copy stops here and says how many rows it left out

#: How every page prints (issue 17): no sidebar, header or buttons; the whole page, not one screen;
#: charts full width and never split; each table's static print copy instead of its scrolling grid;
#: a chart's hidden "Table" tab printed under it. On screen the print copies stay hidden.
PRINT_CSS = """<style>
.rcb-print-only { display: none; }
@media print {
  @page { size: A4; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stBaseButton-headerNoPadding"],
  [data-testid="stTabs"] [role="tablist"], [data-baseweb="tab-border"], [data-baseweb="tab-highlight"], footer
    { display: none !important; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] { height: auto !important; min-height: 0 !important; overflow: visible !important;
       position: static !important; margin: 0 !important; }
  [data-testid="stMainBlockContainer"] { max-width: none !important; padding: 0 !important; }
  [data-testid="stMain"] { margin-left: 0 !important; width: 100% !important; }
  [data-testid="stTabPanel"], [data-testid="stTabPanel"][hidden] { display: block !important; }
  [data-testid="stVegaLiteChart"], [data-testid="stMetric"], [data-testid="stImage"] { break-inside: avoid; }
  [data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas { max-width: 100% !important; height: auto !important; }
  .rcb-print-only { display: block; }
  [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]):has(+ [data-testid="stElementContainer"] .rcb-print-only)
    { display: none !important; }
  table.rcb-print-table { border-collapse: collapse; width: 100%; font-size: 8pt; }
  table.rcb-print-table th, table.rcb-print-table td { border: 1px solid #bbb; padding: 1px 3px; text-align: left;
       vertical-align: top; overflow-wrap: break-word; }
  table.rcb-print-table thead { display: table-header-group; }
  table.rcb-print-table tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  [data-testid="stExpander"] details::details-content { content-visibility: visible !important; display: block !important; }
}
</style>"""
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


def print_stylesheet() -> None:
    """The print stylesheet, once per run (a style-only st.html takes no space on screen)."""
    st.html(PRINT_CSS)


def dataframe(frame: pd.DataFrame, **kwargs) -> None:
    """``st.dataframe`` plus a static copy of the table that only prints: the scrolling grid is a canvas,
    which prints as much as fits on screen and no more."""
    st.dataframe(frame, **kwargs)
    shown = frame.head(PRINT_ROWS)
    more = (f"<p>Printed: the first {PRINT_ROWS:,} of {len(frame):,} rows; the page and its CSV have them all.</p>"
            if len(frame) > PRINT_ROWS else "")
    table = shown.astype(object).where(shown.notna(), "").to_html(index=kwargs.get("hide_index") is False,
                                                                  classes="rcb-print-table", border=0)
    st.html(f'<div class="rcb-print-only">{table}{more}</div>')


def sidebar(store: Store) -> Selection:
    """Group, council of interest and neighbour model; kept across pages."""
    print_stylesheet()
    groupings = store.groupings.sort_values(["kind", "name"], key=lambda s: s.map({"rcc": "0", "region": "1"}).fillna(s))
    options = groupings["id"].tolist() + [NEIGHBOURS_CHOICE]
    labels = dict(zip(groupings["id"], groupings["name"] + groupings["kind"].map({"rcc": " (RCC)", "region": " (region)"})))
    labels[NEIGHBOURS_CHOICE] = "A council and its statistical neighbours"
    councils = store.councils()
    council_codes = councils["code"].tolist()
    council_names = dict(zip(councils["code"], councils["name"]))
    with st.sidebar:
        st.header("Compare")
        group = st.selectbox("Group", options, index=options.index(_kept("group", DEFAULT_RCC_ID)),
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
        dataframe(table, hide_index=True, width="stretch")
    st.download_button("Download CSV", table.to_csv(index=False).encode(), file_name=file_name or f"{key}.csv",
                       mime="text/csv", key=f"dl_{key}")
    if caption:
        st.caption(caption)


def meeting_pack_button(store: Store, sel) -> None:
    """The meeting pack for the current group: choose councils of interest and a date, then download
    one HTML file (and its PDF when Chromium is installed). Built by ``regional.report``."""
    from datetime import date

    from regional import report

    with st.expander("Meeting pack: one HTML or PDF file to circulate before the meeting"):
        st.caption("Title page, the Overview table, every key chart with its period and source, the action plans' "
                   "status and a page per council of interest. Self-contained: it opens offline and prints to A4.")
        cols = st.columns([3, 1])
        councils = cols[0].multiselect("Councils of interest (a page each)", list(sel.members), default=[sel.council],
                                       format_func=store.name, key="pack_councils")
        when = cols[1].date_input("Meeting date", value=date.today(), key="pack_date")
        if st.button("Prepare the meeting pack", key="pack_make"):
            with st.spinner("Drawing the pack's charts..."):
                pack = report.build_pack(store, sel.grouping_id, councils, when, members=list(sel.members),
                                         group_name=sel.group_label)
                st.session_state["pack_html"] = (report.render_html(pack), f"{_slug(sel.group_label)}-{when}")
                st.session_state.pop("pack_pdf", None)
        if "pack_html" in st.session_state:
            document, stem = st.session_state["pack_html"]
            left, right = st.columns(2)
            left.download_button("Download the pack (HTML)", document.encode(), f"{stem}.html", "text/html",
                                 key="pack_dl_html")
            if Path(report.CHROMIUM).exists():
                if "pack_pdf" not in st.session_state:
                    st.session_state["pack_pdf"] = report.pdf_bytes(document)
                right.download_button("Download the pack (PDF)", st.session_state["pack_pdf"], f"{stem}.pdf",
                                      "application/pdf", key="pack_dl_pdf")
            else:
                right.caption(f"PDF: needs Chromium at {report.CHROMIUM}; the HTML prints to PDF from any browser.")


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "pack"


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
