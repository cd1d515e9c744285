"""The subtitle parser: WebVTT, SRT, pasted lines; errors name the line; timestamps round-trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses import transcripts
from courses.transcripts import Cue, TranscriptError


@pytest.fixture(autouse=True)
def _request(app):
    """Error messages are translated strings: they need a request (for the locale)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_webvtt_with_header_notes_identifiers_settings_and_tags():
    text = (
        "\ufeffWEBVTT - 普法讲座\nKind: captions\n\n"
        "NOTE 这是注释\n可以多行\n\n"
        "STYLE\n::cue { color: red }\n\n"
        "intro\n00:00:01.000 --> 00:00:04.500 align:start position:10%\n"
        "<v 王律师>各位<b>企业家</b>朋友 &amp; 嘉宾</v>\n第二行\n\n"
        "01:02:03.004 --> 01:02:05.000\n时间超过一小时\n\n"
        "123:00:00.000 --> 123:00:01.000\n小时可以多于两位\n\n"
        "00:10.000 --> 00:12.000\n没有小时\n"
    )
    cues = transcripts.parse(text)
    assert cues[0] == Cue(1000, 4500, "各位企业家朋友 & 嘉宾\n第二行")
    assert cues[1].start_ms == 3_723_004
    assert cues[2].start_ms == 123 * 3_600_000
    assert cues[3] == Cue(10_000, 12_000, "没有小时")


def test_srt_with_crlf_and_comma_milliseconds():
    text = "1\r\n00:00:01,000 --> 00:00:02,500\r\n第一句\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n<i>第二句</i>\r\n"
    assert transcripts.parse(text) == [Cue(1000, 2500, "第一句"), Cue(3000, 4000, "第二句")]


def test_pasted_timestamped_lines_get_end_times_from_the_next_line():
    cues = transcripts.parse("[00:00:05] 开场\n\n01:10 第二句\n[1:02:03.5] 第三句")
    assert [c.start_ms for c in cues] == [5000, 70_000, 3_723_500]
    assert cues[0].end_ms == 70_000
    assert cues[-1].end_ms == 3_723_500 + 5000


def test_gb18030_subtitles_are_read():
    data = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n劳动合同解除\n".encode("gb18030")
    assert transcripts.parse_bytes(data)[0].text == "劳动合同解除"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n好\n\n00:00:0x.000 --> 00:00:05.000\n坏\n",
            6,
            "0x",
        ),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n倒过来\n", 3, "ends before"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n好\n\n只有文字没有时间\n", 6, "timing line"),
        ("WEBVTT\n00:00:01.000 --> 00:00:02.000\n少了空行\n", 2, "blank line"),
        ("WEBVTX\n\n00:00:01.000 --> 00:00:02.000\n头错了\n", 1, "WEBVTT"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n好\n\n二\n00:00:03,000 --> 00:00:04,000\n编号不对\n",
            5,
            "number",
        ),
        ("1\n00:00:01,000 --> 00:61:02,000\n分钟超了\n", 2, "00:61:02,000"),
        ("[00:00:05] 开场\n没有时间的一行\n", 2, "start with a time"),
        ("[00:00:05] 开场\n[00:00:03] 倒退\n", 2, "earlier"),
    ],
)
def test_broken_files_name_the_line(text, line, words):
    with pytest.raises(TranscriptError) as raised:
        transcripts.parse(text)
    assert raised.value.line == line
    assert words in str(raised.value)
    assert f"{line}" in str(raised.value)


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n", b"WEBVTT\n\n", b"\xff\xfe\x00\x00binary\x00", b"%PDF-1.4 \x00\x01"]
)
def test_empty_or_binary_input_is_refused(data):
    with pytest.raises(TranscriptError):
        transcripts.parse_bytes(data)


timestamps = st.integers(min_value=0, max_value=200 * 3_600_000 - 1)


@given(timestamps)
def test_vtt_timestamps_round_trip(ms):
    assert transcripts.parse_timestamp(transcripts.format_timestamp(ms)) == ms


@given(timestamps)
def test_srt_timestamps_round_trip(ms):
    assert transcripts.parse_timestamp(transcripts.format_timestamp(ms, ",")) == ms


cue_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="<>&"
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip())


@given(st.lists(st.tuples(timestamps, st.integers(0, 60_000), cue_text), min_size=1, max_size=15))
def test_cue_lists_round_trip_through_vtt_and_srt(raw):
    cues = [Cue(start, start + length, text) for start, length, text in raw]
    assert transcripts.parse(transcripts.to_vtt(cues)) == cues
    if all("-->" not in c.text for c in cues):
        assert transcripts.parse(transcripts.to_srt(cues)) == cues


def test_clock_format_for_readers():
    assert transcripts.format_clock(65) == "01:05"
    assert transcripts.format_clock(3723) == "1:02:03"
