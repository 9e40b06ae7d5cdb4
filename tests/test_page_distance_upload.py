"""The Placement distance page's upload: a return of two tables (episodes and UASC) with a short
break, validated and loaded through the page; UASC from the UASC table, short breaks left out,
outcode precision shown and left out of the comparison with published figures unless included."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import delete
from sqlmodel import Session

from regional import models

PAGE = "pages/4_Placement_distance.py"
BCP = "E06000058"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "U1,01/04/2025,S,C2,N1,U4,PR1,,,,BH1 1AA,DT1 1AA,\n"          # UASC (from the UASC table): no distance
    "K1,01/04/2025,S,C2,N1,U4,PR1,,,,BH1 1AA,BA1 1AA,\n"          # 49.8 miles, full postcodes
    "K2,01/04/2025,S,C2,N1,K2,PR4,,,,BH1 1AA,OX1 1AA,SC1\n"       # full postcodes
    "K3,01/04/2025,S,C2,N1,U6,PR1,,,,BH8,DT1,\n"                  # outcode precision
    "S1,01/04/2025,S,V3,N1,U4,PR1,,,,BH1 1AA,BH1 1AE,\n"          # short break: no distance, not counted
)
UASC = "CHILD,SEX,DOB,DUC\nU1,1,01/01/2009,01/01/2027\n"


@pytest.fixture
def clean_uploads(engine):
    yield
    with Session(engine) as session, session.begin():  # the session database's BCP goes back to its synthetic extract
        session.execute(delete(models.PlacementEpisodeUpload).where(models.PlacementEpisodeUpload.area_code == BCP))
        session.execute(delete(models.PlacementUpload).where(models.PlacementUpload.area_code == BCP))
        session.add(models.LoadRecord(kind="test", detail="upload test removed its BCP episodes", rows=0,
                                      loaded_at=datetime.now(timezone.utc), loaded_by="tests"))  # caches reload


def apply(at) -> None:
    """The filters are a form: they apply when 'Apply filters' is pressed."""
    next(b for b in at.button if b.label == "Apply filters").click().run()


def table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_upload_with_uasc_table_and_short_break(engine, clean_uploads):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_DIR

    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=120).run()
    assert not at.exception
    at.file_uploader(key="dist_upload").set_value([("episodes.csv", EPISODES.encode(), "text/csv"),
                                                   ("uasc.csv", UASC.encode(), "text/csv")]).run()
    at.selectbox(key="dist_upload_la").set_value(BCP).run()
    at.button(key="dist_validate").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Episodes read"] == "5" and metrics["Episodes refused"] == "0"
    assert metrics["Short breaks (V3/V4)"] == "1" and metrics["UASC episodes (no distance)"] == "1"
    assert metrics["Outcode precision"] == "1"
    summary = table_with(at, "why_refused").set_index("table")
    assert summary.loc["Episodes", "rows_read"] == 5 and summary.loc["UASC", "rows_read"] == 1
    report = table_with(at, "rule")
    assert {"398", "420", "214"} <= set(report["rule"])  # the short break still carried postcodes
    at.button(key="dist_load").click().run()
    assert not at.exception and any("Loaded 5 episodes" in s.value for s in at.success)

    at.multiselect(key="dist_councils").set_value([BCP])
    apply(at)
    bands = table_with(at, "band").set_index("band")
    assert bands["children"].sum() == 4  # the short break is not a placement
    assert bands.loc["Not known", "children"] == 1  # the UASC child: DfE leaves the distance blank
    assert bands["outcode precision"].sum() == 1
    at.radio(key="dist_uasc").set_value("UASC only")
    apply(at)
    bands = table_with(at, "band").set_index("band")
    assert bands["children"].sum() == 1 and bands.loc["Not known", "children"] == 1
    at.radio(key="dist_uasc").set_value("Excluding UASC")
    apply(at)
    compare = table_with(at, "DfE year")
    assert compare["children"].iloc[0] == 2  # K1 and K2: the outcode-precision child is left out
    assert compare["outcode precision (left out)"].iloc[0] == 1
    assert compare.filter(like="extract % over 20 miles").iloc[0, 0] == 100.0  # K1 49.8 and K2 70 miles
    at.toggle(key="dist_include_outcode").set_value(True)
    apply(at)
    compare = table_with(at, "DfE year")
    assert compare["children"].iloc[0] == 3 and compare["outcode precision (included)"].iloc[0] == 1
