"""`python -m regional distance` and `check-903`, run as an analyst runs them."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from regional import distance

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regional", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=300)


def test_distance_prints_miles_and_both_councils():
    done = run("distance", "bh1 1aa", "DT1 1AA")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{distance.postcode_distance('BH1 1AA', 'DT1 1AA'):.1f} miles (postcode precision)" \
        == "25.5 miles (postcode precision)"
    assert lines[1] == "home: BH1 1AA in Bournemouth, Christchurch and Poole (E06000058)"
    assert lines[2] == "placement: DT1 1AA in Dorset (E06000059)"


def test_distance_to_northern_ireland_and_unknown_postcodes():
    done = run("distance", "SK7 1AU", "BT17 0RY")
    assert done.stdout.splitlines()[0] == "178.5 miles (postcode precision)"
    assert "Northern Ireland (N92000002)" in done.stdout
    bad = run("distance", "BH1 1AA", "ZZ99 9ZZ")
    assert bad.returncode == 2 and "PL_POST" in bad.stderr and "not in the ONS postcode directory" in bad.stderr


def test_check_903_prints_each_rules_findings_as_csv(tmp_path):
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A1,01/04/2025,S,C2,N1,U4,PR1,01/06/2025,E11,,BH1 1AA,BH1 1AE,\n"
        "A1,01/05/2025,P,C2,N1,T1,PR1,,,,BH1 1AA,BH1 1AA,\n"
        "A2,01/04/2025,S,V3,N1,U4,PR1,,,,BH1 1AA,DT1 1AA,\n")
    done = run("check-903", str(episodes), "--council", "E06000058")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["rule", "child", "episode start", "column", "message"]
    found = {(r["rule"], r["child"], r["episode start"]) for r in rows}
    assert ("501", "A1", "01/05/2025") in found and ("501", "A1", "01/04/2025") not in found
    assert ("213", "A1", "01/05/2025") in found and ("392d", "A1", "01/05/2025") in found
    assert {("398", "A2", "01/04/2025"), ("420", "A2", "01/04/2025"), ("214", "A2", "01/04/2025")} <= found
    assert next(r for r in rows if r["rule"] == "501")["message"] == \
        "A new episode has started before the end date of the previous episode."
