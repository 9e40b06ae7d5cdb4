"""Councils' sufficiency action plans side by side: counts by status, measures beside their
actions, and what changed between two versions of a plan.

Pure functions over the rows of ``models.ActionPlanLine`` (see
``regional.importers.action_plan``); the page, the meeting pack and the tests all call these.
"""
from __future__ import annotations

import difflib
import re

import pandas as pd

from regional import models
from regional.importers.action_plan import RANK, STATUSES

#: How each status reads without its colour (charts add these words to every bar).
SHORT = {"Completed": "Completed", "On track": "On track", "Requires further attention": "Needs attention",
         "Not rated": "Not rated"}
#: Colour-blind-safe (Okabe-Ito), never used alone: every mark also carries its status in words.
COLOURS = {"Completed": "#0072B2", "On track": "#009E73", "Requires further attention": "#D55E00",
           "Not rated": "#BBBBBB"}
VERSION_KEY = ["area_code", "plan", "version"]
SAME_REFERENCE = 0.3  # wording similarity above which an action keeping its reference is the same action
SAME_WORDING = 0.6  # similarity above which an action under a new reference is the same action renumbered


def plan_lines(store) -> pd.DataFrame:
    """Every stored plan row with its council's name and its source's title (worked out once per Store)."""
    cache = store._tables
    if "action_plan_lines" not in cache:
        cache["action_plan_lines"] = _plan_lines(store)
    return cache["action_plan_lines"]


def _plan_lines(store) -> pd.DataFrame:
    lines = store.table(models.ActionPlanLine).copy()
    sources = store.sources.set_index("id")
    lines["council"] = lines["area_code"].map(store.index.name_of)
    lines["source_title"] = lines["source_id"].map(sources["title"])
    lines["version_date"] = pd.to_datetime(lines["version_date"])
    return lines


def versions(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per version of each council's plan, oldest first; ``order`` counts versions per plan."""
    if lines.empty:
        return pd.DataFrame(columns=[*VERSION_KEY, "council", "version_date", "actions", "measures", "source_title", "order"])
    work = lines.assign(_first=lines["id"] if "id" in lines else range(len(lines)),
                        _action=(lines["item"] == "action").astype(int),
                        _measure=(lines["item"] == "success measure").astype(int))
    out = work.groupby(VERSION_KEY, sort=False).agg(
        council=("council", "first"), version_date=("version_date", "first"), first=("_first", "min"),
        actions=("_action", "sum"), measures=("_measure", "sum"), source_title=("source_title", "first")).reset_index()
    out = out.sort_values(["council", "plan", "version_date", "first"], na_position="first")
    out["order"] = out.groupby(["area_code", "plan"]).cumcount() + 1
    return out.drop(columns="first").reset_index(drop=True)


def version_label(row: pd.Series) -> str:
    when = row["version_date"].strftime("%d %b %Y") if pd.notna(row["version_date"]) else "no date printed"
    return f"{row['version']} ({when})" if when not in row["version"] else row["version"]


def latest(lines: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest version of each council's plan."""
    if lines.empty:
        return lines
    newest = versions(lines).groupby(["area_code", "plan"]).tail(1)[VERSION_KEY]
    return lines.merge(newest, on=VERSION_KEY)


def of_version(lines: pd.DataFrame, area_code: str, plan: str, version: str) -> pd.DataFrame:
    return lines[(lines["area_code"] == area_code) & (lines["plan"] == plan) & (lines["version"] == version)]


def status_counts(lines: pd.DataFrame, by: list[str], *, item: str = "action") -> pd.DataFrame:
    """Rows of ``item`` counted by status within ``by``: long, every status present (0 where none)."""
    rows = lines[lines["item"] == item]
    if rows.empty:
        return pd.DataFrame(columns=[*by, "status", "count", "share"])
    counts = rows.groupby([*by, "status"]).size().unstack("status").reindex(columns=list(STATUSES)).fillna(0)
    long = counts.stack().rename("count").reset_index()
    long["count"] = long["count"].astype(int)
    total = long.groupby(by)["count"].transform("sum")
    long["share"] = (long["count"] / total).round(3)
    long["status"] = pd.Categorical(long["status"], categories=list(STATUSES), ordered=True)
    return long.sort_values([*by, "status"]).reset_index(drop=True)


def counts_table(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The long counts as one row per group and one column per status, with the total."""
    if counts.empty:
        return pd.DataFrame(columns=[*by, *STATUSES, "Total"])
    wide = counts.pivot_table(index=by, columns="status", values="count", aggfunc="sum", observed=False)
    wide = wide.reindex(columns=list(STATUSES)).fillna(0).astype(int)
    wide.columns = list(STATUSES)
    wide["Total"] = wide.sum(axis=1)
    return wide.reset_index()


def stated_totals_check(lines: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Each version's own printed totals beside the rows counted here, status by status."""
    if totals.empty:
        return pd.DataFrame(columns=[*VERSION_KEY, "status", "stated", "counted", "agrees"])
    totals = totals.merge(lines[VERSION_KEY].drop_duplicates(), on=VERSION_KEY)
    stated = totals.groupby([*VERSION_KEY, "status"])["count"].sum().rename("stated").reset_index()
    rows = lines[lines["item"] == "action"].merge(totals[VERSION_KEY].drop_duplicates(), on=VERSION_KEY)
    counted = rows.groupby([*VERSION_KEY, "status"]).size().rename("counted").reset_index()
    out = stated.merge(counted, on=[*VERSION_KEY, "status"], how="outer")
    out["stated"] = out["stated"].fillna(0).astype(int)
    out["counted"] = out["counted"].fillna(0).astype(int)
    out["agrees"] = out["stated"] == out["counted"]
    return out


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9 ]", " ", str(text).lower()).split()


def similarity(a: str, b: str) -> float:
    """How alike two wordings are (0 to 1), word by word."""
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def _by_reference(rows: pd.DataFrame, item: str) -> pd.DataFrame:
    """One entry per reference: its wording, and its status (the least advanced of its rows when every
    row is rated; "Not rated" when any of them is not, since the unrated one could be the worst)."""
    text = "action" if item == "action" else "success_measure"
    part = rows[rows["item"] == item]
    out = []
    for ref, group in part.groupby("reference", sort=False):
        rated = [s for s in group["status"] if s in RANK]
        status = min(rated, key=RANK.get) if len(rated) == len(group) else "Not rated"
        out.append({"reference": ref, "priority": group["priority"].iloc[0], "wording": group[text].iloc[0],
                    "status": status, "status_original": "; ".join(dict.fromkeys(w for w in group["status_original"] if w))})
    return pd.DataFrame(out, columns=["reference", "priority", "wording", "status", "status_original"])


def _pairs(old: pd.DataFrame, new: pd.DataFrame) -> list[tuple[int | None, int | None, str, float]]:
    """Match old to new entries: same reference and alike wording first, then alike wording alone."""
    pairs, used_old, used_new = [], set(), set()
    old_refs = dict(zip(old["reference"], old.index))
    for j, ref in zip(new.index, new["reference"]):
        i = old_refs.get(ref)
        if i is not None:
            score = similarity(old.at[i, "wording"], new.at[j, "wording"])
            if score >= SAME_REFERENCE:
                pairs.append((i, j, "reference", score))
                used_old.add(i)
                used_new.add(j)
    candidates = sorted(((similarity(old.at[i, "wording"], new.at[j, "wording"]), i, j)
                         for i in old.index if i not in used_old for j in new.index if j not in used_new),
                        reverse=True)
    for score, i, j in candidates:
        if score < SAME_WORDING:
            break
        if i in used_old or j in used_new:
            continue
        pairs.append((i, j, "wording", score))
        used_old.add(i)
        used_new.add(j)
    pairs += [(i, None, "", 0.0) for i in old.index if i not in used_old]
    pairs += [(None, j, "", 0.0) for j in new.index if j not in used_new]
    return pairs


def _change(old_status: str | None, new_status: str | None) -> str:
    if old_status is None:
        return "new"
    if new_status is None:
        return "retired"
    if old_status not in RANK or new_status not in RANK:
        return "not comparable (not rated)"
    step = RANK[new_status] - RANK[old_status]
    return "status up" if step > 0 else "status down" if step < 0 else "same status"


CHANGES = ["new", "retired", "status up", "status down", "same status", "not comparable (not rated)"]


def compare_versions(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What changed from ``old`` to ``new`` (rows of two versions of one plan), action by action
    and measure by measure: new, retired, status up or down, same, or not comparable.

    An action is the same action if it keeps its reference and much of its wording, or takes a
    new reference with nearly the same wording (BCP's 6.5 became 6.6 in the 2026 tracker).
    """
    out = []
    for item in ("action", "success measure"):
        a, b = _by_reference(old, item), _by_reference(new, item)
        for i, j, matched, score in _pairs(a, b):
            o = a.loc[i] if i is not None else None
            n = b.loc[j] if j is not None else None
            out.append({
                "item": item,
                "priority": (n if n is not None else o)["priority"],
                "reference_before": o["reference"] if o is not None else "",
                "reference_now": n["reference"] if n is not None else "",
                "wording": (n if n is not None else o)["wording"],
                "status_before": o["status"] if o is not None else "",
                "status_now": n["status"] if n is not None else "",
                "words_before": o["status_original"] if o is not None else "",
                "words_now": n["status_original"] if n is not None else "",
                "change": _change(o["status"] if o is not None else None, n["status"] if n is not None else None),
                "matched_by": matched + (" (renumbered)" if matched == "wording" else "")
                              + (" (reworded)" if matched and score < 0.9 else ""),
            })
    frame = pd.DataFrame(out, columns=["item", "priority", "reference_before", "reference_now", "wording",
                                       "status_before", "status_now", "words_before", "words_now", "change",
                                       "matched_by"])
    frame["change"] = pd.Categorical(frame["change"], categories=CHANGES, ordered=True)
    return frame.sort_values(["item", "change", "priority"], kind="stable").reset_index(drop=True)


def change_summary(diff: pd.DataFrame) -> pd.DataFrame:
    """How many actions and measures fall under each kind of change."""
    if diff.empty:
        return pd.DataFrame(columns=["item", "change", "count"])
    return diff.groupby(["item", "change"], observed=False).size().rename("count").reset_index()


def priority_view(rows: pd.DataFrame) -> pd.DataFrame:
    """Per priority of one version: how its actions stand beside how its success measures stand.

    BCP rates measures separately from actions: an action can be complete while the measure it
    serves still requires attention. ``flag`` says so where it happens.
    """
    out = []
    for priority, part in rows.groupby("priority", sort=False):
        actions = part[part["item"] == "action"]
        measures = part[part["item"] == "success measure"]
        if measures.empty:  # plans that give each action its own measure (BCP's version 1)
            measures = actions[actions["success_measure"] != ""].assign(item="action's own measure")
        done = int((actions["status"] == "Completed").sum())
        attention = measures[measures["status"] == "Requires further attention"]
        out.append({
            "priority": priority,
            "priority_title": part["priority_title"].iloc[0],
            "actions": len(actions),
            "actions_by_status": _by_status(actions),
            "success_measures": "\n".join(f"{m['reference'] if m['item'] == 'success measure' else m['reference'] + ':'} "
                                          f"{m['success_measure']} [{m['status']}]" for _, m in measures.iterrows()),
            "measures_by_status": _by_status(measures) if measures["item"].eq("success measure").any() else "rated with their actions",
            "flag": (f"{done} of {len(actions)} actions completed while {len(attention)} measure(s) still "
                     "require further attention") if done and len(attention) and measures["item"].eq("success measure").any() else "",
        })
    return pd.DataFrame(out, columns=["priority", "priority_title", "actions", "actions_by_status", "success_measures",
                                      "measures_by_status", "flag"])


def _by_status(rows: pd.DataFrame) -> str:
    counts = rows["status"].value_counts()
    return ", ".join(f"{counts[s]} {SHORT[s].lower()}" for s in STATUSES if counts.get(s, 0)) or "none"


def actions_table(rows: pd.DataFrame) -> pd.DataFrame:
    """A version's actions and measures as the page lists them: the council's word beside the region's."""
    cols = {"priority": "priority", "item": "item", "reference": "ref", "action": "action",
            "success_measure": "success measure", "status": "status", "status_original": "council's word",
            "target_date": "target", "owner": "owner", "progress": "what was done", "impact": "impact",
            "section": "section", "note": "note"}
    return rows[list(cols)].rename(columns=cols).reset_index(drop=True)
