"""A GET that writes (the audit entry of a confidential case view) after reading: on SQLite its
deferred transaction cannot take the write lock once another request has committed since it
began reading; its write must begin a transaction of its own, with the write lock (BEGIN IMMEDIATE)."""

import sqlite3

import pytest
from sqlalchemy import event, select, text

from portal.accounts.models import User
from portal.core.db import db, write_lock_from_the_start, written_after_the_reads
from tests.fixtures.concurrency import ON_POSTGRES

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's transaction discipline")


def _another_request_commits(app):
    engine = db.engines[None]
    with engine.connect() as other:
        other.execute(text("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)"))
        other.execute(text("INSERT INTO scratch VALUES (1)"))
        other.commit()


def _write(app):
    db.session.execute(text("INSERT INTO scratch VALUES (2)"))
    db.session.commit()


def test_a_read_then_write_get_fails_once_another_commit_came_between(shared_app):
    app = shared_app
    with app.app_context():
        _another_request_commits(app)
    with app.test_request_context("/", method="GET"):
        db.session.scalars(select(User).limit(1)).all()  # the page's reads
        _another_request_commits(app)
        with pytest.raises(Exception, match="locked|busy"):
            _write(app)
        db.session.rollback()


def test_a_write_begun_with_the_lock_after_the_reads_end_succeeds(shared_app):
    app = shared_app
    with app.app_context():
        _another_request_commits(app)
    with app.test_request_context("/", method="GET"):
        db.session.scalars(select(User).limit(1)).all()  # the page's reads
        _another_request_commits(app)
        db.session.commit()  # the reads end (they wrote nothing)
        with write_lock_from_the_start():
            db.session.execute(text("SELECT 1"))  # the transaction has begun
            other = sqlite3.connect(db.engines[None].url.database, timeout=0.05)
            try:  # the write lock is this request's from BEGIN on
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("INSERT INTO scratch VALUES (3)")
            finally:
                other.close()
            _write(app)
        # The request's later reads begin deferred again: they hold no lock.
        count = db.session.execute(text("SELECT count(*) FROM scratch")).scalar()
        other = sqlite3.connect(db.engines[None].url.database, timeout=0.05)
        try:
            other.execute("INSERT INTO scratch VALUES (4)")
            other.commit()
        finally:
            other.close()
        db.session.rollback()
    assert count == 3


def test_written_after_the_reads_takes_the_lock_on_the_requests_own_connection(shared_app):
    """The reads end and the write takes the lock in place (COMMIT, BEGIN IMMEDIATE on the same
    connection), committed once: no second connection from the pool, though another request
    committed between the reads and the write."""
    app = shared_app
    with app.app_context():
        _another_request_commits(app)
    with app.app_context():
        engine = db.engines[None]
    checkouts, statements = [], []

    def count_checkout(*_args):
        checkouts.append(1)

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.split(" ")[0] if statement != "BEGIN IMMEDIATE" else statement)

    event.listen(engine, "checkout", count_checkout)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with app.test_request_context("/", method="GET"):
            db.session.execute(text("SELECT count(*) FROM scratch")).scalar()  # the page's reads
            _another_request_commits(app)
            before, statements[:] = len(checkouts), []
            with written_after_the_reads():
                db.session.execute(text("INSERT INTO scratch VALUES (5)"))
            writes = list(statements)
            assert len(checkouts) == before
            db.session.remove()
    finally:
        event.remove(engine, "checkout", count_checkout)
        event.remove(engine, "before_cursor_execute", record)
    assert writes == ["COMMIT", "BEGIN IMMEDIATE", "INSERT"]
    other = sqlite3.connect(engine.url.database)
    try:
        assert other.execute("SELECT count(*) FROM scratch WHERE n = 5").fetchone() == (1,)
    finally:
        other.close()


def test_connections_use_wal_with_normal_sync(shared_app):
    """WAL with synchronous=NORMAL (1): commits atomic and safe from a process crash, without
    an fsync each (the audit entry of every case view commits on a GET)."""
    with shared_app.app_context(), db.engines[None].connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert (journal, synchronous) == ("wal", 1)
