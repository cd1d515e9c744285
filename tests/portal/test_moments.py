"""Times read the way a Chinese office writes them, with an English equivalent: the long form
(2026年11月10日（周二）19:30) on detail pages and headers, the medium form (2026年11月10日 19:30)
in tables, lists and timelines; never a numeric 2026-11-10 18:30 or 2026/11/10."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import force_locale

from portal.core import clock
from portal.core.i18n import (
    MOMENT_FORMATS,
    MOMENT_PATTERNS,
    LocalDay,
    LocalMoment,
    format_moment,
    format_moment_range,
)

ROOT = Path(__file__).resolve().parents[2]
MOMENT = clock.utc(2026, 11, 10, 11, 30)  # 19:30 in Shanghai, a Tuesday


@pytest.mark.parametrize(
    ("language", "fmt", "text"),
    [
        ("zh_CN", "long", "2026年11月10日（周二）19:30"),
        ("zh_CN", "medium", "2026年11月10日 19:30"),
        ("en", "long", "Tue 10 Nov 2026, 19:30"),
        ("en", "medium", "10 Nov 2026, 19:30"),
    ],
)
def test_each_form_in_each_language(app, language, fmt, text):
    with app.test_request_context(), force_locale(language):
        assert format_moment(MOMENT, fmt) == text


def test_the_hand_written_forms_are_babels_patterns(app):
    """format_moment writes the text itself (it is fast); it must say what Babel would."""
    moments = [
        clock.utc(2026, 1, 1, 0, 0) + timedelta(hours=37 * n, minutes=7 * n) for n in range(300)
    ]
    for language in ("zh_CN", "en"):
        with app.test_request_context(), force_locale(language):
            for fmt in MOMENT_FORMATS:
                pattern = MOMENT_PATTERNS[language][fmt]
                for moment in moments:
                    expected = babel_format_datetime(
                        moment.replace(tzinfo=clock.UTC),
                        pattern,
                        tzinfo=clock.LOCAL_ZONE,
                        locale=language,
                    )
                    assert format_moment(moment, fmt) == expected


def test_a_span_on_one_day_names_the_day_once(app):
    end = MOMENT + timedelta(hours=2)
    next_day = MOMENT + timedelta(days=1)
    with app.test_request_context(), force_locale("zh_CN"):
        assert format_moment_range(MOMENT, end) == "2026年11月10日（周二）19:30–21:30"
        assert format_moment_range(MOMENT, next_day) == (
            "2026年11月10日（周二）19:30 – 2026年11月11日（周三）19:30"
        )
        assert format_moment_range(MOMENT, None) == "2026年11月10日（周二）19:30"
    with app.test_request_context(), force_locale("en"):
        assert format_moment_range(MOMENT, end, "medium") == "10 Nov 2026, 19:30–21:30"


def test_a_numeric_or_unknown_form_is_refused(app):
    with app.test_request_context(), pytest.raises(ValueError):
        format_moment(MOMENT, "short")


def test_a_moment_in_a_notification_is_written_in_each_recipients_language(app, create_user):
    from portal.notifications.operations import notify

    chinese, english = create_user(), create_user()
    english.locale = "en"
    with app.test_request_context():
        zh_note, en_note = notify(
            [chinese, english],
            "starts %(when)s, closes %(day)s",
            when=LocalMoment(MOMENT),
            day=LocalDay(MOMENT.date()),
        )
    assert zh_note.text == "starts 2026年11月10日（周二）19:30, closes 2026年11月10日"
    assert en_note.text == "starts Tue 10 Nov 2026, 19:30, closes 10 Nov 2026"


def _templates():
    for folder in ("portal", "knowledge", "mediation", "courses"):
        yield from (ROOT / folder).rglob("templates/**/*.html")


def test_templates_ask_only_for_the_known_forms():
    asked = {}
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        for fmt in re.findall(r"\|(?:datetime|moment_range)\([^)]*?['\"](\w+)['\"]\)", text):
            asked.setdefault(fmt, []).append(template.name)
        # A stored time written with strftime skips the time zone and the language.
        assert not re.search(r"_dt\.strftime\(", text), template
    assert set(asked) <= set(MOMENT_FORMATS), asked


def test_a_detail_page_uses_the_long_form_and_a_table_the_medium(
    client, login, dummy_staff, dummy_case
):
    login(dummy_staff)
    case_page = client.get(f"/mediation/cases/{dummy_case.id}").get_data(as_text=True)
    applied = case_page.split("申请日期")[1].split("</dd>")[0]
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日（周.）\d\d:\d\d", applied), applied
    log = client.get("/staff/audit").get_data(as_text=True)
    rows = log[log.index("<tbody") :]
    first_cell = re.search(r"<tr><td>([^<]*)</td>", rows).group(1)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", first_cell), first_cell
