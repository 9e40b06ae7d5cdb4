"""Placement distance as DfE defines it: PL_DISTANCE, its band, the placement council.

DfE's PL_DISTANCE for the SSDA903 return is the straight line between the centroids of
the child's home postcode (HOME_POST) and the placement postcode (PL_POST), in miles:
metres / 1000 / 1.6093, to one decimal place. The geography (postcode index, Irish Grid
conversion, outcode centroids, councils) is ``regional.geo``'s; this module does the
arithmetic and the summaries built on it. Where only an outcode (``BH8``) or a sector
(``BH8 9``) is given, the outcode's centroid is used and ``distance_precision`` says so.

Placement council (PL_LA):
- full postcode: the ONS directory's lower-tier council (laua), mapped to the upper tier
  with ONS's LTLA-UTLA (April 2023) lookup, joined into the postcode index in advance;
- outcode or sector: the council whose boundary (ONS BUC December 2023) contains the
  outcode's centroid; an English outcode whose centroid falls just outside every
  generalised boundary (on the coast) takes the council with the nearest boundary point.
Outside England PL_LA is the Welsh council (full postcodes) or the country.

Rounding: half up on the computed figure (``floor(x * 10 + 0.5) / 10``), the same
arithmetic in the vectorised and the scalar version so both give identical results.
Bands: under 5 (d < 5), 5 to 10 (5 <= d < 10), 10 to 20 (10 <= d <= 20), 20 to 50
(20 < d <= 50), over 50 (d > 50): "over 20 miles" is DfE's "more than 20 miles".

Where this departs from the sector's validator (Data to Insight's
quality-lac-data-beta-validator, ``lac_validator/datastore.py``): its distance takes the
ONS directory's Irish Grid figures for BT postcodes as British grid, so every GB<->NI
pair is wrong there; here they are converted first (see ``regional.geo``). On every other
full-postcode pair the two agree to the last digit (tests/test_distance.py).
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa

from regional import privacy
from regional import geo
from regional.authorities import ENGLAND_CODE
from regional.geo import (  # noqa: F401  (the geography names callers have long found here)
    COUNTRIES, LA_LOOKUP_EXTRACT, LTLA_UTLA_FILE, OUTCODE_EXTRACT, OUTCODE_FILE, RECODES, FULL_PATTERN,
    PostcodeIndex, build_la_lookup, build_outcode_extract, locate, locate_postcodes, nearest_boundary, outcode_table,
    parse_postcodes, points_in_boundaries, postcode_index, read_la_lookup, read_outcodes, to_lon_lat, upper_tier)

MILES_DIVISOR = 1.6093  # DfE: metres / 1000 / 1.6093
OVER_20_MILES = 20.0
BANDS = ("Under 5 miles", "5 to 10 miles", "10 to 20 miles", "20 to 50 miles", "Over 50 miles", "Not known")
NOT_KNOWN = "Not known"
#: Okabe-Ito colours per band (near = green/blue, far = orange/vermillion, unknown = grey).
BAND_COLOURS = {"Under 5 miles": "#009E73", "5 to 10 miles": "#56B4E9", "10 to 20 miles": "#0072B2",
                "20 to 50 miles": "#E69F00", "Over 50 miles": "#D55E00", "Not known": "#999999"}
PRECISIONS = ("postcode", "outcode", "not known")
PRECISIONS_ORDER = tuple(geo.PRECISION_LABELS)  # the codes geo.locate uses
_BAND_DTYPE = pd.CategoricalDtype(pd.Index(list(BANDS), dtype=object))
_OUT = r"(?P<out>[A-Z]{1,2}[0-9][A-Z0-9]?)"


# --- distance -------------------------------------------------------------------------
def pl_distance_miles(home_easting, home_northing, pl_easting, pl_northing) -> np.ndarray:
    """DfE's PL_DISTANCE for whole columns at once: NaN wherever a grid reference is missing."""
    he, hn, pe, pn = (np.asarray(v, dtype=float) for v in (home_easting, home_northing, pl_easting, pl_northing))
    miles = np.hypot(he - pe, hn - pn) / 1000.0 / MILES_DIVISOR
    return np.floor(miles * 10.0 + 0.5) / 10.0


def pl_distance_miles_scalar(home_easting: float | None, home_northing: float | None,
                             pl_easting: float | None, pl_northing: float | None) -> float | None:
    """The same figure for one pair of grid references (None if any is missing)."""
    values = (home_easting, home_northing, pl_easting, pl_northing)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None
    miles = math.hypot(home_easting - pl_easting, home_northing - pl_northing) / 1000.0 / MILES_DIVISOR
    return math.floor(miles * 10.0 + 0.5) / 10.0


def distance_band(miles) -> np.ndarray:
    """Band label for each distance; NaN gives "Not known"."""
    d = np.asarray(miles, dtype=float)
    conditions = [d < 5, d < 10, d <= 20, d <= 50, d > 50]
    return np.select(conditions, BANDS[:5], default=NOT_KNOWN).astype(object)


def band_of(miles: float | None) -> str:
    """The band of one distance (the scalar twin of ``distance_band``)."""
    if miles is None or math.isnan(miles):
        return NOT_KNOWN
    if miles < 5:
        return BANDS[0]
    if miles < 10:
        return BANDS[1]
    if miles <= 20:
        return BANDS[2]
    return BANDS[3] if miles <= 50 else BANDS[4]


def postcode_distances(home, placement, *, index: PostcodeIndex | None = None,
                       outcodes: pd.DataFrame | None = None, area_code=None) -> pd.DataFrame:
    """PL_DISTANCE, its precision and band, and both postcodes located, for whole columns.

    The vectorised path every import takes: two ``geo.locate`` calls (full postcodes read as a
    byte matrix and coded as integers, the rest by Arrow's string kernels; one sorted
    ``searchsorted`` on the postcode index), then the arithmetic. With ``area_code``
    (the responsible council per row) ``inside_la`` says whether PL_LA is that council.
    """
    table = None if outcodes is None else outcode_table(outcodes)
    h = locate(home, index=index, outcodes=table)
    p = locate(placement, index=index, outcodes=table)
    miles = pl_distance_miles(h["easting"], h["northing"], p["easting"], p["northing"])
    known = ~np.isnan(miles)
    both_full = (h["precision"].codes == 1) & (p["precision"].codes == 1)
    precision = pd.Categorical.from_codes(np.where(known, np.where(both_full, 1, 2), 0).astype(np.int8),
                                          dtype=geo.PRECISION_DTYPE, validate=False)
    columns = {"pl_distance": miles, "distance_precision": precision, "distance_band": band_codes(miles)}
    for prefix, found in (("home_", h), ("pl_", p)):
        for key, value in found.items():
            columns[prefix + key] = value
    if area_code is not None:
        pl_la = p["la_code"]
        area = np.broadcast_to(np.asarray(area_code, dtype=object), pl_la.codes.shape)
        area_codes, councils = pd.factorize(area)  # compared as integer codes: a few councils, many rows
        as_placement = np.append(pl_la.categories.get_indexer(councils), -2)  # -2: a council PL_LA never holds
        as_placement[as_placement < 0] = -2
        inside = (pl_la.codes == as_placement[area_codes]).astype(object)  # a missing area (-1) takes the -2
        inside[pl_la.codes == pl_la.categories.get_loc("")] = None  # no placement council: not known
        columns["inside_la"] = inside
    index_ = getattr(home, "index", None)
    return pd.DataFrame({k: _column(v, index_) for k, v in columns.items()}, index=index_)


def band_codes(miles) -> pd.Categorical:
    """``distance_band`` as a categorical (built from integer codes: no strings copied)."""
    d = np.asarray(miles, dtype=float)
    with np.errstate(invalid="ignore"):
        codes = np.where(np.isnan(d), 5, np.where(d < 5, 0, np.where(d < 10, 1, np.where(d <= 20, 2,
                                                                                            np.where(d <= 50, 3, 4)))))
    return pd.Categorical.from_codes(codes.astype(np.int8), dtype=_BAND_DTYPE, validate=False)


def _column(values, index=None) -> pd.Series:
    """A column without pandas' costly conversion of text to its string type: Arrow text stays
    Arrow (zero copy), other text stays object."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.Categorical):
        return pd.Series(values, index=index, copy=False)
    if isinstance(values, pa.Array):
        return pd.Series(pd.arrays.ArrowStringArray(values), index=index, copy=False)
    array = np.asarray(values)
    return pd.Series(array, index=index, dtype=object if array.dtype == object else None, copy=False)


def postcode_distance(home: str, placement: str, *, index: PostcodeIndex | None = None,
                      outcodes: pd.DataFrame | None = None) -> float | None:
    """PL_DISTANCE for one pair of postcodes (the analyst's check, and the row-by-row baseline)."""
    found = postcode_point(home, index=index, outcodes=outcodes), postcode_point(placement, index=index,
                                                                                 outcodes=outcodes)
    if found[0] is None or found[1] is None:
        return None
    (he, hn, _), (pe, pn, _) = found
    return pl_distance_miles_scalar(he, hn, pe, pn)


def postcode_point(text: str, *, index: PostcodeIndex | None = None,
                   outcodes: pd.DataFrame | None = None) -> tuple[float, float, str] | None:
    """(easting, northing, council code) for one postcode, row by row; None if it cannot be placed."""
    value = re.sub(r"\s+", " ", str(text or "").upper().strip())
    compact = value.replace(" ", "")
    if re.fullmatch(FULL_PATTERN, compact):
        hit = (index or postcode_index()).lookup_one(compact)
        return None if hit is None or math.isnan(hit[0]) else hit
    match = re.fullmatch(_OUT + r"( [0-9])?", value)
    outcodes = read_outcodes() if outcodes is None else outcodes
    if match and match.group("out") in outcodes.index:
        row = outcodes.loc[match.group("out")]
        return float(row["easting"]), float(row["northing"]), str(row["area_code"])
    return None


PLACEMENT_DETAILS = ("Fostering: kinship", "Fostering: other, in-house", "Fostering: other, agency", "Fostering: other",
                     "Residential", "Supported accommodation", "With parents", "Adoption", "Other")


# --- geometry for the maps --------------------------------------------------------------
def ring(easting: float, northing: float, radius_miles: float = OVER_20_MILES, points: int = 72) -> list[list[float]]:
    """A circle of ``radius_miles`` (DfE's mile) round a grid reference, as a closed lon/lat path."""
    radius = radius_miles * MILES_DIVISOR * 1000.0
    angles = np.linspace(0, 2 * np.pi, points + 1)
    lon, lat = to_lon_lat(easting + radius * np.cos(angles), northing + radius * np.sin(angles))
    return [[round(float(x), 4), round(float(y), 4)] for x, y in zip(lon, lat)]


# --- summaries for the page -------------------------------------------------------------
SUPPRESS_BELOW = privacy.SUPPRESS_BELOW
LOCATIONS = ("Inside the council", "Elsewhere in the group", "Outside the group", "Location not known")


def prefer_uploads(episodes: pd.DataFrame) -> pd.DataFrame:
    """A council's own uploaded extract replaces its synthetic one."""
    if episodes.empty:
        return episodes
    real = set(episodes.loc[~episodes["synthetic"].astype(bool), "area_code"])
    return episodes[~(episodes["synthetic"].astype(bool) & episodes["area_code"].isin(real))]


def open_at(episodes: pd.DataFrame, when) -> pd.DataFrame:
    """Placements at a date: episodes started on or before it and not ended by it (DEC after it or blank).

    One row per child: if a child has more than one open episode the latest start wins.
    Short breaks (legal status V3/V4) are not placements in DfE's counts and are left out.
    """
    when = pd.Timestamp(when)
    decom = pd.to_datetime(episodes["decom"])
    dec = pd.to_datetime(episodes["dec"])
    keep = (decom <= when) & (dec.isna() | (dec > when))
    if "short_break" in episodes:
        keep &= ~episodes["short_break"].astype("boolean").fillna(False).astype(bool)
    rows = episodes[keep]
    return (rows.assign(_decom=pd.to_datetime(rows["decom"])).sort_values("_decom")
            .drop_duplicates(["dataset", "area_code", "child"], keep="last").drop(columns="_decom"))


def placements_at(episodes: pd.DataFrame, when=None) -> pd.DataFrame:
    """Placements open at ``when``; with None, each extract at its own extract date."""
    if episodes.empty:
        return episodes
    if when is not None:
        return open_at(episodes, when)
    parts = [open_at(group, group["extract_date"].iloc[0]) for _, group in episodes.groupby("dataset", sort=True)]
    return pd.concat(parts, ignore_index=True) if parts else episodes.iloc[0:0]


def suppress_small(frame: pd.DataFrame, count: str = "children", share: str | None = "pct",
                   threshold: int = SUPPRESS_BELOW, *, group_by: list[str] | None = None,
                   also: tuple[str, ...] = ()) -> pd.DataFrame:
    """Counts under ``threshold`` (and their shares) become empty with status 'suppressed', as DfE does,
    with secondary suppression within each group (see :func:`regional.privacy.suppress_counts`)."""
    return privacy.suppress_counts(frame, count=count, group_by=group_by, threshold=threshold,
                                   also=((share,) if share else ()) + tuple(also))


def _council_names(frame: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    return frame["area_code"].map(names).fillna(frame["area_code"])


def band_summary(now: pd.DataFrame, names: dict[str, str], *, suppress: bool) -> pd.DataFrame:
    """Children per council and distance band, with the share of the council's children."""
    if now.empty:
        return pd.DataFrame(columns=["area_code", "council", "band", "children", "pct", "status", "extract_date",
                                     "source", OUTCODE_COLUMN])
    now = now.assign(_outcode=_outcode_precision(now))
    grouped = now.groupby(["area_code", "distance_band"])
    counts = pd.DataFrame({"children": grouped.size(), OUTCODE_COLUMN: grouped["_outcode"].sum()}).reset_index()
    grid = pd.MultiIndex.from_product([sorted(now["area_code"].unique()), BANDS], names=["area_code", "distance_band"])
    counts = counts.set_index(["area_code", "distance_band"]).reindex(grid, fill_value=0).reset_index()
    totals = counts.groupby("area_code")["children"].transform("sum")
    counts["pct"] = (100 * counts["children"] / totals).round(1)
    counts["status"] = "ok"
    meta = now.groupby("area_code").agg(extract_date=("extract_date", "max"),
                                        synthetic=("synthetic", "max")).reset_index()
    counts = counts.merge(meta, on="area_code")
    counts["source"] = np.where(counts["synthetic"], "synthetic extract", "council's SSDA903 extract")
    counts = counts.rename(columns={"distance_band": "band"}).drop(columns="synthetic")
    counts.insert(1, "council", _council_names(counts, names))
    counts = counts[[c for c in counts.columns if c != OUTCODE_COLUMN] + [OUTCODE_COLUMN]]
    return _suppress_with_precision(counts, group_by=["area_code"]) if suppress else counts


def location_summary(now: pd.DataFrame, names: dict[str, str], members: list[str], *, suppress: bool) -> pd.DataFrame:
    """Share of each council's children placed inside it, elsewhere in the group, outside the group."""
    if now.empty:
        return pd.DataFrame(columns=["area_code", "council", "location", "children", "pct", "status", OUTCODE_COLUMN])
    member_set = set(members)
    where = np.select([now["pl_la"].fillna("") == "", now["pl_la"] == now["area_code"], now["pl_la"].isin(member_set)],
                      [LOCATIONS[3], LOCATIONS[0], LOCATIONS[1]], default=LOCATIONS[2])
    grouped = now.assign(location=where, _outcode=_outcode_precision(now)).groupby(["area_code", "location"])
    counts = pd.DataFrame({"children": grouped.size(), OUTCODE_COLUMN: grouped["_outcode"].sum()})
    grid = pd.MultiIndex.from_product([sorted(now["area_code"].unique()), LOCATIONS], names=["area_code", "location"])
    counts = counts.reindex(grid, fill_value=0).reset_index()
    counts["pct"] = (100 * counts["children"] / counts.groupby("area_code")["children"].transform("sum")).round(1)
    counts["status"] = "ok"
    counts.insert(1, "council", _council_names(counts, names))
    counts = counts[[c for c in counts.columns if c != OUTCODE_COLUMN] + [OUTCODE_COLUMN]]
    return _suppress_with_precision(counts, group_by=["area_code"]) if suppress else counts


def destination_summary(now: pd.DataFrame, members: list[str], *, suppress: bool) -> pd.DataFrame:
    """Where the children live: one row per placement council."""
    cols = ["placement council", "code", "in group", "children", "pct", "status", "median miles", "councils placing",
            OUTCODE_COLUMN]
    if now.empty:
        return pd.DataFrame(columns=cols)
    known = now.assign(pl_la=now["pl_la"].fillna(""), pl_la_name=now["pl_la_name"].fillna(""))
    known.loc[known["pl_la"] == "", "pl_la_name"] = "Not known (no placement postcode)"
    known = known.assign(_outcode=_outcode_precision(known))
    table = known.groupby(["pl_la", "pl_la_name"]).agg(children=("child", "size"), median=("pl_distance", "median"),
                                                        councils=("area_code", "nunique"),
                                                        outcode=("_outcode", "sum")).reset_index()
    table = table.rename(columns={"outcode": OUTCODE_COLUMN})
    table["pct"] = (100 * table["children"] / table["children"].sum()).round(1)
    table["in group"] = np.where(table["pl_la"] == "", "", np.where(table["pl_la"].isin(members), "yes", "no"))
    table["status"] = "ok"
    table = table.rename(columns={"pl_la_name": "placement council", "pl_la": "code", "median": "median miles",
                                  "councils": "councils placing"})
    table["median miles"] = table["median miles"].round(1)
    table = table.sort_values(["children", "placement council"], ascending=[False, True])
    if suppress:
        table = _suppress_with_precision(table)
        table.loc[table["status"] == "suppressed", "median miles"] = np.nan
    return table[cols].reset_index(drop=True)


def arc_flows(now: pd.DataFrame, *, suppress: bool) -> pd.DataFrame:
    """Home outcode -> placement outcode flows with their band, for the arcs (outcode level only)."""
    drawable = now.dropna(subset=["home_lat", "home_lon", "pl_lat", "pl_lon"])
    if drawable.empty:
        return pd.DataFrame(columns=["home_outcode", "pl_outcode", "distance_band", "children", "home_lat", "home_lon",
                                     "pl_lat", "pl_lon", "tooltip"])
    drawable = drawable.assign(synthetic=drawable["synthetic"].astype(bool),
                               pl_distance=drawable["pl_distance"].astype(float))
    grouped = drawable.groupby(["home_outcode", "pl_outcode", "distance_band"], sort=True)
    flows = grouped[["home_lat", "home_lon", "pl_lat", "pl_lon"]].first()
    flows["children"] = grouped.size()
    flows["miles"] = grouped["pl_distance"].median()
    flows["synthetic"] = grouped["synthetic"].any()
    flows = flows.reset_index()
    if suppress:  # an arc of one child is that child's journey: flows under the threshold are not drawn
        small = flows.loc[flows["children"] < SUPPRESS_BELOW, ["home_outcode", "pl_outcode", "distance_band"]]
        rest = drawable.merge(small, on=["home_outcode", "pl_outcode", "distance_band"])
        flows = pd.concat([privacy.drop_small_flows(flows), _council_flows(rest)], ignore_index=True)
    shown = flows["children"].map(lambda n: f"fewer than {SUPPRESS_BELOW}" if suppress and n < SUPPRESS_BELOW else f"{n}")
    label = np.where(flows["synthetic"], " (synthetic)", "")
    flows["tooltip"] = (flows["home_outcode"] + " to " + flows["pl_outcode"] + ": " + flows["distance_band"].str.lower()
                        + " (" + flows["miles"].map(lambda m: f"{m:.1f}") + " miles), " + shown + " children" + label)
    return flows


def _council_flows(rows: pd.DataFrame) -> pd.DataFrame:
    """Children whose outcode-to-outcode flow is too small to draw, as council-to-council flows drawn
    between council centres (the mean of each council's outcode centroids, which says nothing
    about any child), again only where at least SUPPRESS_BELOW children share one."""
    rows = rows[rows["pl_la"].fillna("") != ""]
    if rows.empty:
        return pd.DataFrame(columns=["home_outcode", "pl_outcode", "distance_band", "children"])
    outcodes = read_outcodes()
    centres = outcodes.groupby("area_code").agg(lat=("lat", "mean"), lon=("lon", "mean"), name=("area_name", "first"))
    grouped = rows.groupby(["area_code", "pl_la", "distance_band"], sort=True)
    flows = grouped.size().rename("children").to_frame()
    flows["miles"] = grouped["pl_distance"].median()
    flows["synthetic"] = grouped["synthetic"].any()
    flows = privacy.drop_small_flows(flows.reset_index())
    flows = flows[flows["area_code"].isin(centres.index) & flows["pl_la"].isin(centres.index)]
    home, placed = centres.reindex(flows["area_code"]), centres.reindex(flows["pl_la"])
    return pd.DataFrame({
        "home_outcode": home["name"].to_numpy() + " (council)", "pl_outcode": placed["name"].to_numpy() + " (council)",
        "distance_band": flows["distance_band"].to_numpy(), "home_lat": home["lat"].round(4).to_numpy(),
        "home_lon": home["lon"].round(4).to_numpy(), "pl_lat": placed["lat"].round(4).to_numpy(),
        "pl_lon": placed["lon"].round(4).to_numpy(), "children": flows["children"].to_numpy(),
        "miles": flows["miles"].to_numpy(), "synthetic": flows["synthetic"].to_numpy()})


def ring_centres(now: pd.DataFrame, council: str, outcodes: pd.DataFrame | None = None, limit: int = 40, *,
                 suppress: bool = True) -> pd.DataFrame:
    """The council of interest's home outcodes (most children first), with grid references for 20-mile rings;
    with ``suppress``, only outcodes home to at least SUPPRESS_BELOW children in view."""
    outcodes = read_outcodes() if outcodes is None else outcodes
    homes = now.loc[(now["area_code"] == council) & (now["home_outcode"] != ""), "home_outcode"].value_counts()
    if suppress:
        homes = homes[homes >= SUPPRESS_BELOW]
    homes = homes[homes.index.isin(outcodes.index)].head(limit)
    return outcodes.loc[homes.index, ["easting", "northing", "lat", "lon"]].assign(children=homes.to_numpy())


def compare_with_published(now: pd.DataFrame, names: dict[str, str], *, include_outcode: bool = False,
                           suppress: bool = True) -> pd.DataFrame:
    """Each extract's own shares, to set beside the published figures (over 20 miles; outside; both).

    Published figures are measured from full postcodes, so children whose distance is only at
    outcode precision (the outcode's centre: a median error of half a mile, up to 30) are left
    out of these shares unless ``include_outcode``; ``children`` counts those compared,
    ``outcode precision`` those left out (or included, when asked), so the basis is always shown.
    With ``suppress``, shares that would reveal a count under 5 are hidden (regional.privacy).
    A council with no distance left to compare (every child at outcode precision, or none known)
    has no share (blank, never 0%) unless the outcode-precision children are included.
    """
    columns = ["area_code", "council", "children", "pct_over_20_miles", "pct_outside_la",
               "pct_over_20_miles_outside_la", "extract_date", OUTCODE_COLUMN, "outcode_basis"]
    if now.empty:
        return pd.DataFrame(columns=columns)
    outcode = _outcode_precision(now)
    over = now["pl_distance"] > OVER_20_MILES
    outside = now["inside_la"].astype("boolean").fillna(False).astype(bool) == False  # noqa: E712
    outside &= now["pl_la"].fillna("") != ""
    compared = np.ones(len(now), dtype=bool) if include_outcode else ~outcode
    frame = now.assign(over=over, outside=outside, both=over & outside, _outcode=outcode, _compared=compared)
    table = frame.groupby("area_code").agg(extract_date=("extract_date", "max"), outcode=("_outcode", "sum")).reset_index()
    kept = frame[frame["_compared"]].groupby("area_code").agg(
        children=("child", "size"), measured=("pl_distance", "count"), over=("over", "mean"),
        outside=("outside", "mean"), both=("both", "mean"))
    table = table.merge(kept, how="left", left_on="area_code", right_index=True)
    table["children"] = table["children"].fillna(0).astype(int)
    nothing_measured = table["measured"].fillna(0) == 0  # no distance to compare: no share, never 0%
    table.loc[nothing_measured, ["over", "outside", "both"]] = np.nan
    table = table.rename(columns={"over": "pct_over_20_miles", "outside": "pct_outside_la",
                                  "both": "pct_over_20_miles_outside_la", "outcode": OUTCODE_COLUMN})
    for column in ("pct_over_20_miles", "pct_outside_la", "pct_over_20_miles_outside_la"):
        table[column] = (100 * table[column]).round(1)
    table["outcode_basis"] = "included" if include_outcode else "left out"
    table.insert(1, "council", _council_names(table, names))
    if suppress:
        table = privacy.suppress_shares(table, shares=["pct_over_20_miles", "pct_outside_la",
                                                       "pct_over_20_miles_outside_la"])
        small = table[OUTCODE_COLUMN].gt(0) & table[OUTCODE_COLUMN].lt(SUPPRESS_BELOW)
        table[OUTCODE_COLUMN] = table[OUTCODE_COLUMN].astype(float).where(~small)
    return table[columns]


OUTCODE_COLUMN = "outcode precision"


def _outcode_precision(frame: pd.DataFrame) -> pd.Series:
    """Rows whose distance (or placement council) rests on an outcode's centre, not a full postcode."""
    precision = frame["distance_precision"] if "distance_precision" in frame else pd.Series("", index=frame.index)
    return (precision.astype(object) == "outcode").astype(bool)


def _suppress_with_precision(frame: pd.DataFrame, group_by: list[str] | None = None) -> pd.DataFrame:
    """``suppress_small`` on the children and their share (with secondary suppression within ``group_by``),
    and on the outcode-precision count with them."""
    out = suppress_small(frame, group_by=group_by)
    small = out[OUTCODE_COLUMN].gt(0) & out[OUTCODE_COLUMN].lt(SUPPRESS_BELOW)
    out[OUTCODE_COLUMN] = out[OUTCODE_COLUMN].astype(float).where(~(small | (out["status"] == "suppressed")))
    return out


#: Council-return band indicators -> (placement, band as the council prints it).
PUBLISHED_BANDS = {
    "count_residential_under_5_miles": ("Residential care", "Under 5 miles"),
    "count_residential_within_20_miles": ("Residential care", "Within 20 miles"),
    "count_residential_20_50_miles": ("Residential care", "20 to 50 miles"),
    "count_residential_distance_not_recorded": ("Residential care", "Not recorded"),
    "count_foster_within_10_miles": ("Foster care", "Within 10 miles"),
    "count_foster_10_20_miles": ("Foster care", "10 to 20 miles"),
    "count_foster_over_20_miles": ("Foster care", "Over 20 miles"),
    "count_foster_distance_not_recorded": ("Foster care", "Not recorded"),
    "count_kinship_foster_within_5_miles": ("Kinship foster care", "Within 5 miles"),
    "count_kinship_foster_5_10_miles": ("Kinship foster care", "5 to 10 miles"),
    "count_kinship_foster_over_20_miles": ("Kinship foster care", "Over 20 miles"),
}
NEW_PLACEMENT_LOCATIONS = {
    "new_placements_inside_la_under_20_miles": "Inside, under 20 miles",
    "new_placements_inside_la_over_20_miles": "Inside, over 20 miles",
    "new_placements_outside_la_under_20_miles": "Outside, under 20 miles",
    "new_placements_outside_la_over_20_miles": "Outside, over 20 miles",
    "new_placements_distance_not_known": "Distance not known",
}


def published_bands(store, members: list[str]) -> pd.DataFrame:
    """Distance bands from the councils' own returns (latest period per council), in their own words."""
    ids = [i for i in PUBLISHED_BANDS if i in set(store.indicators["id"])]
    cols = ["council", "placement", "band", "value", "status", "period", "document", "source_id"]
    if not ids:
        return pd.DataFrame(columns=cols)
    rows = store.observations_for(ids, members, source="council")
    if rows.empty:
        return pd.DataFrame(columns=cols)
    latest = rows.groupby("area_code")["period"].transform("max")
    rows = rows[rows["period"] == latest]
    placement = rows["indicator_id"].map(lambda i: PUBLISHED_BANDS[i][0])
    if rows["area_code"].nunique() > 1:
        placement = rows["area_name"] + ": " + placement
    out = pd.DataFrame({"council": rows["area_name"], "placement": placement,
                        "band": rows["indicator_id"].map(lambda i: PUBLISHED_BANDS[i][1]), "value": rows["value"],
                        "status": rows["status"], "period": rows["period_label"], "document": rows["source_title"],
                        "source_id": rows["source_id"], "_order": rows["indicator_id"].map(list(PUBLISHED_BANDS).index)})
    return out.sort_values(["council", "_order"]).drop(columns="_order").reset_index(drop=True)


def new_placement_shares(store, members: list[str], region_code: str | None, names: dict[str, str]) -> pd.DataFrame:
    """DfE's new placements by location, latest year, for England, the region and each member."""
    pct_ids = [f"pct_{stem}" for stem in NEW_PLACEMENT_LOCATIONS]
    if not set(pct_ids) <= set(store.indicators["id"]):
        return pd.DataFrame()
    codes = [ENGLAND_CODE] + ([region_code] if region_code else []) + sorted(members, key=lambda c: names.get(c, c))
    count_ids = [f"{stem}_count" for stem in NEW_PLACEMENT_LOCATIONS]
    rows = store.observations_for(pct_ids + count_ids + ["new_placements_count"], codes, source="dfe")
    if rows.empty:
        return pd.DataFrame()
    rows = rows[rows["period"] == rows["period"].max()]
    pct = rows[rows["indicator_id"].isin(pct_ids)].assign(stem=lambda f: f["indicator_id"].str[4:])
    count = rows[rows["indicator_id"].isin(count_ids)].assign(stem=lambda f: f["indicator_id"].str[:-6])
    table = pct.merge(count[["area_code", "stem", "value", "status"]], on=["area_code", "stem"], how="left",
                      suffixes=("", "_count"))
    table = table.assign(area=table["area_code"].map(names).fillna(table["area_code"]),
                         location=table["stem"].map(NEW_PLACEMENT_LOCATIONS))
    table["_row"] = table["area_code"].map({c: i for i, c in enumerate(codes)})
    table["_col"] = table["stem"].map(list(NEW_PLACEMENT_LOCATIONS).index)
    table = table.sort_values(["_row", "_col"])
    return pd.DataFrame({"area": table["area"], "area_code": table["area_code"], "location": table["location"],
                         "pct": table["value"], "children": table["value_count"], "status": table["status"],
                         "period": table["period_label"], "source_id": table["source_id"]}).reset_index(drop=True)
