"""The Store's fast paths give exactly what the plain pandas filters give, and a kept frame
cannot be changed by the page that asked for it."""
import pandas as pd
import pytest

from regional import store as store_module


def _masked(store, ids, codes=None, source="all", breakdown=""):
    """observations_for as it was written before the row index: boolean masks over the whole frame."""
    obs = store.council_observations if source == "council" else store.observations
    rows = obs[obs["indicator_id"].isin(ids)]
    if codes is not None:
        rows = rows[rows["area_code"].isin(codes)]
    if breakdown is not None:
        rows = rows[rows["breakdown"] == breakdown]
    if source == "dfe":
        rows = rows[rows["source_kind"].isin(["dfe", "lait"])]
    elif source == "council":
        rows = rows[rows["source_kind"] == "council"]
    return rows


@pytest.mark.parametrize("source", ["all", "dfe", "council"])
@pytest.mark.parametrize("breakdown", ["", None])
def test_observations_for_is_the_masked_frame_row_for_row(store, source, breakdown):
    held = store.observations["indicator_id"].value_counts()
    council_ids = store.council_observations["indicator_id"].unique().tolist()
    cases = [[held.index[0]], held.index[:5].tolist(), council_ids[:3] + held.index[:2].tolist(),
             [held.index[1], held.index[1]]]  # the same id twice: its rows once
    codes = [None, ["E06000058", "E06000022", "E06000059"], []]
    for ids in cases:
        for area in codes:
            got = store.observations_for(ids, area, source=source, breakdown=breakdown)
            pd.testing.assert_frame_equal(got, _masked(store, ids, area, source, breakdown))


def test_preferred_is_kept_and_a_caller_cannot_change_the_kept_frame(store):
    ids = ["cic_rate_per_10k", "cic_count"]
    first = store.preferred(ids, ["E06000058", "E06000059"])
    rows = _masked(store, ids, ["E06000058", "E06000059"], "dfe")
    expected = rows.sort_values(["area_code", "indicator_id", "period", "source_rank"]).drop_duplicates(
        ["area_code", "indicator_id", "period"], keep="first")
    pd.testing.assert_frame_equal(first, expected)
    first["value"] = -1.0  # a page changing its copy...
    first["added"] = "x"
    again = store.preferred(ids, ["E06000058", "E06000059"])
    pd.testing.assert_frame_equal(again, expected)  # ...changes nothing the next caller gets


def test_memo_builds_once_per_key_and_forgets_the_oldest(store, monkeypatch):
    monkeypatch.setattr(store_module, "MEMO_KEPT", 3)
    calls = []

    def build(n):
        def make():
            calls.append(n)
            return pd.DataFrame({"n": [n]})
        return make

    for n in (1, 1, 2, 1, 3, 4):
        assert store.memo(("test_memo", n), build(n))["n"].iloc[0] == n
    assert calls == [1, 2, 3, 4]
    store.memo(("test_memo", 2), build(2))  # the least recently used of 1, 2, 3 was 2: forgotten, built again
    assert calls == [1, 2, 3, 4, 2]
    store.memo(("test_memo", 4), build(4))
    assert calls == [1, 2, 3, 4, 2]


def test_the_sidebars_questions_are_kept_and_callers_cannot_change_them(store):
    """Every run of every page asks for the groups, the members and the selection: kept with the Store,
    each caller gets its own copy (a list appended to, a frame given a column, changes nothing kept)."""
    from regional.groups import selector_groups
    from regional.selection import Selection

    members = store.group_members("rcc:south-west")
    members.append("E99999999")
    assert "E99999999" not in store.group_members("rcc:south-west")
    listed = selector_groups(store)
    listed["extra"] = 1
    assert "extra" not in selector_groups(store).columns
    first = Selection.from_dict(store, {"group": "rcc:south-west", "council": "E06000059"})
    assert Selection.from_dict(store, {"group": "rcc:south-west", "council": "E06000059"}) == first
    assert first.council == "E06000059"
    stale = Selection.from_dict(store, {"group": "rcc:gone"})
    assert stale.fell_back == ("group",) and first.fell_back == ()


def test_a_kept_tuples_frames_are_copies_too(store):
    """A view keeps (points, limits, centre): a caller adding a column to either frame changes nothing kept."""
    kept = store.memo(("test_tuple",), lambda: (pd.DataFrame({"a": [1]}), pd.Series([2.0]), 3.5))
    points, limits, centre = kept
    points["added"] = "x"
    limits.loc[0] = -1.0
    again = store.memo(("test_tuple",), lambda: pytest.fail("built twice"))
    assert list(again[0].columns) == ["a"] and again[1].iloc[0] == 2.0 and again[2] == 3.5
