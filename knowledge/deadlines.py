"""Deadlines in working days, counted on the Shanghai calendar while times are stored in UTC."""

from datetime import date, datetime, timedelta

from portal.core.workdays import add_working_days, working_days_between

SHANGHAI = timedelta(hours=8)


def local_date(moment_utc: datetime) -> date:
    return (moment_utc + SHANGHAI).date()


def add_working_days_local(moment_utc: datetime, days: int) -> datetime:
    """`days` working days after a UTC moment, counting days as they fall in Shanghai."""
    return add_working_days(moment_utc + SHANGHAI, days) - SHANGHAI


def deadline_for(submitted_utc: datetime, days: int) -> datetime:
    return add_working_days_local(submitted_utc, days)


def working_days_left(deadline_utc: datetime, now_utc: datetime) -> int:
    """Working days from now until the deadline (negative: overdue by that many)."""
    start, end = local_date(now_utc), local_date(deadline_utc)
    if end >= start:
        return working_days_between(start, end)
    return -working_days_between(end, start)
