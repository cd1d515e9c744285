"""Registration rules, reminders (once, within 24 hours) and the enterprise home card."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from courses import operations
from courses.models import LectureStatus, Registration
from portal.accounts.models import Verification
from portal.core.db import db
from portal.notifications.models import Notification


def _registered(lecture, user):
    return operations.registration_of(lecture, user) is not None


def test_verified_enterprise_user_registers_once(
    client, login, dummy_enterprise_user, dummy_lecture
):
    login(dummy_enterprise_user)
    response = client.post(f"/lectures/{dummy_lecture.id}/register")
    assert response.status_code == 302
    assert _registered(dummy_lecture, dummy_enterprise_user)
    client.post(f"/lectures/{dummy_lecture.id}/register")
    count = db.session.scalar(
        select(db.func.count())
        .select_from(Registration)
        .where(Registration.lecture_id == dummy_lecture.id)
    )
    assert count == 1
    client.post(f"/lectures/{dummy_lecture.id}/unregister")
    assert not _registered(dummy_lecture, dummy_enterprise_user)


def test_unverified_firm_cannot_register(create_enterprise, create_enterprise_user, dummy_lecture):
    user = create_enterprise_user(enterprise=create_enterprise(verification=Verification.pending))
    with pytest.raises(operations.LectureError):
        operations.register(dummy_lecture, user)


@pytest.mark.parametrize("role", ["lawyer", "staff", "mediator"])
def test_only_enterprise_users_register(client, login, create_user, dummy_lecture, role):
    user = create_user(role)
    login(user)
    client.post(f"/lectures/{dummy_lecture.id}/register")
    assert not _registered(dummy_lecture, user)


@pytest.mark.parametrize(
    ("status", "starts_in"),
    [
        (LectureStatus.published, -timedelta(minutes=10)),  # already started
        (LectureStatus.published, -timedelta(days=3)),  # a replay
        (LectureStatus.cancelled, timedelta(days=3)),
    ],
)
def test_no_registration_once_started_or_cancelled(
    create_lecture, dummy_enterprise_user, status, starts_in
):
    lecture = create_lecture(status=status, starts_in=starts_in)
    with pytest.raises(operations.LectureError):
        operations.register(lecture, dummy_enterprise_user)


def test_anonymous_register_goes_to_login(client, dummy_lecture):
    response = client.post(f"/lectures/{dummy_lecture.id}/register")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_reminders_go_once_and_only_within_24_hours(create_lecture, create_enterprise_user):
    soon = create_lecture(starts_in=timedelta(hours=5))
    later = create_lecture(starts_in=timedelta(days=3))
    draft_soon = create_lecture(starts_in=timedelta(hours=5))
    users = [create_enterprise_user() for _ in range(3)]
    for user in users:
        operations.register(soon, user)
        operations.register(later, user)
        operations.register(draft_soon, user)
    operations.transition(draft_soon, LectureStatus.cancelled, _staff(users))
    db.session.flush()
    assert operations.send_reminders() == 3
    assert operations.send_reminders() == 0
    notes = db.session.scalars(select(Notification).where(Notification.user_id == users[0].id))
    reminders = [n for n in notes if soon.title in n.text and "cancelled" not in n.text.lower()]
    assert len(reminders) == 1
    assert all(r.reminded_dt is None for r in operations.registrations_of(later))


def _staff(users):
    from portal.accounts.models import Role, User

    return db.session.scalar(select(User).where(User.role == Role.staff)) or users[0]


def test_remind_command_is_idempotent(app, create_lecture, create_enterprise_user):
    lecture = create_lecture(starts_in=timedelta(hours=2))
    operations.register(lecture, create_enterprise_user())
    db.session.flush()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lectures", "remind"])
    second = runner.invoke(args=["lectures", "remind"])
    assert first.exit_code == 0 and "1 reminders sent" in first.output
    assert "0 reminders sent" in second.output


def test_home_shows_enterprise_their_upcoming_lectures(
    client, login, dummy_enterprise_user, create_lecture
):
    mine = create_lecture()
    other = create_lecture()
    operations.register(mine, dummy_enterprise_user)
    db.session.flush()
    login(dummy_enterprise_user)
    page = client.get("/").get_data(as_text=True)
    assert mine.title in page and other.title not in page


def test_schedule_offers_registration_to_verified_enterprise_users(
    client, login, dummy_enterprise_user, dummy_lecture
):
    register = f'action="/lectures/{dummy_lecture.id}/register"'
    assert register not in client.get("/lectures/schedule").get_data(as_text=True)
    login(dummy_enterprise_user)
    assert register in client.get("/lectures/schedule").get_data(as_text=True)
