"""Demo lecture videos: a slide and the transcript spoken by espeak-ng, made with ffmpeg.

Only where Debian's `ffmpeg` and `espeak-ng` are installed; otherwise the demo says why it
skipped them and the lectures keep their transcripts (the jump links then have nothing to play).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from courses.models import Lecture, LectureStatus
from portal.core.db import db, utcnow
from portal.core.uploads import store_bytes

TOOLS = ("ffmpeg", "espeak-ng")
HOW_MANY = 3
MAX_CUES = 8  # short videos: the first cues of the transcript


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=300)


def _cjk_font() -> str | None:
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    return found or None


def make_video(lecture: Lecture, folder: Path) -> bytes:
    """An MP4: each of the first cues spoken at its own start time over a slide with the title."""
    cues = list(lecture.cues)[:MAX_CUES]
    parts = []
    for n, cue in enumerate(cues):
        spoken = folder / f"cue{n}.wav"
        _run("espeak-ng", "-v", "cmn", "-s", "170", "-w", str(spoken), cue.text)
        # Pad (or cut) each cue to the time until the next one, so the jump links line up.
        length = max(
            1.0,
            ((cue.end_ms if n == len(cues) - 1 else cues[n + 1].start_ms) - cue.start_ms) / 1000,
        )
        padded = folder / f"pad{n}.wav"
        _run(
            "ffmpeg",
            "-y",
            "-i",
            str(spoken),
            "-af",
            f"apad=whole_dur={length}",
            "-t",
            str(length),
            str(padded),
        )
        parts.append(padded)
    lead_in = cues[0].start_ms / 1000 if cues else 0
    listing = folder / "parts.txt"
    silence = folder / "lead.wav"
    _run(
        "ffmpeg",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=22050:cl=mono",
        "-t",
        str(max(lead_in, 0.1)),
        str(silence),
    )
    listing.write_text("".join(f"file '{p}'\n" for p in [silence, *parts]))
    audio = folder / "audio.wav"
    _run(
        "ffmpeg", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-ar", "22050", str(audio)
    )
    slide = "color=c=0x0b3d6e:s=960x540:r=5"
    video_filter = []
    font = _cjk_font()
    if font:
        title = lecture.title.replace(":", r"\:").replace("'", "")
        video_filter = [
            "-vf",
            f"drawtext=fontfile={font}:text='{title}':fontcolor=white:fontsize=40:x=(w-text_w)/2:y=(h-text_h)/2",
        ]
    out = folder / "lecture.mp4"
    _run(
        "ffmpeg",
        "-y",
        "-f",
        "lavfi",
        "-i",
        slide,
        "-i",
        str(audio),
        *video_filter,
        "-c:v",
        "libx264",
        "-tune",
        "stillimage",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-movflags",
        "+faststart",
        str(out),
    )
    return out.read_bytes()


def load_videos(app) -> str:
    """Demo loader: videos for a few held lectures with transcripts and no video yet."""
    missing = missing_tools()
    if missing:
        return (
            f"skipped: {' and '.join(missing)} not installed (Debian: apt-get install ffmpeg "
            "espeak-ng); the demo lectures keep their transcripts without video"
        )
    lectures = db.session.scalars(
        select(Lecture)
        .where(
            Lecture.status == LectureStatus.published,
            Lecture.starts_dt < utcnow(),
            Lecture.video_file_id.is_(None),
            Lecture.video_url == "",
        )
        .order_by(Lecture.starts_dt)
    ).all()
    # Loading the demo again makes nothing new: the videos already made count too.
    had = db.session.scalar(
        select(func.count()).select_from(Lecture).where(Lecture.video_file_id.is_not(None))
    )
    made = 0
    for lecture in lectures:
        if had + made >= HOW_MANY:
            break
        if not lecture.cues:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            data = make_video(lecture, Path(tmp))
        lecture.video_file = store_bytes(data, f"lecture-{lecture.id}.mp4", allowed_kinds={"mp4"})
        made += 1
    db.session.flush()  # `flask demo load` commits after each loader
    return f"{made} lecture videos made with ffmpeg and espeak-ng"
