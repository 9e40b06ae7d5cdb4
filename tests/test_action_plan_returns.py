"""Action plans are a return like every other (issue 17 through issue 11's returns service): recognised
from their headers, checked, stored as a version of one council's plan, compared, withdrawn; the
Action plans page's preparation sees each version; the embedded plans survive an upload and a reload."""
from __future__ import annotations

import pandas as pd
import pytest

from regional import db, models, returns
from regional.importers.action_plan import EXAMPLE
from regional.store import load_store
from tests.test_returns import engine, table_hashes, template  # noqa: F401  (fixtures: SQLite and PostgreSQL)

TORBAY = "E06000027"
ADMIN = returns.Actor("admin@region.example", "admin")


def example(tmp_path, **changes) -> tuple[pd.DataFrame, object]:
    frame = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    for column, value in changes.items():
        frame[column] = value
    path = tmp_path / "torbay_plan.csv"
    frame.to_csv(path, index=False)
    return frame, path


def test_an_action_plan_is_a_versioned_return(engine, tmp_path):
    frame, path = example(tmp_path)
    assert returns.recognise(path) == "action_plan"
    default_lines = len(db.read_table(engine, models.ActionPlanLine))
    first = returns.submit("action_plan", path, engine, who=ADMIN)
    assert first.number == 1 and first.rows == len(frame) and set(first.diff["change"]) == {"added"}
    lines = db.read_table(engine, models.ActionPlanLine)
    assert len(lines) == default_lines + len(frame)
    assert (lines.loc[lines["area_code"] == TORBAY, "version_id"] == first.version).all()
    # the same file again changes nothing; a new tracker (another version of the plan) is added beside it
    assert returns.submit("action_plan", path, engine, who=ADMIN).unchanged
    frame2, path2 = example(tmp_path, version="Quarter 3 tracker", version_date="2025-12-31", status="Completed")
    second = returns.submit("action_plan", path2, engine, who=ADMIN)
    assert second.number == 2 and set(second.diff["change"]) == {"added"}  # Quarter 2's lines are kept
    from regional.views import action_plans as view
    from regional.selection import Selection

    store = load_store(engine)
    sel = Selection.from_dict(store, {"group": "rcc:south-west", "council": TORBAY})
    made = {s.key: s for s in view.prepare(store, sel)}
    assert set(made["ap_pick"].extra["versions"]) >= {"Quarter 2 tracker", "Quarter 3 tracker"}
    # withdrawing version 2 removes Quarter 3 and leaves Quarter 2 as it was
    returns.withdraw(second.version, engine, who=ADMIN)
    held = db.read_table(engine, models.ActionPlanLine)
    assert set(held.loc[held["area_code"] == TORBAY, "version"]) == {"Quarter 2 tracker"}
    # the embedded plans survive the upload and a reload of the default; the upload survives the reload
    db.load_default(engine)
    after = db.read_table(engine, models.ActionPlanLine)
    assert len(after) == default_lines + len(frame)


def test_a_bad_plan_is_refused_whole_and_an_editor_writes_only_their_council(engine, tmp_path):
    frame, path = example(tmp_path, status="Sort of")
    before = table_hashes(engine)
    with pytest.raises(Exception, match="status"):
        returns.submit("action_plan", path, engine, who=ADMIN)
    assert table_hashes(engine) == before
    frame, path = example(tmp_path)
    with pytest.raises(returns.NotAllowed, match="may not change Torbay"):
        returns.submit("action_plan", path, engine, who=returns.Actor("e@dorset.example", "editor", "E06000059"))
    prepared = returns.prepare("action_plan", path, engine, council="E06000059")
    assert "a row for another council" in set(prepared.errors["problem"])
    assert table_hashes(engine) == before
