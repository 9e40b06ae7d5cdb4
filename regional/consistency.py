"""Consistency rules as data (``data/rules.csv``): figures that should agree, checked, never fixed.

Six kinds of rule, each a row of the rules file:

- ``parts_of_whole``: ``target`` equals the sum of ``terms`` (``a + b + c``), all from one source;
- ``percentage_of``: the percentage ``target`` agrees with ``numerator / denominator`` x 100;
- ``rate``: the rate ``target`` agrees with ``count / population`` x 10,000 (population from DfE);
- ``cross_source``: a council's figure (or the England figure a document quotes) agrees with
  DfE's published figure for the same indicator, area and period;
- ``cross_document``: two documents, or two sections of one, give the same figure;
- ``cross_version``: a new upload of a document agrees with the version it replaces.

A finding keeps both figures and both sources. Only figures with a stated period are compared
on period, except that ``cross_document`` compares a figure whose period is not stated with the
other figures dated up to ``window_days`` before its document. Severity is ``warning`` unless the
rule says ``error``; an error stops a load, a warning is reported.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from regional.errors import DataError
from regional.indicators import check_known, figure_label, read_data_file
from regional.observations import PERIOD_NOT_STATED
from regional.settings import DATA_DIR

RULES_FILE = DATA_DIR / "rules.csv"
RULE_COLUMNS = ["id", "kind", "severity", "tolerance", "target", "terms", "window_days", "description"]
KINDS = {"parts_of_whole", "percentage_of", "rate", "cross_source", "cross_document", "cross_version"}
SEVERITIES = {"warning", "error"}
FINDING_COLUMNS = ["rule", "kind", "severity", "council_code", "council", "indicator", "breakdown", "period",
                   "figure", "expected", "difference", "source", "other_figure", "other_source", "message"]
#: Source kinds DfE publishes (its own files and LAIT): the reference a council figure is checked against.
PUBLISHED = ("dfe", "lait")
_KEEP = ["area_code", "indicator_id", "period", "period_label", "value", "status", "source_id", "breakdown",
         "section", "source_kind", "source_title"]


def read_rules(path: Path | None = None, indicator_ids: set[str] | None = None) -> pd.DataFrame:
    """Read and check the rules file: known kinds and severities, numeric tolerances, known indicators."""
    path = path or RULES_FILE
    name = path.name
    rules = read_data_file(path, RULE_COLUMNS, "rules file")
    for row, rec in enumerate(rules.to_dict("records"), start=2):
        check_known(rec["kind"], KINDS, file=name, row=row, column="kind")
        check_known(rec["severity"] or "warning", SEVERITIES, file=name, row=row, column="severity")
        for column in ("tolerance", "window_days"):
            try:
                float(rec[column] or 0)
            except ValueError:
                raise DataError(f"'{rec[column]}' is not a number", file=name, row=row, column=column) from None
        if indicator_ids is not None:
            for ident in [rec["target"], *_terms(rec["terms"])]:
                if ident not in ("", "*") and ident not in indicator_ids:
                    raise DataError(f"unknown indicator '{ident}'", file=name, row=row,
                                    column="target" if ident == rec["target"] else "terms",
                                    expected="an id from data/indicators.csv")
        if rec["kind"] in ("percentage_of", "rate") and len(_terms(rec["terms"])) != 2:
            raise DataError("terms must be 'numerator / denominator'", file=name, row=row, column="terms")
    rules["severity"] = rules["severity"].replace("", "warning")
    rules["tolerance"] = pd.to_numeric(rules["tolerance"].replace("", "0"))
    rules["window_days"] = pd.to_numeric(rules["window_days"].replace("", "0"))
    return rules


def _terms(text: str) -> list[str]:
    return [t for t in re.split(r"\s*[+/]\s*", text.strip()) if t]


# --- the figures rules look at ------------------------------------------------------------
def _figures(obs: pd.DataFrame) -> pd.DataFrame:
    """Figures with a value, one per (area, indicator, period, breakdown, group): a council
    document is its own group; DfE and LAIT together are the group ``published`` (DfE's own file
    first), so one published figure stands for each."""
    rows = obs[obs["value"].notna() & (obs["period_label"] != PERIOD_NOT_STATED)]
    rows = rows[[c for c in _KEEP if c in rows.columns]].copy()
    rank = rows["source_kind"].map({"dfe": 0, "lait": 1}).fillna(2)
    rows = rows.assign(_rank=rank).sort_values("_rank", kind="stable")
    published = rows["source_kind"].isin(PUBLISHED)
    rows["group"] = np.where(published, "published", rows["source_id"])
    pub = rows[published].drop_duplicates(["area_code", "indicator_id", "period", "breakdown"])
    return pd.concat([pub, rows[~published]]).drop(columns="_rank")


def _where(rec: pd.Series | dict, prefix: str = "") -> str:
    """A figure's source in words: document, section and period."""
    title = rec.get(f"{prefix}source_title") or rec.get(f"{prefix}source_id")
    section = rec.get(f"{prefix}section") or ""
    label = rec.get(f"{prefix}period_label") or ""
    return f"{title}" + (f", {section}" if section else "") + (f" ({label})" if label else "")


def _finding(rule: pd.Series, rec: dict, **fields) -> dict:
    out = {"rule": rule["id"], "kind": rule["kind"], "severity": rule["severity"], "council_code": rec["area_code"],
           "indicator": rec["indicator_id"], "breakdown": rec.get("breakdown", ""), "period": rec["period_label"],
           "figure": rec["value"], "source": _where(rec)}
    out.update(fields)
    return out


class _ByIndicator:
    """The figures split once by indicator. Each rule reads two or three of some 150 indicators;
    filtering all 30,000 figures again for each rule was most of the checks' time."""

    def __init__(self, fig: pd.DataFrame):
        self.all = fig
        self._parts = {key: part for key, part in fig.groupby("indicator_id", sort=False)}
        self._none = fig.iloc[0:0]

    def of(self, indicator: str, *, whole_only: bool = True) -> pd.DataFrame:
        """One indicator's figures; ``whole_only``: the council's own (no breakdown)."""
        part = self._parts.get(indicator, self._none)
        return part[part["breakdown"] == ""] if whole_only else part


def _components(fig: _ByIndicator, rule: pd.Series) -> pd.DataFrame:
    """Target and term figures side by side where all are present in one group and period."""
    terms = _terms(rule["terms"])
    keys = ["area_code", "period", "group"]
    base = fig.of(rule["target"])
    for i, term in enumerate(terms):
        part = fig.of(term)[keys + ["value", "section"]]
        base = base.merge(part.rename(columns={"value": f"t{i}", "section": f"s{i}"}), on=keys)
    return base


def _parts_of_whole(fig: _ByIndicator, rule: pd.Series) -> list[dict]:
    terms = _terms(rule["terms"])
    both = _components(fig, rule)
    if both.empty:
        return []
    both["expected"] = both[[f"t{i}" for i in range(len(terms))]].sum(axis=1)
    out = []
    for rec in both[(both["value"] - both["expected"]).abs() > rule["tolerance"] + 1e-9].to_dict("records"):
        parts = " + ".join(f"{rec[f't{i}']:g} {t}" for i, t in enumerate(terms))
        sections = sorted({s for i in range(len(terms)) if (s := rec[f"s{i}"])})
        out.append(_finding(rule, rec, expected=rec["expected"], difference=rec["value"] - rec["expected"],
                            other_figure=parts, other_source=f"{rec['source_title']}" +
                            (f", {'; '.join(sections)}" if sections else ""),
                            message=f"{rec['indicator_id']} is {rec['value']:g} but its parts sum to "
                                    f"{rec['expected']:g} ({parts})"))
    return out


def _ratio(fig: _ByIndicator, rule: pd.Series, scale: float) -> list[dict]:
    """percentage_of (scale 100) within one group; rate (scale 10,000) with DfE's population."""
    numerator, denominator = _terms(rule["terms"])
    keys = ["area_code", "period", "group"]
    base = fig.of(rule["target"])
    num = fig.of(numerator)[keys + ["value", "section", "period_label"]]
    both = base.merge(num.rename(columns={"value": "num", "section": "num_section", "period_label": "num_label"}), on=keys)
    if rule["kind"] == "rate":
        pop = fig.of(denominator, whole_only=False)
        pop = pop[pop["group"] == "published"][
            ["area_code", "period", "value", "source_title", "period_label"]].sort_values("period")
        both = pd.merge_asof(both.sort_values("period"), pop.rename(columns={
            "value": "den", "period": "den_period", "source_title": "den_title", "period_label": "den_label"}),
            left_on="period", right_on="den_period", by="area_code", direction="backward")
        both = both[both["den"].notna() & ((both["period"] - both["den_period"]).dt.days < 366)]
    else:
        den = fig.of(denominator)[keys + ["value", "section"]]
        both = both.merge(den.rename(columns={"value": "den", "section": "den_section"}), on=keys)
    both = both[both["den"] > 0]
    if both.empty:
        return []
    both["expected"] = both["num"] / both["den"] * scale
    out = []
    for rec in both[(both["value"] - both["expected"]).abs() > rule["tolerance"] + 1e-9].to_dict("records"):
        if rule["kind"] == "rate":
            other = f"{rec['num']:g} {numerator} / {rec['den']:,.0f} {denominator} ({rec['den_label']}) x 10,000"
            other_source = f"{rec['source_title']}; population: {rec['den_title']}"
        else:
            other = f"{rec['num']:g} {numerator} / {rec['den']:g} {denominator}"
            sections = sorted({s for s in (rec["num_section"], rec["den_section"]) if s})
            other_source = f"{rec['source_title']}" + (f", {'; '.join(sections)}" if sections else "")
        unit = "%" if scale == 100 else " per 10,000"
        out.append(_finding(rule, rec, expected=round(rec["expected"], 2), difference=round(rec["value"] - rec["expected"], 2),
                            other_figure=other, other_source=other_source,
                            message=f"{rec['indicator_id']} is {rec['value']:g}{unit} but {other} gives "
                                    f"{rec['expected']:.1f}{unit}"))
    return out


def _cross_source(fig: pd.DataFrame, rule: pd.Series) -> list[dict]:
    """A council document's figure against DfE's: the council's own (breakdown '') at the same
    area, and the England figure it quotes (breakdown 'england') against DfE's England."""
    from regional.authorities import ENGLAND_CODE

    council = fig[fig["group"] != "published"]
    if rule["target"] not in ("", "*"):
        council = council[council["indicator_id"] == rule["target"]]
    council = council[council["breakdown"].isin(["", "england"])].copy()
    council["match_area"] = np.where(council["breakdown"] == "england", ENGLAND_CODE, council["area_code"])
    published = fig[(fig["group"] == "published") & (fig["breakdown"] == "")][
        ["area_code", "indicator_id", "period", "value", "source_title", "period_label"]]
    both = council.merge(published.rename(columns={"area_code": "match_area", "value": "dfe_value",
                                                   "source_title": "dfe_title", "period_label": "dfe_label"}),
                         on=["match_area", "indicator_id", "period"])
    out = []
    for rec in both[(both["value"] - both["dfe_value"]).abs() > rule["tolerance"] + 1e-9].to_dict("records"):
        whose = "England figure quoted" if rec["breakdown"] == "england" else "council's figure"
        out.append(_finding(rule, rec, expected=rec["dfe_value"], difference=rec["value"] - rec["dfe_value"],
                            other_figure=rec["dfe_value"], other_source=f"{rec['dfe_title']} ({rec['dfe_label']})",
                            message=f"the {whose} for {rec['indicator_id']} is {rec['value']:g}; "
                                    f"DfE publishes {rec['dfe_value']:g} for the same period"))
    return out


def _cross_document(obs: pd.DataFrame, rule: pd.Series) -> list[dict]:
    """Pairs of council figures (different document or section) for the same council, indicator,
    breakdown and period that differ; a figure without a stated period is paired with figures
    dated up to ``window_days`` before its anchor (its document's date)."""
    rows = obs[(obs["source_kind"] == "council") & obs["value"].notna()]
    if rule["target"] not in ("", "*"):
        rows = rows[rows["indicator_id"] == rule["target"]]
    rows = rows[[c for c in _KEEP if c in rows.columns]].reset_index(drop=True)
    rows["stated"] = rows["period_label"] != PERIOD_NOT_STATED
    rows["row"] = rows.index
    pairs = rows.merge(rows, on=["area_code", "indicator_id", "breakdown"], suffixes=("", "_b"))
    pairs = pairs[pairs["row"] < pairs["row_b"]]
    pairs = pairs[(pairs["source_id"] != pairs["source_id_b"]) | (pairs["section"] != pairs["section_b"])]
    window = pd.Timedelta(days=float(rule["window_days"] or 0))
    same_period = pairs["stated"] & pairs["stated_b"] & (pairs["period"] == pairs["period_b"])
    # A figure whose period is not stated, against one dated in the window before its anchor.
    a_open = ~pairs["stated"] & pairs["stated_b"] & (pairs["period_b"] <= pairs["period"]) & \
        (pairs["period"] - pairs["period_b"] <= window)
    b_open = ~pairs["stated_b"] & pairs["stated"] & (pairs["period"] <= pairs["period_b"]) & \
        (pairs["period_b"] - pairs["period"] <= window)
    pairs = pairs[(same_period | a_open | b_open) & ((pairs["value"] - pairs["value_b"]).abs() > rule["tolerance"] + 1e-9)]
    out = []
    for rec in pairs.to_dict("records"):
        other = _where(rec, "")
        b = {k[:-2]: v for k, v in rec.items() if k.endswith("_b")}
        where_b = _where(b)
        place = "two sections of one document" if rec["source_id"] == rec["source_id_b"] else "two documents"
        out.append(_finding(rule, rec, expected=rec["value_b"], difference=rec["value"] - rec["value_b"],
                            other_figure=rec["value_b"], other_source=where_b,
                            message=f"{place} give {rec['indicator_id']} as {rec['value']:g} ({rec['period_label']}) "
                                    f"and {rec['value_b']:g} ({rec['period_label_b']})", source=other))
    return out


def compare_versions(old: pd.DataFrame, new: pd.DataFrame, rule: pd.Series | None = None) -> pd.DataFrame:
    """``cross_version``: figures a new upload of a document changes against the version it replaces.

    Both frames are observations of the same source(s); rows are matched on council, indicator,
    period, breakdown and section. A figure the new version drops is reported too.
    """
    rule = rule if rule is not None else pd.Series({"id": "upload_changes", "kind": "cross_version",
                                                    "severity": "warning", "tolerance": 0.0})
    keys = ["area_code", "indicator_id", "period", "breakdown", "section"]
    both = old.merge(new, on=keys, how="left", suffixes=("_old", ""), indicator=True)
    out = []
    for rec in both.to_dict("records"):
        dropped = rec["_merge"] == "left_only"
        old_v, new_v = rec["value_old"], rec.get("value")
        changed = dropped or (pd.isna(old_v) != pd.isna(new_v)) or \
            (pd.notna(old_v) and pd.notna(new_v) and abs(old_v - new_v) > rule["tolerance"] + 1e-9)
        if not changed:
            continue
        rec = {**rec, "period_label": rec.get("period_label_old") if dropped else rec.get("period_label"),
               "value": None if dropped else new_v, "source_title": rec.get("source_title_old", ""),
               "source_id": rec.get("source_id_old", "")}
        out.append(_finding(rule, rec, expected=old_v, difference=None if dropped or pd.isna(old_v) or pd.isna(new_v)
                            else new_v - old_v, other_figure=old_v, other_source="the version it replaces",
                            message=f"{rec['indicator_id']} " + ("is no longer given" if dropped else
                                                                  f"changed from {old_v} to {new_v}")))
    return _frame(out)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c for c in FINDING_COLUMNS if c != "council"])
    return frame


def _looked_at(obs: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Only the rows some rule can look at: its target and terms, and for a rule on every indicator
    (target '*' or empty) the indicators councils report. About two fifths of the default load's rows
    are read by no rule; skipping them takes a fifth off the checks (0.67 -> 0.53 s CPU)."""
    needed = set(rules["target"]) | {t for terms in rules["terms"] for t in _terms(terms)}
    if needed & {"", "*"}:
        needed |= set(obs.loc[obs["source_kind"] == "council", "indicator_id"])
    return obs[obs["indicator_id"].isin(needed)]


def check_observations(obs: pd.DataFrame, rules: pd.DataFrame, names: dict[str, str] | None = None,
                       codes: list[str] | None = None) -> pd.DataFrame:
    """Run every rule over observations (with ``source_kind`` and ``source_title``); one row per finding.

    ``codes`` restricts the findings to those councils (the rules still see every figure, e.g.
    England's for a cross-source check).
    """
    obs = _looked_at(obs, rules)
    fig = _figures(obs)
    split = _ByIndicator(fig)
    found: list[dict] = []
    for rule in (r for _, r in rules.iterrows()):
        kind = rule["kind"]
        if kind == "parts_of_whole":
            found += _parts_of_whole(split, rule)
        elif kind == "percentage_of":
            found += _ratio(split, rule, 100.0)
        elif kind == "rate":
            found += _ratio(split, rule, 10_000.0)
        elif kind == "cross_source":
            found += _cross_source(fig, rule)
        elif kind == "cross_document":
            found += _cross_document(obs, rule)
        # cross_version compares an upload with what it replaces: see compare_versions.
    out = _frame(found)
    if codes is not None:
        out = out[out["council_code"].isin(codes)]
    out.insert(4, "council", out["council_code"].map(names or {}).fillna(out["council_code"]))
    out["period"] = out["period"].fillna("")
    return out.sort_values(["council", "rule", "indicator", "period"], kind="stable").reset_index(drop=True)


def check_store(store, codes: list[str] | None = None, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Findings for the councils ``codes`` (all if None) over everything the Store holds."""
    rules = rules if rules is not None else read_rules(indicator_ids=set(store.indicators["id"]))
    names = dict(zip(store.areas["code"], store.areas["name"]))
    return check_observations(store.observations, rules, names, codes)


def errors(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["severity"] == "error"]


def raise_on_errors(findings: pd.DataFrame, file: str) -> None:
    """A rule marked ``error`` stops the load: nothing is stored, the message names the figures."""
    bad = errors(findings)
    if len(bad):
        first = bad.iloc[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise DataError(f"consistency rule '{first['rule']}' failed for {first['council']}: {first['message']}{more}",
                        file=file, column="value", expected="figures that agree within the rule's tolerance")


def _with_sources(obs: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Observations with the source kind and title the rules read."""
    by_id = sources.drop_duplicates("id").set_index("id")
    out = obs.assign(source_kind=obs["source_id"].map(by_id["kind"]), source_title=obs["source_id"].map(by_id["title"]))
    out["period"] = pd.to_datetime(out["period"])
    for column in ("breakdown", "section", "period_label"):
        out[column] = out[column].fillna("")
    return out


def check_load(obs: pd.DataFrame, sources: pd.DataFrame, areas: pd.DataFrame, file: str) -> pd.DataFrame:
    """Run the rules over a load about to be written: an ``error`` rule stops it (DataError naming
    the figures); warnings are returned for the caller to report."""
    rules = read_rules()
    findings = check_observations(_with_sources(obs, sources), rules, dict(zip(areas["code"], areas["name"])))
    raise_on_errors(findings, file)
    return findings


def upload_findings(held: pd.DataFrame, held_sources: pd.DataFrame, new: pd.DataFrame, new_sources: pd.DataFrame,
                    areas: pd.DataFrame) -> pd.DataFrame:
    """Rules for one upload: every rule over what the database will hold once it lands (the new
    rows replacing the earlier version of the same documents), plus ``cross_version`` against that
    earlier version. Only findings that involve the uploaded councils are returned."""
    rules = read_rules()
    replaced = held["source_id"].isin(new_sources["id"])
    sources = pd.concat([held_sources[~held_sources["id"].isin(new_sources["id"])], new_sources], ignore_index=True)
    after = pd.concat([held[~replaced], new], ignore_index=True)
    names = dict(zip(areas["code"], areas["name"]))
    codes = sorted(set(new["area_code"]))
    findings = check_observations(_with_sources(after, sources), rules, names, codes)
    involved = findings["source"].str.startswith(tuple(new_sources["title"])) | \
        findings["other_source"].astype(str).str.startswith(tuple(new_sources["title"]))
    findings = findings[involved]
    version_rules = rules[rules["kind"] == "cross_version"]
    if replaced.any() and len(version_rules):
        old = _with_sources(held[replaced], held_sources)
        changes = compare_versions(old, _with_sources(new, new_sources), version_rules.iloc[0])
        changes.insert(4, "council", changes["council_code"].map(names).fillna(changes["council_code"]))
        findings = pd.concat([findings, changes], ignore_index=True)
    return findings.reset_index(drop=True)


def data_quality(store, codes: list[str] | None = None, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """The data-quality view of one or more councils: each finding in words, with both figures and
    both sources, the rule it breaks and what that rule expects. Nothing here is "fixed"."""
    findings = findings if findings is not None else check_store(store, codes)
    rules = read_rules().set_index("id")["description"]
    labels = store.indicators.set_index("id")["label"].map(figure_label)
    if findings.empty:
        return pd.DataFrame(columns=["council", "severity", "check", "indicator", "period", "figure", "source",
                                     "other figure", "other source", "finding", "rule"])
    return pd.DataFrame({
        "council": findings["council"], "severity": findings["severity"],
        "check": findings["rule"].map(rules).fillna(findings["kind"].str.replace("_", " ")),
        "indicator": findings["indicator"].map(labels).fillna(findings["indicator"])
        + findings["breakdown"].fillna("").map(lambda b: f" ({b.replace('_', ' ')}, as quoted)" if b else ""),
        "period": findings["period"], "figure": findings["figure"], "source": findings["source"],
        "other figure": findings["other_figure"].astype(str), "other source": findings["other_source"],
        "finding": findings["message"], "rule": findings["rule"],
    }).reset_index(drop=True)
