"""Hypothesis throws random bytes, random CSVs and random XLSX workbooks at every upload entry point
(on a throwaway SQLite database), through regional.returns.submit: a DataError or a clean load, never
another exception, and after a refusal nothing committed and every table holding the rows it held
before (no partial write)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regional import db
from regional.errors import DataError
from tests import hostile

NASTY = ["", " ", "inf", "-inf", "nan", "NaN", "Infinity", "1e308", "-1", "0", "3000000000", "1,000", "12.5", "290",
         "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "\t", "2025-03-31", "2099-03-31", "9999-12-31", "1850-01-01",
         "2026-Q1", "2025-01", "31/03/2025", "BCP", "Torbay", "E06000058", "839", "South West", "cic_count",
         "pct_placed_over_20_miles", "childrens_home", "mainstream", "U4", "PR1", "C2", "S", "N1", "Y", "N",
         "BH1 1AA", "£ café", "\u202e", "\x00", "x" * 3000]
COLUMNS = {kind: list(hostile.GOOD[kind]) for kind in hostile.KINDS}


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory):
    engine = db.get_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite'}")
    db.load_default(engine)
    yield engine
    engine.dispose()


def cells() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=12))


@st.composite
def tables(draw, kind: str) -> tuple[list[str], list[list[str]]]:
    known = COLUMNS[kind]
    header = draw(st.lists(st.one_of(st.sampled_from(known), st.text(min_size=1, max_size=8)), min_size=1,
                           max_size=len(known) + 2, unique=True))
    if draw(st.booleans()):  # often a complete header, so the values themselves get checked
        header = known + draw(st.lists(st.sampled_from(["", "note", "UASK"]), max_size=1))
    rows = draw(st.lists(st.lists(cells(), min_size=len(header), max_size=len(header)), min_size=0, max_size=6))
    if rows and draw(st.booleans()):  # start from a valid row and spoil one cell
        base = [hostile.GOOD[kind].get(c, "") for c in header]
        spoil = draw(st.integers(0, len(header) - 1))
        base[spoil] = draw(cells())
        rows[0] = base
    return header, rows


def _csv(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def files(draw, kind: str) -> tuple[str, bytes]:
    form = draw(st.sampled_from(["bytes", "csv", "csv", "xlsx"]))
    if form == "bytes":
        return draw(st.sampled_from([".csv", ".xlsx"])), draw(st.binary(max_size=3000))
    header, rows = draw(tables(kind))
    if form == "xlsx":
        clean = [[c.replace("\x00", "") for c in r] for r in [header] + rows]  # openpyxl cannot write NUL
        try:
            return ".xlsx", hostile.xlsx_bytes(clean)
        except Exception:  # a character openpyxl refuses to write: send the CSV instead
            pass
    return ".csv", _csv(header, rows, draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])))


def _check(kind: str, engine, suffix: str, content: bytes) -> None:
    """Through regional.returns.submit, the Data page's path; a refusal commits nothing at all."""
    before = hostile.table_counts(engine)
    watch = hostile.CommitWatch(engine)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"fuzz{suffix}"
            path.write_bytes(content)
            try:
                hostile.upload(kind, path, engine)
            except DataError:
                assert not watch.changed() and hostile.table_counts(engine) == before
    finally:
        watch.close()


#: 40 examples per entry point in CI (derandomised, so a failure repeats); REGIONAL_FUZZ_EXAMPLES=500 for a deeper run.
EXAMPLES = int(os.environ.get("REGIONAL_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 40,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


@pytest.mark.parametrize("kind", hostile.KINDS)
def test_random_files_never_crash_or_half_write(fuzz_engine, kind):
    @FUZZ
    @given(files(kind))
    def run(sample: tuple[str, bytes]) -> None:
        _check(kind, fuzz_engine, *sample)

    run()
