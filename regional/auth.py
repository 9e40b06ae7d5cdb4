"""Sign-in and roles, Streamlit-free: who may change what.

Reading published and aggregated figures needs no sign-in unless the setting
``REGIONAL_REQUIRE_SIGN_IN`` is on. Changing anything does. Two roles:

- *editor*: a council editor, who writes their own council's returns only;
- *admin*: a regional admin, who writes any council's and manages users.

Identities are rows of the ``app_user`` table, whether they sign in with a local password
(argon2id hash, from argon2-cffi) or through OIDC (``st.login``): an OIDC identity is mapped to
its role by its email. The rule that an editor writes only their own council is enforced where
the data is written (:func:`regional.returns.require_write`), not only in the page.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlmodel import Session

from regional import db, models
from regional.errors import DataError
from regional.returns import ROLES, Actor

_HASHER = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when there is no such user, so a wrong email costs as long as a wrong
    password. Made on first sign-in, not on import (hashing takes 0.2 s of every start)."""
    return _HASHER.hash("not a password anyone has")


def reading_requires_sign_in() -> bool:
    return os.environ.get("REGIONAL_REQUIRE_SIGN_IN", "").strip().lower() in ("1", "true", "yes", "on")


def normalise_email(email: str) -> str:
    value = str(email).strip().lower()
    if "@" not in value or value.startswith("@") or value.endswith("@") or len(value) > 254:
        raise DataError(f"'{email}' is not an email address", column="email", expected="name@example.org")
    return value


def add_user(engine: Engine, email: str, role: str, *, council: str | None = None, password: str | None = None,
             who: str | None = None) -> Actor:
    """Add or update a user (an audit-logged write). Editors need a council; admins have none."""
    email = normalise_email(email)
    if role not in ROLES:
        raise DataError(f"unknown role '{role}'", column="role", expected=" or ".join(ROLES))
    code = None
    if role == "editor":
        if not council:
            raise DataError("a council editor needs a council", column="council", expected="--council CODE")
        from regional.returns import area_index

        index = area_index(engine)
        code = index.resolve(council, column="council")
        if index.areas.loc[index.areas["code"] == code, "level"].iloc[0] != "la":
            raise DataError(f"'{council}' is not a council", column="council", expected="an English council")
    if password is not None and len(password) < 12:
        raise DataError("the password is shorter than 12 characters", column="password", expected="12 or more")
    hashed = _HASHER.hash(password) if password else ""
    with db.write_session(engine, "users") as session:
        user = session.get(models.AppUser, email)
        action = "user_update" if user else "user_add"
        if user is None:
            user = models.AppUser(email=email, role=role, created_at=datetime.now(timezone.utc))
        user.role, user.area_code, user.active = role, code, True
        if password:
            user.password_hash = hashed
        session.add(user)
        db.audit(session, who or db.current_user(), action, area_code=code or "",
                 detail=f"{email}: {role}" + (f" of {code}" if code else "") + ("; local password set" if password else ""))
    return Actor(email, role, code)


def users(engine: Engine) -> list[Actor]:
    with Session(engine) as session:
        rows = session.execute(select(models.AppUser).where(models.AppUser.active)).scalars().all()
        return [Actor(u.email, u.role, u.area_code) for u in sorted(rows, key=lambda u: u.email)]


def _user(engine: Engine, email: str) -> models.AppUser | None:
    try:
        email = normalise_email(email)
    except DataError:
        return None
    with Session(engine) as session:
        user = session.get(models.AppUser, email)
        if user is not None:
            session.expunge(user)
        return user if user is not None and user.active else None


def authenticate(engine: Engine, email: str, password: str) -> Actor | None:
    """The local account's Actor if the password is right, else None (never says which was wrong)."""
    user = _user(engine, email)
    try:
        _HASHER.verify(user.password_hash if user is not None and user.password_hash else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash:
        return None
    return Actor(user.email, user.role, user.area_code)


def actor_for_identity(engine: Engine, email: str | None, *, email_verified: bool = True) -> Actor | None:
    """An OIDC identity (``st.user``) mapped through the users table; None if not a known user."""
    if not email or not email_verified:
        return None
    user = _user(engine, email)
    return Actor(user.email, user.role, user.area_code) if user is not None else None
