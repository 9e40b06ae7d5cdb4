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


def test_upload_with_uasc_table_and_short_break(engine, clean_uploads, signed_in):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import PROJECT_DIR

    at = signed_in(AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=120), "editor", BCP).run()
    assert not at.exception
    at.file_uploader(key="dist_files").set_value([("episodes.csv", EPISODES.encode(), "text/csv"),
                                                  ("uasc.csv", UASC.encode(), "text/csv")]).run()
    at.button(key="dist_check").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Episodes read"] == "5" and metrics["Errors"] == "0" and metrics["Rows that can be stored"] == "5"
    assert metrics["Short breaks (V3/V4)"] == "1" and metrics["UASC episodes (no distance)"] == "1"
    report = table_with(at, "problem")
    assert any(p.startswith(("398", "420", "214")) or any(r in p for r in ("398", "420", "214"))
               for p in report["problem"])  # the short break still carried postcodes: DfE rule warnings
    assert set(report["severity"]) == {"warning"}
    at.checkbox(key="dist_confirm").check().run()
    at.button(key="dist_store").click().run()
    assert not at.exception and any("Stored episodes.csv, uasc.csv as version 1" in s.value for s in at.success), \
        [e.value for e in at.error]

    # What the upload holds, as BCP's own editor sees it (small counts are shown only to the council's own
    # editor; the public page suppresses every count under 5 of these 5 episodes).
    at.multiselect(key="dist_councils").set_value([BCP])
    apply(at)
    assert not at.exception
    from regional.selection import Selection
    from regional.store import load_store
    from regional.views import placement_distance as view

    store = load_store(engine)
    sel = Selection.from_dict(store, {"council": BCP})

    def section(key: str, **choices):
        made = view.prepare(store, sel, view.Choices(councils=(BCP,), editor_council=BCP, **choices))
        return next(s for s in made if s.key == key).table

    bands = section("dist_bands").set_index("band")
    assert bands["children"].sum() == 4  # the short break is not a placement
    assert bands.loc["Not known", "children"] == 1  # the UASC child: DfE leaves the distance blank
    assert bands["outcode precision"].sum() == 1
    bands = section("dist_bands", uasc="UASC only").set_index("band")
    assert bands["children"].sum() == 1 and bands.loc["Not known", "children"] == 1
    compare = section("dist_compare", uasc="Excluding UASC")
    assert compare["children"].iloc[0] == 2  # K1 and K2: the outcode-precision child is left out
    assert compare["outcode precision (left out)"].iloc[0] == 1
    assert compare.filter(like="extract % over 20 miles").iloc[0, 0] == 100.0  # K1 49.8 and K2 70 miles
    compare = section("dist_compare", uasc="Excluding UASC", include_outcode=True)
    assert compare["children"].iloc[0] == 3 and compare["outcode precision (included)"].iloc[0] == 1


def test_extracts_at_outcode_precision_only_have_no_share_unless_included(store):
    from regional import distance
    from regional.selection import Selection  # noqa: F401  (the view's own types)
    from regional.views import placement_distance as view

    now = distance.placements_at(view.episodes(store))
    names = dict(zip(store.areas["code"], store.areas["name"]))
    left_out = distance.compare_with_published(now, names).set_index("area_code")
    assert (left_out["outcode precision"] > 0).all()  # the synthetic extracts hold outcodes only
    assert left_out["pct_over_20_miles"].isna().all()  # nothing measured from full postcodes: blank, not 0%
    included = distance.compare_with_published(now, names, include_outcode=True).set_index("area_code")
    assert included["pct_over_20_miles"].notna().all() and (included["outcode_basis"] == "included").all()
    bcp = now[now["area_code"] == BCP]
    assert included.loc[BCP, "children"] == len(bcp)
