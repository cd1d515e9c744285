"""Moments and days are written as Babel would write them with the house patterns (and the\nlocale's short day), in both languages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import format_date, format_datetime

from portal.core import clock
from portal.core.i18n import (
    DAY_PATTERNS,
    MOMENT_PATTERNS,
    MONTH_PATTERNS,
    day_formatter,
    format_day,
    format_moment,
    format_month,
    moment_formatter,
)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_moments_read_as_babel_writes_them_through_the_year(app, language):
    header = "zh-CN" if language == "zh_CN" else "en"
    start = clock.utc(2026, 12, 31, 15, 59)  # 23:59 in Shenyang, a minute before the new year
    with app.test_request_context("/", headers={"Accept-Language": header}):
        # The formatter of a page's rows (the language looked up once) writes the same.
        formatters = {fmt: moment_formatter(fmt) for fmt in MOMENT_PATTERNS[language]}
        day_formatters = {fmt: day_formatter(fmt) for fmt in DAY_PATTERNS[language]}
        for hours in range(0, 24 * 400, 37):
            moment = start + timedelta(hours=hours, minutes=hours % 60)
            for fmt, pattern in MOMENT_PATTERNS[language].items():
                assert format_moment(moment, fmt) == format_datetime(moment, pattern)
                assert formatters[fmt](moment) == format_datetime(moment, pattern)
            day = moment.date()
            for fmt, pattern in DAY_PATTERNS[language].items():
                assert format_day(day, fmt) == format_date(day, pattern)
                assert format_day(moment, fmt) == format_date(moment, pattern)  # its local day
                assert day_formatters[fmt](day) == format_day(day, fmt)
                assert day_formatters[fmt](moment) == format_day(moment, fmt)
            assert format_day(day, "short") == format_date(day, "short")
            assert format_month(day) == format_date(day, MONTH_PATTERNS[language])
        aware = datetime(2027, 1, 1, 2, 5, tzinfo=UTC)
        assert format_moment(aware) == format_datetime(aware, MOMENT_PATTERNS[language]["medium"])
        assert format_moment(None) == "" and formatters["medium"](None) == ""
        assert day_formatters["medium"](None) == ""


@pytest.mark.parametrize(
    "header, text",
    [("zh-CN", "2026年11月10日（周二）19:30"), ("en", "Tue 10 Nov 2026, 19:30")],
)
def test_a_moment_is_shown_in_shenyang_time_with_the_weekday(app, header, text):
    with app.test_request_context("/", headers={"Accept-Language": header}):
        assert format_moment(clock.utc(2026, 11, 10, 11, 30), "long") == text


@pytest.mark.parametrize(
    "header, november, december",
    [("zh-CN", "2026年11月", "2026年12月"), ("en", "Nov 2026", "Dec 2026")],
)
def test_a_month_is_written_as_a_report_title_writes_it(app, header, november, december):
    with app.test_request_context("/", headers={"Accept-Language": header}):
        assert format_month(date(2026, 11, 10)) == november
        # A moment's month is Beijing's: 17:00 UTC on 30 November is 1 December there.
        assert format_month(clock.utc(2026, 11, 30, 17, 0)) == december
