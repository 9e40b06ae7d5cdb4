"""DfE's SSDA903 rules, each on constructed rows: one that fails it, one that passes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regional.importers import ssda903_rules as rules

OWN = "E06000058"


def episode(**changes) -> dict:
    """A clean episode (fostering in the council, both postcodes, distance derived) with changes."""
    row = {"CHILD": "C1", "DECOM": "01/04/2025", "DEC": "", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4",
           "PLACE_PROVIDER": "PR1", "REC": "", "REASON_PLACE_CHANGE": "", "HOME_POST": "BH1 1AA",
           "PL_POST": "BH1 1AE", "URN": "", "_la": OWN, "uasc": False, "pl_distance": 0.3, "pl_la": OWN,
           "home_problem": "", "pl_problem": ""}
    row.update(changes)
    return row


def run(*rows: dict, code: str) -> list[bool]:
    frame = pd.DataFrame(list(rows))
    frame["_decom"] = pd.to_datetime(frame["DECOM"], format="%d/%m/%Y")
    frame["_dec"] = pd.to_datetime(frame["DEC"].replace("", None), format="%d/%m/%Y")
    return list(rules.rules_by_code()[code].check(frame).to_numpy())


def test_every_rule_is_registered_once_with_dfe_number_and_message():
    codes = [r.code for r in rules.RULES]
    assert len(codes) == len(set(codes))
    assert {"501", "406", "392b", "392c", "392d", "164", "169", "420", "398", "214", "213", "1015",
            "527", "528", "529", "530", "531", "550"} <= set(codes)
    for r in rules.RULES:
        assert r.message.endswith(".") and r.severity in ("error", "warning")
        assert r.check.__name__ == f"rule_{r.code}"


def test_501_flags_only_the_later_of_two_overlapping_episodes():
    rows = [episode(DECOM="01/04/2025", DEC="01/06/2025"), episode(DECOM="01/05/2025", DEC="01/07/2025"),
            episode(DECOM="01/07/2025", DEC="")]
    assert run(*rows, code="501") == [False, True, False]


def test_501_does_not_flag_an_episode_after_an_open_one_or_another_child():
    rows = [episode(DECOM="01/04/2025", DEC=""), episode(DECOM="01/05/2025"),
            episode(CHILD="C2", DECOM="01/04/2025", DEC="01/08/2025"), episode(CHILD="C3", DECOM="01/05/2025")]
    assert run(*rows, code="501") == [False, False, False, False]


def test_406_uasc_distance_should_be_blank():
    assert run(episode(uasc=True), episode(uasc=True, pl_distance=np.nan), episode(), code="406") == [True, False, False]


def test_392b_postcodes_missing_unless_uasc_or_short_break():
    rows = [episode(HOME_POST=""), episode(PL_POST=""), episode(HOME_POST="", uasc=True),
            episode(HOME_POST="", LS="V3"), episode()]
    assert run(*rows, code="392b") == [True, True, False, False, False]


def test_392c_postcode_that_cannot_be_placed():
    rows = [episode(HOME_POST="ZZ99 9ZZ", home_problem="postcode not in the ONS postcode directory"),
            episode(PL_POST="12345", pl_problem="not a postcode"), episode(PL_POST="", pl_problem=""), episode()]
    assert run(*rows, code="392c") == [True, True, False, False]


def test_392d_same_postcodes_only_for_p1():
    rows = [episode(PL_POST="BH1 1AA"), episode(PL_POST="bh11aa"), episode(PL_POST="BH1 1AA", PLACE="P1"),
            episode(HOME_POST="", PL_POST=""), episode()]
    assert run(*rows, code="392d") == [True, True, False, False, False]


def test_164_distance_out_of_range():
    rows = [episode(pl_distance=1000.0), episode(pl_distance=-0.1), episode(pl_distance=999.9),
            episode(pl_distance=1000.0, uasc=True), episode(pl_distance=1000.0, LS="V4")]
    assert run(*rows, code="164") == [True, True, False, False, False]


def test_169_and_420_placement_council_and_short_breaks():
    rows = [episode(pl_la=""), episode(pl_la="", LS="V3"), episode(LS="V4"), episode()]
    assert run(*rows, code="169") == [True, False, False, False]
    assert run(*rows, code="420") == [False, False, True, False]


def test_398_and_214_short_breaks_carry_no_placement_location():
    rows = [episode(LS="V3"), episode(LS="V4", HOME_POST="", PL_POST="", URN="SC123"),
            episode(LS="V3", HOME_POST="", PL_POST=""), episode()]
    assert run(*rows, code="398") == [True, False, False, False]
    assert run(*rows, code="214") == [True, True, False, False]


def test_213_temporary_placements_have_no_provider():
    rows = [episode(PLACE="T1"), episode(PLACE="T4", PLACE_PROVIDER=""), episode(PLACE="U1")]
    assert run(*rows, code="213") == [True, False, False]


def test_1015_own_provision_outside_the_council():
    rows = [episode(PLACE="K2", pl_la="E06000059"), episode(PLACE="U4", pl_la="E06000059"),
            episode(PLACE="K2", PLACE_PROVIDER="PR4", pl_la="E06000059"), episode(PLACE="K2")]
    assert run(*rows, code="1015") == [True, False, False, False]


@pytest.mark.parametrize("code,bad,good", [
    ("527", ("R2", "PR1"), ("U4", "PR1")), ("528", ("P1", "PR2"), ("K2", "PR2")),
    ("529", ("K2", "PR3"), ("R2", "PR3")), ("530", ("P1", "PR4"), ("K2", "PR4")),
    ("531", ("P1", "PR5"), ("U4", "PR5")), ("550", ("U4", "PR0"), ("P1", "PR0"))])
def test_placement_type_against_provider(code, bad, good):
    rows = [episode(PLACE=bad[0], PLACE_PROVIDER=bad[1]), episode(PLACE=good[0], PLACE_PROVIDER=good[1])]
    assert run(*rows, code=code) == [True, False]


def test_findings_name_rule_child_start_column_and_message():
    frame = pd.DataFrame([episode(PLACE="T1"), episode(CHILD="C2", uasc=True)])
    frame["_decom"] = pd.to_datetime(frame["DECOM"], format="%d/%m/%Y")
    frame["_dec"] = pd.NaT
    found = rules.run_rules(frame)
    assert list(found.columns) == rules.FINDING_COLUMNS
    row = found[found["rule"] == "213"].iloc[0]
    assert (row["child"], row["episode_start"], row["column"]) == ("C1", "01/04/2025", "PLACE_PROVIDER")
    assert row["message"] == "Placement provider information not required."
    assert set(found.loc[found["child"] == "C2", "rule"]) == {"406"}
