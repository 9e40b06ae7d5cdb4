"""Placement distance: where children in care live compared with their home. The map (DfE's share
placed far away, the group outlined, 20-mile rings, placements as arcs between councils), the
distance bands and locations of the child-level extracts, and the councils' and DfE's published
figures beside them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from regional import distance, models, privacy
from regional.importers import new_placements
from regional.maps import extent_for, legend_table
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, boundaries, per_store, text_or_blank

PAGE = "pages/4_Placement_distance.py"
UASC_CHOICES = ("All children", "Excluding UASC", "UASC only")
DFE_MEASURE = "pct_placed_over_20_miles_outside_la"


@dataclass(frozen=True)
class Choices:
    councils: tuple[str, ...] | None = None  # None: the group's councils with an extract (else every extract)
    when: date | None = None  # None: each extract at its own date
    uasc: str = UASC_CHOICES[0]
    kinds: tuple[str, ...] | None = None  # None: every placement category held
    bands: tuple[str, ...] | None = None  # None: every distance band
    editor_council: str | None = None  # a signed-in editor's own council: its small counts are shown to them
    include_outcode: bool = False  # count outcode-precision distances in the comparison with published figures


def episodes(store: Store) -> pd.DataFrame:
    """Every extract held (a council's own upload replaces its synthetic one), read once per Store."""
    return per_store(store, "placement_episodes", lambda: distance.prefer_uploads(pd.concat(
        [store.table(models.PlacementEpisode), store.table(models.PlacementEpisodeUpload)], ignore_index=True)))


def options(store: Store, selection: Selection) -> dict[str, list[str]]:
    """What the filters offer: councils with an extract, the default councils, the categories held."""
    names = dict(zip(store.areas["code"], store.areas["name"]))
    held = episodes(store)
    with_data = sorted(set(held["area_code"]), key=lambda c: names.get(c, c))
    details = [d for d in distance.PLACEMENT_DETAILS if d in set(held.get("placement_detail", []))]
    # Only the group's own councils by default: a group with no extract shows none (and says so), never
    # another group's children.
    return {"with_data": with_data, "default": [c for c in with_data if c in selection.members],
            "details": details}


def none_in_group(store: Store, selection: Selection) -> str:
    """What to say when no council of the chosen group has a child-level extract, or '' when one has."""
    held = options(store, selection)
    if held["default"]:
        return ""
    names = dict(zip(store.areas["code"], store.areas["name"]))
    listed = ", ".join(names.get(c, c) for c in held["with_data"]) or "none yet"
    return (f"No council in {selection.group_label} has a child-level placement extract (synthetic or uploaded), "
            f"so the child-level sections below show nothing rather than another group's children. Councils with an "
            f"extract: {listed}. Choose them under 'Councils' to see theirs, or upload an extract below.")


def placements_in_view(store: Store, selection: Selection, choices: Choices) -> pd.DataFrame:
    """The placements the filters select, open at the chosen date (or each extract's own date)."""
    held = episodes(store)
    chosen = list(choices.councils) if choices.councils is not None else options(store, selection)["default"]
    now = distance.placements_at(held[held["area_code"].isin(chosen)], choices.when)
    if now.empty:
        return now
    kinds = choices.kinds if choices.kinds is not None else distance.PLACEMENT_DETAILS
    bands = choices.bands if choices.bands is not None else distance.BANDS
    now = now[now["placement_detail"].isin(kinds) & now["distance_band"].isin(bands)]
    if choices.uasc == "Excluding UASC":
        now = now[~now["uasc"].astype(bool)]
    elif choices.uasc == "UASC only":
        now = now[now["uasc"].astype(bool)]
    return now


def ring_centres(now: pd.DataFrame, council: str, *, suppress: bool = True) -> tuple[pd.DataFrame, str]:
    """Where the 20-mile ring goes: one ring round the centre of the council's children's home outcodes
    in view (weighted by children), or, with no extract in view, round the centre of its own outcodes,
    so the map still shows what 20 miles means there. (A ring per outcode was a mass of circles.)"""
    centres = distance.ring_centres(now, council, suppress=suppress) if len(now) else pd.DataFrame()
    if len(centres):
        weights = centres["children"].astype(float)
        centre = pd.DataFrame({"easting": [(centres["easting"] * weights).sum() / weights.sum()],
                               "northing": [(centres["northing"] * weights).sum() / weights.sum()],
                               "children": [int(weights.sum())]}, index=["its children's homes"])
        return centre, "round the centre of the home postcode districts of its children in view"
    outcodes = distance.read_outcodes()
    own = outcodes[(outcodes["area_code"] == council) & outcodes["la_method"].str.startswith("outcode centroid inside")]
    centre = pd.DataFrame({"easting": [own["easting"].mean()], "northing": [own["northing"].mean()], "children": [0]},
                          index=["the council"]).dropna()
    return centre, "round the centre of its own postcode districts (no child-level extract in view)"


def latest_dfe(store: Store) -> pd.DataFrame:
    """DfE's latest published share placed over 20 miles and outside the council, per council."""
    dfe = store.preferred(DFE_MEASURE)
    return dfe[dfe["area_code"].str.match(r"^E0[6-9]|^E10")].sort_values("period").groupby("area_code").tail(1)


def compare_with_published(store: Store, now: pd.DataFrame, names: dict[str, str], tag: str,
                           include_outcode: bool = False, *, suppress: bool = True) -> pd.DataFrame:
    """Each extract's shares beside the council's own published figures and DfE's latest; children whose
    distance is only at outcode precision are left out unless ``include_outcode`` (and counted either way)."""
    compare = distance.compare_with_published(now, names, include_outcode=include_outcode, suppress=suppress)
    published = store.observations_for(["pct_placed_over_20_miles", "pct_placed_outside_la"],
                                       list(compare["area_code"]), source="council")
    published = published[published["period"] == published.groupby(["area_code", "indicator_id"])["period"]
                          .transform("max")]
    pub = published.groupby(["area_code", "indicator_id"])["value"].agg(  # a document may give two figures
        lambda v: "; ".join(f"{x:g}%" for x in dict.fromkeys(v.dropna()))).unstack()
    dfe = latest_dfe(store).set_index("area_code")

    def council(indicator: str) -> pd.Series:
        return compare["area_code"].map(pub.get(indicator, {})).fillna("not published")

    kind = compare["area_code"].map(now.groupby("area_code")["synthetic"].max())
    return pd.DataFrame({
        "council": compare["council"], "children": compare["children"],
        f"extract % over 20 miles{tag}": compare["pct_over_20_miles"],
        "council's published % over 20 miles": council("pct_placed_over_20_miles"),
        f"extract % outside the council{tag}": compare["pct_outside_la"],
        "council's published % outside": council("pct_placed_outside_la"),
        f"extract % over 20 miles and outside{tag}": compare["pct_over_20_miles_outside_la"],
        "DfE % over 20 miles and outside": compare["area_code"].map(dfe["value"]),
        "DfE year": compare["area_code"].map(dfe["period_label"]).fillna(""),
        "extract date": compare["extract_date"].astype(str),
        f"outcode precision ({'included' if include_outcode else 'left out'})": compare[distance.OUTCODE_COLUMN],
        "extract": kind.map({True: "synthetic", False: "council's own"})})


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    names = dict(zip(store.areas["code"], store.areas["name"]))
    members = list(selection.members)
    now = placements_in_view(store, selection, choices)
    chosen = list(choices.councils) if choices.councils is not None else options(store, selection)["default"]
    # Small numbers are suppressed in every view, one council or many (regional.privacy), except for a
    # signed-in editor looking only at their own council.
    suppress = privacy.suppression_applies(now["area_code"].unique() if len(now) else [], choices.editor_council)
    synthetic = bool(len(now) and now["synthetic"].astype(bool).any())
    tag = (" (synthetic)" if now["synthetic"].astype(bool).all() else " (partly synthetic)") if synthetic else ""
    dates = now.groupby("area_code")["extract_date"].max() if len(now) else pd.Series(dtype=object)
    when_text = ("Extract dates: " + "; ".join(f"{names.get(c, c)} {pd.Timestamp(d):%d %B %Y}" for c, d in dates.items())
                 if choices.when is None and len(dates) else
                 f"Placements open on {choices.when:%d %B %Y}." if choices.when else "")
    intro = Section("dist_intro", synthetic=synthetic, caption=when_text, markdown=(
        f"Small numbers: counts under {distance.SUPPRESS_BELOW} (and any figure that would reveal one: a share, a "
        "median, the next-smallest cell of the same total, a flow between two places) are suppressed, as DfE does, "
        "whichever councils are in view.") if suppress else "")

    latest = latest_dfe(store)
    values = latest.rename(columns={"area_code": "code"})[["code", "value", "status", "period_label"]]
    flows = distance.arc_flows(now if len(now) else now.iloc[0:0], suppress=suppress)
    pairs = distance_council_pairs(now, names, suppress=suppress)
    centres, ring_note = ring_centres(now, selection.council, suppress=suppress)
    rings = [{"path": distance.ring(r.easting, r.northing),
              "tooltip": f"20 miles from the centre of {o}" + (f" ({r.children} children in view)"
                                                                if r.children else "")}
             for o, r in centres.iterrows()]
    period = values["period_label"].dropna().max() if len(values) else ""
    arcs_table = flows.drop(columns=["home_lat", "home_lon", "pl_lat", "pl_lon", "synthetic"], errors="ignore")
    if suppress:
        arcs_table = distance.suppress_small(arcs_table, share=None)
    shown = values.assign(council=values["code"].map(names), source="DfE LAIT (LACDistance)")
    band_legend = pd.DataFrame({"distance band": list(distance.BANDS),
                                "arc colour": [distance.BAND_COLOURS[b] for b in distance.BANDS]})
    map_section = Section(
        "dist_map", f"Where children live{tag}", frame=values, chart="maps.placement_map",
        table=text_or_blank(shown[["council", "code", "value", "status", "period_label", "source"]]),
        chart_args={"flows": pairs, "colours": distance.BAND_COLOURS, "members": members,
                    "highlight": selection.council, "group_label": selection.group_label, "rings": rings,
                    "value_label": "% placed over 20 miles and outside the council (DfE)",
                    "extent": extent_for(boundaries(), sorted(set(chosen) | {selection.council}), pad=0.08,
                                          points=_ends(pairs))},
        file_name="placement_distance_dfe.csv", synthetic=synthetic,
        caption=(f"Councils shaded by DfE's % of children in care placed more than 20 miles from home and outside the "
                 f"council ({period}; five colour classes, each holding a fifth of councils, from dark purple = lowest to yellow = highest, "
                 f"very pale grey = not published; see the legend table). Blue outline: {selection.group_label}; "
                 f"orange outline: {selection.council_name}; black outlines: the councils in the group. "
                 f"Arcs{tag}: children placed from one council into another, one curve per pair of councils (bowed to "
                 f"the right of the journey, so two councils placing with each other draw two), as wide as the number "
                 f"of children, coloured by their median distance band, with a dot where the children live. Thin "
                 f"black circles: 20 miles "
                 f"{ring_note}. Hover for figures."),
        extra={"legend": legend_table(values["value"], "%"), "band_legend": band_legend,
               "arcs": text_or_blank(arcs_table), "pairs": text_or_blank(pairs.drop(
                   columns=["home_lat", "home_lon", "pl_lat", "pl_lon"], errors="ignore"))})
    sections = [intro, map_section]
    if now.empty:
        sections.append(Section("dist_bands", f"Distance bands{tag}", empty=(
            none_in_group(store, selection) if not chosen else
            "No child-level placements match these filters. Choose councils with an extract above, or upload one "
            "below.")))
    else:
        bands = distance.band_summary(now, names, suppress=suppress)
        locations = distance.location_summary(now, names, members, suppress=suppress)
        sections += [
            Section("dist_bands", f"Distance bands{tag}", frame=bands, chart="charts.distance.band_bars",
                    table=text_or_blank(bands.assign(extract_date=bands["extract_date"].astype(str))),
                    file_name="distance_bands.csv", synthetic=synthetic,
                    caption="Share of each council's children in care in each band. " + (
                        "Suppressed cells are gaps in the bar and 'suppressed' in the table." if suppress else "")),
            Section("dist_locations", f"Inside the council, the group, or beyond{tag}", frame=locations,
                    chart="charts.distance.location_bars", table=text_or_blank(locations),
                    file_name="placement_locations.csv", synthetic=synthetic,
                    caption=f"Group: {selection.group_label}. The placement council is found from the placement's postcode "
                            "(for a [postcode district](/Glossary#outcode) alone: the council containing its centre)."),
            Section("dist_destinations", f"Where the children live: placement councils{tag}",
                    table=text_or_blank(distance.destination_summary(now, members, suppress=suppress)),
                    file_name="placement_councils.csv", synthetic=synthetic),
            Section("dist_compare", "The extracts beside the published figures",
                    table=text_or_blank(compare_with_published(store, now, names, tag, choices.include_outcode,
                                                                suppress=suppress)),
                    file_name="placement_distance_compared.csv",
                    caption="Extract figures use the filters above. Council figures are the latest in each council's "
                            "own return; DfE's is its latest published year (at 31 March). They cover different "
                            "dates and, for DfE, a narrower measure (over 20 miles *and* outside the council). "
                            "Published figures are measured from full postcodes: children whose distance is known "
                            "only to an outcode's centre (half a mile out at the median, up to 30 miles) are "
                            + ("included here, as asked." if choices.include_outcode else
                               "left out of the extract's shares unless included with the filter above; "
                               "'outcode precision' counts them.")),
        ]
    published = distance.published_bands(store, members)
    sections.append(Section(
        "dist_published_bands", "Distance bands as councils publish them", frame=published,
        chart="charts.distance.published_band_bars", table=text_or_blank(published),
        file_name="published_distance_bands.csv",
        empty="" if len(published) else "No member of this group publishes distance bands in its return.",
        caption="Each council's own bands, as printed (they differ from DfE's and from each other); councils with "
                "aggregates only appear here. " + "; ".join(
                    f"{c}: {d}, {p}" for c, d, p in published[["council", "document", "period"]]
                    .drop_duplicates().itertuples(index=False)) + "."))
    new = distance.new_placement_shares(store, members, selection.region_code, names)
    sections.append(Section(
        "dist_new_placements", "New placements in the year by location (DfE)", frame=new,
        chart="charts.distance.new_placement_bars", table=text_or_blank(new) if len(new) else None,
        file_name="new_placements_by_location.csv",
        empty="" if len(new) else "DfE's new-placements figures are not loaded.",
        caption=(f"Placements that started in {new['period'].iloc[0]}, by where they were: inside or outside the "
                 "council, under or over 20 miles from home. Suppressed figures (DfE 'c') are gaps. Source: DfE, "
                 f"{new_placements.FILE}.") if len(new) else ""))
    return sections


def _ends(pairs: pd.DataFrame) -> list[list[float]]:
    """Both ends of every arc drawn, so the map reaches the places the children live (within reason:
    :func:`regional.maps.extent_for` caps how far)."""
    if pairs.empty:
        return []
    lons = pd.concat([pairs["home_lon"], pairs["pl_lon"]]).astype(float)
    lats = pd.concat([pairs["home_lat"], pairs["pl_lat"]]).astype(float)
    return [[x, y] for x, y in zip(lons, lats)]


def distance_council_pairs(now: pd.DataFrame, names: dict[str, str], *, suppress: bool) -> pd.DataFrame:
    """Placements aggregated by (responsible council, placement council): one arc per pair, from the
    centre of the council's children's home outcodes to the centre of their placement outcodes, with
    the number of children and their median distance. Pairs with a council to itself are left out
    (the rings and the bands show those); with ``suppress``, pairs of fewer than 5 children are not drawn
    or listed at all: one arc of one child is that child's journey."""
    cols = ["area_code", "pl_la", "council", "placed in", "children", "miles", "distance_band",
            "home_lat", "home_lon", "pl_lat", "pl_lon", "synthetic", "tooltip", "arc_width", "status"]
    if now.empty:
        return pd.DataFrame(columns=cols)
    drawable = now.dropna(subset=["home_lat", "home_lon", "pl_lat", "pl_lon"])
    drawable = drawable[drawable["pl_la"].fillna("").ne("") & drawable["pl_la"].ne(drawable["area_code"])]
    if drawable.empty:
        return pd.DataFrame(columns=cols)
    drawable = drawable.assign(synthetic=drawable["synthetic"].astype(bool), pl_distance=drawable["pl_distance"].astype(float))
    grouped = drawable.groupby(["area_code", "pl_la"], sort=True)
    pairs = grouped[["home_lat", "home_lon", "pl_lat", "pl_lon"]].median()
    pairs["children"] = grouped.size()
    pairs["miles"] = grouped["pl_distance"].median()
    pairs["synthetic"] = grouped["synthetic"].any()
    pairs = pairs.reset_index()
    pairs["distance_band"] = distance.distance_band(pairs["miles"].to_numpy())
    pairs["council"] = pairs["area_code"].map(names).fillna(pairs["area_code"])
    pl_names = drawable.groupby("pl_la")["pl_la_name"].first()
    pairs["placed in"] = pairs["pl_la"].map(pl_names).fillna(pairs["pl_la"].map(names)).fillna(pairs["pl_la"])
    if suppress:
        pairs = privacy.drop_small_flows(pairs)
        if pairs.empty:
            return pd.DataFrame(columns=cols)
    small = pairs["children"] < distance.SUPPRESS_BELOW
    shown = pairs["children"].map(str).where(~(small & suppress), f"fewer than {distance.SUPPRESS_BELOW}")
    label = pairs["synthetic"].map({True: " (synthetic)", False: ""})
    pairs["tooltip"] = (pairs["council"] + " to " + pairs["placed in"] + ": " + shown + " children, median "
                        + pairs["miles"].map(lambda m: f"{m:.1f}") + " miles (" + pairs["distance_band"].str.lower()
                        + ")" + label)
    # width by the number of children (area-true: the square root), 1.5 to 10 pixels; a suppressed pair is thinnest
    pairs["arc_width"] = (1.5 + 8.5 * (pairs["children"] / pairs["children"].max()) ** 0.5).round(1)
    pairs["status"] = "ok"
    if suppress:
        pairs.loc[small, "arc_width"] = 1.5
        pairs.loc[small, "status"] = "suppressed"
        pairs["children"] = pairs["children"].astype(float).where(~small)
    return pairs.sort_values("arc_width", ascending=False).reset_index(drop=True)
