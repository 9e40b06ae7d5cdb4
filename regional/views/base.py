"""What a view returns: sections, each with the frame its chart draws, its table, caption, source
note and whether it is synthetic. One preparation feeds both the chart and its table (as LAIT's
data-preparation modules do), so the page, the benchmarks and the meeting pack cannot drift."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import pandas as pd

@dataclass
class Section:
    """One part of a page: a heading, what is said about it, a chart and the table of exactly what
    the chart draws. Plain data (frames, strings, a builder's name and arguments), so it can be cached
    with ``st.cache_data`` and built into a chart on each run."""
    key: str  # stable: the widget key and the CSV's name
    title: str = ""
    table: pd.DataFrame | None = None
    frame: pd.DataFrame | None = None  # what the chart draws (the builder's first argument)
    chart: str | None = None  # "charts.cic.trend_chart", "maps.choropleth": a builder named by module.function
    chart_args: dict[str, Any] = field(default_factory=dict)
    caption: str = ""
    source: str = ""
    synthetic: bool = False
    markdown: str = ""  # a sentence above the chart (the finding in words)
    empty: str = ""  # shown instead when there is nothing to draw, saying why
    level: int = 2  # 1 = a page header, 2 = a subheader, 3 = a bold line
    file_name: str | None = None
    metrics: list[dict[str, Any]] = field(default_factory=list)  # headline figures: label, value, help, delta
    extra: dict[str, Any] = field(default_factory=dict)  # anything else a page lays out (expander tables)
    #: :meth:`chart_key`, once worked out (the cache keeps it with the section: hashing every chart's
    #: frame again on every rerun cost about 50 ms of a page's run). A prepared section is not changed
    #: in place; ``dataclasses.replace`` makes a new one, without this.
    known_chart_key: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def csv_name(self) -> str:
        return self.file_name or f"{self.key}.csv"

    @property
    def is_map(self) -> bool:
        return bool(self.chart and self.chart.startswith("maps."))

    def chart_key(self) -> str:
        """A digest of everything the chart is built from (builder, frame, arguments): two sections
        with the same key draw the same chart, whichever page choice made them, so a cache keyed on
        it rebuilds only the charts a control really changed."""
        if self.known_chart_key is None:
            digest = hashlib.sha1((self.chart or "").encode())
            _feed(digest, self.frame)
            _feed(digest, self.chart_args)
            self.known_chart_key = digest.hexdigest()
        return self.known_chart_key

    def build_chart(self):
        """The Altair chart for this section (maps get the council boundaries first)."""
        if not self.chart:
            return None
        from regional import charts, maps
        from regional.charts import action_plans, cic, distance, fostering, residential, sufficiency

        modules = {"charts": charts, "charts.cic": cic, "charts.distance": distance, "charts.fostering": fostering,
                   "charts.residential": residential, "charts.sufficiency": sufficiency,
                   "charts.action_plans": action_plans, "maps": maps}
        module, name = self.chart.rsplit(".", 1)
        if module not in modules or not hasattr(modules[module], name):
            raise ValueError(f"section {self.key}: unknown chart builder {self.chart}")
        builder = getattr(modules[module], name)
        if self.is_map:
            return builder(boundaries(), self.frame, **self.chart_args)
        return builder(self.frame, **self.chart_args)


def _feed(digest, value) -> None:
    """Add a value to a digest by content: frames by their cells, index, columns and types."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        digest.update(repr((type(value).__name__, frame.shape, list(frame.columns),
                            [str(t) for t in frame.dtypes])).encode())
        try:
            digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        except TypeError:  # cells pandas cannot hash (lists): their text instead
            digest.update(value.to_json(date_format="iso", default_handler=repr).encode())
    elif isinstance(value, dict):
        for k in sorted(value, key=repr):
            digest.update(repr(k).encode())
            _feed(digest, value[k])
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(f"{type(value).__name__}:{value!r}".encode())


_ALTAIR_GLOBALS = threading.Lock()  # Altair's theme and data transformer are process-wide settings


def chart_spec(chart) -> dict:
    """An Altair chart as a Vega-Lite spec with its data as named data frames (``spec["datasets"]``),
    built once: plain data a cache can keep (Streamlit sends the frames as Arrow). Building and
    validating the Altair objects on every rerun was most of a warm page's time."""
    import altair as alt

    datasets: dict[str, pd.DataFrame] = {}
    names: dict[int, str] = {}

    def named(data):
        if isinstance(data, pd.DataFrame):  # one dataset per frame, however many layers draw it
            name = names.setdefault(id(data), f"data-{len(names)}")
            datasets[name] = data
            return {"name": name}
        return data

    alt.data_transformers.register("regional_named", lambda data, **_: named(data))
    with _ALTAIR_GLOBALS, alt.theme.enable("none"), alt.data_transformers.enable("regional_named"):
        spec = chart.to_dict(validate=False)
    # Altair gathers inline values into datasets as they were given: maps give tuples (regional.maps._inline),
    # which Streamlit does not read as rows, so they leave here as lists
    found = {k: list(v) if isinstance(v, tuple) else v for k, v in spec.get("datasets", {}).items()}
    spec["datasets"] = {**found, **datasets}
    return spec


@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The council boundaries (read once per process: they only change with build-data)."""
    from regional.geo import read_boundaries

    return read_boundaries()


def per_store(store, key: str, make: Callable[[], Any]) -> Any:
    """A value derived from one Store, kept with it (a new data version is a new Store)."""
    cache = store._tables  # the Store's own per-instance cache of read tables
    if key not in cache:
        cache[key] = make()
    return cache[key]


def text_or_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for display: empty cells as blank text, never 'None' or 'nan'."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object and values.isna().any() and \
                pd.api.types.infer_dtype(values, skipna=True) in ("string", "mixed", "empty"):
            out[column] = values.astype(object).where(values.notna(), "")
    return out
