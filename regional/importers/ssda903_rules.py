"""DfE's SSDA903 validation rules that touch episodes, placements, postcodes and distance.

One function per rule, named by DfE's rule number and carrying DfE's message; all are
registered in ``RULES`` (the one place ``run_rules`` reads). Each takes the episodes frame
after derivation (text columns as the return gives them, plus ``_decom``/``_dec`` dates,
``_la`` the responsible council, ``uasc``, ``pl_distance`` and ``pl_la`` as derived before
short breaks and UASC children are blanked) and returns a boolean mask of the episodes
that fail.

Where the rules come from: DfE's "Children looked after return: validation rules" as the
sector's validator implements them (Data to Insight, quality-lac-data-beta-validator,
``lac_validator/rules/lac2022_23/rule_<code>.py``; the logic is re-written here, the
message is DfE's). A blank cell is an empty string here (the validator's NaN).

Classes (``severity``): the sector's validator gives none (its rule definition is a code,
message, fields and tables; every finding is listed alike), and DfE's own classification is
not in any source available to this project offline. Here 392b and 1015 are ``warning``
(the data may well be right: postcodes can be missing for a reason the return does not hold,
such as a child formerly UASC, and a council's own provision can lie outside it) and the
rest ``error``: this project's judgement, not checked against DfE's list. The class labels the
finding only: no rule refuses a row. A finding is reported and the episode still loads (a
row is refused only when it cannot be used at all: see ``ssda903.validate_episodes``).

Departures, documented: rule 392c's "postcode invalid" accepts an outcode or sector (the
platform's synthetic extracts carry only outcodes) and flags what cannot be placed at all.
Rule 454 is not implemented: neither form of the sector's validator has it (Data to
Insight's lac_validator at commit 9271a5f, rule folders lac2022_23 to lac2024_25 and
``output_data/903_2024_25_rule_info.csv``, has 452 and 453, the previous year's last episode
against this year's first for PL_LA and PL_DISTANCE, and no 454; Social Finance's
validator903 1.0.1 neither), and DfE's wording of 454 is not available here, so nothing is
guessed under its number. The distance range DfE states (0.0 to 999.9) is rule 164 below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from regional.importers.ssda903_spec import short_break_statuses

FINDING_COLUMNS = ["rule", "severity", "child", "episode_start", "column", "message", "file", "row"]
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
FOSTERING_OR_ADOPTION = ("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    columns: tuple[str, ...]
    severity: str
    check: Callable[[pd.DataFrame], pd.Series]


RULES: list[Rule] = []


def rule(code: str, message: str, columns: tuple[str, ...], severity: str = "error"):
    """Register a rule function under DfE's number and message."""
    def register(fn: Callable[[pd.DataFrame], pd.Series]) -> Callable[[pd.DataFrame], pd.Series]:
        RULES.append(Rule(code, message, columns, severity, fn))
        return fn
    return register


def _filled(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip() != ""


def _short_break(frame: pd.DataFrame) -> pd.Series:
    return frame["LS"].isin(short_break_statuses())


def _uasc(frame: pd.DataFrame) -> pd.Series:
    return frame["uasc"].astype(bool) if "uasc" in frame else pd.Series(False, index=frame.index)


@rule("501", "A new episode has started before the end date of the previous episode.", ("DECOM", "DEC"))
def rule_501(frame: pd.DataFrame) -> pd.Series:
    """Only the later episode of an overlapping pair is flagged; an episode after an open one is not
    (the previous DEC is blank, so nothing is 'before' it), as DfE's rule reads."""
    order = frame.sort_values(["_la", "CHILD", "_decom"], kind="stable")
    same = (order["CHILD"] == order["CHILD"].shift()) & (order["_la"] == order["_la"].shift())
    overlap = same & (order["_decom"] < order["_dec"].shift())
    return overlap.reindex(frame.index).fillna(False).astype(bool)


@rule("406", "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should be blank.",
      ("PL_DISTANCE",))
def rule_406(frame: pd.DataFrame) -> pd.Series:
    return _uasc(frame) & frame["pl_distance"].notna()


@rule("392b", "Child is looked after but no postcodes are recorded.", ("HOME_POST", "PL_POST"), "warning")
def rule_392b(frame: pd.DataFrame) -> pd.Series:
    return ~_uasc(frame) & ~_short_break(frame) & (~_filled(frame["HOME_POST"]) | ~_filled(frame["PL_POST"]))


@rule("392c", "Postcode(s) provided are invalid.", ("HOME_POST", "PL_POST"))
def rule_392c(frame: pd.DataFrame) -> pd.Series:
    return ((_filled(frame["HOME_POST"]) & (frame["home_problem"] != ""))
            | (_filled(frame["PL_POST"]) & (frame["pl_problem"] != "")))


@rule("392d", "Home and placement postcodes should not be same unless the placement type is P1.",
      ("HOME_POST", "PL_POST", "PLACE"))
def rule_392d(frame: pd.DataFrame) -> pd.Series:
    home = frame["HOME_POST"].str.upper().str.replace(" ", "", regex=False)
    placement = frame["PL_POST"].str.upper().str.replace(" ", "", regex=False)
    return (frame["PLACE"] != "P1") & _filled(home) & (home == placement)


@rule("164", "Distance is not valid. Please check a valid postcode has been entered.", ("PL_DISTANCE",))
def rule_164(frame: pd.DataFrame) -> pd.Series:
    d = frame["pl_distance"]
    return ~_uasc(frame) & ~_short_break(frame) & d.notna() & ((d < 0.0) | (d > 999.9))


@rule("169", "Local Authority (LA) of placement is not valid or is missing. Please check a valid postcode has "
      "been entered.", ("PL_LA",))
def rule_169(frame: pd.DataFrame) -> pd.Series:
    return ~_short_break(frame) & ~_filled(frame["pl_la"])


@rule("420", "LA of placement completed but child is looked after under legal status V3 or V4.", ("PL_LA",))
def rule_420(frame: pd.DataFrame) -> pd.Series:
    return _short_break(frame) & _filled(frame["pl_la"])


@rule("398", "Distance field completed but child looked after under legal status V3 or V4.",
      ("LS", "HOME_POST", "PL_POST"))
def rule_398(frame: pd.DataFrame) -> pd.Series:
    return _short_break(frame) & (_filled(frame["HOME_POST"]) | _filled(frame["PL_POST"]))


@rule("214", "Placement location information not required.", ("PL_POST", "URN"))
def rule_214(frame: pd.DataFrame) -> pd.Series:
    return _short_break(frame) & (_filled(frame["PL_POST"]) | _filled(frame["URN"]))


@rule("213", "Placement provider information not required.", ("PLACE_PROVIDER",))
def rule_213(frame: pd.DataFrame) -> pd.Series:
    return frame["PLACE"].isin(TEMPORARY) & _filled(frame["PLACE_PROVIDER"])


@rule("1015", "Placement provider is own provision but child not placed in own LA.", ("PL_LA",), "warning")
def rule_1015(frame: pd.DataFrame) -> pd.Series:
    checked = (~frame["PLACE"].isin(FOSTERING_OR_ADOPTION) & ~_short_break(frame) & (frame["PLACE_PROVIDER"] == "PR1")
               & _filled(frame["LS"]) & _filled(frame["PLACE"]))
    return checked & (frame["pl_la"] != frame["_la"])


@rule("527", "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
      ("PLACE", "PLACE_PROVIDER"))
def rule_527(frame: pd.DataFrame) -> pd.Series:
    return frame["PLACE"].isin(["P1", "R2", "R5"]) & (frame["PLACE_PROVIDER"] == "PR1")


@rule("528", "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
      ("PLACE", "PLACE_PROVIDER"))
def rule_528(frame: pd.DataFrame) -> pd.Series:
    return frame["PLACE"].isin(["P1", "R2", "R5"]) & (frame["PLACE_PROVIDER"] == "PR2")


@rule("529", "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 and U1 to U6 "
      "as these placements cannot be provided by other public organisations.", ("PLACE", "PLACE_PROVIDER"))
def rule_529(frame: pd.DataFrame) -> pd.Series:
    return frame["PLACE"].isin(["P1", "K1", "K2", *FOSTERING_OR_ADOPTION]) & (frame["PLACE_PROVIDER"] == "PR3")


@rule("530", "A placement provider code of PR4 cannot be associated with placement P1.", ("PLACE", "PLACE_PROVIDER"))
def rule_530(frame: pd.DataFrame) -> pd.Series:
    return (frame["PLACE"] == "P1") & (frame["PLACE_PROVIDER"] == "PR4")


@rule("531", "A placement provider code of PR5 cannot be associated with placements P1.", ("PLACE", "PLACE_PROVIDER"))
def rule_531(frame: pd.DataFrame) -> pd.Series:
    return (frame["PLACE"] == "P1") & (frame["PLACE_PROVIDER"] == "PR5")


@rule("550", "A placement provider code of PR0 can only be associated with placement P1.", ("PLACE", "PLACE_PROVIDER"))
def rule_550(frame: pd.DataFrame) -> pd.Series:
    return (frame["PLACE"] != "P1") & (frame["PLACE_PROVIDER"] == "PR0")


def rules_by_code() -> dict[str, Rule]:
    return {r.code: r for r in RULES}


def run_rules(frame: pd.DataFrame, rules: list[Rule] | None = None) -> pd.DataFrame:
    """Every registered rule on the episodes; one finding per failing episode and rule (the frame's
    index is kept, so a finding leads back to its episode)."""
    found = []
    for r in rules or RULES:
        mask = r.check(frame).reindex(frame.index).fillna(False).astype(bool).to_numpy()
        if not mask.any():
            continue
        rows = frame[mask]
        found.append(pd.DataFrame({
            "rule": r.code, "severity": r.severity, "child": rows["CHILD"].to_numpy(),
            "episode_start": rows["DECOM"].to_numpy(), "column": ", ".join(r.columns), "message": r.message,
            "file": rows["_file"].to_numpy() if "_file" in rows else "",
            "row": rows["_row"].to_numpy() if "_row" in rows else np.asarray(rows.index) + 2}, index=rows.index))
    if not found:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return pd.concat(found)[FINDING_COLUMNS]  # indexed like the episodes, so each finding finds its row
