"""Working days: official holidays and make-up days, staff overrides, weekends-only fallback."""

import logging
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
from sqlalchemy import extract, select

from portal.core import clock
from portal.core.db import db

logger = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: date, end: date) -> dict[date, bool]:
    from portal.core.models import CalendarDay

    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.day.between(start, end))
    )
    return {day: is_workday for day, is_workday in rows}


def years_with_entries() -> set[int]:
    from portal.core.models import CalendarDay

    return {int(y) for y in db.session.scalars(select(extract("year", CalendarDay.day)).distinct())}


def year_is_known(year: int) -> bool:
    """True when the package or staff entries cover the year; else only weekends are skipped."""
    return _package_knows(year) or year in years_with_entries()


class WorkCalendar:
    """Answers is_workday for a span of dates with one query for the staff overrides."""

    def __init__(self, start: date, end: date):
        self.overrides = _overrides(start, end)
        self.missing_years: set[int] = set()

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        self.missing_years.add(day.year)
        return day.weekday() < 5


def is_workday(day: date) -> bool:
    return WorkCalendar(day, day).is_workday(day)


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start` (same time of day, on a working day)."""
    calendar = WorkCalendar(start.date(), start.date() + timedelta(days=days * 3 + 30))
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if calendar.is_workday(current.date()):
            remaining -= 1
    return current


def add_working_days_local(moment_utc: datetime, days: int) -> datetime:
    """`days` working days after a stored (naive UTC) moment, counting the days as they fall on
    the Beijing calendar; the result is naive UTC at the same Beijing time of day."""
    return clock.local_to_utc(add_working_days(clock.to_local_naive(moment_utc), days))


def due_date_local(moment_utc: datetime, days: int) -> date:
    """The Beijing date `days` working days after a stored (naive UTC) moment."""
    return add_working_days(clock.to_local_naive(moment_utc), days).date()


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = WorkCalendar(start, end)
    return sum(
        calendar.is_workday(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
    )


def missing_calendar_years(*years: int) -> list[int]:
    """Years among `years` for which nobody knows the holidays: staff are warned about these."""
    return sorted({y for y in years if not year_is_known(y)})
