"""Transcripts: a tolerant parser for WebVTT, SRT and pasted timestamped lines, and a writer."""

import html
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

MAX_CUES = 20000
MAX_CUE_CHARS = 2000

# [h...:]mm:ss(.|,)ttt ; hours may have any number of digits (WebVTT allows more than two).
_TIMESTAMP = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?$")
_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(.*)$")
_TAG = re.compile(r"</?[^>\n]*>")
# "[01:02] text", "01:02:03 text", "1:02 - text" (pasted transcripts from meeting tools).
_PASTED = re.compile(r"^\s*\[?((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]?\s*[-–—:：]?\s*(.*)$")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


class TranscriptError(ValueError):
    """A transcript that cannot be read; `line` is 1-based (0 when it concerns the whole file)."""

    def __init__(self, message, line: int = 0):
        super().__init__(str(message))
        self.message = message
        self.line = line

    def __str__(self):
        if self.line:
            return str(_l("Line %(line)s: %(message)s", line=self.line, message=self.message))
        return str(self.message)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which Chinese subtitle tools still write."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise TranscriptError(_l("The file is not text in UTF-8 or GB18030 encoding."))


def parse_timestamp(value: str, line: int = 0) -> int:
    """Milliseconds from 'hh:mm:ss.ttt', 'mm:ss.ttt' or the SRT form 'hh:mm:ss,ttt'."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise TranscriptError(
            _l("“%(value)s” is not a time like 00:01:02.500.", value=value[:40]), line
        )
    hours, minutes, seconds, fraction = match.groups()
    millis = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def format_timestamp(ms: int, separator: str = ".") -> str:
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def format_clock(seconds: int) -> str:
    """What a reader sees next to a transcript line: 1:02:03 or 02:03."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _clean(text: str) -> str:
    text = _TAG.sub("", text)
    return html.unescape(text).strip()


def _blocks(lines):
    """Yield (first line number, [lines]) for each blank-line separated block."""
    block, start = [], 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _timed_block(start, block, *, srt: bool):
    """A cue block: optional identifier line, a timing line, then text lines."""
    timing_index = 0
    if "-->" not in block[0]:
        if len(block) > 1 and "-->" in block[1]:
            timing_index = 1
            if srt and not block[0].strip().isdigit():
                raise TranscriptError(
                    _l("A subtitle number was expected, found “%(text)s”.", text=block[0][:40]),
                    start,
                )
        else:
            raise TranscriptError(
                _l("A timing line like “00:00:01.000 --> 00:00:04.000” was expected."), start
            )
    line_number = start + timing_index
    match = _TIMING.match(block[timing_index])
    if not match:
        raise TranscriptError(
            _l("A timing line like “00:00:01.000 --> 00:00:04.000” was expected."), line_number
        )
    begin = parse_timestamp(match.group(1), line_number)
    end = parse_timestamp(match.group(2), line_number)
    if end < begin:
        raise TranscriptError(_l("The cue ends before it starts."), line_number)
    text = _clean("\n".join(block[timing_index + 1 :]))
    if len(text) > MAX_CUE_CHARS:
        raise TranscriptError(_l("This cue is too long."), line_number)
    return Cue(begin, end, text)


def parse_vtt(text: str) -> list[Cue]:
    lines = text.splitlines()
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0].lstrip("\ufeff")):
        raise TranscriptError(_l("A WebVTT file must start with the line “WEBVTT”."), 1)
    cues = []
    for start, block in _blocks(lines):
        if start == 1:
            # The header block (WEBVTT plus optional metadata lines) must end with a blank line.
            for offset, line in enumerate(block):
                if "-->" in line:
                    raise TranscriptError(
                        _l("A blank line is needed between the WEBVTT header and the first cue."),
                        start + offset,
                    )
            continue
        first = block[0].strip()
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        cue = _timed_block(start, block, srt=False)
        if cue.text:
            cues.append(cue)
    return cues


def parse_srt(text: str) -> list[Cue]:
    cues = []
    for start, block in _blocks(text.splitlines()):
        cue = _timed_block(start, block, srt=True)
        if cue.text:
            cues.append(cue)
    return cues


def parse_pasted(text: str) -> list[Cue]:
    """One line per cue, each starting with its time: "[00:01:05] 各位企业家朋友…"."""
    starts: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _PASTED.match(line)
        if not match or not match.group(2).strip():
            raise TranscriptError(
                _l(
                    "Each pasted line must start with a time, e.g. “[00:01:05] text”; "
                    "or paste a WebVTT or SRT file."
                ),
                number,
            )
        begin = parse_timestamp(match.group(1), number)
        if starts and begin < starts[-1][0]:
            raise TranscriptError(_l("This time is earlier than the line before."), number)
        starts.append((begin, _clean(match.group(2))))
    cues = []
    for index, (begin, line_text) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else begin + 5000
        cues.append(Cue(begin, max(end, begin), line_text))
    return cues


def detect_format(text: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:3].upper() == "WEB":
        return "vtt"  # also a misspelt header, so the error says what the header must be
    if "-->" in stripped:
        return "srt"
    return "pasted"


def parse(text: str) -> list[Cue]:
    """Cues from any supported format; raises TranscriptError naming the line."""
    if not text.strip():
        raise TranscriptError(_l("The transcript is empty."))
    fmt = detect_format(text)
    if fmt == "vtt":
        cues = parse_vtt(text.lstrip(" \t\r\n"))
    elif fmt == "srt":
        cues = parse_srt(text)
    else:
        cues = parse_pasted(text)
    if not cues:
        raise TranscriptError(_l("The transcript has no lines of text."))
    if len(cues) > MAX_CUES:
        raise TranscriptError(_l("The transcript has more than %(n)s lines.", n=MAX_CUES))
    return cues


def parse_bytes(data: bytes) -> list[Cue]:
    return parse(decode(data))


def to_vtt(cues) -> str:
    parts = ["WEBVTT", ""]
    for cue in cues:
        parts.append(f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}")
        parts.append(_escape_vtt(cue.text))
        parts.append("")
    return "\n".join(parts)


def to_srt(cues) -> str:
    parts = []
    for number, cue in enumerate(cues, start=1):
        parts.append(str(number))
        parts.append(
            f"{format_timestamp(cue.start_ms, ',')} --> {format_timestamp(cue.end_ms, ',')}"
        )
        parts.append(cue.text)
        parts.append("")
    return "\n".join(parts)


def _escape_vtt(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A blank line would end the cue; "-->" would read as timing.
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines).replace("-->", "--&gt;")
