"""Scorecard: a council's measures against England, its region, its statistical neighbours and the
Good+ councils (and any other group chosen), as councils' self-assessments lay them out; or every
member of the group side by side. The downloads (CSV, XLSX) are made from the same long card."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from regional import groups, scorecard
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, text_or_blank

PAGE = "pages/6_Scorecard.py"
ONE, GROUP = "One council", "Every member of the group"
SCOPES = (ONE, GROUP)
SOURCE = ("DfE, Children looked after in England including adoptions, and DfE LAIT; Ofsted, Local authority "
          "inspection outcomes (ILACS); councils' own returns (OGL v3.0 for the published data)")


@dataclass(frozen=True)
class Choices:
    scope: str = ONE
    council: str | None = None  # None: the selection's council of interest
    measures: tuple[str, ...] | None = None  # None: BCP's self-assessment set, as far as it is held
    statistic: str = "mean"
    good_plus_at: date | None = None
    extra_groups: tuple[str, ...] = ()


def measure_options(store: Store) -> dict[str, str]:
    """Every measure with a figure held, with its label."""
    held = set(store.observations["indicator_id"])
    return {i: label for i, label in zip(store.indicators["id"], store.indicators["label"]) if i in held}


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    councils = set(store.councils()["code"])
    council = choices.council if choices.council in councils else selection.council
    targets = [council] if choices.scope == ONE else [c for c in selection.members if c in councils]
    options = scorecard.Options(model=selection.model, statistic=choices.statistic,
                                good_plus_at=choices.good_plus_at, extra_groups=tuple(choices.extra_groups))
    measures = list(choices.measures) if choices.measures else scorecard.default_measures(store)
    card = scorecard.group_scorecard(store, targets, measures, options)
    good = groups.good_plus(store, choices.good_plus_at)
    stat = groups.STATISTIC_LABELS[choices.statistic]
    caption = (f"England and region: DfE's published figures (for counts, the {stat} over their councils). "
               f"Statistical neighbours: DfE's {selection.model} model. Neighbours, Good+ and other groups: the "
               f"{stat}{' where counts are held, otherwise the mean' if choices.statistic == 'pooled' else ''}, "
               f"over the councils with a figure in the council's latest DfE year. {good.note}. Quartile: among all "
               "councils in use today that year (Q1 the lowest quarter). 'not held': the platform holds no such "
               "figure.")
    name = store.name(council)
    downloads = {"csv": scorecard.to_csv(card), "xlsx": scorecard.to_xlsx(card, store, options) if targets else b"",
                 "stem": _stem(name if choices.scope == ONE else selection.group_label)}
    sections = [Section("scorecard_intro", markdown=(
        "A council's measures as its self-assessment lays them out: its latest DfE figure, its own latest return, "
        "**England**, its **region**, its **statistical neighbours** and the **Good+ councils** (Ofsted ILACS "
        "overall effectiveness Good or Outstanding). Each cell gives its period; arrows and words say whether the "
        "council is higher or lower, and better or worse where the measure has a direction in the catalogue."),
        extra={"downloads": downloads})]
    if not targets:
        sections.append(Section("scorecard_table", selection.group_label,
                                empty=f"{selection.group_label} has no council in use today to show."))
    elif choices.scope == ONE:
        sections.append(Section("scorecard_table", name, table=text_or_blank(scorecard.wide(card)), caption=caption,
                                source=SOURCE, file_name=f"{downloads['stem']}-table.csv"))
    else:
        sections.append(Section("scorecard_side", f"{selection.group_label}: every member side by side",
                                table=text_or_blank(scorecard.side_by_side(card)), source=SOURCE,
                                caption="Each council's latest DfE figure with its period and quartile among all "
                                        "councils (Q1 lowest), and England. Each council's full scorecard is below "
                                        "and in the XLSX (one sheet per council). " + caption))
        for code in targets:
            sections.append(Section(f"scorecard_member_{code}", store.name(code), level=3,
                                    table=text_or_blank(scorecard.wide(card[card["council_code"] == code]))))
    neighbours = groups.neighbours(store, council, selection.model)
    sections.append(Section("scorecard_neighbours", f"Statistical neighbours of {name} ({selection.model} model): "
                                                    f"{len(neighbours.members)} councils", level=3,
                            table=pd.DataFrame({"rank": range(1, len(neighbours.members) + 1),
                                                "council": [store.name(c) for c in neighbours.members]}),
                            caption=neighbours.note, source="DfE, children's services statistical neighbours"))
    judged = good.judgements.assign(council=good.judgements["area_code"].map(store.name))
    table = judged[["council", "overall_effectiveness", "inspection_date", "publication_date", "inspection_type",
                    "good_plus"]].sort_values("council").rename(columns={
                        "overall_effectiveness": "overall effectiveness", "inspection_date": "inspected",
                        "publication_date": "published", "inspection_type": "inspection", "good_plus": "Good+"})
    for column in ("inspected", "published"):
        table[column] = pd.to_datetime(table[column]).dt.strftime("%d %b %Y")
    sections.append(Section("scorecard_good_plus", f"Good+ councils at {good.as_at:%d %B %Y}: "
                                                   f"{len(good.members)} councils", level=3,
                            table=text_or_blank(table.reset_index(drop=True)),
                            source="Ofsted, Local authority inspection outcomes (ILACS) as at 31 March 2025, with "
                                   "the inspection history since 2018 (OGL v3.0)"))
    return sections


def _stem(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in f"scorecard-{text}")
    return "-".join(part for part in cleaned.split("-") if part)[:80]


__all__ = ["PAGE", "Choices", "prepare", "measure_options", "SCOPES", "ONE", "GROUP"]
