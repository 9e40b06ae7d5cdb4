"""bench/results.md is written by several commands (`python -m bench`, `python -m bench browser`, the
backtest, the uploads bench) and kept by hand between runs (before/after tables, notes). Each command
owns one block between its own markers and replaces only that; everything else in the file stays."""
from __future__ import annotations

from pathlib import Path


def replace_block(path: Path, start: str, end: str, block: str, *, at_top: bool = False) -> str:
    """Write ``block`` (which begins with ``start`` and ends with ``end``) into ``path`` in place of the
    block those markers hold, or, the first time, at the top or the end; returns the new text."""
    old = path.read_text() if path.exists() else ""
    if start in old and end in old.split(start, 1)[1]:
        head, rest = old.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    elif at_top:
        new = block + "\n\n" + old.lstrip()
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    path.write_text(new.rstrip() + "\n")
    return new
