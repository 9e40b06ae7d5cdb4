"""Fostering households needed vs expected: a projection whose every assumption is explicit.

The model, in the planners' words:

* children in foster care change each year by the trend of recent years (a straight
  line through DfE's figures) or by a rate the user sets (% a year, compounding);
* the council places a share of them with its own mainstream carers (today's share,
  LA foster places filled / children in foster care, unless the user sets a target);
* each in-house household cares for a number of children (places filled / households);
* so households **needed** = children in foster care x in-house share / children per household;
* households **expected** = households now + the recent net change (approvals minus
  de-registrations) each year;
* the gap at the horizon, spread over the years to it, is the extra net gain a year the
  council needs on top of what it is already achieving.

Pure functions: numbers in, frames and sentences out.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

FORECAST_COLUMNS = ["year", "period_label", "kind", "children_in_foster", "inhouse_children", "households_needed",
                    "households_expected", "gap"]


@dataclass(frozen=True)
class Assumptions:
    """Everything the projection depends on; the page shows each one and lets users change it."""

    base_year: int  # year ending 31 March of the latest children-in-foster-care figure
    children_in_foster: float  # children in foster care at the base year
    children_change_per_year: float  # from the trend; used unless ``rate_pct`` is set
    inhouse_share: float  # 0-1: share of fostered children placed with the council's own mainstream carers
    children_per_household: float
    households_now: float  # in-house mainstream fostering households
    net_change_per_year: float  # approvals minus de-registrations, a year
    rate_pct: float | None = None  # user-set % change a year in children in foster care
    years: int = 3

    def with_changes(self, **changes) -> "Assumptions":
        return replace(self, **changes)


def trend_per_year(years: list[int] | pd.Series, values: list[float] | pd.Series, *, window: int = 5) -> float:
    """Least-squares slope (children a year) through the last ``window`` years that have a figure.

    Gaps (suppressed, missing) are skipped, never read as zero; fewer than two figures give 0.
    """
    frame = pd.DataFrame({"year": list(years), "value": list(values)}).dropna()
    frame = frame.sort_values("year").tail(window)
    if len(frame) < 2:
        return 0.0
    slope, _ = np.polyfit(frame["year"].astype(float), frame["value"].astype(float), 1)
    return float(slope)


def project_children(a: Assumptions) -> list[float]:
    """Children in foster care at the base year and each year to the horizon; never below zero."""
    out = []
    for k in range(a.years + 1):
        if a.rate_pct is not None:
            value = a.children_in_foster * (1 + a.rate_pct / 100) ** k
        else:
            value = a.children_in_foster + a.children_change_per_year * k
        out.append(max(value, 0.0))
    return out


def forecast(a: Assumptions) -> pd.DataFrame:
    """One row per year from the base year to the horizon: needed, expected and the gap."""
    if a.children_per_household <= 0:
        raise ValueError("children per household must be more than 0")
    children = project_children(a)
    rows = []
    for k, child_count in enumerate(children):
        inhouse = child_count * a.inhouse_share
        needed = inhouse / a.children_per_household
        expected = max(a.households_now + a.net_change_per_year * k, 0.0)
        year = a.base_year + k
        rows.append({"year": year, "period_label": f"31 March {year}",
                     "kind": "latest figures" if k == 0 else "projection",
                     "children_in_foster": child_count, "inhouse_children": inhouse,
                     "households_needed": needed, "households_expected": expected, "gap": needed - expected})
    return pd.DataFrame(rows, columns=FORECAST_COLUMNS)


def extra_households_per_year(frame: pd.DataFrame) -> float:
    """Net households a year to add, beyond the current trend, to close the gap by the horizon."""
    years = int(frame["year"].max() - frame["year"].min())
    if years <= 0:
        return 0.0
    return float(frame["gap"].iloc[-1]) / years


def gap_sentence(council: str, frame: pd.DataFrame, a: Assumptions) -> str:
    """The gap in words, as a planner would say it in a meeting."""
    end = frame.iloc[-1]
    per_year = extra_households_per_year(frame)
    trend = f"{a.net_change_per_year:+.0f} a year" if round(a.net_change_per_year) else "no net change"
    share = f"{a.inhouse_share:.0%}"
    horizon = f"March {int(end['year'])}"
    needed, expected = end["households_needed"], end["households_expected"]
    if round(per_year) >= 1:
        n = round(per_year)
        return (f"{council} needs about {n:,} more in-house fostering household{'s' if n != 1 else ''} a year, on top of "
                f"its current trend ({trend}), to care for {share} of its fostered children with its own carers by "
                f"{horizon}: {needed:,.0f} households needed against {expected:,.0f} expected.")
    if round(per_year) <= -1:
        n = abs(round(end["gap"]))
        return (f"{council} is on course for about {n:,} more in-house fostering household{'s' if n != 1 else ''} "
                f"than it needs by {horizon} at the current trend ({trend}): {expected:,.0f} expected against "
                f"{needed:,.0f} needed to care for {share} of its fostered children with its own carers.")
    return (f"{council}'s current trend ({trend}) roughly meets its need by {horizon}: {needed:,.0f} households "
            f"needed and {expected:,.0f} expected (within one a year).")

