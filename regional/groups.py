"""Comparator groups as data, and the figure a group stands for on a measure.

A council compares itself with England, its region, its DfE statistical neighbours (2025 or
2021 model), the councils Ofsted judged Good or Outstanding (Good+), its RCC and groups users
define. Each is a :class:`ComparatorGroup`: a set of councils, plus (for England and a region)
the area whose figure DfE publishes itself. For a group and a measure the platform gives the
mean, the median and, where the catalogue's counts and populations exist
(``data/pooling.csv``), the pooled rate (sum of counts / sum of populations); every figure
says which statistic it is and over how many councils.

User-defined groups are saved through :mod:`regional.db` (the one module that writes); only a
regional admin may create, edit or delete them (:func:`require_admin`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from regional import models
from regional.authorities import ENGLAND_CODE
from regional.errors import DataError
from regional.importers import ofsted_ilacs
from regional.settings import DATA_DIR
from regional.store import Store

POOLING_FILE = DATA_DIR / "pooling.csv"
STATISTICS = ("mean", "median", "pooled")
STATISTIC_LABELS = {
    "mean": "mean of the councils' figures",
    "median": "median of the councils' figures",
    "pooled": "pooled rate (sum of counts / sum of populations)",
    "published": "DfE's published figure for the area",
}
#: Roles allowed to change comparator groups. Sign-in and roles come from regional.auth.
ADMIN_ROLES = frozenset({"regional_admin", "admin"})
USER_PREFIX = "user:"


class NotAllowed(PermissionError):
    """Someone without the regional admin role tried to change a group."""


@dataclass(frozen=True)
class ComparatorGroup:
    """A named set of councils a figure can be compared with."""

    id: str
    label: str
    kind: str  # england, region, neighbours, good_plus, rcc, user
    members: tuple[str, ...]
    published_area: str | None = None  # England / a region: DfE publishes the area's own figure
    note: str = ""
    as_at: date | None = None  # Good+: the date the judgements are taken at
    judgements: pd.DataFrame | None = field(default=None, compare=False, hash=False, repr=False)


# --- the groups ------------------------------------------------------------------------------
def england(store: Store) -> ComparatorGroup:
    return ComparatorGroup("england", "England", "england", tuple(store.councils()["code"]),
                           published_area=ENGLAND_CODE, note="DfE's published England figure")


def region(store: Store, council: str) -> ComparatorGroup | None:
    code = store.region_of(council)
    if code is None:
        return None
    gid = f"region:{code}"
    members = tuple(store.group_members(gid)) if gid in set(store.groupings["id"]) else ()
    return ComparatorGroup(gid, f"{store.name(code)} (region)", "region", members, published_area=code,
                           note="DfE's published figure for the region")


def neighbours(store: Store, council: str, model: str = "2025") -> ComparatorGroup:
    members = tuple(store.statistical_neighbours(council, model))
    note = (f"DfE's {model} statistical neighbour model: {len(members)} councils"
            if members else f"DfE's {model} model gives {store.name(council)} no neighbours")
    return ComparatorGroup(f"neighbours:{model}:{council}", f"Statistical neighbours ({model} model)",
                           "neighbours", members, note=note)


def ilacs_judgements(store: Store) -> pd.DataFrame:
    """Ofsted's ILACS rows as loaded (empty frame if the extract had none)."""
    try:
        return store.table(models.OfstedIlacs)
    except RuntimeError:
        frame = ofsted_ilacs.read_extract()
        return frame.rename(columns={"table": "ofsted_table"})


def good_plus(store: Store, when: date | None = None) -> ComparatorGroup:
    """Councils whose latest ILACS overall effectiveness on ``when`` was Good or Outstanding."""
    when = when or ofsted_ilacs.AS_AT
    judged = ofsted_ilacs.good_plus_at(ilacs_judgements(store), when)
    active = set(store.councils()["code"])
    judged = judged[judged["area_code"].isin(active)]
    members = tuple(sorted(judged.loc[judged["good_plus"], "area_code"], key=store.name))
    note = (f"Ofsted ILACS overall effectiveness Good or Outstanding at {when:%d %B %Y}: "
            f"{len(members)} of {len(judged)} councils judged")
    return ComparatorGroup(f"good_plus:{when.isoformat()}", "Good+ councils (Ofsted ILACS)", "good_plus", members,
                           note=note, as_at=when, judgements=judged.reset_index(drop=True))


def named(store: Store, grouping_id: str) -> ComparatorGroup:
    """A group from the groupings table: a region, an RCC or a user-defined group."""
    row = store.groupings[store.groupings["id"] == grouping_id]
    if row.empty:
        raise DataError(f"unknown group '{grouping_id}'", expected=", ".join(sorted(store.groupings["id"])))
    kind = str(row["kind"].iloc[0])
    published = grouping_id.split(":", 1)[1] if kind == "region" else None
    return ComparatorGroup(grouping_id, group_label(row.iloc[0]), kind, tuple(store.group_members(grouping_id)),
                           published_area=published, note=str(row["description"].iloc[0] or ""))


def group_label(row: pd.Series) -> str:
    """How a selector names a group: 'South West RCC (RCC)', 'Peninsula (user group)'."""
    suffix = {"rcc": " (RCC)", "region": " (region)", "user": " (user group)"}.get(str(row["kind"]), "")
    return f"{row['name']}{suffix}"


def selector_groups(store: Store) -> pd.DataFrame:
    """Every group a page's selector lists, in the order it lists them (RCCs, user groups, regions):
    columns id, label, kind. User-defined groups are among them as soon as they are saved."""
    def build() -> pd.DataFrame:
        order = {"rcc": 0, "user": 1, "region": 2}
        groups = store.groupings.assign(_o=store.groupings["kind"].map(order).fillna(3))
        groups = groups.sort_values(["_o", "name"])
        return pd.DataFrame({"id": groups["id"], "label": groups.apply(group_label, axis=1), "kind": groups["kind"]}
                            ).reset_index(drop=True)

    return store.memo(("selector_groups",), build)  # a saved group is a new data version, so a new Store


def resolve_group(store: Store, text: str) -> str:
    """A group id from what a user typed: its id or its name (any case)."""
    value = str(text).strip()
    ids = set(store.groupings["id"])
    if value in ids:
        return value
    by_name = {str(n).lower(): i for n, i in zip(store.groupings["name"], store.groupings["id"])}
    if value.lower() in by_name:
        return by_name[value.lower()]
    raise DataError(f"group '{value}' matches no group", expected="one of: " + "; ".join(
        f"{i} ({n})" for i, n in zip(store.groupings["id"], store.groupings["name"])))


def comparators(store: Store, council: str, model: str = "2025", good_plus_at: date | None = None
                ) -> dict[str, ComparatorGroup | None]:
    """The scorecard's comparator columns for one council, in the order they are shown."""
    return {"england": england(store), "region": region(store, council),
            "neighbours": neighbours(store, council, model), "good_plus": good_plus(store, good_plus_at)}


# --- the figure a group stands for -----------------------------------------------------------
@lru_cache(maxsize=1)
def _pooling_file(mtime: float) -> pd.DataFrame:
    return pd.read_csv(POOLING_FILE, dtype={"per": float}, keep_default_na=False)


def pooling() -> pd.DataFrame:
    """Which measures can be pooled, from which count and population (data/pooling.csv)."""
    if not POOLING_FILE.exists():
        return pd.DataFrame(columns=["indicator_id", "numerator_id", "denominator_id", "per", "description"])
    return _pooling_file(POOLING_FILE.stat().st_mtime)


def pooled_definition(indicator_id: str) -> pd.Series | None:
    rows = pooling()
    match = rows[rows["indicator_id"] == indicator_id]
    return match.iloc[0] if len(match) else None


def figures_at(store: Store, indicator_id: str, period: pd.Timestamp,
               published: pd.DataFrame | None = None) -> pd.Series:
    """Every area's published figure on a measure in one period (area code -> value; NaN when
    suppressed or missing)."""
    rows = store.preferred(indicator_id) if published is None else published
    rows = rows[(rows["indicator_id"] == indicator_id) & (rows["period"] == period)]
    return rows.drop_duplicates("area_code").set_index("area_code")["value"].astype(float)


def pooling_parts(store: Store, indicator_id: str, period: pd.Timestamp) -> pd.DataFrame | None:
    """The counts and populations a pooled rate needs, per area in one period (columns
    ``numerator``, ``denominator``), or None when data/pooling.csv has no rule for the measure."""
    definition = pooled_definition(indicator_id)
    if definition is None:
        return None
    parts = store.preferred([definition["numerator_id"], definition["denominator_id"]])
    parts = parts[parts["period"] == period]
    wide = parts.pivot_table(index="area_code", columns="indicator_id", values="value", aggfunc="first")
    wide = wide.reindex(columns=[definition["numerator_id"], definition["denominator_id"]])
    wide.columns = ["numerator", "denominator"]
    return wide


def group_figure(store: Store, members: list[str] | tuple[str, ...], indicator_id: str, period: pd.Timestamp,
                 statistic: str = "mean", *, values: pd.Series | dict | None = None,
                 parts: pd.DataFrame | None | bool = False) -> dict:
    """One group's figure on one measure in one period: the chosen statistic, and all three.

    ``values`` (area code -> figure in the period, as :func:`figures_at` gives) and ``parts``
    (as :func:`pooling_parts` gives) may be passed by a caller working through many groups, so
    they are read once. Councils with no figure (or a suppressed one) are left out and counted.
    Returns value, statistic (which one the value is: 'pooled' falls back to 'mean' when the
    counts are not held, and ``fallback`` says so), n (councils the value is over), members,
    mean, median, pooled.
    """
    if statistic not in STATISTICS:
        raise DataError(f"unknown statistic '{statistic}'", expected=", ".join(STATISTICS))
    members = list(members)
    if values is None:
        values = figures_at(store, indicator_id, period)
    lookup = values if isinstance(values, dict) else values.to_dict()
    found = [lookup.get(c) for c in members]
    figures = np.array([v for v in found if v is not None and not np.isnan(v)], dtype=float)
    out = {"members": len(members), "n": int(len(figures)),
           "mean": float(figures.mean()) if len(figures) else None,
           "median": float(np.median(figures)) if len(figures) else None,
           "pooled": None, "pooled_n": 0}
    if parts is False:
        parts = pooling_parts(store, indicator_id, period)
    if parts is not None and members:
        both = parts.reindex(members).dropna()
        denominator = both["denominator"].sum()
        if len(both) and denominator > 0:
            definition = pooled_definition(indicator_id)
            out["pooled"] = float(both["numerator"].sum() / denominator * definition["per"])
            out["pooled_n"] = int(len(both))
    chosen = statistic
    if statistic == "pooled" and out["pooled"] is None:
        chosen = "mean"
    out["statistic"] = chosen
    out["value"] = out[chosen]
    if chosen == "pooled":
        out["n"] = out["pooled_n"]
    out["fallback"] = chosen != statistic
    return out


def group_summary(store: Store, members: list[str] | tuple[str, ...], measures: list[str]) -> pd.DataFrame:
    """Each measure's mean, median and (where counts and populations are held) pooled rate over a
    group, in the latest period any member has a figure; with how many councils each is over."""
    rows = []
    for indicator_id in measures:
        info = store.indicator(indicator_id)
        published = store.preferred(indicator_id, list(members))
        held = published[published["value"].notna()]
        if held.empty:
            rows.append({"indicator_id": indicator_id, "measure": info["label"], "unit": info["unit"],
                         "period": None, "period_label": "", "councils": len(members), "with_figure": 0,
                         "mean": None, "median": None, "pooled": None, "pooled_over": 0})
            continue
        period = held["period"].max()
        figure = group_figure(store, members, indicator_id, period, "mean", values=figures_at(store, indicator_id,
                                                                                               period, published))
        rows.append({"indicator_id": indicator_id, "measure": info["label"], "unit": info["unit"], "period": period,
                     "period_label": str(held.loc[held["period"] == period, "period_label"].iloc[0]),
                     "councils": len(members), "with_figure": figure["n"], "mean": figure["mean"],
                     "median": figure["median"], "pooled": figure["pooled"], "pooled_over": figure["pooled_n"]})
    return pd.DataFrame(rows)


# --- user-defined groups ---------------------------------------------------------------------
def require_admin(role: str | None) -> None:
    """Refuse anyone but a regional admin: groups change what every user's pages compare with."""
    if role not in ADMIN_ROLES:
        raise NotAllowed(f"only a regional admin may change comparator groups (your role: {role or 'not signed in'})")


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return text or "group"


def check_group(store: Store, name: str, members: list[str], *, group_id: str | None = None,
                description: str = "") -> tuple[str, str, list[str]]:
    """Validate a group before it is saved: its id, tidy name and ONS codes.

    Names must be unique among all groups (so selectors never show two alike); members are
    resolved from codes, DfE numbers or names, and a group needs at least two councils.
    """
    name = str(name or "").strip()
    if not name:
        raise DataError("a group needs a name", column="name", expected="e.g. 'Peninsula'")
    if len(name) > 80 or len(str(description)) > 500:
        raise DataError("name or description too long", column="name",
                        expected="a name up to 80 characters, a description up to 500")
    if any(ord(c) < 32 for c in name + str(description)):
        raise DataError("control characters in the name or description", column="name", expected="plain text")
    codes = []
    for i, member in enumerate(members):
        code = store.index.resolve(member, row=i + 1, column="members")
        level = store.areas.loc[store.areas["code"] == code, "level"].iloc[0]
        if level != "la":
            raise DataError(f"'{member}' is a {level}, not a council", row=i + 1, column="members",
                            expected="councils only")
        if code not in codes:
            codes.append(code)
    if len(codes) < 2:
        raise DataError("a comparator group needs at least two councils", column="members")
    new_id = group_id or USER_PREFIX + slug(name)
    if group_id is not None and not group_id.startswith(USER_PREFIX):
        raise DataError(f"'{group_id}' is not a user-defined group", expected="an id starting 'user:'")
    others = store.groupings[store.groupings["id"] != new_id]
    if name.lower() in {str(n).lower() for n in others["name"]}:
        raise DataError(f"a group called '{name}' already exists", column="name", expected="a new name")
    if group_id is None and new_id in set(store.groupings["id"]):
        raise DataError(f"a group with id '{new_id}' already exists", column="name", expected="a new name")
    return new_id, name, codes


def save_group(store: Store, name: str, members: list[str], *, role: str | None, actor: str,
               group_id: str | None = None, description: str = "", engine=None) -> str:
    """Create (no ``group_id``) or replace a user-defined group; returns its id."""
    from regional import db

    require_admin(role)
    new_id, name, codes = check_group(store, name, members, group_id=group_id, description=description)
    if group_id is not None and group_id not in set(store.groupings["id"]):
        raise DataError(f"unknown group '{group_id}'", expected="an existing user-defined group")
    db.save_user_group(new_id, name, str(description).strip(), codes, actor=actor, engine=engine or store.engine)
    return new_id


def delete_group(store: Store, group_id: str, *, role: str | None, actor: str, engine=None) -> None:
    from regional import db

    require_admin(role)
    if not str(group_id).startswith(USER_PREFIX) or group_id not in set(store.groupings["id"]):
        raise DataError(f"'{group_id}' is not a user-defined group", expected="an id starting 'user:'")
    db.delete_user_group(group_id, actor=actor, engine=engine or store.engine)


__all__ = ["ComparatorGroup", "NotAllowed", "england", "region", "neighbours", "good_plus", "named",
           "comparators", "group_figure", "group_summary", "figures_at", "pooling_parts", "selector_groups", "resolve_group", "save_group", "delete_group",
           "require_admin", "STATISTICS", "STATISTIC_LABELS"]
