"""Named scenarios: levers a planner pulls, applied to the baseline's demand and supply.

Levers, in the planners' words:

* ``shift``: move ``pct``% of the children in one placement type to another from ``year``
  ("step 10% of residential down to fostering");
* ``households``: ``per_year`` more in-house fostering households a year from ``year``,
  at the group's places per household ("+20 in-house households a year");
* ``new_home``: a children's home of ``beds`` places opening in ``year`` ("a new 4-bed home
  in 2027");
* ``demand``: ``pct``% more (or, negative, fewer) children in one type from ``year``.

``council`` blank means the whole group: demand levers apply to every member, supply levers
add group-wide places. Scenarios are saved in the database (``sufficiency_scenario``) as JSON.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from regional.errors import DataError
from regional.sufficiency import TYPES
from regional.sufficiency.gap import GROUP_WIDE

KINDS = {"shift": "move a share of one type to another", "households": "more in-house fostering households a year",
         "new_home": "a new children's home", "demand": "more or fewer children in a type"}
LEVER_COLUMNS = ["kind", "council", "from_type", "to_type", "pct", "per_year", "beds", "year"]
NAME_LIMIT = 80
DESCRIPTION_LIMIT = 500


@dataclass
class Lever:
    kind: str
    council: str = ""
    from_type: str = ""
    to_type: str = ""
    pct: float = 0.0
    per_year: float = 0.0
    beds: int = 0
    year: int = 2026

    def describe(self, names: dict[str, str] | None = None) -> str:
        where = f" in {(names or {}).get(self.council, self.council)}" if self.council else " across the group"
        if self.kind == "shift":
            return f"{self.pct:g}% of {TYPES[self.from_type]} moved to {TYPES[self.to_type]} from {self.year}{where}"
        if self.kind == "households":
            return f"{self.per_year:+g} in-house fostering households a year from {self.year}{where}"
        if self.kind == "new_home":
            return f"a new {self.beds}-bed children's home in {self.year}{where}"
        return f"{self.pct:+g}% children in {TYPES[self.from_type]} from {self.year}{where}"


@dataclass
class Scenario:
    name: str
    description: str = ""
    levers: list[Lever] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps([asdict(lv) for lv in self.levers])

    @classmethod
    def from_json(cls, name: str, description: str, text: str) -> "Scenario":
        return cls(name, description, [Lever(**item) for item in json.loads(text or "[]")])


def levers_frame(scenario: Scenario | None) -> pd.DataFrame:
    """The levers as an editable table (the page's data editor)."""
    rows = [asdict(lv) for lv in scenario.levers] if scenario else []
    return pd.DataFrame(rows, columns=LEVER_COLUMNS)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def levers_from_frame(frame: pd.DataFrame, resolve=None, *, file: str = "levers") -> list[Lever]:
    """Check an edited levers table and turn it into levers; every problem names its row and column.

    ``resolve`` turns a council name/code into an ONS code (the Store's index) and raises
    DataError for an unknown one.
    """
    levers, problems = [], []
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        if all(_blank(rec.get(c)) for c in LEVER_COLUMNS):
            continue
        kind = str(rec.get("kind") or "").strip()
        if kind not in KINDS:
            problems.append(DataError(f"unknown lever '{kind}'", file=file, row=i, column="kind",
                                      expected=", ".join(KINDS)))
            continue
        try:
            council = "" if _blank(rec.get("council")) else str(rec["council"]).strip()
            if council and resolve is not None:
                council = resolve(council)
            year = int(float(rec.get("year"))) if not _blank(rec.get("year")) else 2026
            if not 2000 <= year <= 2100:
                raise DataError(f"year {year} is out of range", file=file, row=i, column="year", expected="2000-2100")
            lever = Lever(kind=kind, council=council, year=year)
            if kind in ("shift", "demand"):
                lever.from_type = _type(rec.get("from_type"), file, i, "from_type")
                lever.pct = _number(rec.get("pct"), file, i, "pct", -100 if kind == "demand" else 0, 100)
                if kind == "shift":
                    lever.to_type = _type(rec.get("to_type"), file, i, "to_type")
                    if lever.to_type == lever.from_type:
                        raise DataError("from_type and to_type are the same", file=file, row=i, column="to_type",
                                        expected="two different placement types")
            elif kind == "households":
                lever.per_year = _number(rec.get("per_year"), file, i, "per_year", -1000, 1000)
            else:
                beds = _number(rec.get("beds"), file, i, "beds", 1, 100)
                if not float(beds).is_integer():
                    raise DataError(f"beds {beds:g} is not a whole number", file=file, row=i, column="beds")
                lever.beds = int(beds)
            levers.append(lever)
        except DataError as exc:
            problems.append(exc)
    if problems:
        raise DataError("; ".join(str(p) for p in problems))
    return levers


def _type(value, file: str, row: int, column: str) -> str:
    text = "" if _blank(value) else str(value).strip()
    if text not in TYPES:
        raise DataError(f"unknown placement type '{text}'", file=file, row=row, column=column,
                        expected=", ".join(TYPES))
    return text


def _number(value, file: str, row: int, column: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(f"'{value}' is not a number", file=file, row=row, column=column) from None
    if not np.isfinite(number) or not low <= number <= high:
        raise DataError(f"{number:g} is out of range", file=file, row=row, column=column, expected=f"{low:g} to {high:g}")
    return number


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_LIMIT or any(ord(ch) < 32 for ch in name):
        raise DataError("a scenario needs a name", column="name", expected=f"1-{NAME_LIMIT} printable characters")
    return name


def check_description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > DESCRIPTION_LIMIT or any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise DataError("the description is too long or holds control characters", column="description",
                        expected=f"up to {DESCRIPTION_LIMIT} printable characters")
    return text


# --- applying -----------------------------------------------------------------------------
def apply_demand(demand: pd.DataFrame, scenario: Scenario | None) -> pd.DataFrame:
    """Demand (area_code, year, type, children, low, high) after the scenario's demand levers."""
    out = demand.copy()
    if scenario is None:
        return out
    cols = ["children", "low", "high"]
    for lv in scenario.levers:
        if lv.kind not in ("shift", "demand"):
            continue
        when = (out["year"] >= lv.year) & ((out["area_code"] == lv.council) if lv.council else True)
        src = when & (out["type"] == lv.from_type)
        if lv.kind == "demand":
            out.loc[src, cols] = out.loc[src, cols] * (1 + lv.pct / 100)
            continue
        moved = out.loc[src, ["area_code", "year", "children"]].assign(moved=lambda f: f["children"] * lv.pct / 100)
        out.loc[src, cols] = out.loc[src, cols] * (1 - lv.pct / 100)
        dst = when & (out["type"] == lv.to_type)
        add = out.loc[dst, ["area_code", "year"]].merge(moved[["area_code", "year", "moved"]],
                                                        on=["area_code", "year"], how="left")["moved"].fillna(0)
        for col in cols:
            out.loc[dst, col] = out.loc[dst, col].to_numpy() + add.to_numpy()
    if "total" in set(out["type"]):
        types = out[~out["type"].isin(["total", "fostering"])]
        total = types.groupby(["area_code", "year"])["children"].sum()
        hit = out["type"] == "total"
        out.loc[hit, "children"] = [total.get((a, y), np.nan) for a, y in zip(out.loc[hit, "area_code"],
                                                                               out.loc[hit, "year"])]
    return out


def apply_supply(supply: pd.DataFrame, scenario: Scenario | None, places_per_household: float) -> pd.DataFrame:
    """Supply (area_code, year, type, places, households, ...) after the scenario's supply levers.

    A group-wide lever adds rows under ``group-wide``; their usable share is the members' mean.
    """
    out = supply.copy()
    if scenario is None:
        return out
    extra = []
    for lv in scenario.levers:
        if lv.kind not in ("households", "new_home"):
            continue
        type_ = "fostering_inhouse" if lv.kind == "households" else "childrens_homes"
        years = sorted(out["year"].unique())
        steps = {y: (y - lv.year + 1 if lv.kind == "households" else 1) if y >= lv.year else 0 for y in years}
        places = {y: (lv.per_year * places_per_household if lv.kind == "households" else lv.beds) * s
                  for y, s in steps.items()}
        households = {y: lv.per_year * s if lv.kind == "households" else np.nan for y, s in steps.items()}
        if lv.council:
            hit = (out["area_code"] == lv.council) & (out["type"] == type_)
            out.loc[hit, "places"] = out.loc[hit, "places"].fillna(0) + out.loc[hit, "year"].map(places)
            if lv.kind == "households":
                out.loc[hit, "households"] = out.loc[hit, "households"] + out.loc[hit, "year"].map(households)
            out.loc[hit, "status"] = "ok"
            out.loc[hit, "basis"] = out.loc[hit, "basis"] + f"; scenario: {lv.describe()}"
        else:
            usable = out.loc[out["type"] == type_, "usable_share"].mean()
            extra += [{"area_code": GROUP_WIDE, "year": y, "type": type_, "places": places[y],
                       "households": households[y], "usable_share": usable, "basis": f"scenario: {lv.describe()}",
                       "source": "scenario", "status": "ok"} for y in years]
    if extra:
        add = pd.DataFrame(extra).groupby(["area_code", "year", "type"], as_index=False).agg(
            places=("places", "sum"), households=("households", "sum"), usable_share=("usable_share", "first"),
            basis=("basis", "; ".join), source=("source", "first"), status=("status", "first"))
        out = pd.concat([out, add], ignore_index=True)
    return out


EXAMPLES = [
    Scenario("Step down 10% of residential to fostering",
             "10% of children in children's homes move to in-house foster carers from 2026",
             [Lever("shift", from_type="childrens_homes", to_type="fostering_inhouse", pct=10, year=2026)]),
    Scenario("+20 in-house households a year", "20 more in-house fostering households a year across the group from 2026",
             [Lever("households", per_year=20, year=2026)]),
    Scenario("A new 4-bed home in 2027", "One new four-bed children's home in the group opening in 2027",
             [Lever("new_home", beds=4, year=2027)]),
]


def saved(engine) -> dict[str, Scenario]:
    """Every saved scenario by name (read fresh: scenarios change without a data reload)."""
    from regional import models
    from regional.db import read_table

    frame = read_table(engine, models.SufficiencyScenario)
    return {rec.name: Scenario.from_json(rec.name, rec.description, rec.levers)
            for rec in frame.sort_values("name").itertuples()}
