"""Where things live. Everything can be overridden by environment variables so a
shared deployment points at PostgreSQL and a test points at a temporary file."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("REGIONAL_DATA_DIR", PROJECT_DIR / "data"))
EXTRACT_DIR = DATA_DIR / "extract"
RETURNS_DIR = DATA_DIR / "council_returns"
VAR_DIR = Path(os.environ.get("REGIONAL_VAR_DIR", PROJECT_DIR / "var"))
#: The raw published files (DfE, Ofsted, ONS); only build-data reads them.
SHARED_DATA_DIR = Path(os.environ.get("REGIONAL_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))


def database_url() -> str:
    """SQLite file by default; any SQLAlchemy URL through DATABASE_URL."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'regional.sqlite'}"
