"""One module per source format; each reads, validates and returns a tidy frame."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.errors import DataError


def read_csv_checked(path: Path, required: list[str], **kwargs) -> pd.DataFrame:
    """Read a CSV as text and insist on the columns we rely on."""
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"not a readable CSV file: {exc}", file=path.name) from exc
    require_columns(frame, required, path.name)
    return frame


def require_columns(frame: pd.DataFrame, required: list[str], file: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}; found: {', '.join(map(str, frame.columns))}",
                        file=file, row=1, expected=", ".join(required))
