"""The synthetic extracts: deterministic, committed as generated, and reproducing each
council's published figures (within 1 percentage point) after the full import."""
from __future__ import annotations

import csv
import filecmp
import math

import pandas as pd
import pytest

from regional import db, distance, models, synthetic
from regional.authorities import AreaIndex
from regional.importers import ssda903


@pytest.fixture(scope="module")
def at_extract_date() -> dict[str, pd.DataFrame]:
    """Each council's children at its extract date, through the same import an upload takes."""
    rows = ssda903.default_rows(AreaIndex(db.read_areas()), None)
    episodes = rows[models.PlacementEpisode]
    assert set(rows[models.Source]["kind"]) == {"synthetic"}
    out = {}
    for council in synthetic.COUNCILS:
        mine = episodes[episodes["area_code"] == council.code]
        assert mine["synthetic"].all()
        now = ssda903.open_at(mine, council.extract_date)
        out[council.key] = now.assign(council_miles=council_miles(now),
                                      council_band=lambda f: distance.distance_band(f["council_miles"]))
    return out


def council_miles(rows: pd.DataFrame) -> pd.Series:
    """Distance as a council counts it in its own report, UASC children included: DfE's formula on the
    extract's outcodes. The platform's PL_DISTANCE is blank for UASC children (DfE rule 406); the
    councils' published figures include them, so they are compared with this."""
    outcodes = distance.read_outcodes()
    home, placement = outcodes.reindex(rows["home_outcode"]), outcodes.reindex(rows["pl_outcode"])
    return pd.Series(distance.pl_distance_miles(home["easting"], home["northing"], placement["easting"],
                                                placement["northing"]), index=rows.index)


def test_uasc_children_have_no_distance_and_the_rest_are_dfe_distances(at_extract_date):
    for rows in at_extract_date.values():
        uasc = rows["uasc"].astype(bool)
        assert uasc.any() and rows.loc[uasc, "pl_distance"].isna().all()
        assert (rows.loc[uasc, "distance_band"] == "Not known").all()
        assert rows.loc[~uasc, "pl_distance"].equals(rows.loc[~uasc, "council_miles"])


def pct(mask: pd.Series) -> float:
    return 100 * float(mask.mean())


def test_generation_is_deterministic_and_matches_the_committed_files(tmp_path):
    first = synthetic.generate(synthetic.BCP)
    assert first.equals(synthetic.generate(synthetic.BCP))
    assert not first.equals(synthetic.generate(synthetic.BCP, seed=1))
    synthetic.write_extracts(tmp_path)
    for name in ["bcp.csv", "dorset.csv", "bnes.csv", "manifest.csv", "bcp_header.csv", "dorset_header.csv",
                 "bnes_header.csv"]:
        assert filecmp.cmp(tmp_path / name, synthetic.SYNTHETIC_DIR / name, shallow=False), name


def test_months_of_birth_fit_the_episodes_and_leave_the_episodes_as_they_were(tmp_path, at_extract_date):
    """Every child born (first of the month) on or before their first episode, under 18 at every
    episode start and at the extract date; drawing the months takes nothing from the episodes'
    random stream (the committed episode files, and so every distance figure, did not change)."""
    episodes = ssda903.default_rows(AreaIndex(db.read_areas()), None)[models.PlacementEpisode]
    assert episodes["birth_month"].notna().all()
    born = pd.to_datetime(episodes["birth_month"])
    assert born.dt.day.eq(1).all()
    decom = pd.to_datetime(episodes["decom"])
    first = decom.groupby(episodes["child"]).transform("min")
    assert (born <= first).all()
    assert (decom < born + pd.DateOffset(years=18)).all()
    extract = pd.to_datetime(episodes["extract_date"])
    assert (extract < born + pd.DateOffset(years=18)).all()
    assert born.groupby(episodes["child"]).nunique().eq(1).all()  # one month per child
    for council in synthetic.COUNCILS:
        again = synthetic.birth_months(council, synthetic.generate(council))
        assert again.equals(pd.read_csv(synthetic.SYNTHETIC_DIR / f"{council.key}_header.csv", dtype=str,
                                        keep_default_na=False))


def test_dorset_ages_match_its_published_age_split(at_extract_date):
    """Dorset's strategy (end of October 2023, the extract's date): 281 of 465 (60%) teenagers,
    "over 100" aged 5 to 12, 80% of unaccompanied children aged 16 or 17."""
    dorset = at_extract_date["dorset"].drop_duplicates("child")
    when = pd.Timestamp(synthetic.DORSET.extract_date)
    born = pd.to_datetime(dorset["birth_month"])
    age = when.year - born.dt.year - ((born.dt.month > when.month)).astype(int)
    assert len(dorset) == 465
    assert abs(pct(age >= 13) - 60) <= 3
    assert ((age >= 5) & (age <= 12)).sum() > 100
    uasc = dorset["uasc"].astype(bool)
    assert abs(pct(age[uasc] >= 16) - 80) <= 10
    assert (age[uasc] >= 13).all()


def test_extracts_are_compact_outcode_level_and_pseudonymous():
    for council in synthetic.COUNCILS:
        path = synthetic.SYNTHETIC_DIR / f"{council.key}.csv"
        assert path.stat().st_size < 100_000
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        posts = pd.concat([frame["HOME_POST"], frame["PL_POST"]])
        assert posts[posts != ""].str.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?").all()
        assert frame["CHILD"].str.startswith("SYN").all()


def test_bcp_reproduces_its_published_figures(at_extract_date):
    bcp = at_extract_date["bcp"]
    published = synthetic.BCP.published
    assert len(bcp) == published["children"] == 642
    assert bcp["uasc"].sum() == published["uasc"]
    assert abs(pct(bcp["placement_category"] == "Fostering") - 67) <= 1
    assert abs(pct(bcp["place"].isin(["K1", "K2"])) - 10) <= 1
    assert abs(pct(bcp["council_miles"] > 20) - 27) <= 1
    assert abs(pct(bcp["inside_la"] == True) - 64) <= 1  # noqa: E712
    homes = bcp["home_outcode"][bcp["home_outcode"] != ""]
    outcodes = pd.read_csv(db.EXTRACT_DIR / "outcode_centroids.csv").set_index("outcode")
    assert (outcodes.loc[homes, "area_code"] == "E06000058").all()


def test_bcp_distances_recomputed_from_the_raw_outcode_list(shared_data, at_extract_date):
    with open(shared_data / "geo" / "uk_outcode_centroids.csv") as handle:
        raw = {r["postcode"]: (float(r["eastings"]), float(r["northings"])) for r in csv.DictReader(handle)}
    frame = pd.read_csv(synthetic.SYNTHETIC_DIR / "bcp.csv", dtype=str, keep_default_na=False)
    current = frame[frame["DEC"] == ""]
    over = known = 0
    for home, placement in zip(current["HOME_POST"], current["PL_POST"]):
        if home and placement:
            (e1, n1), (e2, n2) = raw[home], raw[placement]
            miles = math.floor(math.hypot(e1 - e2, n1 - n2) / 1000 / 1.6093 * 10 + 0.5) / 10
            known += 1
            over += miles > 20
    assert len(current) == 642
    assert over == int((at_extract_date["bcp"]["council_miles"] > 20).sum())
    assert abs(100 * over / len(current) - 27) <= 1


def test_dorset_reproduces_its_published_figures(at_extract_date):
    dorset = at_extract_date["dorset"]
    assert len(dorset) == 465 and dorset["uasc"].sum() == 66
    assert abs(pct(dorset["inside_la"] == False) - 42) <= 1  # noqa: E712
    assert abs(pct(dorset["council_miles"] > 20) - 36) <= 1
    assert abs(pct((dorset["inside_la"] == False) & (dorset["council_miles"] > 20)) - 24) <= 1  # noqa: E712
    not_uasc = dorset[~dorset["uasc"]]
    assert abs(pct(not_uasc["inside_la"] == False) - 36) <= 1  # noqa: E712
    assert abs(pct(dorset["placement_category"] == "Fostering") - 67) <= 1
    assert (dorset["placement_detail"] == "Fostering: kinship").sum() == 58
    assert dorset["place"].isin(["K1", "K2"]).sum() == 54
    homes = dorset[dorset["place"] == "K2"]
    assert (homes["inside_la"] == True).sum() == 20  # noqa: E712
    assert set(dorset.loc[dorset["placement_category"] == "Supported accommodation", "place"]) == {"H5"}


def test_bnes_reproduces_its_published_distance_bands(at_extract_date):
    bnes = at_extract_date["bnes"]
    assert len(bnes) == 228
    assert abs(pct(bnes["uasc"]) - 10) <= 1

    def bands(rows):
        return rows["council_band"].value_counts().to_dict()

    residential = bnes[bnes["placement_category"] == "Residential"]
    r = bands(residential)
    assert len(residential) == 49
    assert r.get("Under 5 miles", 0) == 4
    assert r.get("5 to 10 miles", 0) + r.get("10 to 20 miles", 0) == 15
    assert r.get("20 to 50 miles", 0) == 5 and r.get("Not known", 0) == 22
    unknown = residential[residential["council_band"] == "Not known"]
    assert (unknown["pl_la"] != "").all()  # the report names where they live
    assert (unknown["pl_la_name"] == "Gloucestershire").sum() == 3 and (unknown["pl_la"] == "W92000004").sum() == 3
    foster = bnes[bnes["placement_detail"].str.startswith("Fostering: other")]
    f = bands(foster)
    assert len(foster) == 87
    assert f.get("Under 5 miles", 0) + f.get("5 to 10 miles", 0) == 49
    assert f.get("10 to 20 miles", 0) == 15 and f.get("Not known", 0) == 16
    assert f.get("20 to 50 miles", 0) + f.get("Over 50 miles", 0) == 7
    kinship = bnes[bnes["placement_detail"] == "Fostering: kinship"]
    k = bands(kinship)
    assert len(kinship) == 48 and k.get("Under 5 miles", 0) == 35 and k.get("5 to 10 miles", 0) == 7
    assert k.get("20 to 50 miles", 0) + k.get("Over 50 miles", 0) == 6


def test_national_scale_set_uses_real_postcodes_and_both_precisions():
    from regional import distance, synthetic

    episodes = synthetic.national_episodes(3_000, seed=7)
    assert 2_900 <= len(episodes) <= 3_000
    assert 1_600 <= episodes["CHILD"].nunique() <= 1_800  # ~1.75 episodes per child
    found = distance.postcode_distances(episodes["HOME_POST"], episodes["PL_POST"])
    assert (found["home_precision"] == "postcode").all()
    outcode_share = (found["distance_precision"] == "outcode").mean()
    assert 0.05 < outcode_share < 0.15
    again = synthetic.national_episodes(3_000, seed=7)
    pd.testing.assert_frame_equal(episodes, again)
