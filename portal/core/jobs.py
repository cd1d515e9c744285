"""Periodic jobs: one PostgreSQL advisory lock per job, so two hosts running the same timer
never run a job twice at once (the jobs are idempotent anyway; the lock saves the duplicate work
and the races between two runs). On SQLite (one host) the lock is a no-op."""

import hashlib
from contextlib import contextmanager

from sqlalchemy import text

from portal.core.db import db

# flask --app wsgi jobs run NAME: the periodic jobs and the command each one runs.
JOBS = {
    "questions-overdue": ("questions", "overdue"),
    "questions-remind": ("questions", "remind"),
    "questions-autoclose": ("questions", "autoclose"),
    "mediation-remind": ("mediation", "remind"),
    "lectures-remind": ("lectures", "remind"),
    "appeals-escalate": ("appeals", "escalate"),
    "appeals-deliver": ("appeals", "deliver"),
    "mail-send": ("mail", "send"),
    "search-work": ("search", "work"),
}


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock (the same on every host)."""
    return int.from_bytes(
        hashlib.sha256(f"portal-job:{name}".encode()).digest()[:8], "big", signed=True
    )


@contextmanager
def job_lock(name: str):
    """Yield True when this process holds the job's lock (False: another host runs it now)."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    # A connection of its own: the lock lives as long as the session, whatever the job commits.
    with db.engine.connect() as connection:
        key = lock_key(name)
        got = connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
        connection.commit()
        try:
            yield bool(got)
        finally:
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
