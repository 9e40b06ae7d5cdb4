"""SSDA903: read a council's return, check it, derive DfE's fields, pseudonymise (:mod:`regional.returns` stores it).

The return's parts live in modules of their own, this one ties them together:
- ``ssda903_tables``: reading every table, from CSV/XLSX files or the XML return;
- ``ssda903_spec``: the spec file (tables, columns, code lists, placement categories);
- ``ssda903_rules``: DfE's validation rules on episodes, placements, postcodes, distance;
- ``ssda903_derive``: distance, band and placement council (``regional.distance``);
- ``ssda903_pseudonym``: the keyed hash that replaces CHILD.

A row is refused only when it cannot be used (no CHILD, no start date, an end before the
start, a code not in the return's lists); DfE's rules are reported beside it and the row
still loads. The responsible council comes from an ``LA`` column or is chosen on upload;
a ``YEAR`` column marks a multi-year extract, where the same episode appears in several
years' returns and the latest return's version is kept. UASC comes from the UASC table
(or the XML header, or a UASC column on the episodes).

Privacy on load: CHILD is pseudonymised; full postcodes are not stored, only the outcode
and sector of home and placement, the outcode centroid the map draws, and the derived
fields (PL_DISTANCE, its precision, PL_LA, inside/outside the council, band, category).
The header table's DOB is kept as its month only (``birth_month``, the first of the month:
why, in :mod:`regional.privacy`); no header row or no readable DOB leaves it empty, and the
row still loads (a DOB that is not a date is reported by the header table's check).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from regional import geo, models, settings, synthetic
from regional.authorities import AreaIndex
from regional.distance import PostcodeIndex, open_at  # noqa: F401  (open_at: callers find it here too)
from regional.errors import DataError
from regional.importers.ssda903_derive import ROW_COLUMN, STORED_COLUMNS, derive_placements  # noqa: F401
from regional.importers.ssda903_pseudonym import (KEY_FILE_NAME, PSEUDONYM_ENV, pseudonym_key,  # noqa: F401
                                                  pseudonymise)
from regional.importers.ssda903_rules import FINDING_COLUMNS, run_rules
from regional.importers.ssda903_spec import (SPEC_FILE, code_list, collection_year, read_spec,  # noqa: F401
                                             year_label)
from regional.importers.ssda903_tables import ReturnTables, check_tables, read_return
from regional.importers.ssda903_tables import uasc_children as uasc_children_of_return

SYNTHETIC_DIR = settings.DATA_DIR / "synthetic"
MANIFEST_FILE = "manifest.csv"
#: The validation report: one line per problem. ``refused`` marks what stops the row loading;
#: ``rule`` is DfE's rule number for DfE's checks (their ``severity`` is DfE's class: error or
#: warning for a query), blank for the platform's own checks of the spec.
REPORT_COLUMNS = ["file", "row", "column", "value", "severity", "rule", "problem", "expected", "refused"]
_TRUE = {"y", "yes", "1", "true", "t"}
_FALSE = {"n", "no", "0", "false", "f", ""}


def read_episode_file(path: Path, display_name: str | None = None) -> pd.DataFrame:
    """The episodes of one file as text, column names upper-cased; CSV, XLSX or XML."""
    tables = read_return([Path(path)], [display_name or Path(path).name])
    return tables.table("episodes").drop(columns=["_file", "_row"])


def parse_dates(text: pd.Series) -> pd.Series:
    """dd/mm/yyyy or ISO (an XLSX cell read as text gives 'yyyy-mm-dd 00:00:00'); NaT otherwise."""
    t = text.astype("string").fillna("").str.strip()
    iso = pd.to_datetime(t.str[:10].where(t.str.match(r"^\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(t.where(t.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def month_of_birth(dob: pd.Series) -> pd.Series:
    """Dates of birth (text, dd/mm/yyyy or ISO) reduced to the first of their month; NaT when not a date.
    The day is dropped here, before anything is derived or stored (:mod:`regional.privacy`)."""
    parsed = parse_dates(dob)
    return parsed.dt.to_period("M").dt.to_timestamp()


def birth_months(tables: ReturnTables, episodes: pd.DataFrame) -> pd.Series:
    """Each episode's month of birth from the return's header table, by CHILD (and LA where both
    tables carry one, as a multi-council extract does); the latest year's header row when a
    multi-year extract repeats it. No header, no row or no readable DOB: NaT."""
    none = pd.Series(pd.NaT, index=episodes.index, dtype="datetime64[ns]")
    header = tables.table("header") if "header" in tables.tables else None
    if header is None or header.empty or "DOB" not in header:
        return none
    header = header.assign(_month=month_of_birth(header["DOB"])).dropna(subset=["_month"])
    if "YEAR" in header:
        header = header.assign(_y=pd.to_numeric(header["YEAR"], errors="coerce")).sort_values("_y", kind="stable")
    key = ["CHILD"] + (["LA"] if "LA" in header and "LA" in episodes else [])
    months = header.drop_duplicates(key, keep="last").set_index(key)["_month"]
    found = pd.MultiIndex.from_frame(episodes[key]) if len(key) > 1 else pd.Index(episodes["CHILD"])
    return pd.Series(months.reindex(found).to_numpy(), index=episodes.index, dtype="datetime64[ns]")


# --- validation -------------------------------------------------------------------------
@dataclass
class EpisodeImport:
    """A validated return: the rows that can load, the report of every problem found, and the
    rows read per table (``tables``)."""

    file: str
    episodes: pd.DataFrame
    report: pd.DataFrame
    rows_read: int
    extract_date: date
    councils: list[str]
    key_origin: str = ""
    summary: dict = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    table_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    table_report: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))

    @property
    def errors(self) -> pd.DataFrame:
        """Problems that refuse a row."""
        return self.report[self.report["refused"].astype(bool)]

    @property
    def warnings(self) -> pd.DataFrame:
        """Warnings (the platform's and DfE's queries); the rows load."""
        return self.report[(self.report["severity"] == "warning") & ~self.report["refused"].astype(bool)]

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
                         "expected": expected, "rule": "", "refused": severity == "error"})


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

    report = pd.concat([i for i in issues if len(i)], ignore_index=True) if any(len(i) for i in issues) \
        else pd.DataFrame(columns=REPORT_COLUMNS)
    error_rows = set(report.loc[report["severity"] == "error", "row"].astype(int) - 2)
    frame["ok"] = ~frame.index.isin(list(error_rows)) & ~frame["_repeat"]
    summary["extract_date"] = extract_date
    return frame, report, summary


def import_episodes(path: Path, index: AreaIndex, *, council: str | None = None, display_name: str | None = None,
                    extract_date: date | None = None, uasc_children: set[str] | None = None,
                    pseudonymise_children: bool = True, synthetic: bool = False, dataset: str | None = None,
                    postcodes: PostcodeIndex | None = None) -> EpisodeImport:
    """Read, validate, derive and pseudonymise one file (an episodes CSV/XLSX or an XML return)."""
    return import_return([Path(path)], index, council=council, display_names=[display_name] if display_name else None,
                         extract_date=extract_date, uasc_children=uasc_children,
                         pseudonymise_children=pseudonymise_children, synthetic=synthetic, dataset=dataset,
                         postcodes=postcodes)


def import_return(paths: list[Path], index: AreaIndex, *, council: str | None = None,
                  display_names: list[str] | None = None, extract_date: date | None = None,
                  uasc_children: set[str] | None = None, pseudonymise_children: bool = True, synthetic: bool = False,
                  dataset: str | None = None, postcodes: PostcodeIndex | None = None) -> EpisodeImport:
    """Read every table of a return (CSV/XLSX files or the XML), check it, derive DfE's fields and
    pseudonymise. Nothing is stored here. UASC comes from the UASC table (or XML header) unless
    ``uasc_children`` is given or the episodes carry a UASC column."""
    tables = read_return(paths, display_names)
    return import_tables(tables, index, council=council, extract_date=extract_date, uasc_children=uasc_children,
                         pseudonymise_children=pseudonymise_children, synthetic=synthetic, dataset=dataset,
                         postcodes=postcodes)


def import_tables(tables: ReturnTables, index: AreaIndex, *, council: str | None = None,
                  extract_date: date | None = None, uasc_children: set[str] | None = None,
                  pseudonymise_children: bool = True, synthetic: bool = False, dataset: str | None = None,
                  postcodes: PostcodeIndex | None = None) -> EpisodeImport:
    """``import_return`` for tables already read."""
    name = ", ".join(tables.files)
    raw = tables.table("episodes")
    if raw.empty and "episodes" not in tables.tables:
        raise DataError("the return has no episodes table", file=name,
                        expected="an episodes file (CHILD, DECOM, ..., HOME_POST, PL_POST, URN) or an XML return")
    if uasc_children is None:
        uasc_children = uasc_children_of_return(tables)
    frame, report, summary = validate_episodes(raw.reset_index(drop=True), index, file=name, council=council,
                                               extract_date=extract_date, uasc_children=uasc_children)
    months = birth_months(tables, frame)
    frame["_birth_month"] = months.dt.date.astype(object).where(months.notna(), None)
    valid = frame[frame["ok"]]
    dataset = dataset or f"upload:{name}"
    episodes, rule_frame = derive_placements(valid, dataset=dataset, synthetic=synthetic,
                                             extract_date=summary["extract_date"], index=postcodes)
    findings = run_rules(rule_frame)
    postcode_report = _postcode_report(rule_frame)
    key_origin = "not pseudonymised (synthetic identifiers)"
    if pseudonymise_children and len(episodes):
        key, key_origin = pseudonym_key()
        episodes["child"] = pseudonymise(episodes["child"], episodes["area_code"], key)
    parts = [r for r in (report, postcode_report, _findings_report(findings, frame)) if len(r)]
    report = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=REPORT_COLUMNS)
    report = report.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    position = report["row"].astype(int) - 2
    report["file"] = frame["_file"].to_numpy()[position] if "_file" in frame and len(report) else name
    report["row"] = frame["_row"].to_numpy()[position].astype(int) if "_row" in frame and len(report) else \
        report["row"].astype(int)
    report["refused"] = report["refused"].astype(bool)
    summary.update({"rows_read": len(raw), "rows_valid": len(valid),
                    "distance_known": int(episodes["pl_distance"].notna().sum()),
                    "distance_not_known": int(episodes["pl_distance"].isna().sum()),
                    "short_breaks": int(episodes["short_break"].sum()), "uasc_episodes": int(episodes["uasc"].sum()),
                    "outcode_precision": int((episodes["distance_precision"] == "outcode").sum())})
    councils = sorted(set(episodes["area_code"])) if len(episodes) else sorted(set(frame["_la"]) - {""})
    others, table_report = check_tables(tables)
    refused = report[report["refused"]]
    why = refused.groupby(["column", "problem"]).size() if len(refused) else pd.Series(dtype=int)
    episodes_row = {"table": "Episodes", "rows_read": len(raw), "loadable": len(valid),
                    "refused": int(refused["row"].nunique()) if len(refused) else 0,
                    "children": int(raw["CHILD"].nunique()),
                    "not_in_header": int((~raw["CHILD"].isin(set(tables.table("header")["CHILD"]))).sum())
                    if "header" in tables.tables else 0,
                    "why_refused": "; ".join(f"{c}: {p} ({n})" for (c, p), n in why.head(8).items())}
    table_summary = pd.concat([pd.DataFrame([episodes_row]), others], ignore_index=True)
    return EpisodeImport(file=name, episodes=episodes.reset_index(drop=True), report=report[REPORT_COLUMNS],
                         rows_read=len(raw), extract_date=summary["extract_date"], councils=councils,
                         key_origin=key_origin, summary=summary, tables=tables.counts(), findings=findings,
                         table_summary=table_summary, table_report=table_report)


def _postcode_report(rule_frame: pd.DataFrame) -> pd.DataFrame:
    """A warning for every postcode that cannot be placed (distance not known)."""
    parts = []
    for column, problem_column in (("HOME_POST", "home_problem"), ("PL_POST", "pl_problem")):
        problem = rule_frame[problem_column]
        parts.append(_issues(problem != "", rule_frame, column, "warning", problem + "; distance not known",
                             "a postcode in the ONS postcode directory"))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=REPORT_COLUMNS)


def _findings_report(findings: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """DfE's rule findings as report lines (the row loads: a finding never refuses it)."""
    if findings.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    return pd.DataFrame({"row": np.asarray(findings.index) + 2, "column": findings["column"], "value": "", "severity": findings["severity"],
                         "problem": findings["message"], "expected": "", "rule": findings["rule"],
                         "refused": False}).reset_index(drop=True)


# --- the embedded default: synthetic extracts -------------------------------------------
def read_manifest(folder: Path = SYNTHETIC_DIR) -> pd.DataFrame:
    path = Path(folder) / MANIFEST_FILE
    if not path.exists():
        return pd.DataFrame(columns=["file", "header", "area_code", "extract_date", "source_id", "title", "basis"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def default_rows(index: AreaIndex, catalogue: pd.DataFrame) -> dict:
    """The synthetic extracts in data/synthetic, validated and derived like any upload."""
    manifest = read_manifest()
    if manifest.empty:
        return {}
    frames, sources = [], []
    for rec in manifest.itertuples(index=False):
        files = [rec.file] + ([rec.header] if getattr(rec, "header", "") else [])  # header: months of birth
        result = import_return([SYNTHETIC_DIR / f for f in files], index, display_names=files,
                               extract_date=date.fromisoformat(rec.extract_date), pseudonymise_children=False,
                               synthetic=True, dataset=rec.source_id)
        if result.has_errors:
            first = result.errors.iloc[0]
            raise DataError(f"embedded synthetic extract is invalid: {first['problem']}", file=rec.file,
                            row=int(first["row"]), column=first["column"])
        frames.append(result.episodes.drop(columns=ROW_COLUMN))
        sources.append({"id": rec.source_id, "kind": "synthetic", "publisher": "Regional Care Benchmark (synthetic)",
                        "title": rec.title, "edition": f"extract date {rec.extract_date}; file "
                        + " and ".join(f"data/synthetic/{f}" for f in files),
                        "url": "", "licence": "Synthetic data generated by regional/synthetic.py; calibrated to "
                        "the council's published figures", "published": None})
    return {models.PlacementEpisode: pd.concat(frames, ignore_index=True), models.Source: pd.DataFrame(sources)}


def build_extract(source_dir: Path, out_dir: Path, context: dict) -> tuple[dict[str, int], list[dict]]:
    """Compact geography for distances: outcode centroids with their council, LTLA -> UTLA, and the
    postcode index (in the installation's cache, too big to commit).

    When writing the project's own extract it also regenerates the synthetic extracts
    (seeded, so unchanged unless the geography or the targets changed).
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    boundaries = geo.topojson_to_geojson(source_dir / "geo" / geo.BOUNDARY_FILE)
    outcodes = geo.build_outcode_extract(source_dir, boundaries, context["areas"])
    lookup = geo.build_la_lookup(source_dir, context["areas"])
    outcodes.to_csv(out_dir / geo.OUTCODE_EXTRACT, index=False, lineterminator="\n")
    lookup.to_csv(out_dir / geo.LA_LOOKUP_EXTRACT, index=False, lineterminator="\n")
    geo.read_outcodes.cache_clear()
    geo.read_la_lookup.cache_clear()
    geo.clear_caches()
    counts = {geo.OUTCODE_EXTRACT: len(outcodes), geo.LA_LOOKUP_EXTRACT: len(lookup)}
    if out_dir.resolve() == Path(settings.EXTRACT_DIR).resolve():
        counts.update(geo.build_index_step())
        counts.update(synthetic.write_extracts(outcodes=outcodes.set_index("outcode")))
    sources = [
        {"id": "outcode-centroids", "kind": "ons", "publisher": "Public postcode list (outcode centroids, 2017)",
         "title": "UK postcode outcode centroids with the council containing each (point in ONS BUC boundary)",
         "edition": f"file geo/{geo.OUTCODE_FILE}; councils by point in polygon against "
                    "ctyua_dec2023_uk_buc, nearest boundary for coastal centroids", "url": "", "licence": "CC0"},
        {"id": "ons-ltla-utla-apr23", "kind": "ons", "publisher": "Office for National Statistics",
         "title": "Lower tier to upper tier local authority lookup (April 2023), England and Wales",
         "edition": f"file dfe/{geo.LTLA_UTLA_FILE}; plus ONS's 2024 Barnsley/Sheffield recodes",
         "url": "https://geoportal.statistics.gov.uk/"},
    ]
    return counts, sources
