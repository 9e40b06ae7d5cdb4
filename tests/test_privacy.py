"""Small-number suppression (regional.privacy): primary, secondary, shares, flows, the editor exception."""
from __future__ import annotations

import pandas as pd

from regional import distance, privacy


def test_primary_and_secondary_suppression_within_a_total():
    frame = pd.DataFrame({"area_code": ["A"] * 4 + ["B"] * 4, "band": list("wxyz") * 2,
                          "children": [3, 10, 20, 40, 0, 7, 30, 50], "pct": [4.1, 13.7, 27.4, 54.8, 0, 8, 34, 57]})
    out = privacy.suppress_counts(frame, group_by=["area_code"])
    a = out[out["area_code"] == "A"].set_index("band")
    # 3 is hidden; so is the next smallest (10), or 3 = total - 10 - 20 - 40 could be worked out.
    assert a.loc["w", "status"] == a.loc["x", "status"] == "suppressed"
    assert a[["children", "pct"]].loc[["w", "x"]].isna().all().all()
    assert a.loc["y", "children"] == 20
    b = out[out["area_code"] == "B"]
    assert set(b["status"]) == {"ok"} and b["children"].tolist() == [0, 7, 30, 50]  # zero identifies no one


def test_a_group_under_five_in_total_is_hidden_whole():
    frame = pd.DataFrame({"area_code": ["A"] * 3, "children": [0, 1, 2], "pct": [0, 33.3, 66.7]})
    out = privacy.suppress_counts(frame, group_by=["area_code"])
    assert (out["status"] == "suppressed").all() and out["children"].isna().all()


def test_shares_that_imply_a_small_count_are_hidden():
    table = pd.DataFrame({"children": [3, 100, 100], "pct_over": [33.3, 2.0, 50.0], "pct_out": [0.0, 98.0, 10.0]})
    out = privacy.suppress_shares(table, shares=["pct_over", "pct_out"])
    assert pd.isna(out.loc[0, "children"]) and out.loc[0, ["pct_over", "pct_out"]].isna().all()
    assert pd.isna(out.loc[1, "pct_over"]) and pd.isna(out.loc[1, "pct_out"])  # 2 children, and 2 not outside
    assert out.loc[2, "pct_over"] == 50.0 and out.loc[2, "pct_out"] == 10.0


def test_editor_sees_own_council_only():
    assert privacy.suppression_applies(["E06000058"]) is True
    assert privacy.suppression_applies(["E06000058"], editor_council="E06000058") is False
    assert privacy.suppression_applies(["E06000058", "E06000059"], editor_council="E06000058") is True


def test_no_arc_of_fewer_than_five_children(store):
    from regional import models

    episodes = store.table(models.PlacementEpisode)
    now = distance.placements_at(episodes[episodes["area_code"] == "E06000059"])
    uasc = now[now["uasc"].astype(bool)]
    for view in (now, uasc):
        flows = distance.arc_flows(view, suppress=True)
        assert privacy.small_counts_shown(flows) == 0
        assert (flows["children"] >= 5).all()
    raw = distance.arc_flows(uasc, suppress=False)
    assert privacy.small_counts_shown(raw) > 0  # the test would notice if suppression did nothing


def test_months_of_birth_are_read_only_where_they_are_stored_or_banded():
    """``birth_month`` (the month of birth kept from an SSDA903 header, regional.privacy) is named only
    where it is stored, loaded or turned into age bands: no view, page, download, export or meeting
    pack reads it, so none can show it."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    allowed = {"regional/models.py", "regional/importers/ssda903_derive.py", "regional/sufficiency/demand.py",
               "regional/migrations/versions/0006_birth_month.py"}
    files = [*root.glob("*.py"), *(root / "pages").glob("*.py"), *(root / "regional").rglob("*.py"),
             *(root / "bench").glob("*.py")]
    use = re.compile(r"""["']birth_month["']|\.birth_month\b|\bbirth_month\s*[:=]""")  # code, not prose
    readers = {str(f.relative_to(root)) for f in files if use.search(f.read_text(encoding="utf-8"))}
    assert readers == allowed
