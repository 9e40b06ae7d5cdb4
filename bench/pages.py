"""Each page's data preparation: the ``regional`` calls a page makes between reading its widgets
and drawing, written out here from the page's source so they can be timed without Streamlit.
Chart builders (Altair/pydeck) are left out: they are drawing, not preparation.

Each function takes a ``memo`` dict that plays the part of the page's ``st.cache_data``:
the benchmark times it warm (memo kept between runs, as a user's second view) and cold
(memo emptied every run, as the first view after a load).

A page file with no entry in :data:`PREPARATION` is reported as "not measured", so a new page
shows up in the table until someone registers it here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from regional.store import Store

SOUTH_WEST_RCC = "rcc:south-west"
DEFAULT_COUNCIL = "E06000058"  # BCP, the sidebar's default


@dataclass(frozen=True)
class Scope:
    """What ``ui.sidebar`` hands a page: the members shown, the council of interest and its region."""
    label: str
    members: list[str]
    council: str
    region_code: str | None
    model: str = "2025"


def scopes(store: Store) -> list[Scope]:
    """The South West RCC (the default view) and every council in England at once (the largest view)."""
    region = store.region_of(DEFAULT_COUNCIL)
    return [
        Scope("South West RCC", store.group_members(SOUTH_WEST_RCC), DEFAULT_COUNCIL, region),
        Scope("all councils", store.councils()["code"].tolist(), DEFAULT_COUNCIL, region),
    ]


def cached(memo: dict, key: tuple, fn: Callable[[], Any]) -> Any:
    """What ``st.cache_data`` does for the page: compute once per key."""
    if key not in memo:
        memo[key] = fn()
    return memo[key]


def overview(store: Store, scope: Scope, memo: dict) -> None:
    """overview.py: headline table, the wide side-by-side table, returns per council, freshness."""
    from regional import metrics
    from regional.authorities import ENGLAND_CODE

    table = metrics.headline_table(store, scope.members, region_code=scope.region_code)
    metrics.headline_wide(table)
    one = table[table["indicator_id"] == metrics.HEADLINE_INDICATORS[0]]  # the measure picker's default
    one[one["area_code"].isin(scope.members) & (one["area_code"] != ENGLAND_CODE)]
    metrics.council_return_latest(store, scope.members)
    metrics.freshness(store, scope.members)


def children_in_care(store: Store, scope: Scope, memo: dict) -> None:
    """pages/1_Children_in_care.py on its defaults: all children, latest year, rate, one chart."""
    from regional import metrics
    from regional.authorities import ENGLAND_CODE

    measure = next(iter(metrics.CIC_MEASURES))
    figures = cached(memo, ("cic_figures", measure), lambda: metrics.cic_figures(store, None, measure))
    councils_today = store.councils()["code"].tolist()
    year = max(figures.loc[figures["status"] == "ok", "year"].unique().tolist())
    ranked = metrics.rank_councils(figures, councils_today, year)
    codes = list(dict.fromkeys(scope.members + [scope.council]))
    trend_codes = codes + [ENGLAND_CODE] + ([scope.region_code] if scope.region_code else [])
    figures[figures["area_code"].isin(trend_codes)]
    metrics.cic_council_points(store, codes, measure)
    ranked[ranked["area_code"].isin(codes)]
    metrics.funnel_data(figures, councils_today, year)
    for model in dict.fromkeys([scope.model, "2025", "2021"]):
        metrics.neighbour_comparison(store, scope.council, model, figures, year)
    flows = cached(memo, ("flow_figures", tuple(trend_codes)), lambda: metrics.flow_figures(store, trend_codes))
    flow = next(iter(metrics.FLOW_INDICATORS))
    flows[flows["flow"] == flow]
    metrics.flow_council_points(store, codes, flow)


def fostering_page(store: Store, scope: Scope, memo: dict) -> None:
    """pages/2_Fostering.py on its defaults: mainstream, latest 12 months, the council of interest's forecast."""
    from regional import forecast as fc
    from regional import fostering
    from regional.authorities import ENGLAND_CODE

    members = [c for c in scope.members if c != ENGLAND_CODE]
    house = fostering.households(store, members)
    pipeline_all = fostering.pipeline_frame(store)
    pipeline = pipeline_all[pipeline_all["area_code"].isin(members)]
    fostering.household_trajectory(house, fostering.net_change(pipeline))
    fostering.inhouse_vs_ifa(store, members)
    util = cached(memo, ("utilisation",), lambda: fostering.utilisation(store))
    year = sorted(util.dropna(subset=["utilisation_pct"])["period_label"].unique())[-1]
    latest = util[util["period_label"] == year].copy()
    latest["role"] = fostering.roles(latest["area_code"], members, scope.council, scope.region_code)
    trend = util[util["area_code"].isin(members + [ENGLAND_CODE] + ([scope.region_code] if scope.region_code else []))].copy()
    trend["role"] = fostering.roles(trend["area_code"], members, scope.council, scope.region_code)
    fostering.utilisation_trend(trend)
    if not pipeline.empty:
        rows = fostering.latest_twelve_months(pipeline[pipeline["household_type"].isin(["mainstream"])])
        if not rows.empty:
            fostering.conversion(fostering.funnel(rows))
            fostering.stage_flags(rows)
            fostering.net_change(rows)
            fostering.deregistration_reasons(rows)
    code = scope.council
    made = fostering.forecast_inputs(store, code, pipeline_all, fostering.households(store, [code]))
    if made is not None:
        base, _ = made
        fc.forecast(base)
        store.observations_for(["foster_carers_needed_per_year", "foster_carers_needed_per_year_uasc",
                                "fostering_households_mainstream_net_change"], [code], source="council", breakdown=None)
        fostering.children_in_foster(store, [code])
    cached(memo, ("group_forecast", tuple(members)), lambda: fostering.group_forecast(
        store, members, fostering.pipeline_frame(store), fostering.households(store, members)))


def placement_distance(store: Store, scope: Scope, memo: dict) -> None:
    """pages/4_Placement_distance.py on its defaults: every extract held for the group's councils (or all
    extracts when none is a member), each extract's own date, every category and band, all children."""
    import pandas as pd

    from regional import distance, maps, models
    from regional.geo import read_boundaries

    names = dict(zip(store.areas["code"], store.areas["name"]))
    episodes = pd.concat([store.table(models.PlacementEpisode), store.table(models.PlacementEpisodeUpload)],
                         ignore_index=True)
    episodes = distance.prefer_uploads(episodes)
    with_data = sorted(set(episodes["area_code"]), key=lambda c: names.get(c, c))
    chosen = [c for c in with_data if c in scope.members] or with_data
    now = distance.placements_at(episodes[episodes["area_code"].isin(chosen)], None)
    if len(now):
        now = now[now["placement_detail"].isin(distance.PLACEMENT_DETAILS) & now["distance_band"].isin(distance.BANDS)]
    cross = now["area_code"].nunique() > 1 if len(now) else False
    dfe = store.preferred("pct_placed_over_20_miles_outside_la")
    latest = dfe[dfe["area_code"].str.match(r"^E0[6-9]|^E10")].sort_values("period").groupby("area_code").tail(1)
    boundaries = cached(memo, ("boundaries",), read_boundaries)  # st.cache_resource on the page
    maps.view_for(boundaries, sorted(set(chosen) | {scope.council}))
    maps.legend_table(latest["value"], "%")
    if len(now):
        flows = distance.arc_flows(now, suppress=cross)
        if cross:
            distance.suppress_small(flows.drop(columns=["home_lat", "home_lon", "pl_lat", "pl_lon", "synthetic"],
                                               errors="ignore"), share=None)
        centres = distance.ring_centres(now, scope.council)
        for _, r in centres.iterrows():
            distance.ring(r.easting, r.northing)
        distance.band_summary(now, names, suppress=cross)
        distance.location_summary(now, names, scope.members, suppress=cross)
        distance.destination_summary(now, scope.members, suppress=cross)
        compare = distance.compare_with_published(now, names)
        store.observations_for(["pct_placed_over_20_miles", "pct_placed_outside_la"], list(compare["area_code"]),
                               source="council")
    distance.published_bands(store, scope.members)
    distance.new_placement_shares(store, scope.members, scope.region_code, names)


def residential_page(store: Store, scope: Scope, memo: dict) -> None:
    """pages/3_Residential.py on its defaults: children's homes and secure homes, group members, the group's map."""
    from regional import models, residential
    from regional.geo import read_boundaries

    names = dict(zip(store.areas["code"], store.areas["name"]))
    providers = store.table(models.OfstedProvider)
    changes = store.table(models.OfstedRegisterChange)
    lines = store.table(models.LocalProvision)
    settings = residential.DEFAULT_SETTINGS
    supply = residential.supply_by_council(store, providers, settings)
    residential.area_benchmarks(store, providers, settings, scope.region_code)
    market = residential.local_market(lines, names, store.sources)
    residential.supply_vs_demand(store, supply, scope.members, market)
    residential.supply_vs_demand(store, supply, [scope.council], market)
    supply[supply["area_code"].isin(scope.members)]
    boundaries = cached(memo, ("boundaries",), read_boundaries)  # st.cache_resource on the page
    residential.map_view(boundaries, scope.members)
    residential.by_category(providers, scope.members, names, "sector", settings)
    residential.by_category(providers, scope.members, names, "grade", settings)
    residential.register_changes(changes, [scope.council], settings)
    members_market = market[market["area_code"].isin(scope.members)]
    if not members_market.empty:
        residential.occupancy_segments(members_market)


#: page file (relative to the project) -> its data preparation.
PREPARATION: dict[str, Callable[[Store, Scope, dict], None]] = {
    "overview.py": overview,
    "pages/1_Children_in_care.py": children_in_care,
    "pages/2_Fostering.py": fostering_page,
    "pages/3_Residential.py": residential_page,
    "pages/4_Placement_distance.py": placement_distance,
}
#: Pages that prepare no data (text only): listed so they are not reported as unmeasured.
NO_DATA = {"pages/9_Accessibility.py"}
