"""The online law month demo: 16 lectures with notes, transcripts of those held, loaded once."""

from sqlalchemy import func, select

from courses.demo import SERIES_TITLE, load_demo
from courses.models import Attendance, Lecture, LectureSeries, LectureStatus, Registration
from portal.core.db import db, utcnow
from portal.demo import load_core


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (LectureSeries, Lecture, Registration, Attendance)
    )


def test_demo_month_loads_once(app):
    load_core(app)
    load_demo(app)
    first = _counts()
    load_demo(app)
    assert _counts() == first
    series = db.session.scalar(select(LectureSeries).where(LectureSeries.title == SERIES_TITLE))
    lectures = series.lectures
    assert len(lectures) == 16
    assert all(lecture.status == LectureStatus.published for lecture in lectures)
    held = [lecture for lecture in lectures if lecture.ends_dt <= utcnow()]
    ahead = [lecture for lecture in lectures if lecture.starts_dt > utcnow()]
    assert held and ahead
    assert all(10 <= len(lecture.cues) <= 20 for lecture in held)
    assert not any(lecture.cues for lecture in ahead)  # no transcript before the lecture
    assert all("[[" in lecture.notes for lecture in lectures)
    assert sum(1 for lecture in lectures if lecture.speaker is not None) >= 14
    assert first[2] > 0 and first[3] > 0
