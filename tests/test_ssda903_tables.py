"""Every table of the return, from CSV files and from the XML, on both sample sets."""
from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from regional import db
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import ssda903
from regional.importers.ssda903_spec import TABLES, read_spec
from regional.importers.ssda903_tables import check_tables, read_return, uasc_children


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(db.read_areas())


def rows_in(path) -> int:
    with open(path, newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_d2i_csv_tables_are_recognised_by_their_columns(shared_data):
    folder = shared_data / "ssda903_samples" / "d2i_fake"
    files = sorted(folder.glob("*.csv"))
    tables = read_return(files)
    assert set(tables.tables) == {"header", "episodes", "uasc", "missing", "reviews", "oc3"}
    for name, file in (("header", "header.csv"), ("episodes", "episodes.csv"), ("uasc", "uasc.csv"),
                       ("missing", "missing.csv"), ("reviews", "reviews.csv"), ("oc3", "oc3.csv")):
        assert len(tables.table(name)) == rows_in(folder / file), name
        assert set(tables.table(name)["_file"]) == {file}
    summary, report = check_tables(tables)
    assert summary.set_index("table")["refused"].sum() == 0 and report.empty
    assert summary.set_index("table").loc["Reviews", "children"] == 2675


def test_d2i_xml_reads_every_table(shared_data):
    path = shared_data / "ssda903_samples" / "d2i_fake" / "fake_903.xml"
    root = ET.parse(path).getroot()
    tables = read_return([path])
    expected = {"header": len(root.findall("CHILD")), "episodes": len(root.findall("CHILD/EPISODE")),
                "reviews": len(root.findall("CHILD/HEADER/AREVIEW")), "missing": len(root.findall("CHILD/HEADER/AMISSING")),
                "oc2": len(root.findall("CHILD/HEADER/OC2")), "oc3": len(root.findall("CHILD/HEADER/IN_TOUCH")),
                "uasc": len([d for d in root.findall("CHILD/HEADER/DUC") if (d.text or "").strip()])}
    assert tables.counts() == expected
    assert expected["episodes"] == 459 and expected["uasc"] == 12
    episodes = tables.table("episodes")
    assert list(episodes.columns[:13]) == read_spec()["tables"]["episodes"]["columns"]
    first = root.find("CHILD")
    assert episodes["CHILD"].iloc[0] == first.find("HEADER/CHILDID").text
    assert episodes["PLACE"].iloc[0] == first.find("EPISODE/PL").text  # <PL> is PLACE
    assert len(uasc_children(tables)) == 12


def test_xml_and_csv_of_the_same_return_import_the_same(shared_data, tmp_path, index):
    """The d2i XML written out as one CSV per table and read back gives the same tables, and the
    import of both forms the same episodes, distances and rule findings."""
    xml = shared_data / "ssda903_samples" / "d2i_fake" / "fake_903.xml"
    from_xml = read_return([xml])
    paths = []
    for name in TABLES:
        frame = from_xml.table(name)
        columns = read_spec()["tables"][name]["columns"]
        path = tmp_path / f"{name}.csv"
        frame[columns].to_csv(path, index=False)
        paths.append(path)
    from_csv = read_return(paths)
    for name in TABLES:
        columns = read_spec()["tables"][name]["columns"]
        left, right = from_xml.table(name)[columns].reset_index(drop=True), from_csv.table(name)[columns]
        pd.testing.assert_frame_equal(left, right.reset_index(drop=True), check_dtype=False)
    a = ssda903.import_return([xml], index, council="E06000059")
    b = ssda903.import_return(paths, index, council="E06000059")
    columns = ["child", "decom", "dec", "place", "ls", "uasc", "short_break", "pl_distance", "distance_precision",
               "pl_la", "distance_band", "birth_month"]
    pd.testing.assert_frame_equal(a.episodes[columns], b.episodes[columns])
    # the header's DOB, in either form, kept as its month: the first child's, read from the XML itself
    first = ET.parse(xml).getroot().find("CHILD/HEADER")
    born = pd.Timestamp(first.find("DOB").text)
    mine = a.episodes.loc[a.episodes["source_row"] == 1, "birth_month"].iloc[0]
    assert mine == date(born.year, born.month, 1) and born.day != 1
    assert pd.to_datetime(a.episodes["birth_month"]).dt.day.eq(1).all()
    assert a.findings[["rule", "child", "episode_start"]].equals(b.findings[["rule", "child", "episode_start"]])
    assert a.episodes["uasc"].sum() > 0


def test_sf_regional_tables_and_per_table_summary(shared_data, index):
    folder = shared_data / "ssda903_samples" / "sf_regional"
    result = ssda903.import_return(sorted(folder.glob("*.csv")), index)
    summary = result.table_summary.set_index("table")
    assert list(summary.index) == ["Episodes", "Header", "UASC"]
    assert summary.loc["Episodes", "rows_read"] == rows_in(folder / "episodes.csv")
    assert summary.loc["Header", "rows_read"] == rows_in(folder / "header.csv")
    assert summary.loc["UASC", "rows_read"] == rows_in(folder / "uasc.csv")
    assert summary.loc["Episodes", "loadable"] == result.summary["rows_valid"]
    assert summary.loc["Episodes", "refused"] == result.rejected_rows
    assert result.summary["short_breaks"] == int(result.episodes["short_break"].sum()) > 0
    with open(folder / "episodes.csv", newline="") as handle:
        with_postcodes = sum(1 for r in csv.DictReader(handle) if r["LS"] in ("V3", "V4") and (r["HOME_POST"] or r["PL_POST"]))
    assert with_postcodes == 574  # short breaks that carried postcodes (rule 398)
    assert result.episodes.loc[result.episodes["short_break"], "pl_distance"].isna().all()
    # months of birth joined by council and CHILD (three councils share one CHILD numbering)
    raw = pd.read_csv(folder / "episodes.csv", dtype=str, keep_default_na=False)
    header = pd.read_csv(folder / "header.csv", dtype=str).drop_duplicates(["LA", "CHILD"], keep="last")
    dob = pd.to_datetime(header.set_index(["LA", "CHILD"])["DOB"])
    rows = raw.iloc[result.episodes["source_row"].to_numpy() - 2]
    expected = dob.reindex(pd.MultiIndex.from_frame(rows[["LA", "CHILD"]])).dt.to_period("M").dt.to_timestamp()
    stored = pd.to_datetime(result.episodes["birth_month"])
    assert stored.notna().sum() > 1000
    assert (stored.to_numpy() == expected.to_numpy())[expected.notna().to_numpy()].all()
    assert stored.isna().to_numpy().tolist() == expected.isna().to_numpy().tolist()


def test_bad_tables_are_refused_row_by_row_and_hostile_xml_is_refused(tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/01/2010,WBRI,,,\n,2,2010-13-45,WBRI,,,\n"
                      "A3,9,01/01/2012,WBRI,,,\n")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/01/2010,01/05/2025,PN1\nZZ,01/01/2010,01/05/2025,PN1\n")
    summary, report = check_tables(read_return([header, reviews]))
    s = summary.set_index("table")
    assert (s.loc["Header", "rows_read"], s.loc["Header", "loadable"], s.loc["Header", "refused"]) == (3, 1, 2)
    assert set(zip(report["row"], report["column"])) >= {(3, "CHILD"), (3, "DOB"), (4, "SEX")}
    assert s.loc["Reviews", "not_in_header"] == 1 and s.loc["Reviews", "refused"] == 0
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903>&a;</EXPSSDA903>')
    with pytest.raises(DataError, match="DOCTYPE"):
        read_return([bomb])
    broken = tmp_path / "broken.xml"
    broken.write_text("<EXPSSDA903><CHILD></EXPSSDA903>")
    with pytest.raises(DataError, match="not well-formed"):
        read_return([broken])
