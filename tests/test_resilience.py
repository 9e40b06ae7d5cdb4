"""One bad file never stops everything (regional.resilience): after a good load, each bad-file case
leaves the app and `python -m regional show` serving the last good data, the failure on the status
view, and no retry on the next request; unusable storage gives a sentence, not a traceback.

Each case runs in its own process with a copy of data/ (REGIONAL_DATA_DIR) and its own SQLite file,
because the data folder is fixed when the app starts, as in production."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import PROJECT_DIR

SCRIPT = textwrap.dedent('''
    import io, json, sys, contextlib
    from pathlib import Path
    from regional import cli, db, resilience, settings
    from sqlalchemy import select, func
    from sqlmodel import Session
    from regional import models

    breaker = sys.argv[1]
    engine = resilience.ready_engine()            # a good first load
    good_rows = db.data_version(engine)
    data = settings.DATA_DIR
    if breaker == "bad_row":
        with open(data / "council_returns" / "bcp.csv", "a") as handle:
            handle.write("BCP,cic_rate_per_10k,2025-03-31,not a number,,,,,,\\n")
    elif breaker == "missing_synthetic":
        (data / "synthetic" / "dorset.csv").unlink()
    elif breaker == "unknown_council":
        with open(data / "groups.csv", "a") as handle:
            handle.write("rcc:south-west,South West RCC,rcc,,Atlantis Borough Council\\n")
    db.get_engine.cache_clear()
    first = db.ensure_loaded(resilience.ready_engine())   # the failing reload: kept serving
    second = db.ensure_loaded(resilience.ready_engine())  # the next request: not retried
    with Session(engine) as session:
        failures = session.execute(select(func.count()).select_from(models.LoadRecord)
                                   .where(models.LoadRecord.kind == resilience.FAILED_KIND)).scalar()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["show", "cic_rate_per_10k", "--council", "BCP", "--period", "2025-03-31"])
    status = resilience.load_status(engine)
    from streamlit.testing.v1 import AppTest
    page = AppTest.from_file(str(Path(sys.argv[2]) / "overview.py"), default_timeout=60).run()
    from regional import auth
    auth.add_user(engine, "admin@region.example", "admin", who="tests")  # the status page is for regional admins
    sys.path.insert(0, sys.argv[2])
    import signin
    admin = AppTest.from_file(str(Path(sys.argv[2]) / "pages" / "8_Status.py"), default_timeout=60)
    admin.session_state[signin.SESSION_KEY] = "admin@region.example"
    admin = admin.run()
    anonymous = AppTest.from_file(str(Path(sys.argv[2]) / "pages" / "8_Status.py"), default_timeout=60).run()
    print("RESULT" + json.dumps({
        "first": first, "second": second, "failures": failures, "show_code": code, "show": out.getvalue(),
        "failure": (status["failure"] or {}).get("detail"), "page_exception": [str(e.value) for e in page.exception],
        "page_metrics": len(page.metric), "admin_errors": [e.value for e in admin.error],
        "anonymous_errors": [e.value for e in anonymous.error], "anonymous_info": [i.value for i in anonymous.info],
    }))
''')


def _run(tmp_path, breaker: str) -> dict:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DIR / "data", data)
    env = {**os.environ, "REGIONAL_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "REGIONAL_VAR_DIR": str(tmp_path / "var")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, breaker, str(PROJECT_DIR)], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


@pytest.mark.parametrize("breaker, fragment", [
    ("bad_row", "bcp.csv"),
    ("missing_synthetic", "dorset.csv"),
    ("unknown_council", "Atlantis"),
])
def test_a_bad_file_in_data_keeps_the_last_good_load_serving(tmp_path, breaker, fragment):
    result = _run(tmp_path, breaker)
    assert result["first"] is False and result["second"] is False  # nothing reloaded, nothing raised
    assert result["failures"] == 1  # recorded once, not retried on the second request
    assert fragment in result["failure"]
    assert result["show_code"] == 0 and "E06000058" in result["show"]  # the CLI still answers
    assert result["page_exception"] == [] and result["page_metrics"] > 0  # the Overview still draws
    assert any(fragment in e for e in result["admin_errors"])  # the status view names the file, to an admin
    assert result["anonymous_errors"] == [] and any("regional admins" in i for i in result["anonymous_info"])


@pytest.mark.parametrize("env", [
    {"REGIONAL_VAR_DIR": "/dev/null/var"},  # a var/ that cannot be created (even by root)
    {"DATABASE_URL": "sqlite:////dev/null/regional.sqlite"},
    {"DATABASE_URL": "postgresql+psycopg://regional:regional@127.0.0.1:1/nowhere"},  # nothing listens on port 1
], ids=["var-not-creatable", "sqlite-unopenable", "postgresql-unreachable"])
def test_unusable_storage_is_a_sentence_not_a_traceback(env):
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.run([sys.executable, "-m", "regional", "show", "cic_rate_per_10k", "--council", "BCP"],
                          cwd=PROJECT_DIR, env={**base, **env}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "cannot be" in proc.stderr and "DATABASE_URL" in proc.stderr


def test_the_warm_up_loads_and_hands_its_store_to_the_first_page_once(tmp_path, monkeypatch):
    """serve.py's start-up hook: the data is loaded and read before anyone visits; the first page
    takes that Store (same data version), and a later page reads its own."""
    from regional import db, resilience

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'warm.sqlite'}")
    monkeypatch.setenv("REGIONAL_PSEUDONYM_KEY", "test-only-key")
    monkeypatch.setattr(resilience, "SERVED_WAIT_S", 0.0)  # no visitor here to wait for
    resilience.warm_up()
    engine = resilience.ready_engine()
    version = db.data_version(engine)
    store = resilience.warm_store(version)
    assert store is not None and "E06000058" in set(store.areas["code"])
    assert len(store.observations) > 10_000
    assert store._memo  # the Overview was prepared on it: its kept frames are there for the first visitor
    # and the Sufficiency plan's backtests, worked out after the first visitor was let in
    assert {("sufficiency_national_backtest",), ("sufficiency_transition_ratios",)} <= set(store._memo)
    assert resilience.warm_store(version) is None  # handed over once
    assert resilience.warm_store("another version") is None
