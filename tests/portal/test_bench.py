"""The benchmark generator builds a database every generator contributes to."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.app import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(ON_POSTGRES, reason="the bench database is SQLite")
def test_generate_builds_a_migrated_database_at_the_requested_scale(tmp_path):
    out = tmp_path / "bench.db"
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", "0.02", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "portal accounts: 100 enterprises with a user each, 6 lawyers" in result.stdout
    with sqlite3.connect(out) as connection:
        enterprises = connection.execute("SELECT count(*) FROM enterprises").fetchone()[0]
        lawyers = connection.execute("SELECT count(*) FROM users WHERE role = 'lawyer'").fetchone()[
            0
        ]
        staff = connection.execute(
            "SELECT count(*) FROM users WHERE email = 'staff@demo.example'"
        ).fetchone()[0]
        head = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert (enterprises, lawyers, staff) == (100 + 100, 30 + 6, 1)  # demo core + generated
    assert len(head) == 1


def test_generate_refuses_a_silly_scale():
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
