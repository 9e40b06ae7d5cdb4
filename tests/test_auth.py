"""Sign-in and roles in the library: local accounts (argon2), OIDC identities mapped through the
same users table, and the rule that an editor writes only their own council."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlmodel import Session

from regional import auth, db, models, returns
from regional.errors import DataError
from tests.conftest import PROJECT_DIR
from tests.test_returns import RETURN_HEADER, TORBAY, write


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("auth") / "template.sqlite"
    engine = db.get_engine(f"sqlite:///{path}")
    db.ensure_loaded(engine)
    engine.dispose()
    return path


@pytest.fixture
def engine(template, tmp_path):
    shutil.copy(template, tmp_path / "db.sqlite")
    return db.get_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")


def test_local_accounts_hash_with_argon2_and_sign_in(engine):
    editor = auth.add_user(engine, "Editor@Torbay.example", "editor", council="Torbay", password="correct horse battery")
    assert editor == returns.Actor("editor@torbay.example", "editor", TORBAY)
    with Session(engine) as session:
        stored = session.execute(select(models.AppUser.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert auth.authenticate(engine, "editor@torbay.example", "correct horse battery") == editor
    assert auth.authenticate(engine, "editor@torbay.example", "wrong password here") is None
    assert auth.authenticate(engine, "nobody@torbay.example", "correct horse battery") is None
    assert returns.audit_log(engine)["action"].tolist() == ["user_add"]


def test_oidc_identities_map_through_the_users_table(engine):
    auth.add_user(engine, "admin@region.example", "admin")
    assert auth.actor_for_identity(engine, "ADMIN@region.example") == returns.Actor("admin@region.example", "admin")
    assert auth.actor_for_identity(engine, "stranger@example.org") is None
    assert auth.actor_for_identity(engine, "admin@region.example", email_verified=False) is None
    # an OIDC-only user has no local password to sign in with
    assert auth.authenticate(engine, "admin@region.example", "") is None


def test_bad_users_are_refused(engine):
    with pytest.raises(DataError, match="needs a council"):
        auth.add_user(engine, "e@x.example", "editor")
    with pytest.raises(DataError, match="not a council"):
        auth.add_user(engine, "e@x.example", "editor", council="England")
    with pytest.raises(DataError, match="unknown role"):
        auth.add_user(engine, "e@x.example", "owner")
    with pytest.raises(DataError, match="shorter than 12"):
        auth.add_user(engine, "e@x.example", "admin", password="short")


def test_an_editor_signed_in_writes_their_own_council_only(engine, tmp_path):
    auth.add_user(engine, "editor@torbay.example", "editor", council="Torbay", password="correct horse battery")
    actor = auth.authenticate(engine, "editor@torbay.example", "correct horse battery")
    own = write(tmp_path / "own.csv", RETURN_HEADER, [["Torbay", "cic_count", "2026-03-31", "290", "ok", "", "S", "", "", ""]])
    other = write(tmp_path / "other.csv", RETURN_HEADER, [["Dorset", "cic_count", "2026-03-31", "1", "ok", "", "S", "", "", ""]])
    version = returns.submit("council_return", own, engine, who=actor)
    with pytest.raises(returns.NotAllowed):
        returns.submit("council_return", other, engine, who=actor)
    dorset = returns.submit("council_return", other, engine, who=returns.Actor("admin@region.example", "admin"))
    with pytest.raises(returns.NotAllowed):  # nor withdraw another council's version
        returns.withdraw(dorset.version, engine, who=actor)
    returns.withdraw(version.version, engine, who=actor)


def test_users_add_from_the_command_line(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "REGIONAL_PSEUDONYM_KEY": "k", "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "regional", "users"]
    out = subprocess.run(run + ["add", "editor@torbay.example", "--council", "E06000027", "--role", "editor",
                                "--password-stdin"], input="correct horse battery\n", cwd=PROJECT_DIR, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "editor@torbay.example: editor of E06000027"
    listed = subprocess.run(run + ["list"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True).stdout
    assert listed.splitlines() == ["email,role,council", "editor@torbay.example,editor,E06000027"]
    engine = db.get_engine(env["DATABASE_URL"])
    assert auth.authenticate(engine, "editor@torbay.example", "correct horse battery").council == TORBAY
