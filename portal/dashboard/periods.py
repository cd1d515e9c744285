"""Reporting periods: local (Beijing) calendar dates turned into naive UTC bounds."""

from dataclasses import dataclass
from datetime import date, datetime

from portal.core import clock

local_today = clock.today
month_bounds = clock.month_days
to_utc = clock.day_start_utc


@dataclass(frozen=True)
class Period:
    first: date  # first local day, inclusive
    last: date  # last local day, inclusive

    @property
    def start(self) -> datetime:
        return clock.days_bounds_utc(self.first, self.last)[0]

    @property
    def end(self) -> datetime:
        """Exclusive: local midnight after the last day."""
        return clock.days_bounds_utc(self.first, self.last)[1]

    @property
    def slug(self) -> str:
        if (self.first, self.last) == clock.month_days(self.first):
            return self.first.strftime("%Y-%m")
        return f"{self.first.isoformat()}_{self.last.isoformat()}"
