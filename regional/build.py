"""`build-data`: derive the project's compact extract in data/extract from the raw
published files. The raw files are never copied; only what the app needs is kept,
with each figure's source recorded."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd

import importlib
import pkgutil

import regional.importers
from regional.importers import dfe, lait, ofsted_ilacs, ro3
from regional.indicators import read_catalogue
from regional.settings import EXTRACT_DIR

OGL = "Open Government Licence v3.0"

SOURCES = {
    dfe.CLA_SOURCE_ID: dict(
        kind="dfe", publisher="Department for Education",
        title="Children looked after in England including adoptions: number and rate per 10,000 children",
        url="https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions",
        raw=("dfe", dfe.CLA_FILE)),
    lait.LAIT_SOURCE_ID: dict(
        kind="lait", publisher="Department for Education",
        title="Local Authority Interactive Tool (LAIT) benchmarking data",
        url="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        raw=("lait", lait.LAIT_FILE)),
    "dfe-sn-2025": dict(
        kind="dfe", publisher="Department for Education",
        title="Children's services statistical neighbours: 2025 model",
        url="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        raw=("dfe", dfe.SN_2025_FILE)),
    "dfe-sn-2021": dict(
        kind="dfe", publisher="Department for Education",
        title="Children's services statistical neighbours: April 2021 model",
        url="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        raw=("dfe", dfe.SN_2021_FILE)),
}


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def build_data(source_dir: Path, out_dir: Path = EXTRACT_DIR) -> dict[str, int]:
    """Read the raw files, write the extract; return rows written per file."""
    source_dir = Path(source_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue = read_catalogue()

    cla_path = source_dir / "dfe" / dfe.CLA_FILE
    areas = dfe.read_cla_areas(cla_path)
    cla = dfe.read_cla_number_and_rate(cla_path)
    old_to_code = {int(n): c for n, c in zip(areas["old_la_code"], areas["code"]) if pd.notna(n)}
    neighbours = pd.concat([
        dfe.read_statistical_neighbours(source_dir / "dfe" / dfe.SN_2025_FILE, "2025", old_to_code),
        dfe.read_statistical_neighbours(source_dir / "dfe" / dfe.SN_2021_FILE, "2021", old_to_code),
    ], ignore_index=True)
    # A council is in use today if DfE's 2025 model gives it neighbours (Cumbria, Northamptonshire are not).
    in_2025 = set(neighbours.loc[neighbours["model"] == "2025", "area_code"])
    areas["active"] = (areas["level"] != "la") | areas["code"].isin(in_2025)
    ilacs, ilacs_source = build_ilacs(source_dir, areas)
    lait_obs, skipped = lait.read_lait(source_dir / "lait" / lait.LAIT_FILE, catalogue, areas)

    sources = []
    for source_id, meta in SOURCES.items():
        raw = source_dir / meta["raw"][0] / meta["raw"][1]
        if source_id == dfe.CLA_SOURCE_ID:
            years = sorted({p.year for p in cla["period"]})
        elif source_id == lait.LAIT_SOURCE_ID:
            years = sorted({p.year for p in lait_obs["period"]})
        else:
            years = []
        span = f"{years[0]}-{years[-1]}; " if years else ""
        sources.append({"id": source_id, "kind": meta["kind"], "publisher": meta["publisher"], "title": meta["title"],
                        "edition": f"{span}file {raw.name} (sha256 {_fingerprint(raw)})", "url": meta["url"],
                        "licence": OGL, "published": ""})
    sources.append(ilacs_source)
    outputs = {
        "areas.csv": areas,
        "statistical_neighbours.csv": neighbours,
        "observations_dfe_cla.csv": cla,
        "observations_lait.csv": lait_obs,
        ofsted_ilacs.ILACS_EXTRACT: ilacs,
        "sources.csv": pd.DataFrame(sources),
    }
    counts = {}
    for name, frame in outputs.items():
        frame.to_csv(out_dir / name, index=False, lineterminator="\n")
        counts[name] = len(frame)
    context = {"areas": areas, "catalogue": catalogue}
    for module in topic_modules():
        step_counts, step_sources = module.build_extract(source_dir, out_dir, context)
        counts.update(step_counts)
        sources.extend(step_sources)
    step_counts, step_sources = build_ro3(source_dir, out_dir, areas)
    counts.update(step_counts)
    sources.extend(step_sources)
    for source in sources:
        source.setdefault("licence", OGL)
        source.setdefault("published", "")
    pd.DataFrame(sources).to_csv(out_dir / "sources.csv", index=False, lineterminator="\n")
    _write_readme(out_dir, pd.DataFrame(sources), counts, skipped)
    return counts


RO3_EXTRACT = "observations_ro3.csv"


def build_ro3(source_dir: Path, out_dir: Path, areas: pd.DataFrame) -> tuple[dict[str, int], list[dict]]:
    """RO3 2024-25: the five children-looked-after spend lines per council (for unit costs).

    Only those lines are kept (about 800 rows); the workbook itself is never copied.
    """
    raw = Path(source_dir) / "dfe" / ro3.RO3_FILE
    frame = ro3.read_ro3(raw, areas)
    frame.to_csv(out_dir / RO3_EXTRACT, index=False, lineterminator="\n")
    source = {"id": ro3.RO3_SOURCE_ID, "kind": "dfe", "publisher": "Ministry of Housing, Communities & Local Government",
              "title": "Revenue outturn RO3 2024-25: children's social care, children looked after spend by line",
              "edition": f"2024-25 outturn; sheet {ro3.RO3_SHEET} of {raw.name} (sha256 {_fingerprint(raw)}); "
                         "total expenditure (C3), £ thousand stored in pounds",
              "url": "https://www.gov.uk/government/statistics/local-authority-revenue-expenditure-and-financing-england-2024-to-2025-individual-local-authority-data-outturn",
              "licence": OGL, "published": "2025-12-04"}
    return {RO3_EXTRACT: len(frame)}, [source]
def build_ilacs(source_dir: Path, areas: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Ofsted's ILACS judgements (latest, in-year, history) for the Good+ comparator group,
    and their source row. Read (and checked) before anything is written, so a bad file leaves
    the extract as it was. The ODS is never copied: the extract keeps each judgement, its dates
    and type (``data/extract/ofsted_ilacs.csv``).
    """
    raw = Path(source_dir) / "ofsted" / ofsted_ilacs.ILACS_FILE
    frame = ofsted_ilacs.build_extract_rows(source_dir, areas)
    years = sorted({d.year for d in frame["inspection_date"]})
    source = {"id": ofsted_ilacs.ILACS_SOURCE_ID, "kind": "ofsted", "publisher": "Ofsted",
              "title": "Local authority inspection outcomes (ILACS): judgements as at 31 March 2025, "
                       "in-year inspections 2024-25 and inspection history",
              "edition": f"inspections {years[0]}-{years[-1]}; file {raw.name} (sha256 {_fingerprint(raw)})",
              "url": "https://www.gov.uk/government/statistical-data-sets/"
                     "local-authority-childrens-services-inspection-outcomes",
              "licence": OGL, "published": "2025-09-25"}
    return frame, source


def topic_modules() -> list:
    """Importer modules that add their own part to the extract.

    A module in ``regional/importers`` that defines
    ``build_extract(source_dir, out_dir, context) -> (counts, sources)`` is run by
    build-data after the core files; ``context`` holds ``areas`` and ``catalogue``.
    Each source is a dict with id, kind, publisher, title, edition, url (licence OGL by default).
    """
    modules = [importlib.import_module(f"regional.importers.{m.name}")
               for m in pkgutil.iter_modules(regional.importers.__path__)]
    return [m for m in sorted(modules, key=lambda m: m.__name__) if hasattr(m, "build_extract")]


def _write_readme(out_dir: Path, sources: pd.DataFrame, counts: dict[str, int], skipped: dict[str, int]) -> None:
    lines = [
        "# The embedded extract",
        "",
        f"Written by `python -m regional build-data` on {date.today().isoformat()}; do not edit by hand.",
        "Each observation row names its `source_id`; the sources are below and in `sources.csv`.",
        "",
        "| file | rows |", "|---|---|",
        *[f"| `{name}` | {rows:,} |" for name, rows in counts.items()],
        "",
        "| source_id | publisher | title | edition | URL | licence |", "|---|---|---|---|---|---|",
        *[f"| `{s.id}` | {s.publisher} | {s.title} | {s.edition} | {s.url} | {s.licence} |"
          for s in sources.itertuples()],
        "",
        "Left out of the LAIT extract:",
        *[f"- {why}: {n:,}" for why, n in skipped.items()],
        "",
    ]
    (out_dir / "README.md").write_text("\n".join(lines))
