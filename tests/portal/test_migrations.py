"""Migrations build the same schema the models describe."""

import subprocess
import sys

from tests.fixtures.app import ON_POSTGRES


def test_upgrade_on_a_fresh_sqlite_database_matches_the_models(tmp_path):
    if ON_POSTGRES:
        import pytest

        pytest.skip("checked on SQLite; PostgreSQL runs the same migrations in deployment tests")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "PATH": "/usr/bin:/bin"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]
    upgrade = subprocess.run([*flask, "upgrade"], env=env, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    check = subprocess.run([*flask, "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
