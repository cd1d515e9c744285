"""Lecture statistics: lectures held, registrations, attendance and replays viewed, by month."""

from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from courses.models import Attendance, Lecture, LectureStatus, Registration, ReplayView
from portal.core import cache, clock
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


# How long the statistics page's figures are kept in the short shared cache (seconds), as the
# dashboard keeps its sections: they count every registration, attendance and replay view of
# the year (four GROUP BY statements over ~100,000 rows at scale 1, some 30 ms). No write drops
# them: a registration, attendance or replay view shows within this time.
FIGURES_TTL = 60


def year_figures(year: int) -> dict:
    """The statistics page's figures for a Beijing calendar year, kept FIGURES_TTL seconds:
    rows by month, their totals, and the ten best attended published lectures as
    [id, title, firms attending]. Nothing in them is translated."""

    def compute():
        start, end = year_bounds(year)
        rows = by_month(start, end)
        # Each measure's rows fall in exactly one month (_local_month), so the months add up
        # to what totals() counts with one statement more.
        sums = {name: sum(row[name] for row in rows) for name in MEASURES}
        top = db.session.execute(
            select(Lecture.id, Lecture.title, func.count(Attendance.id))
            .outerjoin(Attendance, Attendance.lecture_id == Lecture.id)
            .where(Lecture.starts_dt >= start, Lecture.starts_dt < end)
            .where(Lecture.status == LectureStatus.published)
            .group_by(Lecture.id)
            .order_by(func.count(Attendance.id).desc(), Lecture.starts_dt)
            .limit(10)
        ).all()
        return {"rows": rows, "totals": sums, "top": [list(row) for row in top]}

    return cache.get_or_set(f"stats:lectures:{year}", FIGURES_TTL, compute)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A Beijing-time calendar year as naive UTC bounds."""
    return clock.days_bounds_utc(date(year, 1, 1), date(year, 12, 31))
