"""Comparator groups: the Greater Manchester RCC beside the South West, Good+ taken at a date,
mean/median/pooled figures, and user-defined groups that only a regional admin may change,
which survive a restart and appear in every page's group selector."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from regional import db, groups, models
from regional.errors import DataError
from regional.store import load_store

GREATER_MANCHESTER = {"Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside",
                      "Trafford", "Wigan"}
_ROOT = Path(__file__).resolve().parent.parent
#: Every page that uses the shared sidebar (the Accessibility statement has none).
PAGES = sorted(str(p.relative_to(_ROOT)) for p in (_ROOT / "pages").glob("*.py") if "ui.selection()" in p.read_text())


def test_greater_manchester_rcc_is_shipped_beside_the_south_west(store):
    listed = groups.selector_groups(store)
    assert {"rcc:south-west", "rcc:greater-manchester"} <= set(listed["id"])
    assert {store.name(c) for c in store.group_members("rcc:greater-manchester")} == GREATER_MANCHESTER
    assert "Greater Manchester RCC (RCC)" in set(listed["label"])
    assert groups.resolve_group(store, "greater manchester rcc") == "rcc:greater-manchester"


def test_good_plus_group_at_two_dates(store):
    now = groups.good_plus(store)
    earlier = groups.good_plus(store, date(2021, 3, 31))
    assert now.as_at == date(2025, 3, 31) and len(now.members) > 90
    assert set(now.members) != set(earlier.members)
    assert set(now.members) <= set(store.councils()["code"])
    assert "Good or Outstanding" in now.note and str(len(now.members)) in now.note


def test_group_figure_mean_median_and_pooled(store):
    members = store.statistical_neighbours("E06000058", "2025")
    period = pd.Timestamp("2025-03-31")
    rate = store.preferred("cic_rate_per_10k", members)
    rate = rate[rate["period"] == period].set_index("area_code")["value"]
    counts = store.preferred(["cic_count", "child_population_0_17"], members)
    counts = counts[counts["period"] == period].pivot_table(index="area_code", columns="indicator_id", values="value")
    figure = groups.group_figure(store, members, "cic_rate_per_10k", period, "pooled")
    assert figure["statistic"] == "pooled" and not figure["fallback"] and figure["n"] == 10
    assert figure["mean"] == pytest.approx(rate.mean())
    assert figure["median"] == pytest.approx(rate.median())
    assert figure["value"] == pytest.approx(counts["cic_count"].sum() / counts["child_population_0_17"].sum() * 1e4)
    assert figure["value"] != pytest.approx(figure["mean"])  # pooled weighs big councils more
    # no counts held for a pooled rate: the mean, and it says so
    stability = groups.group_figure(store, members, "pct_three_plus_placements", period, "pooled")
    assert stability["statistic"] == "mean" and stability["fallback"]
    with pytest.raises(DataError):
        groups.group_figure(store, members, "cic_rate_per_10k", period, "mode")


def test_only_a_regional_admin_may_change_groups_and_nothing_is_written_otherwise(store, engine):
    before = _count(engine)
    for role in (None, "council_editor", "viewer"):
        with pytest.raises(groups.NotAllowed):
            groups.save_group(store, "Peninsula", ["Cornwall", "Devon"], role=role, actor="someone")
        with pytest.raises(groups.NotAllowed):
            groups.delete_group(store, "user:anything", role=role, actor="someone")
    assert _count(engine) == before


def test_bad_groups_are_refused_with_what_was_expected(store):
    admin = {"role": "regional_admin", "actor": "admin"}
    with pytest.raises(DataError, match="needs a name"):
        groups.save_group(store, "  ", ["Cornwall", "Devon"], **admin)
    with pytest.raises(DataError, match="at least two councils"):
        groups.save_group(store, "Solo", ["Cornwall"], **admin)
    with pytest.raises(DataError, match="Narnia"):
        groups.save_group(store, "Fiction", ["Cornwall", "Narnia"], **admin)
    with pytest.raises(DataError, match="not a council"):
        groups.save_group(store, "Regions", ["Cornwall", "South West"], **admin)
    with pytest.raises(DataError, match="already exists"):
        groups.save_group(store, "south west rcc", ["Cornwall", "Devon"], **admin)
    with pytest.raises(DataError, match="not a user-defined group"):
        groups.delete_group(store, "rcc:south-west", **admin)


def _count(engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(models.UserGroup)).scalar()


@pytest.fixture
def restartable_url(fresh_backend):
    """The URL of an empty database of its own (SQLite, then PostgreSQL), its engine let go so the
    test can start and restart the app on it as new processes would."""
    url = fresh_backend.url.render_as_string(hide_password=False)
    fresh_backend.dispose()
    db.get_engine.cache_clear()
    return url


def test_a_user_group_survives_a_restart_and_a_reload_of_the_default(restartable_url):
    engine = db.get_engine(restartable_url)
    db.ensure_loaded(engine)
    store = load_store(engine)
    gid = groups.save_group(store, "South West Alliance (14)", ["Cornwall", "Devon", "Plymouth", "Torbay", "Dorset"],
                            role="regional_admin", actor="alice", description="Test alliance")
    store = load_store(engine)
    gid = groups.save_group(store, "South West Alliance (14)", ["Cornwall", "Devon", "Plymouth", "Torbay"],
                            role="regional_admin", actor="bob", group_id=gid, description="Edited")
    engine.dispose()
    db.get_engine.cache_clear()  # a new process: nothing kept in memory

    engine = db.get_engine(restartable_url)
    db.load_default(engine)  # the embedded default reloaded (it empties and refills the data/ groups)
    store = load_store(engine)
    row = store.groupings.set_index("id").loc[gid]
    assert row["name"] == "South West Alliance (14)" and row["kind"] == "user" and row["description"] == "Edited"
    assert {store.name(c) for c in store.group_members(gid)} == {"Cornwall", "Devon", "Plymouth", "Torbay"}
    assert gid in set(groups.selector_groups(store)["id"])
    with Session(engine) as session:
        saved = session.get(models.UserGroup, gid)
        assert saved.created_by == "alice" and saved.updated_by == "bob"
        audit = session.execute(select(models.LoadRecord.detail).where(models.LoadRecord.kind == "user_group")).scalars().all()
    assert any(d.startswith(f"created {gid}") for d in audit) and any(d.startswith(f"edited {gid}") for d in audit)
    groups.delete_group(store, gid, role="regional_admin", actor="alice")
    store = load_store(engine)
    assert gid not in set(store.groupings["id"]) and not (store.members["grouping_id"] == gid).any()
    engine.dispose()
    db.get_engine.cache_clear()


@pytest.fixture(scope="module")
def peninsula(engine):
    """A user-defined group in the session's database, removed afterwards."""
    store = load_store(engine)
    gid = groups.save_group(store, "Peninsula", ["Cornwall", "Devon", "Plymouth", "Torbay"],
                            role="regional_admin", actor="tester")
    yield gid
    groups.delete_group(load_store(engine), gid, role="regional_admin", actor="tester")


@pytest.mark.parametrize("page", ["overview.py", *PAGES])
def test_a_user_group_appears_in_every_pages_group_selector(peninsula, app_test, page):
    at = app_test(page).run()
    assert not at.exception, at.exception
    selector = next(s for s in at.sidebar.selectbox if s.label == "Group")
    assert "Peninsula (user group)" in selector.options
    assert "Greater Manchester RCC (RCC)" in selector.options
    if page == "overview.py":
        selector.set_value(peninsula).run()
        assert not at.exception, at.exception
        council = next(s for s in at.sidebar.selectbox if s.label == "Council of interest")
        assert set(council.options) == {"Cornwall", "Devon", "Plymouth", "Torbay"}


def test_group_summary_pooled_rate_meets_dfes_published_region_figure(store):
    """The South West RCC is the South West region's 15 councils: pooling their counts and child
    populations must give DfE's own published South West rate (to its whole-number rounding)."""
    summary = groups.group_summary(store, store.group_members("rcc:south-west"), ["cic_rate_per_10k", "pct_uasc",
                                                                                  "pct_three_plus_placements"])
    rate = summary.set_index("indicator_id").loc["cic_rate_per_10k"]
    published = store.preferred("cic_rate_per_10k", ["E12000009"])
    published = published.loc[published["period"] == rate["period"], "value"].iloc[0]
    assert round(rate["pooled"]) == published
    assert rate["mean"] != pytest.approx(rate["pooled"])  # a plain mean does not
    assert rate["with_figure"] == rate["pooled_over"] == 14  # Isles of Scilly's figure is suppressed
    assert pd.isna(summary.set_index("indicator_id").loc["pct_three_plus_placements", "pooled"])


def test_the_selector_check_covers_the_data_pages():
    assert {"pages/1_Children_in_care.py", "pages/6_Scorecard.py", "pages/7_Groups.py"} <= set(PAGES)
