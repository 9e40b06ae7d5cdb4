"""The pseudonymisation key for SSDA903 CHILD ids: never kept beside the data.

Where it comes from, in order:
1. the environment variable ``REGIONAL_PSEUDONYM_KEY`` (a shared deployment sets it);
2. with ``DATABASE_URL`` set: the key an admin stored in the database
   (``python -m regional pseudonym-key --generate``), so every app process agrees, and
   nothing lives on one machine's disk; without either the app refuses to start;
3. without ``DATABASE_URL`` (one machine, SQLite under ``var/``): a random key created once
   in the user's configuration folder (``REGIONAL_KEY_DIR``, default
   ``~/.config/regional-care-benchmark``), away from ``var/`` so a copy of the data folder does
   not carry the key that would undo its pseudonyms.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Engine, create_engine, select
from sqlmodel import Session

from regional import models, settings
from regional.errors import ConfigurationError

PSEUDONYM_ENV = "REGIONAL_PSEUDONYM_KEY"
SETTING = "pseudonym_key"
KEY_FILE_NAME = "pseudonym.key"


def key_dir() -> Path:
    return Path(os.environ.get("REGIONAL_KEY_DIR", Path.home() / ".config" / "regional-care-benchmark"))


def _from_database(engine: Engine) -> str | None:
    try:
        with Session(engine) as session:
            return session.execute(select(models.AppSetting.value).where(models.AppSetting.key == SETTING)).scalar()
    except Exception:  # no table yet (before migrations) or no database
        return None


def pseudonym_key(engine: Engine | None = None) -> tuple[bytes, str]:
    """(key, where it came from). Raises RuntimeError when a shared database has no key."""
    value = os.environ.get(PSEUDONYM_ENV, "").strip()
    if value:
        return value.encode(), f"environment variable {PSEUDONYM_ENV}"
    if os.environ.get("DATABASE_URL"):
        stored = _from_database(engine or _engine())
        if stored:
            return stored.encode(), "the database's installation key"
        raise RuntimeError(MISSING)
    path = key_dir() / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode(), f"per-installation key in {path} (outside var/)"


MISSING = (f"DATABASE_URL is set but no pseudonymisation key is configured: set {PSEUDONYM_ENV} in every app "
           "process's environment, or store one in the database with `python -m regional pseudonym-key --generate`")


def require_key(engine: Engine) -> None:
    """Refuse to start a shared deployment that would pseudonymise with a machine-local key."""
    if not os.environ.get(PSEUDONYM_ENV, "").strip() and not _from_database(engine):
        raise ConfigurationError(MISSING)


def store_key(engine: Engine, value: str | None = None) -> bool:
    """Store an installation key in the database unless one is there; True if stored."""
    with Session(engine) as session, session.begin():
        if session.get(models.AppSetting, SETTING) is not None:
            return False
        session.add(models.AppSetting(key=SETTING, value=value or secrets.token_hex(32)))
    return True


_ENGINES: dict[str, Engine] = {}


def _engine() -> Engine:
    url = settings.database_url()
    if url not in _ENGINES:
        _ENGINES[url] = create_engine(url)
    return _ENGINES[url]
