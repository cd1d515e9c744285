"""Lecture statistics: lectures held, registrations, attendance and replays viewed, by month."""

from datetime import date, datetime

from sqlalchemy import select

from courses.models import Attendance, Lecture, LectureStatus, Registration, ReplayView
from portal.core import clock
from portal.core.db import db, utcnow

MEASURES = ("lectures_held", "registrations", "attendance", "replays_viewed")


def _month(dt: datetime) -> str:
    """Months are counted in Beijing time, as the federation reports them."""
    return clock.format_local(dt, "%Y-%m")


def _rows(start: datetime, end: datetime):
    now = utcnow()
    held = db.session.scalars(
        select(Lecture.starts_dt).where(
            Lecture.status == LectureStatus.published,
            Lecture.starts_dt >= start,
            Lecture.starts_dt < end,
            Lecture.starts_dt <= now,
        )
    ).all()
    registrations = db.session.scalars(
        select(Registration.created_dt).where(
            Registration.created_dt >= start, Registration.created_dt < end
        )
    ).all()
    # Attendance counts in the month the lecture took place.
    attendance = db.session.scalars(
        select(Lecture.starts_dt)
        .join(Attendance, Attendance.lecture_id == Lecture.id)
        .where(Lecture.starts_dt >= start, Lecture.starts_dt < end)
    ).all()
    replays = db.session.scalars(
        select(ReplayView.viewed_dt).where(
            ReplayView.viewed_dt >= start, ReplayView.viewed_dt < end
        )
    ).all()
    return {
        "lectures_held": held,
        "registrations": registrations,
        "attendance": attendance,
        "replays_viewed": replays,
    }


def totals(start: datetime, end: datetime) -> dict:
    """The dashboard's view (registered with add_stats): counts for [start, end), naive UTC."""
    return {name: len(values) for name, values in _rows(start, end).items()}


def by_month(start: datetime, end: datetime) -> list[dict]:
    """[{"month": "2026-05", "lectures_held": n, ...}, ...] for every month with any activity."""
    months: dict[str, dict] = {}
    for name, values in _rows(start, end).items():
        for value in values:
            row = months.setdefault(_month(value), dict.fromkeys(MEASURES, 0))
            row[name] += 1
    return [{"month": month, **months[month]} for month in sorted(months)]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A Beijing-time calendar year as naive UTC bounds."""
    return clock.days_bounds_utc(date(year, 1, 1), date(year, 12, 31))
