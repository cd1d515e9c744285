"""Fixtures are plugins, one module per topic (Indico's habit)."""

import os

import pytest

from tests.fixtures.worker_database import use_a_database_per_worker

# Before the plugins import the app's settings: with pytest-xdist each worker process gets its
# own PostgreSQL database, because the session fixture drops and recreates the schema.
use_a_database_per_worker(os.environ)

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.accounts",
    "tests.fixtures.knowledge",
    "tests.fixtures.search",
    "tests.fixtures.mediation",
    "tests.fixtures.courses",
    "tests.fixtures.programmes",
    "tests.fixtures.counsel",
    "tests.fixtures.clock",
    "tests.fixtures.concurrency",
]


def pytest_collection_modifyitems(items):
    """Browser tests share one server and one browser: keep them on one xdist worker, except
    a module that names its own group (the walk of every page, about 7 minutes, runs on the
    other worker with a server of its own, so the two halves of the browser tests run at once;
    `make test` asks xdist for `--dist loadgroup`)."""
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group("e2e"))
