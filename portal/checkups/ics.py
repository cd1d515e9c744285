"""iCalendar invitations for a check-up (the writer itself is portal.core.ical)."""

from datetime import datetime

from portal.checkups.models import Checkup, Mode, Status
from portal.core.db import utcnow
from portal.core.ical import calendar

PRODID = "-//Enterprise Legal Services//Checkups//ZH"


def invitation(checkup: Checkup, *, host: str, url: str, now: datetime | None = None) -> str:
    location = checkup.address if checkup.mode == Mode.onsite else checkup.meeting_url
    lawyers = "、".join(lawyer.name for lawyer in checkup.lawyers)
    description = f"法治体检 / Legal check-up\n律师 / Lawyers: {lawyers}\n{url}"
    if checkup.mode == Mode.online:
        description += f"\n会议链接 / Meeting: {checkup.meeting_url}"
    event = {
        "uid": f"checkup-{checkup.id}@{host}",
        "sequence": checkup.sequence,
        "dtstamp": now or utcnow(),
        "start": checkup.start_dt,
        "end": checkup.end_dt,
        "summary": f"法治体检：{checkup.enterprise.name}",
        "location": location,
        "description": description,
        "url": url,
        "status": "CANCELLED" if checkup.status == Status.cancelled else "CONFIRMED",
        "attendees": [(lawyer.name, lawyer.email) for lawyer in checkup.lawyers],
    }
    return calendar([event], prodid=PRODID)
