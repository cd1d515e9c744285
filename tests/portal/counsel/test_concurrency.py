"""Two staff put the same firm into two groups at once: exactly one succeeds (SQLite and PG)."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import portal
from portal.accounts.models import Enterprise, LawyerProfile, Role, User, Verification
from portal.core import clock
from portal.core.db import db
from portal.core.reference import make_uscc
from portal.counsel import operations
from portal.counsel.models import CounselMembership
from tests.fixtures.app import ON_POSTGRES


@pytest.fixture
def race_app(app, committing_db, tmp_path):
    """PostgreSQL: the session's app. SQLite: an app on a database file (in-memory SQLite is one
    shared connection, which cannot show what two workers do)."""
    if ON_POSTGRES:
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # the threads' pooled connections
        return
    from portal.config import TestingConfig

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'race.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")
        SEARCH_INDEX_DIR = str(tmp_path / "search-index")

    file_app = portal.create_app(FileConfig)
    with file_app.app_context():
        db.create_all()
        db.session.commit()
    yield file_app
    with file_app.app_context():
        db.session.remove()
        db.engine.dispose()


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


def test_same_firm_in_two_groups_at_once_only_one_wins(race_app):
    app = race_app
    with app.app_context():
        firm_id, staff_id, lawyer_ids = _seed()
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(lawyer_id, name):
        with app.test_request_context(method="POST"):
            try:
                barrier.wait(timeout=5)
                operations.create_group(
                    name=name,
                    start_date=clock.today(),
                    end_date=clock.today() + timedelta(days=365),
                    enterprises=[db.session.get(Enterprise, firm_id)],
                    lawyers=[db.session.get(User, lawyer_id)],
                    by=db.session.get(User, staff_id),
                )
                db.session.commit()
                outcomes.append("ok")
            except operations.CounselError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # the database itself refusing counts as refused
                db.session.rollback()
                outcomes.append(f"db:{type(exc).__name__}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(lawyer_ids[i], f"组{i}")) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1 and len(outcomes) == 2, outcomes
    with app.app_context():
        current = db.session.scalar(
            select(func.count())
            .select_from(CounselMembership)
            .where(CounselMembership.enterprise_id == firm_id, CounselMembership.left_on.is_(None))
        )
        assert current == 1
