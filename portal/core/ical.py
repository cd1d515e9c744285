"""iCalendar (RFC 5545) text: CRLF lines folded at 75 octets, escaped text, UTC times.

Used for lecture invitations and feeds and for check-up invitations.
"""

from datetime import datetime

from portal.core import clock


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def quote_param(value: str) -> str:
    """A parameter value: quoted, with the characters a quoted value may not hold replaced."""
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def format_utc(dt: datetime) -> str:
    """Our datetimes are naive UTC; iCalendar's UTC form ends in Z."""
    return dt.strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF + space (3.1),
    never splitting a multi-byte UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def event_lines(event: dict) -> list[str]:
    """event: uid, dtstamp, start, end, summary, and optionally description, location, url,
    status, sequence, attendees (a list of (name, email))."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event['uid']}",
        f"DTSTAMP:{format_utc(event['dtstamp'])}",
        f"DTSTART:{format_utc(event['start'])}",
        f"DTEND:{format_utc(event['end'])}",
        f"SEQUENCE:{int(event.get('sequence') or 0)}",
        f"SUMMARY:{escape_text(event['summary'])}",
    ]
    if event.get("description"):
        lines.append(f"DESCRIPTION:{escape_text(event['description'])}")
    if event.get("location"):
        lines.append(f"LOCATION:{escape_text(event['location'])}")
    if event.get("url"):
        lines.append(f"URL:{event['url']}")
    lines.append(f"STATUS:{event.get('status') or 'CONFIRMED'}")
    for name, email in event.get("attendees", ()):
        lines.append(f"ATTENDEE;CN={quote_param(name)};ROLE=REQ-PARTICIPANT:mailto:{email}")
    lines.append("END:VEVENT")
    return lines


def calendar(events, *, prodid: str, name: str = "") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
        lines.append(f"X-WR-TIMEZONE:{clock.TIMEZONE_NAME}")
    for event in events:
        lines.extend(event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
