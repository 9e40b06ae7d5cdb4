"""Fostering metrics: households by type, places utilisation, the recruitment funnel and
its conversion, net household change, and the inputs of the households forecast.

Pure functions over frames from :class:`regional.store.Store`; a missing or suppressed
figure stays missing (NaN with its status), never 0.
"""
from __future__ import annotations

import re

import pandas as pd

from regional import models
from regional.authorities import ENGLAND_CODE
from regional.forecast import Assumptions, trend_per_year
from regional.importers.fostering_pipeline import STAGE_LABELS, STAGES
from regional.store import Store

HOUSEHOLD_TYPES = {"fostering_households_mainstream": "Mainstream",
                   "fostering_households_kinship": "Kinship / connected person",
                   "fostering_households_total": "All in-house"}
INHOUSE_IFA = ["cic_in_inhouse_foster_count", "cic_in_ifa_foster_count", "pct_placed_inhouse_foster",
               "pct_foster_in_ifa", "pct_inhouse_foster_bed_utilisation", "foster_utilisation_ratio"]
#: Used when a council has published no household count: an assumption the page says is one.
DEFAULT_CHILDREN_PER_HOUSEHOLD = 1.3
GROUP_TOTAL = "All councils shown"


# --- households ----------------------------------------------------------
def households(store: Store, codes: list[str] | None) -> pd.DataFrame:
    """Fostering households by council, type and date from the councils' returns.

    Where a document gives all households and kinship households but not mainstream (BCP),
    mainstream is derived as the difference, and says so in ``basis``.
    """
    rows = store.observations_for(list(HOUSEHOLD_TYPES), codes, source="council")
    keep = ["area_code", "area_name", "indicator_id", "period", "period_label", "value", "status", "source_id",
            "source_title", "section", "note"]
    out = rows[keep].assign(basis="published")
    wide = rows.pivot_table(index=["area_code", "area_name", "period", "period_label", "source_id", "source_title"],
                            columns="indicator_id", values="value", aggfunc="first").reset_index()
    derived = []
    for rec in wide.to_dict("records"):
        total, kin = rec.get("fostering_households_total"), rec.get("fostering_households_kinship")
        if pd.notna(total) and pd.notna(kin) and pd.isna(rec.get("fostering_households_mainstream")):
            derived.append({**{k: rec[k] for k in ("area_code", "area_name", "period", "period_label", "source_id",
                                                  "source_title")},
                            "indicator_id": "fostering_households_mainstream", "value": total - kin, "status": "ok",
                            "section": "", "note": f"derived: all households {total:.0f} minus kinship {kin:.0f}",
                            "basis": "derived (all minus kinship)"})
    if derived:
        out = pd.concat([out, pd.DataFrame(derived)], ignore_index=True)
    out["household_type"] = out["indicator_id"].map(HOUSEHOLD_TYPES)
    return out.sort_values(["area_name", "period", "indicator_id"]).reset_index(drop=True)


def latest_mainstream(house: pd.DataFrame, code: str) -> pd.Series | None:
    """The council's most recent mainstream household count (published before derived)."""
    rows = house[(house["area_code"] == code) & (house["indicator_id"] == "fostering_households_mainstream")
                 & house["value"].notna()]
    if rows.empty:
        return None
    rows = rows.assign(_derived=rows["basis"] != "published").sort_values(["period", "_derived"],
                                                                          ascending=[True, False])
    return rows.iloc[-1]


def inhouse_vs_ifa(store: Store, codes: list[str] | None) -> pd.DataFrame:
    """Children with in-house vs independent fostering agency carers, where councils publish it."""
    rows = store.observations_for(INHOUSE_IFA, codes, source="council")
    meta = store.indicators.set_index("id")
    out = rows.assign(measure=rows["indicator_id"].map(meta["label"]), unit=rows["indicator_id"].map(meta["unit"]))
    return out[["area_code", "area_name", "indicator_id", "measure", "unit", "period", "period_label", "value", "status",
                "source_title", "section", "note"]].sort_values(["area_name", "period", "indicator_id"])


# --- places and utilisation ------------------------------------------------
def utilisation(store: Store, codes: list[str] | None = None) -> pd.DataFrame:
    """LA foster places approved and filled (Ofsted via LAIT), and utilisation = filled / approved, in %.

    Utilisation is empty (with the reason in ``status``) when either figure is suppressed
    or missing, or no places were approved.
    """
    rows = store.preferred(["foster_places_approved", "foster_places_filled"], codes)
    index = ["area_code", "area_name", "period", "period_label"]
    keyed = rows.groupby(index + ["indicator_id"], dropna=False)
    values = keyed["value"].first().unstack("indicator_id")
    status = keyed["status"].first().unstack("indicator_id")
    source = rows.groupby(index)["source_id"].first()
    out = pd.DataFrame({
        "approved": values.get("foster_places_approved"),
        "filled": values.get("foster_places_filled"),
        "approved_status": status.get("foster_places_approved"),
        "filled_status": status.get("foster_places_filled"),
        "source_id": source,
    }).reset_index()
    usable = out["approved"].notna() & out["filled"].notna() & (out["approved"] > 0)
    out["utilisation_pct"] = (out["filled"] / out["approved"] * 100).where(usable)
    out["status"] = "ok"
    out.loc[~usable, "status"] = [_why_not(a, f, sa, sf) for a, f, sa, sf in
                                  out.loc[~usable, ["approved", "filled", "approved_status", "filled_status"]]
                                  .itertuples(index=False)]
    level = store.areas.set_index("code")["level"]
    out["level"] = out["area_code"].map(level)
    return out.sort_values(["period", "area_name"]).reset_index(drop=True)


def _why_not(approved: float, filled: float, approved_status: str, filled_status: str) -> str:
    if approved_status == "suppressed" or filled_status == "suppressed":
        return "suppressed"
    if pd.notna(approved) and approved == 0:
        return "no places approved"
    return "missing"


def utilisation_trend(util: pd.DataFrame) -> pd.DataFrame:
    """Change in utilisation (percentage points) from each area's first to latest year with a figure."""
    ok = util.dropna(subset=["utilisation_pct"]).sort_values("period")
    first = ok.groupby("area_code").head(1).set_index("area_code")
    last = ok.groupby("area_code").tail(1).set_index("area_code")
    out = pd.DataFrame({"area_name": last["area_name"], "from_year": first["period_label"],
                        "from_pct": first["utilisation_pct"], "to_year": last["period_label"],
                        "to_pct": last["utilisation_pct"]})
    out["change_points"] = out["to_pct"] - out["from_pct"]
    return out.reset_index()


def roles(codes: pd.Series, members: list[str], council: str | None, region_code: str | None) -> pd.Series:
    """How each area is drawn: the council of interest, a group member, England, the region or other."""
    def role(code: str) -> str:
        if code == council:
            return "Council of interest"
        if code in members:
            return "Group member"
        if code == ENGLAND_CODE:
            return "England"
        if code == region_code:
            return "Region"
        return "Other council"
    return codes.map(role)


# --- children in foster care -----------------------------------------------
def children_in_foster(store: Store, codes: list[str] | None) -> pd.DataFrame:
    """Children in foster care at 31 March = children in care x % in foster placements / 100 (DfE, via LAIT).

    An estimate: DfE rounds the percentage to a whole number, so the count is good to
    about half a percent of children in care.
    """
    rows = store.preferred(["cic_count", "pct_foster_placements"], codes)
    wide = rows.groupby(["area_code", "area_name", "period", "period_label", "indicator_id"])["value"].first()
    wide = wide.unstack("indicator_id").reindex(columns=["cic_count", "pct_foster_placements"]).reset_index()
    wide["children_in_foster"] = wide["cic_count"] * wide["pct_foster_placements"] / 100
    wide["year"] = pd.to_datetime(wide["period"]).dt.year
    return wide.sort_values(["area_name", "period"]).reset_index(drop=True)


# --- the recruitment pipeline ----------------------------------------------
def pipeline_frame(store: Store) -> pd.DataFrame:
    """Every pipeline row with council name and source kind.

    A council's own uploaded return supersedes the synthetic example for that council
    entirely, so real and invented counts are never added together.
    """
    rows = store.table(models.FosteringPipeline).copy()
    kinds = store.sources.set_index("id")["kind"]
    rows["source_kind"] = rows["source_id"].map(kinds)
    rows["synthetic"] = rows["source_kind"] == "synthetic"
    real = set(rows.loc[~rows["synthetic"], "area_code"])
    rows = rows[~(rows["synthetic"] & rows["area_code"].isin(real))].copy()
    rows["area_name"] = rows["area_code"].map(store.areas.set_index("code")["name"])
    for column in ("period", "period_start"):
        rows[column] = pd.to_datetime(rows[column])
    for column in STAGES + ["deregistrations", "transfers_in", "transfers_out"]:
        rows[column] = pd.to_numeric(rows[column]).astype("Float64")
    return rows.sort_values(["area_name", "household_type", "period"]).reset_index(drop=True)


def returned_flows(store: Store, codes: list[str] | None) -> pd.DataFrame:
    """Approvals and de-registrations councils give in their indicator returns (``foster_approvals``,
    ``foster_deregistrations``), one row per council, period and document, with the net change."""
    rows = store.observations_for(["foster_approvals", "foster_deregistrations"], codes, source="council")
    cols = ["area_code", "area_name", "period", "period_label", "months", "approvals", "deregistrations", "net_change",
            "source_title"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    wide = rows.groupby(["area_code", "area_name", "period", "period_label", "source_title", "indicator_id"])["value"].first()
    wide = wide.unstack("indicator_id").reindex(columns=["foster_approvals", "foster_deregistrations"]).reset_index()
    wide = wide.rename(columns={"foster_approvals": "approvals", "foster_deregistrations": "deregistrations"})
    wide["net_change"] = wide["approvals"] - wide["deregistrations"]
    wide["months"] = wide["period_label"].map(_months_in)
    return wide[cols].sort_values(["area_name", "period"]).reset_index(drop=True)


def _months_in(label: str) -> int:
    """Length of a return's period from its label: a quarter, a month, otherwise a year."""
    if re.fullmatch(r"\d{4}-Q[1-4]", label):
        return 3
    if re.fullmatch(r"\d{4}-\d{2}", label) and int(label[-2:]) <= 12 and not _is_financial_year(label):
        return 1
    return 12


def _is_financial_year(label: str) -> bool:
    return int(label[2:4]) + 1 == int(label[-2:]) % 100 or (label[2:4] == "99" and label[-2:] == "00")


def latest_twelve_months(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Each council's rows for the 12 months ending with its latest period."""
    if pipeline.empty:
        return pipeline
    last = pipeline.groupby("area_code")["period"].transform("max")
    start = (last - pd.DateOffset(months=12)) + pd.Timedelta(days=1)
    return pipeline[pipeline["period_start"] >= start.dt.normalize()]


def funnel(pipeline: pd.DataFrame, *, group_total: bool = True) -> pd.DataFrame:
    """Counts at each stage per council (and for all councils shown), summed over the rows given.

    A stage nobody reported stays empty; one reported in only some periods is summed and
    marked, so a partial total is never taken for the whole.
    """
    cols = ["area_code", "area_name", "stage", "stage_label", "order", "count", "periods_reported", "periods",
            "first_period", "last_period", "synthetic"]
    if pipeline.empty:
        return pd.DataFrame(columns=cols)
    parts = [(code, name, part) for (code, name), part in pipeline.groupby(["area_code", "area_name"], sort=True)]
    if group_total and len(parts) > 1:
        parts.append(("group", GROUP_TOTAL, pipeline))
    rows = []
    for code, name, part in parts:
        n_periods = part[["area_code", "period"]].drop_duplicates().shape[0]
        for order, stage in enumerate(STAGES):
            reported = part.dropna(subset=[stage])
            rows.append({"area_code": code, "area_name": name, "stage": stage, "stage_label": STAGE_LABELS[stage],
                         "order": order,
                         "count": float(reported[stage].sum()) if len(reported) else float("nan"),
                         "periods_reported": reported[["area_code", "period"]].drop_duplicates().shape[0],
                         "periods": n_periods,
                         "first_period": part.sort_values("period")["period_label"].iloc[0],
                         "last_period": part.sort_values("period")["period_label"].iloc[-1],
                         "synthetic": bool(part["synthetic"].any())})
    return pd.DataFrame(rows, columns=cols)


def conversion(fun: pd.DataFrame) -> pd.DataFrame:
    """Stage-to-stage conversion (%) and enquiry-to-approval, from a :func:`funnel` frame."""
    rows = []
    for (code, name), part in fun.groupby(["area_code", "area_name"], sort=False):
        counts = part.set_index("stage")["count"]
        pairs = list(zip(STAGES, STAGES[1:])) + [(STAGES[0], STAGES[-1])]
        for before, after in pairs:
            a, b = counts.get(before), counts.get(after)
            pct = b / a * 100 if pd.notna(a) and pd.notna(b) and a > 0 else float("nan")
            rows.append({"area_code": code, "area_name": name,
                         "step": f"{STAGE_LABELS[before]} to {STAGE_LABELS[after].lower()}",
                         "from_count": a, "to_count": b, "conversion_pct": pct,
                         "overall": before == STAGES[0] and after == STAGES[-1]})
    return pd.DataFrame(rows)


def net_change(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Approvals minus de-registrations per council, period and household type.

    Transfers between fostering services are shown apart and added only in
    ``net_change_incl_transfers``; either is empty when a part of it was not reported.
    """
    out = pipeline[["area_code", "area_name", "household_type", "period", "period_start", "period_label",
                    "period_kind", "approvals", "deregistrations", "transfers_in", "transfers_out", "synthetic",
                    "source_id"]].copy()
    out["net_change"] = out["approvals"] - out["deregistrations"]
    out["net_change_incl_transfers"] = out["net_change"] + out["transfers_in"].fillna(0) - out["transfers_out"].fillna(0)
    both_blank = out["transfers_in"].isna() & out["transfers_out"].isna()
    out.loc[both_blank, "net_change_incl_transfers"] = pd.NA
    return out.reset_index(drop=True)


def net_change_all_types(net: pd.DataFrame) -> pd.DataFrame:
    """:func:`net_change` summed over household types per council and period.

    Net change including transfers is the sum's net change plus transfers in minus transfers out,
    reported transfers only (an unreported transfer is left out, not counted as zero movement
    in the other direction).
    """
    keys = ["area_code", "area_name", "period", "period_label", "period_kind", "synthetic"]
    out = (net.groupby(keys, as_index=False)[["approvals", "deregistrations", "transfers_in", "transfers_out",
                                              "net_change"]].sum(min_count=1))
    out["household_type"] = "all types"
    out["net_change_incl_transfers"] = out["net_change"] + out["transfers_in"].fillna(0) - out["transfers_out"].fillna(0)
    return out


def household_trajectory(house: pd.DataFrame, net: pd.DataFrame) -> pd.DataFrame:
    """Households at each period end, anchored on the latest published count and stepped back
    (and forward) by the pipeline's net change: where homes were gained and lost.

    Only for a council and type with both a published count and net changes; periods with
    an unreported net change end the trajectory rather than count as no change.
    """
    type_of = {"fostering_households_mainstream": "mainstream", "fostering_households_kinship": "kinship"}
    rows = []
    for indicator, household_type in type_of.items():
        for code in net["area_code"].unique():
            anchor = house[(house["area_code"] == code) & (house["indicator_id"] == indicator) & house["value"].notna()]
            changes = net[(net["area_code"] == code) & (net["household_type"] == household_type)].sort_values("period")
            if anchor.empty or changes.empty:
                continue
            anchor = anchor.sort_values("period").iloc[-1]
            when, count = pd.Timestamp(anchor["period"]), float(anchor["value"])
            for rec in changes.to_dict("records"):
                end = pd.Timestamp(rec["period"])
                if end <= when:
                    between = changes[(changes["period"] > end) & (changes["period"] <= when)]["net_change"]
                    value = count - between.sum() if between.notna().all() else float("nan")
                else:
                    between = changes[(changes["period"] > when) & (changes["period"] <= end)]["net_change"]
                    value = count + between.sum() if between.notna().all() else float("nan")
                rows.append({"area_code": code, "area_name": rec["area_name"], "household_type": household_type,
                             "period": end, "period_label": rec["period_label"], "households": value,
                             "anchor_period": anchor["period_label"], "anchor_value": count,
                             "synthetic": rec["synthetic"]})
            first = changes.iloc[0]
            start = pd.Timestamp(first["period_start"]) - pd.Timedelta(days=1)
            if start < when and changes[changes["period"] <= when]["net_change"].notna().all():
                before = count - changes[changes["period"] <= when]["net_change"].sum()
                rows.append({"area_code": code, "area_name": first["area_name"], "household_type": household_type,
                             "period": start, "period_label": f"start of {first['period_label']}",
                             "households": before, "anchor_period": anchor["period_label"], "anchor_value": count,
                             "synthetic": first["synthetic"]})
    cols = ["area_code", "area_name", "household_type", "period", "period_label", "households", "anchor_period",
            "anchor_value", "synthetic"]
    return pd.DataFrame(rows, columns=cols).sort_values(["area_name", "household_type", "period"]).reset_index(drop=True)


def stage_flags(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Rows where a stage count exceeds the stage before it: allowed (cohorts overlap
    between periods) but flagged for the council to check."""
    rows = []
    for rec in pipeline.to_dict("records"):
        for before, after in zip(STAGES, STAGES[1:]):
            a, b = rec[before], rec[after]
            if pd.notna(a) and pd.notna(b) and b > a:
                rows.append({"area_code": rec["area_code"], "area_name": rec["area_name"],
                             "household_type": rec["household_type"], "period_label": rec["period_label"],
                             "stage": STAGE_LABELS[after], "count": b, "previous_stage": STAGE_LABELS[before],
                             "previous_count": a, "synthetic": rec["synthetic"], "source_id": rec["source_id"]})
    return pd.DataFrame(rows, columns=["area_code", "area_name", "household_type", "period_label", "stage", "count",
                                       "previous_stage", "previous_count", "synthetic", "source_id"])


def deregistration_reasons(pipeline: pd.DataFrame) -> pd.DataFrame:
    """De-registrations by reason, per council and household type; the unexplained rest as 'reason not given'."""
    from regional.importers.fostering_pipeline import parse_reasons

    rows = []
    for rec in pipeline.dropna(subset=["deregistrations"]).to_dict("records"):
        reasons = parse_reasons(rec["deregistration_reasons"]) if rec["deregistration_reasons"] else {}
        rest = int(rec["deregistrations"]) - sum(reasons.values())
        if rest > 0:
            reasons["reason not given"] = rest
        for reason, n in reasons.items():
            rows.append({"area_code": rec["area_code"], "area_name": rec["area_name"],
                         "household_type": rec["household_type"], "reason": reason, "count": n,
                         "synthetic": rec["synthetic"], "period_label": rec["period_label"]})
    frame = pd.DataFrame(rows, columns=["area_code", "area_name", "household_type", "reason", "count", "synthetic",
                                        "period_label"])
    if frame.empty:
        return frame
    return (frame.groupby(["area_code", "area_name", "household_type", "reason", "synthetic"], as_index=False)
            .agg(count=("count", "sum"), first_period=("period_label", "first"), last_period=("period_label", "last"))
            .sort_values(["area_name", "household_type", "count"], ascending=[True, True, False]))


# --- forecast inputs --------------------------------------------------------
def forecast_inputs(store: Store, code: str, pipeline: pd.DataFrame, house: pd.DataFrame, *, years: int = 3,
                    kids: pd.DataFrame | None = None, util: pd.DataFrame | None = None
                    ) -> tuple[Assumptions, dict[str, str]] | None:
    """Default assumptions for one council, each with where it came from (for the page to show).

    None when DfE has no children-in-foster-care figure for the council. ``kids`` and
    ``util`` may be given precomputed (from :func:`children_in_foster`, :func:`utilisation`)
    for many councils at once.
    """
    kids = children_in_foster(store, [code]) if kids is None else kids[kids["area_code"] == code]
    kids = kids.dropna(subset=["children_in_foster"])
    if kids.empty:
        return None
    base = kids.iloc[-1]
    basis: dict[str, str] = {}
    slope = trend_per_year(kids["year"], kids["children_in_foster"])
    shown = kids.tail(5)
    basis["children_change_per_year"] = (f"straight-line trend in children in foster care {shown['year'].min()}-"
                                         f"{shown['year'].max()} (DfE via LAIT: children in care x % in foster care)")
    basis["children_in_foster"] = (f"{base['cic_count']:.0f} children in care x {base['pct_foster_placements']:.0f}% "
                                   f"in foster care at 31 March {base['year']}")
    util = (utilisation(store, [code]) if util is None else util[util["area_code"] == code]).dropna(subset=["filled"])
    filled_row = util[util["period"] <= base["period"]].tail(1)
    if filled_row.empty:
        share, filled = 0.0, float("nan")
        basis["inhouse_share"] = "no LA foster places filled figure: set a target"
    else:
        filled = float(filled_row["filled"].iloc[0])
        share = min(filled / base["children_in_foster"], 1.0) if base["children_in_foster"] > 0 else 0.0
        basis["inhouse_share"] = (f"today's share: {filled:.0f} LA foster places filled ({filled_row['period_label'].iloc[0]}) "
                                  f"/ {base['children_in_foster']:.0f} children in foster care")
    mainstream = latest_mainstream(house, code)
    if mainstream is not None and pd.notna(filled):
        households_now = float(mainstream["value"])
        nearest = _nearest(util, pd.Timestamp(mainstream["period"]))
        per_household = nearest / households_now if households_now > 0 and pd.notna(nearest) else DEFAULT_CHILDREN_PER_HOUSEHOLD
        basis["households_now"] = (f"{households_now:.0f} mainstream households at {mainstream['period_label']} "
                                   f"({mainstream['basis']}; {mainstream['source_title']})")
        basis["children_per_household"] = (f"{nearest:.0f} LA places filled (nearest year) / {households_now:.0f} "
                                           "mainstream households")
    else:
        per_household = DEFAULT_CHILDREN_PER_HOUSEHOLD
        households_now = filled / per_household if pd.notna(filled) else 0.0
        basis["children_per_household"] = (f"assumed {DEFAULT_CHILDREN_PER_HOUSEHOLD} (no household count published: "
                                           "not a measured figure; set your own)")
        basis["households_now"] = (f"estimated: {filled:.0f} LA places filled / {per_household} children per household"
                                   if pd.notna(filled) else "no figure")
    net, net_basis = _net_change_per_year(store, code, pipeline)
    basis["net_change_per_year"] = net_basis
    assumptions = Assumptions(base_year=int(base["year"]), children_in_foster=float(base["children_in_foster"]),
                              children_change_per_year=slope, inhouse_share=share,
                              children_per_household=round(per_household, 2), households_now=households_now,
                              net_change_per_year=net, years=years)
    return assumptions, basis


def _nearest(util: pd.DataFrame, when: pd.Timestamp) -> float:
    rows = util.dropna(subset=["filled"])
    if rows.empty:
        return float("nan")
    distance = (pd.to_datetime(rows["period"]) - when).abs()
    return float(rows.loc[distance.idxmin(), "filled"])


def _net_change_per_year(store: Store, code: str, pipeline: pd.DataFrame) -> tuple[float, str]:
    """Recent net change in mainstream households a year, from the best evidence held.

    Order: the council's own pipeline return; approvals and de-registrations in its
    indicator return; a net change the council published; the synthetic example;
    otherwise no change (and the page says so).
    """
    own = pipeline[(pipeline["area_code"] == code) & (pipeline["household_type"].isin(["mainstream", "all"]))]
    real, synthetic = own[~own["synthetic"]], own[own["synthetic"]]
    if len(real):
        return _annual_net(real, "pipeline return")
    flows = returned_flows(store, [code]).dropna(subset=["net_change"])
    if len(flows):
        rec = flows.iloc[-1]
        per_year = float(rec["net_change"]) * 12 / rec["months"]
        return per_year, (f"{rec['approvals']:.0f} approvals - {rec['deregistrations']:.0f} de-registrations in "
                          f"{rec['period_label']} ({rec['source_title']})")
    published = store.observations_for("fostering_households_mainstream_net_change", [code], source="council",
                                       breakdown=None).dropna(subset=["value"])
    if len(published):
        rec = published.sort_values("period").iloc[-1]
        kind = " (the council's forecast)" if rec["breakdown"] == "forecast" else ""
        return float(rec["value"]), f"{rec['value']:+.0f} a year{kind}: {rec['source_title']}"
    if len(synthetic):
        return _annual_net(synthetic, "SYNTHETIC example pipeline")
    return 0.0, "no net change figure held: assumed 0 (set your own)"


def _annual_net(rows: pd.DataFrame, what: str) -> tuple[float, str]:
    recent = latest_twelve_months(rows).dropna(subset=["approvals", "deregistrations"])
    if recent.empty:
        return 0.0, f"{what}: approvals/de-registrations not reported; assumed 0"
    months = sum(1 if k == "month" else 3 for k in recent["period_kind"])
    net = float(recent["approvals"].sum() - recent["deregistrations"].sum())
    per_year = net * 12 / months
    span = f"{recent['period_label'].iloc[0]} to {recent['period_label'].iloc[-1]}"
    return per_year, (f"{what}: {recent['approvals'].sum():.0f} approvals - {recent['deregistrations'].sum():.0f} "
                      f"de-registrations over {months} months ({span})")


def group_forecast(store: Store, codes: list[str], pipeline: pd.DataFrame, house: pd.DataFrame, *,
                   years: int = 3) -> pd.DataFrame:
    """Every council's forecast on its default assumptions: one row each, with the gap in words."""
    from regional.forecast import extra_households_per_year, forecast, gap_sentence

    rows = []
    kids, util = children_in_foster(store, codes), utilisation(store, codes)
    for code in codes:
        made = forecast_inputs(store, code, pipeline, house, years=years, kids=kids, util=util)
        if made is None:
            rows.append({"area_code": code, "council": store.name(code), "in_words": "no DfE children-in-foster-care figure"})
            continue
        a, basis = made
        frame = forecast(a)
        end = frame.iloc[-1]
        rows.append({"area_code": code, "council": store.name(code), "base_year": a.base_year,
                     "children_in_foster": round(a.children_in_foster), "children_change_per_year": round(a.children_change_per_year, 1),
                     "inhouse_share_pct": round(a.inhouse_share * 100, 1), "children_per_household": a.children_per_household,
                     "households_now": round(a.households_now, 1), "households_now_basis": basis["households_now"],
                     "net_change_per_year": round(a.net_change_per_year, 1), "net_change_basis": basis["net_change_per_year"],
                     "horizon": f"31 March {int(end['year'])}", "households_needed": round(end["households_needed"], 1),
                     "households_expected": round(end["households_expected"], 1),
                     "extra_households_per_year": round(extra_households_per_year(frame), 1),
                     "in_words": gap_sentence(store.name(code), frame, a)})
    return pd.DataFrame(rows)
