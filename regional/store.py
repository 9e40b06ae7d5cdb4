"""Read the database into frames once; pages and the CLI query these in memory.

Observations number tens of thousands, so one read and pandas filters beat a query
per chart; the page caches the Store keyed on :func:`regional.db.data_version`.
"""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from regional import models
from regional.authorities import AreaIndex, ENGLAND_CODE
from regional.db import read_table
from regional.errors import DataError
from regional.indicators import with_definitions
from regional.observations import PERIOD_NOT_STATED

#: How many frames :meth:`Store.memo` keeps per Store (most are a few hundred rows).
MEMO_KEPT = 512
T = TypeVar("T")
#: When two sources give the same council/indicator/period, the first listed wins.
SOURCE_PRIORITY = {"dfe": 0, "lait": 1, "ofsted": 2, "ons": 3, "council": 4, "synthetic": 5}


@dataclass
class Store:
    areas: pd.DataFrame
    groupings: pd.DataFrame
    members: pd.DataFrame
    neighbours: pd.DataFrame
    indicators: pd.DataFrame
    sources: pd.DataFrame
    observations: pd.DataFrame
    engine: Engine | None = None
    index: AreaIndex = field(init=False)
    _tables: dict = field(init=False, default_factory=dict)
    _memo: OrderedDict = field(init=False, default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.index = AreaIndex(self.areas)
        self._indicator_ids = set(self.indicators["id"])

    def table(self, model) -> pd.DataFrame:
        """Any other table (providers, episodes, ...), read once per Store."""
        if model not in self._tables:
            if self.engine is None:
                raise RuntimeError("this Store has no database to read from")
            self._tables[model] = read_table(self.engine, model)
        return self._tables[model]

    # --- areas and groups -------------------------------------------------
    def name(self, code: str) -> str:
        return self.index.name_of(code)

    def councils(self, active_only: bool = True) -> pd.DataFrame:
        def build() -> pd.DataFrame:
            las = self.areas[self.areas["level"] == "la"]
            return (las[las["active"]] if active_only else las).sort_values("name")

        return self.memo(("councils", active_only), build)

    def group_members(self, grouping_id: str) -> list[str]:
        if grouping_id not in set(self.groupings["id"]):
            raise DataError(f"unknown group '{grouping_id}'", expected=", ".join(self.groupings["id"]))

        def build() -> list[str]:
            codes = self.members.loc[self.members["grouping_id"] == grouping_id, "area_code"]
            return self.areas[self.areas["code"].isin(codes)].sort_values("name")["code"].tolist()

        return self.memo(("group_members", grouping_id), build)

    def region_of(self, code: str) -> str | None:
        match = self.areas.loc[self.areas["code"] == code, "region_code"]
        return match.iloc[0] if len(match) and pd.notna(match.iloc[0]) else None

    def statistical_neighbours(self, code: str, model: str = "2025") -> list[str]:
        """The council's 10 neighbours in rank order; empty if the model has none for it."""
        rows = self.neighbours[(self.neighbours["model"] == model) & (self.neighbours["area_code"] == code)]
        return rows.sort_values("rank")["neighbour_code"].tolist()

    def indicator(self, indicator_id: str) -> pd.Series:
        match = self.indicators[self.indicators["id"] == indicator_id]
        if match.empty:
            raise DataError(f"unknown indicator '{indicator_id}'",
                            expected="an id listed by `python -m regional indicators`")
        return match.iloc[0]

    # --- observations -----------------------------------------------------
    def observations_for(self, indicator_id: str | list[str], codes: list[str] | None = None, *,
                         source: str = "all", breakdown: str | None = "") -> pd.DataFrame:
        """Rows for one or more indicators, with area names and source kind/title attached.

        ``source`` is ``dfe`` (DfE and LAIT published), ``council`` (council returns) or ``all``.
        """
        ids = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
        unknown = set(ids) - self._indicator_ids
        if unknown:
            self.indicator(sorted(unknown)[0])  # raises the catalogue's error for it
        obs, where = ((self.council_observations, self._council_rows) if source == "council"
                      else (self.observations, self._rows))
        found = [where[i] for i in dict.fromkeys(ids) if i in where]
        rows = obs.iloc[np.sort(np.concatenate(found)) if found else []]  # the frame's order, as a mask gave
        if codes is not None:
            rows = rows[rows["area_code"].isin(codes)]
        if breakdown is not None:
            rows = rows[rows["breakdown"] == breakdown]
        if source == "dfe":
            rows = rows[rows["source_kind"].isin(["dfe", "lait"])]
        elif source == "council":
            rows = rows[rows["source_kind"] == "council"]
        elif source != "all":
            raise DataError(f"unknown source '{source}'", expected="dfe, council or all")
        return rows

    @cached_property
    def _rows(self) -> dict[str, np.ndarray]:
        """Row positions per indicator: a page asks for a few indicators dozens of times a run, and
        masking hundreds of thousands of rows each time was a sixth of a page's preparation."""
        return self.observations.groupby("indicator_id", sort=False).indices

    @cached_property
    def _council_rows(self) -> dict[str, np.ndarray]:
        return self.council_observations.groupby("indicator_id", sort=False).indices

    @cached_property
    def council_observations(self) -> pd.DataFrame:
        """The councils' own returns: a few hundred rows among hundreds of thousands, split off once."""
        return self.observations[self.observations["source_kind"] == "council"]

    @cached_property
    def latest_periods(self) -> pd.DataFrame:
        """Latest period with a figure (or a suppression) per area: columns ``published`` and ``council``."""
        obs = self.observations[(self.observations["status"] != "missing")
                                & (self.observations["period_label"] != PERIOD_NOT_STATED)]
        kind = obs["source_kind"].where(obs["source_kind"] == "council", "published")
        latest = obs.assign(kind=kind).groupby(["area_code", "kind"])["period"].max().unstack()
        return latest.reindex(columns=["published", "council"])

    def preferred(self, indicator_id: str | list[str], codes: list[str] | None = None, *,
                  published_only: bool = True) -> pd.DataFrame:
        """One figure per area, indicator and period, chosen by SOURCE_PRIORITY.

        With ``published_only`` the figures are DfE's (LAIT fills years DfE's file lacks);
        otherwise council returns fill periods the published data does not have.
        """
        def build() -> pd.DataFrame:
            rows = self.observations_for(indicator_id, codes, source="dfe" if published_only else "all")
            rows = rows.sort_values(["area_code", "indicator_id", "period", "source_rank"])
            return rows.drop_duplicates(["area_code", "indicator_id", "period"], keep="first")

        return self.memo(("preferred", indicator_id if isinstance(indicator_id, str) else tuple(indicator_id),
                          None if codes is None else tuple(codes), published_only), build)

    def memo(self, key: tuple, build: Callable[[], T]) -> T:
        """``build()``'s result, kept with this Store (so with this data version) under ``key``, which must
        name everything the result depends on besides the Store. Sessions share it: pages (and the
        sidebar, on every run of every page) ask the same questions on every rerun. A shallow copy is
        returned (copy-on-write for frames, and for the frames in a tuple), so a caller adding a column
        or appending to a list never changes the kept value."""
        with self._lock:
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
        if found is None:
            found = build()  # outside the lock: two sessions may both build it once, never wait on each other
            with self._lock:
                self._memo[key] = found
                while len(self._memo) > MEMO_KEPT:
                    self._memo.popitem(last=False)
        return _shallow(found)


def _shallow(found):
    """A copy a caller may add columns or items to; frames copy-on-write, a tuple's frames too."""
    if isinstance(found, (pd.DataFrame, pd.Series)):
        return found.copy(deep=False)
    if isinstance(found, tuple):
        return tuple(x.copy(deep=False) if isinstance(x, (pd.DataFrame, pd.Series)) else x for x in found)
    return copy.copy(found)


def load_store(engine: Engine) -> Store:
    areas = read_table(engine, models.Area)
    areas["old_la_code"] = areas["old_la_code"].astype("Int64")
    sources = read_table(engine, models.Source)
    obs = read_table(engine, models.Observation).drop(columns="id")
    obs["period"] = pd.to_datetime(obs["period"])
    kind = sources.set_index("id")["kind"]
    obs["source_kind"] = obs["source_id"].map(kind)
    obs["source_title"] = obs["source_id"].map(sources.set_index("id")["title"])
    obs["source_rank"] = obs["source_kind"].map(SOURCE_PRIORITY).fillna(9).astype(int)
    obs["area_name"] = obs["area_code"].map(areas.set_index("code")["name"])
    groupings, members = _with_user_groups(engine)
    return Store(
        areas=areas,
        groupings=groupings,
        members=members,
        neighbours=read_table(engine, models.StatisticalNeighbour),
        indicators=with_definitions(read_table(engine, models.Indicator)),
        sources=sources,
        observations=obs,
        engine=engine,
    )


def _with_user_groups(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regions and RCCs from data/, plus the groups users defined (kind ``user``), as one list,
    so every group selector offers them."""
    groupings = read_table(engine, models.Grouping)
    members = read_table(engine, models.GroupMember)
    user = read_table(engine, models.UserGroup)
    if user.empty:
        return groupings, members
    user_members = read_table(engine, models.UserGroupMember)
    groupings = pd.concat([groupings, pd.DataFrame({"id": user["id"], "name": user["name"], "kind": "user",
                                                    "description": user["description"]})], ignore_index=True)
    members = pd.concat([members, pd.DataFrame({"grouping_id": user_members["group_id"],
                                                "area_code": user_members["area_code"]})], ignore_index=True)
    return groupings, members


__all__ = ["Store", "load_store", "ENGLAND_CODE", "SOURCE_PRIORITY"]
