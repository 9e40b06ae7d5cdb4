"""ONS subnational population projections (SNPP): children aged 0-17 in one council's area,
for the sufficiency plan's demand (rate per 10,000 x projected child population).

Reads ONS's published CSV layout ("2022 SNPP Population persons.csv", and the 2018-based files):
``AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP`` then one column per mid-year (``2022``,
``2023``, ...). Single years of age 0-17 are summed; ``All ages`` and ``90 and over`` rows are
not needed and left alone. A file of persons is read as it is; a file of males and females is
summed. One ONS file covers every council: the upload names the council it is loaded for, and
only that council's rows are kept (its own code, or, where the file predates a reorganisation,
its districts summed through ONS's district -> county lookup). Mid-year Y is dated 31 March Y+1,
as DfE dates the denominator of its rate per 10,000.

Nothing is stored here (:mod:`regional.returns` stores, versions and audits).
"""
from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from regional import geo, models
from regional.authorities import AreaIndex
from regional.errors import DataError
from regional.importers import values
from regional.importers.council_return import ReturnInvalid, identity_hash
from regional.importers.reader import read_table

REQUIRED = ["area_code", "age_group"]
OPTIONAL = ["area_name", "component", "sex"]
AGES = [str(a) for a in range(18)]
SOURCE_PREFIX = "ons-snpp"
PUBLISHER = "Office for National Statistics"
LICENCE = "Open Government Licence v3.0"
ROW_COLUMNS = ["area_code", "period", "period_label", "mid_year", "population", "base_year", "matched", "source_id"]


def _years(columns: list[str]) -> list[str]:
    return [c for c in columns if re.fullmatch(r"\d{4}", c)]


def read_projection(path: Path, index: AreaIndex, *, council: str | None = None, display_name: str | None = None,
                    lookup: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(rows, sources, notes) for one council from an ONS SNPP file; DataError/ReturnInvalid if bad."""
    name = display_name or Path(path).name
    frame = read_table(Path(path), name)
    years = _years(list(frame.columns))
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing or not years:
        raise DataError(f"missing column(s): {', '.join(c.upper() for c in missing) or 'a year (2022, 2023, ...)'}",
                        file=name, row=1, column=(missing[0].upper() if missing else "2022"),
                        expected="ONS's SNPP layout: AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, then one "
                                 "column per mid-year (2022, 2023, ...)")
    values.refuse_unknown_columns([c for c in frame.columns if c not in years], REQUIRED + OPTIONAL, name)
    frame = frame.apply(lambda s: s.astype(str).str.strip())
    notes: list[str] = []
    if "component" in frame.columns:
        frame = frame[frame["component"].str.lower().isin(["population", ""])]
    if "sex" in frame.columns:
        sex = frame["sex"].str.lower()
        if (sex == "persons").any():
            frame = frame[sex == "persons"]
        elif sex.isin(["males", "females", "male", "female"]).any():
            notes.append("males and females summed (the file has no persons rows)")
        else:
            bad = frame.index[0] if len(frame) else 0
            raise DataError(f"SEX '{frame['sex'].iloc[0] if len(frame) else ''}' is not persons, males or females",
                            file=name, row=int(bad) + 2, column="SEX", expected="persons, males or females")
    ages = frame[frame["age_group"].isin(AGES)]
    if ages.empty:
        raise DataError("no rows for single years of age 0 to 17", file=name, column="AGE_GROUP",
                        expected="AGE_GROUP 0, 1, ..., 17 (ONS's single-year layout)")
    problems: list[DataError] = []
    numbers = {}
    for year in years:
        column = []
        for position, text in zip(ages.index, ages[year]):
            try:
                value = values.number(text.replace(",", ""))
                if not math.isfinite(value) or value < 0:
                    raise ValueError(text)
            except ValueError:
                problems.append(DataError(f"'{text}' is not a number of people", file=name, row=int(position) + 2,
                                          column=year, expected="a number, 0 or more"))
                value = float("nan")
            column.append(value)
            if len(problems) >= 100:
                raise ReturnInvalid(problems)
        numbers[year] = column
    if problems:
        raise ReturnInvalid(problems)
    counts = pd.DataFrame(numbers, index=ages.index).assign(area=ages["area_code"].str.upper().to_numpy(),
                                                            age=ages["age_group"].to_numpy())
    by_area = counts.groupby(["area", "age"])[years].sum()
    have_ages = by_area.reset_index().groupby("area")["age"].nunique()
    totals = by_area.groupby(level="area").sum()
    councils = set(index.areas.loc[index.areas["level"] == "la", "code"])
    lookup = geo.read_la_lookup() if lookup is None else lookup
    to_upper = {k: v for k, v in lookup["utla_code"].items() if v in councils}
    direct = [a for a in totals.index if a in councils]
    council = index.resolve(council, file=name, column="council") if council else None
    wanted = [council] if council else sorted(set(direct) | {to_upper[a] for a in totals.index if a in to_upper})
    if council is None and len(wanted) > 1:
        raise DataError(f"the file holds {len(wanted)} councils' projections; choose the council to load it for",
                        file=name, column="council", expected="the council the projection is loaded for")
    rows = []
    for code in wanted:
        if code in totals.index:
            parts, matched = [code], f"AREA_CODE {code}"
        else:
            parts = [a for a in totals.index if to_upper.get(a) == code]
            matched = f"{len(parts)} districts summed ({', '.join(parts)})"
            absent = sorted(a for a, upper in to_upper.items() if upper == code and a not in totals.index)
            if parts and absent:
                raise DataError(f"{index.name_of(code)} is in the file only as districts, and {', '.join(absent)} "
                                f"{'is' if len(absent) == 1 else 'are'} missing", file=name, column="AREA_CODE",
                                expected=f"AREA_CODE {code}, or every one of its districts")
        if not parts:
            raise DataError(f"the file has no rows for {index.name_of(code)} ({code}), nor for its districts",
                            file=name, column="AREA_CODE", expected=f"rows with AREA_CODE {code}")
        short = [a for a in parts if have_ages.get(a, 0) < len(AGES)]
        if short:
            raise DataError(f"{short[0]} gives {have_ages.get(short[0], 0)} of the 18 single years of age 0-17",
                            file=name, column="AGE_GROUP", expected="every age 0 to 17 for the council's area")
        series = totals.loc[parts].sum()
        for year, population in series.items():
            mid = int(year)
            period = date(mid + 1, 3, 31)
            try:
                values.check_period(period, plan=True)
            except ValueError:
                continue  # further ahead than any plan looks: left out, said below
            rows.append({"area_code": code, "period": period, "period_label": f"mid-{mid} (for 31 March {mid + 1})",
                         "mid_year": mid, "population": float(population), "base_year": int(years[0]),
                         "matched": matched})
    out = pd.DataFrame(rows, columns=ROW_COLUMNS[:-1])
    if len(out) < len(years) * len(wanted):
        notes.append(f"mid-years after {out['mid_year'].max()} left out (further ahead than a plan looks)")
    base = int(years[0])
    title = f"Subnational population projections for England, {base}-based: children aged 0-17"
    source_id = f"{SOURCE_PREFIX}-{base}-{identity_hash(PUBLISHER, title)}"
    out["source_id"] = source_id
    sources = pd.DataFrame([{"id": source_id, "kind": "ons", "publisher": PUBLISHER, "title": title,
                             "edition": f"{base}-based; file {name}", "url": "", "licence": LICENCE,
                             "published": None}])
    return out, sources, notes


def held(session: Session, prepared) -> pd.DataFrame:
    """The council's rows of the same projection for the years the file gives (other councils' and
    other projections' rows are never replaced)."""
    table = models.PopulationProjection
    rows = prepared.rows
    result = session.execute(select(table.__table__).where(
        table.area_code == prepared.council, table.source_id.in_(sorted(set(rows["source_id"]))),
        table.period.in_(sorted(set(pd.to_datetime(rows["period"]).dt.date)))))
    return pd.DataFrame(result.mappings().all(), columns=[c.name for c in table.__table__.columns])
