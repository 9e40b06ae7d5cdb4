"""Overview: the group at a glance. Headline figures for the council of interest, every member
side by side, one measure compared, the councils' own returns and how fresh each council's data is."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from regional import metrics
from regional.authorities import ENGLAND_CODE
from regional.indicators import format_value
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, text_or_blank

PAGE = "overview.py"
SOURCE = "DfE, Children looked after in England including adoptions, and DfE LAIT (OGL v3.0)"


@dataclass(frozen=True)
class Choices:
    measure: str = metrics.HEADLINE_INDICATORS[0]
    zero_based: bool = True


def measures(store: Store) -> dict[str, str]:
    """The measures a user can compare, with their labels."""
    labels = dict(zip(store.indicators["id"], store.indicators["label"]))
    return {i: labels.get(i, i) for i in metrics.HEADLINE_INDICATORS}


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    members = list(selection.members)
    region_name = selection.region_name
    table = metrics.headline_table(store, members, region_code=selection.region_code)
    sections = [Section("overview_intro", markdown=(
        f"**{selection.group_label}**: {len(members)} councils, compared with {region_name} and England. "
        f"Council of interest: **{selection.council_name}**."))]

    mine = table[table["area_code"] == selection.council].set_index("indicator_id")
    tiles = []
    for indicator_id in metrics.HEADLINE_INDICATORS[:4]:
        if indicator_id not in mine.index:
            tiles.append({"label": store.indicator(indicator_id)["label"], "value": "not held"})
            continue
        row = mine.loc[indicator_id]
        delta = None if pd.isna(row["change"]) else f"{row['change']:+,.0f} on the year before"
        tiles.append({"label": f"{row['indicator']} ({row['period_label']})",
                      "value": format_value(row["value"], row["unit"], row["status"]), "delta": delta,
                      "help": f"England: {format_value(row['england'], row['unit'])}; {region_name}: "
                              f"{format_value(row['region'], row['unit'])}. {row['vs_england']}. "
                              f"Source: {row['source_title']}"})
    sections.append(Section("overview_headline", f"{selection.council_name} at a glance", metrics=tiles,
                            source=SOURCE))

    wide = metrics.headline_wide(table)
    definitions = store.indicators.set_index("label")["description"]
    detail = table.assign(period=table["period"].dt.strftime("%Y-%m-%d"))
    sections.append(Section(
        "overview_side_by_side", "Every member side by side", table=wide,
        caption="Latest DfE published figure for each measure, with its year (year ending 31 March). "
                f"{region_name} and England first. Hover over a column for its definition; the detailed table "
                "below has change on the year before, the comparison with England and each figure's source.",
        source=SOURCE, file_name="overview_headlines.csv",
        extra={"help": {c: str(definitions.get(c, "")) for c in wide.columns[1:]}, "detail": text_or_blank(detail)}))

    labels = measures(store)
    one = table[table["indicator_id"] == choices.measure]
    councils_only = one[one["area_code"].isin(members) & (one["area_code"] != ENGLAND_CODE)
                        & (one["area_code"] != selection.region_code)]
    bench = one.set_index("area_code")["value"]
    shown = councils_only[["area_name", "value", "status", "period_label", "change", "england", "region",
                           "vs_england", "source_id"]].rename(columns={"area_name": "council", "period_label": "period"})
    not_shown = councils_only[councils_only["value"].isna()]
    england = bench.get(ENGLAND_CODE)
    region = bench.get(selection.region_code) if selection.region_code else None
    sections.append(Section(
        "overview_measure", "Compare one measure", table=text_or_blank(shown), frame=councils_only,
        chart="charts.ranked_bars",
        chart_args={"value_label": labels.get(choices.measure, choices.measure), "highlight": selection.council,
                    "england": None if england is None or pd.isna(england) else float(england),
                    "region": None if region is None or pd.isna(region) else float(region),
                    "region_name": region_name, "zero_based": choices.zero_based},
        caption=("Not drawn (no published figure): " + ", ".join(
            f"{n} ({s})" for n, s in zip(not_shown["area_name"], not_shown["status"]))) if len(not_shown) else "",
        source=SOURCE, file_name=f"overview_{choices.measure}.csv"))

    returns = metrics.council_return_latest(store, members)
    sections.append(Section(
        "overview_returns", "Latest figures from the councils' own returns", table=text_or_blank(returns),
        caption="What councils publish between DfE releases: more recent, not yet validated by DfE, and not always "
                "defined exactly as DfE defines them. Each figure names the document it comes from.",
        source="The councils' own published documents, named on each row", file_name="council_returns_latest.csv",
        extra={"by_council": {name: text_or_blank(part.drop(columns="council"))
                              for name, part in returns.groupby("council", sort=False)}},
        empty="" if len(returns) else (
            "No member of this group has submitted a return yet. A council loads one with "
            "`python -m regional load-return FILE` (template: data/templates/council_return.md).")))
    sections.append(Section("overview_freshness", "Data freshness",
                            table=text_or_blank(metrics.freshness(store, members)), source=SOURCE,
                            file_name="data_freshness.csv"))
    return sections
