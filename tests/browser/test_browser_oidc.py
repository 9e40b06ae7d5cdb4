"""The organisation's sign-in (OIDC, Streamlit's ``st.login``), end to end in Chromium against a real
OIDC provider on loopback (oidc-provider-mock, started here): an identity whose email is a council
editor in the users table signs in, is that council's editor and stores its return on the Data page;
an identity not in the table, or whose email is not verified, is signed in but reads only; signing
out ends the session at the provider too.

The app runs as its own process with an ``[auth]`` section in a secrets file in a temporary folder
(``--secrets.files``), so nothing is written into the project and the shared app stays unconfigured.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from _browser_support import (MAIN, SIDEBAR, VIEWPORT, account_text, add_user, app_environment, check_return,
                              free_port, full_page_screenshot, go_to, main_page, main_text, open_page, store_checked,
                              streamlit_app, wait_until_idle)

pytestmark = pytest.mark.browser

DORSET = "E06000059"
EDITOR = "editor@dorset.example.org"
VISITOR = "visitor@elsewhere.example.org"
DOCUMENT = "Dorset Children's Services Scorecard (OIDC browser test)"
RETURN = ("council,indicator,period,value,status,document,section,published\n"
          f"Dorset,cic_count,2026-08-31,478,provisional,{DOCUMENT},Table 1,2026-09-12\n")
ORGANISATION = "Sign in with your organisation's account"


@pytest.fixture(scope="module")
def provider(browser):
    """oidc-provider-mock on a free loopback port, in a thread; its issuer URL. Its users are set by sub
    through its own API (``PUT /users/{sub}``), as its documentation shows."""
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    httpx = pytest.importorskip("httpx")
    with oidc_provider_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        for sub, claims in {"dorset-editor-sub": {"email": EDITOR, "email_verified": True},
                            "visitor-sub": {"email": VISITOR, "email_verified": True},
                            "unverified-sub": {"email": EDITOR, "email_verified": False}}.items():
            assert httpx.put(f"{issuer}/users/{quote(sub)}", json=claims).status_code == 204
        yield issuer


@pytest.fixture(scope="module")
def oidc_app(provider, tmp_path_factory):
    """Its own app process whose secrets file has an ``[auth]`` section pointing at the provider; yields
    (base URL, the environment its CLI calls use)."""
    pytest.importorskip("authlib", reason="st.login needs Authlib (requirements.txt pins it)")
    folder = tmp_path_factory.mktemp("oidc-app")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text("[auth]\n"
                       f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
                       'cookie_secret = "browser-test-only-cookie-secret"\n'
                       'client_id = "regional-care-benchmark"\n'
                       'client_secret = "browser-test-only-client-secret"\n'
                       f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    env = app_environment(folder)
    with streamlit_app(env, "browser-oidc-server.log", ("--secrets.files", str(secrets)), port=port) as base_url:
        yield base_url, env


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def sign_in_with_provider(page, provider: str, sub: str) -> None:
    """The sidebar's organisation button, then the provider's own page: choose the identity, Authorize."""
    sidebar = page.locator(SIDEBAR)
    sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="Sign in").click()
    sidebar.get_by_role("button", name=ORGANISATION, exact=True).click()
    page.wait_for_url(f"{provider}/oauth2/authorize?**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    back_in_the_app(page)


def sign_out(page, provider: str) -> None:
    """The sidebar's Sign out, which ends the session at the provider too (its end-session page) and
    comes back to the app."""
    page.locator(SIDEBAR).get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{provider}/oauth2/end_session?**")
    page.get_by_role("button", name="End session", exact=True).click()
    back_in_the_app(page)


def back_in_the_app(page) -> None:
    page.wait_for_url("http://127.0.0.1:*/**")
    page.wait_for_selector(f"{MAIN} h1", timeout=90_000)
    wait_until_idle(page)


def test_oidc_identities_map_to_roles_through_the_users_table(oidc_app, provider, tab) -> None:
    from regional import db, returns
    from tests.hostile import database_hash

    base_url, env = oidc_app
    assert add_user(env, EDITOR, "editor", "Dorset") == f"{EDITOR}: editor of {DORSET} (OIDC sign-in only)"
    engine = db.get_engine(env["DATABASE_URL"], migrate=False)
    page = tab
    open_page(page, base_url, main_page())
    assert "Not signed in" in account_text(page)

    # A council editor: the provider's identity (its own sub) is mapped by its verified email.
    sign_in_with_provider(page, provider, "dorset-editor-sub")
    assert f"Signed in as {EDITOR}: council editor for Dorset." in account_text(page)
    go_to(page, "Data")
    assert "Council: Dorset (your council" in main_text(page)
    check_return(page, "dorset.csv", RETURN)
    assert "Preview of the change against what is held: 1 added, 0 changed, 0 removed." in main_text(page)
    stored = store_checked(page)
    assert "Stored dorset.csv as version 1 of Dorset's indicator return: 1 rows." in stored, stored
    held = returns.versions(engine, "council_return", DORSET)
    assert list(held["number"]) == [1] and held["loaded_by"].iloc[0] == EDITOR
    full_page_screenshot(page, "oidc_editor_stored")

    sign_out(page, provider)
    assert "Not signed in" in account_text(page)

    # Someone the provider knows but the users table does not: signed in, reading only.
    sign_in_with_provider(page, provider, "visitor-sub")
    assert f"Signed in as {VISITOR}, who is not registered to change data: reading only." in account_text(page)
    go_to(page, "Data")
    before = database_hash(engine)
    check_return(page, "dorset.csv", RETURN.replace(",478,", ",479,"))
    assert "1 added" not in main_text(page) and "0 added, 1 changed, 0 removed" in main_text(page)
    assert page.locator(MAIN).get_by_role("button", name="Store", exact=True).count() == 0
    # the page tells them why, not to sign in (they are signed in)
    assert f"Not stored: you are signed in as {VISITOR}, who is not registered to change data" in main_text(page)
    assert "Sign in (sidebar)" not in main_text(page)
    full_page_screenshot(page, "oidc_unregistered_reading_only")
    assert database_hash(engine) == before
    sign_out(page, provider)

    # The editor's email, but the provider does not vouch for it: not mapped to the editor.
    sign_in_with_provider(page, provider, "unverified-sub")
    assert f"Signed in as {EDITOR}, who is not registered to change data: reading only." in account_text(page)
    sign_out(page, provider)
    assert "Not signed in" in account_text(page)
    engine.dispose()
