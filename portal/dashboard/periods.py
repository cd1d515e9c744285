"""Reporting periods: local (Asia/Shanghai) calendar dates turned into naive UTC bounds."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    return datetime.now(LOCAL).date()


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def to_utc(day: date) -> datetime:
    """Local midnight at the start of `day`, as the naive UTC datetime the database stores."""
    return datetime.combine(day, time(), LOCAL).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@dataclass(frozen=True)
class Period:
    first: date  # first local day, inclusive
    last: date  # last local day, inclusive

    @property
    def start(self) -> datetime:
        return to_utc(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive: local midnight after the last day."""
        return to_utc(self.last + timedelta(days=1))

    @property
    def slug(self) -> str:
        if (self.first, self.last) == month_bounds(self.first):
            return self.first.strftime("%Y-%m")
        return f"{self.first.isoformat()}_{self.last.isoformat()}"
