"""Two app processes on one database: an upload in one is seen by the other on its next read
(nothing a second process needs is kept on local disk)."""
from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pandas as pd
import pytest

from regional import db
from tests.conftest import PROJECT_DIR, fresh_postgres, postgres_url
from tests.test_returns import RETURN_HEADER, write


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        value = f"sqlite:///{tmp_path / 'shared.sqlite'}"
        db.ensure_loaded(db.get_engine(value))
        return value
    value = postgres_url()
    db.load_default(fresh_postgres(value))
    return value


def run(url: str, *args: str, stdin: str | None = None) -> str:
    """`python -m regional ...` as a process of its own, with only the database URL and key in common."""
    env = {"DATABASE_URL": url, "REGIONAL_PSEUDONYM_KEY": os.environ.get("REGIONAL_PSEUDONYM_KEY", "k"),
           "PATH": "/usr/bin:/bin", "HOME": str(PROJECT_DIR / "var" / "home-for-tests")}
    out = subprocess.run([sys.executable, "-m", "regional", *args], cwd=PROJECT_DIR, env=env, input=stdin,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_an_upload_in_one_process_appears_in_the_other(url, tmp_path):
    def torbay_returns() -> pd.DataFrame:
        return pd.read_csv(StringIO(run(url, "show", "cic_count", "--council", "Torbay", "--source", "council")))

    assert torbay_returns().empty
    path = write(tmp_path / "torbay.csv", RETURN_HEADER,
                 [["Torbay", "cic_count", "2026-03-31", "290", "provisional", "", "Torbay scorecard", "T1", "", ""]])
    assert "version 1" in run(url, "upload", str(path))
    seen = torbay_returns()
    assert seen[["council_name", "value", "status"]].values.tolist() == [["Torbay", 290, "provisional"]]
    catalogue = pd.read_csv(StringIO(run(url, "catalogue")))
    assert catalogue["council"].tolist() == ["Torbay"]
