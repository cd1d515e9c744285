"""Demo lecture videos: made where ffmpeg and espeak-ng exist, otherwise skipped with the reason."""

from datetime import timedelta

from courses import demo_video

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
        return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64

    monkeypatch.setattr(demo_video, "make_video", fake_video)
    held = create_lecture(starts_in=-timedelta(days=3), transcript=VTT)
    no_transcript = create_lecture(starts_in=-timedelta(days=2))
    ahead = create_lecture(starts_in=timedelta(days=2), transcript=VTT)
    message = demo_video.load_videos(app)
    assert held.id in made and no_transcript.id not in made and ahead.id not in made
    assert held.video_file is not None and held.has_video
    assert "videos made" in message
