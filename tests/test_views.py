"""The views every page, the benchmarks and the meeting pack share: each returns sections whose charts
build, bench times every one of them, and a stale selection falls back to the defaults."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from regional.selection import (COUNCIL_OF_INTEREST, DEFAULT_COUNCIL, GROUP_MEMBER, NEIGHBOURS_CHOICE, Selection,
                                default_selection)
from regional.views import NO_DATA, VIEWS

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_every_page_has_a_view_or_is_a_text_page() -> None:
    pages = ["overview.py", *(f"pages/{p.name}" for p in sorted((PROJECT_DIR / "pages").glob("*.py"))
                              if not p.name.startswith("_"))]
    missing = [p for p in pages if p not in VIEWS and p not in NO_DATA]
    assert not missing, f"pages with no view in regional/views/__init__.py: {missing}"


@pytest.mark.parametrize("page", sorted(VIEWS))
def test_bench_times_every_section_the_view_returns(page, store) -> None:
    from bench.pages import selections, time_page

    returned = {s.key for s in VIEWS[page].prepare(store, selections(store)[0][1], VIEWS[page].Choices())}
    timings = time_page(page, lambda: store, runs=1)
    assert {t.scope for t in timings} == {"South West RCC", "all councils"}
    timed = {s["key"] for s in timings[0].sections}
    assert returned == timed, f"sections not timed by bench: {returned - timed}"
    assert all(s["chart_ms"] is not None for s in timings[0].sections if s["chart"] and s["key"] in returned
               and not next(x for x in VIEWS[page].prepare(store, selections(store)[0][1]) if x.key == s["key"]).empty)


@pytest.mark.parametrize("page", sorted(VIEWS))
def test_every_section_is_plain_data_with_a_table_or_a_reason(page, store) -> None:
    import pickle

    sections = VIEWS[page].prepare(store, default_selection(store))
    assert len({s.key for s in sections}) == len(sections), "section keys must be unique"
    pickle.dumps(sections)  # st.cache_data pickles them
    for section in sections:
        if section.chart and not section.empty:
            assert section.table is not None, section.key  # every chart has its table
            assert section.build_chart() is not None
        if section.table is not None:
            shown = section.table.astype(str)
            assert not shown.isin(["None"]).any().any(), f"{section.key} shows 'None' in a cell"


def test_selection_from_plain_values_and_stale_values_fall_back(store) -> None:
    sel = Selection.from_dict(store, {"group": "region:E12000001", "council": "E06000047", "model": "2021"})
    assert sel.grouping_id == "region:E12000001" and sel.council == "E06000047" and sel.model == "2021"
    assert sel.region_code == "E12000001" and sel.fell_back == ()
    stale = Selection.from_dict(store, {"group": "rcc:renamed-since", "council": "E99999999", "model": "2030"})
    assert stale.key == default_selection(store).key == ("rcc:south-west", DEFAULT_COUNCIL, "2025")
    assert set(stale.fell_back) == {"group", "council", "model"}
    # a council outside the chosen group falls back to the group's first member, not an error
    outside = Selection.from_dict(store, {"group": "region:E12000001", "council": DEFAULT_COUNCIL})
    assert outside.council in outside.members and outside.fell_back == ("council",)
    neighbours = Selection.from_dict(store, {"group": NEIGHBOURS_CHOICE, "council": "E06000059"})
    assert neighbours.members[0] == "E06000059" and len(neighbours.members) == 11
    assert neighbours.role("E06000059") == COUNCIL_OF_INTEREST and neighbours.role(neighbours.members[1]) == GROUP_MEMBER


def test_forecast_widget_bounds_come_from_the_data(store) -> None:
    """A council return with 6,000 mainstream households must not break the forecast's controls
    (a fixed maximum of 5,000 crashed the Fostering page for everyone)."""
    from regional.store import Store
    from regional.views import fostering as view

    sel = Selection.from_dict(store, {"council": "E06000059"})  # Dorset publishes its mainstream households
    obs = store.observations
    mine = obs[(obs["indicator_id"] == "fostering_households_mainstream") & (obs["area_code"] == sel.council)]
    assert len(mine), "the embedded data has Dorset's mainstream households"
    newer = mine.sort_values("period").tail(1).assign(value=6000.0, period=mine["period"].max() + pd.Timedelta(days=365))
    bigger = Store(store.areas, store.groupings, store.members, store.neighbours, store.indicators, store.sources,
                   pd.concat([obs, newer], ignore_index=True), engine=store.engine)
    forecast = next(s for s in view.prepare(bigger, sel) if s.key == "fostering_forecast")
    low, high = forecast.extra["bounds"]["households_now"]
    assert forecast.extra["defaults"]["households_now"] == 6000.0
    assert low <= 6000.0 <= high
    normal = next(s for s in view.prepare(store, sel) if s.key == "fostering_forecast")
    assert normal.extra["bounds"]["households_now"] == (0.0, 5000.0)


def test_choices_are_hashable_for_the_cache() -> None:
    for view in VIEWS.values():
        choices = view.Choices()
        assert dataclasses.is_dataclass(choices)
        hash(tuple(dataclasses.asdict(choices).items()))


def test_net_change_all_types_adds_reported_transfers_only() -> None:
    from regional.fostering import net_change_all_types

    net = pd.DataFrame({"area_code": ["A", "A"], "area_name": ["a", "a"], "period": [pd.Timestamp("2025-03-31")] * 2,
                        "period_label": ["2024-25"] * 2, "period_kind": ["year"] * 2, "synthetic": [False] * 2,
                        "approvals": [5, 2], "deregistrations": [3, 1], "transfers_in": [1, None],
                        "transfers_out": [None, 2], "net_change": [2, 1]})
    out = net_change_all_types(net).iloc[0]
    assert out["net_change"] == 3 and out["net_change_incl_transfers"] == 3 + 1 - 2
    assert out["household_type"] == "all types"


def test_chart_key_follows_what_the_chart_draws_not_the_choices(store):
    """Two choices that leave a section's chart as it was give the same key (its cached spec is
    reused); a choice that changes the chart's frame or arguments gives a new one."""
    from regional.selection import Selection
    from regional.views import children_in_care as view

    sel = Selection.from_dict(store, {})
    base = [s for s in view.prepare(store, sel, view.Choices()) if s.chart]
    other = [s for s in view.prepare(store, sel, view.Choices(trend_show="Number of children")) if s.chart]
    assert len(base) == len(other) >= 4
    changed = [a.key for a, b in zip(base, other) if a.chart_key() != b.chart_key()]
    assert [k.split("_")[1] for k in changed] == ["trend"]
    again = [s for s in view.prepare(store, sel, view.Choices()) if s.chart]
    assert [s.chart_key() for s in base] == [s.chart_key() for s in again]
    rank = next(s for s in base if s.key.startswith("cic_rank"))
    column = rank.frame.select_dtypes("number").columns[0]
    moved = dataclasses.replace(rank, frame=rank.frame.assign(**{column: rank.frame[column] + 1}))
    assert moved.chart_key() != rank.chart_key() == next(s for s in again if s.key == rank.key).chart_key()


def _content(sections) -> list[tuple]:
    """What a page draws from its sections: keys, words, every chart's content digest and every table."""
    out = []
    for s in sections:
        table = None if s.table is None else s.table.to_csv(index=False)
        out.append((s.key, s.title, s.markdown, s.caption, s.empty, s.chart_key() if s.chart else None, table,
                    repr(s.metrics)))
    return out


@pytest.mark.parametrize("page", ["pages/1_Children_in_care.py", "pages/2_Fostering.py"])
def test_resolved_choices_draw_the_same_page_as_the_defaults_they_stand_for(page, store) -> None:
    """ui.prepare keeps the sections for 'no year, no assumptions' as the sections for the values the
    controls hold on the next run; that is only right if preparing with those values draws the same page."""
    view = VIEWS[page]
    sel = Selection.from_dict(store, {})
    first = view.prepare(store, sel, view.Choices())
    resolved = view.resolved(store, view.Choices(), first)
    assert resolved != view.Choices()  # something was filled in (the year, at least)
    assert _content(view.prepare(store, sel, resolved)) == _content(first)
    # a year the user chose is kept, not replaced by the default
    years = (view.years(store, resolved.measure) if hasattr(view, "years")
             else {x.key: x for x in first}["fostering_utilisation"].extra["years"])
    earlier = view.Choices(year=next(y for y in years if y != resolved.year))
    assert view.resolved(store, earlier, view.prepare(store, sel, earlier)).year == earlier.year


@pytest.mark.parametrize("page", sorted(VIEWS))
def test_work_kept_for_one_council_draws_the_next_council_as_a_fresh_store_would(page, engine) -> None:
    """Views keep what does not depend on the chosen council (every council's rank and funnel point, the
    group's flows, households and plan) with the Store. A second council, prepared after the first, must
    draw exactly what it draws on a Store that never saw the first (both measures on Children in care)."""
    from regional.store import load_store

    view = VIEWS[page]
    choice_sets = ([view.Choices(measure=m) for m in ("all", "excl_uasc")] if page == "pages/1_Children_in_care.py"
                   else [view.Choices()])
    used = load_store(engine)
    for choices in choice_sets:
        view.prepare(used, Selection.from_dict(used, {"council": "E06000058"}), choices)
        after = view.prepare(used, Selection.from_dict(used, {"council": "E06000059"}), choices)
        fresh = load_store(engine)
        alone = view.prepare(fresh, Selection.from_dict(fresh, {"council": "E06000059"}), choices)
        assert _content(after) == _content(alone)
