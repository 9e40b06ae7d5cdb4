"""Groups: every comparator group a page's selector offers (RCCs, user-defined groups, regions) with
its members, and one group's figures on the scorecard's measures (mean, median, pooled rate)."""
from __future__ import annotations

from dataclasses import dataclass

from regional import groups, scorecard
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, text_or_blank

PAGE = "pages/7_Groups.py"


@dataclass(frozen=True)
class Choices:
    summary_group: str | None = None  # None: the selection's group (or the South West RCC for neighbours)


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    listed = groups.selector_groups(store)
    names = dict(zip(store.areas["code"], store.areas["name"]))
    descriptions = dict(zip(store.groupings["id"], store.groupings["description"]))
    table = listed.assign(
        councils=listed["id"].map(lambda g: len(store.group_members(g))),
        members=listed["id"].map(lambda g: ", ".join(names.get(c, c) for c in store.group_members(g))),
        description=listed["id"].map(descriptions).fillna(""))
    sections = [Section("groups_list", table=text_or_blank(table[["label", "kind", "councils", "members",
                                                                 "description"]]),
                        markdown="The groups every page's **Group** selector lists: Regional Care Cooperatives (from "
                                 "`data/groups.csv`), groups defined here, and the English regions. Statistical "
                                 "neighbours and Good+ councils are made for each council on the Scorecard page.",
                        extra={"ids": listed["id"].tolist(), "labels": dict(zip(listed["id"], listed["label"])),
                               "user": listed.loc[listed["kind"] == "user", "id"].tolist()})]
    shown = choices.summary_group if choices.summary_group in set(listed["id"]) else (
        selection.grouping_id if selection.grouping_id in set(listed["id"]) else listed["id"].iloc[0])
    summary = groups.group_summary(store, store.group_members(shown), scorecard.default_measures(store))
    summary = summary.drop(columns=["indicator_id", "period"]).rename(columns={
        "period_label": "period", "with_figure": "with a figure", "pooled": "pooled rate", "pooled_over": "pooled over"})
    for column in ("mean", "median", "pooled rate"):
        summary[column] = summary[column].map(lambda v: "" if v is None or v != v else f"{float(v):.1f}")
    sections.append(Section("groups_figures", f"{dict(zip(listed['id'], listed['label']))[shown]}: its figures",
                            table=text_or_blank(summary),
                            caption="Each measure in the latest year any member has a DfE figure: the mean and median "
                                    "of the members' figures, and the pooled rate (sum of counts / sum of populations) "
                                    "where the counts are held (data/pooling.csv); 'with a figure' and 'pooled over' "
                                    "say how many councils each is over. The Scorecard shows the mean unless another "
                                    "is chosen there.", source="DfE and DfE LAIT (OGL v3.0)",
                            extra={"shown": shown}))
    return sections


__all__ = ["PAGE", "Choices", "prepare"]
