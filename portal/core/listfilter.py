"""The period and chamber a list is narrowed to, as the statistics page links to it.

A figure on the dashboard links to the list behind it with `?start=YYYY-MM-DD&end=YYYY-MM-DD`
(Beijing days, both inclusive) and `&chamber=<id>`; each list applies them to its own date
column and its own way of belonging to a chamber, and shows what it is narrowed to
(templates/_list_filter.html) with a link back to the whole list. Anything unreadable is
ignored: the list is then simply not narrowed by it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import request
from sqlalchemy import select

from portal.core import clock
from portal.core.db import db

MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class ListFilter:
    first: date | None = None
    last: date | None = None
    chamber: object | None = None  # a portal.accounts.models.Chamber

    @property
    def active(self) -> bool:
        return bool(self.first or self.chamber)

    @property
    def bounds(self) -> tuple[datetime, datetime] | None:
        """[start, end) as naive UTC, or None when no period was chosen."""
        if not self.first:
            return None
        return clock.days_bounds_utc(self.first, self.last)

    @property
    def chamber_id(self) -> int | None:
        return self.chamber.id if self.chamber is not None else None

    def args(self) -> dict:
        """The query arguments that give this filter (for url_for)."""
        out = {}
        if self.first:
            out["start"] = self.first.isoformat()
            out["end"] = self.last.isoformat()
        if self.chamber is not None:
            out["chamber"] = self.chamber.id
        return out

    def in_period(self, stmt, column):
        """stmt narrowed to rows whose `column` (naive UTC) falls in the period."""
        if self.bounds is None:
            return stmt
        start, end = self.bounds
        return stmt.where(column >= start, column < end)

    def enterprise_ids(self):
        """A subquery of the chamber's member firms (None when no chamber was chosen)."""
        from portal.accounts.models import enterprise_chambers

        if self.chamber is None:
            return None
        return select(enterprise_chambers.c.enterprise_id).where(
            enterprise_chambers.c.chamber_id == self.chamber.id
        )

    def of_chamber_firms(self, stmt, column):
        """stmt narrowed to rows whose firm (`column`, an enterprise id) is in the chamber."""
        ids = self.enterprise_ids()
        return stmt if ids is None else stmt.where(column.in_(ids))


def chamber_by_id(chamber_id) -> object | None:
    from portal.accounts.models import Chamber

    if not isinstance(chamber_id, int) or not 0 < chamber_id < 2**31:
        return None
    return db.session.get(Chamber, chamber_id)


def make_filter(first: date | None, last: date | None, chamber_id: int | None) -> ListFilter:
    if not (first and last) or last < first or (last - first).days > MAX_DAYS:
        first = last = None
    return ListFilter(first, last, chamber_by_id(chamber_id))


def from_request() -> ListFilter:
    args = request.args
    chamber = args.get("chamber", "")
    return make_filter(
        clock.parse_day(args.get("start")),
        clock.parse_day(args.get("end")),
        int(chamber) if chamber.isdigit() and len(chamber) < 10 else None,
    )
