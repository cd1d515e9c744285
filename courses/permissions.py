"""Who may see and do what in courses."""

from portal.core.permissions import (
    acts_for_firm,
    is_staff,
    is_verified_enterprise_user,
    is_verified_lawyer,
)


def is_speaker(user, lecture) -> bool:
    return bool(
        user
        and user.is_authenticated
        and lecture.speaker_id is not None
        and lecture.speaker_id == user.id
    )


def can_view_lecture(user, lecture) -> bool:
    return lecture.is_published or is_staff(user) or is_speaker(user, lecture)


def can_manage_lectures(user) -> bool:
    """Create lectures and series, publish, import attendance, see statistics."""
    return is_staff(user)


def can_edit_lecture(user, lecture) -> bool:
    return is_staff(user) or (is_verified_lawyer(user) and is_speaker(user, lecture))


def can_change_status(user, lecture) -> bool:
    return is_staff(user)


def can_see_checkin_code(user, lecture) -> bool:
    return is_staff(user) or is_speaker(user, lecture)


def can_register(user, lecture, now=None) -> bool:
    """Verified enterprise users, for a published lecture that has not started yet."""
    from courses.models import Phase

    return (
        is_verified_enterprise_user(user)
        and lecture.is_published
        and lecture.phase(now) == Phase.upcoming
    )


def can_check_in(user, lecture, now=None) -> bool:
    return is_verified_enterprise_user(user) and lecture.checkin_open(now)


def can_manage_attendance(user, lecture) -> bool:
    return is_staff(user)


def can_view_attendance(user, lecture) -> bool:
    return is_staff(user) or is_speaker(user, lecture)


def can_view_certificate(user, lecture, enterprise) -> bool:
    if is_staff(user):
        return True
    return bool(acts_for_firm(user, enterprise.id) and can_view_lecture(user, lecture))


def can_view_stats(user) -> bool:
    return is_staff(user)


def in_public_calendar():
    """SQL condition: what the public calendar feed lists. Published lectures, and cancelled
    ones that had been published (subscribed calendars must drop them); never a draft, nor a
    lecture cancelled before it was ever published."""
    from sqlalchemy import and_, exists, or_

    from courses.models import Lecture, LectureHistory, LectureStatus

    was_published = exists().where(
        LectureHistory.lecture_id == Lecture.id,
        LectureHistory.to_status == LectureStatus.published.value,
    )
    return or_(
        Lecture.status == LectureStatus.published,
        and_(Lecture.status == LectureStatus.cancelled, was_published),
    )
