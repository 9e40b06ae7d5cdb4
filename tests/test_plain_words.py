"""Plain words on the pages: no internal column names in what a user reads (titles, text,
captions, table headings), and no statistics jargon without its explanation."""
from __future__ import annotations

import re

import pytest

PAGES = ["overview.py", "pages/1_Children_in_care.py", "pages/2_Fostering.py", "pages/3_Residential.py",
         "pages/4_Placement_distance.py"]
#: Column and field names from the code and the return, never shown to users as words.
INTERNAL = ["area_code", "PL_LA", "pl_la", "source_id", "indicator_id", "area_name", "period_label"]
#: Statistics jargon the issue names; allowed only in the glossary.
JARGON = ["quintile", "Poisson", "Spiegelhalter", "type 7", "=81st"]


def _words(at) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
             for e in getattr(at, kind)]
    for frame in at.dataframe:
        parts.append(" ".join(str(c) for c in frame.value.columns))
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("path", PAGES)
def test_no_internal_names_or_jargon_on_the_page(app_test, path: str) -> None:
    at = app_test(path)
    at.run()
    assert not at.exception
    text = _words(at)
    internal = [w for w in INTERNAL if re.search(rf"(?<![\w/]){re.escape(w)}(?!\w)", text)]
    assert not internal, f"{path} shows internal names {internal}"
    jargon = [w for w in JARGON if w.lower() in text.lower()]
    assert not jargon, f"{path} uses {jargon} without plain words"
    assert not re.search(r"(^|\s)=\d+(st|nd|rd|th)\b", text), f"{path} writes a tied rank as '=Nth'"


def test_plain_headings_rename_and_never_collide() -> None:
    import pandas as pd

    from regional.views.wording import plain_headings

    frame = pd.DataFrame(columns=["area_code", "area_name", "period", "period_label", "source_id", "source", "value"])
    assert list(plain_headings(frame).columns) == ["ONS code", "area", "period end date", "period",
                                                   "source reference", "source", "value"]
    assert list(plain_headings(pd.DataFrame(columns=["area", "area_name"])).columns) == ["area", "area_name"]
