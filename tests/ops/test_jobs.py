"""Periodic jobs: `jobs run NAME` under a PostgreSQL advisory lock (a no-op on SQLite)."""

import pytest
from sqlalchemy import text

from portal.core.db import db
from portal.core.jobs import JOBS, job_lock, lock_key
from tests.fixtures.app import ON_POSTGRES


def run(app, *args):
    return app.test_cli_runner().invoke(args=["jobs", *args])


def test_every_job_names_a_real_command(app):
    listing = run(app, "list")
    assert listing.exit_code == 0
    for name, (group, command) in JOBS.items():
        assert name in listing.output
        assert app.cli.get_command(None, group).get_command(None, command) is not None, name


def test_a_job_runs_its_command_with_arguments(app):
    result = run(app, "run", "questions-autoclose", "--days", "3")
    assert result.exit_code == 0, result.output
    assert "questions closed" in result.output


def test_an_unknown_job_exits_non_zero_with_one_line(app):
    result = run(app, "run", "nightly-magic")
    assert result.exit_code != 0
    assert "unknown job 'nightly-magic'" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_lock_keys_are_stable_and_distinct():
    keys = {lock_key(name) for name in JOBS}
    assert len(keys) == len(JOBS)
    assert lock_key("mail-send") == lock_key("mail-send")
    assert all(-(2**63) <= k < 2**63 for k in keys)


@pytest.mark.skipif(not ON_POSTGRES, reason="advisory locks are PostgreSQL's")
def test_a_job_running_on_another_host_is_skipped(app):
    with db.engine.connect() as other_host:
        other_host.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key("mail-send")})
        try:
            result = run(app, "run", "mail-send")
            assert result.exit_code == 0, result.output
            assert "already running on another host" in result.output
            assert "sent" not in result.output
        finally:
            other_host.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key("mail-send")})
            other_host.commit()
    # Released: the next run goes ahead, and takes the lock only for its own duration.
    assert "already running" not in run(app, "run", "mail-send").output
    with job_lock("mail-send") as held:
        assert held


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite only")
def test_on_sqlite_the_lock_is_always_granted(app):
    with job_lock("mail-send") as first, job_lock("mail-send") as second:
        assert first and second
