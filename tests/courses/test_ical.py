"""iCalendar export: CRLF, folding, escaping, UID, DTSTAMP, DTSTART in UTC; the feed."""

from datetime import timedelta

from courses import ical
from courses.models import LectureStatus
from portal.core import clock
from portal.core.ical import escape_text


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_escaping():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    summary = "民法典合同编实务，" * 20
    text = ical.calendar(
        [
            {
                "uid": "lecture-1@example.com",
                "dtstamp": clock.utc(2026, 11, 1, 3, 0),
                "start": clock.utc(2026, 11, 1, 11, 30),
                "end": clock.utc(2026, 11, 1, 13, 0),
                "summary": summary,
            }
        ]
    )
    raw = text.encode("utf-8")
    assert text.endswith("\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a character
    lines = _unfold(text)
    assert "SUMMARY:" + escape_text(summary) in lines
    assert "DTSTART:20261101T113000Z" in lines
    assert "DTSTAMP:20261101T030000Z" in lines


def test_lecture_ics(client, create_lecture):
    lecture = create_lecture(title="建设工程款催收; 优先受偿, 实务", starts_in=timedelta(days=2))
    response = client.get(f"/lectures/{lecture.id}/lecture.ics")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    lines = _unfold(text)
    assert f"UID:lecture-{lecture.id}@localhost" in lines
    assert f"DTSTART:{lecture.starts_dt:%Y%m%dT%H%M%S}Z" in lines
    assert f"DTEND:{lecture.ends_dt:%Y%m%dT%H%M%S}Z" in lines
    assert "SUMMARY:建设工程款催收\\; 优先受偿\\, 实务" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert lines.count("BEGIN:VEVENT") == 1 and "END:VCALENDAR" in lines


def test_feed_lists_published_and_cancelled_never_drafts(client, create_lecture, dummy_staff):
    from courses import operations

    published = create_lecture()
    cancelled = create_lecture()  # published, then cancelled: subscribed calendars drop it
    operations.transition(cancelled, LectureStatus.cancelled, dummy_staff)
    draft = create_lecture(status=LectureStatus.draft)
    lines = _unfold(client.get("/lectures/calendar.ics").get_data(as_text=True))
    assert f"UID:lecture-{published.id}@localhost" in lines
    assert f"UID:lecture-{cancelled.id}@localhost" in lines
    assert f"UID:lecture-{draft.id}@localhost" not in lines
    assert "STATUS:CANCELLED" in lines


def test_a_draft_cancelled_before_publishing_never_reaches_the_public_feed(
    client, create_lecture, dummy_staff
):
    from courses import operations

    never_published = create_lecture(status=LectureStatus.draft, title="内部草稿讲座")
    operations.transition(never_published, LectureStatus.cancelled, dummy_staff)
    back_to_draft = create_lecture(title="撤回的讲座")
    operations.transition(back_to_draft, LectureStatus.draft, dummy_staff)
    text = _unfold(client.get("/lectures/calendar.ics").get_data(as_text=True))
    assert f"UID:lecture-{never_published.id}@localhost" not in text
    assert f"UID:lecture-{back_to_draft.id}@localhost" not in text
    assert not any("内部草稿讲座" in line or "撤回的讲座" in line for line in text)
