"""Two sections any view can add: the councils' own figures beside DfE's series, and the
data-quality view (consistency findings with both figures and both sources). The Data page can
reuse :func:`data_quality_section` as it is."""
from __future__ import annotations

from regional.consistency import data_quality
from regional.council_figures import council_figures
from regional.store import Store
from regional.views.base import Section, per_store, text_or_blank

#: The council-figures table's columns as the page shows them.
FIGURE_TABLE = {"council": "council", "indicator": "measure", "period": "period", "figure": "figure",
                "status": "status", "scope": "measure type", "against_dfe": "against DfE", "document": "source",
                "section": "section", "note": "note", "definition": "what it counts"}
QUALITY_COLUMNS = ["council", "severity", "indicator", "period", "figure", "source", "other figure", "other source",
                   "finding", "check"]


def council_figures_section(store: Store, codes: list[str], *, key: str, topics: list[str] | None,
                            title: str = "The councils' own figures, beside DfE's", level: int = 2) -> Section:
    """The councils' own figures on these topics, kept apart from DfE's series: each with its
    measure's own label, the period its document gives, its status and its source."""
    table = council_figures(store, codes, topics=topics)
    shown = table.rename(columns=FIGURE_TABLE)[list(FIGURE_TABLE.values())]
    return Section(
        key, title, level=level, table=text_or_blank(shown), file_name=f"{key}.csv",
        source="The councils' own published documents, named on each row",
        caption="Figures from the councils' own documents, shown beside DfE's series and never joined to it: "
                "'DfE's definition' marks a figure that is DfE's measure on another date; a council measure or "
                "a council's own measure (its wording, its base) has no DfE line. The period is the document's "
                "own; 'period not stated' means the document gives none, so it is neither dated nor called more "
                "recent than DfE's. Provisional figures say so.",
        empty="" if len(table) else "None of these councils has published its own figures on this topic.")


def data_quality_section(store: Store, codes: list[str], *, key: str = "data_quality",
                         title: str = "Data quality: figures that disagree", level: int = 2) -> Section:
    """Every consistency finding (data/rules.csv) for these councils, with both figures and sources."""
    table = per_store(store, f"data_quality:{','.join(sorted(codes))}", lambda: data_quality(store, codes))
    counts = table["council"].value_counts()
    return Section(
        key, title, level=level, table=text_or_blank(table[QUALITY_COLUMNS]) if len(table) else None,
        markdown=("Findings: " + ", ".join(f"{name} {n}" for name, n in counts.items()) + ".") if len(table) else "",
        file_name=f"{key}.csv", source="data/rules.csv run over the figures held",
        caption="The checks in data/rules.csv: parts of a whole, a share against its counts, a rate against count "
                "and population, a council figure against DfE's, the same figure in two documents, an upload "
                "against the version it replaces. Both figures are kept as published; nothing is corrected.",
        empty="" if len(table) else "No finding: the figures held for these councils agree with each other.")
