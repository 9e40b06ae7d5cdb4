"""The Data page, through Streamlit's AppTest and the session database: a council editor checks an
indicator return, reads its report and preview, stores it as a new version and sees it in the
versions, catalogue and on the Overview's council figures; a file with another council's rows is
refused; nobody signed in stores nothing; an identical re-upload is a no-op; withdrawal restores."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, select
from sqlmodel import Session

from regional import models, returns
from tests.hostile import database_hash

PAGE = "pages/8_Data.py"
SOMERSET = "E06000066"
DOCUMENT = "Somerset Children's Services Scorecard (Data page test)"
RETURN = ("council,indicator,period,value,status,document,section,published\n"
          f"Somerset,cic_count,2026-09-30,655,provisional,{DOCUMENT},Table 1,2026-10-10\n"
          f"Somerset,cic_rate_per_10k,2026-09-30,60,provisional,{DOCUMENT},Table 1,2026-10-10\n")


@pytest.fixture
def clean(engine):
    yield
    with Session(engine) as session, session.begin():  # leave the session database as the other tests expect
        ids = session.execute(select(models.Source.id).where(models.Source.title == DOCUMENT)).scalars().all()
        session.execute(delete(models.Observation).where(models.Observation.source_id.in_(ids)))
        session.execute(delete(models.Source).where(models.Source.id.in_(ids)))
        session.execute(delete(models.ReturnVersion).where(models.ReturnVersion.area_code == SOMERSET))
        session.add(models.LoadRecord(kind="test", detail="Data page test removed its Somerset return", rows=0,
                                      loaded_at=datetime.now(timezone.utc), loaded_by="tests"))


def check(at, content: str, name: str = "somerset.csv"):
    at.file_uploader(key="data_files").set_value([(name, content.encode(), "text/csv")]).run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    return at


def store_it(at):
    at.checkbox(key="data_confirm").check().run()
    at.button(key="data_store").click().run()
    assert not at.exception, at.exception
    return at


def test_an_editor_stores_a_return_sees_its_version_and_withdraws_it(engine, app_test, signed_in, clean):
    at = signed_in(app_test(PAGE), "editor", SOMERSET).run()
    assert not at.exception, at.exception
    assert any("council editor for Somerset" in c.value for c in at.sidebar.caption)
    check(at, RETURN)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Rows that can be stored": "2", "Warnings": "0", "Errors": "0"}
    preview = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert list(preview["change"]) == ["added", "added"]
    assert not returns.versions(engine, "council_return", SOMERSET).shape[0], "nothing stored before confirming"
    store_it(at)
    assert any("as version 1 of Somerset's indicator return" in s.value for s in at.success), \
        [e.value for e in at.error]
    held = returns.versions(engine, "council_return", SOMERSET)
    assert list(held["number"]) == [1] and held["loaded_by"].iloc[0] == "editor.e06000066@example.org"
    at.selectbox(key="council").set_value(SOMERSET).run()  # every page's sidebar names the version in use
    assert any("Somerset's own returns in use: indicator return version 1" in c.value for c in at.sidebar.caption)
    # the same file again: identical, nothing to store
    check(at, RETURN)
    assert any("exactly what is stored already" in i.value for i in at.info)
    # a correction: version 2, one figure changed, the versions tab compares and withdraws
    check(at, RETURN.replace(",655,", ",657,"))
    preview = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert list(preview["change"]) == ["changed"]
    store_it(at)
    assert list(returns.versions(engine, "council_return", SOMERSET)["number"]) == [2, 1]
    at.selectbox(key="data_versions_council").set_value(SOMERSET)
    at.selectbox(key="data_versions_kind").set_value("council_return").run()
    diff = next(d.value for d in at.dataframe if "before" in d.value.columns)
    assert list(diff["change"]) == ["changed"] and "655" in diff["before"].iloc[0] and "657" in diff["after"].iloc[0]
    at.checkbox(key="data_withdraw_confirm").check().run()
    at.button(key="data_withdraw").click().run()
    assert not at.exception, at.exception
    assert any("Version 2 withdrawn" in s.value for s in at.success)
    with Session(engine) as session:
        value = session.execute(select(models.Observation.value).join(models.Source).where(
            models.Source.title == DOCUMENT, models.Observation.indicator_id == "cic_count")).scalar_one()
    assert value == 655  # version 1's figure is back


def test_an_editor_cannot_store_another_councils_rows(engine, app_test, signed_in, clean, tmp_path):
    at = signed_in(app_test(PAGE), "editor", "E06000059").run()  # Dorset's editor
    before = database_hash(engine)
    check(at, RETURN)
    report = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert "a row for another council" in set(report["problem"])
    assert set(report["expected"]) == {"rows for Dorset only"}
    assert sorted(report["row"].astype(int)) == [2, 3]  # each refused row named
    assert {m.label: m.value for m in at.metric}["Rows that can be stored"] == "0"
    assert not any("Preview of the change" in m.value for m in at.markdown)  # of a change that cannot happen
    assert any("Nothing can be stored" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "data_store"]
    assert database_hash(engine) == before
    path = tmp_path / "somerset.csv"
    path.write_text(RETURN, encoding="utf-8")
    with pytest.raises(returns.NotAllowed, match="may not change Somerset"):  # and the library refuses it too
        returns.submit("council_return", path, engine, who=returns.Actor("x@dorset.example", "editor", "E06000059"))
    assert database_hash(engine) == before


def test_nobody_signed_in_can_check_but_not_store(engine, app_test, clean):
    at = app_test(PAGE).run()
    assert not at.exception, at.exception
    check(at, RETURN)
    assert {m.label: m.value for m in at.metric}["Rows that can be stored"] == "2"
    assert any("Sign in (sidebar) to store" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "data_store"]
    assert any("for regional admins" in i.value for i in at.info)  # the audit log


def test_an_admin_reads_the_audit_log_and_every_template_downloads(engine, app_test, signed_in):
    at = signed_in(app_test(PAGE), "admin").run()
    assert not at.exception, at.exception
    log = next(d.value for d in at.dataframe if "action" in d.value.columns and "who" in d.value.columns)
    assert "user_add" in set(log["action"])
    labels = [b.label for b in at.get("download_button")]
    assert sum("Template" in label for label in labels) >= 4 and sum("Column guide" in label for label in labels) >= 4


@pytest.mark.parametrize("kind", sorted(returns.REGISTRY))
def test_every_return_has_a_template_that_passes_its_own_checks_and_a_guide_naming_its_columns(engine, kind):
    """The Data page offers each template; a template that its own return refuses, or a guide that has
    drifted from the columns the reader wants, would mislead every council that starts from it."""
    kind_ = returns.REGISTRY[kind]
    assert kind_.template is not None and kind_.template.exists() and kind_.guide is not None and kind_.guide.exists()
    assert returns.recognise(kind_.template) == kind
    prepared = returns.prepare(kind, kind_.template, engine)
    assert prepared.errors.empty, prepared.errors.to_dict("records")[:3]
    guide = kind_.guide.read_text(encoding="utf-8").lower()
    assert all(f"`{column.lower()}`" in guide for column in kind_.headers), kind


def test_a_setting_can_require_sign_in_before_reading(engine, app_test, signed_in, monkeypatch):
    monkeypatch.setenv("REGIONAL_REQUIRE_SIGN_IN", "1")
    at = app_test("overview.py").run()
    assert not at.exception, at.exception
    assert any("asks everyone to sign in" in i.value for i in at.info)
    assert not at.dataframe and not at.metric  # nothing of the figures shows
    at = signed_in(app_test("overview.py"), "editor", SOMERSET).run()
    assert not at.exception, at.exception
    assert at.dataframe or at.metric
