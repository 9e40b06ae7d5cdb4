"""The glossary: every term the issue names as jargon is explained, anchors are unique and
links resolve; the page draws every entry."""
from __future__ import annotations

import pytest

from regional import glossary

#: Words users met on the pages without explanation (issue 15).
JARGON = ["LAIT", "SSDA903", "UASC", "Statistical neighbours", "Funnel", "Quartile", "outcode", "Suppressed",
          "Placement council", "Rank"]


def test_every_jargon_word_has_an_entry() -> None:
    names = " | ".join(t.term for t in glossary.terms()).lower()
    missing = [w for w in JARGON if w.lower() not in names]
    assert not missing, f"no glossary entry for {missing}"


def test_entries_are_complete_and_anchors_unique() -> None:
    entries = glossary.terms()
    anchors = [t.anchor for t in entries]
    assert len(anchors) == len(set(anchors)), "duplicate anchors"
    for t in entries:
        assert t.term and t.plain_words and t.anchor.replace("-", "").isalnum(), t


def test_link_names_an_existing_entry() -> None:
    assert glossary.link("uasc") == "[UASC](/Glossary#uasc)"
    with pytest.raises(KeyError, match="no glossary entry"):
        glossary.link("not-a-term")


def test_glossary_page_shows_every_term(app_test) -> None:
    at = app_test("pages/8_Glossary.py")
    at.run()
    assert not at.exception
    shown = [h.value for h in at.subheader]
    assert shown == [t.term for t in glossary.terms()]
