"""Fixtures are plugins, one module per topic (Indico's habit)."""

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
]
