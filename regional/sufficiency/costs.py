"""Unit costs per placement type from RO3 2024-25, and the cost of demand, gap and scenarios.

Method: a council's RO3 2024-25 spend line (total expenditure, C3) divided by the child-years
in the placement types that line pays for, child-years estimated as the mean of the children
in those types at 31 March 2024 and 31 March 2025 (DfE, LAIT).

Caveats, stated wherever the figures are shown: RO3 lines are not one-to-one with placement
types (the residential line holds children's homes and secure units; the fostering line pays
in-house, agency and kinship carers alike, so they share one unit cost; the "other" line holds
supported accommodation, placed with parents and everything else, and some staff costs);
asylum-seeking children's spend is its own line and left out; a stock at two dates is only an
estimate of child-years; costs are in 2024-25 prices, not uprated.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: RO3 line -> the base placement types (DfE's) whose child-years it pays for, and the plan's types.
LINES = {
    "ro3_cla_fostering_spend": (["fostering"], ["fostering_inhouse", "fostering_ifa_kinship"]),
    "ro3_cla_residential_spend": (["childrens_homes"], ["childrens_homes"]),
    "ro3_cla_other_spend": (["supported", "parents", "other"], ["supported", "parents", "other"]),
}
SPEND_YEAR = 2025
METHOD = ("RO3 2024-25 {line} total expenditure / child-years in {types} (mean of the children at 31 March 2024 "
          "and 2025, DfE)")
CAVEAT = ("RO3 lines are not one-to-one with placement types; one unit cost per line; asylum-seeking children's "
          "spend left out; child-years estimated from two 31 March counts; 2024-25 prices")


def child_years(history: pd.DataFrame, year: int = SPEND_YEAR) -> pd.DataFrame:
    """Mean of the children at 31 March ``year - 1`` and ``year`` per council and base type;
    NaN unless both are published."""
    both = history[history["year"].isin([year - 1, year])]
    agg = both.groupby(["area_code", "type"])["children"].agg(["mean", "count"])
    return agg["mean"].where(agg["count"] == 2).rename("child_years").reset_index()


def unit_costs(spend: pd.DataFrame, years: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Unit cost a child-year per council and plan type.

    ``spend``: area_code, indicator_id, value (pounds), status. ``years``: :func:`child_years`.
    A missing spend line or no child-years gives no cost, with the reason in ``status``.
    """
    rows = []
    spend = spend.set_index(["area_code", "indicator_id"])
    years = years.set_index(["area_code", "type"])["child_years"]
    for code in sorted(set(spend.index.get_level_values(0)) | set(years.index.get_level_values(0))):
        for line, (base, plan_types) in LINES.items():
            value = spend["value"].get((code, line), np.nan)
            cy = sum(years.get((code, t), np.nan) for t in base)
            if pd.isna(value):
                status, cost = "RO3 line not returned", np.nan
            elif pd.isna(cy) or cy <= 0:
                status, cost = "child-years not published", np.nan
            else:
                status, cost = "ok", float(value) / float(cy)
            method = METHOD.format(line=labels.get(line, line), types=" + ".join(base))
            for t in plan_types:
                rows.append({"area_code": code, "type": t, "line": line, "spend": value, "child_years": cy,
                             "unit_cost": cost, "status": status, "method": method, "caveat": CAVEAT})
    return pd.DataFrame(rows)


def cost_of(frame: pd.DataFrame, costs: pd.DataFrame, column: str) -> pd.Series:
    """``column`` (children, a gap or a change in children) x the council's unit cost for its type."""
    unit = frame.merge(costs[["area_code", "type", "unit_cost"]], on=["area_code", "type"], how="left")["unit_cost"]
    return pd.Series(frame[column].to_numpy() * unit.to_numpy(), index=frame.index)
