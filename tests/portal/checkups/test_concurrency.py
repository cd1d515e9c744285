"""Many threads book the same lawyer for overlapping times at once: exactly one wins."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Enterprise, User
from portal.checkups import operations as ops
from portal.checkups.models import Booking, Checkup
from portal.core import clock
from portal.core.db import db
from tests.fixtures.concurrency import requests_at_once

THREADS = 8


def _setup(shared_app):
    from portal.accounts.models import LawyerProfile, Role, Verification

    with shared_app.app_context():
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


def test_only_one_of_many_simultaneous_overlapping_bookings_wins(shared_app):
    staff_id, lawyer_id, firm_ids = _setup(shared_app)
    base = clock.utc(2031, 5, 6, 1, 0)

    def book(i):
        staff = db.session.get(User, staff_id)
        lawyer = db.session.get(User, lawyer_id)
        firm = db.session.get(Enterprise, firm_ids[i])
        start = base + timedelta(minutes=15 * i)  # every pair of these overlaps
        ops.schedule(firm, [lawyer], start, start + timedelta(hours=2), staff)
        return i

    outcomes = requests_at_once(shared_app, book, [(i,) for i in range(THREADS)], request=True)
    errors = [o.error for o in outcomes if not o.ok and not isinstance(o.error, ops.CheckupError)]
    assert errors == []
    results = [o.value for o in outcomes if o.ok]
    assert len(results) == 1
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkup)) == 1
        slots = db.session.scalars(select(Booking.slot_dt).where(Booking.lawyer_id == lawyer_id))
        start = base + timedelta(minutes=15 * results[0])
        assert list(slots) == ops.slots_between(start, start + timedelta(hours=2))
