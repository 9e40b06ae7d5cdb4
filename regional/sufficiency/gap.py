"""The gap between demand and local supply, per type, year, council and group, in children
and in places; and the share of the group's own children placed inside the group.

* gap in children = children needing the type - children local places can take
  (places x the usable share: in-house fostering's utilisation, the share of local
  children's home beds the council's own children fill where its return says, else all);
* gap in places = places needed at that usable share (demand / usable share) - places.
A positive gap is a shortfall. Types without a local supply measure have no gap.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

GROUP_WIDE = "group-wide"
GAP_COLUMNS = ["area_code", "year", "type", "children", "low", "high", "places", "usable_share", "usable_basis",
               "supply_children", "gap_children", "gap_places", "status"]


def gap_rows(demand: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """Per council, year and supplied type: demand against supply (see the module's definition)."""
    keys = ["area_code", "year", "type"]
    merged = demand[[*keys, "children", "low", "high"]].merge(
        supply[[*keys, "places", "usable_share", "status"]], on=keys, how="inner")
    return _compute(merged)


def _compute(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    known = out["usable_share"].notna() & (out["usable_share"] > 0)
    out["usable_basis"] = np.where(known, "published", "all places assumed usable (not returned)")
    usable = out["usable_share"].where(known, 1.0)
    out["supply_children"] = out["places"] * usable
    out["gap_children"] = out["children"] - out["supply_children"]
    out["gap_places"] = out["children"] / usable - out["places"]
    out["status"] = np.where(out["places"].isna(), out["status"].fillna("missing"), "ok")
    return out[GAP_COLUMNS]


def group_gap(demand: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """The group's gap: the sum of its members' gaps (each at its own usable share), with
    group-wide scenario places added. Members whose supply is not known are left out of both
    sides for that type, and the status says how many."""
    members = gap_rows(demand, supply[supply["area_code"] != GROUP_WIDE])
    known = members[members["places"].notna()]
    wide = supply[supply["area_code"] == GROUP_WIDE]
    rows = []
    for (year, type_), sup in supply[supply["area_code"] != GROUP_WIDE].groupby(["year", "type"]):
        part = known[(known["year"] == year) & (known["type"] == type_)]
        extra = wide[(wide["year"] == year) & (wide["type"] == type_)]
        extra_places = float(extra["places"].sum())
        extra_usable = float(extra["usable_share"].fillna(1.0).mean()) if len(extra) else 1.0
        missing = sup["places"].isna().sum()
        if part.empty and extra.empty:
            status = "no member has a supply figure"
        else:
            status = "ok" if not missing else f"{missing} member(s) without a supply figure left out"
        places = part["places"].sum() + extra_places if len(part) or len(extra) else np.nan
        supply_children = part["supply_children"].sum() + extra_places * extra_usable
        need = part["children"].sum()
        if part.empty and extra.empty:  # nothing to set against: the need is every member's, the gap not known
            need = members[(members["year"] == year) & (members["type"] == type_)]["children"].sum(min_count=1)
        rows.append({"area_code": "group", "year": year, "type": type_, "children": need,
                     "low": part["low"].sum(), "high": part["high"].sum(), "places": places,
                     "usable_share": supply_children / places if places else np.nan,
                     "usable_basis": "members' own (all places where not returned)",
                     "supply_children": supply_children if pd.notna(places) else np.nan,
                     "gap_children": part["gap_children"].sum() - extra_places * extra_usable if pd.notna(places) else np.nan,
                     "gap_places": part["gap_places"].sum() - extra_places if pd.notna(places) else np.nan,
                     "status": status})
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def placed_inside_group(placements: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """Of each member's children in care (placements open at the extract's date), the share
    living in a member council; ``group`` row for all of them. Location not known is left out."""
    known = placements[placements["pl_la"].fillna("") != ""]
    if known.empty:
        return pd.DataFrame(columns=["area_code", "children", "inside_group", "pct_inside_group", "synthetic"])
    known = known.assign(inside=known["pl_la"].isin(members))
    per = known.groupby("area_code").agg(children=("inside", "size"), inside_group=("inside", "sum"),
                                         synthetic=("synthetic", "all"))
    per.loc["group"] = [per["children"].sum(), per["inside_group"].sum(), bool(per["synthetic"].all())]
    per["pct_inside_group"] = per["inside_group"] / per["children"] * 100
    return per.reset_index()
