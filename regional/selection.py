"""The user's choices (group, council of interest, neighbour model) without Streamlit.

A :class:`Selection` is built from plain values (``Selection.from_dict``), so the sidebar, a link
with query parameters, the benchmarks and the meeting pack all make one the same way. Anything
stale or unknown (a group renamed since the link was made, a council code no longer in the data,
a model DfE has not published) falls back to the defaults instead of failing.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


from regional.authorities import DEFAULT_RCC_ID, ENGLAND_CODE, NEIGHBOUR_MODELS
from regional.groups import selector_groups
from regional.store import Store

DEFAULT_COUNCIL = "E06000058"  # Bournemouth, Christchurch and Poole: the first customer
DEFAULT_MODEL = "2025"
NEIGHBOURS_CHOICE = "neighbours"
NEIGHBOURS_LABEL = "A council and its statistical neighbours"

#: How an area is drawn and named, one wording everywhere (charts, tables, captions).
COUNCIL_OF_INTEREST = "Council of interest"
GROUP_MEMBER = "Group member"
ENGLAND = "England"
REGION = "Region"
OTHER_COUNCIL = "Other council"
ROLES = (COUNCIL_OF_INTEREST, GROUP_MEMBER, ENGLAND, REGION, OTHER_COUNCIL)


@dataclass(frozen=True)
class Selection:
    """What every page compares: a group of councils, one council of interest and a neighbour model."""
    grouping_id: str  # a grouping id, or NEIGHBOURS_CHOICE
    group_label: str
    council: str
    model: str
    members: tuple[str, ...]
    region_code: str | None
    council_name: str = ""
    region_name: str = "Region"
    fell_back: tuple[str, ...] = field(default=(), compare=False)  # which choices were stale and replaced

    # --- building ---------------------------------------------------------
    @classmethod
    def from_dict(cls, store: Store, values: Mapping[str, object] | None = None) -> Selection:
        """A selection from plain values (``group``, ``council``, ``model``), e.g. session state or query
        parameters; unknown or stale values become the defaults, and ``fell_back`` names them."""
        values = values or {}
        wanted = tuple(str(values.get(k) or "") for k in ("group", "council", "model"))
        return store.memo(("selection", *wanted), lambda: cls._made(store, values))  # every run of every page

    @classmethod
    def _made(cls, store: Store, values: Mapping[str, object]) -> Selection:
        fell_back: list[str] = []
        options = group_options(store)
        group = str(values.get("group") or DEFAULT_RCC_ID)
        if group not in options:
            fell_back.append("group")
            group = DEFAULT_RCC_ID if DEFAULT_RCC_ID in options else options[0]
        model = str(values.get("model") or DEFAULT_MODEL)
        if model not in NEIGHBOUR_MODELS:
            fell_back.append("model")
            model = DEFAULT_MODEL
        pool = council_pool(store, group)
        wanted = values.get("council")
        council = str(wanted) if wanted else DEFAULT_COUNCIL
        if council not in pool:
            if wanted:
                fell_back.append("council")
            council = DEFAULT_COUNCIL if DEFAULT_COUNCIL in pool else pool[0]
        if group == NEIGHBOURS_CHOICE:
            members = [council] + store.statistical_neighbours(council, model)
            label = f"{store.name(council)} and its statistical neighbours ({model} model)"
            region_code = store.region_of(council)
        else:
            members = store.group_members(group)
            label = group_labels(store)[group]
            region_code = group.split(":", 1)[1] if group.startswith("region:") else store.region_of(council)
        region_name = store.name(region_code) if region_code else "Region"
        return cls(group, label, council, model, tuple(members), region_code, store.name(council), region_name,
                   tuple(fell_back))

    def as_dict(self) -> dict[str, str]:
        """The plain values this selection was made from (for links and cache keys)."""
        return {"group": self.grouping_id, "council": self.council, "model": self.model}

    @property
    def key(self) -> tuple[str, str, str]:
        """Hashable and small: what a cache is keyed on."""
        return (self.grouping_id, self.council, self.model)

    # --- roles ------------------------------------------------------------
    def role(self, code: str) -> str:
        """How an area is drawn: council of interest, group member, England, the region or another council."""
        if code == self.council:
            return COUNCIL_OF_INTEREST
        if code in self.members:
            return GROUP_MEMBER
        if code == ENGLAND_CODE:
            return ENGLAND
        if code == self.region_code:
            return REGION
        return OTHER_COUNCIL

    def roles(self, codes: Iterable[str]) -> list[str]:
        return [self.role(c) for c in codes]

    @property
    def group_codes(self) -> list[str]:
        """The members with the council of interest first if it is not a member (neighbour groups)."""
        return list(dict.fromkeys([*self.members, self.council]))

    @property
    def benchmark_codes(self) -> list[str]:
        """England and the region, for lines drawn behind the councils."""
        return [ENGLAND_CODE] + ([self.region_code] if self.region_code else [])


def default_selection(store: Store) -> Selection:
    return Selection.from_dict(store, {})


def group_options(store: Store) -> list[str]:
    """Every group a user can choose, from the library's one list (RCCs, user-defined groups,
    regions: :func:`regional.groups.selector_groups`), then 'neighbours'. A group a regional admin
    saves is here on the next run."""
    return selector_groups(store)["id"].tolist() + [NEIGHBOURS_CHOICE]


def group_labels(store: Store) -> dict[str, str]:
    def build() -> dict[str, str]:
        listed = selector_groups(store)
        return {**dict(zip(listed["id"], listed["label"])), NEIGHBOURS_CHOICE: NEIGHBOURS_LABEL}

    return store.memo(("group_labels",), build)


def council_pool(store: Store, group: str) -> list[str]:
    """The councils offered as 'council of interest' for a group: its members, or every council."""
    def build() -> list[str]:
        councils = store.councils()["code"].tolist()
        if group == NEIGHBOURS_CHOICE or group not in set(store.groupings["id"]):
            return councils
        known = set(councils)
        return [c for c in store.group_members(group) if c in known] or councils

    return store.memo(("council_pool", group), build)
