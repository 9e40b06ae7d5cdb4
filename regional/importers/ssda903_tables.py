"""Reading an SSDA903 return: every table, from CSV/XLSX files or the XML return.

A return is seven tables (header, episodes, UASC, missing, reviews, OC2, OC3; columns in
``regional/ssda903_spec.toml``). CSV/XLSX: one file per table, or several years of one
table (a YEAR column), each file recognised by its columns as the sector's validator
recognises them (Data to Insight's quality-lac-data-beta-validator, ``ingress.py``). XML:
DfE's ``<EXPSSDA903><CHILD><HEADER>...</HEADER><EPISODE>...</EPISODE></CHILD>`` layout,
read child by child into the same tables (``CHILDID`` is CHILD, ``PL`` is PLACE), so both
forms of one return give the same frames. Every row keeps the file and row it came from
(``_file``, ``_row``) for the validation report. Nothing is derived or checked here.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.importers.council_return import read_table
from regional.importers.ssda903_spec import TABLES, read_spec

#: Platform extras a CSV may carry beside a table's own columns.
EXTRAS = ("LA", "YEAR", "UASC")
_XML_RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
MAX_XML_BYTES = 200 * 1024 * 1024


@dataclass
class ReturnTables:
    """A return read as text: table name -> frame (columns as the spec, plus _file and _row)."""

    tables: dict[str, pd.DataFrame]
    files: list[str] = field(default_factory=list)
    form: str = "csv"

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, _empty(name))

    def counts(self) -> dict[str, int]:
        return {name: len(self.table(name)) for name in TABLES}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=[*read_spec()["tables"][name]["columns"], "_file", "_row"], dtype=object)


def identify_table(columns: list[str], file: str) -> str:
    """The table whose declared columns a file holds (the widest such table wins)."""
    present = {c.upper() for c in columns}
    tables = read_spec()["tables"]
    fits = [name for name, t in tables.items() if set(t["columns"]) <= present]
    if not fits:  # name the table it comes closest to, and what it lacks
        closest = max(tables, key=lambda name: (len(set(tables[name]["columns"]) & present),
                                                -len(tables[name]["columns"])))
        missing = [c for c in tables[closest]["columns"] if c not in present]
        raise DataError(f"missing column(s) for the {tables[closest]['label']} table: {', '.join(missing)}; "
                        f"found: {', '.join(columns)}", file=file, row=1,
                        expected=", ".join(tables[closest]["columns"]))
    return max(fits, key=lambda name: len(tables[name]["columns"]))


def read_table_file(path: Path, display_name: str | None = None) -> tuple[str, pd.DataFrame]:
    """(table name, frame) for one CSV/XLSX file: text, trimmed, column names upper-cased."""
    name = display_name or Path(path).name
    frame = read_table(Path(path), name, sheet="episodes")
    frame.columns = [c.upper() for c in frame.columns]
    frame = frame.astype(str).apply(lambda s: s.str.strip())
    table = identify_table(list(frame.columns), name)
    return table, frame.assign(_file=name, _row=frame.index + 2)


def read_xml(path: Path, display_name: str | None = None) -> ReturnTables:
    """The XML return as the same tables a CSV upload gives."""
    name = display_name or Path(path).name
    raw = Path(path).read_bytes()
    if len(raw) > MAX_XML_BYTES:
        raise DataError(f"the XML file is {len(raw) / 1e6:.0f} MB; at most {MAX_XML_BYTES / 1e6:.0f} MB", file=name)
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:  # entity expansion is an attack, never part of the return
        raise DataError("the XML file declares a DOCTYPE or entities, which an SSDA903 return never does", file=name)
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise DataError(f"not well-formed XML: {exc}", file=name, row=exc.position[0]) from exc
    spec = read_spec()["tables"]
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}

    def leaves(node: ET.Element) -> dict[str, str]:
        return {_XML_RENAME.get(n.tag, n.tag): (n.text or "").strip() for n in node.iter() if len(n) == 0}

    def add(table: str, values: dict[str, str], number: int) -> None:
        # _row: the record's place among its table's records in the file (the n-th episode)
        rows[table].append({**{c: values.get(c, "") for c in spec[table]["columns"]}, "_row": len(rows[table]) + 1,
                            "_child_number": number})

    by_element = {t["xml"]: name for name, t in spec.items() if "xml" in t}
    for number, child in enumerate(root.iter("CHILD"), start=1):
        header = child.find("HEADER")
        own = leaves(header) if header is not None else {}
        own = {k: v for k, v in own.items() if k in spec["header"]["columns"] or k in ("UASC", "DUC", "IN_TOUCH",
                                                                                     "ACTIV", "ACCOM")}
        add("header", own, number)
        rows["header"][-1]["UASC"] = own.get("UASC", "")
        for name_, t in spec.items():
            if t.get("xml_when") and own.get(t["xml_when"], ""):
                add(name_, own, number)
        if header is not None:
            for part in header:
                if part.tag in by_element:
                    add(by_element[part.tag], {**own, **leaves(part)}, number)
        for episode in child.findall("EPISODE"):
            add("episodes", {"CHILD": own.get("CHILD", ""), **leaves(episode)}, number)
    tables = {}
    for table, found in rows.items():
        frame = pd.DataFrame(found).drop(columns="_child_number") if found else _empty(table)
        tables[table] = frame.assign(_file=name)
    return ReturnTables(tables=tables, files=[name], form="xml")


def read_return(paths: list[Path], display_names: list[str] | None = None) -> ReturnTables:
    """Every file of one upload: one XML return, or CSV/XLSX files (one table each, any order)."""
    paths = [Path(p) for p in paths]
    names = display_names or [p.name for p in paths]
    if not paths:
        raise DataError("no file given", file="(upload)")
    xml = [i for i, (p, n) in enumerate(zip(paths, names)) if n.lower().endswith(".xml") or p.suffix.lower() == ".xml"]
    if xml:
        if len(paths) > 1:
            raise DataError("an XML return holds every table: upload it alone, not with other files", file=names[xml[0]])
        return read_xml(paths[0], names[0])
    parts: dict[str, list[pd.DataFrame]] = {}
    for path, name in zip(paths, names):
        table, frame = read_table_file(path, name)
        parts.setdefault(table, []).append(frame)
    tables = {t: pd.concat(frames, ignore_index=True).fillna("") for t, frames in parts.items()}
    return ReturnTables(tables=tables, files=names, form="csv")


def uasc_children(tables: ReturnTables) -> set[str]:
    """Children the return marks as UASC: a row in the UASC table, or UASC = 1 in the XML header.

    As the sector's validator does (rules 406, 164, 392b): any UASC row with something
    besides CHILD filled in makes the child UASC (now or formerly).
    """
    children: set[str] = set()
    uasc = tables.table("uasc")
    if len(uasc):
        filled = uasc.drop(columns=["CHILD", "_file", "_row", *[c for c in EXTRAS if c in uasc]]).ne("").any(axis=1)
        children |= set(uasc.loc[filled, "CHILD"])
    header = tables.table("header")
    if "UASC" in header:
        children |= set(header.loc[header["UASC"].isin(["1", "Y", "y", "true", "True"]), "CHILD"])
    return children - {""}


TABLE_SUMMARY_COLUMNS = ["table", "rows_read", "loadable", "refused", "children", "not_in_header", "why_refused"]


def check_tables(tables: ReturnTables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary per table, problems) for every table but the episodes (``ssda903.validate_episodes``
    checks those): CHILD present, dates that parse, codes from the spec's lists, and each child
    joined to the header. A row is refused without CHILD or with a date that is not a date; a
    child missing from the header (when a header was given) is reported, not refused."""
    spec = read_spec()
    header_children = set(tables.table("header")["CHILD"]) if "header" in tables.tables else None
    summary, problems = [], []
    for name in TABLES:
        frame = tables.table(name)
        if name == "episodes" or name not in tables.tables:
            continue
        declared = spec["tables"][name]
        bad = pd.Series(False, index=frame.index)
        why: dict[str, int] = {}

        def note(mask: pd.Series, column: str, problem: str, refuse: bool) -> None:
            nonlocal bad
            if not mask.any():
                return
            if refuse:
                bad |= mask
                why[f"{column}: {problem}"] = int(mask.sum())
            problems.append(pd.DataFrame({"table": declared["label"], "file": frame.loc[mask, "_file"],
                                          "row": frame.loc[mask, "_row"], "column": column,
                                          "value": frame.loc[mask, column] if column in frame else "",
                                          "problem": problem, "refused": refuse}))

        note(frame["CHILD"].eq(""), "CHILD", "blank", True)
        for column in declared.get("dates", []):
            text = frame[column].fillna("")
            parsed = pd.to_datetime(text.where(text.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")), format="%d/%m/%Y",
                                    errors="coerce").fillna(pd.to_datetime(
                                        text.str[:10].where(text.str.match(r"^\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d",
                                        errors="coerce"))
            note((text != "") & parsed.isna(), column, "not a date (dd/mm/yyyy or yyyy-mm-dd)", True)
        for column, codes in spec["table_codes"].items():
            if column in frame:
                note((frame[column] != "") & ~frame[column].isin(codes), column,
                     f"not a code in the {column} list ({', '.join(codes)})", True)
        not_in_header = 0
        if header_children is not None and name != "header":
            missing = ~frame["CHILD"].isin(header_children) & frame["CHILD"].ne("")
            not_in_header = int(missing.sum())
            note(missing, "CHILD", "child not in the header table", False)
        summary.append({"table": declared["label"], "rows_read": len(frame), "loadable": int((~bad).sum()),
                        "refused": int(bad.sum()), "children": int(frame["CHILD"].nunique()),
                        "not_in_header": not_in_header,
                        "why_refused": "; ".join(f"{k} ({v})" for k, v in why.items())})
    report = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(
        columns=["table", "file", "row", "column", "value", "problem", "refused"])
    return pd.DataFrame(summary, columns=TABLE_SUMMARY_COLUMNS), report
