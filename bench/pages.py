"""Each page's data preparation: the ``regional`` calls a page makes between reading its widgets
and drawing, written out here from the page's source so they can be timed without Streamlit.

A page file with no entry in :data:`PREPARATION` is reported as "not measured", so a new page
shows up in the table until someone registers it here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from regional.store import Store

SOUTH_WEST_RCC = "rcc:south-west"
DEFAULT_COUNCIL = "E06000058"  # BCP, the sidebar's default


@dataclass(frozen=True)
class Scope:
    """What ``ui.sidebar`` hands a page: the members shown, the council of interest and its region."""
    label: str
    members: list[str]
    council: str
    region_code: str | None
    model: str = "2025"


def scopes(store: Store) -> list[Scope]:
    """The South West RCC (the default view) and every council in England at once (the largest view)."""
    region = store.region_of(DEFAULT_COUNCIL)
    return [
        Scope("South West RCC", store.group_members(SOUTH_WEST_RCC), DEFAULT_COUNCIL, region),
        Scope("all councils", store.councils()["code"].tolist(), DEFAULT_COUNCIL, region),
    ]


def overview(store: Store, scope: Scope) -> None:
    """app.py: headline table, the wide side-by-side table, returns per council, freshness."""
    from regional import metrics

    table = metrics.headline_table(store, scope.members, region_code=scope.region_code)
    metrics.headline_wide(table)
    for measure in metrics.HEADLINE_INDICATORS[:1]:  # the measure picker's default
        table[table["indicator_id"] == measure]
    metrics.council_return_latest(store, scope.members)
    metrics.freshness(store, scope.members)


#: page file (relative to the project) -> its data preparation.
PREPARATION: dict[str, Callable[[Store, Scope], None]] = {
    "app.py": overview,
}
