"""Many writers doing read-modify-write on one row through the ORM lose no update.

SQLite: a separate app on a temporary *file* (the session app's in-memory database is one
shared connection, which would prove nothing); every transaction outside a GET request begins
IMMEDIATE, so writers queue on the lock. PostgreSQL (TEST_DATABASE_URL): the session app with
real commits, and the row is read with SELECT ... FOR UPDATE.
"""

import pytest

from portal.core.db import db
from portal.notifications.models import OutgoingEmail
from tests.fixtures.concurrency import start_together

pytestmark = pytest.mark.concurrency

THREADS, INCREMENTS = 8, 25


def increment_many_times(app, row_id):
    for _ in range(INCREMENTS):
        with app.app_context():
            mail = db.session.get(OutgoingEmail, row_id, with_for_update=True)
            mail.attempts = mail.attempts + 1  # read, modify in Python, write
            db.session.commit()


def test_concurrent_read_modify_write_loses_no_update(shared_app):
    app = shared_app
    with app.app_context():
        mail = OutgoingEmail(recipient="count@example.com", subject="counter", body="")
        db.session.add(mail)
        db.session.commit()
        row_id = mail.id
        db.session.remove()

    outcomes = start_together(increment_many_times, [(app, row_id)] * THREADS)
    assert [o.error for o in outcomes if not o.ok] == []
    with app.app_context():
        assert db.session.get(OutgoingEmail, row_id).attempts == THREADS * INCREMENTS
        db.session.remove()
