"""Cards on the home page and how other packages describe a lecture they link to."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from courses.models import Lecture, LectureStatus, Registration
from portal.accounts.models import Role
from portal.core.db import db, utcnow
from portal.core.i18n import format_moment


def registered_lectures(user):
    """Enterprise users: the upcoming lectures they registered for."""
    if user.role != Role.enterprise:
        return None
    lectures = db.session.scalars(
        select(Lecture)
        .join(Registration, Registration.lecture_id == Lecture.id)
        .where(
            Registration.user_id == user.id,
            Lecture.status == LectureStatus.published,
            Lecture.starts_dt > utcnow(),
        )
        .order_by(Lecture.starts_dt)
        .limit(5)
    ).all()
    return {
        "title": _("My upcoming lectures"),
        "items": [
            (
                f"{format_moment(lecture.starts_dt, 'long')} · {lecture.title}",
                url_for("courses.lecture", lecture_id=lecture.id),
            )
            for lecture in lectures
        ],
        "empty": _("You have not registered for an upcoming lecture."),
        "link": (_("Lecture schedule"), url_for("courses.schedule")),
    }


def speaker_lectures(user):
    """Lawyers who give lectures: their next ones."""
    if user.role != Role.lawyer:
        return None
    lectures = db.session.scalars(
        select(Lecture)
        .where(Lecture.speaker_id == user.id, Lecture.starts_dt > utcnow())
        .order_by(Lecture.starts_dt)
        .limit(5)
    ).all()
    if not lectures:
        return None
    return {
        "title": _("My lectures as speaker"),
        "items": [
            (
                f"{format_moment(lecture.starts_dt, 'long')} · {lecture.title}",
                url_for("courses.lecture", lecture_id=lecture.id),
            )
            for lecture in lectures
        ],
        "empty": "",
        "link": (_("Manage my lectures"), url_for("courses.manage")),
    }


def describe_lecture(lecture_id):
    lecture = db.session.get(Lecture, lecture_id)
    if lecture is None:
        return None
    return lecture.title, url_for("courses.lecture", lecture_id=lecture.id)
