import pandas as pd
import pytest

from regional.authorities import AreaIndex, normalise_name
from regional.errors import DataError


@pytest.mark.parametrize("a,b", [
    ("Bournemouth, Christchurch & Poole", "Bournemouth, Christchurch and Poole"),
    ("Bristol, City of", "City of Bristol"),
    ("County Durham", "Durham"),
    ("Kingston upon Hull, City of", "Kingston Upon Hull"),
    ("Bath & North East Somerset", "Bath and North East Somerset Council"),
    ("St. Helens", "St Helens"),
    ("Herefordshire, County of", "Herefordshire"),
    ("BCP", "Bournemouth, Christchurch and Poole"),
    ("B&NES", "Bath and North East Somerset"),
])
def test_publishers_spellings_meet(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_city_of_london_never_meets_the_london_region():
    assert normalise_name("City of London") != normalise_name("London")


def test_different_councils_stay_apart():
    assert normalise_name("Kingston upon Thames") != normalise_name("Kingston upon Hull, City of")
    assert normalise_name("North Somerset") != normalise_name("Somerset")


@pytest.fixture
def index(store):
    return store.index


def test_resolve_by_code_number_and_name(index):
    assert index.resolve("E06000058") == "E06000058"
    assert index.resolve("839") == "E06000058"
    assert index.resolve("Bournemouth, Christchurch & Poole") == "E06000058"
    assert index.resolve("dorset") == "E06000059"
    assert index.resolve("England") == "E92000001"
    assert index.resolve("South West") == "E12000009"


def test_unknown_council_names_file_row_column_and_suggests(index):
    with pytest.raises(DataError) as err:
        index.resolve("Dorsett", file="r.csv", row=7, column="council")
    text = str(err.value)
    assert "r.csv" in text and "row 7" in text and "'council'" in text and "Dorset" in text


def test_resolve_prefers_council_in_use_today():
    areas = pd.DataFrame({"code": ["E10000027", "E06000066"], "name": ["Somerset", "Somerset"], "level": ["la", "la"],
                          "old_la_code": pd.array([933, 933], dtype="Int64"), "region_code": ["E12000009"] * 2,
                          "active": [False, True]})
    index = AreaIndex(areas)
    assert index.resolve("Somerset") == "E06000066"
    assert index.resolve("933") == "E06000066"


def test_a_return_that_must_name_a_council_refuses_a_region_or_england_and_says_why(index):
    assert index.resolve_council("Dorset", why="its beds are in its area") == "E06000059"
    for text, what in (("South West", "a region"), ("England", "England")):
        with pytest.raises(DataError) as caught:
            index.resolve_council(text, why="its beds are in its area", file="beds.csv", row=3)
        err = caught.value
        assert f"'{text}' is {what}, not a council" in str(err)
        assert (err.file, err.row, err.column) == ("beds.csv", 3, "council")
        assert err.expected == "a council: its beds are in its area"
