"""Fostering: households and places, utilisation, the recruitment pipeline, net change and a forecast
of households needed."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from regional import fostering
from regional import forecast as fc
from regional.authorities import ENGLAND_CODE
from regional.exports import signed
from regional.observations import PERIOD_NOT_STATED
from regional.selection import Selection
from regional.store import Store
from regional.views.base import Section, text_or_blank
from regional.views.council_local import council_figures_section

PAGE = "pages/2_Fostering.py"
KINDS = {"Mainstream": ["mainstream"], "Kinship / connected person": ["kinship"], "All types": None}
WINDOWS = ("Latest 12 months of each council's return", "Every period held")
UTILISATION_SOURCE = ("Ofsted fostering data via DfE LAIT (Number_Foster_Places(New), Number_Foster_Places_Filled(New)), "
                      "places rounded to the nearest 5 by the publisher; utilisation computed here as filled / approved")
SYNTHETIC_OR_RETURN = {True: "SYNTHETIC example", False: "council return"}


@dataclass(frozen=True)
class Choices:
    year: str | None = None  # a year label ("2025"); None: the latest with figures
    kind: str = "Mainstream"
    window: str = WINDOWS[0]
    forecast_council: str | None = None  # None: the council of interest
    rate_pct: float | None = None  # None: follow the trend of recent years
    inhouse_share_pct: float | None = None  # None: each assumption's default from the data
    children_per_household: float | None = None
    households_now: float | None = None
    net_change_per_year: float | None = None
    years: int = 3


def _members(selection: Selection) -> list[str]:
    return [c for c in selection.members if c != ENGLAND_CODE]


def resolved(store: Store, choices: Choices, sections: list[Section]) -> Choices:
    """The choices with what the page's controls will hold on the next run filled in (the year shown,
    the forecast's council and the assumptions it defaulted), so that run finds these sections instead
    of preparing the same page again: a first visit ran the whole page twice."""
    by_key = {s.key: s for s in sections}
    out = choices
    util = by_key.get("fostering_utilisation")
    if util is not None and util.extra.get("year") is not None:
        out = replace(out, year=util.extra["year"])
    forecast = by_key.get("fostering_forecast")
    if forecast is not None and forecast.extra.get("code") is not None:
        out = replace(out, forecast_council=forecast.extra["code"])
        defaults = forecast.extra.get("defaults", {})
        out = replace(out, **{k: v for k, v in defaults.items() if getattr(choices, k) is None})
    return out


def prepare(store: Store, selection: Selection, choices: Choices = Choices()) -> list[Section]:
    members = _members(selection)
    pipeline_all = store.memo(("fostering_pipeline",), lambda: fostering.pipeline_frame(store))
    pipeline = pipeline_all[pipeline_all["area_code"].isin(members)]
    util = store.memo(("fostering_utilisation",), lambda: fostering.utilisation(store))
    own = council_figures_section(store, members, key="fostering_council_figures", topics=["Fostering"],
                                  title="The councils' own fostering figures, beside DfE's")
    return [*_households(store, selection, members, pipeline), own, *_utilisation(selection, members, util, choices),
            *_pipeline(store, members, pipeline, choices), *_forecast(store, selection, members, util, pipeline_all,
                                                                      choices)]


def _households(store: Store, sel: Selection, members: list[str], pipeline: pd.DataFrame) -> list[Section]:
    # the group's households and their trajectory do not change with the council of interest: kept with the Store
    house = store.memo(("fostering_households", tuple(members)), lambda: fostering.households(store, members))
    trajectory = store.memo(("fostering_trajectory", tuple(members)),
                            lambda: fostering.household_trajectory(house, fostering.net_change(pipeline)))
    synthetic = bool(trajectory["synthetic"].any()) if len(trajectory) else False
    out = []
    if house.empty:
        out.append(Section("fostering_households", "1. Fostering households by council and type", level=1, empty=(
            "No member of this group has published fostering household counts. A council can add them in a "
            "council return (indicators fostering_households_mainstream, _kinship, _total) on the Data page.")))
    else:
        undated = house["period_label"] == PERIOD_NOT_STATED  # its date is only a sort key: never shown
        table = house.assign(figure=house["basis"],
                             period=house["period"].dt.strftime("%Y-%m-%d").where(~undated, ""))[
            ["area_name", "household_type", "period", "period_label", "value", "figure", "source_title", "section",
             "note"]]
        traj = trajectory.assign(figure=trajectory["synthetic"].map(
            {True: "SYNTHETIC estimate: published count +/- example pipeline net change",
             False: "estimate from pipeline return"}),
            period=trajectory["period"].dt.strftime("%Y-%m-%d"), value=trajectory["households"],
            source_title="pipeline net change anchored on " + trajectory["anchor_period"], section="", note="")
        shown = (table if traj.empty else pd.concat([table, traj[table.columns]], ignore_index=True)).rename(
            columns={"area_name": "council", "value": "households", "source_title": "source"})
        out.append(Section(
            "fostering_households", "1. Fostering households by council and type", level=1, table=text_or_blank(shown),
            frame=house, chart="charts.fostering.households_chart", chart_args={"trajectory": trajectory},
            file_name="fostering_households.csv", synthetic=synthetic,
            caption="Counts the councils publish (sufficiency strategies, self-assessments), each on the date it refers "
                    "to. Where a council gives all and kinship households only, mainstream is derived as the "
                    "difference. " + ("The dashed lines step back from the published count by the **synthetic** "
                                      "example pipeline's net change: an illustration of the method, not real history."
                                      if synthetic else "")))
    ifa = fostering.inhouse_vs_ifa(store, members)
    title = "In-house vs independent fostering agency (IFA) carers"
    if ifa.empty:
        out.append(Section("fostering_inhouse_ifa", title, empty="No member of this group has published how many of "
                           "its fostered children live with in-house or IFA carers."))
    else:
        table = ifa.assign(period=ifa["period"].dt.strftime("%Y-%m-%d"))[
            ["area_name", "measure", "unit", "period", "period_label", "value", "status", "source_title", "section",
             "note"]].rename(columns={"area_name": "council", "source_title": "source"})
        counts = ifa["indicator_id"].isin(["cic_in_inhouse_foster_count", "cic_in_ifa_foster_count"]).any()
        out.append(Section(
            "fostering_inhouse_ifa", title, table=text_or_blank(table), frame=ifa if counts else None,
            chart="charts.fostering.inhouse_ifa_chart" if counts else None, file_name="fostering_inhouse_ifa.csv",
            caption="As each council reports it; councils define these differently (some count kinship carers as "
                    "in-house), so the table keeps each figure's own wording. The councils' own utilisation measures "
                    "are listed here too: they are not the same measure as DfE's places filled / approved below."))
    return out


def _pct(value) -> str:
    return "not published" if value is None or pd.isna(value) else f"{value:.0f}%"


def _utilisation(sel: Selection, members: list[str], util: pd.DataFrame, choices: Choices) -> list[Section]:
    years = sorted(util.dropna(subset=["utilisation_pct"])["period_label"].unique())
    year = choices.year if choices.year in years else years[-1]
    latest = util[util["period_label"] == year].copy()
    latest["role"] = sel.roles(latest["area_code"])
    bench = latest.set_index("area_code")["utilisation_pct"]
    england, region = bench.get(ENGLAND_CODE), bench.get(sel.region_code) if sel.region_code else None
    mine = latest.loc[latest["area_code"] == sel.council, "utilisation_pct"]
    headline = Section(
        "fostering_utilisation", "2. LA foster places approved and filled: utilisation", level=1,
        markdown=f"**Utilisation: LA foster places filled as % of places approved, year ending 31 March {year}**",
        metrics=[{"label": sel.council_name, "value": _pct(mine.iloc[0] if len(mine) else None),
                  "help": "Ofsted fostering data via DfE LAIT: LA foster places filled as a % of places approved, "
                          "excluding family and friends carers."},
                 {"label": sel.region_name, "value": _pct(region)}, {"label": "England", "value": _pct(england)}],
        extra={"years": years, "year": year})
    not_shown = latest[(latest["level"] == "la") & latest["utilisation_pct"].isna()]
    every = latest[latest["level"].isin(["la", "region", "england"])].assign(
        utilisation_pct=lambda d: d["utilisation_pct"].round(1))[
        ["area_name", "role", "period_label", "approved", "filled", "utilisation_pct", "status", "source_id"]].rename(
        columns={"area_name": "area", "period_label": "year", "source_id": "source"}).sort_values(
        "utilisation_pct", ascending=False)
    strip = Section(
        "fostering_util_all", "Every council, group members marked", table=text_or_blank(every), frame=latest,
        chart="charts.fostering.utilisation_strip",
        chart_args={"members": members, "council": sel.council, "england": _float(england), "region": _float(region),
                    "region_name": sel.region_name},
        file_name=f"foster_utilisation_{year}.csv", source=UTILISATION_SOURCE,
        caption=(f"No figure ({len(not_shown)} councils): " + ", ".join(
            f"{n} ({s})" for n, s in zip(not_shown["area_name"], not_shown["status"]))) if len(not_shown) else "")
    members_latest = latest[latest["area_code"].isin(members)]
    member_table = members_latest[["area_name", "period_label", "approved", "filled", "utilisation_pct", "status",
                                   "source_id"]].assign(utilisation_pct=lambda d: d["utilisation_pct"].round(1)).rename(
        columns={"area_name": "council", "period_label": "year", "source_id": "source"})
    places = Section("fostering_places", "Group members: places approved and filled", table=text_or_blank(member_table),
                     frame=members_latest.dropna(subset=["approved"]), chart="charts.fostering.places_bars",
                     chart_args={"council": sel.council}, file_name=f"foster_places_{year}.csv",
                     source=UTILISATION_SOURCE)
    trend = util[util["area_code"].isin(members + sel.benchmark_codes)].copy()
    trend["role"] = sel.roles(trend["area_code"])
    trend_table = trend[["area_name", "role", "period_label", "approved", "filled", "utilisation_pct", "status",
                         "source_id"]].assign(utilisation_pct=lambda d: d["utilisation_pct"].round(1)).rename(
        columns={"area_name": "area", "period_label": "year", "source_id": "source"})
    over_time = Section("fostering_util_trend", "Utilisation over time", table=text_or_blank(trend_table), frame=trend,
                        chart="charts.fostering.utilisation_trend", file_name="foster_utilisation_trend.csv",
                        source=UTILISATION_SOURCE, extra={"change": text_or_blank(
                            fostering.utilisation_trend(trend).round(1).drop(columns="area_code"))})
    return [headline, strip, places, over_time]


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _pipeline(store: Store, members: list[str], pipeline: pd.DataFrame, choices: Choices) -> list[Section]:
    synthetic_councils = sorted(pipeline.loc[pipeline["synthetic"], "area_name"].unique())
    intro = Section("fostering_pipeline", "3. Recruitment pipeline: enquiry to approval", level=1,
                    synthetic=bool(synthetic_councils), markdown=(
                        "**SYNTHETIC EXAMPLE DATA.** The pipeline counts for " + ", ".join(synthetic_councils)
                        + " are invented to show how this section works. They match the councils' published household "
                          "totals but are not real figures. A council's own upload replaces its example."
                    ) if synthetic_councils else "",
                    empty="" if len(pipeline) else "No pipeline return is held for this group's councils. Upload one "
                                                   "above.")
    flows = fostering.returned_flows(store, members)
    returned = Section("fostering_returned_flows", "Approvals and de-registrations in the councils' indicator returns",
                       level=3, file_name="fostering_returned_flows.csv",
                       table=text_or_blank(flows.assign(period=flows["period"].dt.strftime("%Y-%m-%d")).rename(
                           columns={"area_name": "council", "source_title": "source"}).drop(columns="area_code"))
                       if len(flows) else None)
    out = [intro, returned]
    if pipeline.empty:
        return out
    wanted = KINDS.get(choices.kind)
    rows = pipeline if wanted is None else pipeline[pipeline["household_type"].isin(wanted)]
    if choices.window == WINDOWS[0]:
        rows = fostering.latest_twelve_months(rows)
    synthetic = bool(rows["synthetic"].any())
    if rows.empty:
        out.append(Section("fostering_funnel", "Funnel and conversion", empty=f"No {choices.kind.lower()} rows in the "
                                                                               "pipeline returns held."))
        return out
    fun = store.memo(("fostering_funnel", tuple(members), choices.kind, choices.window),
                     lambda: fostering.funnel(rows))
    conv = fostering.conversion(fun)
    fun_table = fun.assign(source=fun["synthetic"].map(SYNTHETIC_OR_RETURN))[
        ["area_name", "stage_label", "count", "periods_reported", "periods", "first_period", "last_period", "source"]
    ].rename(columns={"area_name": "council", "stage_label": "stage"})
    conv_table = conv.assign(conversion_pct=conv["conversion_pct"].round(1))[
        ["area_name", "step", "from_count", "to_count", "conversion_pct"]].rename(columns={"area_name": "council"})
    conv_wide = (conv_table.pivot(index="council", columns="step", values="conversion_pct")
                 .reindex(index=list(dict.fromkeys(conv_table["council"])), columns=list(dict.fromkeys(conv_table["step"])))
                 .reset_index())
    out.append(Section(
        "fostering_funnel", "Funnel and conversion", table=text_or_blank(fun_table), frame=fun,
        chart="charts.fostering.funnel_chart", chart_args={"synthetic": synthetic}, file_name="fostering_funnel.csv",
        caption="Each stage summed over the chosen periods; the percentage is of the stage before. A stage nobody "
                "reported is shown as 'not reported', not 0. The group panel adds each council's own periods, which "
                "may differ (see the table).",
        extra={"conversion_wide": text_or_blank(conv_wide),
               "conversion": conv_table.assign(source="SYNTHETIC example" if synthetic else "council return")}))
    flags = fostering.stage_flags(rows)
    out.append(Section("fostering_flags", table=text_or_blank(flags.drop(columns="area_code")) if len(flags) else None,
                       markdown=(f"{len(flags)} period(s) where a stage exceeds the stage before it. This is allowed, "
                                 "because people move between stages across periods, but worth checking with the "
                                 "council.") if len(flags) else ""))
    net = fostering.net_change(rows)
    if wanted is None:
        net = fostering.net_change_all_types(net)
    totals = net.groupby("area_name")["net_change"].sum(min_count=1)
    net_table = net.assign(period=net["period"].dt.strftime("%Y-%m-%d"), source=net["synthetic"].map(SYNTHETIC_OR_RETURN))[
        ["area_name", "household_type", "period_label", "period", "approvals", "deregistrations", "net_change",
         "transfers_in", "transfers_out", "net_change_incl_transfers", "source"]].rename(columns={"area_name": "council"})
    out.append(Section(
        "fostering_net", "Net household change: approvals minus de-registrations", table=text_or_blank(net_table),
        frame=net, chart="charts.fostering.net_change_chart", chart_args={"synthetic": synthetic},
        file_name="fostering_net_change.csv",
        caption="Per period, as each council reports it. Transfers between fostering services are left out here and "
                "added in the table's 'net_change_incl_transfers'. Totals over the periods shown: "
                + "; ".join(f"{c} {v:+.0f}" for c, v in totals.items() if pd.notna(v)) + "."))
    reasons = fostering.deregistration_reasons(rows)
    if not reasons.empty:
        reasons_table = reasons.assign(source=reasons["synthetic"].map(SYNTHETIC_OR_RETURN))[
            ["area_name", "household_type", "reason", "count", "first_period", "last_period", "source"]].rename(
            columns={"area_name": "council"})
        out.append(Section("fostering_reasons", "Why households left", table=text_or_blank(reasons_table),
                           frame=reasons, chart="charts.fostering.reasons_chart", chart_args={"synthetic": synthetic},
                           file_name="fostering_deregistration_reasons.csv"))
    return out


def _group_forecast(store: Store, members: list[str], pipeline_all: pd.DataFrame) -> pd.DataFrame:
    """Every member on its defaults: the same whatever the page's choices, so kept with the Store
    (it was half of the page's preparation on every change of a control)."""
    return store.memo(("fostering_group_forecast", tuple(members)), lambda: fostering.group_forecast(
        store, members, pipeline_all, fostering.households(store, members)))


def forecast_options(store: Store, selection: Selection) -> list[str]:
    """Councils the forecast can be made for: members with DfE fostering figures (else every member)."""
    members = _members(selection)
    held = set(store.memo(("fostering_utilisation",), lambda: fostering.utilisation(store))["area_code"])
    return [c for c in members if c in held] or members


def _bounds(low: float, high: float, value: float) -> tuple[float, float]:
    """Widget bounds from the data: wide enough for the value the data gives (a council with 6,000
    households must not break a slider whose usual top is 5,000)."""
    return min(low, value), max(high, value)


def _forecast(store: Store, sel: Selection, members: list[str], util: pd.DataFrame, pipeline_all: pd.DataFrame,
              choices: Choices) -> list[Section]:
    options = [c for c in members if c in set(util["area_code"])] or members
    code = choices.forecast_council if choices.forecast_council in options else (
        sel.council if sel.council in options else options[0])
    name = store.name(code)
    title = "4. Forecast: in-house households needed vs expected"
    intro = ("Households needed = children in foster care x the share placed with the council's own mainstream carers / "
             "children per household. Households expected = households now + the recent net change each year. Every "
             "assumption is below and can be changed; the defaults come from the figures named beside them.")
    made = fostering.forecast_inputs(store, code, pipeline_all, fostering.households(store, [code]))
    if made is None:
        return [Section("fostering_forecast", title, level=1, caption=intro, extra={"options": options, "code": code},
                        empty=f"DfE publishes no children-in-foster-care figures for {name}, so there is nothing to "
                              "project.")]
    base, basis = made
    defaults = {"inhouse_share_pct": round(base.inhouse_share * 100, 1),
                "children_per_household": float(round(base.children_per_household, 2)),
                "households_now": float(round(base.households_now, 1)),
                "net_change_per_year": float(round(base.net_change_per_year, 1))}
    bounds = {"inhouse_share_pct": (0.0, 100.0), "children_per_household": _bounds(0.5, 3.0, defaults["children_per_household"]),
              "households_now": _bounds(0.0, 5000.0, defaults["households_now"] * 2),
              "net_change_per_year": _bounds(-40.0, 40.0, defaults["net_change_per_year"])}
    chosen = {k: (getattr(choices, k) if getattr(choices, k) is not None else v) for k, v in defaults.items()}
    chosen = {k: min(max(v, bounds[k][0]), bounds[k][1]) for k, v in chosen.items()}
    a = base.with_changes(rate_pct=choices.rate_pct, inhouse_share=chosen["inhouse_share_pct"] / 100,
                          children_per_household=chosen["children_per_household"],
                          households_now=chosen["households_now"], net_change_per_year=chosen["net_change_per_year"],
                          years=choices.years)
    frame = fc.forecast(a)
    own = store.observations_for(["foster_carers_needed_per_year", "foster_carers_needed_per_year_uasc",
                                  "fostering_households_mainstream_net_change"], [code], source="council",
                                 breakdown=None)
    published = ("What the council itself has published: " + "; ".join(
        f"{store.indicator(r.indicator_id)['label']}: {signed(r.value)}" if r.indicator_id.endswith("net_change")
        else f"{store.indicator(r.indicator_id)['label']}: {r.value:.0f}"
        for r in own.itertuples()) + f" ({own['source_title'].iloc[0]}).") if len(own) else ""

    def changed(key: str) -> str:
        return "" if getattr(choices, key) is None or chosen[key] == defaults[key] else " (changed by user)"

    assumptions = pd.DataFrame([
        ("Children in foster care at the base year", f"{a.children_in_foster:,.0f}", basis["children_in_foster"]),
        ("Change in children in foster care", f"{signed(a.rate_pct, 1)}% a year (user set)" if a.rate_pct is not None
         else f"{signed(a.children_change_per_year, 1)} a year",
         "user set" if a.rate_pct is not None else basis["children_change_per_year"]),
        ("Share placed with own mainstream carers", f"{a.inhouse_share:.1%}", basis["inhouse_share"] + changed("inhouse_share_pct")),
        ("Children per household", f"{a.children_per_household:.2f}",
         basis["children_per_household"] + changed("children_per_household")),
        ("Mainstream households now", f"{a.households_now:,.0f}", basis["households_now"] + changed("households_now")),
        ("Net change in households a year", signed(a.net_change_per_year, 1),
         basis["net_change_per_year"] + changed("net_change_per_year")),
        ("Horizon", f"{a.years} years from 31 March {a.base_year}", "user set"),
    ], columns=["assumption", "value", "basis"])
    forecast_table = frame.assign(council=name).round(1)[
        ["council", "period_label", "kind", "children_in_foster", "inhouse_children", "households_needed",
         "households_expected", "gap"]].assign(
        source="DfE via LAIT (children, places filled); council returns (households); assumptions as listed")
    history = fostering.children_in_foster(store, [code])
    children_table = pd.concat([
        history.dropna(subset=["children_in_foster"]).assign(figure="DfE: children in care x % in foster care / 100",
                                                             source="dfe-cla-number-and-rate / dfe-lait")[
            ["year", "cic_count", "pct_foster_placements", "children_in_foster", "figure", "source"]],
        frame[frame["kind"] == "projection"].assign(figure="projection", source="this forecast")[
            ["year", "children_in_foster", "figure", "source"]]], ignore_index=True).round(1)
    return [
        Section("fostering_forecast", title, level=1, caption=intro, markdown=fc.gap_sentence(name, frame, a),
                table=forecast_table, frame=frame, chart="charts.fostering.forecast_chart",
                chart_args={"council": name}, file_name=f"fostering_forecast_{code}.csv",
                source="DfE via LAIT (children, places filled); council returns (households); assumptions as listed",
                extra={"published": published, "options": options, "code": code, "defaults": defaults, "bounds": bounds,
                       "trend_per_year": base.children_change_per_year, "assumptions": assumptions}),
        Section("fostering_children", "Children in foster care: DfE's years and the projection", level=3,
                table=text_or_blank(children_table), frame=history, chart="charts.fostering.children_chart",
                chart_args={"projection": frame}, file_name=f"children_in_foster_{code}.csv",
                caption="An estimate: DfE publishes the share in foster care as a whole percentage, so each year's count "
                        "is good to about half a percent of children in care."),
        Section("fostering_forecast_group", "Every member council on its default assumptions", level=3,
                table=text_or_blank(_group_forecast(store, members, pipeline_all).drop(columns="area_code")),
                file_name="fostering_forecast_group.csv"),
    ]
