"""Two small page blocks any page can place: the councils' own figures beside DfE's series, and
the data-quality view (consistency findings). Layout only: the figures come from
``regional.council_figures`` and ``regional.consistency``."""
from __future__ import annotations

import streamlit as st

from regional import db
from regional.consistency import data_quality
from regional.council_figures import council_figures
from regional.store import Store

FIGURE_TABLE = {"council": "council", "indicator": "measure", "period": "period", "figure": "figure",
                "status": "status", "scope": "measure type", "against_dfe": "against DfE", "document": "source",
                "section": "section", "note": "note", "definition": "what it counts"}


@st.cache_data(max_entries=32, show_spinner=False)
def _figures(_store: Store, version: str, codes: tuple[str, ...], topics: tuple[str, ...] | None):
    return council_figures(_store, list(codes), topics=list(topics) if topics else None)


@st.cache_data(max_entries=32, show_spinner=False)
def _quality(_store: Store, version: str, codes: tuple[str, ...]):
    return data_quality(_store, list(codes))


def council_figures_block(store: Store, codes: list[str], *, topics: list[str] | None, key: str,
                          title: str = "The councils' own figures, beside DfE's") -> None:
    """The councils' own figures for these topics: each with its measure's own label, the period as
    its document gives it, its status and its document, and whether it is later than DfE's latest."""
    version = db.data_version(store.engine)
    table = _figures(store, version, tuple(codes), tuple(topics) if topics else None)
    st.subheader(title)
    if table.empty:
        st.info("None of these councils has published its own figures on this topic.")
        return
    st.caption("Figures from the councils' own documents, kept apart from DfE's series: a measure with DfE's "
               "definition says so; a council's own measure (its wording, its base) is never joined to DfE's line. "
               "The period is the document's own; 'period not stated' means the document gives none, so it is "
               "neither dated nor called more recent. Provisional figures say so.")
    shown = table.rename(columns=FIGURE_TABLE)[list(FIGURE_TABLE.values())]
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}_table")
    st.download_button("Download CSV", shown.to_csv(index=False).encode(), f"{key}.csv", "text/csv", key=f"{key}_dl")


def data_quality_block(store: Store, codes: list[str], *, key: str, title: str = "Data quality: figures that disagree"
                       ) -> None:
    """Every consistency finding for these councils, with both figures and both sources."""
    version = db.data_version(store.engine)
    table = _quality(store, version, tuple(codes))
    st.subheader(title)
    st.caption("The checks in data/rules.csv (parts of a whole, a share against its counts, a rate against count and "
               "population, a council figure against DfE's, the same figure in two documents, an upload against the "
               "version it replaces). Both figures are kept as published; nothing is corrected.")
    if table.empty:
        st.success("No finding: the figures held for these councils agree with each other.")
        return
    counts = table["council"].value_counts()
    st.markdown("Findings: " + ", ".join(f"{name} {n}" for name, n in counts.items()) + ".")
    shown = table[["council", "severity", "indicator", "period", "figure", "source", "other figure", "other source",
                   "finding", "check"]]
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}_table")
    st.download_button("Download CSV", shown.to_csv(index=False).encode(), f"{key}.csv", "text/csv", key=f"{key}_dl")
