"""The one reader every uploaded table goes through (council return, fostering pipeline,
local provision, SSDA903 episodes): bounded before anything is parsed, read in chunks,
and refused with a message naming file, row and column.

Why one place: a file a user gives us must never cost the shared app more than its
budget. A CSV is sized, its encoding detected (UTF-8 with or without BOM, UTF-16,
Windows cp1252) and read record by record, so a ragged row is reported by its row
number; an XLSX is checked before it is parsed (archive size when unzipped, the
sheet's declared dimension, its row and cell counts) and then streamed read-only, so a
single cell at XFD1048576 cannot make the reader pad a million rows. The limits come
from :func:`regional.settings.upload_limits`.
"""
from __future__ import annotations

import codecs
import contextvars
import csv
import os
import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time as dtime
from itertools import islice
from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.settings import upload_limits

CHUNK_ROWS = 20_000
SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)' or as an .xlsx workbook"
#: C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb() -> float:
    """This process's resident memory now (Linux /proc; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class Budget:
    """Time and memory one upload may spend; :meth:`check` refuses the file once either is used."""

    def __init__(self, name: str, limits: dict | None = None, *, timed: bool = True) -> None:
        self.name = name
        self.limits = limits or upload_limits()
        self.timed = timed
        self.started = time.monotonic()
        self.base_mb = resident_mb()

    def check(self, row: int | None = None) -> None:
        spent = time.monotonic() - self.started
        if self.timed and spent > self.limits["time_budget_s"]:
            raise DataError(f"the file could not be checked within the {self.limits['time_budget_s']:g} s an "
                            "upload may take; split it into smaller files (e.g. one per council or year)",
                            file=self.name, row=row)
        grown = resident_mb() - self.base_mb
        if grown > self.limits["memory_budget_mb"]:
            raise DataError(f"checking the file needed more than the {self.limits['memory_budget_mb']:g} MB of "
                            "memory an upload may use; split it into smaller files", file=self.name, row=row)


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("upload_budget", default=None)


@contextmanager
def upload_budget(name: str, *, timed: bool = True) -> Iterator[Budget]:
    """One budget for a whole upload (read and validation); nested calls share the outer one.
    ``timed=False`` holds a step to the memory budget only (storing a file already checked: its
    time is bounded by the row limit, and stopping it half-way would only waste the work done)."""
    current = _BUDGET.get()
    if current is not None:
        yield current
        return
    budget = Budget(name, timed=timed)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def checkpoint(row: int | None = None) -> None:
    """Validators call this now and then: it refuses the file when its budget is spent."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.check(row)


# --- the entry point ----------------------------------------------------------------------
def read_table(path: Path, display_name: str | None = None, *, sheet: str | None = None) -> pd.DataFrame:
    """A CSV or an XLSX sheet (the one named ``sheet`` if there is one, else the first), as text,
    blanks as empty strings, column names stripped and lower-cased; wholly blank rows are left
    out and the index is the spreadsheet row minus 2, so row numbers stay true."""
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise DataError("file not found", file=str(path))
    limits = upload_limits()
    size = path.stat().st_size
    if size > limits["max_bytes"]:
        raise DataError(f"the file is {size / 1e6:,.1f} MB, more than the {limits['max_bytes'] / 1e6:,.0f} MB an "
                        "upload may be; split it into smaller files", file=name)
    if size == 0:
        raise DataError("the file is empty", file=name, row=1)
    suffix = path.suffix.lower()
    with upload_budget(name) as budget:
        if suffix in (".xls", ".ods", ".numbers", ".xlsb"):
            raise DataError(f"{suffix} files cannot be read; {SAVE_AS}", file=name)
        with open(path, "rb") as handle:
            magic = handle.read(4)
        if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
            header, chunks = _xlsx_records(path, name, sheet, limits, budget)
        else:
            header, chunks = _csv_records(path, name, limits, budget)
        frame = _frame(header, chunks, name, limits, budget)
    return frame


def _frame(header: list[str], chunks: Iterator[list[tuple[int, list[str]]]], name: str, limits: dict,
           budget: Budget) -> pd.DataFrame:
    """Chunks of (row number, cells) into one text frame, every cell checked on the way."""
    columns = _columns(header, name, limits)
    keep = [i for i, c in enumerate(columns) if c is not None]
    names = [columns[i] for i in keep]
    parts: list[pd.DataFrame] = []
    ragged: list[str] = []
    rows_seen = 0
    width = len(columns)
    for chunk in chunks:
        numbers, data = [], []
        for row, cells in chunk:
            if len(cells) != width:
                extra = cells[width:]
                if len(cells) > width and not any(str(c).strip() for c in extra):
                    cells = cells[:width]  # trailing empty cells: harmless
                elif len(cells) < width and not any(str(c).strip() for c in cells):
                    continue
                else:
                    if len(ragged) < 5:
                        ragged.append(f"row {row} has {len(cells)} cells but the header has {width}")
                    else:
                        ragged.append("")
                    continue
            if not any(cells[i].strip() for i in keep):
                continue
            for i in range(width):
                if columns[i] is None and cells[i].strip():
                    raise DataError("a value under a blank column heading", file=name, row=row,
                                    column=_letter(i), expected="a heading for every column that holds values")
            numbers.append(row - 2)
            data.append([cells[i] for i in keep])
        rows_seen += len(data)
        if rows_seen > limits["max_rows"]:
            raise DataError(f"more than {limits['max_rows']:,} rows, the most an upload may have; split the file "
                            "(e.g. one per council or year)", file=name, row=numbers[-1] + 2 if numbers else None)
        if data:
            part = pd.DataFrame(data, columns=names, index=numbers, dtype=str)
            _check_cells(part, name, limits)
            parts.append(part)
        budget.check(numbers[-1] + 2 if numbers else None)
    if ragged:
        shown = [r for r in ragged if r]
        more = f" (and {len(ragged) - len(shown)} more)" if len(ragged) > len(shown) else ""
        first = int(shown[0].split()[1])
        raise DataError("; ".join(shown) + more + ": a cell holding a comma or a line break may be unquoted",
                        file=name, row=first, expected=f"{width} cells on every row, as in the header")
    if not parts:
        return pd.DataFrame(columns=names, dtype=str)
    frame = pd.concat(parts) if len(parts) > 1 else parts[0]
    return frame


def _columns(header: list[str], name: str, limits: dict) -> list[str | None]:
    """Header cells stripped and lower-cased; a blank heading is None (dropped if its column is empty)."""
    while header and not str(header[-1]).strip():
        header = header[:-1]
    if not header:
        raise DataError("the first row holds no column headings", file=name, row=1)
    if len(header) > limits["max_columns"]:
        raise DataError(f"{len(header)} columns, more than the {limits['max_columns']} a return may have",
                        file=name, row=1)
    columns: list[str | None] = []
    for i, cell in enumerate(header):
        text = str(cell).strip().lower()
        if CONTROL.search(text) or len(text) > 100:
            raise DataError("a column heading holds control characters or is over 100 characters", file=name,
                            row=1, column=_letter(i))
        if text and text in columns:
            raise DataError(f"the column '{text}' appears twice", file=name, row=1, column=_letter(i),
                            expected="each column once")
        columns.append(text or None)
    return columns


def _check_cells(part: pd.DataFrame, name: str, limits: dict) -> None:
    """No control characters (a NUL breaks PostgreSQL, others hide text) and no overlong cells."""
    for column in part.columns:
        values = part[column]
        bad = values.str.contains(CONTROL, regex=True)
        if bad.any():
            row = int(bad[bad].index[0]) + 2
            raise DataError("the cell holds a control character (such as NUL)", file=name, row=row, column=column,
                            expected="plain text: letters, digits, punctuation")
        lengths = values.str.len()
        if lengths.max() > limits["max_cell_chars"]:
            row = int(lengths.idxmax()) + 2
            raise DataError(f"the cell holds {int(lengths.max()):,} characters, more than the "
                            f"{limits['max_cell_chars']:,} a cell may have", file=name, row=row, column=column)


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based position (A, B, ... Z, AA ...)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# --- CSV ------------------------------------------------------------------------------------
def detect_encoding(path: Path, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or the NUL pattern of one without), else Windows
    cp1252 (Excel's plain 'CSV' on Windows: a '£' in a note); anything else is refused."""
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head[1::2]) and head[0::2].count(0) == 0:
        candidates = ["utf-16-le"]
    elif len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head[0::2]) and head[1::2].count(0) == 0:
        candidates = ["utf-16-be"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise DataError(f"the file is not text in a known encoding (UTF-8, UTF-16 or Windows-1252); {SAVE_AS}",
                    file=name)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_records(path: Path, name: str, limits: dict, budget: Budget):
    """(header, chunks of (row number, cells)), read record by record from the decoded text."""
    encoding = detect_encoding(path, name)
    handle = open(path, encoding=encoding, newline="")
    try:
        reader = csv.reader(handle)
        header = _next_record(reader, name, 1)
        if header is None:
            handle.close()
            raise DataError("the file is empty", file=name, row=1)
    except BaseException:
        handle.close()
        raise

    def chunks() -> Iterator[list[tuple[int, list[str]]]]:
        row = 1
        try:
            while True:
                chunk = []
                for _ in range(CHUNK_ROWS):
                    record = _next_record(reader, name, row + 1)
                    if record is None:
                        break
                    row += 1
                    chunk.append((row, record))
                if not chunk:
                    return
                yield chunk
        finally:
            handle.close()

    return header, chunks()


def _next_record(reader, name: str, row: int) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise DataError(f"not a readable CSV row: {exc}", file=name, row=row,
                        expected="comma-separated cells, quoted where they hold commas") from None


# --- XLSX -----------------------------------------------------------------------------------
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _xlsx_records(path: Path, name: str, sheet: str | None, limits: dict, budget: Budget):
    """(header, chunks) from one sheet. Every sheet is measured from its XML before openpyxl opens
    the workbook (openpyxl itself reads a whole sheet when it lacks a declared dimension); rows are
    then parsed as they stand in the file, so a gap of a million empty rows costs nothing."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    if not zipfile.is_zipfile(path):
        raise DataError(f"not an XLSX workbook (it is not a zip archive); {SAVE_AS}", file=name)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unzipped = sum(info.file_size for info in infos)
            if unzipped > limits["xlsx_max_unzipped_mb"] * 1e6:
                raise DataError(f"the workbook unpacks to {unzipped / 1e6:,.0f} MB, more than the "
                                f"{limits['xlsx_max_unzipped_mb']:g} MB allowed; save the sheet as CSV UTF-8",
                                file=name)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _measure_sheet(archive, info.filename, name, limits)
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except DataError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many types for a damaged workbook
        raise DataError(f"cannot open the workbook ({type(exc).__name__}); {SAVE_AS}", file=name) from None
    try:
        names = book.sheetnames
        chosen = next((s for s in names if sheet and s.strip().lower() == sheet.lower()), names[0] if names else None)
        if chosen is None:
            raise DataError("the workbook has no sheets", file=name)
        ws = book[chosen]
        if not hasattr(ws, "_worksheet_path"):
            raise DataError(f"the sheet '{chosen}' is a chart, not a table", file=name)
        source = book._archive.open(ws._worksheet_path)
        parser = WorkSheetParser(source, book.shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        rows = parser.parse()
        first = next(rows, None)
    except DataError:
        book.close()
        raise
    except Exception as exc:
        book.close()
        raise DataError(f"cannot read the sheet ({type(exc).__name__}); {SAVE_AS}", file=name) from None
    max_columns = int(limits["max_columns"])
    header_row, header_cells = first if first else (1, [])
    header = _xlsx_cells(header_cells, header_row, name, max_columns)
    while header and not header[-1].strip():
        header.pop()
    width = len(header)

    def chunks() -> Iterator[list[tuple[int, list[str]]]]:
        row = header_row
        try:
            while True:
                chunk = []
                for row, cells in islice(rows, CHUNK_ROWS):
                    values = _xlsx_cells(cells, row, name, max_columns)
                    while len(values) > width and not values[-1].strip():
                        values.pop()
                    if len(values) < width:
                        values += [""] * (width - len(values))
                    chunk.append((row, values))
                if not chunk:
                    return
                yield chunk
        except DataError:
            raise
        except Exception as exc:
            raise DataError(f"cannot read the sheet ({type(exc).__name__}); {SAVE_AS}", file=name,
                            row=row) from None
        finally:
            source.close()
            book.close()

    return header, chunks()


def _xlsx_cells(cells: list[dict], row: int, name: str, max_columns: int) -> list[str]:
    """One parsed row as text cells by column position; a value beyond the column limit is refused."""
    out: list[str] = []
    for cell in cells:
        column = int(cell["column"])
        value = cell.get("value")
        if value is None or value == "":
            continue
        if column > max_columns:
            raise DataError(f"a value in column {_letter(column - 1)}, beyond the {max_columns} columns a return "
                            "may have; delete it or save the sheet as CSV UTF-8", file=name, row=row)
        if len(out) < column:
            out += [""] * (column - len(out))
        out[column - 1] = _cell_text(value)
    return out


def _measure_sheet(archive: zipfile.ZipFile, member: str, name: str, limits: dict) -> None:
    """Refuse a sheet whose declared range, row count or cell count is beyond the limits, by
    scanning its XML as it unzips (fast, bounded) before any cell is parsed."""
    max_rows = min(limits["max_rows"], limits["xlsx_max_rows"]) + 1
    max_cols, max_cells = limits["max_columns"], limits["xlsx_max_cells"]
    sheet = member.rsplit("/", 1)[-1]
    rows = cells = 0
    tail = b""
    with archive.open(member) as source:
        first = True
        while block := source.read(1 << 20):
            if first:
                first = False
                if m := _DIMENSION.search(block[:4096]):
                    last_col = (m.group(3) or m.group(1) or b"").decode()
                    last_row = (m.group(4) or m.group(2) or b"").decode()
                    if (last_row and int(last_row) > max_rows) or (last_col and _column_number(last_col) > max_cols):
                        raise DataError(f"the sheet ({sheet}) says it reaches cell {last_col}{last_row}, beyond the "
                                        f"{max_rows - 1:,} rows and {max_cols} columns an XLSX upload may have; "
                                        "delete the rows and columns after your data (or a stray cell far away), "
                                        "or save the sheet as CSV UTF-8", file=name)
            text = tail + block
            rows += text.count(b"<row ") + text.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
            cells += text.count(b"<c ") + text.count(b"<c>") - tail.count(b"<c ") - tail.count(b"<c>")
            tail = block[-8:]
            if rows > max_rows:
                raise DataError(f"a sheet ({sheet}) has more than {max_rows - 1:,} rows, the most an XLSX upload "
                                "may have; save it as CSV UTF-8 (which may have more) or split it", file=name)
            if cells > max_cells:
                raise DataError(f"a sheet ({sheet}) has more than {max_cells:,} cells, the most an XLSX upload "
                                "may have; save it as CSV UTF-8, which may be larger", file=name)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _cell_text(value: object) -> str:
    """A cell as the text a user typed: whole numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == dtime(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def frame_from_text(text: str, name: str = "text.csv") -> pd.DataFrame:
    """The reader on a string (tests and tools): the same checks as a file."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return read_table(path, name)


__all__ = ["read_table", "detect_encoding", "upload_budget", "checkpoint", "Budget", "resident_mb", "CONTROL",
           "frame_from_text"]
