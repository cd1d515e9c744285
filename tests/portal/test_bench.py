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


def _slice(rps, count=10):
    """A `bench.http.timed` result of `count` requests at `rps` requests per second."""
    return {"latencies": [1 / rps] * count, "elapsed": count / rps, "errors": []}


def test_http_compares_each_page_slice_with_the_baseline_on_either_side():
    from bench.http import compare

    order = []
    # The baseline slows down as the machine gets busier; the page keeps half its pace.
    baseline_rps = iter([400, 300, 200, 100])
    page_rps = iter([175, 125, 75])

    def run_baseline(count):
        order.append(("baseline", count))
        return _slice(next(baseline_rps), count)

    def run_page(count):
        order.append(("page", count))
        return _slice(next(page_rps), count)

    compared = compare(run_page, run_baseline, requests=31, slices=3)
    kinds = [kind for kind, _count in order]
    assert kinds == ["baseline", "page", "baseline", "page", "baseline", "page", "baseline"]
    assert sum(count for kind, count in order if kind == "page") == 31
    # 175 / mean(400, 300), 125 / mean(300, 200), 75 / mean(200, 100)
    assert compared["ratio"] == pytest.approx(0.5)
    assert (compared["low"], compared["high"]) == (pytest.approx(0.5), pytest.approx(0.5))


def test_http_one_disturbed_slice_does_not_move_the_page_figure():
    from bench.http import compare

    baseline_rps = iter([400, 400, 400, 400, 400, 400])
    page_rps = iter([200, 200, 40, 200, 200])  # something else took the cores for a moment
    compared = compare(
        lambda count: _slice(next(page_rps), count),
        lambda count: _slice(next(baseline_rps), count),
        requests=50,
        slices=5,
    )
    assert compared["ratio"] == pytest.approx(0.5)
    assert compared["low"] == pytest.approx(0.1) and compared["high"] == pytest.approx(0.5)
    # The page's own req/s is over all its requests, the slow slice included.
    assert compared["page"]["rps"] < 200
