"""Lecture statistics: lectures held, registrations, attendance and replays viewed, by month."""

from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from courses.models import Attendance, Lecture, LectureStatus, Registration, ReplayView
from portal.core import clock
from portal.core.db import db, utcnow

MEASURES = ("lectures_held", "registrations", "attendance", "replays_viewed")


def _measures(start: datetime, end: datetime) -> dict:
    """Each measure's (date column, SELECT ... FROM ... WHERE) in [start, end)."""
    held = select(Lecture.starts_dt).where(
        Lecture.status == LectureStatus.published,
        Lecture.starts_dt >= start,
        Lecture.starts_dt < end,
        Lecture.starts_dt <= utcnow(),
    )
    registrations = select(Registration.created_dt).where(
        Registration.created_dt >= start, Registration.created_dt < end
    )
    # Attendance counts in the month the lecture took place.
    attendance = (
        select(Lecture.starts_dt)
        .select_from(Attendance)
        .join(Lecture, Attendance.lecture_id == Lecture.id)
        .where(Lecture.starts_dt >= start, Lecture.starts_dt < end)
    )
    replays = select(ReplayView.viewed_dt).where(
        ReplayView.viewed_dt >= start, ReplayView.viewed_dt < end
    )
    return {
        "lectures_held": (Lecture.starts_dt, held),
        "registrations": (Registration.created_dt, registrations),
        "attendance": (Lecture.starts_dt, attendance),
        "replays_viewed": (ReplayView.viewed_dt, replays),
    }


def totals(start: datetime, end: datetime) -> dict:
    """The dashboard's view (registered with add_stats): counts for [start, end), naive UTC,
    in one statement."""
    measures = _measures(start, end)
    counts = [
        stmt.with_only_columns(func.count()).scalar_subquery()
        for _column, stmt in measures.values()
    ]
    row = db.session.execute(select(*counts)).one()
    return {name: int(count or 0) for name, count in zip(measures, row, strict=True)}


def _local_month(column, start: datetime, end: datetime):
    """SQL CASE: the Beijing month ("2026-05") of a naive UTC column within [start, end),
    from the local months' UTC bounds (months are counted in Beijing time, as the federation
    reports them; no dialect's date functions)."""
    month = clock.to_local(start).date().replace(day=1)
    last = clock.to_local(end).date().replace(day=1)
    whens = []
    while month <= last:
        whens.append((column < clock.month_bounds_utc(month)[1], f"{month:%Y-%m}"))
        month = (month + timedelta(days=32)).replace(day=1)
    return case(*whens, else_=f"{last:%Y-%m}")


def by_month(start: datetime, end: datetime) -> list[dict]:
    """[{"month": "2026-05", "lectures_held": n, ...}, ...] for every month with any activity:
    one GROUP BY statement per measure."""
    months: dict[str, dict] = {}
    for name, (column, stmt) in _measures(start, end).items():
        month = _local_month(column, start, end)
        for key, count in db.session.execute(
            stmt.with_only_columns(month, func.count()).group_by(month)
        ):
            row = months.setdefault(key, dict.fromkeys(MEASURES, 0))
            row[name] += count
    return [{"month": month, **months[month]} for month in sorted(months)]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A Beijing-time calendar year as naive UTC bounds."""
    return clock.days_bounds_utc(date(year, 1, 1), date(year, 12, 31))
