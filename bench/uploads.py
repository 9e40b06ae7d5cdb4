"""``python -m bench uploads``: what one upload costs along the whole path a user's upload takes
(``regional.returns``: prepare = read + validate + checks, preview, submit = store as a new version),
against the budget every upload is held to (``regional.settings.upload_limits``: 120 s and 500 MB of
memory above where the upload started, by default).

Measured, each in a fresh interpreter (so no run's memory is another's), with the peak resident
memory sampled every 5 ms while each phase runs:
- an SSDA903 episodes CSV of 200,000 valid rows: prepare, preview and submit, phase by phase;
- 2,000,000 rows, default limits: how fast and in how little memory the file is refused;
- 2,000,000 rows, limits raised: the reader alone (read and check every cell, in chunks), and,
  with ``--full``, the whole upload as well (minutes and several GB: run it on a quiet machine);
- the hostile corpus of ``tests/hostile.py`` (every upload path's refused files and the heavy XLSX
  files), each through ``regional.returns.submit``: the slowest and the largest (the tests' own bound
  is 10 s and 500 MB a file).
``--postgres URL`` runs the 200,000-row upload and the corpus on that (emptied) PostgreSQL test
database as well. Files and SQLite databases live in a temporary folder.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
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


def _child(mode: str, path: Path, db_url: str) -> dict:
    """One measurement in this (fresh) interpreter."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("REGIONAL_PSEUDONYM_KEY", "bench-only-key")
    from regional import db, returns
    from regional.errors import DataError
    from regional.importers.reader import read_table
    from tests import hostile

    if db_url.startswith("postgresql"):
        engine = db.get_engine(db_url, migrate=False)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        db.upgrade(engine)
    else:
        engine = db.get_engine()
    db.ensure_loaded(engine)
    index = returns.area_index(engine)
    phases: dict[str, dict] = {}
    outcome, stored = "ok", 0

    def phase(name: str, work):
        used = hostile.PeakMemory()
        try:
            with used:
                return work()
        finally:  # a refusal is measured too
            phases[name] = {"seconds": used.seconds, "grown_mb": used.grown_mb, "peak_mb": used.peak}

    try:
        if mode == "read":
            stored = len(phase("read", lambda: read_table(path)))
            outcome = f"read {stored:,} rows"
        elif mode == "hostile":
            return _hostile(engine, Path(path))
        else:
            admin = returns.Actor("bench", "admin")
            prepared = phase("prepare", lambda: returns.prepare("ssda903", path, engine, index=index,
                                                                council="E06000058"))
            change = phase("preview", lambda: returns.preview(prepared, engine))
            stored = phase("submit", lambda: returns.submit("ssda903", None, engine, who=admin, accept=True,
                                                            prepared=prepared)).rows
            outcome = f"stored {stored:,} episodes ({len(change):,} changes previewed)"
    except DataError as exc:
        outcome = f"refused: {exc}"
    return {"phases": phases, "outcome": outcome, "rows": stored}


def _hostile(engine, folder: Path) -> dict:
    """Every file of the hostile corpus through returns.submit: the slowest and the largest."""
    from regional.errors import DataError
    from tests import hostile

    heavy = hostile.heavy_files(folder / "heavy")
    worst_s, worst_mb, files, refused = ("", 0.0), ("", 0.0), 0, 0
    for kind in hostile.KINDS:
        for case, path in hostile.hostile_files(kind, folder / kind) + heavy:
            with hostile.PeakMemory() as used:
                try:
                    hostile.upload(kind, path, engine)
                except DataError:
                    refused += 1
            files += 1
            if used.seconds > worst_s[1]:
                worst_s = (f"{kind} {case}", used.seconds)
            if used.grown_mb > worst_mb[1]:
                worst_mb = (f"{kind} {case}", used.grown_mb)
    return {"files": files, "refused": refused, "slowest": worst_s, "largest": worst_mb}


def measure(mode: str, path: Path, db_url: str, env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.uploads", "--child", mode, str(path), db_url],
                          cwd=PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=7200)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-3:]}


def _budget() -> tuple[float, float]:
    from regional.settings import upload_limits

    limits = upload_limits()
    return limits["time_budget_s"], limits["memory_budget_mb"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench uploads", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also store 2,000,000 rows (slow, several GB)")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL test database (emptied)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, path, db_url = args.child
        print(PREFIX + json.dumps(_child(mode, Path(path), db_url)))
        return 0
    if args.postgres and "/regional_test" not in args.postgres:
        parser.error("--postgres empties the database: give a regional_test* database")
    seconds_goal, mb_goal = _budget()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"Budget per upload: {seconds_goal:g} s and {mb_goal:g} MB above the memory at its start; the hostile "
             "corpus: 10 s and 500 MB a file.", "",
             "| measurement | database | phase | time | rows/s | memory grown (peak of the process) | within budget | "
             "outcome |", "|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="regional-bench-uploads-") as tmp_name:
        tmp = Path(tmp_name)
        databases = [("SQLite", lambda name: f"sqlite:///{tmp / name}.sqlite")]
        if args.postgres:
            databases.append(("PostgreSQL", lambda name: args.postgres))
        plan = [("200,000 rows, whole upload (default limits)", 200_000, "store", {}, databases),
                ("2,000,000 rows, default limits", 2_000_000, "store", {}, databases[:1]),
                ("2,000,000 rows, reader only (limits raised)", 2_000_000, "read", RAISED, databases[:1])]
        if args.full:
            plan.append(("2,000,000 rows, whole upload (limits raised)", 2_000_000, "store", RAISED, databases[:1]))
        files: dict[int, Path] = {}
        for label, rows, mode, env, where in plan:
            if rows not in files:
                print(f"bench uploads: writing {rows:,} rows ...", flush=True)
                files[rows] = write_episodes(tmp / f"episodes_{rows}.csv", rows)
            size = files[rows].stat().st_size / 1e6
            for db_label, url in where:
                print(f"bench uploads: {label}, {db_label} ...", flush=True)
                result = measure(mode, files[rows], url(f"db_{rows}_{mode}"), env)
                if "error" in result:
                    lines.append(f"| {label} | {db_label} | - | - | - | - | - | error: {' '.join(result['error'])[:200]} |")
                    continue
                done = result["outcome"].startswith(("stored", "read"))
                total = sum(p["seconds"] for p in result["phases"].values())
                for name, p in result["phases"].items():
                    ok = p["seconds"] <= seconds_goal and p["grown_mb"] <= mb_goal
                    verdict = "n/a (limits raised)" if env else "yes" if ok else "NO"
                    rate = f"{rows / p['seconds']:,.0f}" if done else "-"
                    lines.append(f"| {label} ({size:,.0f} MB CSV) | {db_label} | {name} | {p['seconds']:.1f} s | "
                                 f"{rate} | {p['grown_mb']:,.0f} MB ({p['peak_mb']:,.0f} MB) | "
                                 f"{verdict} | {result['outcome'][:120] if done else ''} |")
                if not done:
                    lines[-1] = lines[-1].rsplit("|", 2)[0] + f"| {result['outcome'][:160]} |"
                elif len(result["phases"]) > 1:
                    lines.append(f"| {label} | {db_label} | whole upload | {total:.1f} s | {rows / total:,.0f} | "
                                 "see phases | | |")
        for db_label, url in databases:
            print(f"bench uploads: hostile corpus, {db_label} ...", flush=True)
            folder = tmp / f"hostile_{db_label}"
            folder.mkdir()
            result = measure("hostile", folder, url("hostile"), {})
            if "error" in result:
                lines.append(f"| hostile corpus | {db_label} | - | - | - | - | - | error: {' '.join(result['error'])[:200]} |")
                continue
            (slow_case, slow), (big_case, big) = result["slowest"], result["largest"]
            lines.append(f"| hostile corpus: {result['files']} files, {result['refused']} refused | {db_label} | "
                         f"submit, each file | slowest {slow:.1f} s ({slow_case}) | - | largest {big:,.0f} MB "
                         f"({big_case}) | {'yes' if slow <= 10 and big <= 500 else 'NO'} | |")
    text = "\n".join(lines + ["", f"Load average when started (1/5/15 min): {load}; after: "
                              + " / ".join(f"{x:.1f}" for x in os.getloadavg())])
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
