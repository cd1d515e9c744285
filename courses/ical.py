"""iCalendar text for lectures (the writer itself is portal.core.ical)."""

from portal.core import ical

PRODID = "-//City Federation of Industry and Commerce//Law lectures//ZH"


def calendar(events, *, name: str = "") -> str:
    return ical.calendar(events, prodid=PRODID, name=name)
