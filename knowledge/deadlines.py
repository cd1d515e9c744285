"""Deadlines in working days, counted on the Beijing calendar while times are stored in UTC."""

from datetime import datetime

from portal.core.clock import local_date
from portal.core.workdays import add_working_days_local, working_days_between

__all__ = ["add_working_days_local", "deadline_for", "local_date", "working_days_left"]


def deadline_for(submitted_utc: datetime, days: int) -> datetime:
    return add_working_days_local(submitted_utc, days)


def working_days_left(deadline_utc: datetime, now_utc: datetime) -> int:
    """Working days from now until the deadline (negative: overdue by that many)."""
    start, end = local_date(now_utc), local_date(deadline_utc)
    if end >= start:
        return working_days_between(start, end)
    return -working_days_between(end, start)
