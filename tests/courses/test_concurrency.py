"""Things that must happen once stay once with several workers: registration and reminders."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import portal
from courses import operations
from courses.models import Lecture, LectureStatus, Registration
from portal.accounts.models import Enterprise, Role, User, Verification
from portal.config import TestingConfig
from portal.core.db import db, utcnow
from portal.core.reference import make_uscc
from portal.notifications.models import Notification
from tests.fixtures.app import ON_POSTGRES


@pytest.fixture
def shared_app(app, committing_db, tmp_path):
    """An app whose database every thread really shares (a file on SQLite)."""
    if ON_POSTGRES:
        target = app
    else:

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.db'}"
            UPLOAD_DIR = str(tmp_path / "uploads")

        target = portal.create_app(Config)
        with target.app_context():
            db.create_all()
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()


def _setup(target, users=4, starts_in=timedelta(days=2)):
    with target.app_context():
        lecture = operations.create_lecture(
            by=None,
            title="并发测试讲座",
            guest_speaker="嘉宾",
            starts_dt=utcnow() + starts_in,
        )
        staff = User(
            email="concurrent-staff@example.com",
            name="工作人员",
            role=Role.staff,
            password_hash="x",
            verification=Verification.verified,
        )
        db.session.add(staff)
        operations.transition(lecture, LectureStatus.published, staff)
        ids = []
        for n in range(users):
            firm = Enterprise(
                name=f"并发企业{n}",
                uscc=make_uscc(700_000 + n),
                industry="C",
                size_class="small",
                verification=Verification.verified,
            )
            user = User(
                email=f"concurrent{n}@example.com",
                name=f"用户{n}",
                role=Role.enterprise,
                password_hash="x",
                verification=Verification.verified,
                enterprise=firm,
            )
            db.session.add_all([firm, user])
            db.session.flush()
            ids.append(user.id)
        db.session.commit()
        return lecture.id, ids


def _run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.concurrency
def test_double_submitted_registration_is_recorded_once(shared_app):
    lecture_id, (user_id, *_others) = _setup(shared_app, users=1)
    outcomes = []

    def worker():
        with shared_app.app_context():
            try:
                lecture = db.session.get(Lecture, lecture_id)
                operations.register(lecture, db.session.get(User, user_id))
                db.session.commit()
                outcomes.append("registered")
            except operations.LectureError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    _run([threading.Thread(target=worker) for _ in range(4)])
    assert sorted(outcomes) == ["refused"] * 3 + ["registered"]
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


@pytest.mark.concurrency
def test_overlapping_reminder_runs_send_each_reminder_once(shared_app):
    lecture_id, user_ids = _setup(shared_app, users=6, starts_in=timedelta(hours=3))
    with shared_app.app_context():
        lecture = db.session.get(Lecture, lecture_id)
        for user_id in user_ids:
            operations.register(lecture, db.session.get(User, user_id))
        db.session.commit()
    sent = []

    def worker():
        with shared_app.app_context():
            try:
                sent.append(operations.send_reminders())
                db.session.commit()
            finally:
                db.session.remove()

    _run([threading.Thread(target=worker) for _ in range(3)])
    assert sum(sent) == len(user_ids)
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == len(user_ids)
