"""Streamlit glue shared by the pages: the cached Store, the sidebar (drawn once, in app.py), the
one caching convention for views, and how a section is drawn. Logic lives in ``regional``."""
from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import streamlit as st

import signin
from regional import db, resilience
from regional.authorities import NEIGHBOUR_MODELS
from regional.errors import DataError
from regional.exports import csv_bytes
from regional.links import link_params, page_choice, selection_from_link
from regional.selection import (DEFAULT_COUNCIL, DEFAULT_MODEL, DEFAULT_RCC_ID, Selection, council_pool,
                                group_labels, group_options)
from regional.store import Store, load_store
from regional.views import VIEWS, Section
from regional.views.base import chart_spec
from regional.views.summary import chart_summary
from regional.views.wording import plain_headings

PRINT_ROWS = 300  # a table's print copy stops here and says how many rows it left out
PRINT_TABLES = "print_tables"  # the sidebar's "Print tables in full": each table's print copy is drawn
PRINT_HINT = ('<div class="rcb-print-hint"><p>Tables are printed as far as their grids show on screen. To print '
              'every row, switch on <b>Print tables in full</b> in the sidebar before printing, or download the '
              'meeting pack.</p></div>')

#: How every page prints (issue 17): no sidebar, header or buttons; the whole page, not one screen;
#: charts full width and never split; each table's static print copy instead of its scrolling grid;
#: a chart's hidden "Table" tab printed under it. On screen the print copies stay hidden. The copies
#: are drawn only when the sidebar's "Print tables in full" is on: thousands of hidden table cells made
#: every page 0.25 s slower to draw in the browser (Children in care: 8,600 cells, 26 Nov 2026).
PRINT_CSS = """<style>
.rcb-print-only, .rcb-print-hint { display: none; }
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
  .rcb-print-only, .rcb-print-hint { display: block; }
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
_this_run = threading.local()  # the selection app.py drew in this script run
LINK_IN = "_link_in"  # the URL's parameters as this run started
LINK_NOTES = "_link_notes"
STYLES = Path(__file__).parent / "assets" / "app.css"
SHOWN = "_shown_council"  # the council of interest this run, for the charts' one-sentence summaries


@st.cache_resource(show_spinner="Loading the embedded data (first start only)...")
def _engine_ready():
    return resilience.ready_engine()


def _engine_or_stop():
    """The engine; storage that cannot be opened, or no data at all, is a message, not a traceback."""
    try:
        return _engine_ready()
    except (resilience.StorageUnavailable, DataError) as exc:
        st.error(f"The app cannot open its data. {exc}", icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def _store(version: str) -> Store:
    engine = _engine_or_stop()
    return resilience.warm_store(version) or load_store(engine)  # serve.py may have read it as the server started


def data_version() -> str:
    return db.data_version(_engine_or_stop())


def get_store() -> Store:
    """The data, reloaded only when something new was loaded."""
    return _store(data_version())


# --- the sidebar ---------------------------------------------------------------
def _valid(key: str, options: list[str], default: str) -> None:
    """Stale session state (a group renamed, a council no longer in the data) falls back to the default."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default if default in options else options[0]


def print_stylesheet() -> None:
    """The print stylesheet, once per run (a style-only st.html takes no space on screen), and, while
    tables print only as far as their grids show, a line that says so on paper and how to print them whole."""
    st.html(PRINT_CSS if st.session_state.get(PRINT_TABLES) else PRINT_CSS + PRINT_HINT)


def dataframe(frame: pd.DataFrame, **kwargs) -> None:
    """``st.dataframe`` plus, when "Print tables in full" is on, a static copy of the table that only
    prints: the scrolling grid is a canvas, which prints as much as fits on screen and no more."""
    st.dataframe(frame, **kwargs)
    if st.session_state.get(PRINT_TABLES):
        st.html(_print_copy(frame.head(PRINT_ROWS), len(frame), kwargs.get("hide_index") is False))


@st.cache_data(show_spinner=False, max_entries=1024)
def _print_copy(shown: pd.DataFrame, rows: int, index: bool) -> str:
    """The printed copy's HTML, made once per table (it was a fifth of a warm page's server time).
    Keyed on exactly the rows printed, which Streamlit hashes whole (it samples only very large frames)."""
    more = (f"<p>Printed: the first {PRINT_ROWS:,} of {rows:,} rows; the page and its CSV have them all.</p>"
            if rows > PRINT_ROWS else "")
    table = shown.astype(object).where(shown.notna(), "").to_html(index=index, classes="rcb-print-table", border=0)
    return f'<div class="rcb-print-only">{table}{more}</div>'


def sidebar(store: Store) -> Selection:
    """Group, council of interest and neighbour model. app.py draws it once per run, for every page."""
    st.html(STYLES)  # focus ring, readable captions: here, as the one thing every run of every page draws
    print_stylesheet()  # and how every page prints
    options, labels = group_options(store), group_labels(store)
    names = dict(zip(store.areas["code"], store.areas["name"]))
    signin.require_for_reading(store.engine, names)  # REGIONAL_REQUIRE_SIGN_IN: nothing shows before sign-in
    incoming = st.query_params.to_dict()
    st.session_state[LINK_IN] = incoming
    if "group" not in st.session_state:  # a session's first run: a shared link decides the view
        asked, notes = selection_from_link(store, incoming)
        st.session_state.update(group=asked.grouping_id, council=asked.council, model=asked.model)
        st.session_state[LINK_NOTES] = notes
    _valid("group", options, DEFAULT_RCC_ID)
    _valid("model", list(NEIGHBOUR_MODELS), DEFAULT_MODEL)
    with st.sidebar:
        st.header("Compare")
        group = st.selectbox("Group", options, format_func=labels.get, key="group",
                             **({} if "group" in st.session_state else {"index": options.index(DEFAULT_RCC_ID)}))
        pool = council_pool(store, group)
        _valid("council", pool, DEFAULT_COUNCIL)
        start = pool.index(DEFAULT_COUNCIL) if DEFAULT_COUNCIL in pool else 0
        council = st.selectbox("Council of interest", pool, format_func=names.get, key="council",
                               **({} if "council" in st.session_state else {"index": start}))
        model = st.radio("Statistical neighbour model (DfE)", NEIGHBOUR_MODELS, horizontal=True, key="model",
                         help="DfE's 2025 and 2021 models choose quite different neighbours.",
                         **({} if "model" in st.session_state else {"index": NEIGHBOUR_MODELS.index(DEFAULT_MODEL)}))
        st.caption("Figures are DfE's published statistics unless marked as a council's own return. "
                   "Suppressed and unpublished figures are shown as such, never as zero.")
        st.caption(held_returns(data_version(), council, names.get(council, council)))
        st.toggle("Print tables in full", key=PRINT_TABLES,
                  help="Before printing a page (Ctrl+P): adds a copy of every table that shows only on paper, "
                       "with every row, not just what fits in its grid. Pages draw a little slower while it is on.")
    _this_run.actor = signin.panel(store.engine, names)
    selection = Selection.from_dict(store, {"group": group, "council": council, "model": model})
    _write_link(link_params(selection), keep=())  # the page adds its own choices (``linked``)
    st.session_state[SHOWN] = (selection.council, selection.council_name)  # for the charts' sentences
    _show_link_notes()
    return selection


@st.cache_data(show_spinner=False, max_entries=64)
def held_returns(version: str, council: str, name: str) -> str:
    """The council's returns as every page uses them: the current version of each, or none uploaded."""
    from regional import returns

    held = returns.catalogue(_engine_or_stop())
    held = held[held["council_code"] == council]
    if held.empty:
        return f"{name}'s own returns: none uploaded; its published documents only ([Data page](/Data))."
    parts = [f"{returns.REGISTRY[r.return_type].label.lower() if r.return_type in returns.REGISTRY else r.return_type} "
             f"version {r.version} ({r.loaded_at:%d %b %Y})" for r in held.itertuples()]
    return f"{name}'s own returns in use: " + "; ".join(parts) + " ([Data page](/Data))."


def _write_link(values: dict[str, str], keep: tuple[str, ...] | None = None) -> None:
    """Set these URL parameters, touching the URL only where it differs (each write is a message to
    the browser). ``keep``: the only other parameters to keep (None: keep every other one)."""
    current = st.query_params.to_dict()
    if keep is not None:
        for key in [k for k in current if k not in values and k not in keep]:
            del st.query_params[key]
    for key, value in values.items():
        if current.get(key) != value:
            st.query_params[key] = value


def _show_link_notes() -> None:
    notes = st.session_state.pop(LINK_NOTES, None)
    if notes:
        st.info("This link could not be followed in full: " + "; ".join(notes) + ". Showing the default instead.",
                icon=":material/link_off:")


def linked(choices: dict[str, list]) -> None:
    """Keep a page's main choices in its URL, so a reload or a shared link opens the same view.

    ``choices`` maps a widget key to the options it offers. Call it before the page reads its
    state: on a session's first visit the link's value is used (an unknown one falls back to the
    default with a note); on every run the current value is written back to the URL.
    """
    incoming = st.session_state.get(LINK_IN, {})
    notes = []
    for key, options in choices.items():
        seen = f"_linked_{key}"
        if seen not in st.session_state:
            st.session_state[seen] = True
            value, note = page_choice(incoming.get(key), options)
            if value is not None:
                st.session_state[key] = value
            elif note:
                notes.append(f"{key.split('_', 1)[-1].replace('_', ' ')}: {note}")
        if key in st.session_state and st.session_state[key] in options:
            _write_link({key: str(st.session_state[key])})
    if notes:
        st.session_state[LINK_NOTES] = notes
        _show_link_notes()


@contextmanager
def shared_sidebar(store: Store) -> Iterator[Selection]:
    """app.py draws the sidebar once and runs the page inside this block; the page's
    :func:`selection` finds it here. Kept for this run (this thread) only."""
    _this_run.selection = sidebar(store)
    try:
        yield _this_run.selection
    finally:
        _this_run.selection = _this_run.actor = None
        resilience.page_served()  # the start-up's later work waits for the first visitor's page


def actor():
    """Who is signed in this run (``regional.returns.Actor``: role and council), or None. The sidebar
    reads it once per run; every write checks it again in the library."""
    if getattr(_this_run, "selection", None) is not None:
        return _this_run.actor
    return signin.actor(_engine_or_stop())  # a page run on its own: ask, without drawing the sidebar again


def selection() -> Selection:
    """The selection app.py's sidebar made this run. A page run on its own (AppTest, or Streamlit's
    first visit to a page's own URL, which runs the page file directly) draws the sidebar itself."""
    made = getattr(_this_run, "selection", None)
    if made is not None:
        return made
    st.set_page_config(page_title="Regional Care Benchmark", page_icon=":bar_chart:", layout="wide")
    return sidebar(get_store())


# --- views: one caching convention -------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=128)
def _prepared(page: str, version: str, selection_key: tuple[str, str, str], choices: tuple) -> list[Section]:
    """A view's sections, cached on the data version, the selection and the page's choices."""
    store = get_store()
    view = VIEWS[page]
    sel = Selection.from_dict(store, dict(zip(("group", "council", "model"), selection_key)))
    sections = view.prepare(store, sel, view.Choices(**dict(choices)))
    for section in sections:  # kept with the sections, not hashed again on every run
        if section.chart:
            section.chart_key()
    return sections


@st.cache_data(show_spinner=False, max_entries=512)
def _spec(chart_key: str, _section: Section) -> dict:
    """A section's chart as a Vega-Lite spec (plain data, never the Altair object), kept by what it
    is drawn from (:meth:`Section.chart_key`): a control that changes one chart rebuilds only that one."""
    return chart_spec(_section.build_chart())


#: Choices a view resolved ("no year" -> the year it drew) -> the choices first prepared for them, so
#: the next run, whose controls now hold the resolved values, finds the same sections in the cache.
_ALIASES: OrderedDict[tuple, tuple] = OrderedDict()
_ALIASES_KEPT = 1024
_ALIASES_LOCK = threading.Lock()


def _items(choices) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in asdict(choices).items())


def prepare(page: str, sel: Selection, choices=None) -> dict[str, Section]:
    """The page's sections by key, cached on the data version, the selection and the choices (chart
    specs are cached by what they draw: see :func:`_spec`). A view with ``resolved`` says which
    choices its defaults stood for; those are remembered as the same sections."""
    view = VIEWS[page]
    choices = choices if choices is not None else view.Choices()
    version, asked = data_version(), _items(choices)
    with _ALIASES_LOCK:
        items = _ALIASES.get((page, version, sel.key, asked), asked)
    sections = _prepared(page, version, sel.key, items)
    if items == asked and hasattr(view, "resolved"):
        same = _items(view.resolved(get_store(), choices, sections))
        if same != asked:
            with _ALIASES_LOCK:
                _ALIASES[(page, version, sel.key, same)] = asked
                while len(_ALIASES) > _ALIASES_KEPT:
                    _ALIASES.popitem(last=False)
    return {s.key: s for s in sections}


def _chart(section: Section) -> dict:
    return _spec(section.chart_key(), section)


# --- drawing a section ----------------------------------------------------------------
def heading(section: Section) -> None:
    if section.title:
        {1: st.header, 2: st.subheader}.get(section.level, lambda t: st.markdown(f"**{t}**"))(section.title)


def show(section: Section, *, title: bool = True, height: int | None = None) -> None:
    """Heading, the finding in words, the chart with its table and CSV, caption, source; or why not."""
    if title:
        heading(section)
    if section.synthetic:
        st.warning("**Synthetic example data**: invented to show how this works, not real figures.",
                   icon=":material/science:")
    if section.markdown:
        st.markdown(section.markdown)
    if section.empty:
        st.info(section.empty)
        return
    if section.chart:
        chart_tab, table_tab = st.tabs(["Map" if section.is_map else "Chart", "Table"])
        summary = chart_summary(section, *st.session_state.get(SHOWN, (None, "")))
        with chart_tab:
            # the sentence is the chart's accessible name (aria-label) as well as words on the page
            spec = {**_chart(section), "description": summary}
            if section.is_map:  # a map is a Vega-Lite chart too, in a container tests and the bench can find
                with st.container(key=f"map_{section.key}"):
                    st.vega_lite_chart({**spec, "height": height} if height else spec, width="stretch")
            else:
                st.vega_lite_chart(spec, width="stretch")
            st.caption(f"In words: {summary.removeprefix('Chart: ')}")
        with table_tab:
            table(section.table)
    elif section.table is not None:
        table(section.table)
    if section.table is not None:
        st.download_button("Download CSV", csv_bytes(plain_headings(section.table)),
                           file_name=section.csv_name,
                           mime="text/csv", key=f"dl_{section.key}")
    source = f"Source: {section.source.rstrip('.')}." if section.source else ""
    notes = " ".join(t for t in (section.caption, source) if t)
    if notes:
        st.caption(notes)


def table(frame, **kwargs) -> None:
    """A table as users read it: plain headings, no index, full width; and whole when printed."""
    dataframe(plain_headings(frame), hide_index=True, width="stretch", **kwargs)


def metrics(section: Section, columns: int = 4) -> None:
    """Headline figures in rows: two to a row when a value is long ("63.9 per 10,000", "=59th of 151"),
    so no figure is cut short."""
    if any(len(str(t["value"])) > 6 for t in section.metrics):
        columns = min(columns, 2)
    tiles = section.metrics
    for start in range(0, len(tiles), columns):
        _metric_row(tiles[start:start + columns], columns)


def _metric_row(tiles: list[dict], columns: int) -> None:
    cols = st.columns(columns)
    for col, tile in zip(cols, tiles):
        col.metric(tile["label"], tile["value"], delta=tile.get("delta"), delta_color="off",
                   delta_arrow=tile.get("arrow", "auto"),
                   help=tile.get("help"))


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


def meeting_pack_button(store: Store, sel) -> None:
    """The meeting pack for the current group: choose councils of interest and a date, then download
    one HTML file (and its PDF when Chromium is installed). Built by ``regional.report``."""
    from datetime import date

    from regional import report

    with st.expander("Meeting pack: one HTML or PDF file to circulate before the meeting"):
        st.caption("Title page, the Overview table, every key chart with its period and source, the action plans' "
                   "status and a page per council of interest. Self-contained: it opens offline and prints to A4.")
        cols = st.columns([3, 1])
        pool = [sel.council] if sel.grouping_id == "neighbours" else list(sel.members)
        councils = cols[0].multiselect("Councils of interest (a page each)", pool, default=[sel.council],
                                       format_func=store.name, key="pack_councils")
        when = cols[1].date_input("Meeting date", value=date.today(), key="pack_date")
        if st.button("Prepare the meeting pack", key="pack_make"):
            with st.spinner("Drawing the pack's charts..."):
                pack = report.build_pack(store, sel.grouping_id, councils or [sel.council], when, model=sel.model)
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
