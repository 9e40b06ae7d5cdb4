"""``python -m bench uploads``: upload throughput and peak memory for SSDA903 episode files of
200,000 and 2,000,000 rows, timing the code a user's upload runs (the shared reader, validation,
derivation, pseudonyms, the store). Each measurement runs in a fresh interpreter so its peak
memory is its own; files and the SQLite database live in a temporary folder.

Measured:
- 200,000 rows, default limits: the whole upload (read, validate, derive, store).
- 2,000,000 rows, default limits: how fast and in how little memory the file is refused.
- 2,000,000 rows, limits raised: the reader alone (read and check every cell, in chunks), and,
  with ``--full``, the whole upload as well (minutes and several GB: run it on a quiet machine).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PREFIX = "UPLOADS-RESULT "
RAISED = {"REGIONAL_UPLOAD_MAX_ROWS": "3000000", "REGIONAL_UPLOAD_MAX_MB": "2000",
          "REGIONAL_UPLOAD_MEMORY_MB": "20000", "REGIONAL_UPLOAD_TIME_BUDGET_S": "7200"}


def write_episodes(path: Path, rows: int) -> Path:
    """An SSDA903 episodes CSV of ``rows`` valid rows, cycling the embedded synthetic BCP extract's
    codes and postcodes, one child per row (so no overlapping episodes)."""
    source = PROJECT_DIR / "data" / "synthetic" / "bcp.csv"
    with open(source, newline="") as handle:
        reader = csv.DictReader(handle)
        pool = [r for r in reader if r["DEC"] == ""]
    columns = list(pool[0])
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for i in range(rows):
            rec = dict(pool[i % len(pool)])
            rec["CHILD"] = f"BENCH{i:08d}"
            writer.writerow([rec[c] for c in columns])
    return path


def _child(mode: str, path: Path, db_file: Path) -> dict:
    """One measurement in this (fresh) interpreter."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ.setdefault("REGIONAL_PSEUDONYM_KEY", "bench-only-key")
    from regional import db, models
    from regional.authorities import AreaIndex
    from regional.errors import DataError
    from regional.importers.reader import read_table

    engine = db.get_engine()
    db.ensure_loaded(engine)
    areas = db.read_table(engine, models.Area)
    areas["old_la_code"] = areas["old_la_code"].astype("Int64")
    index = AreaIndex(areas)
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    outcome, stored = "ok", 0
    try:
        if mode == "read":
            stored = len(read_table(path))
            outcome = f"read {stored:,} rows"
        else:
            from regional import returns  # the Data page's path: validate, then one version in one transaction

            prepared = returns.prepare("ssda903", path, engine, index=index)
            stored = returns.submit("ssda903", None, engine, who=returns.Actor("bench", "admin"), accept=True,
                                    prepared=prepared).rows
            outcome = f"stored {stored:,} episodes"
    except DataError as exc:
        outcome = f"refused: {exc}"
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "grown_mb": peak_mb - base_mb, "outcome": outcome,
            "rows": stored}


def measure(mode: str, path: Path, db_file: Path, env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.uploads", "--child", mode, str(path), str(db_file)],
                          cwd=PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=7200)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-3:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench uploads", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also store 2,000,000 rows (slow, several GB)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, path, db_file = args.child
        print(PREFIX + json.dumps(_child(mode, Path(path), Path(db_file))))
        return 0
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = ["| measurement | rows | time | rows/s | peak memory (process / grown) | outcome |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="regional-bench-uploads-") as tmp_name:
        tmp = Path(tmp_name)
        plan = [("200,000 rows, whole upload (default limits)", 200_000, "store", {}),
                ("2,000,000 rows, default limits", 2_000_000, "store", {}),
                ("2,000,000 rows, reader only (limits raised)", 2_000_000, "read", RAISED)]
        if args.full:
            plan.append(("2,000,000 rows, whole upload (limits raised)", 2_000_000, "store", RAISED))
        files: dict[int, Path] = {}
        for label, rows, mode, env in plan:
            if rows not in files:
                print(f"bench uploads: writing {rows:,} rows ...", flush=True)
                files[rows] = write_episodes(tmp / f"episodes_{rows}.csv", rows)
            print(f"bench uploads: {label} ...", flush=True)
            result = measure(mode, files[rows], tmp / f"db_{rows}_{mode}.sqlite", env)
            if "error" in result:
                lines.append(f"| {label} | {rows:,} | - | - | - | error: {' '.join(result['error'])[:200]} |")
                continue
            rate = f"{rows / result['seconds']:,.0f}" if result["outcome"].startswith(("stored", "read")) else "-"
            size = files[rows].stat().st_size / 1e6
            lines.append(f"| {label} ({size:,.0f} MB CSV) | {rows:,} | {result['seconds']:.1f} s | {rate} | "
                         f"{result['peak_mb']:,.0f} / {result['grown_mb']:,.0f} MB | {result['outcome'][:120]} |")
    text = "\n".join(lines + ["", f"Load average when started (1/5/15 min): {load}; after: "
                              + " / ".join(f"{x:.1f}" for x in os.getloadavg())])
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
