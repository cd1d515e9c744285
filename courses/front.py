"""Law lectures on the public front page: the next published lectures."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from courses.models import Lecture, LectureStatus
from portal.core.db import db, utcnow
from portal.core.i18n import format_moment


def upcoming_lectures():
    lectures = db.session.scalars(
        select(Lecture)
        .where(Lecture.status == LectureStatus.published, Lecture.starts_dt >= utcnow())
        .order_by(Lecture.starts_dt)
        .limit(4)
    ).all()
    return {
        "title": _("Upcoming lectures"),
        "items": [
            (
                lecture.title,
                url_for("courses.lecture", lecture_id=lecture.id),
                format_moment(lecture.starts_dt, "long"),
            )
            for lecture in lectures
        ],
        "empty": _("No lectures are scheduled at the moment; past lectures can be replayed."),
        "link": (_("Lecture library"), url_for("courses.index")),
    }
