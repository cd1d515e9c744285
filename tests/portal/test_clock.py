"""One clock in Beijing time: frozen at 17:00 UTC (already tomorrow in Beijing) and at the turns
of a month and a year, figures, reports and deadlines fall on Beijing days."""

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

from portal.core import clock
from portal.dashboard.periods import Period

ROOT = Path(__file__).resolve().parents[2]


# --- the clock itself -----------------------------------------------------------------------


def test_at_17_utc_it_is_already_tomorrow_in_beijing():
    with clock.frozen(clock.utc(2026, 11, 30, 17, 0)):
        assert clock.now_utc() == clock.utc(2026, 11, 30, 17, 0)
        assert clock.today() == date(2026, 12, 1)
        assert clock.now_local().hour == 1
        assert clock.stamp() == "20261201"


def test_turn_of_a_month_and_of_a_year_in_beijing():
    with clock.frozen(clock.local(2026, 4, 1, 1, 30)):
        assert clock.now_utc() == clock.utc(2026, 3, 31, 17, 30)
        assert clock.today() == date(2026, 4, 1)
        assert clock.month_bounds_utc(clock.today()) == (
            clock.utc(2026, 3, 31, 16),
            clock.utc(2026, 4, 30, 16),
        )
    with clock.frozen(clock.utc(2026, 12, 31, 16, 0)):
        assert clock.today() == date(2027, 1, 1)
        assert clock.month_days(clock.today()) == (date(2027, 1, 1), date(2027, 1, 31))
    with clock.frozen(clock.utc(2026, 12, 31, 15, 59)):
        assert clock.today() == date(2026, 12, 31)


def test_frozen_accepts_aware_times_and_nests():
    with clock.frozen(clock.to_local(clock.utc(2026, 1, 1, 0))) as at:
        assert at == clock.utc(2026, 1, 1, 0)
        with clock.frozen(clock.utc(2027, 1, 1)):
            assert clock.now_utc().year == 2027
        assert clock.now_utc() == at


def test_conversions_are_inverse():
    stored = clock.utc(2026, 3, 31, 17, 30)
    assert clock.format_local(stored) == "2026-04-01 01:30"
    assert clock.local_date(stored) == date(2026, 4, 1)
    assert clock.local_to_utc(clock.to_local_naive(stored)) == stored
    assert clock.dates_of(*clock.days_bounds_utc(date(2026, 2, 1), date(2026, 2, 28))) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert clock.format_local(None) == ""


def test_month_and_day_parsing_refuses_what_is_not_a_date():
    assert clock.parse_month("2026-03") == date(2026, 3, 1)
    for text in ("", None, "2026-13", "2026", "march", "9999-12", "0-1", "2026-03-01"):
        assert clock.parse_month(text) is None, text
    assert clock.parse_day("2026-02-28") == date(2026, 2, 28)
    assert clock.parse_day("2026-02-30") is None
    assert clock.parse_day(None) is None


def test_model_defaults_use_the_one_clock(app, create_enterprise):
    with clock.frozen(clock.utc(2026, 11, 30, 17, 0)):
        firm = create_enterprise()
    assert firm.created_dt == clock.utc(2026, 11, 30, 17, 0)


# --- house rules ----------------------------------------------------------------------------


def test_ruff_checks_datetime_rules_everywhere_but_the_clock():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "DTZ" in config["select"]
    ignores = config.get("per-file-ignores", {})
    assert [path for path, rules in ignores.items() if "DTZ" in rules] == ["portal/core/clock.py"]


def test_only_the_clock_names_the_time_zone():
    pattern = re.compile(r"ZoneInfo|Asia/Shanghai|hours=8\b|utcnow\(\)\.date\(\)")
    offenders = []
    for package in ("portal", "knowledge", "mediation", "courses", "bench", "tests"):
        for path in (ROOT / package).rglob("*.py"):
            if path in (ROOT / "portal/core/clock.py", Path(__file__).resolve()):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


# --- the figures that were off by a day -----------------------------------------------------


def test_question_asked_at_0130_on_1_april_counts_in_april_on_both_pages(
    app, create_question, matching_lawyer
):
    from knowledge import stats

    with clock.frozen(clock.local(2026, 4, 1, 1, 30)):
        create_question()
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    with app.test_request_context():
        start, end, name = stats.month_bounds("2026-04")
        assert (start, end, name) == (april.start, april.end, "2026-04")
        assert stats.figures(start, end)["total"]["asked"] == 1
        assert stats.figures(*stats.month_bounds("2026-03")[:2])["total"]["asked"] == 0
        # The dashboard's section agrees with the staff figures page.
        assert stats.stats_for_dashboard(april.start, april.end)["asked"] == 1
        assert stats.stats_for_dashboard(march.start, march.end)["asked"] == 0


def test_staff_figures_page_default_month_is_the_beijing_month(
    app, client, login, dummy_staff, create_question, matching_lawyer
):
    with clock.frozen(clock.local(2026, 4, 1, 1, 30)):
        create_question()
        login(dummy_staff)
        page = client.get("/questions/staff/figures")
    assert page.status_code == 200
    assert "2026-04" in page.get_data(as_text=True)


def test_appeal_figures_count_beijing_days_and_no_extra_day(app, create_appeal_referral):
    from portal.appeals import reports

    for moment in (
        clock.local(2026, 10, 31, 12, 0),  # October in Beijing: not November
        clock.local(2026, 11, 1, 7, 0),  # still 31 October in UTC
        clock.local(2026, 11, 30, 23, 30),
    ):
        with clock.frozen(moment):
            create_appeal_referral()
    november = Period(date(2026, 11, 1), date(2026, 11, 30))
    with app.test_request_context():
        assert reports.stats(november.start, november.end)["collected"] == 2
        assert reports.figures(*reports.month_bounds("2026-11"))["collected"] == 2
        assert reports.figures(*reports.month_bounds("2026-10"))["collected"] == 1


def test_counsel_figures_of_a_month_have_no_extra_day(
    app, create_counsel_group, create_counsel_service
):
    from portal.counsel import reports

    with clock.frozen(clock.local(2026, 12, 1, 10, 0)):
        group = create_counsel_group()
        create_counsel_service(group, service_date=date(2026, 10, 31))
        create_counsel_service(group, service_date=date(2026, 11, 1))
        create_counsel_service(group, service_date=date(2026, 11, 30))
        november = Period(date(2026, 11, 1), date(2026, 11, 30))
        with app.test_request_context():
            assert reports.stats(november.start, november.end)["services"] == 2


def test_appeal_deadline_counts_working_days_on_the_beijing_calendar(
    app, monkeypatch, create_appeal_referral
):
    monkeypatch.setitem(app.config, "APPEALS_DEADLINES", {0: {"referred": 10}})
    # Sunday 29 November 17:00 UTC is Monday 30 November 01:00 in Beijing: ten working days
    # from that Monday end on Monday 14 December (on the UTC calendar it would be 11 December).
    with clock.frozen(clock.utc(2026, 11, 29, 17, 0)):
        referral = create_appeal_referral()
    assert referral.stage_due_date == date(2026, 12, 14)


def test_appeal_overdue_on_the_beijing_day(app, monkeypatch, create_appeal_referral):
    monkeypatch.setitem(app.config, "APPEALS_DEADLINES", {0: {"referred": 10}})
    with clock.frozen(clock.utc(2026, 11, 29, 17, 0)):
        referral = create_appeal_referral()
    with clock.frozen(clock.local(2026, 12, 14, 23, 59)):
        assert not referral.is_overdue
    with clock.frozen(clock.local(2026, 12, 15, 0, 1)):
        assert referral.is_overdue


def test_counsel_service_dated_today_is_accepted_before_0800_beijing(
    app, create_counsel_group, create_counsel_service
):
    # 17:00 UTC of the real current day: 01:00 tomorrow in Beijing, where the counsel works.
    real = clock.now_utc()
    with clock.frozen(clock.utc(real.year, real.month, real.day, 17, 0)):
        group = create_counsel_group()
        service = create_counsel_service(group, service_date=clock.today())
        assert service.service_date == clock.today() == real.date() + timedelta(days=1)


def test_counsel_service_dated_tomorrow_in_beijing_is_still_refused(
    app, create_counsel_group, create_counsel_service
):
    import pytest

    from portal.counsel.operations import CounselError

    with clock.frozen(clock.utc(2026, 11, 30, 17, 0)):
        group = create_counsel_group()
        with pytest.raises(CounselError):
            create_counsel_service(group, service_date=date(2026, 12, 2))


def test_search_date_filters_are_beijing_days(fake_source):
    from knowledge.search import engine

    # 00:30 on 1 April in Beijing is still 31 March in UTC.
    engine.index(fake_source.put(1, title="工程款纠纷", date=clock.local(2026, 4, 1, 0, 30)))
    engine.index(fake_source.put(2, title="工程款拖欠", date=clock.local(2026, 3, 31, 23, 30)))
    april = engine.search("工程款", filters={"date_from": date(2026, 4, 1)})
    march = engine.search("工程款", filters={"date_to": date(2026, 3, 31)})
    assert [hit.id for hit in april.hits] == [1]
    assert [hit.id for hit in march.hits] == [2]
