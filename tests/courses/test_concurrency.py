"""Things that must happen once stay once with several workers: registration and reminders."""

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from courses import operations
from courses.models import Lecture, LectureStatus, Registration
from portal.accounts.models import Enterprise, Role, User, Verification
from portal.core.db import db, utcnow
from portal.core.reference import make_uscc
from portal.notifications.models import Notification
from tests.fixtures.concurrency import requests_at_once


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


@pytest.mark.concurrency
def test_double_submitted_registration_is_recorded_once(shared_app):
    lecture_id, (user_id, *_others) = _setup(shared_app, users=1)

    def register():
        lecture = db.session.get(Lecture, lecture_id)
        operations.register(lecture, db.session.get(User, user_id))

    outcomes = requests_at_once(shared_app, register, [()] * 4)
    refused = [o for o in outcomes if isinstance(o.error, operations.LectureError)]
    assert (sum(o.ok for o in outcomes), len(refused)) == (1, 3), outcomes
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
    outcomes = requests_at_once(shared_app, operations.send_reminders, [()] * 3)
    assert all(o.ok for o in outcomes), outcomes
    sent = [o.value for o in outcomes]
    assert sum(sent) == len(user_ids)
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == len(user_ids)


@pytest.mark.concurrency
def test_a_replay_view_counts_though_another_request_committed_while_the_page_read(shared_app):
    """On SQLite a GET that has read cannot take the write lock once another request has
    committed since: the view is inserted in a transaction of its own, which waits instead."""
    from courses import views
    from courses.models import ReplayView

    lecture_id, _ = _setup(shared_app, users=0, starts_in=-timedelta(days=2))
    with shared_app.test_request_context(f"/lectures/{lecture_id}"):
        lecture = db.session.get(Lecture, lecture_id)  # the page's reads
        with db.engine.connect() as other:  # another visitor's view, committed meanwhile
            other.execute(insert(ReplayView).values(lecture_id=lecture_id, viewed_dt=utcnow()))
            other.commit()
        views._count_replay_view(lecture)
        db.session.remove()
    with shared_app.app_context():
        assert operations.replay_count(db.session.get(Lecture, lecture_id)) == 2
