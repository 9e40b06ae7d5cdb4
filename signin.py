"""Who is using the app: a local account (email and password, argon2id) or the organisation's
own sign-in (OIDC, Streamlit's ``st.login``) when ``[auth]`` is configured in
``.streamlit/secrets.toml``. Streamlit glue only: accounts, roles and the rule that an editor
writes only their own council are the library's (``regional.auth``, ``regional.returns``).

The session keeps only the email; the role and council are read from the users table on every
run, so a role changed or an account removed takes effect at the user's next click.
"""
from __future__ import annotations

import time

import streamlit as st

from regional import auth
from regional.returns import Actor

SESSION_KEY = "_signed_in_email"
FAILURES_KEY = "_sign_in_failures"
#: After this many wrong passwords in one session, a minute's wait before the next try.
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


def oidc_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC sign-in)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def _oidc_identity() -> tuple[str | None, bool] | None:
    if not oidc_configured() or not st.user.is_logged_in:
        return None
    verified = st.user.get("email_verified")
    return st.user.get("email"), True if verified is None else bool(verified)


def actor(engine) -> Actor | None:
    """The signed-in person's role and council, or None (reading only)."""
    identity = _oidc_identity()
    if identity is not None:
        email, verified = identity
        return auth.actor_for_identity(engine, email, email_verified=verified)
    email = st.session_state.get(SESSION_KEY)
    return auth.actor_for_identity(engine, email) if email else None


def signed_in_as() -> str | None:
    """The email of whoever is signed in (known to the users table or not)."""
    identity = _oidc_identity()
    return identity[0] if identity is not None else st.session_state.get(SESSION_KEY)


def describe(person: Actor | None, names: dict[str, str]) -> str:
    if person is None:
        return "Not signed in: you can read every published and aggregated figure."
    if person.role == "admin":
        return f"Signed in as {person.who}: regional admin (any council's returns, groups, users)."
    return f"Signed in as {person.who}: council editor for {names.get(person.council, person.council)}."


def panel(engine, names: dict[str, str]) -> Actor | None:
    """The sidebar's account block: who is signed in and a way out, or the sign-in form."""
    person = actor(engine)
    email = signed_in_as()
    with st.sidebar:
        st.header("Your account")
        if email:
            if person is None:
                st.caption(f"Signed in as {email}, who is not registered to change data: reading only. "
                           "A regional admin adds you with `python -m regional users add`.")
            else:
                st.caption(describe(person, names))
            if st.button("Sign out", key="sign_out"):
                sign_out()
        else:
            st.caption(describe(None, names) + " Sign in to submit or change your council's returns.")
            with st.expander("Sign in"):
                form(engine)
    return person


def form(engine, key: str = "sign_in") -> None:
    """Email and password (local accounts), and the organisation's sign-in when configured."""
    if oidc_configured():
        if st.button("Sign in with your organisation's account", key=f"{key}_oidc"):
            st.login()
        st.caption("Or with a local account:")
    with st.form(key):
        email = st.text_input("Email", key=f"{key}_email", autocomplete="username")
        password = st.text_input("Password", type="password", key=f"{key}_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        message = sign_in(engine, email, password)
        if message:
            st.error(message)
        else:
            st.rerun()


def sign_in(engine, email: str, password: str) -> str | None:
    """Check a local account; None when signed in, else what to tell the person (never which part was wrong)."""
    failures = st.session_state.get(FAILURES_KEY, (0, 0.0))
    if failures[0] >= MAX_FAILURES and time.monotonic() - failures[1] < LOCKOUT_SECONDS:
        return "Too many wrong attempts: wait a minute before trying again."
    found = auth.authenticate(engine, email, password) if email and password else None
    if found is None:
        st.session_state[FAILURES_KEY] = (failures[0] + 1, time.monotonic())
        return "That email and password do not match an account."
    st.session_state.pop(FAILURES_KEY, None)
    st.session_state[SESSION_KEY] = found.who
    return None


def sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)
    if oidc_configured() and st.user.is_logged_in:
        # Ends Streamlit's identity cookie and sends the browser to the provider's logout, then back to a new
        # session. No st.rerun() after it: a new run clears the messages not yet sent, the redirect among them.
        st.logout()
        return
    st.rerun()


def require_for_reading(engine, names: dict[str, str]) -> None:
    """With ``REGIONAL_REQUIRE_SIGN_IN`` on, nobody reads anything before signing in."""
    if auth.reading_requires_sign_in() and signed_in_as() is None:
        st.title("Regional Care Benchmark")
        st.info("This installation asks everyone to sign in before reading its figures.")
        form(engine, "sign_in_required")
        st.stop()
