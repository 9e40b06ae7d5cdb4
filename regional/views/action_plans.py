"""Action plans: every council's sufficiency RAG tracker side by side. Counts by status per council
and per priority, success measures beside their actions, and what changed between two versions.

The same sections feed the page, the benchmarks and the meeting pack.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from regional import action_plans as ap
from regional import models
from regional.importers.action_plan import STATUSES, TEMPLATE
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, per_store, text_or_blank

PAGE = "pages/5_Action_plans.py"
CHART = "charts.action_plans.status_bars"
MISSING_DRAWN = 20  # at most this many councils without a plan keep a row of their own in the chart


@dataclass(frozen=True)
class Choices:
    council: str | None = None  # whose plan: the council of interest if it has one, else the first member with one
    plan: str | None = None  # which of its plans (most councils have one)
    version: str | None = None  # the version shown: the newest by default
    before: str | None = None  # the version it is compared with: the one before it by default


def _lines(store: Store) -> pd.DataFrame:
    return per_store(store, "action_plan_lines", lambda: ap.plan_lines(store))


def _sources(vers: pd.DataFrame) -> str:
    return "; ".join(dict.fromkeys(vers["source_title"].dropna()))


def _periods(vers: pd.DataFrame) -> str:
    return "; ".join(f"{r['council']}: {ap.version_label(r)}" for _, r in vers.iterrows())


def group_status(store: Store, selection: Selection) -> Section:
    """Actions by status in each member's newest plan, stacked, councils side by side."""
    lines = _lines(store)
    newest = ap.latest(lines[lines["area_code"].isin(selection.members)])
    counts = ap.status_counts(newest, ["council"])
    vers = ap.versions(newest)
    names = [store.name(c) for c in selection.members]
    held = list(dict.fromkeys(counts["council"]))
    missing = [n for n in names if n not in set(held)]
    order = sorted(held, key=lambda n: (n != selection.council_name, n))
    table = ap.counts_table(counts, ["council"])
    table["version"] = table["council"].map(dict(zip(vers["council"], vers.apply(ap.version_label, axis=1))))
    if missing:
        gaps = pd.DataFrame({"council": missing, "version": "no action plan held"})
        table = pd.concat([table, gaps], ignore_index=True)
        table[[*STATUSES, "Total"]] = table[[*STATUSES, "Total"]].astype("Int64")
    drawn_missing = missing if len(missing) <= MISSING_DRAWN else []
    caption = ("Actions in each council's newest plan by status; success measures are counted separately. Each "
               "council's own status words are mapped to these four and kept beside them in the plan's table; "
               "'Not rated' means the document gives no status. "
               + (f"{len(missing)} councils have no action plan held. " if missing and not drawn_missing else "")
               + f"Versions: {_periods(vers) or 'none'}.")
    return Section("ap_group", "Actions by status, council by council", table=text_or_blank(table),
                   frame=counts if len(counts) else None, chart=CHART if len(counts) else None,
                   chart_args={"y": "council", "missing": drawn_missing, "order": order,
                               "highlight": selection.council_name},
                   caption=caption, source=_sources(vers), file_name="action_plans_by_council.csv",
                   empty="" if len(counts) else "No council in this group has an action plan held.",
                   extra={"period": _periods(vers)})


def _resolve(store: Store, selection: Selection, choices: Choices) -> dict | None:
    """The council, plan and versions to show: the choices where they still exist, else the defaults."""
    lines = _lines(store)
    vers = ap.versions(lines[lines["area_code"].isin(selection.members)])
    if vers.empty:
        return None
    held = list(dict.fromkeys(vers["area_code"]))
    council = next((c for c in (choices.council, selection.council) if c in held), held[0])
    mine = vers[vers["area_code"] == council]
    plans = list(dict.fromkeys(mine["plan"]))
    plan = choices.plan if choices.plan in plans else plans[0]
    mine = mine[mine["plan"] == plan]
    labels = dict(zip(mine["version"], mine.apply(ap.version_label, axis=1)))
    names = list(labels)
    version = choices.version if choices.version in labels else names[-1]
    earlier = [v for v in names if v != version]
    default_before = names[names.index(version) - 1] if names.index(version) > 0 else (earlier[0] if earlier else None)
    before = choices.before if choices.before in earlier else default_before
    return {"councils": held, "council": council, "plans": plans, "plan": plan, "versions": labels,
            "version": version, "before": before, "rows": ap.of_version(lines, council, plan, version),
            "vers": mine[mine["version"] == version]}


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    sections = [Section("ap_intro", markdown=(
        f"**{selection.group_label}**: {len(selection.members)} councils. Council of interest: "
        f"**{selection.council_name}**. How far has each council got with its sufficiency action plan, and what "
        "changed since the last version?")), group_status(store, selection)]
    picked = _resolve(store, selection, choices)
    if picked is None:
        sections.append(Section("ap_pick", empty="No council in this group has an action plan held. A council adds "
                                "one on the [Data page](/Data) as an action-plan return (template: "
                                f"data/templates/{TEMPLATE.name}).", extra={}))
        return sections
    council, plan, version, rows, vers = (picked[k] for k in ("council", "plan", "version", "rows", "vers"))
    name = store.name(council)
    note = "" if council == selection.council else f"{selection.council_name} has no action plan held; showing {name}'s."
    sections.append(Section("ap_pick", markdown=note, extra={k: picked[k] for k in
                                                              ("councils", "council", "plans", "plan", "versions",
                                                               "version", "before")}))
    period, source = _periods(vers), _sources(vers)
    sections += [priority_status(rows, name, period, source), measures_beside_actions(rows, period, source),
                 Section("ap_rows", f"Every action and measure of {picked['versions'][version]} ({len(rows)} rows)",
                         table=text_or_blank(ap.actions_table(rows)), source=source, level=3,
                         file_name="action_plan.csv", extra={"period": period}),
                 stated_totals(store, council, rows)]
    sections.append(version_changes(store, council, plan, picked["before"], version, picked["versions"]))
    return sections


def priority_status(rows: pd.DataFrame, name: str, period: str, source: str) -> Section:
    rows = rows.assign(priority_label=[f"{p}. {t[:70]}{'...' if len(t) > 70 else ''}" if t else str(p)
                                       for p, t in zip(rows["priority"], rows["priority_title"])])
    counts = ap.status_counts(rows, ["priority_label"])
    table = ap.counts_table(counts, ["priority_label"]).rename(columns={"priority_label": "priority"})
    return Section("ap_priority", f"{name}: actions by status and priority", table=table,
                   frame=counts if len(counts) else None, chart=CHART if len(counts) else None,
                   chart_args={"y": "priority_label", "order": list(dict.fromkeys(rows["priority_label"]))},
                   caption=f"Each priority's actions by status, in the plan's own order. Version: {period}.",
                   source=source, file_name="action_plan_by_priority.csv",
                   empty="" if len(counts) else "This version lists success measures but no actions.",
                   extra={"period": period})


def measures_beside_actions(rows: pd.DataFrame, period: str, source: str) -> Section:
    return Section("ap_measures", "Success measures beside their actions", table=ap.priority_view(rows),
                   caption="Where a plan rates its success measures apart from its actions, an action can be complete "
                           "while the measure it serves still requires attention (BCP's update explains why); 'flag' "
                           f"says where. Plans that give each action its own measure show it with the action. Version: {period}.",
                   source=source, file_name="action_plan_measures.csv", extra={"period": period})


def stated_totals(store: Store, council: str, rows: pd.DataFrame) -> Section:
    lines = _lines(store)
    check = ap.stated_totals_check(lines[lines["area_code"] == council], store.table(models.ActionPlanTotal))
    return Section("ap_totals", "The documents' own totals beside the rows counted here", level=3,
                   table=check.drop(columns="area_code") if len(check) else None,
                   caption="Where a document prints its own count by status, it is set against the rows held. BCP's "
                           "version 1 prints 51 RAG ratings, but the ratings are colours the published text does not "
                           "carry: only its 3 completed and 3 not-yet-started actions can be read, so the other 45 are "
                           "'Not rated' here and the document's totals are shown as it prints them.",
                   empty="" if len(check) else "The documents of this council's plans print no totals of their own.",
                   file_name="action_plan_totals.csv")


def version_changes(store: Store, council: str, plan: str, before: str | None, after: str,
                    labels: dict[str, str]) -> Section:
    if before is None:
        return Section("ap_changes", "What changed between two versions",
                       empty=f"{store.name(council)} has one version of this plan held; a second upload makes a comparison.")
    lines = _lines(store)
    old, new = ap.of_version(lines, council, plan, before), ap.of_version(lines, council, plan, after)
    diff = ap.compare_versions(old, new)
    summary = ap.change_summary(diff)
    wide = summary.pivot_table(index="change", columns="item", values="count", aggfunc="sum", observed=False).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide["change"] = wide["change"].astype(str)
    vers = ap.versions(pd.concat([old, new]))
    diff = diff.assign(change=diff["change"].astype(str))
    return Section("ap_changes", "What changed between two versions", table=text_or_blank(diff),
                   markdown=f"From **{labels[before]}** to **{labels[after]}**.",
                   caption="New: not in the earlier version. Retired: not in the later one. Status up or down: from "
                           "Requires further attention to On track to Completed, or back. An action that kept its "
                           "wording under a new reference is the same action, renumbered. 'Not comparable' where "
                           "either version gives no status.",
                   source=_sources(vers), file_name="action_plan_changes.csv",
                   extra={"summary": wide, "period": _periods(vers)})
