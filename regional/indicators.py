"""The indicator catalogue: a data file, so adding an indicator needs no code change."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regional.errors import DataError
from regional.settings import DATA_DIR

CATALOGUE_FILE = DATA_DIR / "indicators.csv"
CATALOGUE_COLUMNS = ["id", "label", "unit", "polarity", "topic", "lait_measure", "dfe_population_type", "description"]
UNITS = {"count", "rate_per_10k", "percent", "ratio", "currency_gbp"}
POLARITIES = {"high_good", "low_good", "neutral"}
UNIT_LABELS = {"count": "children", "rate_per_10k": "per 10,000 children", "percent": "%",
               "ratio": "ratio", "currency_gbp": "£"}


def read_catalogue(path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """Read and check the catalogue; an id is unique, a unit and polarity known."""
    name = path.name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise DataError("indicator catalogue not found", file=str(path)) from exc
    missing = [c for c in CATALOGUE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", file=name, row=1,
                        expected=", ".join(CATALOGUE_COLUMNS))
    for i, rec in enumerate(frame.itertuples(index=False), start=2):
        if rec.unit not in UNITS:
            raise DataError(f"unknown unit '{rec.unit}'", file=name, row=i, column="unit", expected=" / ".join(sorted(UNITS)))
        if rec.polarity not in POLARITIES:
            raise DataError(f"unknown polarity '{rec.polarity}'", file=name, row=i, column="polarity",
                            expected=" / ".join(sorted(POLARITIES)))
    dupes = frame["id"][frame["id"].duplicated()]
    if len(dupes):
        raise DataError(f"indicator id '{dupes.iloc[0]}' appears twice", file=name,
                        row=int(dupes.index[0]) + 2, column="id")
    return frame[CATALOGUE_COLUMNS].reset_index(drop=True)


def format_value(value: float | None, unit: str, status: str = "ok") -> str:
    """How a figure reads on screen; suppressed and missing say so, never 0."""
    if status == "suppressed":
        return "suppressed"
    if value is None or pd.isna(value):
        return "not published" if status == "missing" else "missing"
    if unit == "percent":
        text = f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"
    elif unit == "currency_gbp":
        text = f"£{value:,.0f}"
    elif float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    return text + (" (provisional)" if status == "provisional" else "")
