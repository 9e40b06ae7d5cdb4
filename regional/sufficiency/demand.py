"""Demand for placements by type, per council and year, to a horizon.

Two methods, each stated beside its figures:

* **rate x population** (every council): children in care per 10,000 children, a straight
  line through the last five years of DfE's figures (never below zero), times the child
  population projected the same way from ONS's mid-year estimates; split into placement
  types by the council's latest mix (DfE's % of children in care by placement type, LAIT),
  and fostering into the council's own mainstream places filled (Ofsted via LAIT) and the rest.
  Where the council has loaded an ONS subnational population projection, the population is the
  latest ONS estimate grown as that projection grows, instead of the estimates' line.
* **transition rates** (councils whose SSDA903 extract spans two or more years): from the
  children in care at each 31 March, the share who are in each type a year later or have
  left, and the children entering each type a year; the stock is rolled forward a year at a
  time. The embedded extracts are synthetic, so these figures are labelled synthetic.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from regional import distance, models
from regional.store import Store
from regional.sufficiency import BASE_TYPES

SHARE_INDICATORS = {"fostering": "pct_foster_placements", "childrens_homes": "pct_secure_and_childrens_homes",
                    "supported": "pct_independent_semi_independent", "parents": "pct_placed_with_parents"}
POPULATION = "child_population_0_17"
WINDOW = 5
RATE_METHOD = ("rate x population: children in care per 10,000 ({how}) x child population (ONS trend through the last "
               "{w} years), split by the {mix} placement mix (DfE, LAIT)")
#: How the rate per 10,000 is carried forward: the issue's trended rate, or the latest rate held
#: (the backtest says which did better; both are offered).
RATE_CHOICES = {"trend": "trend through the last {w} years of DfE figures to {cutoff}",
                "held": "held at its {cutoff} value"}
TRANSITION_METHOD = ("transition rates from the council's SSDA903 extract ({span}): share of children in each type "
                     "a year later or leaving care, and entries a year, rolled forward from 31 March {base}")


def linear_trend(years, values, targets, *, window: int = WINDOW, floor: float | None = 0.0) -> np.ndarray:
    """Least-squares line through the last ``window`` years that have a figure, read at ``targets``.

    Missing and suppressed figures are skipped, never read as 0; one figure gives a flat
    line; none gives NaN. With ``floor`` the line never goes below it.
    """
    frame = pd.DataFrame({"year": np.asarray(years, dtype=float), "value": np.asarray(values, dtype=float)})
    frame = frame.dropna().sort_values("year").tail(window)
    targets = np.asarray(targets, dtype=float)
    if frame.empty:
        return np.full(targets.shape, np.nan)
    if len(frame) == 1:
        out = np.full(targets.shape, frame["value"].iloc[0])
    else:
        slope, intercept = np.polyfit(frame["year"], frame["value"], 1)
        out = intercept + slope * targets
    return np.maximum(out, floor) if floor is not None else out


def published_inputs(store: Store, codes: list[str]) -> pd.DataFrame:
    """One row per council and year (31 March): children in care, child population, placement
    mix (% by type; ``other`` is what the four published types leave) and in-house places filled."""
    cic = store.preferred("cic_count", codes)
    pop = store.observations_for(POPULATION, codes, source="all")
    pop = pop[pop["source_kind"] != "council"].sort_values("source_rank").drop_duplicates(["area_code", "period"])
    shares = store.preferred(list(SHARE_INDICATORS.values()), codes)
    filled = store.preferred("foster_places_filled", codes)
    frames = [
        cic.assign(year=cic["period"].dt.year).pivot_table(index=["area_code", "year"], values="value").rename(
            columns={"value": "cic_count"}),
        pop.assign(year=pop["period"].dt.year).pivot_table(index=["area_code", "year"], values="value").rename(
            columns={"value": "population"}),
        shares.assign(year=shares["period"].dt.year).pivot_table(index=["area_code", "year"], columns="indicator_id",
                                                                 values="value").rename(
            columns={v: f"pct_{k}" for k, v in SHARE_INDICATORS.items()}),
        filled.assign(year=filled["period"].dt.year).pivot_table(index=["area_code", "year"], values="value").rename(
            columns={"value": "inhouse_filled"}),
    ]
    wide = pd.concat(frames, axis=1).reset_index()
    for key in SHARE_INDICATORS:
        if f"pct_{key}" not in wide:
            wide[f"pct_{key}"] = np.nan
    if "inhouse_filled" not in wide:
        wide["inhouse_filled"] = np.nan
    known = wide[[f"pct_{k}" for k in SHARE_INDICATORS]]
    wide["pct_other"] = (100 - known.sum(axis=1)).clip(lower=0).where(known.notna().all(axis=1))
    return wide.sort_values(["area_code", "year"]).reset_index(drop=True)


def history(inputs: pd.DataFrame) -> pd.DataFrame:
    """Children by base type and year as DfE published them (count x % by type), long."""
    rows = []
    for key in BASE_TYPES:
        rows.append(pd.DataFrame({"area_code": inputs["area_code"], "year": inputs["year"], "type": key,
                                  "children": inputs["cic_count"] * inputs[f"pct_{key}"] / 100}))
    rows.append(pd.DataFrame({"area_code": inputs["area_code"], "year": inputs["year"], "type": "total",
                              "children": inputs["cic_count"]}))
    out = pd.concat(rows, ignore_index=True).dropna(subset=["children"])
    return out.sort_values(["area_code", "type", "year"]).reset_index(drop=True)


def trend_lines(frame: pd.DataFrame, column: str, *, window: int = WINDOW) -> pd.DataFrame:
    """Per council: slope and intercept of the least-squares line through the last ``window``
    years with a figure in ``column`` (one figure: flat; none: left out). Vectorised across
    councils so the national backtest is one pass; it agrees with :func:`linear_trend`."""
    have = frame.dropna(subset=[column]).sort_values(["area_code", "year"]).groupby("area_code").tail(window)
    x, y = have["year"].astype(float), have[column].astype(float)
    sums = pd.DataFrame({"area_code": have["area_code"], "n": 1.0, "x": x, "y": y, "xy": x * y, "xx": x * x})
    s = sums.groupby("area_code").sum()
    denom = s["n"] * s["xx"] - s["x"] ** 2
    slope = ((s["n"] * s["xy"] - s["x"] * s["y"]) / denom.where(denom > 0)).fillna(0.0)
    intercept = (s["y"] - slope * s["x"]) / s["n"]
    return pd.DataFrame({"slope": slope, "intercept": intercept})


def projected_population(estimates: pd.DataFrame, projection: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Child population from a loaded projection, per council and year (31 March).

    ``estimates``: area_code, year, population (ONS estimates as DfE uses them, to the cutoff);
    ``projection``: area_code, year, population, label. The latest estimate is grown as the
    projection grows from that year (a projection made years ago keeps its growth, not its
    level); where the projection does not reach back to that year, its own figures are used.
    Years the projection does not give are left out (the caller falls back to the trend).
    """
    cols = ["area_code", "year", "population", "how"]
    if projection is None or projection.empty:
        return pd.DataFrame(columns=cols)
    est = estimates.dropna(subset=["population"]).sort_values("year").groupby("area_code").tail(1)
    est = est.rename(columns={"year": "est_year", "population": "est_population"})[
        ["area_code", "est_year", "est_population"]]
    proj = projection[["area_code", "year", "population", "label"]]
    at_base = proj.rename(columns={"year": "est_year", "population": "proj_base"})[["area_code", "est_year", "proj_base"]]
    out = proj[proj["year"].isin(years)].merge(est, on="area_code", how="left").merge(
        at_base, on=["area_code", "est_year"], how="left")
    grown = (out["proj_base"] > 0).to_numpy()
    out["how"] = [(f"child population: the ONS estimate for {int(ey)} grown as the {lab} grows ({pb:,.0f} to {pv:,.0f})"
                   if g else f"child population: the {lab} for {y}")
                  for g, ey, lab, pb, pv, y in zip(grown, out["est_year"].fillna(0), out["label"], out["proj_base"],
                                                   out["population"], out["year"])]
    out["population"] = np.where(grown, out["est_population"] * out["population"] / out["proj_base"],
                                 out["population"]).astype(float)
    return out[cols].reset_index(drop=True)


def forecast_all(inputs: pd.DataFrame, years: list[int], *, cutoff: int | None = None,
                 window: int = WINDOW, rate: str = "trend", projection: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rate x population forecast for every council in ``inputs`` (:func:`published_inputs`).

    Uses only years up to ``cutoff`` (default: each council's latest year of children in
    care). One row per council, year and type (the base types and ``total``): children, the
    projected rate per 10,000 and population, the mix year and the method in words. With
    ``projection`` (:func:`projected_population`'s input) the population of the councils and
    years it gives comes from it, and the method says so.
    """
    cols = ["area_code", "year", "type", "children", "rate_per_10k", "population", "mix_year", "method"]
    rows = inputs if cutoff is None else inputs[inputs["year"] <= cutoff]
    rows = rows.assign(rate=rows["cic_count"] / rows["population"] * 10_000)
    latest = rows.dropna(subset=["cic_count"]).groupby("area_code")["year"].max()
    if latest.empty:
        return pd.DataFrame(columns=cols)
    rate_line, pop_line = trend_lines(rows, "rate", window=window), trend_lines(rows, "population", window=window)
    mix = rows.dropna(subset=[f"pct_{k}" for k in BASE_TYPES]).sort_values("year").groupby("area_code").tail(1)
    mix = mix.set_index("area_code")
    codes = latest.index.intersection(rate_line.index).intersection(pop_line.index)
    grid = pd.MultiIndex.from_product([codes, years], names=["area_code", "year"]).to_frame(index=False)
    target = grid["year"].astype(float)
    r, p = rate_line.reindex(grid["area_code"]), pop_line.reindex(grid["area_code"])
    if rate == "held":
        last = rows.dropna(subset=["rate"]).sort_values("year").groupby("area_code")["rate"].last()
        rate_hat = last.reindex(grid["area_code"]).to_numpy(dtype=float)
    elif rate == "trend":
        rate_hat = np.maximum(r["intercept"].to_numpy() + r["slope"].to_numpy() * target, 0.0)
    else:
        raise ValueError(f"unknown rate method '{rate}' (expected one of {', '.join(RATE_CHOICES)})")
    pop_hat = np.maximum(p["intercept"].to_numpy() + p["slope"].to_numpy() * target, 0.0)
    grid["mix_year"] = grid["area_code"].map(mix["year"]).astype("Int64")
    grid["method"] = [RATE_METHOD.format(how=RATE_CHOICES[rate].format(w=window, cutoff=latest[c]), w=window,
                                         mix=f"{m}" if pd.notna(m) else "(no published)")
                      for c, m in zip(grid["area_code"], grid["mix_year"])]
    if projection is not None and len(projection):
        loaded = projected_population(rows[["area_code", "year", "population"]], projection, years)
        hit = grid[["area_code", "year"]].merge(loaded, on=["area_code", "year"], how="left")
        use = hit["population"].notna().to_numpy()
        pop_hat = np.where(use, hit["population"].to_numpy(dtype=float), pop_hat)
        trend_words = f"child population (ONS trend through the last {window} years)"
        grid["method"] = [m.replace(trend_words, h) if u else m
                          for m, h, u in zip(grid["method"], hit["how"].fillna(""), use)]
    out = [grid.assign(type="total", children=rate_hat * pop_hat / 10_000, rate_per_10k=rate_hat, population=pop_hat)]
    for key in BASE_TYPES:
        share = grid["area_code"].map(mix[f"pct_{key}"]).to_numpy(dtype=float) / 100 if len(mix) else np.nan
        out.append(grid.assign(type=key, children=rate_hat * pop_hat / 10_000 * share, rate_per_10k=rate_hat * share,
                               population=pop_hat))
    return pd.concat(out, ignore_index=True)[cols]


def forecast_council(rows: pd.DataFrame, years: list[int], *, cutoff: int | None = None,
                     window: int = WINDOW, rate: str = "trend") -> pd.DataFrame:
    """:func:`forecast_all` for one council's rows (without its ``area_code`` column)."""
    return forecast_all(rows, years, cutoff=cutoff, window=window, rate=rate).drop(columns="area_code")


def naive_all(inputs: pd.DataFrame, years: list[int], *, cutoff: int | None = None) -> pd.DataFrame:
    """The naive forecast: each council's last published count per type carried forward unchanged."""
    hist = history(inputs if cutoff is None else inputs[inputs["year"] <= cutoff])
    last = hist.sort_values("year").groupby(["area_code", "type"]).tail(1)[["area_code", "type", "children"]]
    return last.merge(pd.DataFrame({"year": years}), how="cross")[["area_code", "year", "type", "children"]]


def naive_council(rows: pd.DataFrame, years: list[int], *, cutoff: int | None = None) -> pd.DataFrame:
    return naive_all(rows, years, cutoff=cutoff).drop(columns="area_code")


def inhouse_share(rows: pd.DataFrame, *, cutoff: int | None = None) -> tuple[float, int | None]:
    """Share of fostered children in the council's own mainstream places (filled places / all
    fostered children) in the latest year both are published; NaN and None if never."""
    if cutoff is not None:
        rows = rows[rows["year"] <= cutoff]
    fostered = rows["cic_count"] * rows["pct_fostering"] / 100
    both = rows.assign(fostered=fostered).dropna(subset=["fostered", "inhouse_filled"])
    both = both[both["fostered"] > 0]
    if both.empty:
        return float("nan"), None
    last = both.iloc[-1]
    return float(min(last["inhouse_filled"] / last["fostered"], 1.0)), int(last["year"])


def split_fostering(frame: pd.DataFrame, share: float) -> pd.DataFrame:
    """Replace ``fostering`` rows by in-house and agency-and-kinship rows at ``share`` in-house."""
    fost = frame[frame["type"] == "fostering"]
    inhouse = fost.assign(type="fostering_inhouse", children=fost["children"] * share,
                          rate_per_10k=fost["rate_per_10k"] * share)
    rest = fost.assign(type="fostering_ifa_kinship", children=fost["children"] * (1 - share),
                       rate_per_10k=fost["rate_per_10k"] * (1 - share))
    return pd.concat([frame[frame["type"] != "fostering"], inhouse, rest], ignore_index=True)


# --- transition rates (SSDA903) -------------------------------------------------------------
EPISODE_TYPES = {"Fostering: other, in-house": "fostering_inhouse", "Fostering: kinship": "fostering_ifa_kinship",
                 "Fostering: other, agency": "fostering_ifa_kinship", "Fostering: other": "fostering_ifa_kinship",
                 "Residential": "childrens_homes", "Supported accommodation": "supported", "With parents": "parents",
                 "Adoption": "other", "Other": "other"}
LEFT = "left care"


#: Age bands of the sector's demand models (Social Finance's cs-demand-model: under 1, 1-4, 5-9,
#: 10-15, 16 and over); a child's band is read at each 31 March, so ageing shows in the rates.
AGE_BANDS = [(0, 1, "under 1"), (1, 5, "1 to 4"), (5, 10, "5 to 9"), (10, 16, "10 to 15"), (16, 99, "16 and over")]
AGE_NOT_KNOWN = "age not known"
BAND_SEP = " | "


def age_band(births: pd.Series, when: date) -> pd.Series:
    """Each child's age band at ``when`` from their date of birth (index: child); no date: not known."""
    when = pd.Timestamp(when)
    born = pd.to_datetime(births, errors="coerce")
    before_birthday = (born.dt.month > when.month) | ((born.dt.month == when.month) & (born.dt.day > when.day))
    age = when.year - born.dt.year - before_birthday.astype(int)  # whole years at ``when``
    age = age.to_numpy(dtype=float)  # no date: NaN, in no band
    bands = np.select([(age >= low) & (age < high) for low, high, _ in AGE_BANDS], [label for *_, label in AGE_BANDS],
                      default=AGE_NOT_KNOWN)
    return pd.Series(bands, index=births.index, dtype=object)


def _band_years(band: str) -> int:
    low, high = next((lo, hi) for lo, hi, label in AGE_BANDS if label == band)
    return min(high, 18) - low  # "16 and over": two years to 18, when care ends


def _next_band(band: str) -> str | None:
    """The band a child ages into (the last: leaving care at 18); none for an unknown age."""
    labels = [label for _, _, label in AGE_BANDS]
    if band not in labels:
        return None
    i = labels.index(band)
    return labels[i + 1] if i + 1 < len(labels) else LEFT


def stock_at(episodes: pd.DataFrame, when: date, births: pd.Series | None = None) -> pd.Series:
    """Each child in care at ``when`` and their placement type (the episode open that day); with
    ``births`` (date of birth by child) the state is "age band | type"."""
    when = pd.Timestamp(when)
    decom = pd.to_datetime(episodes["decom"])
    dec = pd.to_datetime(episodes["dec"])
    open_ = episodes[(decom <= when) & (dec.isna() | (dec > when))]
    open_ = open_.assign(_d=decom[open_.index]).sort_values("_d").drop_duplicates("child", keep="last")
    types = open_.set_index("child")["placement_detail"].map(EPISODE_TYPES).fillna("other")
    if births is None:
        return types
    bands = age_band(births.reindex(types.index), when)
    return bands + BAND_SEP + types


#: Below these shares of DfE's published figures an extract is not a whole history: rates read from it
#: mislead (children in care at one 31 March and not the next count fewer than DfE's "ceased", which
#: also counts children who came and went within the year, so the leavers' bar is lower).
MIN_STOCK_SHARE, MIN_LEAVERS_SHARE = 0.9, 0.5


def extract_completeness(episodes: pd.DataFrame, first: date, base: date, published: pd.DataFrame) -> dict:
    """Whether one council's extract holds the whole history its transition rates are read from: its
    children in care at the first 31 March used against DfE's count then, and its children leaving care
    (in care at one 31 March, not at the next) against DfE's children ceasing care in those years.
    ``published``: area_code, indicator_id (cic_count, cic_ceased_count), year, value. A synthetic extract
    made of the children in care at its date has no leavers at all, and its rates would show nobody
    leaving care."""
    first, base = pd.Timestamp(first), pd.Timestamp(base)
    dates = [date(y, 3, 31) for y in range(first.year, base.year + 1)]
    stocks = {d: set(stock_at(episodes, d).index) for d in dates}
    figures = published.set_index(["indicator_id", "year"])["value"] if len(published) else pd.Series(dtype=float)

    def dfe(indicator: str, year: int) -> float | None:
        value = figures.get((indicator, year))
        return None if value is None or pd.isna(value) else float(value)

    held_count, dfe_count = len(stocks[dates[0]]), dfe("cic_count", dates[0].year)
    leavers = dfe_leavers = 0.0
    years_compared = []
    for before, after in zip(dates, dates[1:]):
        ceased = dfe("cic_ceased_count", after.year)
        if ceased is not None:
            leavers += len(stocks[before] - stocks[after])
            dfe_leavers += ceased
            years_compared.append(after.year)
    stock_ok = dfe_count is None or held_count >= MIN_STOCK_SHARE * dfe_count
    leavers_ok = not years_compared or leavers >= MIN_LEAVERS_SHARE * dfe_leavers
    parts = []
    if dfe_count is not None:
        parts.append(f"at 31 March {dates[0].year} it holds {held_count:,} of DfE's {dfe_count:,.0f} children in care")
    if years_compared:
        span = (f"the year to 31 March {years_compared[0]}" if len(years_compared) == 1 else
                f"the years to 31 March {years_compared[0]}-{years_compared[-1]}")
        parts.append(f"{leavers:,.0f} children leave care in {span}, where DfE counts {dfe_leavers:,.0f} ceasing care")
    words = "; ".join(parts) if parts else "no DfE figure to compare it with"
    return {"complete": stock_ok and leavers_ok, "words": words, "held": held_count, "dfe_count": dfe_count,
            "leavers": leavers, "dfe_leavers": dfe_leavers}


def extract_episodes(store: Store, codes: list[str] | None = None) -> pd.DataFrame:
    """The stored SSDA903 episodes (embedded extracts and councils' uploads, an upload preferred
    over the embedded extract of the same council), for ``codes`` or every council with one."""
    frames = [store.table(models.PlacementEpisode), store.table(models.PlacementEpisodeUpload)]
    episodes = distance.prefer_uploads(pd.concat([f for f in frames if len(f)], ignore_index=True)
                                       if any(len(f) for f in frames) else frames[0])
    return episodes if codes is None else episodes[episodes["area_code"].isin(codes)]


def births_of(episodes: pd.DataFrame) -> pd.Series | None:
    """Month of birth by child where the extract stores it (``birth_month``); None when it holds none,
    so the transition rates are for all ages."""
    if "birth_month" not in episodes.columns or not episodes["birth_month"].notna().any():
        return None
    return episodes.dropna(subset=["birth_month"]).drop_duplicates("child").set_index("child")["birth_month"]


def snapshot_dates(episodes: pd.DataFrame, extract_date: date, *, pairs: int = 3) -> list[date]:
    """31 Marches at least a year after the extract's first episode, up to its date; the last ``pairs`` + 1."""
    first = pd.to_datetime(episodes["decom"]).min()
    if pd.isna(first):
        return []
    start = first + pd.DateOffset(years=1)
    extract = pd.Timestamp(extract_date)
    dates = [date(y, 3, 31) for y in range(start.year, extract.year + 1)
             if pd.Timestamp(date(y, 3, 31)) >= start and pd.Timestamp(date(y, 3, 31)) <= extract]
    return dates[-(pairs + 1):]


def transition_rates(episodes: pd.DataFrame, extract_date: date, *, pairs: int = 3,
                     births: pd.Series | None = None, dates: list[date] | None = None,
                     stock_of: Callable[[date], pd.Series] | None = None) -> dict | None:
    """Transition matrix (state -> state or left care), entries a year by state and the latest stock.

    A state is a placement type, or with ``births`` (date of birth by child) an age band and a
    type, as the sector's demand models have it: children entering care, leaving it (turning 18
    included) and moving between types and bands are counted from one 31 March to the next.
    Pooled over up to ``pairs`` consecutive years (or the 31 Marches ``dates`` gives). None when
    the extract spans less than two years (fewer than two 31 Marches to compare). ``stock_of`` (a
    date to :func:`stock_at` of these episodes and births) lets a backtest reuse the stocks it holds.
    """
    dates = dates or snapshot_dates(episodes, extract_date, pairs=pairs)
    if len(dates) < 2:
        return None
    types = list(dict.fromkeys(EPISODE_TYPES.values()))
    if births is not None:
        bands = [label for _, _, label in AGE_BANDS] + [AGE_NOT_KNOWN]
        types = [f"{b}{BAND_SEP}{t}" for b in bands for t in types]
    episodes = episodes[["child", "decom", "dec", "placement_detail"]].assign(
        decom=pd.to_datetime(episodes["decom"]), dec=pd.to_datetime(episodes["dec"]))
    moves = pd.DataFrame(0.0, index=types, columns=[*types, LEFT])
    entries = pd.Series(0.0, index=types)
    stocks = [stock_of(d) if stock_of else stock_at(episodes, d, births) for d in dates]
    for before, after in zip(stocks, stocks[1:]):
        nxt = after.reindex(before.index).fillna(LEFT)
        counts = pd.crosstab(before, nxt)
        moves = moves.add(counts.reindex(index=types, columns=[*types, LEFT], fill_value=0), fill_value=0)
        new = after[~after.index.isin(before.index)].value_counts()
        entries = entries.add(new.reindex(types, fill_value=0), fill_value=0)
    out_of = moves.sum(axis=1)
    matrix = moves.div(out_of.where(out_of > 0), axis=0).fillna(0.0)
    for t in types:  # a state nobody was in: children stay in the type (no evidence either way) ...
        if out_of[t] == 0:
            matrix.loc[t, t] = 1.0
            if births is not None:  # ... and age out of the band at 1 / its length a year, as the sector's model does
                band, type_ = t.split(BAND_SEP)
                following = _next_band(band)
                if following is not None:
                    share = 1 / _band_years(band)
                    matrix.loc[t, t] = 1 - share
                    matrix.loc[t, LEFT if following == LEFT else f"{following}{BAND_SEP}{type_}"] = share
    return {"matrix": matrix, "entries": entries / (len(dates) - 1), "stock": stocks[-1].value_counts().reindex(
        types, fill_value=0).astype(float), "base": dates[-1], "years": len(dates) - 1, "first": dates[0],
        "by_age": births is not None}


def by_type(projected: pd.DataFrame) -> pd.DataFrame:
    """An age-band projection (states "band | type") summed to placement types."""
    states = projected["type"].str.split(BAND_SEP, regex=False, expand=True)
    if states.shape[1] < 2:
        return projected
    out = projected.assign(age_band=states[0], type=states[1])
    return out.groupby(["year", "type"], as_index=False, sort=False)["children"].sum()


def by_age_band(projected: pd.DataFrame) -> pd.DataFrame:
    """An age-band projection (states "band | type") summed to age bands, in the bands' order."""
    states = projected["type"].str.split(BAND_SEP, regex=False, expand=True)
    if states.shape[1] < 2:
        return pd.DataFrame(columns=["year", "age_band", "children"])
    out = projected.assign(age_band=states[0]).groupby(["year", "age_band"], as_index=False,
                                                        sort=False)["children"].sum()
    order = {label: i for i, (_, _, label) in enumerate(AGE_BANDS)} | {AGE_NOT_KNOWN: len(AGE_BANDS)}
    return out.sort_values(["year", "age_band"], key=lambda c: c.map(order) if c.name == "age_band" else c,
                           kind="stable").reset_index(drop=True)


def project_transitions(rates: dict, years: list[int]) -> pd.DataFrame:
    """Roll the stock forward a year at a time: next = stock x matrix (staying in care) + entries."""
    matrix = rates["matrix"]
    types = list(matrix.index)
    stay = matrix[types].to_numpy()
    stock = rates["stock"].reindex(types).to_numpy()
    entries = rates["entries"].reindex(types).to_numpy()
    base = rates["base"].year
    rows = []
    for year in range(base + 1, max(years) + 1):
        stock = stock @ stay + entries
        if year in years:
            rows += [{"year": year, "type": t, "children": float(v)} for t, v in zip(types, stock)]
    return pd.DataFrame(rows, columns=["year", "type", "children"])
