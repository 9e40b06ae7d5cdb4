"""Small numbers in views of child-level data: counts under 5 are suppressed, and so is any
cell that would let one be worked out (secondary suppression), whatever the number of
councils in view, as DfE does in its own tables.

Why in the library and not in a page: the Placement distance page, its CSV downloads and
anything else that summarises SSDA903 episodes must all suppress the same way, and the
rule must hold when one council is chosen or the view is narrowed to unaccompanied
children, where a count of 1 is one child. The only exception is an editor signed in
for a council looking at that council's own children (:func:`suppression_applies`).

Privacy on load (``regional.importers.ssda903``) decides what of a child's record is stored at
all: CHILD as a keyed hash, postcodes as outcode and sector, and the date of birth as its
**month only** (``birth_month``, the first day of the month: 2012-07-01, never the day). The
decision, taken for issue 18 (the sufficiency plan's transition rates by age band), and why:

- *Needed*: the sector's demand models (Social Finance's cs-demand-model) project children in care
  by age band (under 1, 1-4, 5-9, 10-15, 16 and over) because ageing drives moving on and leaving
  care at 18; without an age the transition rates can only run for all ages.
- *Enough*: the bands are read at 31 March, the last day of its month, so the month gives exactly
  the age in whole years the day would (a test checks every day from 2004 to 2023).
- *Usual*: month and year is the precision of date of birth in pseudonymised NHS and ONS research
  extracts (the day is what makes a birth date identifying), and the stored episode already holds
  no more of where a child lives than outcode and sector.
- *Never shown*: no page, download, export or meeting pack reads the month; the plan only counts
  children in age bands (a test scans the source for every reader, another every page's download).
  An episode without a month (an upload without the header table, or stored before this
  decision) has none, and the plan says its extract runs all ages.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Counts from 1 to SUPPRESS_BELOW - 1 are never shown (zero is shown: it identifies no one).
SUPPRESS_BELOW = 5
SUPPRESSED = "suppressed"


def suppression_applies(councils_in_view: Iterable[str], editor_council: str | None = None) -> bool:
    """True unless a signed-in editor is looking only at their own council's children."""
    councils = {str(c) for c in councils_in_view}
    return not (editor_council and councils and councils <= {editor_council})


def suppress_counts(frame: pd.DataFrame, *, count: str = "children", group_by: list[str] | None = None,
                    also: Iterable[str] = ("pct",), threshold: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Counts under ``threshold`` become empty with status 'suppressed', with the columns in ``also``
    (shares, medians) on the same rows. Within each group (the cells that add up to one total, such
    as one council's distance bands): a group totalling under the threshold is suppressed whole, and
    a group with exactly one suppressed cell loses its next-smallest cell too, so the hidden one
    cannot be found by subtraction from the total (or from a share)."""
    out = frame.copy()
    if out.empty:
        if "status" not in out:
            out["status"] = pd.Series(dtype=object)
        return out
    n = pd.to_numeric(out[count], errors="coerce")
    hide = n.notna() & (n > 0) & (n < threshold)
    keys = group_by or []
    groups = out.groupby(keys, sort=False, dropna=False).groups.values() if keys else [out.index]
    for index in groups:
        index = pd.Index(index)
        values = n.loc[index]
        if values.sum() < threshold and values.sum() > 0:
            hide.loc[index] = True
            continue
        while int(hide.loc[index].sum()) == 1:
            candidates = values[~hide.loc[index] & (values > 0)]
            if candidates.empty:
                break
            hide.loc[candidates.idxmin()] = True
    status = out["status"] if "status" in out else pd.Series("ok", index=out.index)
    out["status"] = np.where(hide, SUPPRESSED, status.astype(object))
    out[count] = n.astype(float).where(~hide)
    for column in also:
        if column in out:
            out[column] = out[column].where(~hide)
    return out


def suppress_shares(frame: pd.DataFrame, *, total: str = "children", shares: Iterable[str],
                    threshold: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Shares (percentages of ``total``) that would give away a small count: the whole row when the
    total is under the threshold, otherwise each share whose implied count, or its complement
    (the children not in it), is from 1 to threshold - 1."""
    out = frame.copy()
    if out.empty:
        return out
    n = pd.to_numeric(out[total], errors="coerce")
    small_total = n.notna() & (n > 0) & (n < threshold)
    for column in shares:
        if column not in out:
            continue
        implied = (pd.to_numeric(out[column], errors="coerce") / 100 * n).round()
        rest = n - implied
        risky = ((implied > 0) & (implied < threshold)) | ((rest > 0) & (rest < threshold))
        out[column] = out[column].where(~(risky | small_total))
    out[total] = n.astype(float).where(~small_total)
    status = out["status"] if "status" in out else pd.Series("ok", index=out.index)
    out["status"] = np.where(small_total, SUPPRESSED, status.astype(object))
    return out


def drop_small_flows(flows: pd.DataFrame, *, count: str = "children", threshold: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Flows (one home area to one placement area) carrying fewer than ``threshold`` children are
    not drawn or listed at all: an arc of one child is that child's journey."""
    if flows.empty:
        return flows
    return flows[pd.to_numeric(flows[count], errors="coerce") >= threshold].reset_index(drop=True)


def small_counts_shown(frame: pd.DataFrame, count: str = "children", threshold: int = SUPPRESS_BELOW) -> int:
    """How many cells show a count from 1 to threshold - 1 (tests and checks: should be 0)."""
    if frame.empty or count not in frame:
        return 0
    n = pd.to_numeric(frame[count], errors="coerce")
    return int(((n > 0) & (n < threshold)).sum())
