"""Form data for the lecture form, as a browser would send it."""

from io import BytesIO

from courses.forms import utc_to_local


def lecture_form(lecture=None, **overrides):
    data = {
        "title": "民法典合同编实务",
        "series_id": "0",
        "speaker_id": "0",
        "guest_speaker": "特邀嘉宾",
        "starts": "2026-12-01T19:30",
        "duration_minutes": "90",
        "category_id": "0",
        "industry": "",
        "summary": "简介",
        "notes": "讲义",
        "video_url": "",
        "transcript_text": "",
    }
    if lecture is not None:
        data.update(
            title=lecture.title,
            series_id=str(lecture.series_id or 0),
            speaker_id=str(lecture.speaker_id or 0),
            guest_speaker=lecture.guest_speaker,
            starts=utc_to_local(lecture.starts_dt).strftime("%Y-%m-%dT%H:%M"),
            duration_minutes=str(lecture.duration_minutes),
            category_id=str(lecture.category_id or 0),
            industry=lecture.industry,
            summary=lecture.summary,
            notes=lecture.notes,
            video_url=lecture.video_url,
            version=str(lecture.version),
        )
    data.update(overrides)
    return data


def upload(data: bytes, name: str):
    return (BytesIO(data), name)


# Smallest headers the upload type detection recognises (content, never the name).
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 2000
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
