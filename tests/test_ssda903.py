"""SSDA903 episodes: the sector's sample files, broken files with row/column reports,
privacy on load, and loads that land whole or not at all."""
from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import shutil
import stat
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from regional import db, keys, models, returns, settings
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import ssda903
from regional.importers.council_return import ReturnInvalid

HEADER = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
          "HOME_POST", "PL_POST", "URN"]
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


@pytest.fixture(scope="module")
def index() -> AreaIndex:
    return AreaIndex(db.read_areas())


def write(path, rows, header=HEADER):
    with open(path, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    return path


def good_rows():
    return [
        ["A1", "01/04/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "BH1 1AA", "BH1 1AE", ""],   # inside BCP
        ["A2", "2025-05-01", "S", "C2", "N1", "K2", "PR4", "", "", "", "BH1 1AA", "DT1 1AA", "SC1"],  # Dorset
        ["A3", "10/05/2025", "S", "V2", "N8", "K3", "PR4", "", "", "", "BH8", "OX1 1AA", ""],      # outside SW
    ]


def test_spec_declares_the_2025_26_placement_changes():
    place = ssda903.code_list("PLACE").set_index("code")

    def valid(code, year):
        row = place.loc[code]
        return (pd.isna(row["from_year"]) or year >= row["from_year"]) and (pd.isna(row["to_year"]) or year <= row["to_year"])

    assert all(valid(c, 2026) for c in ["K3", "Z11", "Z12", "Z13", "Z14", "U1", "K2"])
    assert not any(valid(c, 2026) for c in ["H5", "P2", "Z1"])
    assert all(valid(c, 2025) for c in ["H5", "P2", "Z1"]) and not valid("Z11", 2025)
    assert list(ssda903.code_list("PLACE_PROVIDER")["code"]) == ["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"]


def test_d2i_fake_sample(shared_data, index):
    folder = shared_data / "ssda903_samples" / "d2i_fake"
    with open(folder / "episodes.csv") as handle:
        raw = list(csv.DictReader(handle))
    with open(folder / "uasc.csv") as handle:
        uasc = {r["CHILD"] for r in csv.DictReader(handle) if any(v for k, v in r.items() if k != "CHILD")}
    result = ssda903.import_return([folder / "episodes.csv", folder / "uasc.csv", folder / "header.csv"], index,
                                   council="Dorset")
    assert result.rows_read == len(raw) == 5050 and result.councils == ["E06000059"]
    assert result.tables["uasc"] == 132 and result.tables["header"] == 2675

    def day(text):
        d, m, y = text.split("/")
        return date(int(y), int(m), int(d))

    # DfE rule 501, found independently: only the later episode of an overlapping pair, and
    # never an episode after an open one (there is no end for it to start before)
    by_child: dict[str, list] = {}
    for i, r in enumerate(raw):
        by_child.setdefault(r["CHILD"], []).append((day(r["DECOM"]), day(r["DEC"]) if r["DEC"] else None, i + 2))
    later = set()
    for episodes in by_child.values():
        episodes.sort(key=lambda e: e[0])
        for (s1, e1, r1), (s2, _, r2) in zip(episodes, episodes[1:]):
            if e1 is not None and s2 < e1:
                later.add(r2)
    found = result.report[result.report["rule"] == "501"]
    assert set(found["row"]) == later and len(later) == 62
    assert not found["refused"].any() and result.rejected_rows == 0
    assert len(result.episodes) == 5050  # overlaps are reported, not refused
    # dd/mm/yyyy dates; first row 15/02/2016 to 14/08/2017
    first = result.episodes[result.episodes["source_row"] == 2].iloc[0]
    assert (first["decom"], first["dec"]) == (date(2016, 2, 15), date(2017, 8, 14))
    # mostly unreal postcodes: distance not known, each reported with row and column
    assert (result.episodes["distance_precision"] == "not known").mean() > 0.99
    warnings = result.warnings
    assert ((warnings["row"] == 3) & (warnings["column"] == "HOME_POST") & (warnings["value"] == "EG19 7TT")).any()
    # UASC from the UASC table; short breaks flagged and left without a distance or council
    assert result.episodes["uasc"].sum() == sum(1 for r in raw if r["CHILD"] in uasc) > 0
    short = {i + 2 for i, r in enumerate(raw) if r["LS"] in ("V3", "V4")}
    stored = result.episodes.set_index("source_row")
    assert set(stored.index[stored["short_break"]]) == short
    assert stored.loc[sorted(short), "pl_distance"].isna().all() and (stored.loc[sorted(short), "pl_la"] == "").all()
    with_postcodes = {i + 2 for i, r in enumerate(raw) if r["LS"] in ("V3", "V4") and (r["HOME_POST"] or r["PL_POST"])}
    assert set(result.report.loc[result.report["rule"] == "398", "row"]) == with_postcodes and len(with_postcodes) == 803
    assert not set(result.episodes["child"]) & {r["CHILD"] for r in raw}  # pseudonymised


def test_sf_regional_multi_council_multi_year_sample(shared_data, index):
    path = shared_data / "ssda903_samples" / "sf_regional" / "episodes.csv"
    with open(path) as handle:
        raw = list(csv.DictReader(handle))
    result = ssda903.import_episodes(path, index)
    assert result.councils == ["E09000006", "E09000017", "E09000028"]  # Bromley, Hillingdon, Southwark
    distinct = {(r["LA"], r["CHILD"], r["DECOM"]) for r in raw}
    repeated = result.report[result.report["severity"] == "info"]
    assert len(repeated) == len(raw) - len(distinct) == result.summary["repeated_in_later_returns"]
    assert len(result.episodes) == len(distinct) - result.rejected_rows + len(
        set(result.errors["row"]) & set(repeated["row"]))
    assert result.episodes["decom"].map(type).eq(date).all()
    # the latest return's version of a repeated episode is the one kept
    latest = {}
    for r in raw:
        key = (r["LA"], r["CHILD"], r["DECOM"])
        if key not in latest or int(r["YEAR"]) > int(latest[key]["YEAR"]):
            latest[key] = r
    kept_rows = set(result.episodes["source_row"])
    assert all(raw.index(r) + 2 in kept_rows for r in list(latest.values())[:200]
               if raw.index(r) + 2 not in set(result.errors["row"]))


def test_bad_input_is_reported_with_row_and_column(tmp_path, index):
    rows = good_rows() + [
        ["B1", "01/04/2025", "S", "C2", "N1", "X9", "PR1", "", "", "", "BH1 1AA", "BH1 1AE", ""],        # row 5
        ["B2", "01/06/2025", "S", "C2", "N1", "U4", "PR1", "01/05/2025", "E13", "", "BH1 1AA", "", ""],  # row 6
        ["B3", "01/04/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "BH1 1AA", "", ""],             # row 7
        ["B3", "01/05/2025", "P", "C2", "N1", "U6", "PR1", "", "", "", "BH1 1AA", "", ""],             # row 8
        ["B4", "01/04/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "12345", "ZZ99 9ZZ", ""],       # row 9
        ["B5", "01/04/2025", "S", "C2", "N1", "H5", "PR4", "", "", "", "BH1 1AA", "", ""],             # row 10
        ["B6", "31/02/2025", "S", "C2", "N1", "U4", "PR1", "", "", "", "BH1 1AA", "", ""],             # row 11
    ]
    path = write(tmp_path / "broken.csv", rows)
    result = ssda903.import_episodes(path, index, council="E06000058")
    errors = {(int(r.row), r.column) for r in result.errors.itertuples()}
    assert errors == {(5, "PLACE"), (6, "DEC"), (10, "PLACE"), (11, "DECOM")}  # B3 (rows 7, 8): no overlap
    assert "not a code in the PLACE list" in result.errors.set_index("row").loc[5, "problem"]
    assert "not valid in the 2025-26 return" in result.errors.set_index("row").loc[10, "problem"]
    warnings = {(int(r.row), r.column) for r in result.warnings.itertuples()}
    assert {(9, "HOME_POST"), (9, "PL_POST")} <= warnings
    assert sorted(result.episodes["source_row"]) == [2, 3, 4, 7, 8, 9]
    assert result.rejected_rows == 4


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory):
    """A database holding the embedded default (areas and all), copied for each test that stores."""
    path = tmp_path_factory.mktemp("ssda903") / "template.sqlite"
    engine = db.get_engine(f"sqlite:///{path}")
    db.ensure_loaded(engine)
    engine.dispose()
    return path


def _fresh(template, tmp_path, name):
    shutil.copy(template, tmp_path / name)
    return db.get_engine(f"sqlite:///{tmp_path / name}")


def _submit(path, engine, council, accept=False):
    """The upload path the pages use (regional.returns)."""
    return returns.submit("ssda903", path, engine, who="tester", council=council, accept=accept).rows


def test_nothing_half_loaded_and_accepting_loads_only_valid_rows(tmp_path, index, loaded_template):
    engine = _fresh(loaded_template, tmp_path, "upload.sqlite")
    path = write(tmp_path / "mixed.csv", good_rows() + [
        ["B1", "01/04/2025", "S", "C2", "N1", "X9", "PR1", "", "", "", "BH1 1AA", "", ""]])
    with pytest.raises(ReturnInvalid):
        _submit(path, engine, "Bournemouth, Christchurch and Poole")

    def count():
        with Session(engine) as session:
            return session.execute(select(func.count()).select_from(models.PlacementEpisodeUpload)).scalar()

    assert count() == 0
    assert _submit(path, engine, "Bournemouth, Christchurch and Poole", accept=True) == 3
    assert count() == 3
    # a complete second extract for the same council and collection year replaces the first
    _submit(write(tmp_path / "one.csv", good_rows()[:1]), engine, "E06000058")
    assert count() == 1


def test_privacy_on_load(tmp_path, index, loaded_template):
    engine = _fresh(loaded_template, tmp_path, "privacy.sqlite")
    _submit(write(tmp_path / "good.csv", good_rows()), engine, "E06000058")
    stored = db.read_table(engine, models.PlacementEpisodeUpload)
    text = stored.select_dtypes(exclude="number").astype(str)
    assert not text.apply(lambda col: col.str.match(FULL_POSTCODE.pattern)).any().any()
    key = os.environ[ssda903.PSEUDONYM_ENV].encode()
    expected = hmac.new(key, b"E06000058|A1", hashlib.sha256).hexdigest()[:16]
    assert expected in set(stored["child"]) and "A1" not in set(stored["child"])
    # no row numbers of the council's file beside the pseudonyms (they would undo them)
    assert "source_row" not in stored.columns
    row = stored.sort_values("decom").reset_index(drop=True)
    assert list(row["pl_outcode"]) == ["BH1", "DT1", "OX1"]
    assert list(row["pl_sector"]) == ["BH1 1", "DT1 1", "OX1 1"]
    assert list(row["inside_la"]) == [True, False, False]
    assert list(row["pl_la"]) == ["E06000058", "E06000059", "E10000025"]
    assert row.loc[2, "distance_precision"] == "outcode"  # home given as an outcode
    assert list(row["placement_detail"]) == ["Fostering: other, in-house", "Residential", "Supported accommodation"]


def test_key_never_beside_the_data(tmp_path, monkeypatch):
    """Without the variable and without DATABASE_URL the key lives in the user's config folder,
    not var/; with DATABASE_URL set and no key anywhere the app refuses to start."""
    monkeypatch.delenv(ssda903.PSEUDONYM_ENV, raising=False)
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path / "var")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REGIONAL_KEY_DIR", str(tmp_path / "config"))
    key, origin = ssda903.pseudonym_key()
    path = tmp_path / "config" / keys.KEY_FILE_NAME
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600 and "outside var/" in origin
    assert ssda903.pseudonym_key()[0] == key and len(key) == 64
    assert not (tmp_path / "var").exists()

    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(db.ConfigurationError, match="no pseudonymisation key"):
        db.get_engine(url)
    engine = db.get_engine(url, migrate=False)
    db.upgrade(engine)
    assert keys.store_key(engine, "stored-in-the-database") is True
    assert keys.pseudonym_key(engine) == (b"stored-in-the-database", "the database's installation key")
    db.get_engine.cache_clear()
    db.get_engine(url)  # starts now


def test_xlsx_reads_like_csv(tmp_path, index):
    frame = pd.DataFrame(good_rows(), columns=HEADER)
    frame["DECOM"] = pd.to_datetime(["2025-04-01", "2025-05-01", "2025-05-10"])  # real Excel dates
    with pd.ExcelWriter(tmp_path / "episodes.xlsx") as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="About", index=False)
        frame.to_excel(writer, sheet_name="Episodes", index=False)
    from_xlsx = ssda903.import_episodes(tmp_path / "episodes.xlsx", index, council="E06000058")
    from_csv = ssda903.import_episodes(write(tmp_path / "e.csv", good_rows()), index, council="E06000058")
    columns = ["decom", "place", "pl_distance", "pl_la", "distance_band"]
    assert from_xlsx.episodes[columns].equals(from_csv.episodes[columns])


def test_whole_file_problems_raise(tmp_path, index):
    with pytest.raises(DataError, match="missing column") as exc:
        ssda903.import_episodes(write(tmp_path / "short.csv", [["A1", "01/04/2025"]], ["CHILD", "DECOM"]), index,
                                council="E06000058")
    assert exc.value.row == 1
    with pytest.raises(DataError, match="responsible council must be chosen"):
        ssda903.import_episodes(write(tmp_path / "noLA.csv", good_rows()), index)


def test_open_at_a_date():
    episodes = pd.DataFrame({
        "dataset": "d", "area_code": "E06000058", "child": ["a", "a", "b", "c"],
        "decom": [date(2024, 1, 1), date(2025, 3, 31), date(2024, 6, 1), date(2025, 4, 1)],
        "dec": [date(2025, 3, 31), None, date(2025, 3, 31), None]})
    at = ssda903.open_at(episodes, date(2025, 3, 31))
    assert sorted(zip(at["child"], at["decom"])) == [("a", date(2025, 3, 31))]  # b ended that day; c not begun
    assert len(ssda903.open_at(episodes, date(2025, 3, 30))) == 2


def _every_text_in(engine) -> str:
    """Every cell of every table as text, gzipped blobs (a version's rows) unpacked, and the SQLite
    file's own bytes: where a stored date of birth could hide."""
    import gzip

    from sqlalchemy import select as select_
    from sqlmodel import SQLModel

    parts = []
    with engine.connect() as conn:
        for name, table in SQLModel.metadata.tables.items():
            for row in conn.execute(select_(table)):
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        raw = bytes(value)
                        value = gzip.decompress(raw).decode("utf-8", "replace") if raw[:2] == b"\x1f\x8b" else raw.hex()
                    parts.append(str(value))
    parts.append(open(engine.url.database, "rb").read().decode("latin-1"))
    return "\n".join(parts)


def test_month_of_birth_is_stored_never_the_day(tmp_path, index, loaded_template):
    """The header's DOB (DfE's dd/mm/yyyy) through the Data page's path keeps only its month: the
    stored value is the first of the month and the day is nowhere in the database. No header row
    (A3) or a DOB that is not a date (A2: reported by the header check) leaves it empty and the
    episode still loads."""
    engine = _fresh(loaded_template, tmp_path, "months.sqlite")
    episodes = write(tmp_path / "episodes.csv", good_rows())
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,17/07/2012,WBRI,,,\nA2,2,31/02/2011,WBRI,,,\n")
    prepared = returns.prepare("ssda903", [episodes, header], engine, council="E06000058",
                               display_name=["episodes.csv", "header.csv"])
    assert prepared.errors.empty
    assert set(prepared.detail.table_report["column"]) == {"DOB"}  # A2's DOB reported, not its episode refused
    returns.submit("ssda903", None, engine, who="tester", prepared=prepared)
    stored = db.read_table(engine, models.PlacementEpisodeUpload).sort_values("decom").reset_index(drop=True)
    assert len(stored) == 3
    months = pd.to_datetime(stored["birth_month"])
    assert months.iloc[0] == pd.Timestamp("2012-07-01") and months.dropna().dt.day.eq(1).all()
    assert months.iloc[1:].isna().all()
    text = _every_text_in(engine)
    assert "2012-07-01" in text  # the month is there (stored and in the version's rows) ...
    for day in ("17/07/2012", "2012-07-17", "17-07-2012", "20120717", "31/02/2011"):
        assert day not in text  # ... the day nowhere


def test_an_uploaded_extract_with_months_runs_the_plan_by_age_band(tmp_path, loaded_template):
    """A council's own multi-year extract with its header, through regional.returns: it replaces the
    synthetic one in the plan, whose transition demand is then by age band and not synthetic."""
    from regional.store import load_store
    from regional.sufficiency import plan

    engine = _fresh(loaded_template, tmp_path, "plan.sqlite")
    rows, header = [], ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    for i in range(40):  # in care from 2022 to the extract (31 March 2026): ages 3 to 16 at the start
        child = f"P{i:02d}"
        rows.append([child, "01/06/2022", "S", "C2", "N1", "U4" if i % 2 else "K2", "PR1" if i % 2 else "PR4",
                     "", "", "", "BH1 1AA", "BH1 1AE", ""])
        header.append(f"{child},1,{10 + i % 18:02d}/{1 + i % 12:02d}/{2006 + i % 14},WBRI,,,")
    rows[0][7:10] = ["31/03/2026", "E11", ""]  # one leaves care on the extract's date (its latest date)
    episodes = write(tmp_path / "episodes.csv", rows)
    (tmp_path / "header.csv").write_text("\n".join(header) + "\n")
    prepared = returns.prepare("ssda903", [episodes, tmp_path / "header.csv"], engine, council="E06000058",
                               display_name=["episodes.csv", "header.csv"])
    returns.submit("ssda903", None, engine, who="tester", prepared=prepared)
    built = plan.build_plan(load_store(engine), ["E06000058"], label="BCP", horizon=2028,
                            backtest_results=pd.DataFrame(columns=["area_code", "type", "method", "year", "horizon",
                                                                   "forecast", "actual", "ape"]))
    by_age = built.transition_by_age
    assert len(by_age) and not by_age["synthetic"].any()
    assert not built.transition["method"].str.contains("SYNTHETIC").any()
    assert built.transition["method"].str.contains("by age band", regex=False).all()
    assert by_age["age_band"].isin(["under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]).all()
    totals = built.transition_by_type[built.transition_by_type["type"] == "total"].set_index("year")["children"]
    assert by_age.groupby("year")["children"].sum().to_dict() == pytest.approx(totals.to_dict())


def test_months_never_show_in_a_preview_so_adding_only_a_header_is_unchanged(tmp_path, loaded_template):
    """The month is not one of the figures a preview or version comparison shows (anyone can open the
    Versions tab), so episodes sent again only to add the header are 'identical'; withdrawing the
    earlier version and sending both files stores the months (as the template guide says)."""
    engine = _fresh(loaded_template, tmp_path, "again.sqlite")
    episodes = write(tmp_path / "episodes.csv", good_rows())
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,17/07/2012,WBRI,,,\n")
    first = returns.submit("ssda903", episodes, engine, who="tester", council="E06000058")
    both = returns.prepare("ssda903", [episodes, header], engine, council="E06000058",
                           display_name=["episodes.csv", "header.csv"])
    assert "2012" not in returns.preview(both, engine).to_string()
    again = returns.submit("ssda903", None, engine, who="tester", prepared=both)
    assert again.unchanged
    assert db.read_table(engine, models.PlacementEpisodeUpload)["birth_month"].isna().all()
    returns.withdraw(first.version, engine, who="tester")
    returns.submit("ssda903", None, engine, who="tester", prepared=both)
    stored = db.read_table(engine, models.PlacementEpisodeUpload)
    assert pd.to_datetime(stored["birth_month"]).dropna().tolist() == [pd.Timestamp("2012-07-01")]
