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


def _env_number(name: str, default: float) -> float:
    """A positive number from the environment, else the default (a typo never lifts a limit)."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def upload_limits() -> dict[str, float]:
    """The bounds every uploaded file is read within, read at call time so a deployment (or a
    benchmark) can change them. Large SSDA903 extracts belong in CSV: XLSX is bounded tighter."""
    return {
        "max_bytes": _env_number("REGIONAL_UPLOAD_MAX_MB", 100) * 1_000_000,
        "max_rows": int(_env_number("REGIONAL_UPLOAD_MAX_ROWS", 500_000)),
        "max_columns": int(_env_number("REGIONAL_UPLOAD_MAX_COLUMNS", 60)),
        "max_cell_chars": int(_env_number("REGIONAL_UPLOAD_MAX_CELL_CHARS", 2_000)),
        "time_budget_s": _env_number("REGIONAL_UPLOAD_TIME_BUDGET_S", 120),
        "memory_budget_mb": _env_number("REGIONAL_UPLOAD_MEMORY_MB", 500),
        "xlsx_max_unzipped_mb": _env_number("REGIONAL_XLSX_MAX_UNZIPPED_MB", 250),
        "xlsx_max_rows": int(_env_number("REGIONAL_XLSX_MAX_ROWS", 200_000)),
        "xlsx_max_cells": int(_env_number("REGIONAL_XLSX_MAX_CELLS", 1_000_000)),
    }
