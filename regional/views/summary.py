"""One sentence per chart for people who cannot see it (WCAG 1.1.1): what it shows, and the council
of interest's figure and position among the areas drawn. Worked out from the frame the chart
draws, so the sentence and the chart cannot disagree; a chart whose frame has no single figure per
area (a funnel of pipeline stages, a forecast) is described by its title and finding alone."""
from __future__ import annotations

import re

import pandas as pd

from regional.views.base import Section

#: The column that holds a chart's figure, in the order they are looked for.
VALUE_COLUMNS = ("value", "rate", "utilisation_pct", "places_per_10k", "pct", "children", "count")
CODE_COLUMNS = ("area_code", "code")
NAME_COLUMNS = ("area_name", "council", "area")


def _plain(text: str) -> str:
    """Markdown to plain words (bold markers and links gone)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()


def _first_sentence(text: str) -> str:
    plain = _plain(text)
    match = re.match(r"(.+?[.!?])(\s|$)", plain, flags=re.S)
    return (match.group(1) if match else plain).strip()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _position(frame: pd.DataFrame, council: str) -> str:
    """'75, the 3rd highest of 15 areas shown (31 March 2025)' for the council, or ''."""
    code = next((c for c in CODE_COLUMNS if c in frame), None)
    value = next((c for c in VALUE_COLUMNS if c in frame), None)
    if code is None or value is None:
        return ""
    data = frame.assign(_v=pd.to_numeric(frame[value], errors="coerce"))
    if "period" in data and data["period"].notna().any():
        mine = data[(data[code] == council) & data["_v"].notna()]
        if mine.empty:
            return ""
        latest = mine["period"].max()
        data = data[data["period"] == latest]
    per_area = data.dropna(subset=["_v"]).groupby(code)["_v"].sum() if data[code].duplicated().any() \
        else data.dropna(subset=["_v"]).set_index(code)["_v"]
    if council not in per_area.index or per_area.empty or data[code].duplicated().any():
        return ""
    figure = per_area[council]
    place = int((per_area > figure).sum()) + 1
    tied = int((per_area == figure).sum()) > 1
    period = ""
    if "period_label" in data:
        labels = data.loc[data[code] == council, "period_label"].dropna()
        period = f" ({labels.iloc[0]})" if len(labels) else ""
    shown = f"{figure:,.1f}".rstrip("0").rstrip(".")
    return (f"{shown}{period}, the {_ordinal(place)} highest of {len(per_area)} areas shown"
            + (" (tied)" if tied else ""))


def chart_summary(section: Section, council: str | None = None, council_name: str = "") -> str:
    """The chart in one or two sentences: its title, the finding in words, the council's figure."""
    parts = [f"Chart: {_plain(section.title) or section.key.replace('_', ' ')}."]
    if section.markdown:
        parts.append(_first_sentence(section.markdown))
    if council and section.frame is not None and not section.markdown:
        where = _position(section.frame, council)
        if where:
            parts.append(f"{council_name or council}: {where}.")
    if section.synthetic:
        parts.append("Synthetic example data.")
    return " ".join(parts)
