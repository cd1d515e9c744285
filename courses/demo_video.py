"""Demo lecture videos: a slide per transcript line, the line spoken by espeak-ng, made with ffmpeg.

Only where Debian's `ffmpeg` and `espeak-ng` are installed; otherwise the demo says why it
skipped them and the lectures keep their transcripts (the jump links then have nothing to play).

Each video is short (the first lines of the transcript, a few seconds each): the transcript is
re-timed to the spoken lines, so a jump link starts the video where that line is spoken.
"""

import shutil
import subprocess
import tempfile
import textwrap
import wave
from pathlib import Path

from sqlalchemy import func, select

from courses import operations
from courses.models import Lecture, LectureStatus
from courses.transcripts import Cue
from portal.core.db import db, utcnow
from portal.core.models import StoredFile
from portal.core.uploads import store_bytes

TOOLS = ("ffmpeg", "espeak-ng")
HOW_MANY = 3
MAX_CUES = 4  # short videos: the first lines of the transcript
LEAD_IN_MS = 1500  # the title slide before the first line
GAP_MS = 600  # a breath between lines
SIZE = (960, 540)
SPEED = 200
FILE_PREFIX = "demo-lecture-"  # the demo's own videos: a second `demo load` makes no more  # espeak-ng words per minute (its default, 175, drags in Chinese)


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


def _slide(folder: Path, name: str, title: str, line: str, font: str | None) -> Path:
    """A PNG slide: the lecture's title at the top, the spoken line in the middle."""
    out = folder / f"{name}.png"
    filters = []
    if font:
        for part, text, size, y in (
            ("title", title, 34, "60"),
            ("line", line, 40, "(h-text_h)/2+30"),
        ):
            source = folder / f"{name}-{part}.txt"
            source.write_text("\n".join(textwrap.wrap(text, 20)) or " ", encoding="utf-8")
            filters.append(
                f"drawtext=fontfile={font}:textfile={source}:expansion=none:fontcolor=white:"
                f"fontsize={size}:line_spacing=14:x=(w-text_w)/2:y={y}"
            )
    _run(
        "ffmpeg",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"color=c=0x0b3d6e:s={SIZE[0]}x{SIZE[1]}",
        *(["-vf", ",".join(filters)] if filters else []),
        "-frames:v",
        "1",
        str(out),
    )
    return out


def _speak(folder: Path, n: int, text: str) -> tuple[bytes, wave._wave_params]:
    spoken = folder / f"line{n}.wav"
    _run("espeak-ng", "-v", "cmn", "-s", str(SPEED), "-w", str(spoken), text)
    with wave.open(str(spoken), "rb") as sound:
        return sound.readframes(sound.getnframes()), sound.getparams()


def _silence(params, ms: int) -> bytes:
    return b"\x00" * (params.sampwidth * params.nchannels * (params.framerate * ms // 1000))


def make_video(lecture: Lecture, folder: Path) -> tuple[bytes, list[Cue]]:
    """An MP4 of the first transcript lines, each spoken over its own slide, and the lines
    re-timed to where they are spoken in it."""
    lines = [cue.text for cue in list(lecture.cues)[:MAX_CUES]]
    font = _cjk_font()
    spoken = [_speak(folder, n, text) for n, text in enumerate(lines)]
    params = spoken[0][1]
    rate = params.framerate * params.sampwidth * params.nchannels
    audio = bytearray(_silence(params, LEAD_IN_MS))
    slides = [(_slide(folder, "title", lecture.title, "", font), LEAD_IN_MS)]
    cues = []
    for n, (text, (frames, _params)) in enumerate(zip(lines, spoken, strict=True)):
        start = len(audio) * 1000 // rate
        audio += frames
        end = len(audio) * 1000 // rate
        audio += _silence(params, GAP_MS)
        cues.append(Cue(start, end, text))
        slides.append(
            (_slide(folder, f"slide{n}", lecture.title, text, font), end - start + GAP_MS)
        )
    sound = folder / "audio.wav"
    with wave.open(str(sound), "wb") as out:
        out.setparams(params)
        out.writeframes(bytes(audio))
    # The concat demuxer shows each slide for its line's time (the last one is named twice).
    listing = folder / "slides.txt"
    listing.write_text(
        "".join(f"file '{path}'\nduration {ms / 1000:.3f}\n" for path, ms in slides)
        + f"file '{slides[-1][0]}'\n"
    )
    video = folder / "lecture.mp4"
    _run(
        "ffmpeg",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing),
        "-i",
        str(sound),
        "-c:v",
        "libx264",
        "-r",
        "5",
        "-tune",
        "stillimage",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-movflags",
        "+faststart",
        str(video),
    )
    return video.read_bytes(), cues


def load_videos(app) -> str:
    """Demo loader: videos for a few held lectures with transcripts and no video yet."""
    missing = missing_tools()
    if missing:
        return (
            f"skipped: {' and '.join(missing)} not installed (Debian: apt-get install ffmpeg "
            "espeak-ng); the demo lectures keep their transcripts without video"
        )
    made_before = db.session.scalar(
        select(func.count(Lecture.id))
        .join(StoredFile, StoredFile.id == Lecture.video_file_id)
        .where(StoredFile.original_name.like(f"{FILE_PREFIX}%"))
    )
    if made_before:
        return f"{made_before} lecture videos already made"
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
            data, cues = make_video(lecture, Path(tmp))
        lecture.video_file = store_bytes(
            data, f"{FILE_PREFIX}{lecture.id}.mp4", allowed_kinds={"mp4"}
        )
        # The transcript follows the video, so each jump link starts where its line is spoken.
        operations.set_transcript(lecture, cues, name=lecture.transcript_name or "demo.vtt")
        made += 1
    db.session.flush()  # `flask demo load` commits after each loader
    return f"{made} lecture videos made with ffmpeg and espeak-ng (slides and spoken transcript)"
