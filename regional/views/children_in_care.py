"""Children in care: rates and counts over time, rank and quartile among all councils, a funnel plot
against England, statistical neighbours with the count gap, and flows in and out of care."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from regional import metrics
from regional.authorities import ENGLAND_CODE
from regional.charts.cic import short_name
from regional.errors import DataError
from regional.indicators import format_value
from regional.selection import REGION, Selection
from regional.store import Store
from regional.views.base import Section, text_or_blank
from regional.views.council_local import council_figures_section

PAGE = "pages/1_Children_in_care.py"
DFE_SOURCE = ("DfE, Children looked after in England including adoptions (rates as published, whole numbers); "
              "LAIT for 2016-2020.")
RATE, COUNT = "Rate per 10,000", "Number of children"

#: The catalogue topics whose council figures this page lists beside DfE's series.
COUNCIL_TOPICS = ["Children in care", "Placements", "Stability", "Care leavers", "Permanence"]


@dataclass(frozen=True)
class Choices:
    measure: str = next(iter(metrics.CIC_MEASURES))
    year: int | None = None  # None: the latest year with figures
    zero_based: bool = True
    trend_show: str = RATE
    panels: bool = False
    funnel_log: bool = False
    flow: str = next(iter(metrics.FLOW_INDICATORS))
    flow_show: str = RATE


def figures(store: Store, measure: str) -> pd.DataFrame:
    """Every area's figures for a measure (the expensive part; the page caches sections, bench times it)."""
    return store.memo(("cic_figures", measure), lambda: metrics.cic_figures(store, None, measure))


def years(store: Store, measure: str) -> list[int]:
    """Years with figures, newest first (the year picker's options)."""
    frame = figures(store, measure)
    return sorted(frame.loc[frame["status"] == "ok", "year"].unique().tolist(), reverse=True)


def resolved(store: Store, choices: Choices, sections: list[Section]) -> Choices:
    """The choices with the year the page drew filled in: what the year picker holds on the next run,
    which must find the same sections (a first visit ran the page twice, once with no year)."""
    available = years(store, choices.measure)
    return replace(choices, year=choices.year if choices.year in available or not available else available[0])


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    frame = figures(store, choices.measure)
    available = sorted(frame.loc[frame["status"] == "ok", "year"].unique().tolist(), reverse=True)
    year = choices.year if choices.year in available else available[0]
    derived = choices.measure == "excl_uasc"
    ctx = _Context(store, selection, choices, frame, year, derived)
    return [_intro(ctx), _headline(ctx), _trend(ctx), _rank(ctx), _funnel(ctx), *_neighbours(ctx), _flows(ctx),
            council_figures_section(store, [c for c in selection.members if c != ENGLAND_CODE],
                                    key="cic_ownfigures", topics=COUNCIL_TOPICS, level=1,
                                    title="The councils' own figures on children in care, beside DfE's")]


@dataclass
class _Context:
    store: Store
    sel: Selection
    choices: Choices
    figures: pd.DataFrame
    year: int
    derived: bool

    @property
    def value_format(self) -> str:
        return ",.1f" if self.derived else ",.0f"

    @property
    def rate_label(self) -> str:
        return "Children in care per 10,000 children aged 0-17" + (" (excluding UASC, derived)" if self.derived else "")

    @property
    def source(self) -> str:
        return metrics.EXCL_UASC_SOURCE if self.derived else DFE_SOURCE

    @property
    def councils_today(self) -> list[str]:
        return self.store.councils()["code"].tolist()

    def fmt(self, value, unit: str = "rate_per_10k") -> str:
        if value is None or pd.isna(value):
            return "no figure"
        return f"{value:{self.value_format}}" if unit == "rate_per_10k" else f"{value:,.0f}"

    def role_names(self, codes: pd.Series) -> list[str]:
        return [self.sel.region_name if r == REGION else r for r in self.sel.roles(codes)]


def _intro(ctx: _Context) -> Section:
    sel = ctx.sel
    text = (f"**{sel.group_label}**: {len(sel.members)} councils. Council of interest: **{sel.council_name}**. "
            "Figures are DfE's children looked after at 31 March (LAIT for the years before DfE's current file), "
            f"with {sel.region_name} and England for comparison.")
    note = ("Excluding UASC is **derived** here, not published by DfE: children in care at 31 March minus "
            "unaccompanied asylum-seeking children (LAIT), per 10,000 children aged 0-17. Councils and years where "
            "either count is suppressed or unpublished are shown as gaps.") if ctx.derived else ""
    return Section("cic_intro", markdown=text, extra={"derived_note": note, "year": ctx.year,
                                                      "years": sorted(ctx.figures.loc[ctx.figures["status"] == "ok", "year"]
                                                                      .unique().tolist(), reverse=True)})


def _ranked(ctx: _Context) -> pd.DataFrame:
    """Every council's rank: the same whichever council is chosen, so worked out once per Store."""
    return ctx.store.memo(("cic_ranked", ctx.choices.measure, ctx.year),
                          lambda: metrics.rank_councils(ctx.figures, ctx.councils_today, ctx.year))


def _headline(ctx: _Context) -> Section:
    sel, year = ctx.sel, ctx.year
    ranked = _ranked(ctx)
    mine = ranked[ranked["area_code"] == sel.council]
    mine = mine.iloc[0] if len(mine) else None
    bench = ctx.figures[ctx.figures["year"] == year].set_index("area_code")["rate"]
    england = bench.get(ENGLAND_CODE)
    region = bench.get(sel.region_code) if sel.region_code else None
    if mine is not None and pd.notna(mine["rate"]):
        tiles = [{"label": f"{sel.council_name}, 31 March {year}", "value": f"{ctx.fmt(mine['rate'])} per 10,000",
                  "help": f"{ctx.fmt(mine['count'], 'count')} children; {ctx.source}"},
                 {"label": "Children in care" + (" excluding UASC" if ctx.derived else ""),
                  "value": ctx.fmt(mine["count"], "count")},
                 {"label": "Rank (1st = highest rate)", "value": mine["rank_label"].replace(" highest", ""),
                  "help": f"{mine['rank_label']} councils with a figure; ties share a place and are marked 'tied'."},
                 {"label": "Quartile band", "value": mine["quartile_label"]}]
        empty = ""
    else:
        status = mine["status"] if mine is not None else "missing"
        tiles = [{"label": f"{sel.council_name}, 31 March {year}", "value": format_value(None, "rate_per_10k", status)}]
        empty = (f"{sel.council_name} has no {metrics.CIC_MEASURES[ctx.choices.measure].lower()} figure for 31 March "
                 f"{year} ({format_value(None, 'rate_per_10k', status)}), so it is not ranked.")
    return Section("cic_headline", metrics=tiles, empty=empty, source=ctx.source,
                   caption=f"England {ctx.fmt(england)}, {sel.region_name} {ctx.fmt(region)} per 10,000 at 31 March "
                           f"{year}.", extra={"england": england, "region": region})


def _trend(ctx: _Context) -> Section:
    sel, choices = ctx.sel, ctx.choices
    as_rate = choices.trend_show == RATE
    codes = sel.group_codes
    area_codes = codes + (sel.benchmark_codes if as_rate else [])
    trend = ctx.figures[ctx.figures["area_code"].isin(area_codes)].copy()
    trend["role"] = sel.roles(trend["area_code"])
    trend["value"] = trend["rate"] if as_rate else trend["count"]
    returns = ctx.store.memo(("cic_council_points", tuple(codes), choices.measure),
                             lambda: metrics.cic_council_points(ctx.store, codes, choices.measure))
    returns["value"] = returns["rate"] if as_rate else returns["count"]
    returns = returns.dropna(subset=["value"])
    fmt = ctx.value_format if as_rate else ",.0f"
    returns["label"] = [f"{short_name(n)} own {pd.Timestamp(p):%b %Y}: {v:{fmt}}" + (" (derived)" if d and as_rate else "")
                        for n, p, v, d in zip(returns["area_name"], returns["period"], returns["value"],
                                              returns["rate_derived"])]
    value_label = ctx.rate_label if as_rate else "Children in care at 31 March" + (" excluding UASC" if ctx.derived else "")
    table = pd.DataFrame({
        "area": trend["area_name"], "role": ctx.role_names(trend["area_code"]), "area_code": trend["area_code"],
        "period": trend["period_label"], "value": trend["value"].round(2), "measure": value_label,
        "status": trend["status"], "source": trend["source"], "note": trend["note"]})
    own_rows = pd.DataFrame({
        "area": returns["area_name"], "role": "Council's own return", "area_code": returns["area_code"],
        "period": returns["period_label"], "value": returns["value"].round(2), "measure": value_label,
        "status": ["derived from the council's count and DfE's 31 March " + str(y) + " child population" if d and as_rate
                   else "as reported" for d, y in zip(returns["rate_derived"], returns["population_year"])],
        "source": "Council return: " + returns["document"], "note": returns["note"]})
    shown = pd.concat([table.sort_values(["role", "area", "period"]), own_rows], ignore_index=True)
    gaps = trend[trend["value"].isna()]
    gap_text = ("Gaps (no figure, never drawn as zero): " + "; ".join(
        f"{name} {', '.join(f'{y} ({s})' for y, s in zip(part['year'], part['status']))}"
        for name, part in gaps.sort_values("year").groupby("area_name")) + ".") if len(gaps) else ""
    return Section(
        f"cic_trend_{choices.measure}_{'rate' if as_rate else 'count'}", "Trend", level=1,
        table=text_or_blank(shown.drop(columns="area_code")), frame=trend, chart="charts.cic.trend_chart",
        chart_args={"returns": returns, "value_label": value_label, "zero_based": choices.zero_based,
                    "region_name": sel.region_name, "value_format": fmt, "panels": choices.panels},
        file_name=f"children_in_care_trend_{choices.measure}.csv", source=ctx.source,
        caption=("Lines: DfE's figures at 31 March. Crosses: the councils' own figures for the same measure, "
                 "labelled with their own date (not validated by DfE; see the table for each document). A figure "
                 "whose document gives no period is not drawn: it is listed under the councils' own figures. "
                 + ("" if as_rate else "England and region are not drawn on the count view (their counts are on "
                                       "another scale). ") + gap_text))


def _rank(ctx: _Context) -> Section:
    sel, year = ctx.sel, ctx.year
    ranked = _ranked(ctx)
    thresholds = ranked.attrs["quartile_thresholds"]
    codes = sel.group_codes
    mine = ranked[ranked["area_code"] == sel.council]
    ranked_count = int(ranked["rate"].notna().sum())
    finding = ""
    if len(mine) and pd.notna(mine["rate"].iloc[0]):
        m = mine.iloc[0]
        finding = (f"**{sel.council_name}** has the **{m['rank_label']}** rate ({ctx.fmt(m['rate'])} per 10,000): "
                   f"**{m['quartile_label']}**.")
    caption = (
        f"Rank: 1st = highest rate, among the {ranked_count} councils in use today with a figure "
        f"({len(ctx.councils_today) - ranked_count} without: "
        + (", ".join(ranked.loc[ranked["rate"].isna(), "area_name"].fillna("")) or "none")
        + "). Councils with the same rate share a place, marked 'tied' ("
        + ("DfE publishes whole-number rates, so ties are common" if not ctx.derived else "derived rates are unrounded")
        + "). Quartile bands split all councils into four groups of equal size, worked out as DfE's Local Authority "
          "Interactive Tool does ([how](/Glossary#quartile)); a rate on a boundary belongs to the lower band. "
        + f"Boundaries: {', '.join(ctx.fmt(t) for t in thresholds)} (lowest rate, lower quartile, median, upper "
          "quartile, highest rate).")
    england = ctx.figures[(ctx.figures["year"] == year) & (ctx.figures["area_code"] == ENGLAND_CODE)]["rate"]
    table = pd.DataFrame({
        "rank": ranked["rank_label"], "council": ranked["area_name"], "in group": ranked["area_code"].isin(codes),
        "rate_per_10k": ranked["rate"].round(2), "children_in_care": ranked["count"],
        "quartile": ranked["quartile_label"], "period": f"31 March {year}", "status": ranked["status"],
        "source": ranked["source"].fillna(""), "note": ranked["note"].fillna("")})
    return Section(
        f"cic_rank_{ctx.choices.measure}_{year}", f"Rank and quartile among all councils, 31 March {year}", level=1,
        markdown=finding, caption=caption, table=table, frame=ranked, chart="charts.cic.rank_chart",
        chart_args={"thresholds": thresholds, "council": sel.council, "members": codes, "value_label": ctx.rate_label,
                    "england": float(england.iloc[0]) if len(england) and pd.notna(england.iloc[0]) else None,
                    "zero_based": ctx.choices.zero_based, "value_format": ctx.value_format},
        file_name=f"children_in_care_rank_{ctx.choices.measure}_{year}.csv", source=ctx.source)


def _funnel(ctx: _Context) -> Section:
    sel, year = ctx.sel, ctx.year
    key, title = f"cic_funnel_{ctx.choices.measure}_{year}", \
        f"Funnel plot: is the difference from England more than chance? 31 March {year}"
    try:
        points, limits, centre = ctx.store.memo(  # every council's point: the same whichever is chosen
            ("cic_funnel", ctx.choices.measure, year), lambda: metrics.funnel_data(ctx.figures, ctx.councils_today, year))
    except DataError as exc:
        return Section(key, title, level=1, empty=str(exc))
    codes = sel.group_codes
    me = points[points["area_code"] == sel.council]
    outside = points["funnel_position"].str.startswith(("above the 99.8", "below the 99.8")).sum()
    finding = ""
    if len(me):
        finding = (f"**{sel.council_name}**: {me['exact_rate'].iloc[0]:,.1f} per 10,000 "
                   f"({me['count'].iloc[0]:,.0f} of {me['population'].iloc[0]:,.0f} children), "
                   f"**{me['funnel_position'].iloc[0]}** around England's {centre:,.1f}.")
    table = pd.DataFrame({
        "council": points["area_name"], "in group": points["area_code"].isin(codes),
        "children_in_care": points["count"], "children_0_17": points["population"],
        "rate_per_10k": points["exact_rate"].round(2), "published_rate": points["rate"].round(2),
        "lower_99_8": points["lower_99_8"].round(2), "lower_95": points["lower_95"].round(2),
        "england_rate": points["england_rate"].round(2), "upper_95": points["upper_95"].round(2),
        "upper_99_8": points["upper_99_8"].round(2), "position": points["funnel_position"],
        "period": f"31 March {year}", "source": points["source"]}).sort_values("rate_per_10k", ascending=False)
    return Section(
        key, title, level=1, markdown=finding, table=table, frame=points, chart="charts.cic.funnel_chart",
        chart_args={"limits": limits, "council": sel.council, "members": codes, "value_label": ctx.rate_label,
                    "zero_based": ctx.choices.zero_based, "log_population": ctx.choices.funnel_log},
        file_name=f"children_in_care_funnel_{ctx.choices.measure}_{year}.csv", source=ctx.source,
        caption=("Each dot is a council: its rate (count / child population x 10,000, unrounded) against its child "
                 f"population. Centre line: England's rate ({centre:,.2f}). The curved lines show how far from England's rate a "
                 "council of each size could be by chance alone ([how they are worked out](/Glossary#funnel-limits)): "
                 "95% of councils would fall inside the inner lines and 99.8% inside the outer ones if every council's "
                 f"true rate were England's. {outside} of {len(points)} councils are outside the 99.8% limits: councils differ far "
                 "more than chance alone would make them, so a position outside the limits says 'a real difference', "
                 "not 'an error'."),
        extra={"limits": limits.round(3).assign(period=f"31 March {year}",
                                                 method="exact Poisson limits, Spiegelhalter (2005) interpolation")})


def _neighbours(ctx: _Context) -> list[Section]:
    sel, year, store = ctx.sel, ctx.year, ctx.store
    title = f"Statistical neighbours ({sel.model} model) and the count gap"
    intro = (f"DfE's children's services statistical neighbours, {sel.model} model: the 10 councils most like "
             f"{sel.council_name}. The two models choose quite different neighbours: change the model in the sidebar.")
    key = f"cic_sn_{ctx.choices.measure}_{year}_{sel.model}"
    table, summary = metrics.neighbour_comparison(store, sel.council, sel.model, ctx.figures, year)
    gaps = []
    for model in ("2025", "2021"):
        _, s = (table, summary) if model == sel.model else metrics.neighbour_comparison(
            store, sel.council, model, ctx.figures, year)
        gaps.append({"model": model, "neighbours with a figure": s["with_figure"],
                     "neighbours' mean rate": None if s["mean"] is None else round(s["mean"], 2),
                     f"{sel.council_name} rate": None if pd.isna(s["rate"]) else round(float(s["rate"]), 2),
                     "children at the neighbours' rate": s["expected_count"], "children now": s["count"],
                     "difference": s["gap"], "period": f"31 March {year}"})
    gap_section = Section(
        "cic_count_gap", "The count gap under both neighbour models", level=3,
        table=text_or_blank(pd.DataFrame(gaps)), file_name="children_in_care_count_gap.csv", source=ctx.source,
        caption="count gap = round(neighbours' mean rate x the council's children aged 0-17 / 10,000), against the "
                "children it cares for; difference = now - at the neighbours' rate.")
    if not summary["neighbours"]:
        return [Section(key, title, level=1, caption=intro, empty=(
            f"{sel.council_name} has no statistical neighbours in DfE's {sel.model} model (councils created after "
            "the model was built have none). Choose the other model in the sidebar.")), gap_section]
    finding = ""
    if summary["mean"] is not None:
        finding = (f"Neighbours' average: **{summary['mean']:,.1f}** per 10,000 "
                   f"(simple mean of the {summary['with_figure']} neighbours' rates at 31 March {year}; median "
                   f"{summary['median']:,.1f}).")
        if summary["expected_count"] is not None:
            more = summary["gap"]
            finding += (f" **At the neighbours' average rate, {sel.council_name} would care for "
                        f"{summary['expected_count']:,} children (now {summary['count']:,.0f})**: "
                        + (f"{abs(more):,} {'more' if more > 0 else 'fewer'} than at the neighbours' rate."
                           if more else "the same."))
        else:
            finding += f" {sel.council_name} has no figure for 31 March {year}, so there is no count gap."
    without = ("Neighbours without a figure for this year (left out of the average): "
               + ", ".join(summary["without_figure"]) + ".") if summary["without_figure"] else ""
    extra = pd.DataFrame([
        {"role": "Neighbours' mean (simple, unweighted)", "area_name": "", "rate": summary["mean"]},
        {"role": "Neighbours' median", "area_name": "", "rate": summary["median"]},
        {"role": "Region", "area_name": sel.region_name, "rate": summary["region"]},
        {"role": "England", "area_name": "England", "rate": summary["england"]}])
    both = pd.concat([table, extra], ignore_index=True)
    shown = pd.DataFrame({
        "role": both["role"], "neighbour_rank": both["neighbour_rank"],
        "area": both["area_name"], "rate_per_10k": pd.to_numeric(both["rate"]).round(2),
        "children_in_care": both["count"], "children_0_17": both["population"],
        "status": both["status"].fillna(""), "period": f"31 March {year}",
        "model": f"DfE statistical neighbours {sel.model}", "source": both["source"].fillna(ctx.source)})
    main = Section(
        key, title, level=1, markdown=intro + "\n\n" + finding, caption=without, table=text_or_blank(shown),
        frame=table, chart="charts.cic.neighbours_chart",
        chart_args={"summary": summary, "value_label": ctx.rate_label, "region_name": sel.region_name,
                    "zero_based": ctx.choices.zero_based, "value_format": ctx.value_format},
        file_name=f"children_in_care_neighbours_{sel.model}_{ctx.choices.measure}_{year}.csv", source=ctx.source)
    return [main, gap_section]


def _flows(ctx: _Context) -> Section:
    sel, choices, store = ctx.sel, ctx.choices, ctx.store
    flow, flow_rate = choices.flow, choices.flow_show == RATE
    codes = sel.group_codes
    flow_codes = codes + (sel.benchmark_codes if flow_rate else [])
    flows = store.memo(("flow_figures", tuple(flow_codes)), lambda: metrics.flow_figures(store, flow_codes))
    flows = flows[flows["flow"] == flow].copy()
    flows["year"] = flows["period"].dt.year
    flows["value"] = flows["rate"] if flow_rate else flows["count"]
    flows["role"] = sel.roles(flows["area_code"])
    flow_label = f"{flow} in the year" + (" per 10,000 children aged 0-17" if flow_rate else " (children)")
    points = metrics.flow_council_points(store, codes, flow)
    points["value"] = points["rate"] if flow_rate else points["count"]
    points = points.dropna(subset=["value"])
    points["label"] = [f"{short_name(n)} own {p}: {v:{',.1f' if flow_rate else ',.0f'}}"
                       for n, p, v in zip(points["area_name"], points["period_label"], points["value"])]
    table = pd.DataFrame({
        "area": flows["area_name"], "role": ctx.role_names(flows["area_code"]), "flow": flows["flow"],
        "period": "year ending 31 March " + flows["year"].astype(str) + " (" + flows["period_label"] + ")",
        "value": flows["value"], "measure": flow_label,
        "status": (flows["rate_status"] if flow_rate else flows["count_status"]).fillna("missing"),
        "source": flows["source"], "note": flows["note"]}).sort_values(["role", "area", "period"])
    table = pd.concat([table, pd.DataFrame({
        "area": points["area_name"], "role": "Council's own return", "flow": flow,
        "period": points["period_label"], "value": points["value"], "measure": flow_label, "status": "as reported",
        "source": "Council return: " + points["document"], "note": points["note"]})], ignore_index=True)
    return Section(
        f"cic_flows_{flow}_{flow_rate}", "Children starting and ceasing to be looked after", level=1,
        table=text_or_blank(table), frame=flows, chart="charts.cic.trend_chart",
        chart_args={"returns": points, "value_label": flow_label, "zero_based": choices.zero_based,
                    "region_name": sel.region_name, "x_title": "Year ending 31 March", "panels": choices.panels},
        file_name="children_in_care_flows.csv",
        caption="Years ending 31 March. DfE's figures (LAIT before 2021; LAIT publishes these rates from 2018). "
                + ("England and region are not drawn on the count view. " if not flow_rate else "")
                + "Unaccompanied children are included: DfE does not publish flows excluding them.",
        source="DfE, Children looked after in England including adoptions, and LAIT")
