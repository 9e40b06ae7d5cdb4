"""The self-assessment scorecard: a council's measures against England, its region, its
statistical neighbours and the Good+ councils, as councils' self-assessments lay them out.

Rows are measures; columns the council's latest DfE figure, its latest own return (with its
date), England, the region, statistical neighbours and Good+ councils. Every cell keeps its
period, the statistic it is (DfE's published figure, a mean, a median or a pooled rate, over
how many councils), and how the council compares (higher/lower, and better/worse where the
catalogue gives the measure a polarity). The council's own figure carries its quartile among
all councils in use today. One long frame feeds the page, the CSV, the XLSX and the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from regional import exports, groups
from regional.authorities import ENGLAND_CODE
from regional.errors import DataError
from regional.indicators import UNIT_LABELS, format_value
from regional.metrics import QUARTILE_LABELS, quartile_band, quartile_thresholds
from regional.store import Store

#: The measures of BCP's self-assessment tables (May 2026), in its order; those the catalogue
#: does not hold are left out (:func:`default_measures`). Where DfE's figure is not held (care
#: leavers in touch, some 17-18 measures) the council's own return still fills its column.
DEFAULT_MEASURES = [
    "cic_rate_per_10k",
    "pct_three_plus_placements",
    "pct_uasc",
    "pct_care_leavers_17_18_in_touch",
    "pct_care_leavers_in_touch",
    "pct_care_leavers_17_18_eet",
    "pct_care_leavers_eet",
    "pct_care_leavers_17_18_suitable_accommodation",
    "pct_care_leavers_suitable_accommodation",
    "pct_placed_over_20_miles_outside_la",
    "foster_places_filled",
]

COLUMNS = {
    "council": "Council latest (DfE)",
    "council_return": "Council's own latest return",
    "england": "England",
    "region": "Region",
    "neighbours": "Statistical neighbours",
    "good_plus": "Good+ councils",
}
COMPARATORS = ("england", "region", "neighbours", "good_plus")
LONG_COLUMNS = ["council_code", "council_name", "indicator_id", "measure", "unit", "polarity", "column",
                "column_label", "value", "display", "period", "period_label", "status", "statistic", "n",
                "members", "comparison", "quartile", "quartile_of", "source", "note"]

_POLARITY = {"high_good": "higher_better", "higher_better": "higher_better",
             "low_good": "lower_better", "lower_better": "lower_better",
             "neutral": "neither", "neither": "neither", "": "neither"}


def polarity(value: object) -> str:
    """The catalogue's polarity as ``higher_better``, ``lower_better`` or ``neither`` (both
    spellings the catalogue has used are read)."""
    key = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    if key not in _POLARITY:
        raise DataError(f"unknown polarity '{key}'", file="indicators.csv", column="polarity",
                        expected="higher_better, lower_better or neither")
    return _POLARITY[key]


def compare(value: float | None, benchmark: float | None, pol: str) -> str:
    """How the council's figure sits against a benchmark, in words and an arrow (never colour alone).

    '▲ higher, better' / '▼ lower, worse' where the measure has a polarity; '▲ higher' / '▼ lower'
    where it has none; '= same'; '' when either is missing.
    """
    if value is None or benchmark is None or pd.isna(value) or pd.isna(benchmark):
        return ""
    if round(float(value), 6) == round(float(benchmark), 6):
        return "= same"
    higher = float(value) > float(benchmark)
    text = "▲ higher" if higher else "▼ lower"
    if pol == "neither":
        return text
    better = higher == (pol == "higher_better")
    return f"{text}, {'better' if better else 'worse'}"


def default_measures(store: Store) -> list[str]:
    """BCP's self-assessment measures that the catalogue holds."""
    held = set(store.indicators["id"])
    return [m for m in DEFAULT_MEASURES if m in held]


@dataclass(frozen=True)
class Options:
    """What the scorecard compares with: the neighbour model, the group statistic, the Good+ date."""

    model: str = "2025"
    statistic: str = "mean"
    good_plus_at: date | None = None
    #: More comparator columns: any group's id (an RCC, a user-defined group, a region).
    extra_groups: tuple[str, ...] = ()


def _period_label(rows: pd.DataFrame, period: pd.Timestamp) -> str:
    match = rows.loc[rows["period"] == period, "period_label"]
    return str(match.iloc[0]) if len(match) else f"{period:%Y-%m-%d}"


def council_scorecard(store: Store, council: str, measures: list[str] | None = None,
                      options: Options = Options(), *, cache: dict | None = None) -> pd.DataFrame:
    """One council's scorecard as a long frame (one row per measure and column; LONG_COLUMNS).

    ``cache`` (a dict the caller keeps) holds what every council of a group shares: each
    measure's published figures and the Good+ group, read once.
    """
    cache = {} if cache is None else cache
    code = store.index.resolve(council, column="council")
    if code not in set(store.councils()["code"]):
        raise DataError(f"'{store.name(code)}' is not a council in use today", column="council",
                        expected="a council (not a region or England)")
    measures = list(measures or default_measures(store))
    for m in measures:
        if ("info", m) not in cache:
            cache[("info", m)] = store.indicator(m)
    if "good_plus" not in cache:
        cache["good_plus"] = groups.good_plus(store, options.good_plus_at)
        cache["active"] = store.councils()["code"].tolist()
        returns = store.council_observations
        returns = returns[(returns["breakdown"] == "") & (returns["status"] != "missing")]
        # each council's latest own figure per measure, found once for the whole group
        latest = returns.sort_values(["period", "source_id"]).groupby(["area_code", "indicator_id"]).tail(1)
        cache["returns"] = latest.set_index(["area_code", "indicator_id"])
    comps = {"england": groups.england(store), "region": groups.region(store, code),
             "neighbours": groups.neighbours(store, code, options.model), "good_plus": cache["good_plus"]}
    for gid in options.extra_groups:
        if ("extra", gid) not in cache:
            cache[("extra", gid)] = groups.named(store, gid)
        comps[f"group:{gid}"] = cache[("extra", gid)]
    rows: list[dict] = []
    for indicator_id in measures:
        if ("published", indicator_id) not in cache:
            published = store.preferred(indicator_id)
            cache[("published", indicator_id)] = published
            cache[("latest", indicator_id)] = published.sort_values("period").groupby("area_code").tail(1) \
                .set_index("area_code")
        rows.extend(_measure_rows(store, code, indicator_id, comps, cache["active"], options,
                                  cache[("published", indicator_id)], cache))
    out = pd.DataFrame(rows, columns=LONG_COLUMNS)
    for column in ("n", "members", "quartile_of"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    out["period"] = pd.to_datetime(out["period"])
    return out


def _measure_rows(store: Store, code: str, indicator_id: str, comps: dict, active: list[str],
                  options: Options, published: pd.DataFrame, cache: dict) -> list[dict]:
    info = cache[("info", indicator_id)]
    unit, pol = str(info["unit"]), polarity(info["polarity"])
    base = {"council_code": code, "council_name": store.name(code), "indicator_id": indicator_id,
            "measure": str(info["label"]), "unit": unit, "polarity": pol}
    latest = cache[("latest", indicator_id)]
    rows = []
    # -- the council's latest DfE figure and its quartile among all councils that year
    if code in latest.index:
        last = latest.loc[code]
        period = last["period"]
        value = None if pd.isna(last["value"]) else float(last["value"])
        key_q = ("quartiles", indicator_id, period)
        if key_q not in cache:
            that_year = published[(published["period"] == period) & published["area_code"].isin(active)]
            cache[key_q] = (quartile_thresholds(that_year["value"]), int(that_year["value"].notna().sum()))
        thresholds, counted = cache[key_q]
        band = quartile_band(value, thresholds) if value is not None else None
        rows.append({**base, "column": "council", "value": value, "period": period,
                     "period_label": str(last["period_label"]), "status": str(last["status"]),
                     "statistic": "published", "n": 1, "members": 1,
                     "quartile": QUARTILE_LABELS.get(band, "") if band else "",
                     "quartile_of": counted, "source": str(last["source_title"]),
                     "note": "quartile 1 = the lowest quarter of councils' figures, 4 = the highest"})
    else:
        value = None
        england_rows = published[published["area_code"] == ENGLAND_CODE].sort_values("period")
        period = england_rows["period"].iloc[-1] if len(england_rows) else (
            published["period"].max() if len(published) else None)
        rows.append({**base, "column": "council", "value": None, "period": None, "period_label": "",
                     "status": "not held", "statistic": "published", "n": 0, "members": 1, "quartile": "",
                     "quartile_of": 0, "source": "",
                     "note": "DfE publishes no figure for this measure that the platform holds"})
    # -- the council's own latest return (council-local figures of the same measure)
    if (code, indicator_id) in cache["returns"].index:
        last = cache["returns"].loc[(code, indicator_id)]
        own_value = None if pd.isna(last["value"]) else float(last["value"])
        rows.append({**base, "column": "council_return", "value": own_value, "period": last["period"],
                     "period_label": str(last["period_label"]), "status": str(last["status"]),
                     "statistic": "council's return", "n": 1, "members": 1,
                     "comparison": _against_dfe(own_value, last["period"], value, period, pol),
                     "source": str(last["source_title"]), "note": str(last.get("note", "") or "")})
    else:
        rows.append({**base, "column": "council_return", "value": None, "period": None, "period_label": "",
                     "status": "not held", "statistic": "council's return", "n": 0, "members": 1,
                     "source": "", "note": "no return from the council holds this measure"})
    # -- comparators, in the period of the council's DfE figure
    at = None
    if period is not None:
        key_at = ("at", indicator_id, period)
        if key_at not in cache:
            rows_at = published[published["period"] == period].drop_duplicates("area_code").set_index("area_code")
            cache[key_at] = (rows_at[["value", "status", "source_title", "period_label"]].to_dict("index"),
                             rows_at["value"].astype(float).to_dict(),
                             groups.pooling_parts(store, indicator_id, period)
                             if options.statistic == "pooled" else None)
        at = cache[key_at]
    for key in [*COMPARATORS, *(k for k in comps if k.startswith("group:"))]:
        rows.append({**base, **_comparator_cell(store, comps.get(key), key, indicator_id, unit, pol, period,
                                                value, at, options)})
    for row in rows:
        row["column_label"] = COLUMNS.get(row["column"]) or comps[row["column"]].label
        row["display"] = _display(row)
        row.setdefault("comparison", "")
        row.setdefault("quartile", "")
        row.setdefault("quartile_of", None)
    return rows


def _against_dfe(own: float | None, own_period, dfe: float | None, dfe_period, pol: str) -> str:
    """A council's own figure against DfE's latest: only a later return is compared (an older one
    says so, rather than passing for progress)."""
    if own is None or dfe is None or own_period is None or dfe_period is None:
        return ""
    if pd.Timestamp(own_period) <= pd.Timestamp(dfe_period):
        return "older than DfE's latest"
    return f"vs DfE's latest: {compare(own, dfe, pol)}"


def _comparator_cell(store: Store, group: groups.ComparatorGroup | None, key: str, indicator_id: str, unit: str,
                     pol: str, period: pd.Timestamp | None, council_value: float | None, at: tuple | None,
                     options: Options) -> dict:
    if group is None or period is None or at is None:
        return {"column": key, "value": None, "period": period, "period_label": "", "status": "not held",
                "statistic": "", "n": 0, "members": 0, "source": "",
                "note": "no such group for this council" if group is None else "no figure held for this measure"}
    rows_at, values, parts = at
    period_label = str(next(iter(rows_at.values()))["period_label"]) if rows_at else f"{period:%Y-%m-%d}"
    label = group.label
    # DfE's own figure for England / the region, unless the measure is a count (a total is no comparator)
    if group.published_area and unit != "count" and group.published_area in rows_at:
        area = rows_at[group.published_area]
        value = None if pd.isna(area["value"]) else float(area["value"])
        return {"column": key, "value": value, "period": period, "period_label": period_label,
                "status": str(area["status"]), "statistic": "published", "n": len(group.members),
                "members": len(group.members), "comparison": compare(council_value, value, pol),
                "source": str(area["source_title"]), "note": f"{label}: {group.note}"}
    members = list(group.members)
    figure = groups.group_figure(store, members, indicator_id, period, options.statistic, values=values,
                                 parts=parts)
    if not members or figure["n"] == 0:
        return {"column": key, "value": None, "period": period, "period_label": period_label, "status": "missing",
                "statistic": figure["statistic"], "n": 0, "members": len(members), "source": "",
                "note": f"{label}: {group.note}; no member has a figure for {period_label}"}
    note = f"{label}: {group.note}; {groups.STATISTIC_LABELS[figure['statistic']]} of {figure['n']} of " \
           f"{len(members)} councils with a figure"
    if figure["fallback"]:
        note += " (no counts and populations held for a pooled rate, so the mean is shown)"
    if unit == "count" and group.published_area:
        note += "; a count, so the group's figure per council rather than its total"
    sources = [rows_at[c]["source_title"] for c in members if c in rows_at]
    return {"column": key, "value": figure["value"], "period": period, "period_label": period_label,
            "status": "ok", "statistic": figure["statistic"], "n": figure["n"], "members": len(members),
            "comparison": compare(council_value, figure["value"], pol),
            "source": "; ".join(sorted(set(sources))), "note": note}


def _display(row: dict) -> str:
    if row["status"] == "not held":
        return "not held"
    value = row["value"]
    if value is not None and not pd.isna(value) and row["statistic"] not in ("published", "council's return"):
        value = round(float(value), 1)
    text = format_value(value, row["unit"], row["status"])
    when = row["period_label"] or ""
    if row["column"] == "council_return" and row["period"] is not None:
        when = f"{pd.Timestamp(row['period']):%d %b %Y}"
    return f"{text} ({when})" if when else text


def group_scorecard(store: Store, councils: list[str], measures: list[str] | None = None,
                    options: Options = Options()) -> pd.DataFrame:
    """The scorecard of every council given, one after the other (the same long columns)."""
    cache: dict = {}
    frames = [council_scorecard(store, c, measures, options, cache=cache) for c in councils]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LONG_COLUMNS)


def wide(card: pd.DataFrame) -> pd.DataFrame:
    """One council's scorecard as its report table: a row per measure, a column per source/comparator.

    Cells read '86 (2025)'; comparator cells add how the council compares ('▲ higher, worse').
    """
    if card.empty:
        return pd.DataFrame(columns=["Measure", *COLUMNS.values(), "Quartile among councils"])
    text = card["display"] + card["comparison"].map(lambda c: f"  {c}" if c else "")
    table = card.assign(text=text).pivot_table(index=["indicator_id", "measure"], columns="column", values="text",
                                               aggfunc="first", sort=False)
    extra = [c for c in dict.fromkeys(card["column"]) if c not in COLUMNS]
    labels = {**COLUMNS, **dict(zip(card["column"], card["column_label"]))}
    table = table.reindex(columns=[*COLUMNS, *extra]).rename(columns=labels)
    quart = card[card["column"] == "council"].set_index(["indicator_id", "measure"])
    quart_text = quart.apply(lambda r: f"{r['quartile']} of {int(r['quartile_of'])} councils"
                             if r["quartile"] else "", axis=1)
    table["Quartile among councils"] = quart_text.reindex(table.index)
    order = list(dict.fromkeys(card["indicator_id"]))
    table = table.reset_index().set_index("indicator_id").loc[order].reset_index(drop=True)
    return table.rename(columns={"measure": "Measure"}).rename_axis(columns=None).fillna("")


def side_by_side(card: pd.DataFrame) -> pd.DataFrame:
    """Every council of a group side by side: a row per measure, a column per council (its latest
    DfE figure, period and quartile), then England."""
    if card.empty:
        return pd.DataFrame(columns=["Measure"])
    own = card[card["column"] == "council"]
    text = own["display"] + own["quartile"].map(lambda q: f"  {q.split(' ')[0]}" if q else "")
    table = own.assign(text=text).pivot_table(index=["indicator_id", "measure"], columns="council_name",
                                              values="text", aggfunc="first", sort=False)
    table = table.reindex(columns=list(dict.fromkeys(own["council_name"])))
    eng = card[card["column"] == "england"].drop_duplicates("indicator_id").set_index(["indicator_id", "measure"])
    table["England"] = eng["display"].reindex(table.index)
    order = list(dict.fromkeys(card["indicator_id"]))
    table = table.reset_index().set_index("indicator_id").loc[order].reset_index(drop=True)
    return table.rename(columns={"measure": "Measure"}).rename_axis(columns=None).fillna("")


# --- downloads -------------------------------------------------------------------------------
def to_csv(card: pd.DataFrame) -> bytes:
    """The long scorecard as CSV (through :mod:`regional.exports`, so no cell can start a formula):
    every cell's value, period, statistic, comparison and source."""
    out = card.copy()
    out["period"] = pd.to_datetime(out["period"]).dt.strftime("%Y-%m-%d")
    return exports.csv_bytes(out[LONG_COLUMNS])


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\'")[:31].strip() or "Council"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


XLSX_HEADER = ["Measure", "Unit", "Council latest (DfE)", "Period", "Quartile among councils",
               "Own latest return", "Return date", "England", "Period", "vs England",
               "Region", "Period", "vs region", "Statistical neighbours", "Period", "vs neighbours",
               "Good+ councils", "Period", "vs Good+"]
_NUMBER_FORMATS = {"percent": '0.0"%"', "rate_per_10k": "0.0", "count": "#,##0.0", "ratio": "0.00",
                   "currency_gbp": '"£"#,##0'}


def to_xlsx(card: pd.DataFrame, store: Store, options: Options = Options()) -> bytes:
    """A formatted workbook: one sheet per council (numbers as numbers, each with its period and
    comparison), and a Notes sheet with the sources, the definitions and how each group is made.
    Written by :class:`regional.exports.Book`, so no cell can start a formula."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = exports.Book()
    used: set[str] = set()
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for code, rows in card.groupby("council_code", sort=False):
        name = str(rows["council_name"].iloc[0])
        sheet = book.sheet(_sheet_name(name, used))
        ws = sheet.ws
        sheet.append([f"{name}: scorecard"])
        ws["A1"].font = Font(bold=True, size=14)
        sheet.append([f"Statistical neighbours: DfE {options.model} model. Group figures: "
                      f"{groups.STATISTIC_LABELS[options.statistic]} unless stated in Notes. "
                      f"England and region: DfE's published figures. Good+ as at "
                      f"{(options.good_plus_at or groups.ofsted_ilacs.AS_AT):%d %B %Y}."])
        extra = [c for c in dict.fromkeys(rows["column"]) if c not in COLUMNS]
        extra_labels = dict(zip(rows["column"], rows["column_label"]))
        sheet.append(XLSX_HEADER + [h for c in extra for h in (extra_labels[c], "Period", f"vs {extra_labels[c]}")])
        for cell in ws[3]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for indicator_id, measure_rows in rows.groupby("indicator_id", sort=False):
            cells = measure_rows.set_index("column")
            unit = str(measure_rows["unit"].iloc[0])

            def val(col: str):
                v = cells.loc[col, "value"] if col in cells.index else None
                return None if v is None or pd.isna(v) else float(v)

            def per(col: str) -> str:
                if col not in cells.index:
                    return ""
                if col == "council_return" and cells.loc[col, "period"] is not None and not pd.isna(cells.loc[col, "period"]):
                    return f"{pd.Timestamp(cells.loc[col, 'period']):%d %b %Y}"
                status = cells.loc[col, "status"]
                return str(cells.loc[col, "period_label"] or "") if status in ("ok", "provisional") else str(status)

            def cmp(col: str) -> str:
                return str(cells.loc[col, "comparison"] or "") if col in cells.index else ""

            quart = cells.loc["council", "quartile"] if "council" in cells.index else ""
            sheet.append([str(measure_rows["measure"].iloc[0]), UNIT_LABELS.get(unit, unit),
                          val("council"), per("council"), quart or "",
                          val("council_return"), per("council_return"),
                          val("england"), per("england"), cmp("england"),
                          val("region"), per("region"), cmp("region"),
                          val("neighbours"), per("neighbours"), cmp("neighbours"),
                          val("good_plus"), per("good_plus"), cmp("good_plus"),
                          *(x for c in extra for x in (val(c), per(c), cmp(c)))])
            row_cells = ws[ws.max_row]
            for idx in (2, 5, 7, 10, 13, 16, *(19 + 3 * i for i in range(len(extra)))):  # 0-based value columns
                row_cells[idx].number_format = _NUMBER_FORMATS.get(unit, "0.0")
        widths = [46, 18, 12, 10, 20, 12, 13, 10, 9, 18, 10, 9, 18, 12, 9, 18, 10, 9, 18] + [12, 9, 18] * len(extra)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "B4"
    _notes_sheet(book.sheet("Notes"), card, store, options)
    return book.to_bytes()


def _notes_sheet(sheet: exports.Sheet, card: pd.DataFrame, store: Store, options: Options) -> None:
    from openpyxl.styles import Font

    ws = sheet.ws

    def heading(text: str) -> None:
        sheet.append([])
        sheet.append([text])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)

    sheet.append(["Notes: sources, definitions and comparator groups"])
    ws["A1"].font = Font(bold=True, size=14)
    heading("Definitions")
    sheet.append(["Measure id", "Measure", "Unit", "Polarity", "Definition"])
    for indicator_id in dict.fromkeys(card["indicator_id"]):
        info = store.indicator(indicator_id)
        sheet.append([indicator_id, str(info["label"]), UNIT_LABELS.get(info["unit"], info["unit"]),
                      polarity(info["polarity"]).replace("_", " "), str(info["description"])])
    heading("How each column is made")
    for key, label in COLUMNS.items():
        sheet.append([label, _column_definition(key, options)])
    for gid in options.extra_groups:
        group = groups.named(store, gid)
        sheet.append([group.label,
                      f"The {groups.STATISTIC_LABELS[options.statistic]} over the group's {len(group.members)} "
                      "councils with a figure in the council's DfE period: "
                      + ", ".join(store.name(c) for c in group.members)])
    heading("Comparator groups")
    sheet.append(["Group", "Councils"])
    for code in dict.fromkeys(card["council_code"]):
        group = groups.neighbours(store, code, options.model)
        sheet.append([f"{store.name(code)}: {group.label}",
                      ", ".join(store.name(c) for c in group.members) or group.note])
    good = groups.good_plus(store, options.good_plus_at)
    sheet.append([f"{good.label} at {good.as_at:%d %B %Y}", good.note])
    sheet.append(["Council", "Ofsted ILACS overall effectiveness", "Inspection date", "Published", "Good+"])
    for r in good.judgements.assign(name=good.judgements["area_code"].map(store.name)).sort_values("name").itertuples():
        sheet.append([r.name, r.overall_effectiveness, _date_text(r.inspection_date),
                      _date_text(r.publication_date), "yes" if r.good_plus else "no"])
    heading("Cells, by council and measure")
    sheet.append(["Council", "Measure", "Column", "Statistic", "Councils with a figure", "Group size", "Source", "Note"])
    for r in card.itertuples(index=False):
        sheet.append([r.council_name, r.measure, r.column_label, r.statistic,
                      None if pd.isna(r.n) else int(r.n), None if pd.isna(r.members) else int(r.members),
                      r.source, r.note])
    heading("Sources")
    sheet.append(["Source", "Publisher", "Edition", "URL", "Licence"])
    titles = set("; ".join(card["source"].fillna("")).split("; "))
    used = store.sources[store.sources["title"].isin(titles)]
    for s in used.itertuples(index=False):
        sheet.append([str(s.title), str(s.publisher), str(s.edition), str(s.url), str(s.licence)])
    sheet.append(["Ofsted, Local authority inspection outcomes (ILACS)", "Ofsted",
                  "judgements as at 31 March 2025 with in-year inspections and history", "", "Open Government Licence v3.0"])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["H"].width = 80


def _date_text(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def _column_definition(key: str, options: Options) -> str:
    stat = groups.STATISTIC_LABELS[options.statistic]
    gp_date = options.good_plus_at or groups.ofsted_ilacs.AS_AT
    return {
        "council": "The council's latest figure in DfE's published statistics (DfE's file first, LAIT for the "
                   "years it lacks), with its quartile among all councils in use today that year.",
        "council_return": "The latest figure for the same measure in the council's own return, with its date; "
                          "compared with DfE's latest figure.",
        "england": "DfE's published England figure in the same period as the council's DfE figure "
                   f"(for counts: the {stat} over every council).",
        "region": "DfE's published figure for the council's region in the same period "
                  f"(for counts: the {stat} over the region's councils).",
        "neighbours": f"The {stat} over the council's 10 DfE statistical neighbours ({options.model} model) "
                      "with a figure in that period.",
        "good_plus": f"The {stat} over councils whose latest Ofsted ILACS overall effectiveness at "
                     f"{gp_date:%d %B %Y} was Good or Outstanding.",
    }[key]


def write(card: pd.DataFrame, store: Store, path: Path, options: Options = Options()) -> Path:
    """CSV or XLSX by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_bytes(to_csv(card))
    elif suffix == ".xlsx":
        path.write_bytes(to_xlsx(card, store, options))
    else:
        raise DataError(f"cannot write '{path.name}'", column="--out", expected="a file ending .csv or .xlsx")
    return path


__all__ = ["DEFAULT_MEASURES", "default_measures", "COLUMNS", "Options", "council_scorecard", "group_scorecard", "wide", "side_by_side",
           "to_csv", "to_xlsx", "write", "polarity", "compare"]
