"""Demo lecture videos: made where ffmpeg and espeak-ng exist, otherwise skipped with the reason."""

import json
import shutil
import subprocess
from datetime import timedelta

import pytest

from courses import demo_video
from courses.models import LectureStatus
from portal.core.db import db
from tests.fixtures.courses import SAMPLE_VTT

VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n大家好\n\n00:00:05.000 --> 00:00:09.000\n今天讲合同\n"
)


def test_without_the_tools_the_demo_says_why_it_skipped_videos(app, monkeypatch):
    monkeypatch.setattr(demo_video.shutil, "which", lambda tool: None)
    message = demo_video.load_videos(app)
    assert message.startswith("skipped") and "ffmpeg" in message and "espeak-ng" in message


def test_with_the_tools_held_lectures_with_transcripts_get_a_video(
    app, monkeypatch, create_lecture
):
    monkeypatch.setattr(demo_video.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    made = []

    def fake_video(lecture, folder):
        made.append(lecture.id)
        mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
        return mp4, list(lecture.cues)

    monkeypatch.setattr(demo_video, "make_video", fake_video)
    held = create_lecture(starts_in=-timedelta(days=3), transcript=VTT)
    no_transcript = create_lecture(starts_in=-timedelta(days=2))
    ahead = create_lecture(starts_in=timedelta(days=2), transcript=VTT)
    message = demo_video.load_videos(app)
    assert held.id in made and no_transcript.id not in made and ahead.id not in made
    assert held.video_file is not None and held.has_video
    assert "videos made" in message
    # A second `demo load` makes no more (nor re-times other lectures' transcripts).
    another = create_lecture(starts_in=-timedelta(days=4), transcript=VTT)
    assert "already made" in demo_video.load_videos(app)
    assert another.video_file is None


needs_tools = pytest.mark.skipif(
    bool(demo_video.missing_tools()) or shutil.which("ffprobe") is None,
    reason="needs Debian's ffmpeg (with ffprobe) and espeak-ng: apt-get install ffmpeg espeak-ng",
)


def _probe(path) -> dict:
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(found.stdout)


@needs_tools
@pytest.mark.usefixtures("babel_request_ctx")
def test_a_real_demo_video_plays_in_the_lecture_page_and_the_jump_links_line_up(
    app, client, create_lecture, tmp_path
):
    lecture = create_lecture(starts_in=-timedelta(days=3), transcript=SAMPLE_VTT)
    message = demo_video.load_videos(app)
    assert "1 lecture videos made" in message
    db.session.refresh(lecture)
    assert lecture.video_file.kind == "mp4" and lecture.video_file.content_type == "video/mp4"

    # Served to anyone who may see the published lecture, as an MP4 that seeks (ranges).
    response = client.get(f"/lectures/{lecture.id}/video")
    assert response.status_code == 200 and response.mimetype == "video/mp4"
    data = response.get_data()
    response.close()
    assert data[4:8] == b"ftyp"
    ranged = client.get(f"/lectures/{lecture.id}/video", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100
    ranged.close()

    # A real video: an H.264 picture and an AAC voice, as long as the spoken transcript.
    video = tmp_path / "lecture.mp4"
    video.write_bytes(data)
    probe = _probe(video)
    codecs = {s["codec_type"]: s["codec_name"] for s in probe["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    duration = float(probe["format"]["duration"])
    cues = list(lecture.cues)
    assert [c.text for c in cues] == [
        "各位企业家朋友，晚上好。",
        "违约金约定过高的，可以请求法院适当减少。",
        "对账单一定要让对方签字盖章。",
    ]
    assert 0 < cues[0].start_ms < cues[0].end_ms <= cues[1].start_ms < cues[2].end_ms
    assert cues[-1].end_ms / 1000 <= duration + 0.5

    # The lecture page plays it; each transcript line jumps to its own second of the video.
    page = client.get(f"/lectures/{lecture.id}").get_data(as_text=True)
    assert '<video id="lecture-video"' in page and f"/lectures/{lecture.id}/video#t=0" in page
    second = cues[1].start_ms // 1000
    assert f"/lectures/{lecture.id}?t={second}#player" in page
    assert f"/lectures/{lecture.id}/video#t={second}" in client.get(
        f"/lectures/{lecture.id}?t={second}"
    ).get_data(as_text=True)

    # Back to draft: the video is no longer served to the public.
    lecture.status = LectureStatus.draft
    db.session.flush()
    assert client.get(f"/lectures/{lecture.id}/video").status_code == 403
