"""Two staff put the same firm into two groups at once: exactly one succeeds (SQLite and PG)."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Enterprise, LawyerProfile, Role, User, Verification
from portal.core import clock
from portal.core.db import db
from portal.core.reference import make_uscc
from portal.counsel import operations
from portal.counsel.models import CounselMembership
from tests.fixtures.concurrency import requests_at_once


def _seed():
    firm = Enterprise(
        name="并发测试企业",
        uscc=make_uscc(880001),
        industry="C",
        size_class="micro",
        verification=Verification.verified,
    )
    staff = User(
        email="race-staff@example.com",
        name="员工",
        role=Role.staff,
        password_hash="x",
        verification=Verification.verified,
    )
    lawyers = []
    for n in range(2):
        lawyer = User(
            email=f"race-lawyer{n}@example.com",
            name=f"律师{n}",
            role=Role.lawyer,
            password_hash="x",
            verification=Verification.verified,
        )
        lawyer.lawyer_profile = LawyerProfile(law_firm="所", certificate_no=f"RACE{n:013d}")
        lawyers.append(lawyer)
    db.session.add_all([firm, staff, *lawyers])
    db.session.commit()
    return firm.id, staff.id, [u.id for u in lawyers]


def test_same_firm_in_two_groups_at_once_only_one_wins(shared_app):
    app = shared_app
    with app.app_context():
        firm_id, staff_id, lawyer_ids = _seed()

    def create_group(lawyer_id, name):
        operations.create_group(
            name=name,
            start_date=clock.today(),
            end_date=clock.today() + timedelta(days=365),
            enterprises=[db.session.get(Enterprise, firm_id)],
            lawyers=[db.session.get(User, lawyer_id)],
            by=db.session.get(User, staff_id),
        )

    outcomes = requests_at_once(
        app, create_group, [(lawyer_ids[i], f"组{i}") for i in range(2)], request=True
    )
    # The operation refusing, or the database itself refusing, both count as refused.
    assert [o.ok for o in outcomes].count(True) == 1, outcomes
    with app.app_context():
        current = db.session.scalar(
            select(func.count())
            .select_from(CounselMembership)
            .where(CounselMembership.enterprise_id == firm_id, CounselMembership.left_on.is_(None))
        )
        assert current == 1
