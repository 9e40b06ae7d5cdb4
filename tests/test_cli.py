"""The CLI as analysts use it: a real subprocess, output checked against the raw DfE file."""
import csv
import io
import os
import subprocess
import sys

import pytest

from regional.observations import CODE_STATUSES

from tests.conftest import PROJECT_DIR


def run(*args):
    return subprocess.run([sys.executable, "-m", "regional", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          env={**os.environ}, timeout=300)  # a hang guard, not a speed test: a loaded 2-core machine is slow


def test_show_prints_dfe_rate_for_every_council_region_and_england(engine, shared_data):
    result = run("show", "cic_rate_per_10k", "--period", "2025-03-31")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["council_code", "council_name", "indicator", "period", "value", "status", "source"]
    with open(shared_data / "dfe" / "cla_number_and_rate_per_10k_children.csv", encoding="utf-8-sig") as f:
        raw = [r for r in csv.DictReader(f) if r["time_period"] == "2025"
               and r["population_type"] == "Children looked after on 31 March each year"]
    expected = {}
    for r in raw:
        code = {"National": "E92000001", "Regional": r["region_code"]}.get(r["geographic_level"], r["new_la_code"])
        expected[code] = r["rate_per_10000"]
    got = {r["council_code"]: r for r in rows}
    assert set(got) == set(expected)
    for code, value in expected.items():
        if value.isdigit():
            assert got[code]["value"] == value and got[code]["status"] == "ok"
        else:
            # DfE's marker kept as what DfE says it is (z not applicable, c suppressed, ...), never 0.
            assert got[code]["value"] == "" and got[code]["status"] == CODE_STATUSES[value.lower()]
    assert got["E92000001"]["council_name"] == "England"
    assert {r["source"] for r in rows} == {"dfe-cla-number-and-rate"}


def test_show_council_returns_with_their_documents(engine):
    result = run("show", "cic_rate_per_10k", "--council", "BCP", "--source", "council", "--period", "2026-03-31")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["value"] for r in rows) == ["85", "86"]
    assert len({r["source"] for r in rows}) == 2


def test_indicators_lists_catalogue(engine):
    result = run("indicators")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    ids = {r["id"] for r in rows}
    for required in ("cic_count", "cic_rate_per_10k", "pct_placed_over_20_miles_outside_la", "pct_foster_placements",
                     "pct_secure_and_childrens_homes", "foster_places_approved", "foster_places_filled"):
        assert required in ids
    assert all(r["label"] and r["unit"] for r in rows)


@pytest.mark.parametrize("args,fragment", [
    (("show", "cic_count", "--council", "Narnia"), "matches no English council"),
    (("show", "no_such_indicator"), "unknown indicator"),
    (("show", "cic_count", "--period", "last year"), "not a period"),
])
def test_errors_are_clear_and_exit_2(engine, args, fragment):
    result = run(*args)
    assert result.returncode == 2 and fragment in result.stderr and "Traceback" not in result.stderr


def test_postcode_index_is_built_once_by_the_install_step(tmp_path):
    """`make run` calls it before serving: the first run builds the index into var/cache, the next
    finds it and leaves it alone, and a half-written file does not count as built."""
    env = {**os.environ, "REGIONAL_VAR_DIR": str(tmp_path)}

    def index(*args):
        return subprocess.run([sys.executable, "-m", "regional", "postcode-index"], cwd=PROJECT_DIR,
                              capture_output=True, text=True, env=env, timeout=300)

    first = index()
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("postcode index built:")
    built = next((tmp_path / "cache").glob("postcode_index_*.npz"))
    stamp = built.stat().st_mtime_ns
    second = index()
    assert second.returncode == 0 and second.stdout.startswith("postcode index already built:")
    assert built.stat().st_mtime_ns == stamp
    built.write_bytes(built.read_bytes()[:1000])  # a build that died half-way
    check = subprocess.run([sys.executable, "-c", "from regional import geo; print(geo.index_ready())"],
                           cwd=PROJECT_DIR, capture_output=True, text=True, env=env, timeout=120)
    assert check.stdout.strip() == "False", check.stderr
    third = index()  # and the install step builds it again, as the app would on first use
    assert third.returncode == 0 and third.stdout.startswith("postcode index built:"), third.stderr


def test_index_ready_wants_every_array_and_this_version(tmp_path, monkeypatch):
    """The check reads the zip's directory and the version, not the arrays: a file without an array
    or from another package version is not ready."""
    import numpy as np

    from regional import geo, settings

    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)  # never the installation's own index
    path = geo.index_path()
    assert path.is_relative_to(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {name: np.array([1]) for name in geo.INDEX_MEMBERS - {"version"}}
    np.savez(path, **arrays, version=np.array(geo.package_version()))
    assert geo.index_ready()
    np.savez(path, **arrays, version=np.array("0.0.0"))
    assert not geo.index_ready()
    np.savez(path, **{k: v for k, v in arrays.items() if k != "easting"}, version=np.array(geo.package_version()))
    assert not geo.index_ready()
