"""Links that keep the view: what a page's URL says (group, council, neighbour model and the page's
own main choices), read back into a selection. Streamlit-free, so it is tested like the rest.

A link is a promise to a colleague ("open this and you see Dorset"), so a council can be named
by its ONS code or its name, and when the link names a council but no group, the group is one
that holds the council (the default RCC if it does, else the council's region). Anything
unknown falls back to the default and says so in a short note, never an error page.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from regional.authorities import normalise_name
from regional.selection import (DEFAULT_RCC_ID, NEIGHBOURS_CHOICE, Selection, council_pool,
                                group_labels, group_options)
from regional.store import Store

#: The sidebar's choices, as they appear in a URL.
SELECTION_PARAMS = ("group", "council", "model")


def council_code(store: Store, value: str) -> str | None:
    """An ONS code or a council's name (any publisher's spelling) as the council's code, else None."""
    councils = store.councils()
    value = value.strip()
    if value in set(councils["code"]):
        return value
    wanted = normalise_name(value)
    for code, name in zip(councils["code"], councils["name"]):
        if normalise_name(name) == wanted:
            return code
    return None


def selection_from_link(store: Store, params: Mapping[str, str]) -> tuple[Selection, list[str]]:
    """The selection a link asks for, and a note for each value that could not be used."""
    notes: list[str] = []
    values: dict[str, str] = {}
    options = group_options(store)
    labels = group_labels(store)
    raw_group = params.get("group")
    if raw_group:
        if raw_group in options:
            values["group"] = raw_group
        else:
            notes.append(f"the group '{raw_group}' is not one this platform holds")
    raw_council = params.get("council")
    if raw_council:
        code = council_code(store, raw_council)
        if code is None:
            notes.append(f"the council '{raw_council}' is not one this platform holds")
        else:
            values["council"] = code
            group = values.get("group", DEFAULT_RCC_ID)
            if code not in council_pool(store, group):
                if "group" in values:
                    notes.append(f"{store.name(code)} is not a member of {labels.get(group, group)}")
                    values.pop("council")
                else:
                    region = store.region_of(code)
                    values["group"] = f"region:{region}" if f"region:{region}" in options else NEIGHBOURS_CHOICE
    raw_model = params.get("model")
    if raw_model:
        values["model"] = raw_model
    selection = Selection.from_dict(store, values)
    if "model" in selection.fell_back:
        notes.append(f"DfE has no '{raw_model}' statistical neighbour model (2025 or 2021)")
    return selection, notes


def link_params(selection: Selection) -> dict[str, str]:
    """What the URL carries for a selection (defaults included, so a copied link is explicit)."""
    return {"group": selection.grouping_id, "council": selection.council, "model": selection.model}


def page_choice(raw: str | None, options: Sequence[object]) -> tuple[object | None, str | None]:
    """A page's choice from its URL text: the option whose text it is, or (None, a note) if none is."""
    if raw is None:
        return None, None
    for option in options:
        if str(option) == raw:
            return option, None
    return None, f"'{raw}' is not one of the choices offered"

