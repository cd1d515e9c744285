"""Working-day deadlines of the appeal steps, on the Beijing calendar (portal.core.clock and
portal.core.workdays do the time; this module only knows how many days each step gets)."""

from datetime import date, datetime, timedelta

from flask import current_app

from portal.core import clock
from portal.core.workdays import WorkCalendar, due_date_local

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


def step_days(tier: int | None, status: str) -> int | None:
    configured = current_app.config.get("APPEALS_DEADLINES") or {}
    for table in (configured, DEFAULT_DEADLINES):
        days = (table.get(tier or 0) or table.get(str(tier or 0)) or {}).get(str(status))
        if days is not None:
            return int(days)
    return None


def due_date(tier: int | None, status: str, start: datetime | None = None) -> date | None:
    """The Beijing date by which the step starting at `start` (naive UTC; default now) is due,
    counted in working days on the Beijing calendar; None when the step is untimed."""
    days = step_days(tier, status)
    if days is None:
        return None
    return due_date_local(start or clock.now_utc(), days)


def next_working_day(day: date) -> date:
    """A deadline that falls on a weekend or holiday moves to the next working day."""
    calendar = WorkCalendar(day, day + timedelta(days=30))
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day
