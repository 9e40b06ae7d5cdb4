"""SSDA903 episodes: read a council's extract, validate it against the spec, derive DfE's
placement-distance fields and pseudonymise; :mod:`regional.returns` stores it.

The return's columns and code lists live in ``regional/ssda903_spec.toml``; validation
reads them from there. A file is CSV or XLSX (sheet ``Episodes`` or the first sheet),
dates as dd/mm/yyyy or ISO. The responsible council comes from an ``LA`` column or is
chosen on upload; a ``YEAR`` column marks a multi-year extract, where the same episode
appears in several years' returns and the latest return's version is kept.

Privacy on load:
- CHILD becomes a keyed hash (HMAC-SHA256 of council code and CHILD, 16 hex characters).
  The key comes from :mod:`regional.keys` (the environment, the shared database, or a
  per-user file outside ``var/``): never beside the data. The embedded synthetic extracts
  are pseudonymous already and load without any key. The file's row numbers are kept in
  memory for the report, never stored.
- Full postcodes are not stored: only the outcode and sector of home and placement, the
  outcode centroid the map draws, and the derived fields (PL_DISTANCE, its precision,
  PL_LA, inside/outside the council, band, placement category).
"""
from __future__ import annotations

import hashlib
import hmac
import math
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from regional import distance, settings
from regional.importers.council_return import read_table
from regional.authorities import AreaIndex
from regional.errors import DataError

SPEC_FILE = Path(__file__).resolve().parent.parent / "ssda903_spec.toml"
SYNTHETIC_DIR = settings.DATA_DIR / "synthetic"
MANIFEST_FILE = "manifest.csv"
PSEUDONYM_ENV = "REGIONAL_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
REPORT_COLUMNS = ["row", "column", "value", "severity", "problem", "expected"]
#: Columns stored per episode (both the embedded and the uploaded table).
STORED_COLUMNS = ["area_code", "child", "decom", "dec", "rne", "ls", "cin", "place", "place_provider", "rec",
                  "reason_place_change", "urn", "uasc", "collection_year", "home_outcode", "home_sector",
                  "pl_outcode", "pl_sector", "home_lat", "home_lon", "pl_lat", "pl_lon", "pl_distance",
                  "distance_precision", "pl_la", "pl_la_name", "pl_la_method", "inside_la", "distance_band",
                  "placement_category", "placement_detail", "foster_type", "provider_type", "dataset",
                  "extract_date", "synthetic"]
#: In memory only, for the validation report and preview: never stored (with the council's file it
#: would undo the pseudonyms).
ROW_COLUMN = "source_row"
_TRUE = {"y", "yes", "1", "true", "t"}
_FALSE = {"n", "no", "0", "false", "f", ""}


# --- the spec ---------------------------------------------------------------------------
@lru_cache(maxsize=2)
def read_spec(path: Path = SPEC_FILE) -> dict:
    """The return's columns and code lists (TOML)."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _end_year(label: str | None) -> float:
    """'2025-26' -> 2026 (the year the collection year ends in)."""
    if not isinstance(label, str) or not label.strip():
        return math.nan
    start = int(str(label)[:4])
    return float(start + 1)


def code_list(name: str, spec: dict | None = None) -> pd.DataFrame:
    """code, label, first and last collection year (as end years; NaN = open-ended)."""
    spec = spec or read_spec()
    frame = pd.DataFrame(spec["codes"][name])
    frame["from_year"] = [_end_year(v) for v in frame.get("from", pd.Series([None] * len(frame)))]
    frame["to_year"] = [_end_year(v) for v in frame.get("to", pd.Series([None] * len(frame)))]
    return frame


def collection_year(dates: pd.Series) -> pd.Series:
    """End year of the collection year (1 April to 31 March) each date falls in."""
    d = pd.to_datetime(dates)
    return (d.dt.year + (d.dt.month > 3).astype(int)).astype("Float64")


def year_label(end_year: float) -> str:
    return f"{int(end_year) - 1}-{str(int(end_year))[-2:]}"


# --- reading ----------------------------------------------------------------------------
def read_episode_file(path: Path, display_name: str | None = None) -> pd.DataFrame:
    """The episodes as text, column names upper-cased; CSV or XLSX."""
    frame = read_table(Path(path), display_name, sheet="episodes")
    frame.columns = [c.upper() for c in frame.columns]
    return frame.astype(str).apply(lambda s: s.str.strip())


def parse_dates(text: pd.Series) -> pd.Series:
    """dd/mm/yyyy or ISO (an XLSX cell read as text gives 'yyyy-mm-dd 00:00:00'); NaT otherwise."""
    t = text.astype("string").fillna("").str.strip()
    iso = pd.to_datetime(t.str[:10].where(t.str.match(r"^\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(t.where(t.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


# --- pseudonyms -------------------------------------------------------------------------
def pseudonym_key() -> tuple[bytes, str]:
    """(key, where it came from): see :mod:`regional.keys` (never a file beside the data)."""
    from regional import keys

    return keys.pseudonym_key()


def pseudonymise(children: pd.Series, councils: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash of council and CHILD: stable for one key, meaningless without it."""
    return pd.Series([hmac.new(key, f"{la}|{child}".encode(), hashlib.sha256).hexdigest()[:16]
                      for la, child in zip(councils, children)], index=children.index, dtype=object)


# --- validation -------------------------------------------------------------------------
@dataclass
class EpisodeImport:
    """A validated file: the rows that can load, and the report of every problem found."""

    file: str
    episodes: pd.DataFrame
    report: pd.DataFrame
    rows_read: int
    extract_date: date
    councils: list[str]
    key_origin: str = ""
    summary: dict = field(default_factory=dict)

    @property
    def errors(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.report[self.report["severity"] == "warning"]

    @property
    def rejected_rows(self) -> int:
        return int(self.errors["row"].nunique())

    @property
    def has_errors(self) -> bool:
        return not self.errors.empty


def _issues(mask: pd.Series, frame: pd.DataFrame, column: str, severity: str, problem, expected: str = "") -> pd.DataFrame:
    rows = frame.index[mask.to_numpy()]
    if not len(rows):
        return pd.DataFrame(columns=REPORT_COLUMNS)
    values = frame.loc[rows, column] if column in frame.columns else pd.Series("", index=rows)
    problems = problem.loc[rows] if isinstance(problem, pd.Series) else problem
    return pd.DataFrame({"row": rows + 2, "column": column, "value": values.to_numpy(), "severity": severity,
                         "problem": problems if isinstance(problems, str) else problems.to_numpy(),
                         "expected": expected})


def _resolve_councils(frame: pd.DataFrame, index: AreaIndex, council: str | None, name: str,
                      issues: list) -> pd.Series:
    if "LA" in frame.columns and frame["LA"].str.strip().ne("").any():
        codes = {}
        for value in frame["LA"].unique():
            try:
                codes[value] = index.resolve(value)
            except DataError:
                codes[value] = ""
        resolved = frame["LA"].map(codes)
        if council:  # a council chosen on upload fills blank LA cells
            resolved = resolved.where(frame["LA"].str.strip() != "", index.resolve(council, file=name))
        issues.append(_issues(resolved == "", frame, "LA", "error", "matches no English council",
                              "a council name, ONS code (E06000058) or DfE number (839)"))
        return resolved
    if not council:
        raise DataError("the file has no LA column, so the responsible council must be chosen", file=name,
                        column="LA", expected="an LA column or a council chosen on upload")
    return pd.Series(index.resolve(council, file=name), index=frame.index, dtype=object)


def validate_episodes(frame: pd.DataFrame, index: AreaIndex, *, file: str, council: str | None = None,
                      extract_date: date | None = None, uasc_children: set[str] | None = None,
                      spec: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Check every row against the spec; return (frame with parsed fields and an ``ok`` flag, report, summary)."""
    spec = spec or read_spec()
    required = spec["return"]["columns"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}; found: {', '.join(frame.columns)}", file=file,
                        row=1, expected=", ".join(required))
    if frame.empty:
        raise DataError("the file has no episodes", file=file, row=2)
    frame = frame.reset_index(drop=True).copy()
    issues: list[pd.DataFrame] = []
    summary: dict = {}
    frame["_la"] = _resolve_councils(frame, index, council, file, issues)

    # Multi-year extracts repeat an episode in each year's return: keep the latest.
    frame["_year"] = np.nan
    if "YEAR" in frame.columns:
        year = pd.to_numeric(frame["YEAR"], errors="coerce")
        issues.append(_issues(year.isna() & (frame["YEAR"] != ""), frame, "YEAR", "error", "not a year",
                              "a four-digit collection year such as 2025"))
        frame["_year"] = year
        order = frame.sort_values("_year", ascending=False, kind="stable")
        repeated = order.duplicated(["_la", "CHILD", "DECOM"], keep="first")
        dropped = order.index[repeated.to_numpy()]
        kept_year = order.drop_duplicates(["_la", "CHILD", "DECOM"]).set_index(["_la", "CHILD", "DECOM"])["_year"]
        later = [kept_year.get((frame.at[i, "_la"], frame.at[i, "CHILD"], frame.at[i, "DECOM"])) for i in dropped]
        issues.append(pd.DataFrame({"row": dropped + 2, "column": "YEAR", "value": frame.loc[dropped, "YEAR"].to_numpy(),
                                    "severity": "info",
                                    "problem": [f"episode repeated in the {int(y)} return; that later version is kept"
                                                for y in later], "expected": ""}))
        summary["repeated_in_later_returns"] = len(dropped)
        frame["_repeat"] = frame.index.isin(dropped)
    else:
        frame["_repeat"] = False

    frame["_child_blank"] = frame["CHILD"] == ""
    issues.append(_issues(frame["_child_blank"], frame, "CHILD", "error", "blank", "the child's identifier"))
    frame["_decom"] = parse_dates(frame["DECOM"])
    frame["_dec"] = parse_dates(frame["DEC"])
    issues.append(_issues(frame["_decom"].isna() & (frame["DECOM"] == ""), frame, "DECOM", "error", "blank",
                          "a date (dd/mm/yyyy or yyyy-mm-dd)"))
    issues.append(_issues(frame["_decom"].isna() & (frame["DECOM"] != ""), frame, "DECOM", "error", "not a date",
                          "a date (dd/mm/yyyy or yyyy-mm-dd)"))
    issues.append(_issues(frame["_dec"].isna() & (frame["DEC"] != ""), frame, "DEC", "error", "not a date",
                          "a date (dd/mm/yyyy or yyyy-mm-dd) or blank while the episode is open"))
    before = frame["_dec"].notna() & frame["_decom"].notna() & (frame["_dec"] < frame["_decom"])
    issues.append(_issues(before, frame, "DEC", "error",
                          "DEC is before DECOM: " + frame["DECOM"], "a date on or after DECOM"))

    valid_dates = pd.concat([frame["_decom"], frame["_dec"]]).dropna()
    if extract_date is None:
        extract_date = valid_dates.max().date() if len(valid_dates) else date.today()
    frame["_cy"] = collection_year(frame["_dec"])
    if "YEAR" in frame.columns:
        frame["_cy"] = frame["_cy"].fillna(pd.Series(frame["_year"], dtype="Float64"))
    frame["_cy"] = frame["_cy"].fillna(float(collection_year(pd.Series([pd.Timestamp(extract_date)])).iloc[0]))

    for column, meta in spec["columns"].items():
        if meta.get("type") != "code" or column not in frame.columns:
            continue
        codes = code_list(meta["codes"], spec).set_index("code")
        value = frame[column].str.upper()
        frame[column] = value
        blank = value == ""
        if meta.get("required"):
            issues.append(_issues(blank, frame, column, "error", "blank", f"a code from the {column} list"))
        known = value.isin(codes.index)
        issues.append(_issues(~blank & ~known, frame, column, "error", "not a code in the " + column + " list",
                              ", ".join(codes.index)))
        lo = value.map(codes["from_year"]).astype(float)
        hi = value.map(codes["to_year"]).astype(float)
        cy = frame["_cy"].astype(float)
        out_of_year = known & ((lo.notna() & (cy < lo)) | (hi.notna() & (cy > hi)))
        if out_of_year.any():
            message = (value + " is not valid in the " + cy.map(lambda y: year_label(y) if y == y else "?")
                       + " return (" + lo.map(lambda y: f"from {year_label(y)}" if y == y else "")
                       + hi.map(lambda y: f"until {year_label(y)}" if y == y else "") + ")")
            issues.append(_issues(out_of_year, frame, column, "error", message,
                                  "a code valid in the collection year the episode was last reported in"))

    # UASC: a column in the file, or the children listed in the return's UASC table.
    if "UASC" in frame.columns:
        flag = frame["UASC"].str.lower()
        issues.append(_issues(~flag.isin(_TRUE | _FALSE), frame, "UASC", "error", "not a yes/no flag",
                              "Y or N (1/0, true/false), blank for no"))
        frame["_uasc"] = flag.isin(_TRUE)
    else:
        frame["_uasc"] = frame["CHILD"].isin(uasc_children or set())

    # Overlapping episodes for one child (among rows whose dates parsed).
    dated = frame[frame["_decom"].notna() & ~frame["_repeat"] & ~frame["_child_blank"]]
    dated = dated.sort_values(["_la", "CHILD", "_decom", "_dec"], kind="stable")
    same = (dated["_la"] == dated["_la"].shift()) & (dated["CHILD"] == dated["CHILD"].shift())
    prev_dec = dated["_dec"].shift()
    overlap = same & (prev_dec.isna() | (dated["_decom"] < prev_dec))
    later = dated.index[overlap.to_numpy()]
    earlier = dated.index[np.flatnonzero(overlap.to_numpy()) - 1] if len(later) else later
    if len(later):
        issues.append(pd.DataFrame({
            "row": later + 2, "column": "DECOM", "value": frame.loc[later, "DECOM"].to_numpy(), "severity": "error",
            "problem": [f"overlaps the same child's episode on row {e + 2} (DECOM {frame.at[e, 'DECOM']}, "
                        f"DEC {frame.at[e, 'DEC'] or 'blank'})" for e in earlier], "expected": "episodes one after another"}))
        issues.append(pd.DataFrame({
            "row": earlier + 2, "column": "DEC", "value": frame.loc[earlier, "DEC"].to_numpy(), "severity": "error",
            "problem": [f"the same child's episode on row {lt + 2} starts ({frame.at[lt, 'DECOM']}) before this one ends"
                        for lt in later], "expected": "episodes one after another"}))

    report = pd.concat([i for i in issues if len(i)], ignore_index=True) if any(len(i) for i in issues) \
        else pd.DataFrame(columns=REPORT_COLUMNS)
    error_rows = set(report.loc[report["severity"] == "error", "row"].astype(int) - 2)
    frame["ok"] = ~frame.index.isin(list(error_rows)) & ~frame["_repeat"]
    summary["extract_date"] = extract_date
    return frame, report, summary


# --- derivation -------------------------------------------------------------------------
def derive_placements(valid: pd.DataFrame, *, dataset: str, synthetic: bool, extract_date: date,
                      directory: distance.PostcodeDirectory | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DfE's distance fields and the placement category for validated rows; (episodes, postcode report)."""
    d = distance.postcode_distances(valid["HOME_POST"], valid["PL_POST"], directory=directory)
    cats = distance.placement_categories(valid["PLACE"], valid["PLACE_PROVIDER"])
    pl_la = d["pl_la_code"].astype(object)
    inside = pd.Series(np.where(pl_la == "", None, pl_la == valid["_la"]), index=valid.index, dtype=object)
    out = pd.DataFrame({
        "area_code": valid["_la"], "child": valid["CHILD"],
        "decom": valid["_decom"].dt.date, "dec": valid["_dec"].dt.date.where(valid["_dec"].notna(), None),
        "rne": valid["RNE"], "ls": valid["LS"], "cin": valid["CIN"], "place": valid["PLACE"],
        "place_provider": valid["PLACE_PROVIDER"], "rec": valid["REC"],
        "reason_place_change": valid["REASON_PLACE_CHANGE"], "urn": valid["URN"], "uasc": valid["_uasc"].astype(bool),
        "collection_year": valid["_cy"].astype(float).map(year_label),
        "home_outcode": d["home_outcode"], "home_sector": d["home_sector"],
        "pl_outcode": d["pl_outcode"], "pl_sector": d["pl_sector"],
        "home_lat": d["home_map_lat"], "home_lon": d["home_map_lon"],
        "pl_lat": d["pl_map_lat"], "pl_lon": d["pl_map_lon"],
        "pl_distance": d["pl_distance"], "distance_precision": d["distance_precision"],
        "pl_la": pl_la, "pl_la_name": d["pl_la_name"], "pl_la_method": d["pl_la_method"], "inside_la": inside,
        "distance_band": distance.distance_band(d["pl_distance"]),
        "placement_category": cats["placement_category"], "placement_detail": cats["placement_detail"],
        "foster_type": cats["foster_type"], "provider_type": cats["provider_type"],
        "dataset": dataset, "extract_date": extract_date, "synthetic": synthetic, "source_row": valid.index + 2,
    }, index=valid.index)
    checks = []
    for column, prefix in (("HOME_POST", "home_"), ("PL_POST", "pl_")):
        problem = d[prefix + "problem"]
        checks.append(_issues(problem != "", valid, column, "warning",
                              problem + "; distance not known", "a postcode in the ONS postcode directory"))
    report = pd.concat([c for c in checks if len(c)], ignore_index=True) if any(len(c) for c in checks) \
        else pd.DataFrame(columns=REPORT_COLUMNS)
    return out[STORED_COLUMNS + [ROW_COLUMN]], report


def import_episodes(path: Path, index: AreaIndex, *, council: str | None = None, display_name: str | None = None,
                    extract_date: date | None = None, uasc_children: set[str] | None = None,
                    pseudonymise_children: bool = True, synthetic: bool = False, dataset: str | None = None,
                    directory: distance.PostcodeDirectory | None = None) -> EpisodeImport:
    """Read, validate, derive and pseudonymise one episodes file. Nothing is stored here."""
    name = display_name or Path(path).name
    raw = read_episode_file(path, name)
    frame, report, summary = validate_episodes(raw, index, file=name, council=council, extract_date=extract_date,
                                               uasc_children=uasc_children)
    valid = frame[frame["ok"]]
    dataset = dataset or f"upload:{name}"
    episodes, postcode_report = derive_placements(valid, dataset=dataset, synthetic=synthetic,
                                                  extract_date=summary["extract_date"], directory=directory)
    key_origin = "not pseudonymised (synthetic identifiers)"
    if pseudonymise_children and len(episodes):
        key, key_origin = pseudonym_key()
        episodes["child"] = pseudonymise(episodes["child"], episodes["area_code"], key)
    report = pd.concat([r for r in (report, postcode_report) if len(r)], ignore_index=True) \
        if len(report) or len(postcode_report) else pd.DataFrame(columns=REPORT_COLUMNS)
    report = report.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    report["row"] = report["row"].astype(int)
    summary.update({"rows_read": len(raw), "rows_valid": len(valid), "distance_known": int(episodes["pl_distance"].notna().sum()),
                    "distance_not_known": int(episodes["pl_distance"].isna().sum())})
    councils = sorted(set(episodes["area_code"])) if len(episodes) else sorted(set(frame["_la"]) - {""})
    return EpisodeImport(file=name, episodes=episodes.reset_index(drop=True), report=report, rows_read=len(raw),
                         extract_date=summary["extract_date"], councils=councils, key_origin=key_origin,
                         summary=summary)


# --- episodes open at a date ------------------------------------------------------------
def open_at(episodes: pd.DataFrame, when: date) -> pd.DataFrame:
    """Placements at a date: episodes started on or before it and not ended by it (DEC after it or blank).

    One row per child: if a child has more than one open episode the latest start wins.
    """
    when = pd.Timestamp(when)
    decom = pd.to_datetime(episodes["decom"])
    dec = pd.to_datetime(episodes["dec"])
    rows = episodes[(decom <= when) & (dec.isna() | (dec > when))]
    return (rows.assign(_decom=pd.to_datetime(rows["decom"])).sort_values("_decom")
            .drop_duplicates(["dataset", "area_code", "child"], keep="last").drop(columns="_decom"))


# --- the embedded default: synthetic extracts -------------------------------------------
def read_manifest(folder: Path = SYNTHETIC_DIR) -> pd.DataFrame:
    path = Path(folder) / MANIFEST_FILE
    if not path.exists():
        return pd.DataFrame(columns=["file", "area_code", "extract_date", "source_id", "title", "basis"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The synthetic extracts in data/synthetic, validated and derived like any upload."""
    from regional import models

    manifest = read_manifest()
    if manifest.empty:
        return {}
    frames, sources = [], []
    for rec in manifest.itertuples(index=False):
        result = import_episodes(SYNTHETIC_DIR / rec.file, index, extract_date=date.fromisoformat(rec.extract_date),
                                 pseudonymise_children=False, synthetic=True, dataset=rec.source_id)
        if result.has_errors:
            first = result.errors.iloc[0]
            raise DataError(f"embedded synthetic extract is invalid: {first['problem']}", file=rec.file,
                            row=int(first["row"]), column=first["column"])
        frames.append(result.episodes.drop(columns=ROW_COLUMN))
        sources.append({"id": rec.source_id, "kind": "synthetic", "publisher": "Regional Care Benchmark (synthetic)",
                        "title": rec.title, "edition": f"extract date {rec.extract_date}; file data/synthetic/{rec.file}",
                        "url": "", "licence": "Synthetic data generated by regional/synthetic.py; calibrated to "
                        "the council's published figures", "published": None})
    return {models.PlacementEpisode: pd.concat(frames, ignore_index=True), models.Source: pd.DataFrame(sources)}


def build_extract(source_dir: Path, out_dir: Path, context: dict) -> tuple[dict[str, int], list[dict]]:
    """Compact geography for distances: outcode centroids with their council, and LTLA -> UTLA.

    When writing the project's own extract it also regenerates the synthetic extracts
    (seeded, so unchanged unless the geography or the targets changed).
    """
    from regional.geo import BOUNDARY_FILE, topojson_to_geojson

    source_dir, out_dir = Path(source_dir), Path(out_dir)
    boundaries = topojson_to_geojson(source_dir / "geo" / BOUNDARY_FILE)
    outcodes = distance.build_outcode_extract(source_dir, boundaries, context["areas"])
    lookup = distance.build_la_lookup(source_dir, context["areas"])
    outcodes.to_csv(out_dir / distance.OUTCODE_EXTRACT, index=False, lineterminator="\n")
    lookup.to_csv(out_dir / distance.LA_LOOKUP_EXTRACT, index=False, lineterminator="\n")
    distance.read_outcodes.cache_clear()
    distance.read_la_lookup.cache_clear()
    counts = {distance.OUTCODE_EXTRACT: len(outcodes), distance.LA_LOOKUP_EXTRACT: len(lookup)}
    if out_dir.resolve() == Path(settings.EXTRACT_DIR).resolve():
        from regional import synthetic

        counts.update(synthetic.write_extracts(outcodes=outcodes.set_index("outcode")))
    sources = [
        {"id": "outcode-centroids", "kind": "ons", "publisher": "Public postcode list (outcode centroids, 2017)",
         "title": "UK postcode outcode centroids with the council containing each (point in ONS BUC boundary)",
         "edition": f"file geo/{distance.OUTCODE_FILE}; councils by point in polygon against "
                    "ctyua_dec2023_uk_buc, nearest boundary for coastal centroids", "url": "", "licence": "CC0"},
        {"id": "ons-ltla-utla-apr23", "kind": "ons", "publisher": "Office for National Statistics",
         "title": "Lower tier to upper tier local authority lookup (April 2023), England and Wales",
         "edition": f"file dfe/{distance.LTLA_UTLA_FILE}; plus ONS's 2024 Barnsley/Sheffield recodes",
         "url": "https://geoportal.statistics.gov.uk/"},
    ]
    return counts, sources
