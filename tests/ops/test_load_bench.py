"""bench.load's own arithmetic: server-side times from gunicorn's access log, percentiles,
CPU per process."""

import os
import time

from bench import load


def test_server_times_are_read_per_action_from_the_access_log(tmp_path):
    log = tmp_path / "server.log"
    mark = load.ACCESS_MARK
    log.write_text(
        "\n".join(
            [
                "[2026-11-30 12:00:00 +0000] [1] [INFO] Booting worker with pid: 2",
                f"{mark} GET /questions/17 200 12000",
                f"{mark} POST /questions/ask 302 40000",
                f"{mark} POST /questions/ask 200 8000",  # the form again: refused
                f"{mark} GET /mediation/cases/3 200 25000",
                f"{mark} GET /mediation/cases/3/sessions/new 200 5000",
                f"{mark} POST /mediation/cases/3/sessions/new 200 6000",
                f"{mark} GET /mediation 200 7000",
                f"{mark} GET /static/app.css 200 100",  # not an action of the run
                "indexed 1, removed 0, failed 0",
            ]
        )
    )
    times = load.server_times(log)
    assert times == {
        "question page": [12.0],
        "ask": [40.0],
        "ask (refused)": [8.0],
        "case page": [25.0],
        "session (form)": [5.0],
        "record session (refused)": [6.0],
        "mediator cases": [7.0],
    }


def test_percentiles():
    values = list(range(1, 101))
    assert load.percentile(values, 50) in (50, 51)
    assert load.percentile(values, 95) == 95
    assert load.percentile(values, 99) == 99
    assert load.percentile([7], 95) == 7


class _Counts:
    """A stand-in for a psycopg connection: count(*) per (sql, parameters)."""

    def __init__(self, counts):
        self.counts = counts

    def execute(self, sql, row):
        count = self.counts.get((sql, tuple(row)), 0)
        return type("Cursor", (), {"fetchone": lambda self: (count,)})()


def test_audit_counts_name_each_row_that_is_not_as_acknowledged():
    sql = "SELECT count(*) FROM t WHERE a = %s AND b = %s"
    connection = _Counts({(sql, ("x", 1)): 1, (sql, ("y", 2)): 2})
    problems = []
    load._count_check(
        connection, problems, sql, [("x", 1), ("y", 2), ("z", 3)], 1, "{0}#{1}: {count}"
    )
    assert problems == ["y#2: 2", "z#3: 0"]
    problems = []
    load._count_check(connection, problems, sql, [("x", 1)], lambda row: 0, "{0} stored")
    assert problems == ["x stored"]


def test_the_load_tests_indexer_runs_at_the_niceness_of_its_service():
    unit = (load.ROOT / "docs/deploy/portal-search-worker.service").read_text()
    assert f"\nNice={load.INDEXER_NICENESS}\n" in unit


def test_process_cpu_counts_a_process_that_started_after_the_first_reading():
    measured = load.ProcessCPU([])  # this process is not among those read at the start
    assert measured.used() == 0
    busy_until = time.process_time() + 0.05
    while time.process_time() < busy_until:
        pass
    assert measured.used([os.getpid()]) >= 0.05
