"""Pseudonymising SSDA903 children on load.

CHILD becomes a keyed hash (HMAC-SHA256 of council code and CHILD, 16 hex characters).
The key is the environment variable ``REGIONAL_PSEUDONYM_KEY``; when that is unset, a
random key is created once per installation in ``var/pseudonym.key`` (``var/`` is never
committed). A shared deployment must set the variable so every instance agrees. The
embedded synthetic extracts are pseudonymous already and load without any key.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from regional import settings

PSEUDONYM_ENV = "REGIONAL_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"


def pseudonym_key() -> tuple[bytes, str]:
    """(key, where it came from): REGIONAL_PSEUDONYM_KEY, else a per-installation key in var/."""
    value = os.environ.get(PSEUDONYM_ENV, "").strip()
    if value:
        return value.encode(), f"environment variable {PSEUDONYM_ENV}"
    path = Path(settings.VAR_DIR) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode(), f"per-installation key in {path.name} (var/, never committed)"


def pseudonymise(children: pd.Series, councils: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash of council and CHILD: stable for one key, meaningless without it."""
    return pd.Series([hmac.new(key, f"{la}|{child}".encode(), hashlib.sha256).hexdigest()[:16]
                      for la, child in zip(councils, children)], index=children.index, dtype=object)
