"""Scorecard: a council's measures against England, its region, its statistical neighbours and
the Good+ councils, as councils' self-assessments lay them out; or every member of the group
side by side. CSV and XLSX downloads.

Layout only; every figure comes from ``regional.scorecard`` and ``regional.groups``.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Scorecard - Regional Care Benchmark", page_icon=":bar_chart:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import db, groups, scorecard  # noqa: E402
from regional.errors import DataError  # noqa: E402
from regional.importers.ofsted_ilacs import AS_AT  # noqa: E402

store = ui.get_store()
sel = ui.sidebar(store)
version = db.data_version(store.engine) if store.engine is not None else "none"


@st.cache_data(show_spinner="Building the scorecard...", max_entries=16)
def build(version: str, councils: tuple[str, ...], measures: tuple[str, ...], options: scorecard.Options
          ) -> pd.DataFrame:
    """Cached per loaded data version and choice: the Store is rebuilt when anything is loaded."""
    return scorecard.group_scorecard(store, list(councils), list(measures), options)


@st.cache_data(show_spinner=False, max_entries=8)
def workbook(version: str, councils: tuple[str, ...], measures: tuple[str, ...], options: scorecard.Options) -> bytes:
    return scorecard.to_xlsx(build(version, councils, measures, options), store, options)


councils = store.councils()
names = dict(zip(councils["code"], councils["name"]))
held = set(store.observations["indicator_id"])
measure_options = [i for i in store.indicators["id"] if i in held]
labels = dict(zip(store.indicators["id"], store.indicators["label"]))

st.title("Scorecard")
st.markdown("A council's measures as its self-assessment lays them out: its latest DfE figure, its own latest "
            "return, **England**, its **region**, its **statistical neighbours** and the **Good+ councils** "
            "(Ofsted ILACS overall effectiveness Good or Outstanding). Each cell gives its period; arrows and "
            "words say whether the council is higher or lower, and better or worse where the measure has a "
            "direction in the catalogue.")

with st.container(border=True):
    c1, c2 = st.columns([2, 3])
    scope = c1.radio("Show", ["One council", "Every member of the group"], horizontal=True, key="sc_scope")
    default_measures = [m for m in scorecard.default_measures(store) if m in measure_options]
    measures = c2.multiselect("Measures", measure_options, default=default_measures, key="sc_measures",
                              format_func=lambda i: labels.get(i, i),
                              help="Default: the measures of BCP's self-assessment tables that the platform holds.")
    c3, c4, c5 = st.columns([2, 2, 2])
    council_codes = councils["code"].tolist()
    council = c3.selectbox("Council", council_codes, key="sc_council", format_func=names.get,
                           index=council_codes.index(sel.council) if sel.council in council_codes else 0,
                           disabled=scope != "One council")
    statistic = c4.radio("Group figure", list(groups.STATISTICS), horizontal=True, key="sc_statistic",
                         format_func={"mean": "Mean", "median": "Median", "pooled": "Pooled rate"}.get,
                         help="Mean or median of the councils' figures, or the pooled rate (sum of counts / sum "
                              "of populations) where the counts are held; otherwise the mean, and the notes say so.")
    good_plus_at = c5.date_input("Good+ councils as judged at", value=AS_AT, min_value=date(2018, 4, 1),
                                 max_value=AS_AT, key="sc_goodplus", format="DD/MM/YYYY",
                                 help="Each council's latest ILACS judgement on or before this date (Ofsted's "
                                      "table as at 31 March 2025, or its inspection history for an earlier date).")
    listed = groups.selector_groups(store)
    extra = st.multiselect("Also compare with", listed["id"].tolist(), key="sc_extra",
                           format_func=dict(zip(listed["id"], listed["label"])).get,
                           help="More comparator columns: an RCC, a group defined on the Groups page, a region.")

if not measures:
    st.info("Choose at least one measure.")
    st.stop()

members = [c for c in sel.members if c in names]
targets = [council] if scope == "One council" else members
if not targets:
    st.info(f"{sel.group_label} has no council in use today to show.")
    st.stop()
options = scorecard.Options(model=sel.model, statistic=statistic, good_plus_at=good_plus_at,
                            extra_groups=tuple(extra))
try:
    card = build(version, tuple(targets), tuple(measures), options)
except DataError as exc:
    ui.show_error(exc)
    st.stop()

gp = groups.good_plus(store, good_plus_at)
stat_text = groups.STATISTIC_LABELS[statistic]
caption = (f"England and region: DfE's published figures (for counts, the {stat_text} over their councils). "
           f"Statistical neighbours: DfE's {sel.model} model. Neighbours and Good+: the {stat_text}"
           f"{' where counts are held, otherwise the mean' if statistic == 'pooled' else ''}, over the councils "
           f"with a figure in the council's latest DfE year. {gp.note}. Quartile: among all councils in use "
           f"today that year (Q1 the lowest quarter). 'not held': the platform holds no such figure.")

if scope == "One council":
    st.subheader(f"{names[council]}")
    st.table(scorecard.wide(card).set_index("Measure"))
    st.caption(caption)
    neighbours = groups.neighbours(store, council, sel.model)
    with st.expander(f"Statistical neighbours ({sel.model} model): {len(neighbours.members)} councils"):
        st.write(", ".join(store.name(c) for c in neighbours.members) or neighbours.note)
else:
    st.subheader(f"{sel.group_label}: every member side by side")
    st.table(scorecard.side_by_side(card).set_index("Measure"))
    st.caption("Each council's latest DfE figure with its period and quartile among all councils (Q1 lowest), and "
               "England. Each council's full scorecard is below and in the XLSX (one sheet per council).")
    for code in targets:
        with st.expander(names[code]):
            st.table(scorecard.wide(card[card["council_code"] == code]).set_index("Measure"))
    st.caption(caption)

with st.expander(f"Good+ councils at {good_plus_at:%d %B %Y}: {len(gp.members)} councils"):
    judged = gp.judgements.assign(council=lambda f: f["area_code"].map(store.name))
    st.dataframe(judged[["council", "overall_effectiveness", "inspection_date", "publication_date",
                         "inspection_type", "good_plus"]].sort_values("council"),
                 hide_index=True, width="stretch", key="sc_goodplus_table")
    st.caption("Source: Ofsted, Local authority inspection outcomes (ILACS) as at 31 March 2025, with the "
               "inspection history since 2018. Open Government Licence v3.0.")

stem = "scorecard-" + ("-".join(names[c] for c in targets) if len(targets) == 1 else sel.group_label)
stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-")[:80]
d1, d2 = st.columns(2)
d1.download_button("Download CSV (every cell, with its period, statistic and source)", scorecard.to_csv(card),
                   file_name=f"{stem}.csv", mime="text/csv", key="sc_csv")
d2.download_button("Download XLSX (one sheet per council, notes sheet)", workbook(version, tuple(targets), tuple(measures), options),
                   file_name=f"{stem}.xlsx", key="sc_xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
