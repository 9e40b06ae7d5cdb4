"""The councils' own figures and the comparators their documents quote, ready to show *beside*
DfE's series: each with its own label, period in words, status and document.

A council figure under a DfE indicator (same definition) may extend DfE's line; a council
measure or a council-local indicator never does. Whether a figure is "more recent" than DfE's
is decided by its period, and a figure whose period is not stated is never called more recent.
"""
from __future__ import annotations

import pandas as pd

from regional.importers.council_return import COMPARATORS
from regional.indicators import figure_label, format_value, status_label
from regional.observations import PERIOD_NOT_STATED
from regional.store import Store

SCOPE_LABELS = {"dfe": "DfE's definition", "council": "council measure (no DfE equivalent)",
                "local": "this council's own measure"}
FIGURE_COLUMNS = ["council_code", "council", "indicator_id", "indicator", "definition", "scope", "period",
                  "value", "figure", "status", "against_dfe", "document", "section", "note"]
COMPARATOR_COLUMNS = ["council_code", "council", "indicator_id", "indicator", "comparator", "breakdown", "period",
                      "value", "figure", "status", "document", "section", "note"]


def _indicators(store: Store, indicator_ids: list[str] | None, topics: list[str] | None) -> list[str]:
    cat = store.indicators
    if indicator_ids is not None:
        cat = cat[cat["id"].isin(indicator_ids)]
    if topics is not None:
        cat = cat[cat["topic"].isin(topics)]
    return cat["id"].tolist()


def against_dfe(rows: pd.DataFrame, store: Store) -> pd.Series:
    """For each council figure: is its period later than DfE's latest published figure for the
    same council and indicator? Only a stated period can be; a council-local measure has no DfE
    series to be later than."""
    published = store.observations_for(sorted(set(rows["indicator_id"])), sorted(set(rows["area_code"])),
                                       source="dfe")
    published = published[published["status"] != "missing"]
    latest = published.groupby(["area_code", "indicator_id"])["period"].max()
    labels = published.sort_values("period").groupby(["area_code", "indicator_id"])["period_label"].last()
    out = []
    for code, ident, period, label in zip(rows["area_code"], rows["indicator_id"], rows["period"], rows["period_label"]):
        dfe = latest.get((code, ident))
        if label == PERIOD_NOT_STATED:
            out.append("period not stated: not comparable with DfE's")
        elif dfe is None or pd.isna(dfe):
            out.append("no DfE series for this measure")
        elif period > dfe:
            out.append(f"later than DfE's latest ({labels[(code, ident)]})")
        elif period == dfe:
            out.append(f"same period as DfE's latest ({labels[(code, ident)]})")
        else:
            out.append(f"earlier than DfE's latest ({labels[(code, ident)]})")
    return pd.Series(out, index=rows.index, dtype=object)


def council_figures(store: Store, codes: list[str], indicator_ids: list[str] | None = None, *,
                    topics: list[str] | None = None, scopes: tuple[str, ...] = ("dfe", "council", "local")
                    ) -> pd.DataFrame:
    """Every figure the councils ``codes`` give about themselves (no comparators), newest first per
    council and indicator, each with the indicator's label and definition, the period as its
    document gives it, the status in words (provisional says so), and how it stands against DfE."""
    ids = _indicators(store, indicator_ids, topics)
    rows = store.observations_for(ids, codes, source="council", breakdown="")
    meta = store.indicators.set_index("id")
    rows = rows[rows["indicator_id"].map(meta["scope"]).isin(scopes)]
    if rows.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    stated = rows["period_label"] != PERIOD_NOT_STATED
    rows = rows.assign(_stated=stated).sort_values(["area_name", "indicator_id", "_stated", "period"],
                                                   ascending=[True, True, False, False])
    unit = rows["indicator_id"].map(meta["unit"])
    return pd.DataFrame({
        "council_code": rows["area_code"], "council": rows["area_name"], "indicator_id": rows["indicator_id"],
        "indicator": rows["indicator_id"].map(meta["label"]).map(figure_label), "definition": rows["indicator_id"].map(meta["description"]),
        "scope": rows["indicator_id"].map(meta["scope"]).map(SCOPE_LABELS), "period": rows["period_label"],
        "value": rows["value"],
        "figure": [format_value(v, u, s) for v, u, s in zip(rows["value"], unit, rows["status"])],
        "status": rows["status"].map(status_label).replace("", "as published"),
        "against_dfe": against_dfe(rows, store), "document": rows["source_title"], "section": rows["section"],
        "note": rows["note"],
    })[FIGURE_COLUMNS].reset_index(drop=True)


def document_comparators(store: Store, codes: list[str] | None = None, indicator_ids: list[str] | None = None, *,
                         comparators: tuple[str, ...] = tuple(COMPARATORS)) -> pd.DataFrame:
    """The comparators the councils' documents quote (England, region, statistical neighbours,
    Good+ LAs), stored under the quoting council with ``breakdown`` naming the comparator and the
    document as source. These are the document's figures, not DfE's or a computed average."""
    ids = _indicators(store, indicator_ids, None)
    rows = store.observations_for(ids, codes, source="council", breakdown=None)
    rows = rows[rows["breakdown"].isin(comparators)]
    if rows.empty:
        return pd.DataFrame(columns=COMPARATOR_COLUMNS)
    meta = store.indicators.set_index("id")
    unit = rows["indicator_id"].map(meta["unit"])
    rows = rows.sort_values(["area_name", "indicator_id", "breakdown", "period"])
    return pd.DataFrame({
        "council_code": rows["area_code"], "council": rows["area_name"], "indicator_id": rows["indicator_id"],
        "indicator": rows["indicator_id"].map(meta["label"]).map(figure_label), "comparator": rows["breakdown"].map(COMPARATORS),
        "breakdown": rows["breakdown"], "period": rows["period_label"], "value": rows["value"],
        "figure": [format_value(v, u, s) for v, u, s in zip(rows["value"], unit, rows["status"])],
        "status": rows["status"].map(status_label).replace("", "as published"),
        "document": rows["source_title"], "section": rows["section"], "note": rows["note"],
    })[COMPARATOR_COLUMNS].reset_index(drop=True)
