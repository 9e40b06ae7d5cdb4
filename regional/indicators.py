"""The indicator catalogue: a data file, so adding an indicator needs no code change.

Every indicator has a written definition (``description``), a unit, a polarity, what kind of
period it refers to (a snapshot at a date, a flow over a span, a change, a forecast) and a
``scope``:

- ``dfe``: it *is* a DfE or LAIT item (named in ``dfe_item``); a council figure goes under it
  only when it has exactly that definition;
- ``council``: a measure several councils report (no DfE item), with a definition they share;
- ``local``: one council's own measure (``council`` names it; the id starts with its short
  name), labelled in the document's words. Pages show these beside DfE's series, never in them.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.settings import DATA_DIR

CATALOGUE_FILE = DATA_DIR / "indicators.csv"
#: Columns the database's indicator table holds.
CATALOGUE_COLUMNS = ["id", "label", "unit", "polarity", "topic", "lait_measure", "dfe_population_type", "description"]
#: Columns only the catalogue file holds (read with it wherever they are needed).
DEFINITION_COLUMNS = ["scope", "council", "period_type", "dfe_item"]
UNITS = {"count", "rate_per_10k", "percent", "ratio", "currency_gbp", "days"}
POLARITIES = {"high_good", "low_good", "neutral"}
SCOPES = {"dfe", "council", "local"}
PERIOD_TYPES = {"snapshot", "flow", "change", "forecast"}
UNIT_LABELS = {"count": "children", "rate_per_10k": "per 10,000 children", "percent": "%",
               "ratio": "ratio", "currency_gbp": "£", "days": "days"}
POLARITY_LABELS = {"high_good": "higher is better", "low_good": "lower is better", "neutral": "neither"}

#: How each status reads on screen, in DfE's own words for its markers.
STATUS_LABELS = {
    "ok": "", "provisional": "provisional", "suppressed": "suppressed", "not_applicable": "not applicable",
    "not_available": "not available", "rounds_to_zero": "rounds to zero", "low_reliability": "low reliability",
    "missing": "not published",
}


def read_data_file(path: Path, columns: list[str], what: str) -> pd.DataFrame:
    """One of the project's data files (the catalogue, the rules): every cell as text, blanks as
    empty strings; refused, naming the file, when it is absent or lacks a column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise DataError(f"{what} not found", file=str(path)) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", file=path.name, row=1, expected=", ".join(columns))
    return frame


def check_known(value: str, allowed: set[str], *, file: str, row: int, column: str) -> None:
    """A data file's cell must be one of ``allowed`` (a unit, a polarity, a rule's kind ...)."""
    if value not in allowed:
        raise DataError(f"unknown {column.replace('_', ' ')} '{value}'", file=file, row=row, column=column,
                        expected=" / ".join(sorted(allowed)))


def read_catalogue(path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """Read and check the catalogue; an id is unique, a unit, polarity, scope and period type known.

    The definition columns are optional in a file (a catalogue written before them, or the
    benchmark's extra LAIT measures): a row without ``scope`` is ``dfe`` when it names a LAIT
    measure, else ``council``; without ``period_type`` it is a ``snapshot``.
    """
    name = path.name
    frame = read_data_file(path, CATALOGUE_COLUMNS, "indicator catalogue")
    for column in DEFINITION_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    blank_scope = frame["scope"] == ""
    frame.loc[blank_scope, "scope"] = (frame.loc[blank_scope, "lait_measure"] != "").map({True: "dfe", False: "council"})
    frame.loc[blank_scope & (frame["dfe_item"] == "") & (frame["lait_measure"] != ""), "dfe_item"] = \
        "LAIT " + frame["lait_measure"]
    frame.loc[frame["period_type"] == "", "period_type"] = "snapshot"
    checks = (("unit", UNITS), ("polarity", POLARITIES), ("scope", SCOPES), ("period_type", PERIOD_TYPES))
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        for column, allowed in checks:
            check_known(rec[column], allowed, file=name, row=i, column=column)
        if rec["scope"] == "dfe" and not rec["dfe_item"]:
            raise DataError("a dfe indicator must name the DfE or LAIT item it equals", file=name, row=i,
                            column="dfe_item")
        if rec["scope"] == "local" and not rec["council"]:
            raise DataError("a council-local indicator must name its council", file=name, row=i, column="council")
    dupes = frame["id"][frame["id"].duplicated()]
    if len(dupes):
        raise DataError(f"indicator id '{dupes.iloc[0]}' appears twice", file=name,
                        row=int(dupes.index[0]) + 2, column="id")
    return frame[CATALOGUE_COLUMNS + DEFINITION_COLUMNS].reset_index(drop=True)


@lru_cache(maxsize=4)
def _cached_catalogue(path: Path, mtime: float) -> pd.DataFrame:
    return read_catalogue(path)


def catalogue(path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """The catalogue, read once per change of the file (callers must not modify it)."""
    return _cached_catalogue(path, path.stat().st_mtime)


def with_definitions(indicators: pd.DataFrame, path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """The database's indicator rows with the catalogue file's definition columns joined on.

    An indicator the file does not list (added straight to a database) gets the defaults
    :func:`read_catalogue` would give it.
    """
    extra = catalogue(path).set_index("id")[DEFINITION_COLUMNS] if path.exists() else None
    out = indicators.drop(columns=[c for c in DEFINITION_COLUMNS if c in indicators.columns])
    if extra is None:
        out = out.assign(scope="", council="", period_type="", dfe_item="")
    else:
        out = out.join(extra, on="id")
    for column in DEFINITION_COLUMNS:
        out[column] = out[column].fillna("")
    no_scope = out["scope"] == ""
    out.loc[no_scope, "scope"] = (out.loc[no_scope, "lait_measure"].fillna("") != "").map({True: "dfe", False: "council"})
    out.loc[out["period_type"] == "", "period_type"] = "snapshot"
    return out


def figure_label(label: str) -> str:
    """An indicator's label for a council's figure: DfE's "at 31 March" is DfE's date, not the
    council's (B&NES counts at 26 February), so it goes; the figure's period gives the date."""
    return label.replace(" at 31 March", "")


def status_label(status: str) -> str:
    """A status in words, as DfE writes its markers ("not applicable", "rounds to zero")."""
    return STATUS_LABELS.get(status, status.replace("_", " "))


def format_value(value: float | None, unit: str, status: str = "ok") -> str:
    """How a figure reads on screen; every status without a figure says which, never 0."""
    if value is None or pd.isna(value):
        if status in ("ok", "provisional"):
            return "missing"
        return status_label(status)
    if unit == "percent":
        text = f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"
    elif unit == "currency_gbp":
        text = f"£{value:,.0f}"
    elif float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    return text + (" (provisional)" if status == "provisional" else "")
