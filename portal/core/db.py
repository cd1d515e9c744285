"""Database base class, naming convention and the SQLite connection discipline."""

from contextlib import contextmanager

from flask import abort, g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from portal.core import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow():
    """Naive UTC now, from the one clock (portal.core.clock); what we store."""
    return clock.now_utc()


def get_or_404(model, object_id, *, options=()):
    """`options`: loader options (what the page shows of the object's relations, read with it).
    With options the row is read even when the session holds the object already: the session
    would otherwise hand it back as it is, its relations then loaded one row at a time."""
    # No id, or one no database integer can hold (read from a form or query string): not found.
    if object_id is None or (isinstance(object_id, int) and not -(2**31) <= object_id < 2**31):
        abort(404)
    obj = db.session.get(model, object_id, options=options, populate_existing=bool(options))
    if obj is None:
        abort(404)
    return obj


def _reads_only() -> bool:
    return (
        has_request_context()
        and request.method in ("GET", "HEAD", "OPTIONS")
        and not g.get("sqlite_write_lock")
    )


@contextmanager
def write_lock_from_the_start():
    """The request's transactions begun inside take SQLite's write lock when they begin: for a
    GET that must write (an audit entry), its write begun once its reads have ended. A deferred
    transaction that has read cannot take the lock once another request has committed since it
    began reading ("database is locked" at once: the busy timeout does not wait for a stale
    snapshot); one that begins with the lock waits for it instead (busy timeout). Transactions
    begun after the block are deferred again, so the request's later reads block no writer."""
    before = g.get("sqlite_write_lock", False)
    g.sqlite_write_lock = True
    try:
        yield
    finally:
        g.sqlite_write_lock = before


@contextmanager
def written_after_the_reads():
    """A GET's one write (an audit entry, a counted view), made after the request's reads and
    committed when the block ends; the commit expires nothing the request has loaded, so the
    page goes on printing it without reading it again.

    On SQLite the reads' snapshot ends first and the write holds the write lock from its
    transaction's beginning (waiting for it, busy timeout, like any writer), instead of failing
    at once for a stale snapshot. Where the request's transaction is its connection's own (a
    server's request), that is done in place on the same connection: COMMIT of the reads (they
    wrote nothing), BEGIN IMMEDIATE, the write, one commit. Committing the reads through the
    session instead, then beginning again, handed the connection back to the pool and took it
    out again and ran the session's commit twice: about a third of the write's cost, on every
    audited view. A session joined to an outer transaction (a savepoint: the tests) commits its
    reads and begins the write inside write_lock_from_the_start().

    On PostgreSQL (read committed) the write goes in the reads' transaction: a snapshot never
    keeps an insert from committing there."""
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        if _writes_in_place(session):
            yield
            session.commit()
        else:
            session.commit()
            with write_lock_from_the_start():
                yield
                session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def _writes_in_place(session) -> bool:
    """Whether written_after_the_reads() may write in the session's transaction (taking
    SQLite's write lock in place): it has one of its own, on its connection's own transaction."""
    if not session.in_transaction():
        return False  # nothing read: the write's transaction begins with the lock
    connection = session.connection()
    if connection.in_nested_transaction():
        return False
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("COMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return True


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Take transaction control away from pysqlite so we can emit BEGIN IMMEDIATE ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # SQLite's advice for WAL: a commit appends to the log without waiting for the disk (the log
    # is synced at each checkpoint). Every commit stays atomic and survives a crash of the
    # process; only a power loss or an OS crash may roll back the last commits before the next
    # checkpoint (the file is never corrupted). With the default FULL each commit waited 4-8 ms
    # for fsync, holding the write lock: an audited page view (a GET that commits) paid it.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    # Writers take the write lock up front, so two workers' read-modify-write never
    # interleave; GET requests stay deferred and never block anyone (WAL).
    connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")
