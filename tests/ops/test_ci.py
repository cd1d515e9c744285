"""The fault tests are marked slow, and CI (`.ci/run` -> `make test`) still runs them: no
pytest command of the Makefile or pyproject's options deselects the marker."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAULT_TESTS = {
    "worker killed": "tests/ops/test_faults.py::test_a_worker_killed_mid_request_loses_nothing_acknowledged",
    "database restarted": "tests/ops/test_faults.py::test_database_out_of_reach_gives_a_clear_503_then_recovers",
    "SMTP down": "tests/ops/test_faults.py::test_mail_queued_while_smtp_is_down_is_sent_by_the_worker_later",
    "register down": "tests/ops/test_faults.py::test_appeal_register_down_queues_messages_and_the_worker_sends_them_later",
    "disk full": "tests/ops/test_storage.py::test_disk_full_during_an_upload_leaves_no_half_file",
}


def test_every_fault_test_exists_and_is_marked_slow():
    for what, node in FAULT_TESTS.items():
        path, name = node.split("::")
        source = (ROOT / path).read_text()
        assert re.search(rf"^def {name}\(", source, re.M), what
        module_slow = "pytestmark = pytest.mark.slow" in source
        assert module_slow or re.search(
            rf"@pytest.mark.slow[^\n]*\n(@[^\n]*\n)*def {name}\(", source
        ), what


def test_ci_runs_the_slow_tests():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    pytest_lines = [line for line in makefile.splitlines() if "-m pytest" in line]
    assert len(pytest_lines) >= 2  # SQLite and PostgreSQL
    for line in pytest_lines:
        assert "slow" not in line, line
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "slow" not in options.get("addopts", "")
    assert "test-sqlite" in makefile and "test-postgres" in makefile


def test_the_fuzz_test_runs_on_postgresql_too():
    """`make test-postgres` runs every test not marked e2e; the fuzz test skips nothing there."""
    source = (ROOT / "tests/portal/test_fuzz_input.py").read_text()
    assert "skip" not in source and "ON_POSTGRES" not in source
    assert "pytest.mark.e2e" not in source
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(
        r"TEST_DATABASE_URL=\$\(PG_URL\) \$\(PY\) -m pytest .*-m \"not e2e\"", makefile
    )
