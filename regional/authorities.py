"""Councils, regions, RCC groups and DfE statistical neighbours.

Publishers spell councils differently ("Bournemouth, Christchurch & Poole",
"Bristol, City of", "County Durham"); every match across publishers goes through
:func:`normalise_name`, never through ad-hoc string edits.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from regional.errors import DataError

ENGLAND_CODE = "E92000001"
SOUTH_WEST_CODE = "E12000009"
DEFAULT_RCC_ID = "rcc:south-west"
NEIGHBOUR_MODELS = ("2025", "2021")

_DROP_WORDS = {"council", "borough", "metropolitan", "county", "the", "royal", "of", "city", "district", "la"}
#: Short names users type, mapped to the normalised official name.
_ALIASES = {
    "bcp": "bournemouth christchurch and poole",
    "banes": "bath and north east somerset",
    "bandnes": "bath and north east somerset",
    "b and nes": "bath and north east somerset",
    "hull": "kingston upon hull",
    "london inner": "inner london",
    "london outer": "outer london",
    "durham": "durham",
    "bristol": "bristol",
    "southwest": "south west",
    "northeast": "north east",
    "northwest": "north west",
    "yorkshire and humber": "yorkshire and humber",
}


def normalise_name(name: object) -> str:
    """A key two publishers' spellings of the same council share.

    "Bournemouth, Christchurch & Poole" and "Bournemouth, Christchurch and Poole",
    "Bristol, City of" and "City of Bristol", "County Durham" and "Durham" all meet.
    The City of London keeps its "city" so it never meets the London region.
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("(pre lg)", " pre lg ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    kept = [w for w in words if w not in _DROP_WORDS]
    if kept == ["london"] and "city" in words:
        return "city of london"
    key = " ".join(kept)
    return _ALIASES.get(key, key)


@dataclass(frozen=True)
class AreaIndex:
    """Resolves what a user or publisher wrote (code, DfE number, name) to an ONS code."""

    areas: pd.DataFrame  # columns: code, name, level, old_la_code, region_code, active

    @cached_property
    def _names(self) -> dict[str, str]:
        return dict(zip(self.areas["code"], self.areas["name"]))

    @cached_property
    def _by_name_cache(self) -> dict[str, str]:
        # Prefer councils in use today when an abolished one shares the name (Somerset).
        ordered = self.areas.sort_values("active", ascending=True)
        return {normalise_name(n): c for n, c in zip(ordered["name"], ordered["code"])}

    def _by_name(self) -> dict[str, str]:
        return self._by_name_cache

    def resolve(self, text: object, *, file: str | None = None, row: int | None = None,
                column: str | None = None) -> str:
        value = str(text).strip()
        codes = set(self.areas["code"])
        if value.upper() in codes:
            return value.upper()
        if re.fullmatch(r"\d{3}(\.0)?", value):
            match = self.areas.loc[self.areas["old_la_code"] == int(float(value))]
            if len(match):
                active = match.sort_values("active", ascending=False)
                return str(active["code"].iloc[0])
        by_name = self._by_name()
        key = normalise_name(value)
        if key in by_name:
            return by_name[key]
        close = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(repr(self.name_of(by_name[c])) for c in close)}?" if close else ""
        raise DataError(f"council '{value}' matches no English council, region or England{hint}",
                        file=file, row=row, column=column,
                        expected="an ONS code (E06000058), a DfE number (839) or a council name")

    def name_of(self, code: str) -> str:
        return str(self._names.get(code, code))

    @cached_property
    def _levels(self) -> dict[str, str]:
        return dict(zip(self.areas["code"], self.areas["level"]))

    def resolve_council(self, text: object, *, why: str, file: str | None = None, row: int | None = None,
                        column: str | None = "council") -> str:
        """:meth:`resolve`, for a return that must name a council: a region or England is refused,
        saying which it is and ``why`` a council is needed ("its local beds are in its area")."""
        code = self.resolve(text, file=file, row=row, column=column)
        level = self._levels.get(code, "")
        if level != "la":
            what = {"region": "a region", "subregion": "a sub-region", "england": "England"}.get(level, f"a {level}")
            raise DataError(f"'{str(text).strip()}' is {what}, not a council", file=file, row=row, column=column,
                            expected=f"a council: {why}")
        return code


def region_groupings(areas: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 9 English regions as groupings of their councils in use today."""
    regions = areas[areas["level"] == "region"]
    groupings = pd.DataFrame({
        "id": "region:" + regions["code"],
        "name": regions["name"],
        "kind": "region",
        "description": "English region (DfE/ONS): its councils in use today",
    })
    las = areas[(areas["level"] == "la") & areas["active"]]
    members = pd.DataFrame({"grouping_id": "region:" + las["region_code"], "area_code": las["code"]})
    members = members[members["grouping_id"].isin(groupings["id"])]
    return groupings.reset_index(drop=True), members.reset_index(drop=True)
