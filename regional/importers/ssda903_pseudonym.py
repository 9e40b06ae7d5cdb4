"""Pseudonymising SSDA903 children on load.

CHILD becomes a keyed hash (HMAC-SHA256 of council code and CHILD, 16 hex characters). The
key comes from :mod:`regional.keys`: the environment variable ``REGIONAL_PSEUDONYM_KEY``, the
shared database's installation key, or (one machine, no ``DATABASE_URL``) a per-user file
outside ``var/``; never beside the data. The embedded synthetic extracts are pseudonymous
already and load without any key.
"""
from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from regional.keys import KEY_FILE_NAME, PSEUDONYM_ENV  # noqa: F401  (callers find them here)


def pseudonym_key() -> tuple[bytes, str]:
    """(key, where it came from); see :mod:`regional.keys`."""
    from regional import keys

    return keys.pseudonym_key()


def pseudonymise(children: pd.Series, councils: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash of council and CHILD: stable for one key, meaningless without it."""
    return pd.Series([hmac.new(key, f"{la}|{child}".encode(), hashlib.sha256).hexdigest()[:16]
                      for la, child in zip(councils, children)], index=children.index, dtype=object)
