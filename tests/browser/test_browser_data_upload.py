"""A council editor with a local account, end to end in Chromium: added with `python -m regional
users add`, signs in through the sidebar form, checks an indicator return on the Data page, reads
its validation report and preview, stores it, and finds the figure on the Overview; a file with
another council's rows is refused and nothing is stored."""
from __future__ import annotations

import pytest

from _browser_support import (ERROR_ALERT, MAIN, SIDEBAR, account_text, add_user, check_return, download_csv,
                              full_page_screenshot, go_to, main_page, main_text, metric, open_page, sign_in_locally,
                              store_checked)

pytestmark = pytest.mark.browser

SOMERSET, DORSET = "E06000066", "E06000059"
EMAIL, PASSWORD = "editor@somerset.example.org", "correct horse battery"
DOCUMENT = "Somerset Children's Services Scorecard (browser test)"
RETURN = ("council,indicator,period,value,status,document,section,published\n"
          f"Somerset,cic_count,2026-09-30,655,provisional,{DOCUMENT},Table 1,2026-10-10\n"
          f"Somerset,cic_rate_per_10k,2026-09-30,60,provisional,{DOCUMENT},Table 1,2026-10-10\n")
DORSETS = RETURN.replace("Somerset,", "Dorset,").replace(",655,", ",480,")


@pytest.fixture
def app_engine(app_server, app_env):
    """The shared app's own database, read the way the app reads it (migrations already applied)."""
    from regional import db

    engine = db.get_engine(app_env["DATABASE_URL"], migrate=False)
    yield engine
    engine.dispose()


@pytest.fixture
def withdrawn_after(app_engine):
    """Leave the shared app's data as the other browser tests expect: withdraw what this test stored."""
    yield
    from regional import returns

    held = returns.versions(app_engine, "council_return", SOMERSET)
    for version in held[held["status"] == "active"].itertuples():  # newest first
        returns.withdraw(int(version.id), app_engine, who=returns.Actor("cleanup@tests", "admin"))


def test_an_editor_signs_in_stores_a_return_sees_it_on_the_overview_and_is_refused_another_council(
        page, base_url, app_env, app_engine, withdrawn_after) -> None:
    from regional import returns
    from tests.hostile import database_hash

    assert add_user(app_env, EMAIL, "editor", "Somerset", PASSWORD) == f"{EMAIL}: editor of {SOMERSET}"
    open_page(page, base_url, main_page())
    assert "Not signed in" in account_text(page)
    sign_in_locally(page, EMAIL, "not the password")
    assert "do not match an account" in page.locator(f"{SIDEBAR} {ERROR_ALERT}").inner_text()
    sign_in_locally(page, EMAIL, PASSWORD)
    assert f"Signed in as {EMAIL}: council editor for Somerset." in account_text(page)

    go_to(page, "Data")
    assert "Council: Somerset (your council" in main_text(page)
    check_return(page, "somerset.csv", RETURN)
    assert (metric(page, "Rows that can be stored"), metric(page, "Warnings"), metric(page, "Errors")) == ("2", "0", "0")
    text = main_text(page)
    assert "somerset.csv: Indicator return for Somerset, periods at 30 September 2026" in text, text
    assert "Every row is valid." in text
    assert "Preview of the change against what is held: 2 added, 0 changed, 0 removed." in text
    assert returns.versions(app_engine, "council_return", SOMERSET).empty, "nothing is stored before confirming"
    full_page_screenshot(page, "data_editor_checked")
    stored = store_checked(page)
    assert "Stored somerset.csv as version 1 of Somerset's indicator return: 2 rows." in stored, stored
    held = returns.versions(app_engine, "council_return", SOMERSET)
    assert list(held["number"]) == [1] and held["loaded_by"].iloc[0] == EMAIL and held["rows"].iloc[0] == 2

    go_to(page, "Overview")
    figures = download_csv(page, "dl_overview_council_figures").astype(str)
    mine = figures[(figures["council"] == "Somerset") & (figures["source"] == DOCUMENT)]
    assert len(mine) == 2, figures[figures["council"] == "Somerset"]
    count = mine[mine["measure"].str.contains("hildren in care", case=False)
                 & ~mine["measure"].str.contains("rate", case=False)]
    assert list(count["figure"]) == ["655 (provisional)"], mine.to_dict("records")
    assert set(mine["period"]) == {"at 30 September 2026"}, mine.to_dict("records")
    assert set(mine["status"]) == {"provisional"}, mine
    full_page_screenshot(page, "overview_after_editor_upload")

    # Dorset's rows in Somerset's editor's file: the report says why, and nothing is stored.
    go_to(page, "Data")
    before = database_hash(app_engine)
    check_return(page, "dorset.csv", DORSETS)
    assert metric(page, "Errors") == "2"
    report = download_csv(page, "data_report_csv")
    assert set(report["problem"]) == {"a row for another council"}, report
    assert set(report["expected"]) == {"rows for Somerset only"}, report
    assert "Nothing can be stored until every error is fixed" in page.locator(f"{MAIN} {ERROR_ALERT}").last.inner_text()
    assert page.locator(MAIN).get_by_role("button", name="Store", exact=True).count() == 0
    full_page_screenshot(page, "data_editor_refused_another_council")
    assert database_hash(app_engine) == before
    assert list(returns.versions(app_engine, "council_return", SOMERSET)["number"]) == [1]
    assert returns.versions(app_engine, "council_return", DORSET).empty
