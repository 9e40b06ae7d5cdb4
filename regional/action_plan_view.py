"""The Action plans page's preparation: what each section shows, for the page and the meeting pack alike.

Each section carries the frame its chart draws, its table, a caption, its sources and its
period, so the page and the pack show the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from regional import action_plans as ap
from regional import models
from regional.charts.action_plans import status_bars
from regional.importers.action_plan import STATUSES


@dataclass
class Section:
    """One titled part of a page: a chart with the table beside it, or a table alone."""

    key: str
    title: str
    table: pd.DataFrame
    chart: alt.Chart | None = None
    frame: pd.DataFrame | None = None  # what the chart draws
    caption: str = ""
    source: str = ""
    period: str = ""
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)


def _version_note(vers: pd.DataFrame) -> str:
    return "; ".join(f"{r['council']}: {ap.version_label(r)}" for _, r in vers.iterrows())


def group_status(store, members: list[str], *, highlight: str | None = None) -> Section:
    """Actions by status for each member's newest plan, stacked, councils side by side."""
    lines = ap.plan_lines(store)
    lines = lines[lines["area_code"].isin(members)]
    newest = ap.latest(lines)
    counts = ap.status_counts(newest, ["council"])
    vers = ap.versions(newest)
    names = [store.name(c) for c in members]
    held = set(counts["council"])
    missing = [n for n in names if n not in held]
    order = sorted(held, key=lambda n: (n != (store.name(highlight) if highlight else None), n))
    chart = status_bars(counts, y="council", missing=missing, order=order,
                        highlight=store.name(highlight) if highlight else None) if len(counts) else None
    table = ap.counts_table(counts, ["council"])
    if missing:
        table = pd.concat([table, pd.DataFrame({"council": missing})], ignore_index=True)
        table[[*STATUSES, "Total"]] = table[[*STATUSES, "Total"]].astype("Int64")
        table["version"] = table["council"].map(dict(zip(vers["council"], vers.apply(ap.version_label, axis=1)))).fillna(
            "no action plan held")
    else:
        table["version"] = table["council"].map(dict(zip(vers["council"], vers.apply(ap.version_label, axis=1))))
    caption = ("Actions in each council's newest plan by status (success measures are counted separately). "
               "A council's own status words are mapped to these four and kept beside them in the plan table; "
               "'Not rated' means the document gives no status for the action.")
    return Section("action_plans_group", "Actions by status, council by council", table, chart, counts, caption,
                   source="; ".join(dict.fromkeys(vers["source_title"])), period=_version_note(vers))


def plan_choices(store, members: list[str]) -> pd.DataFrame:
    """Every version held for the group's councils, oldest first within each plan."""
    lines = ap.plan_lines(store)
    return ap.versions(lines[lines["area_code"].isin(members)])


def priority_status(store, area_code: str, plan: str, version: str) -> Section:
    rows = ap.of_version(ap.plan_lines(store), area_code, plan, version)
    rows = rows.assign(priority_label=[f"{p}. {t[:70]}{'...' if len(t) > 70 else ''}" if t else str(p)
                                       for p, t in zip(rows["priority"], rows["priority_title"])])
    counts = ap.status_counts(rows, ["priority_label"])
    vers = ap.versions(rows)
    chart = status_bars(counts, y="priority_label", y_title="Priority",
                        order=list(dict.fromkeys(rows["priority_label"]))) if len(counts) else None
    return Section("action_plans_priority", f"{store.name(area_code)}: actions by status and priority",
                   ap.counts_table(counts, ["priority_label"]).rename(columns={"priority_label": "priority"}), chart, counts,
                   "Each priority's actions by status, in the plan's own order.",
                   source="; ".join(dict.fromkeys(vers["source_title"])), period=_version_note(vers))


def measures_beside_actions(store, area_code: str, plan: str, version: str) -> Section:
    rows = ap.of_version(ap.plan_lines(store), area_code, plan, version)
    vers = ap.versions(rows)
    view = ap.priority_view(rows)
    caption = ("Success measures are rated separately from actions where the plan does so: an action can be "
               "complete while the measure it serves still requires attention (BCP's update explains why). "
               "Plans that give each action its own measure show them with their action.")
    return Section("action_plans_measures", "Success measures beside their actions", view, caption=caption,
                   source="; ".join(dict.fromkeys(vers["source_title"])), period=_version_note(vers))


def version_changes(store, area_code: str, plan: str, before: str, after: str) -> Section:
    lines = ap.plan_lines(store)
    old, new = ap.of_version(lines, area_code, plan, before), ap.of_version(lines, area_code, plan, after)
    diff = ap.compare_versions(old, new)
    vers = ap.versions(pd.concat([old, new]))
    caption = ("New: not in the earlier version. Retired: not in the later one. Status up or down: from Requires "
               "further attention to On track to Completed, or back. An action that kept its wording under a new "
               "reference is the same action, renumbered. 'Not comparable' where either version gives no status.")
    return Section("action_plans_changes", f"What changed: {before} to {after}", diff, frame=ap.change_summary(diff),
                   caption=caption, source="; ".join(dict.fromkeys(vers["source_title"])), period=_version_note(vers))


def stated_totals(store, area_code: str) -> pd.DataFrame:
    """The documents' own printed totals for this council's plans, beside the rows counted here."""
    lines = ap.plan_lines(store)
    check = ap.stated_totals_check(lines[lines["area_code"] == area_code], store.table(models.ActionPlanTotal))
    return check.drop(columns=["area_code"])
