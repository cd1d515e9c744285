"""The one clock: times are stored as naive UTC and people live in Beijing time (Asia/Shanghai).

This is the only module that knows the time zone. Everything else asks it for "now", "today",
the UTC bounds of a local day or month, or a local rendering of a stored time. Tests freeze it
with `frozen(at)` (also used by the demo loaders to tell a past story).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TIMEZONE_NAME = "Asia/Shanghai"
LOCAL_ZONE = ZoneInfo(TIMEZONE_NAME)

_frozen: list[datetime] = []


# --- now -----------------------------------------------------------------------------------


def now_utc() -> datetime:
    """Naive UTC: what the database stores."""
    if _frozen:
        return _frozen[-1]
    return datetime.now(UTC).replace(tzinfo=None)


def now_local() -> datetime:
    """Beijing wall-clock time now (aware)."""
    return to_local(now_utc())


def today() -> date:
    """Today's date in Beijing (already tomorrow from 16:00 UTC)."""
    return now_local().date()


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Stop the clock at `at` (naive UTC, or aware in any zone) inside the block."""
    at = as_utc(at)
    _frozen.append(at)
    try:
        yield at
    finally:
        _frozen.pop()


# --- building and converting moments --------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """An aware datetime (any zone) as naive UTC; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc(*args: int) -> datetime:
    """`utc(2026, 4, 1, 1, 30)`: a naive UTC datetime (what the database stores)."""
    return datetime(*args, tzinfo=UTC).replace(tzinfo=None)


def local(*args: int) -> datetime:
    """`local(2026, 4, 1, 1, 30)`: that Beijing wall-clock time as naive UTC."""
    return datetime(*args, tzinfo=LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def to_local(moment_utc: datetime) -> datetime:
    """Naive UTC (as stored) -> aware Beijing time."""
    return moment_utc.replace(tzinfo=UTC).astimezone(LOCAL_ZONE)


def to_local_naive(moment_utc: datetime) -> datetime:
    """Naive UTC -> naive Beijing wall-clock time (for form fields and calendars)."""
    return to_local(moment_utc).replace(tzinfo=None)


def local_to_utc(wall_clock: datetime) -> datetime:
    """A naive Beijing wall-clock time (what people type) -> naive UTC (what we store)."""
    return wall_clock.replace(tzinfo=LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def combine_local(day: date, at: time) -> datetime:
    """A Beijing date and time of day as naive UTC."""
    return datetime.combine(day, at, LOCAL_ZONE).astimezone(UTC).replace(tzinfo=None)


def local_date(moment_utc: datetime) -> date:
    """The Beijing calendar date of a stored (naive UTC) moment."""
    return to_local(moment_utc).date()


# --- local days and months as UTC bounds ----------------------------------------------------


def day_start_utc(day: date) -> datetime:
    """Beijing midnight at the start of `day`, as naive UTC."""
    return combine_local(day, time())


def day_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """[start, end) of one Beijing day as naive UTC."""
    return day_start_utc(day), day_start_utc(day + timedelta(days=1))


def days_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) of the Beijing days first..last (both included) as naive UTC."""
    return day_start_utc(first), day_start_utc(last + timedelta(days=1))


def month_days(day: date) -> tuple[date, date]:
    """First and last date of the month that holds `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def month_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """[start, end) of the Beijing month that holds `day`, as naive UTC."""
    return days_bounds_utc(*month_days(day))


def dates_of(start_utc: datetime, end_utc: datetime) -> tuple[date, date]:
    """Inverse of days_bounds_utc: the Beijing days (first, last included) that [start, end)
    covers. The end is exclusive, so the last day is the one before the end's date."""
    return local_date(start_utc), local_date(end_utc) - timedelta(days=1)


# --- reading periods ------------------------------------------------------------------------


def parse_month(text: str | None) -> date | None:
    """'2026-03' -> date(2026, 3, 1); None for anything else (empty, malformed, out of range)."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        first = date(year, month, 1)
        month_days(first)  # the month's end must exist too (refuses 9999-12)
    except (ValueError, OverflowError):
        return None
    return first


def parse_day(text: str | None) -> date | None:
    """'2026-03-31' -> that date; None for anything else."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


# --- formatting -----------------------------------------------------------------------------


def format_local(moment_utc: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time written in Beijing time ('' for None)."""
    if moment_utc is None:
        return ""
    return to_local(moment_utc).strftime(pattern)


def stamp(pattern: str = "%Y%m%d") -> str:
    """Today's (or now's) Beijing date for file names: checkups-20261201.xlsx."""
    return now_local().strftime(pattern)
