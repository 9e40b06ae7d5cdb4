"""Residential supply and demand: local children's home places against the council's own
children in residential care, and how full the local market is.

Pure functions over frames: the Ofsted register (``OfstedProvider``), its joiners and
leavers (``OfstedRegisterChange``), council local-market returns (``LocalProvision``) and
observations from :class:`regional.store.Store`. A figure nobody published stays missing
(NaN with a status saying why); it never becomes 0.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from regional.authorities import ENGLAND_CODE
from regional.importers.local_provision import SETTING_TYPES
from regional.importers.ofsted import (CHANGES_SOURCE_ID, CHILDRENS_HOME, COUNTED_UNDER, GRADES, NOT_INSPECTED,
                                       REGISTER_SOURCE_ID, SECTORS, SECURE_HOME, SNAPSHOT)
from regional.observations import period_stated
from regional.store import Store

#: What "local children's home places" counts unless the user chooses otherwise: the settings
#: DfE's "secure units and children's homes" placement type fills (short-break-only homes,
#: residential special schools and family centres are left out).
DEFAULT_SETTINGS = [CHILDRENS_HOME, SECURE_HOME]
SNAPSHOT_LABEL = "31 March 2023"
POPULATION = "child_population_0_17"
GRADE_ORDER = [*GRADES, NOT_INSPECTED]
SECTOR_ORDER = list(SECTORS.values())


def _population(store: Store, year: int = SNAPSHOT.year) -> pd.DataFrame:
    """Children aged 0-17 (DfE's denominator) at 31 March of ``year``: value and status per area."""
    rows = store.preferred(POPULATION)
    rows = rows[rows["period"].dt.year == year]
    return rows.set_index("area_code")[["value", "status"]].rename(columns={"value": "child_population",
                                                                            "status": "population_status"})


def _selected(providers: pd.DataFrame, settings: list[str]) -> pd.DataFrame:
    return providers[providers["setting"].isin(settings)]


def councils_for_register(store: Store, providers: pd.DataFrame) -> pd.DataFrame:
    """Councils in use today plus any council the register itself names (Cumbria in 2023)."""
    las = store.areas[store.areas["level"] == "la"]
    keep = las["active"] | las["code"].isin(providers["area_code"])
    return las[keep][["code", "name", "region_code"]].sort_values("name").reset_index(drop=True)


def supply_by_council(store: Store, providers: pd.DataFrame, settings: list[str] = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Homes, places and places per 10,000 children for every council, at the register's date.

    A council with no home on the register has 0 (the register is complete). Councils
    created after the snapshot (Cumberland, Westmorland and Furness) have no figure: their
    homes are in Cumbria's, and ``status`` says so. Per 10,000 needs the child population;
    where DfE suppressed it the rate is missing with the population's status.
    """
    councils = councils_for_register(store, providers)
    chosen = _selected(providers, settings)
    counts = chosen.groupby("area_code").agg(homes=("urn", "size"), places=("places", "sum"),
                                             places_not_given=("places", lambda s: int(s.isna().sum())))
    out = councils.rename(columns={"code": "area_code", "name": "area_name"}).join(counts, on="area_code")
    out[["homes", "places", "places_not_given"]] = out[["homes", "places", "places_not_given"]].fillna(0)
    out = out.join(_population(store), on="area_code")
    out["status"] = "ok"
    for code, parent in COUNTED_UNDER.items():
        hit = out["area_code"] == code
        out.loc[hit, ["homes", "places", "places_not_given"]] = np.nan
        out.loc[hit, "status"] = f"counted in {store.name(parent)} (Ofsted, {SNAPSHOT_LABEL})"
    rate = out["places"] / out["child_population"] * 10_000
    out["places_per_10k"] = rate.round(1)
    no_population = out["child_population"].isna() & (out["status"] == "ok")
    out.loc[no_population, "status"] = out.loc[no_population, "population_status"].fillna("missing") \
        .map(lambda s: f"child population {s}")
    out["period_label"] = SNAPSHOT_LABEL
    out["source_id"] = REGISTER_SOURCE_ID
    return out.drop(columns=["population_status"])


def area_benchmarks(store: Store, providers: pd.DataFrame, settings: list[str] = DEFAULT_SETTINGS,
                    region_code: str | None = None) -> pd.DataFrame:
    """England's and the region's homes, places and places per 10,000 children."""
    chosen = _selected(providers, settings).merge(store.areas[["code", "region_code"]], left_on="area_code",
                                                  right_on="code", how="left")
    population = _population(store)
    rows = []
    for code in [ENGLAND_CODE] + ([region_code] if region_code else []):
        part = chosen if code == ENGLAND_CODE else chosen[chosen["region_code"] == code]
        kids = population["child_population"].get(code, np.nan)
        places = float(part["places"].sum())
        rows.append({"area_code": code, "area_name": store.name(code), "homes": len(part), "places": places,
                     "child_population": kids,
                     "places_per_10k": round(places / kids * 10_000, 1) if pd.notna(kids) else np.nan,
                     "period_label": SNAPSHOT_LABEL, "source_id": REGISTER_SOURCE_ID})
    return pd.DataFrame(rows)


def by_category(providers: pd.DataFrame, codes: list[str], names: dict[str, str], category: str,
                settings: list[str] = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Homes and places per council split by ``sector`` or ``grade``; every category listed, 0 where none.

    Councils created after the register's date (their homes are in Cumbria's) are left out
    rather than shown with zeros.
    """
    codes = [c for c in codes if c not in COUNTED_UNDER]
    order = SECTOR_ORDER if category == "sector" else GRADE_ORDER
    chosen = _selected(providers, settings)
    chosen = chosen[chosen["area_code"].isin(codes)]
    counts = chosen.groupby(["area_code", category]).agg(homes=("urn", "size"), places=("places", "sum"))
    present = [c for c in order if c in set(chosen[category])] or order[:1]
    if category == "sector":  # the three every council has; academies and health authorities only if present
        present = [c for c in order if c in set(present) | {"Local authority", "Private", "Voluntary"}]
    else:
        present = order
    grid = pd.MultiIndex.from_product([codes, present], names=["area_code", category])
    out = counts.reindex(grid, fill_value=0).reset_index()
    out["area_name"] = out["area_code"].map(names)
    out["period_label"] = SNAPSHOT_LABEL
    out["source_id"] = REGISTER_SOURCE_ID
    return out[["area_code", "area_name", category, "homes", "places", "period_label", "source_id"]]


def register_changes(changes: pd.DataFrame, codes: list[str], settings: list[str] = DEFAULT_SETTINGS,
                     label: str | None = None) -> pd.DataFrame:
    """Homes joining and leaving the register per year to 31 March, for the councils given.

    With ``label`` the councils are added together under that name (a group's total);
    otherwise one series per council. Years with no change are 0: Ofsted lists every joiner
    and leaver. Places of a joiner or leaver Ofsted gave none for are counted in
    ``places_not_given``.
    """
    chosen = changes[changes["setting"].isin(settings) & changes["area_code"].isin(codes)].copy()
    if label is not None:
        chosen["area_code"] = label
        keys = [label]
    else:
        keys = list(codes)
    chosen["places_joined"] = chosen["places"].where(chosen["joined"])
    chosen["places_left"] = chosen["places"].where(chosen["left"])
    chosen["no_places"] = chosen["places"].isna()
    grouped = chosen.groupby(["area_code", "year_end"]).agg(
        homes_joined=("joined", "sum"), homes_left=("left", "sum"),
        places_joined=("places_joined", "sum"), places_left=("places_left", "sum"),
        places_not_given=("no_places", "sum"))
    years = sorted(changes["year_end"].unique())
    grid = pd.MultiIndex.from_product([keys, years], names=["area_code", "year_end"])
    out = grouped.reindex(grid, fill_value=0).reset_index()
    out["net_homes"] = out["homes_joined"] - out["homes_left"]
    out["net_places"] = out["places_joined"] - out["places_left"]
    out["period_label"] = [f"{pd.Timestamp(y).year - 1}-{str(pd.Timestamp(y).year)[-2:]}" for y in out["year_end"]]
    out["source_id"] = CHANGES_SOURCE_ID
    return out


def own_children_in_residential_dfe(store: Store, codes: list[str]) -> pd.DataFrame:
    """The council's own children in secure units and children's homes, estimated from DfE/LAIT.

    children in care x % in secure units and children's homes / 100, per year. LAIT gives the
    percentage as a whole number, so the estimate can be off by up to half a percent of the
    children in care; a suppressed or missing input leaves the estimate missing with that status.
    """
    cic = store.preferred("cic_count", codes)[["area_code", "period", "period_label", "value", "status", "source_id"]]
    pct = store.preferred("pct_secure_and_childrens_homes", codes)[["area_code", "period", "value", "status",
                                                                    "source_id"]]
    both = cic.merge(pct, on=["area_code", "period"], how="inner", suffixes=("_cic", "_pct"))
    both["own_in_residential"] = (both["value_cic"] * both["value_pct"] / 100).round(0)
    both["status"] = np.where(both["own_in_residential"].notna(), "estimate",
                              np.where((both["status_cic"] == "suppressed") | (both["status_pct"] == "suppressed"),
                                       "suppressed", "missing"))
    both["source_id"] = both["source_id_cic"] + " x " + both["source_id_pct"]
    return both.rename(columns={"value_cic": "cic_count", "value_pct": "pct_secure_and_childrens_homes"})[
        ["area_code", "period", "period_label", "cic_count", "pct_secure_and_childrens_homes", "own_in_residential",
         "status", "source_id"]]


RETURN_MEASURES = {
    "cic_in_residential_count": "own_in_residential_return",
    "residential_beds_local": "local_beds_return",
    "cic_in_residential_inside_la_count": "own_inside_return",
    "cic_in_residential_outside_la_count": "own_outside_return",
}


def latest_return_figures(store: Store, codes: list[str]) -> pd.DataFrame:
    """Each council's latest own figure per residential measure, with its date and source.

    When one document gives two figures for the same date (Dorset's 53 and 54 children in
    residential care, in different sections), the first in the return is taken and the
    note says what the other was.
    """
    rows = store.observations_for(list(RETURN_MEASURES), codes, source="council")
    rows = rows[rows["value"].notna() & period_stated(rows["period_label"])]  # an undated figure has no date to show
    out = pd.DataFrame({"area_code": codes})
    for indicator, name in RETURN_MEASURES.items():
        part = rows[rows["indicator_id"] == indicator]
        newest = part[part["period"] == part.groupby("area_code")["period"].transform("max")]
        picked: dict[str, dict] = {}
        for rec in newest.itertuples(index=False):
            where = rec.source_title + (f", section {rec.section}" if rec.section else "")
            if rec.area_code not in picked:
                picked[rec.area_code] = {"value": rec.value, "date": rec.period.strftime("%Y-%m-%d"),
                                         "source": where, "also": []}
            else:
                picked[rec.area_code]["also"].append(f"{rec.value:g} ({rec.section or rec.source_title})")
        empty = {"value": np.nan, "date": "", "source": "", "also": []}
        found = [picked.get(code, empty) for code in codes]
        out[name] = pd.Series([f["value"] for f in found], dtype=float)
        out[f"{name}_date"] = pd.Series([f["date"] for f in found], dtype=object)
        out[f"{name}_source"] = pd.Series([f["source"] for f in found], dtype=object)
        out[f"{name}_also"] = pd.Series(["; ".join(f["also"]) for f in found], dtype=object)
    return out


def supply_vs_demand(store: Store, supply: pd.DataFrame, codes: list[str],
                     market: pd.DataFrame | None = None) -> pd.DataFrame:
    """Local places against the council's own children in residential care, published and returned.

    Published: Ofsted's places at 31 March 2023 against DfE's estimate of the council's own
    children in secure units and children's homes on the same date, and DfE's latest year.
    Returned: the council's own count of local beds and of its children in residential care,
    and how many of them live inside the council, where its documents say. A local-provision
    return's children's home line (``market``, from :func:`local_market`) is preferred for the
    local beds and the own children in them, since it counts both on the same day.
    """
    names = dict(zip(store.areas["code"], store.areas["name"]))
    dfe = own_children_in_residential_dfe(store, codes)
    at_snapshot = dfe[dfe["period"].dt.year == SNAPSHOT.year].set_index("area_code")
    latest = dfe.sort_values("period").groupby("area_code").tail(1).set_index("area_code")
    local = supply.set_index("area_code")
    out = pd.DataFrame({"area_code": codes, "area_name": [names.get(c, c) for c in codes]})
    out["local_places_ofsted"] = out["area_code"].map(local["places"])
    out["local_homes_ofsted"] = out["area_code"].map(local["homes"])
    out["own_in_residential_dfe_2023"] = out["area_code"].map(at_snapshot["own_in_residential"])
    out["own_in_residential_dfe_2023_status"] = out["area_code"].map(at_snapshot["status"]).fillna("missing")
    out["places_per_own_child_2023"] = (out["local_places_ofsted"] / out["own_in_residential_dfe_2023"]
                                        .replace(0, np.nan)).round(2)
    out["own_in_residential_dfe_latest"] = out["area_code"].map(latest["own_in_residential"])
    out["dfe_latest_year"] = out["area_code"].map(latest["period_label"]).fillna("")
    out = out.merge(latest_return_figures(store, codes), on="area_code", how="left")
    homes = pd.DataFrame() if market is None or market.empty else \
        market[(market["setting_type"] == "childrens_home") & market["beds"].notna()]
    newest = {} if homes.empty else {code: part.iloc[-1] for code, part in
                                     homes.sort_values("period").groupby("area_code", sort=False)}
    for position, code in enumerate(out["area_code"]):
        if code not in newest:  # only councils with a local-provision return are looked at
            continue
        line = newest[code]
        day, where = str(line["period"])[:10], f"{line['source']} (local provision return)"
        old_beds, old_day = out.at[position, "local_beds_return"], out.at[position, "local_beds_return_date"]
        if pd.notna(old_beds) and (old_beds != line["beds"] or old_day != day):
            out.at[position, "local_beds_return_also"] = f"council return's residential_beds_local: {old_beds:g} ({old_day})"
        out.at[position, "local_beds_return"] = line["beds"]
        out.at[position, "local_beds_return_date"] = day
        out.at[position, "local_beds_return_source"] = where
        if pd.notna(line["occupied_own"]):
            out.at[position, "own_inside_return"] = line["occupied_own"]
            out.at[position, "own_inside_return_date"] = day
            out.at[position, "own_inside_return_source"] = where
    # A ratio needs both counts on one day: beds at March 2026 over children at April 2025 is not one.
    same_day = out["local_beds_return_date"] == out["own_in_residential_return_date"]
    out["local_beds_per_own_child_return"] = (out["local_beds_return"] / out["own_in_residential_return"]
                                              .replace(0, np.nan)).round(2).where(same_day)
    known = (out["own_inside_return"].notna() & out["own_in_residential_return"].notna()
             & (out["own_inside_return_date"] == out["own_in_residential_return_date"]))  # a share needs one day
    out["own_inside_share_return_pct"] = np.where(known, (out["own_inside_return"] / out["own_in_residential_return"]
                                                          * 100).round(0), np.nan)
    return out


# --- council local-market returns ---------------------------------------------------------------

def _all_or_nothing(values: pd.Series) -> float:
    """A total only when every setting gives the figure; a partial sum would read as the whole."""
    return float(values.sum()) if len(values) and values.notna().all() else np.nan


def local_market(lines: pd.DataFrame, names: dict[str, str], sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Beds and who fills them per council, setting type, date and document, with the shares derived.

    Shares are computed only from figures the return gives; ``own_share_basis`` says whether
    the own-children share is counted or published as a percentage.
    """
    columns = ["area_code", "area_name", "period", "period_label", "setting_type", "setting", "settings_listed",
               "beds", "occupied_own", "occupied_other", "vacant", "own_share_pct", "own_share_basis",
               "occupancy_pct", "void_pct", "other_councils_share_pct", "not_own_beds", "not_own_meaning",
               "source_id", "source", "note"]
    if lines.empty:
        return pd.DataFrame(columns=columns)
    keys = ["area_code", "period", "period_label", "setting_type", "source_id"]
    grouped = lines.groupby(keys, sort=False)
    out = grouped.agg(beds=("beds", _all_or_nothing), occupied_own=("occupied_own", _all_or_nothing),
                      occupied_other=("occupied_other", _all_or_nothing), vacant=("vacant", _all_or_nothing),
                      own_use_pct=("own_use_pct", lambda s: s.iloc[0] if len(s) == 1 else np.nan),
                      settings_listed=("setting_name", lambda s: int((s != "").sum())),
                      note=("note", lambda s: "; ".join(n for n in s if n))).reset_index()
    out["area_name"] = out["area_code"].map(names)
    out["setting"] = out["setting_type"].map(SETTING_TYPES)
    counted = out["beds"].gt(0) & out["occupied_own"].notna()
    out["own_share_pct"] = np.where(counted, out["occupied_own"] / out["beds"] * 100, out["own_use_pct"])
    out["own_share_basis"] = np.where(counted, "counted", np.where(out["own_use_pct"].notna(), "as published", ""))
    has_beds = out["beds"].gt(0)
    out["occupancy_pct"] = np.where(has_beds & out["occupied_own"].notna() & out["occupied_other"].notna(),
                                    (out["occupied_own"] + out["occupied_other"]) / out["beds"] * 100, np.nan)
    out["void_pct"] = np.where(has_beds & out["vacant"].notna(), out["vacant"] / out["beds"] * 100, np.nan)
    out["other_councils_share_pct"] = np.where(has_beds & out["occupied_other"].notna(),
                                               out["occupied_other"] / out["beds"] * 100, np.nan)
    unsplit = out["occupied_other"].isna() & out["vacant"].isna()
    out["not_own_beds"] = np.where(out["beds"].notna() & out["occupied_own"].notna() & unsplit,
                                   out["beds"] - out["occupied_own"], np.nan)
    out["not_own_meaning"] = np.where(out["not_own_beds"].notna(), "other councils' children or vacant", "")
    for column in ("own_share_pct", "occupancy_pct", "void_pct", "other_councils_share_pct"):
        out[column] = out[column].astype(float).round(1)
    titles = dict(zip(sources["id"], sources["title"])) if sources is not None else {}
    out["source"] = out["source_id"].map(titles).fillna(out["source_id"])
    return out.sort_values(["area_name", "setting_type", "period"])[columns].reset_index(drop=True)


SEGMENTS = ["Own children", "Other councils' children", "Vacant", "Other councils' children or vacant",
            "Not stated"]


def occupancy_segments(market: pd.DataFrame) -> pd.DataFrame:
    """Each line's beds split into who fills them, as % of beds, for a stacked bar.

    Only what the return gives: a published own-children percentage leaves the rest as
    "other councils' children or vacant"; a line with beds but no occupancy is all "Not stated".
    """
    rows = []
    for rec in market.itertuples(index=False):
        label = f"{rec.setting} · {rec.period_label}"
        base = {"area_code": rec.area_code, "area_name": rec.area_name, "line": label, "setting": rec.setting,
                "period_label": rec.period_label, "beds": rec.beds, "source": rec.source}
        if pd.notna(rec.beds) and rec.beds > 0:
            parts = {"Own children": rec.occupied_own, "Other councils' children": rec.occupied_other,
                     "Vacant": rec.vacant}
            known = {k: v for k, v in parts.items() if pd.notna(v)}
            if rec.own_share_basis == "as published" and not known:
                shares = {"Own children": rec.own_share_pct,
                          "Other councils' children or vacant": 100 - rec.own_share_pct}
            else:
                shares = {k: v / rec.beds * 100 for k, v in known.items()}
                rest = 100 - sum(shares.values())
                if rest > 0.05:
                    only_own = set(known) == {"Own children"}
                    shares["Other councils' children or vacant" if only_own else "Not stated"] = rest
        elif rec.own_share_basis == "as published":
            shares = {"Own children": rec.own_share_pct, "Other councils' children or vacant": 100 - rec.own_share_pct}
        else:
            continue  # no beds and no share: nothing to draw (the table still lists it)
        for segment, share in shares.items():
            counted = pd.notna(rec.beds) and rec.own_share_basis != "as published"
            rows.append({**base, "segment": segment, "share_pct": round(float(share), 1),
                         "beds_in_segment": round(float(share) * rec.beds / 100) if counted else np.nan})
    return pd.DataFrame(rows, columns=["area_code", "area_name", "line", "setting", "period_label", "beds", "source",
                                       "segment", "share_pct", "beds_in_segment"])


GROWTH_INDICATORS = ["residential_beds_local_change", "residential_beds_local_pct_change",
                     "supported_accommodation_beds_change", "supported_accommodation_beds_pct_change",
                     "supported_accommodation_beds_uasc_change", "parent_child_residential_beds_local",
                     "residential_beds_needed", "supported_accommodation_beds_needed"]


def local_growth(store: Store, codes: list[str]) -> pd.DataFrame:
    """Growth in local beds as the councils' documents report it, every figure with its document.

    Documents that disagree (BCP's 30, 32 and 37 more supported accommodation beds) are all listed.
    """
    rows = store.observations_for(GROWTH_INDICATORS, codes, source="council", breakdown=None)
    labels = store.indicators.set_index("id")["label"]
    out = pd.DataFrame({
        "area_name": rows["area_name"], "area_code": rows["area_code"], "measure": rows["indicator_id"].map(labels),
        "period": rows["period_label"], "value": rows["value"], "status": rows["status"],
        "kind": rows["breakdown"].replace({"": "reported"}), "document": rows["source_title"],
        "section": rows["section"], "note": rows["note"], "source_id": rows["source_id"]})
    order = {i: n for n, i in enumerate(GROWTH_INDICATORS)}
    out["order"] = rows["indicator_id"].map(order)
    return out.sort_values(["area_name", "order", "period"]).drop(columns="order").reset_index(drop=True)
