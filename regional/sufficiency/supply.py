"""Local supply by placement type, per council and year, with where each figure comes from.

* **Children's homes**: places on Ofsted's register at 31 March 2023 (children's homes and
  secure children's homes), or a council's newer local-provision return, plus the net trend of
  places joining and leaving the register (mean of the last three years to 31 March 2023).
* **In-house fostering**: the council's approved foster places (Ofsted via LAIT, excluding
  family and friends), plus the straight-line trend of the years published; households from
  the council's own return, otherwise estimated from places at the group's places per household
  (or 1.5 where no member returns both), labelled as an estimate.
* **Supported accommodation**: the council's own return (local-provision line or indicator);
  no published national source, so "not known" where a council has not returned it.
* **Planned homes** (children's homes and supported accommodation): a council's planned-homes
  return adds each home's beds from the first 31 March on or after its opening date (a closure
  takes them away); a change dated on or before the base count is already in it.
Other types (agency and kinship fostering, placed with parents, other) have no local supply
measure: agency carers and families are not a council's places to plan.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from regional import models, residential
from regional.store import Store
from regional.sufficiency.demand import linear_trend

DEFAULT_PLACES_PER_HOUSEHOLD = 1.5
NET_YEARS = 3
NO_SOURCE = "none: not published or returned"
SUPPLY_COLUMNS = ["area_code", "year", "type", "places", "households", "usable_share", "basis", "source", "status"]


def project_places(base: float, base_year: int, net_per_year: float, years: list[int]) -> np.ndarray:
    """Places in each year: the base plus the net change a year since the base year, never below 0.
    Years before the base keep the base (the plan looks forward)."""
    steps = np.maximum(np.asarray(years, dtype=float) - base_year, 0)
    return np.maximum(base + net_per_year * steps, 0.0)


def planned_changes(store: Store, codes: list[str], setting_type: str) -> pd.DataFrame:
    """The councils' planned openings and closures of one setting type (planned-homes returns),
    each with the 31 March from which it counts and its signed beds."""
    rows = store.table(models.PlannedProvision)
    rows = rows[(rows["setting_type"] == setting_type) & rows["area_code"].isin(codes)].copy()
    when = pd.to_datetime(rows["period"])
    rows["period"] = when
    rows["from_year"] = np.where(when.dt.month <= 3, when.dt.year, when.dt.year + 1).astype(int)
    rows["signed_beds"] = np.where(rows["change"] == "close", -rows["beds"], rows["beds"]).astype(float)
    return rows.sort_values("period")


def add_planned(places: np.ndarray, years: list[int], changes: pd.DataFrame, base_date: pd.Timestamp
                ) -> tuple[np.ndarray, str, list[str]]:
    """Places with each planned change after ``base_date`` added from its year (never below 0);
    the words saying which changes counted, and the source ids they came from."""
    later = changes[changes["period"] > pd.Timestamp(base_date)]
    years_arr = np.asarray(years)
    out = np.asarray(places, dtype=float).copy()
    words = []
    for rec in later.itertuples():
        out = out + np.where(years_arr >= rec.from_year, rec.signed_beds, 0.0)
        name = rec.setting_name or "a home not yet named"
        stage = f", {rec.stage}" if rec.stage else ""
        words.append(f"{'+' if rec.change == 'open' else '-'}{rec.beds} {name} ({rec.change}s "
                     f"{rec.period:%d %B %Y}{stage}; counted from 31 March {rec.from_year})")
    skipped = len(changes) - len(later)
    if skipped:
        words.append(f"{skipped} change(s) dated before the base count, already in it")
    text = "planned homes (council's return): " + "; ".join(words) if words else ""
    return np.maximum(out, 0.0), text, sorted(set(later["source_id"]))


def _uncounted(planned: pd.DataFrame, code: str) -> str:
    n = int((planned["area_code"] == code).sum())
    return f"; {n} planned change(s) returned but not counted: no base figure to add them to" if n else ""


def _net_places_per_year(store: Store, codes: list[str]) -> pd.Series:
    changes = store.table(models.OfstedRegisterChange)
    yearly = residential.register_changes(changes, codes)
    yearly = yearly.sort_values("year_end").groupby("area_code").tail(NET_YEARS)
    return yearly.groupby("area_code")["net_places"].mean()


def _latest_lines(store: Store, codes: list[str], setting_type: str) -> pd.DataFrame:
    lines = store.table(models.LocalProvision)
    lines = lines[(lines["setting_type"] == setting_type) & lines["area_code"].isin(codes)
                  & (lines["setting_name"].fillna("") == "") & lines["beds"].notna()]
    lines = lines.assign(period=pd.to_datetime(lines["period"])).sort_values("period")
    return lines.groupby("area_code").tail(1).set_index("area_code")


def childrens_homes(store: Store, codes: list[str], years: list[int]) -> pd.DataFrame:
    register = residential.supply_by_council(store, store.table(models.OfstedProvider)).set_index("area_code")
    net = _net_places_per_year(store, codes)
    returns = _latest_lines(store, codes, "childrens_home")
    planned = planned_changes(store, codes, "childrens_home")
    rows = []
    for code in codes:
        trend = float(net.get(code, 0.0))
        if code in returns.index and returns.loc[code, "period"] > pd.Timestamp(residential.SNAPSHOT):
            line = returns.loc[code]
            base, base_year, base_date = float(line["beds"]), line["period"].year, line["period"]
            basis = f"council's local-provision return, {line['period']:%d %B %Y}: {base:.0f} beds"
            source = line["source_id"]
        elif code in register.index and pd.notna(register.loc[code, "places"]):
            base, base_year = float(register.loc[code, "places"]), residential.SNAPSHOT.year
            base_date = pd.Timestamp(residential.SNAPSHOT)
            basis = f"Ofsted register, {residential.SNAPSHOT_LABEL}: {base:.0f} places"
            source = "ofsted-providers-2023"
        else:
            rows += [dict(area_code=code, year=y, type="childrens_homes", places=np.nan, households=np.nan,
                          usable_share=np.nan, basis="no register figure" + _uncounted(planned, code),
                          source=NO_SOURCE, status="missing") for y in years]
            continue
        own = np.nan
        if code in returns.index and pd.notna(returns.loc[code, "occupied_own"]) and returns.loc[code, "beds"]:
            own = float(returns.loc[code, "occupied_own"]) / float(returns.loc[code, "beds"])
        basis += f"; net {trend:+.1f} places a year (Ofsted joiners and leavers, last {NET_YEARS} years to 2023)"
        projected = project_places(base, base_year, trend, years)
        projected, words, ids = add_planned(projected, years, planned[planned["area_code"] == code], base_date)
        if words:
            basis += "; " + words
            source = "; ".join([source, *ids])
        for y, places in zip(years, projected):
            rows.append(dict(area_code=code, year=y, type="childrens_homes", places=places, households=np.nan,
                             usable_share=own, basis=basis, source=source, status="ok"))
    return pd.DataFrame(rows, columns=SUPPLY_COLUMNS)


def places_per_household(store: Store, codes: list[str]) -> tuple[float, str]:
    """Approved places per in-house mainstream household, from members that return both."""
    from regional import fostering

    house = fostering.households(store, codes)
    approved = store.preferred("foster_places_approved", codes).sort_values("period").groupby("area_code").tail(1)
    ratios = []
    for rec in approved.itertuples():
        latest = fostering.latest_mainstream(house, rec.area_code)
        if latest is not None and latest["value"] > 0 and pd.notna(rec.value):
            ratios.append(rec.value / latest["value"])
    if not ratios:
        return DEFAULT_PLACES_PER_HOUSEHOLD, f"assumed {DEFAULT_PLACES_PER_HOUSEHOLD} (no member returns households)"
    value = float(np.median(ratios))
    return value, f"{value:.2f}: median of {len(ratios)} member(s) with households returned and places published"


def inhouse_fostering(store: Store, codes: list[str], years: list[int],
                      per_household: tuple[float, str] | None = None) -> pd.DataFrame:
    from regional import fostering

    approved = store.preferred("foster_places_approved", codes)
    filled = store.preferred("foster_places_filled", codes)
    house = fostering.households(store, codes)
    per_household, per_basis = per_household or places_per_household(store, codes)
    rows = []
    for code in codes:
        mine = approved[approved["area_code"] == code].sort_values("period")
        ok = mine.dropna(subset=["value"])
        if ok.empty:
            rows += [dict(area_code=code, year=y, type="fostering_inhouse", places=np.nan, households=np.nan,
                          usable_share=np.nan, basis="LA foster places not published", source=NO_SOURCE, status="missing")
                     for y in years]
            continue
        last = ok.iloc[-1]
        base_year = last["period"].year
        projected = linear_trend(ok["period"].dt.year, ok["value"], years)
        projected = np.where(np.asarray(years) <= base_year, last["value"], projected)
        fill = filled[(filled["area_code"] == code) & (filled["period"] == last["period"])]["value"]
        util = float(fill.iloc[0] / last["value"]) if len(fill) and pd.notna(fill.iloc[0]) and last["value"] else np.nan
        latest = fostering.latest_mainstream(house, code)
        if latest is not None:
            hh_base = float(latest["value"])
            hh_basis = f"households from the council's return ({latest['period']:%B %Y}: {hh_base:.0f})"
            households = hh_base + (projected - last["value"]) / per_household
        else:
            households = projected / per_household
            hh_basis = f"households ESTIMATED from places at {per_basis}"
        basis = (f"LA foster places approved (Ofsted via LAIT) {last['period_label']}: {last['value']:.0f}, "
                 f"trend through {len(ok)} year(s); utilisation {util:.0%} (places filled / approved); {hh_basis}"
                 if pd.notna(util) else f"LA foster places approved {last['period_label']}: {last['value']:.0f}; {hh_basis}")
        for y, places, hh in zip(years, projected, np.broadcast_to(households, len(years))):
            rows.append(dict(area_code=code, year=y, type="fostering_inhouse", places=float(places),
                             households=float(hh), usable_share=util, basis=basis, source="dfe-lait", status="ok"))
    return pd.DataFrame(rows, columns=SUPPLY_COLUMNS)


def supported(store: Store, codes: list[str], years: list[int]) -> pd.DataFrame:
    lines = _latest_lines(store, codes, "supported_accommodation")
    planned = planned_changes(store, codes, "supported_accommodation")
    returned = store.observations_for("supported_accommodation_beds", codes, source="council").dropna(subset=["value"])
    returned = returned.sort_values("period").groupby("area_code").tail(1).set_index("area_code")
    rows = []
    for code in codes:
        if code in lines.index:
            beds, when, source = float(lines.loc[code, "beds"]), lines.loc[code, "period"], lines.loc[code, "source_id"]
        elif code in returned.index:
            beds, when, source = float(returned.loc[code, "value"]), returned.loc[code, "period"], returned.loc[code, "source_id"]
        else:
            rows += [dict(area_code=code, year=y, type="supported", places=np.nan, households=np.nan,
                          usable_share=np.nan, basis="not returned by the council (no published source)"
                          + _uncounted(planned, code),
                          source=NO_SOURCE, status="not known") for y in years]
            continue
        basis = f"council's return, {when:%B %Y}: {beds:.0f} local places, held flat (no trend published)"
        places, words, ids = add_planned(np.full(len(years), beds), years, planned[planned["area_code"] == code],
                                         pd.Timestamp(when))
        if words:
            basis += "; " + words
            source = "; ".join([source, *ids])
        rows += [dict(area_code=code, year=y, type="supported", places=float(p), households=np.nan,
                      usable_share=np.nan, basis=basis, source=source, status="ok") for y, p in zip(years, places)]
    return pd.DataFrame(rows, columns=SUPPLY_COLUMNS)


def local_supply(store: Store, codes: list[str], years: list[int],
                 per_household: tuple[float, str] | None = None) -> pd.DataFrame:
    """Places by council, year and type (children's homes, in-house fostering, supported)."""
    return pd.concat([childrens_homes(store, codes, years), inhouse_fostering(store, codes, years, per_household),
                      supported(store, codes, years)], ignore_index=True)
