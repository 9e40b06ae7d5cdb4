"""One preparation per page: ``prepare(store, selection, choices) -> list[Section]``.

Pages lay the sections out, the benchmarks time them and the meeting pack prints them, all from
the same functions, so none of them can drift from the others. :data:`VIEWS` maps each page file
to its view module (each has ``Choices``, a frozen dataclass of the page's own controls with the
defaults a first visit sees, and ``prepare``).
"""
from __future__ import annotations

from types import ModuleType

from regional.views import (action_plans, children_in_care, fostering, groups, overview, placement_distance, residential,
                            scorecard, sufficiency)
from regional.views.base import Section, text_or_blank

VIEWS: dict[str, ModuleType] = {
    overview.PAGE: overview,
    children_in_care.PAGE: children_in_care,
    fostering.PAGE: fostering,
    residential.PAGE: residential,
    placement_distance.PAGE: placement_distance,
    sufficiency.PAGE: sufficiency,
    scorecard.PAGE: scorecard,
    groups.PAGE: groups,
    action_plans.PAGE: action_plans,
}
#: Pages with nothing to prepare (text only).
NO_DATA = {"pages/9_Accessibility.py", "pages/8_Glossary.py",
           "pages/8_Status.py",  # the load status, read from the database, not the Store
           "pages/8_Data.py"}  # returns, versions and the audit log: regional.returns, read from the database

__all__ = ["Section", "VIEWS", "NO_DATA", "text_or_blank"]
