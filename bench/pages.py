"""Each page's preparation, timed through the same views the pages call (``regional.views``), never
a copy: ``prepare(store, selection, Choices())`` on the page's defaults, then every section it
returns has its chart built and serialised as Streamlit would send it.

*cold* is the first call on a freshly read Store (the first view after a data load: the Store's
own per-table caches empty); *warm* is the median of later calls (what a cache miss costs once the
Store is in memory). In the app, a repeat of the same view is a ``st.cache_data`` hit on top.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable

from regional.authorities import DEFAULT_RCC_ID
from regional.selection import DEFAULT_COUNCIL, DEFAULT_MODEL, Selection
from regional.store import Store
from regional.views import NO_DATA, VIEWS, Section

__all__ = ["NO_DATA", "VIEWS", "selections", "time_page", "render_section"]


def selections(store: Store) -> list[tuple[str, Selection]]:
    """The South West RCC (the default view) and every council in England at once (the largest view)."""
    default = Selection.from_dict(store, {"group": DEFAULT_RCC_ID, "council": DEFAULT_COUNCIL, "model": DEFAULT_MODEL})
    everyone = Selection("all", "every council", default.council, default.model,
                         tuple(store.councils()["code"]), default.region_code, default.council_name,
                         default.region_name)
    return [("South West RCC", default), ("all councils", everyone)]


def render_section(section: Section) -> int:
    """Build the section's chart (maps too: they are Vega-Lite) and serialise it as Streamlit does; the size."""
    chart = section.build_chart()
    if chart is None:
        return 0
    return len(str(chart.to_dict()))


def _ms(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


@dataclass
class PageTiming:
    page: str
    scope: str
    members: int
    cold_ms: float
    warm_ms: float
    runs: int
    sections: list[dict]  # key, chart_ms, chart (builder), table_rows

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def time_page(page: str, store_factory: Callable[[], Store], *, runs: int = 5) -> list[PageTiming]:
    """Cold and warm preparation of one page's view for each scope, and each section's chart."""
    view = VIEWS[page]
    out = []
    store = store_factory()  # a fresh Store: the first call below is the first view after a load
    for scope, selection in selections(store):
        t0 = time.perf_counter()
        sections = view.prepare(store, selection, view.Choices())
        cold = (time.perf_counter() - t0) * 1000
        warm, _ = _ms(lambda: view.prepare(store, selection, view.Choices()), runs)
        timed = []
        for section in sections:
            chart_ms = _ms(lambda: render_section(section), 3)[0] if section.chart and not section.empty else None
            timed.append({"key": section.key, "chart": section.chart or "", "chart_ms": chart_ms,
                          "table_rows": 0 if section.table is None else len(section.table)})
        out.append(PageTiming(page, scope, len(selection.members), cold, warm, runs, timed))
    return out
