"""One preparation per page: ``prepare(store, selection, choices) -> list[Section]``.

Pages lay the sections out, the benchmarks time them and the meeting pack prints them, all from
the same functions, so none of them can drift from the others. :data:`VIEWS` maps each page file
to its view module (each has ``Choices``, a frozen dataclass of the page's own controls with the
defaults a first visit sees, and ``prepare``).
"""
from __future__ import annotations

from types import ModuleType

from regional.views import children_in_care, fostering, overview, placement_distance, residential
from regional.views.base import Section, text_or_blank

VIEWS: dict[str, ModuleType] = {
    overview.PAGE: overview,
    children_in_care.PAGE: children_in_care,
    fostering.PAGE: fostering,
    residential.PAGE: residential,
    placement_distance.PAGE: placement_distance,
}
#: Pages with nothing to prepare (text only).
NO_DATA = {"pages/8_Glossary.py", "pages/9_Accessibility.py"}

__all__ = ["Section", "VIEWS", "NO_DATA", "text_or_blank"]
