"""The benchmark generator builds a database every generator contributes to."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.app import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="the bench database is SQLite")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "bench.db"
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", "0.02", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_generate_builds_a_migrated_database_at_the_requested_scale(generated):
    out, output = generated
    assert "portal accounts: 100 enterprises with a user each, 6 lawyers" in output
    with sqlite3.connect(out) as connection:
        enterprises = connection.execute("SELECT count(*) FROM enterprises").fetchone()[0]
        lawyers = connection.execute("SELECT count(*) FROM users WHERE role = 'lawyer'").fetchone()[
            0
        ]
        staff = connection.execute(
            "SELECT count(*) FROM users WHERE email = 'staff@demo.example'"
        ).fetchone()[0]
        head = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        questions = connection.execute("SELECT count(*) FROM questions").fetchone()[0]
        cases = connection.execute("SELECT count(*) FROM mediation_cases").fetchone()[0]
        others = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("checkups", "counsel_groups", "lectures", "appeal_referrals")
        ]
        answers = connection.execute(
            "SELECT count(*) FROM question_messages WHERE kind = 'answer'"
        ).fetchone()[0]
        numbered = connection.execute(
            "SELECT count(*) FROM enterprises WHERE name LIKE '%（%）%'"
        ).fetchone()[0]
    assert (enterprises, lawyers, staff) == (100 + 100, 30 + 6, 1)  # demo core + generated
    assert len(head) == 1
    assert (questions, cases) == (2000, 400)  # every package's generator, not only accounts
    # check-ups, counsel groups, lectures and appeal items in proportion (demo core has none)
    assert others == [200, 10, 20, 400]
    assert 1500 < answers < 2000  # one for each answered question
    assert numbered == 0


def test_generate_refuses_a_silly_scale():
    result = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0


def test_http_measures_every_page_beside_the_bare_app(generated):
    out, _output = generated
    result = subprocess.run(
        [sys.executable, "-m", "bench.http", "--db", str(out), "--requests", "12"]
        + ["--threads", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pages = ("bare Flask hello", "home (anonymous)", "log-in page", "accounts list")
    # Each other role's pages, viewed by a user of that role who has rows to see.
    pages += ("queue (lawyer)", "my questions (firm)", "case detail (party)")
    pages += ("mediation cases (mediator)", "committee detail (mediator)", "appeals (department)")
    for page in pages:
        [line] = [line for line in lines if line.startswith(page + " ")]
        figures = line[len(page) :].split()
        assert float(figures[0]) > 0  # requests per second
    assert "answered" not in result.stdout  # every page answered 200 to its user
