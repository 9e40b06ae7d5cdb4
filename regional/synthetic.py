"""Calibrated synthetic SSDA903 extracts for the first councils (BCP, Dorset, B&NES).

No real child is in these files. Each council's children are laid out in *cells*: so
many children of a placement kind, placed inside or outside the council (or either), in
a distance band. The cells are written below from the council's published figures, so
the aggregates of the generated extract reproduce them by construction, and the tests
check that they do after the importer has derived everything again. Homes are at the
council's own outcodes; placements at real outcodes (England and Wales) whose centroid
lies at the cell's distance and side of the boundary. The generator is seeded: the same
geography and targets give the same files, byte for byte.

Where a published figure leaves room (B&NES does not band 3 of its 49 children in
residential care; Dorset's figures are from one snapshot but cannot all hold at once),
the choice made is written next to the cell and in data/synthetic/README.md.

Months of birth (a header table beside each extract, DOB as 01/MM/YYYY: only the month is
ever stored, see :mod:`regional.privacy`) are drawn after the episodes from a random stream
of their own, so the episodes, and every placement-distance figure, are the same as before
they existed. Each child's age at the extract date is drawn from :data:`AGE_AT_EXTRACT`,
within what the child's own episodes allow: born (first of the month) on or before the
first episode started, and under 18 at the extract date, so under 18 at every episode start.
Calibration: no table of children looked after by age is among the project's sources
(``../shared/data``: DfE's ``cla_number_and_rate_per_10k_children.csv`` has totals only and
LAIT's data set no age item), so the shares are those the one council publishing an age split
gives for the same snapshot as its extract: Dorset's Placement Sufficiency Strategy 2024-2027
(children in care at the end of October 2023): 281 of 465 (60%) teenagers (read as 13 to
17), "over 100" aged 5 to 12, and 80% of its unaccompanied children aged 16 or 17. Its 66
unaccompanied children are all teenagers here, which leaves 215 of the other 399 (54%) aged
13 to 17; the split of the under-5s (a quarter of them under 1) and of the teenagers (half
16 or 17) is this project's assumption. Applied to BCP and B&NES too, which publish no age
split. A child whose episodes rule out the drawn age band (a baby in care three years) gets
one of the bands they allow, so the extracts come out a little older than the shares.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from regional import distance
from regional.settings import DATA_DIR

SYNTHETIC_DIR = DATA_DIR / "synthetic"
SEED = 20260331
U5, B5, B10, B20, B50 = distance.BANDS[:5]
NEAR = (U5, B5, B10)
FAR = (B20, B50)
COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
           "HOME_POST", "PL_POST", "URN", "LA", "UASC"]

#: Placement kinds -> (PLACE, PLACE_PROVIDER, weight); ``new`` lists apply from 2025-26.
KINDS: dict[str, dict[str, list[tuple[str, str, float]]]] = {
    "foster_kinship": {"all": [("U1", "PR1", .45), ("U3", "PR1", .5), ("U2", "PR1", .05)]},
    "foster_other": {"all": [("U4", "PR1", .25), ("U6", "PR1", .28), ("U5", "PR1", .02), ("U4", "PR4", .18),
                             ("U6", "PR4", .2), ("U6", "PR5", .07)]},
    "childrens_home": {"all": [("K2", "PR4", .8), ("K2", "PR1", .1), ("K2", "PR5", .1)]},
    "secure_home": {"all": [("K1", "PR2", 1.0)]},
    "residential_school": {"all": [("S1", "PR4", .6), ("S1", "PR5", .4)]},
    "residential_bnes": {"all": [("K2", "PR4", .75), ("K2", "PR1", .05), ("S1", "PR4", .2)]},
    "supported": {"old": [("H5", "PR4", .8), ("H5", "PR5", .2)], "new": [("K3", "PR4", .8), ("K3", "PR5", .2)]},
    "parents": {"all": [("P1", "PR0", 1.0)]},
    "adoption": {"all": [("A4", "PR1", .3), ("A6", "PR1", .4), ("A6", "PR5", .3)]},
    "mother_and_baby": {"all": [("R3", "PR4", 1.0)]},
    "youth_custody": {"all": [("R5", "PR3", 1.0)]},
    "health": {"all": [("R2", "PR3", 1.0)]},
    "other": {"old": [("Z1", "PR4", 1.0)],
              "new": [("Z11", "PR4", .25), ("Z12", "PR4", .25), ("Z13", "PR5", .25), ("Z14", "PR4", .25)]},
}
#: Earlier placements (before the current one) use codes valid in every collection year.
PRIOR_KINDS = [("U6", "PR1", .4), ("U4", "PR4", .2), ("U3", "PR1", .15), ("K2", "PR4", .15), ("U6", "PR4", .1)]
REASONS = ["CARPL", "CREQO", "CREQB", "LAREQ", "CHILD", "PLACE", "CLOSE", "STAND", "ALLEG", "APPRR", "OTHER"]


@dataclass(frozen=True)
class Cell:
    """``n`` children of one placement kind, inside/outside/any side, in one of ``bands``.

    ``where`` is "inside", "outside", "any", "placement not known" (PL_POST blank) or
    "home not known" (HOME_POST blank, placement in ``areas``).
    """

    n: int
    kind: str
    where: str
    bands: tuple[str, ...] = ()
    weights: tuple[float, ...] | None = None
    uasc: bool = False
    areas: tuple[tuple[str, int], ...] = ()  # (area code or outcode-list region, children)


@dataclass(frozen=True)
class Council:
    key: str
    code: str
    name: str
    prefix: str
    extract_date: date
    published: dict  # the figures the cells reproduce, with where they are published
    cells: tuple[Cell, ...] = field(default_factory=tuple)
    note: str = ""


def _near(n, kind, where, uasc=False, weights=(.55, .3, .15)):
    return Cell(n, kind, where, NEAR, weights, uasc)


def _far(n, kind, where, uasc=False, weights=(.65, .35)):
    return Cell(n, kind, where, FAR, weights, uasc)


BCP = Council(
    key="bcp", code="E06000058", name="Bournemouth, Christchurch and Poole", prefix="SYNBCP",
    extract_date=date(2026, 3, 31),
    published={"children": 642, "uasc": 38, "pct_foster": 67, "pct_childrens_homes": 10, "pct_over_20_miles": 27,
               "pct_inside_la": 64,
               "where": "CiC and CEYP Sufficiency Update Summary September 2024 - March 2026, 2b, 2c and 2f "
                        "(642 children as of March 2026; 38 UASC; around 67% foster care, 10% registered children's "
                        "homes, 8% supported accommodation; 27% more than 20 miles from home; 64% living locally)"},
    cells=(
        # registered children's homes: 64 (10%); 45 more than 20 miles away
        _far(42, "childrens_home", "outside"), _far(2, "secure_home", "outside"), _far(1, "childrens_home", "outside", True),
        Cell(6, "childrens_home", "outside", (B5, B10), (.4, .6)),
        _near(12, "childrens_home", "inside"), _near(1, "childrens_home", "inside", True),
        # foster care: 430 (67%), kinship 151
        _far(20, "foster_kinship", "outside"), Cell(12, "foster_kinship", "outside", NEAR, (.2, .4, .4)),
        _near(117, "foster_kinship", "inside", weights=(.7, .22, .08)), Cell(2, "foster_kinship", "placement not known"),
        _far(71, "foster_other", "outside"), Cell(16, "foster_other", "outside", NEAR, (.2, .4, .4)),
        _near(171, "foster_other", "inside"), Cell(3, "foster_other", "placement not known"),
        _far(4, "foster_other", "outside", True), Cell(2, "foster_other", "outside", NEAR, (.2, .4, .4), True),
        _near(12, "foster_other", "inside", True),
        # supported accommodation: 51 (8%)
        _far(8, "supported", "outside"), Cell(2, "supported", "outside", (B5, B10), (.5, .5)),
        _near(24, "supported", "inside"), Cell(1, "supported", "placement not known"),
        _far(2, "supported", "outside", True), Cell(1, "supported", "outside", (B5, B10), (.5, .5), True),
        _near(13, "supported", "inside", True),
        # with parents 40, placed for adoption 22, residential schools 6
        _near(36, "parents", "inside", weights=(.8, .15, .05)), Cell(2, "parents", "outside", (B5, B10), (.5, .5)),
        _far(2, "parents", "outside"),
        _far(8, "adoption", "outside"), Cell(2, "adoption", "outside", (B5, B10), (.5, .5)), _near(10, "adoption", "inside"),
        Cell(2, "adoption", "placement not known"),
        _far(5, "residential_school", "outside"), _near(1, "residential_school", "inside"),
        # other placements: 29
        _far(6, "other", "outside"), _far(1, "youth_custody", "outside"), _far(1, "health", "outside"),
        Cell(2, "other", "outside", (B5, B10), (.5, .5)), _near(9, "other", "inside"), _near(3, "mother_and_baby", "inside"),
        Cell(4, "other", "placement not known"), Cell(1, "health", "placement not known"),
        _near(2, "other", "inside", True),
    ),
    note="Inside BCP 411 of 642 (64%); outside and within 20 miles 45; more than 20 miles 173 (all outside BCP, "
         "which is under 20 miles across); placement not known 13.",
)

DORSET = Council(
    key="dorset", code="E06000059", name="Dorset", prefix="SYNDOR", extract_date=date(2023, 10, 31),
    published={"children": 465, "uasc": 66, "pct_foster": 67, "pct_outside_la": 42, "pct_over_20_miles": 36,
               "pct_outside_and_over_20_miles": 24, "pct_outside_la_excl_uasc": 36, "childrens_homes": 54,
               "where": "Placement Sufficiency Strategy for Children in Care and Care Leavers 2024 - 2027, sections 5 "
                        "and 6 (figures at the end of October 2023: 465 children, 66 unaccompanied; 310 with foster "
                        "carers, 58 connected; 54 in children's homes, 20 of them in Dorset; 48 supported; 25 with "
                        "parents; 14 placed for adoption; 196 (42%) outside Dorset, 36% excluding UASC; 36% more than "
                        "20 miles; 24% outside and more than 20 miles)"},
    cells=(
        # children's homes 54: 20 inside Dorset, 15 in neighbouring areas, 18 far away; 1 secure; residential schools 2
        _near(15, "childrens_home", "inside"), _far(5, "childrens_home", "inside", weights=(1.0, 0.0)),
        Cell(15, "childrens_home", "outside", NEAR, (.1, .4, .5)), _far(18, "childrens_home", "outside"),
        _far(1, "secure_home", "outside"), _far(2, "residential_school", "outside"),
        # foster care 310: 58 connected (kinship), 219 other, 33 unaccompanied
        _near(40, "foster_kinship", "inside", weights=(.6, .3, .1)), _far(5, "foster_kinship", "inside", weights=(1.0, 0.0)),
        Cell(8, "foster_kinship", "outside", NEAR, (.2, .4, .4)), _far(5, "foster_kinship", "outside"),
        _near(107, "foster_other", "inside"), _far(35, "foster_other", "inside", weights=(1.0, 0.0)),
        Cell(41, "foster_other", "outside", NEAR, (.2, .4, .4)), _far(33, "foster_other", "outside"),
        Cell(3, "foster_other", "placement not known"),
        _near(5, "foster_other", "inside", True), _far(1, "foster_other", "inside", True, (1.0, 0.0)),
        Cell(5, "foster_other", "outside", NEAR, (.2, .4, .4), True), _far(22, "foster_other", "outside", True),
        # with parents 25, placed for adoption 14
        _near(21, "parents", "inside", weights=(.8, .15, .05)), _far(1, "parents", "inside", weights=(1.0, 0.0)),
        Cell(2, "parents", "outside", NEAR, (.2, .4, .4)), _far(1, "parents", "outside"),
        _near(5, "adoption", "inside"), _far(3, "adoption", "inside", weights=(1.0, 0.0)),
        Cell(3, "adoption", "outside", NEAR, (.2, .4, .4)), _far(3, "adoption", "outside"),
        # supported accommodation 48: 15 + 33 unaccompanied (half of them)
        _near(8, "supported", "inside"), _far(2, "supported", "inside", weights=(1.0, 0.0)),
        Cell(3, "supported", "outside", NEAR, (.2, .4, .4)), _far(2, "supported", "outside"),
        _near(5, "supported", "inside", True), _far(1, "supported", "inside", True, (1.0, 0.0)),
        Cell(4, "supported", "outside", NEAR, (.2, .4, .4), True), _far(23, "supported", "outside", True),
        # other placements 12
        _near(2, "other", "inside"), _near(1, "mother_and_baby", "inside"), _far(2, "other", "inside", weights=(1.0, 0.0)),
        Cell(3, "other", "outside", NEAR, (.2, .4, .4)), _far(1, "other", "outside"), _far(1, "youth_custody", "outside"),
        Cell(2, "other", "placement not known"),
    ),
    note="Dorset's published shares cannot all hold at once: 42% outside (196) and 36% outside excluding UASC "
         "(144 of 399) leave 52 unaccompanied children outside, while 'a small % (10%) of unaccompanied children "
         "live in Dorset' would need 59. The extract keeps 196 outside, 142 of the 399 (35.6%) and 54 of the 66 "
         "unaccompanied children (12 in Dorset, 18%); 167 (35.9%) more than 20 miles away, 112 (24.1%) of them "
         "outside Dorset; 5 with no placement postcode.",
)

_BNES_RESIDENTIAL_AREAS = (("E10000025", 2), ("E08000012", 2), ("E10000008", 1), ("E06000019", 1), ("E06000030", 2),
                           ("E10000013", 3), ("E08000003", 2), ("E06000062", 2), ("Cardiff", 2), ("Swansea", 1),
                           ("E06000049", 1), ("E06000031", 1), ("E06000054", 1), ("E10000028", 1))
BNES = Council(
    key="bnes", code="E06000022", name="Bath and North East Somerset", prefix="SYNBNE", extract_date=date(2026, 2, 26),
    published={"children": 228, "foster_other": 87, "foster_kinship": 48, "residential": 49, "uasc_pct": 10,
               "residential_bands": {U5: 4, "5 to 20 miles": 15, B20: 5, "Not known": 22},
               "foster_bands": {"Within 10 miles": 49, B10: 15, "Over 20 miles": 7, "Not known": 16},
               "kinship_bands": {U5: 35, B5: 7, "Over 20 miles": 6},
               "where": "Children's Services Sufficiency Programme, 3.13-3.19 (as of 26 February 2026: 228 children; "
                        "87 foster, 48 kinship foster, 49 residential incl. schools, 7 with parents, 28 in 16+ "
                        "provision, 3 unregulated kinship, 1 remanded in secure accommodation, 2 babies in parent and "
                        "child residential placements, 3 placed with adopters; distance bands for residential, foster "
                        "and kinship placements; UASC 10% of the cohort)"},
    cells=(
        # residential care incl. schools 49: <5 miles 4; 'within 20 miles' 15 read as 5-20; 20-50 miles 5;
        # not recorded 22 (homes in the named areas, the child's home postcode missing); 3 not banded in the
        # report: placed over 50 miles away here (an assumption)
        Cell(4, "residential_bnes", "any", (U5,)), Cell(15, "residential_bnes", "any", (B5, B10), (.5, .5)),
        Cell(5, "residential_bnes", "any", (B20,)), Cell(3, "residential_bnes", "any", (B50,)),
        Cell(22, "residential_bnes", "home not known", areas=_BNES_RESIDENTIAL_AREAS),
        # foster (not kinship) 87: within 10 miles 49; 10-20 miles 15; over 20 miles 7; not recorded 16
        Cell(49, "foster_other", "any", (U5, B5), (.5, .5)), Cell(12, "foster_other", "any", (B10,)),
        Cell(3, "foster_other", "any", (B10,), uasc=True), Cell(7, "foster_other", "any", FAR, (.8, .2)),
        Cell(16, "foster_other", "placement not known"),
        # kinship foster 48: within 5 miles 35; 5-10 miles 7; over 20 miles 6
        Cell(35, "foster_kinship", "any", (U5,)), Cell(7, "foster_kinship", "any", (B5,)),
        Cell(6, "foster_kinship", "any", FAR, (.7, .3)),
        # with parents 7; 16+ provision 28 (20 of them unaccompanied); 3 unregulated kinship arrangements;
        # 1 remanded in secure accommodation; 2 babies in parent and child residential placements; 3 with adopters
        Cell(7, "parents", "any", (U5, B5), (.7, .3)),
        Cell(8, "supported", "any", NEAR, (.4, .4, .2)), Cell(20, "supported", "any", (B5, B10, B20), (.3, .4, .3), True),
        Cell(3, "other", "any", (U5, B5), (.5, .5)), Cell(1, "youth_custody", "any", FAR, (.5, .5)),
        Cell(2, "mother_and_baby", "any", (B5, B10), (.5, .5)), Cell(3, "adoption", "any", NEAR, (.3, .4, .3)),
    ),
    note="The report bands 46 of its 49 children in residential care; the other 3 are placed over 50 miles away "
         "here. 'Within 20 miles' (15) is read as 5 to 20 miles, next to 'less than 5 miles' (4). UASC: 23 (10%).",
)

COUNCILS = (BCP, DORSET, BNES)

#: Age at the extract date (whole years, from, to) -> share; calibrated as the module says.
AGE_AT_EXTRACT = {"other": [(0, 1, .05), (1, 5, .15), (5, 13, .26), (13, 16, .27), (16, 18, .27)],
                  "uasc": [(13, 16, .20), (16, 18, .80)]}
HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]


def _pick(rng: np.random.Generator, options: list[tuple[str, str, float]]) -> tuple[str, str]:
    weights = np.array([w for *_, w in options])
    place, provider, _ = options[int(rng.choice(len(options), p=weights / weights.sum()))]
    return place, provider


def _kind_options(kind: str, when: date) -> list[tuple[str, str, float]]:
    options = KINDS[kind]
    if "all" in options:
        return options["all"]
    return options["new" if when >= date(2025, 4, 1) else "old"]


def generate(council: Council, outcodes: pd.DataFrame | None = None, seed: int = SEED) -> pd.DataFrame:
    """One council's synthetic episodes (SSDA903 columns plus LA and UASC), deterministic for a seed."""
    outcodes = distance.read_outcodes() if outcodes is None else outcodes
    rng = np.random.default_rng([seed, int(council.code[1:])])
    homes = outcodes[(outcodes["area_code"] == council.code)
                     & outcodes["la_method"].str.startswith("outcode centroid inside")].sort_index()
    places = outcodes[outcodes["area_code"].str.match(r"^[EW]")].sort_index()
    miles = distance.pl_distance_miles(homes["easting"].to_numpy()[:, None], homes["northing"].to_numpy()[:, None],
                                       places["easting"].to_numpy()[None, :], places["northing"].to_numpy()[None, :])
    bands = distance.distance_band(miles.ravel()).reshape(miles.shape)
    inside = (places["area_code"] == council.code).to_numpy()[None, :].repeat(len(homes), axis=0)
    home_names, place_names = homes.index.to_numpy(), places.index.to_numpy()

    children = []
    for cell in council.cells:
        if cell.where == "home not known":
            for area, count in cell.areas:
                pool = places[(places["area_code"] == area) | (places["region"] == area)].index.to_numpy()
                if not len(pool):
                    raise ValueError(f"{council.key}: no outcode in {area}")
                for _ in range(count):
                    children.append((cell, "", str(rng.choice(pool))))
            continue
        for _ in range(cell.n):
            home = str(rng.choice(home_names))
            if cell.where == "placement not known":
                children.append((cell, home, ""))
                continue
            weights = np.array(cell.weights or [1.0] * len(cell.bands), dtype=float)
            first = int(rng.choice(len(cell.bands), p=weights / weights.sum()))
            order = [first] + [i for i in range(len(cell.bands)) if i != first]
            chosen = None
            for band_index in order:
                ok = bands == cell.bands[band_index]
                if cell.where == "inside":
                    ok &= inside
                elif cell.where == "outside":
                    ok &= ~inside
                feasible = np.flatnonzero(ok.any(axis=1))
                if not len(feasible):
                    continue
                row = int(np.flatnonzero(home_names == home)[0])
                if row not in feasible:
                    row = int(rng.choice(feasible))
                chosen = (home_names[row], place_names[int(rng.choice(np.flatnonzero(ok[row])))])
                break
            if chosen is None:
                raise ValueError(f"{council.key}: no placement {cell.where} the council in {cell.bands}")
            children.append((cell, str(chosen[0]), str(chosen[1])))

    order = rng.permutation(len(children))
    rows = []
    for number, position in enumerate(order, start=1):
        cell, home, placement = children[position]
        rows.extend(_episodes(rng, council, f"{council.prefix}{number:04d}", cell, home, placement, home_names,
                              places[inside[0]].index.to_numpy()))
    return pd.DataFrame(rows, columns=COLUMNS)


def _episodes(rng, council: Council, child: str, cell: Cell, home: str, placement: str, homes, local) -> list[list]:
    """The current placement, and for some children the placement before it."""
    when = council.extract_date
    length = int(rng.integers(20, 400 if cell.kind == "adoption" else (700 if cell.uasc else 1600)))
    decom = when - timedelta(days=length)
    place, provider = _pick(rng, _kind_options(cell.kind, when))
    if cell.uasc:
        ls, cin = "V2", "N8"
    elif cell.kind == "adoption":
        ls, cin = "E1", "N1"
    else:
        ls = str(rng.choice(["C2", "C1", "V2"], p=[.65, .12, .23]))
        cin = str(rng.choice(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"], p=[.62, .05, .04, .1, .14, .03, .01, .01]))
    uasc = "Y" if cell.uasc else "N"
    rows = []
    if rng.random() < 0.35:
        earlier = decom - timedelta(days=int(rng.integers(60, 900)))
        prior_place, prior_provider = _pick(rng, PRIOR_KINDS)
        prior_home = home or str(rng.choice(homes))
        rows.append([child, earlier.isoformat(), "S", ls, cin, prior_place, prior_provider, decom.isoformat(), "X1",
                     str(rng.choice(REASONS)), prior_home, str(rng.choice(local)), "", council.code, uasc])
        rne = str(rng.choice(["P", "U", "T"], p=[.2, .6, .2]))
    else:
        rne = "S"
    rows.append([child, decom.isoformat(), rne, ls, cin, place, provider, "", "", "", home, placement, "",
                 council.code, uasc])
    return rows


def birth_months(council: Council, episodes: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The header table (one row per child, DOB the first of a month as dd/mm/yyyy) for a council's
    generated episodes; its own random stream, so the episodes are untouched by it."""
    rng = np.random.default_rng([seed, int(council.code[1:]), 18])
    extract = pd.Timestamp(council.extract_date)
    months = pd.period_range(extract - pd.DateOffset(years=18), extract, freq="M").to_timestamp()
    rows = []
    for child, eps in episodes.groupby("CHILD", sort=True):
        first = pd.to_datetime(eps["DECOM"]).min()
        shares = AGE_AT_EXTRACT["uasc" if (eps["UASC"] == "Y").any() else "other"]
        # born (first of the month) on or before the first episode, and under 18 at the extract date
        allowed = months[(months <= first) & (months > extract - pd.DateOffset(years=18))]
        options = [(allowed[(allowed > extract - pd.DateOffset(years=hi))
                            & (allowed <= extract - pd.DateOffset(years=lo))], share) for lo, hi, share in shares]
        options = [(m, w) for m, w in options if len(m)] or [(allowed, 1.0)]
        weights = np.array([w for _, w in options])
        pool = options[int(rng.choice(len(options), p=weights / weights.sum()))][0]
        born = pool[int(rng.integers(len(pool)))]
        rows.append([child, "", f"{born:%d/%m/%Y}", "", "", "", ""])
    return pd.DataFrame(rows, columns=HEADER_COLUMNS)


def write_extracts(out_dir: Path = SYNTHETIC_DIR, outcodes: pd.DataFrame | None = None) -> dict[str, int]:
    """Write every council's extract, its header table (months of birth) and the manifest the
    default load reads; rows per file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts, manifest = {}, []
    for council in COUNCILS:
        frame = generate(council, outcodes)
        name, header = f"{council.key}.csv", f"{council.key}_header.csv"
        frame.to_csv(out_dir / name, index=False, lineterminator="\n")
        births = birth_months(council, frame)
        births.to_csv(out_dir / header, index=False, lineterminator="\n")
        counts[f"synthetic/{name}"] = len(frame)
        counts[f"synthetic/{header}"] = len(births)
        manifest.append({"file": name, "header": header, "area_code": council.code,
                         "extract_date": council.extract_date.isoformat(),
                         "source_id": f"synthetic-ssda903-{council.key}",
                         "title": f"Synthetic SSDA903 placements for {council.name}, calibrated to its published figures",
                         "basis": council.published["where"]})
    pd.DataFrame(manifest).to_csv(out_dir / "manifest.csv", index=False, lineterminator="\n")
    return counts


#: First letters of postcode areas spread over England, for the national-scale set.
NATIONAL_LETTERS = {"B", "D", "L", "M", "N", "S", "T"}


def national_episodes(n: int = 150_000, seed: int = SEED) -> pd.DataFrame:
    """About ``n`` SSDA903 episodes for ~0.57n synthetic children at real full postcodes across England.

    For benchmarks at national scale (85,000 children, 150,000 episodes), not for any page:
    homes and placements are real postcodes drawn at random, most placements in the home's
    own postcode area, one in ten written as an outcode only so the fallback path is timed too.
    """
    rng = np.random.default_rng(seed)
    pool = distance.postcode_index().postcodes(letters=NATIONAL_LETTERS)  # modern shape only: no legacy NPT 9EA
    areas = pc.extract_regex(pa.array(pool, type=pa.string()), r"^(?P<area>[A-Z]+)").field("area").to_numpy(
        zero_copy_only=False).astype(object)
    order = np.argsort(areas, kind="stable")
    names, starts = np.unique(areas[order], return_index=True)
    by_area = dict(zip(names, np.split(pool[order], starts[1:])))
    children = max(1, round(n / 1.75))
    per_child = rng.choice([1, 2, 3], size=children, p=[.45, .35, .2])
    child = np.repeat(np.arange(children), per_child)[:n]
    home = rng.choice(pool, size=children)[child]
    home_area = pc.extract_regex(pa.array(home, type=pa.string()), r"^(?P<area>[A-Z]+)").field("area").to_numpy(
        zero_copy_only=False).astype(object)
    near = rng.random(len(child)) < .7
    placement = rng.choice(pool, size=len(child))
    for area in np.unique(home_area[near]):
        mask = near & (home_area == area)
        placement[mask] = rng.choice(by_area[area], size=int(mask.sum()))
    outcode_only = rng.random(len(child)) < .1
    pl_post = pd.Series(placement).str[:-3] + " " + pd.Series(placement).str[-3:]
    pl_post[outcode_only] = pd.Series(placement[outcode_only]).str[:-3].to_numpy()
    start = pd.Timestamp("2024-04-01") + pd.to_timedelta(rng.integers(0, 365, len(child)), unit="D")
    kinds = rng.choice(len(PRIOR_KINDS), size=len(child), p=[k[2] for k in PRIOR_KINDS])
    return pd.DataFrame({
        "CHILD": pd.Series(child).map(lambda i: f"N{i:06d}"), "DECOM": start.strftime("%Y-%m-%d"),
        "RNE": "P", "LS": "C2", "CIN": "N1",
        "PLACE": [PRIOR_KINDS[k][0] for k in kinds], "PLACE_PROVIDER": [PRIOR_KINDS[k][1] for k in kinds],
        "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "",
        "HOME_POST": pd.Series(home).str[:-3] + " " + pd.Series(home).str[-3:], "PL_POST": pl_post.to_numpy(),
        "URN": "", "LA": "", "UASC": "0",
    })
