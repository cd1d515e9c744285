"""Migrations build the schema the models describe, and come down again, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.fixtures.app import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind the suite runs on; PostgreSQL gets a throw-away database."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _flask_db(url, *args):
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _tables(url) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_go_up_match_the_models_and_come_down_again(fresh_database_url):
    upgrade = _flask_db(fresh_database_url, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask_db(fresh_database_url, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "users" in _tables(fresh_database_url)

    downgrade = _flask_db(fresh_database_url, "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stderr
    assert _tables(fresh_database_url) == set()

    again = _flask_db(fresh_database_url, "upgrade")
    assert again.returncode == 0, again.stderr
