"""iCalendar (RFC 5545) invitations for a check-up: CRLF lines folded at 75 octets, text escaped."""

from datetime import datetime

from portal.checkups.models import Checkup, Mode, Status
from portal.core.db import utcnow


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 §3.3.11: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value: quoted, with the characters a quoted value may not hold removed."""
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets per physical line, never splitting a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = 75 if not out else 74  # continuation lines start with one space
        if len(current) + len(encoded) > limit:
            out.append(current)
            current = b""
        current += encoded
    out.append(current)
    return "\r\n ".join(part.decode("utf-8") for part in out)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def invitation(checkup: Checkup, *, host: str, url: str, now: datetime | None = None) -> str:
    location = checkup.address if checkup.mode == Mode.onsite else checkup.meeting_url
    lawyers = "、".join(lawyer.name for lawyer in checkup.lawyers)
    description = f"法治体检 / Legal check-up\n律师 / Lawyers: {lawyers}\n{url}"
    if checkup.mode == Mode.online:
        description += f"\n会议链接 / Meeting: {checkup.meeting_url}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Enterprise Legal Services//Checkups//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:checkup-{checkup.id}@{host}",
        f"SEQUENCE:{checkup.sequence}",
        f"DTSTAMP:{_utc(now or utcnow())}",
        f"DTSTART:{_utc(checkup.start_dt)}",
        f"DTEND:{_utc(checkup.end_dt)}",
        f"SUMMARY:{escape_text(f'法治体检：{checkup.enterprise.name}')}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "STATUS:" + ("CANCELLED" if checkup.status == Status.cancelled else "CONFIRMED"),
    ]
    for lawyer in checkup.lawyers:
        lines.append(
            f"ATTENDEE;CN={_param(lawyer.name)};ROLE=REQ-PARTICIPANT:mailto:{lawyer.email}"
        )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
