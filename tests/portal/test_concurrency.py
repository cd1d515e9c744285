"""Many writers doing read-modify-write on one row through the ORM lose no update.

SQLite: a separate app on a temporary *file* (the session app's in-memory database is one
shared connection, which would prove nothing); every transaction outside a GET request begins
IMMEDIATE, so writers queue on the lock. PostgreSQL (TEST_DATABASE_URL): the session app with
real commits, and the row is read with SELECT ... FOR UPDATE.
"""

import threading

import pytest

import portal
from portal.config import TestingConfig
from portal.core.db import db
from portal.notifications.models import OutgoingEmail
from tests.fixtures.app import ON_POSTGRES

pytestmark = pytest.mark.concurrency

THREADS, INCREMENTS = 8, 25


@pytest.fixture
def file_app(tmp_path):
    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'concurrency.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")
        SEARCH_INDEX_DIR = str(tmp_path / "search-index")

    app = portal.create_app(FileConfig)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def concurrent_app(request, app, committing_db):
    """committing_db keeps the per-test rollback session away from these threads."""
    return app if ON_POSTGRES else request.getfixturevalue("file_app")


def increment_many_times(app, row_id, errors):
    try:
        for _ in range(INCREMENTS):
            with app.app_context():
                mail = db.session.get(OutgoingEmail, row_id, with_for_update=True)
                mail.attempts = mail.attempts + 1  # read, modify in Python, write
                db.session.commit()
    except Exception as exc:  # reported by the test; a thread must not die silently
        errors.append(exc)


def test_concurrent_read_modify_write_loses_no_update(concurrent_app):
    app = concurrent_app
    with app.app_context():
        mail = OutgoingEmail(recipient="count@example.com", subject="counter", body="")
        db.session.add(mail)
        db.session.commit()
        row_id = mail.id
        db.session.remove()

    errors = []
    threads = [
        threading.Thread(target=increment_many_times, args=(app, row_id, errors))
        for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert db.session.get(OutgoingEmail, row_id).attempts == THREADS * INCREMENTS
        db.session.remove()
