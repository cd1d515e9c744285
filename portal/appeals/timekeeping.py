"""The appeals' clock and working-day deadlines, in small functions the house clock can replace."""

from datetime import date, datetime, timedelta

from flask import current_app

from portal.core.db import utcnow
from portal.core.workdays import WorkCalendar, add_working_days

# Working days allowed for the step that starts when an item enters a status, per tier.
# Overridden by the APPEALS_DEADLINES setting ({tier: {status: days}}); tier 0 = not triaged yet.
DEFAULT_DEADLINES = {
    0: {"referred": 5},
    1: {"triaged": 3, "distributed": 3, "accepted": 10, "returned": 3, "reopened": 5,
        "handled": 3, "reported_back": 5, "revisited": 10},
    2: {"triaged": 5, "distributed": 3, "accepted": 30, "returned": 3, "reopened": 10,
        "handled": 5, "reported_back": 5, "revisited": 10},
    3: {"triaged": 3, "distributed": 2, "accepted": 20, "returned": 2, "reopened": 5,
        "handled": 3, "reported_back": 5, "revisited": 10},
}  # fmt: skip


def now() -> datetime:
    return utcnow()


def today() -> date:
    return date.today()


def step_days(tier: int | None, status: str) -> int | None:
    configured = current_app.config.get("APPEALS_DEADLINES") or {}
    for table in (configured, DEFAULT_DEADLINES):
        days = (table.get(tier or 0) or table.get(str(tier or 0)) or {}).get(str(status))
        if days is not None:
            return int(days)
    return None


def due_date(tier: int | None, status: str, start: datetime | None = None) -> date | None:
    """The deadline of the step starting now, counted in working days; None when untimed."""
    days = step_days(tier, status)
    if days is None:
        return None
    return add_working_days(start or now(), days).date()


def next_working_day(day: date) -> date:
    """A deadline that falls on a weekend or holiday moves to the next working day."""
    calendar = WorkCalendar(day, day + timedelta(days=30))
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def epoch_seconds() -> int:
    """Unix time, for webhook timestamps."""
    import time

    return int(time.time())
