"""Many threads book the same lawyer for overlapping times at once: exactly one wins."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import portal
from portal.accounts.models import Enterprise, User
from portal.checkups import operations as ops
from portal.checkups.models import Booking, Checkup
from portal.core import clock
from portal.core.db import db
from tests.fixtures.app import ON_POSTGRES

THREADS = 8


@pytest.fixture
def booking_app(app, committing_db, tmp_path):
    """PostgreSQL: the session's app. SQLite: an app on a database file (in-memory SQLite is one
    shared connection, which cannot show what two workers do)."""
    if ON_POSTGRES:
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # the threads' pooled connections
        return
    from portal.config import TestingConfig
    from portal.demo import ensure_categories

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'booking.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")
        SEARCH_INDEX_DIR = str(tmp_path / "search-index")

    file_app = portal.create_app(FileConfig)
    with file_app.app_context():
        db.create_all()
        ensure_categories()
        db.session.commit()
    yield file_app
    with file_app.app_context():
        db.session.remove()
        db.engine.dispose()


def _setup(booking_app):
    from portal.accounts.models import LawyerProfile, Role, Verification

    with booking_app.app_context():
        staff = User(
            email="race-staff@example.com",
            name="调度员",
            role=Role.staff,
            password_hash="x",
            verification=Verification.verified,
        )
        lawyer = User(
            email="race-lawyer@example.com",
            name="抢手律师",
            role=Role.lawyer,
            password_hash="x",
            verification=Verification.verified,
        )
        lawyer.lawyer_profile = LawyerProfile(law_firm="测试所", certificate_no="99999999999999999")
        firms = [
            Enterprise(
                name=f"并发企业{i}",
                uscc=f"91210100RACE{i:05d}X"[:18],
                industry="C",
                size_class="small",
                address="沈阳市",
                verification=Verification.verified,
            )
            for i in range(THREADS)
        ]
        db.session.add_all([staff, lawyer, *firms])
        db.session.commit()
        return staff.id, lawyer.id, [f.id for f in firms]


def test_only_one_of_many_simultaneous_overlapping_bookings_wins(booking_app):
    staff_id, lawyer_id, firm_ids = _setup(booking_app)
    base = clock.utc(2031, 5, 6, 1, 0)
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def book(i):
        # Each thread is a request of its own: own app context, own session, a POST.
        with booking_app.app_context(), booking_app.test_request_context("/", method="POST"):
            try:
                barrier.wait(timeout=10)
                staff = db.session.get(User, staff_id)
                lawyer = db.session.get(User, lawyer_id)
                firm = db.session.get(Enterprise, firm_ids[i])
                start = base + timedelta(minutes=15 * i)  # every pair of these overlaps
                ops.schedule(firm, [lawyer], start, start + timedelta(hours=2), staff)
                db.session.commit()
                results.append(i)
            except ops.CheckupError:
                db.session.rollback()
            except Exception as error:  # noqa: BLE001  (reported below)
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(results) == 1
    with booking_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkup)) == 1
        slots = db.session.scalars(select(Booking.slot_dt).where(Booking.lawyer_id == lawyer_id))
        start = base + timedelta(minutes=15 * results[0])
        assert list(slots) == ops.slots_between(start, start + timedelta(hours=2))
