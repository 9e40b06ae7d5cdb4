"""Plain words for the terms the pages use (LAIT, SSDA903, UASC, funnel limits, quartiles...).

The glossary is data (data/glossary.csv) so a term can be added or reworded without code;
pages link to an entry by its anchor (``/Glossary#uasc``).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from regional.settings import DATA_DIR

GLOSSARY_FILE = DATA_DIR / "glossary.csv"
GLOSSARY_URL = "Glossary"


@dataclass(frozen=True)
class Term:
    term: str
    anchor: str
    plain_words: str
    more: str


@lru_cache(maxsize=2)
def terms(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    """Every entry, in alphabetical order of the term."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [Term(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda t: t.term.lower()))


def link(anchor: str, text: str | None = None) -> str:
    """A Markdown link to one glossary entry, for a caption or help text."""
    entry = next((t for t in terms() if t.anchor == anchor), None)
    if entry is None:
        raise KeyError(f"no glossary entry with anchor {anchor!r} in {GLOSSARY_FILE.name}")
    return f"[{text or entry.term}](/{GLOSSARY_URL}#{anchor})"
