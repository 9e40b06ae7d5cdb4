"""The SSDA903 return as the spec file declares it: tables, columns, code lists, categories.

``regional/ssda903_spec.toml`` is the one place the return is described (as the sector's
tooling, Social Finance's liia-tools, declares it); reading, validation and the placement
categories all read it from here. This module depends on nothing else in the platform, so
any module may use it.
"""
from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from pathlib import Path

import pandas as pd

SPEC_FILE = Path(__file__).resolve().parent.parent / "ssda903_spec.toml"
TABLES = ("header", "episodes", "uasc", "missing", "reviews", "oc2", "oc3")


@lru_cache(maxsize=2)
def read_spec(path: Path = SPEC_FILE) -> dict:
    """The return's tables, columns and code lists (TOML)."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def table_spec(name: str, spec: dict | None = None) -> dict:
    """One table's declaration (label, columns, dates, key, xml element)."""
    return (spec or read_spec())["tables"][name]


def short_break_statuses(spec: dict | None = None) -> frozenset[str]:
    """Legal statuses of a short break (V3, V4)."""
    return frozenset((spec or read_spec())["short_breaks"]["legal_status"])


def _end_year(label: str | None) -> float:
    """'2025-26' -> 2026 (the year the collection year ends in)."""
    if not isinstance(label, str) or not label.strip():
        return math.nan
    return float(int(str(label)[:4]) + 1)


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


def placement_categories(place: pd.Series, provider: pd.Series) -> pd.DataFrame:
    """Category (fostering, residential, supported, parents, adoption, other), foster type,
    provider type and a readable detail label, from the spec's code lists."""
    spec = read_spec()
    codes = pd.DataFrame(spec["codes"]["PLACE"]).set_index("code")
    providers = pd.DataFrame(spec["codes"]["PLACE_PROVIDER"]).set_index("code")
    labels = spec["categories"]
    provider_labels = spec["provider_types"]
    key = place.astype("string").fillna("").str.upper().str.strip()
    category = key.map(codes["category"]).fillna("other").astype(object)
    foster_type = key.map(codes.get("foster_type", pd.Series(dtype=object))).fillna("").astype(object)
    provider_type = (provider.astype("string").fillna("").str.upper().str.strip()
                     .map(providers["provider_type"]).fillna("").astype(object))
    detail = category.map(labels).astype(object)
    fostering = category == "fostering"
    kinship = fostering & (foster_type == "kinship")
    other = fostering & (foster_type == "other")
    detail[kinship] = "Fostering: kinship"
    detail[other] = "Fostering: other"
    for key_, text in provider_labels.items():
        if key_ == "parents":
            continue
        detail[other & (provider_type == key_)] = f"Fostering: other, {text.lower()}"
    return pd.DataFrame({"placement_category": category.map(labels).astype(object), "foster_type": foster_type,
                         "provider_type": provider_type.map(lambda v: provider_labels.get(v, "")).astype(object),
                         "placement_detail": detail}, index=place.index)
