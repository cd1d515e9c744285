"""The calendar keeps each week's and month's days as written a minute, drops them at once when a
check-up or booking is written, and keeps them per language and lawyer filter; the schedule form
lists the lawyers kept half a minute and checks what is posted against them read afresh."""

from datetime import date, time

import pytest
from flask import g

from portal.checkups import operations as ops
from portal.checkups.models import Status
from portal.checkups.views import CALENDAR_TTL, SCHEDULE_LAWYERS_TTL
from portal.core.db import db

pytestmark = pytest.mark.usefixtures("babel_request_ctx")

WEEK = "/checkups/calendar?view=week&date=2035-03-07"


def _page(client, url=WEEK):
    page = client.get(url).get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def _book(create_checkup, create_enterprise, lawyer, name, hour=9):
    checkup = create_checkup(
        enterprise=create_enterprise(name=name, address="沈阳"),
        lawyers=[lawyer],
        start=ops.to_utc(date(2035, 3, 6), time(hour)),
    )
    db.session.commit()
    return checkup


def test_a_booking_cancellation_or_new_time_shows_in_the_kept_calendar_at_once(
    client, login, memory_cache, dummy_staff, create_checkup, create_enterprise, create_lawyer
):
    wang = create_lawyer(name="王缓存")
    _book(create_checkup, create_enterprise, wang, "缓存甲公司")
    login(dummy_staff)
    assert "缓存甲公司" in _page(client)
    second = _book(create_checkup, create_enterprise, wang, "缓存乙公司", hour=14)
    assert "缓存乙公司" in _page(client)
    ops.transition(second, Status.cancelled, dummy_staff, "改期")
    db.session.commit()
    assert "缓存乙公司" not in _page(client)
    first = _book(create_checkup, create_enterprise, wang, "缓存丙公司", hour=16)
    assert "缓存丙公司" in _page(client)
    start = ops.to_utc(date(2035, 3, 14), time(9))
    ops.reschedule(first, start, start.replace(hour=start.hour + 2), dummy_staff)
    db.session.commit()
    assert "缓存丙公司" not in _page(client)
    assert "缓存丙公司" in _page(client, "/checkups/calendar?view=week&date=2035-03-14")


def test_a_renamed_firm_shows_in_the_calendar_within_its_time(
    client, login, memory_cache, later, dummy_staff, create_checkup, create_enterprise,
    create_lawyer,
):  # fmt: skip
    checkup = _book(create_checkup, create_enterprise, create_lawyer(), "旧名公司")
    login(dummy_staff)
    assert "旧名公司" in _page(client)
    checkup.enterprise.name = "新名公司"  # a firm's name is not the calendar's to watch
    db.session.commit()
    assert "旧名公司" in _page(client)
    later(CALENDAR_TTL + 1)
    page = _page(client)
    assert "新名公司" in page and "旧名公司" not in page


def test_the_kept_calendar_is_per_language_and_per_lawyer_filter(
    app, login, memory_cache, create_user, create_checkup, create_enterprise, create_lawyer
):
    wang, li = create_lawyer(name="王过滤"), create_lawyer(name="李过滤")
    _book(create_checkup, create_enterprise, wang, "王的公司")
    _book(create_checkup, create_enterprise, li, "李的公司", hour=14)
    english = login(create_user(role="staff", locale="en"), app.test_client())
    chinese = login(create_user(role="staff", locale="zh_CN"), app.test_client())
    for _ in range(2):  # the second views read what the first kept
        assert "· Scheduled</li>" in _page(english)
        assert "· 已安排</li>" in _page(chinese)
        only_li = _page(chinese, f"{WEEK}&lawyer={li.id}")
        assert "李的公司" in only_li and "王的公司" not in only_li
        assert "王的公司" in _page(chinese, f"{WEEK}&lawyer={wang.id}")


def test_the_kept_calendar_is_still_for_staff_only(
    app, login, memory_cache, dummy_staff, create_checkup, create_enterprise, create_lawyer
):
    lawyer = create_lawyer()
    _book(create_checkup, create_enterprise, lawyer, "只给职员公司")
    assert "只给职员公司" in _page(login(dummy_staff, app.test_client()))
    assert login(lawyer, app.test_client()).get(WEEK).status_code == 403


def _schedule(client, enterprise, lawyer):
    return client.post(
        "/checkups/new",
        data={
            "enterprise": enterprise.id,
            "lawyers": [lawyer.id],
            "mode": "onsite",
            "address": "沈阳市沈河区北京街9号",
            "meeting_url": "",
            "day": "2031-03-04",
            "start_time": "09:00",
            "end_time": "11:00",
        },
    )


def test_the_schedule_form_lists_the_lawyers_kept_and_checks_a_post_afresh(
    client, login, memory_cache, later, dummy_staff, create_lawyer, create_enterprise
):
    login(dummy_staff)
    create_lawyer(name="早到律师")
    assert "早到律师" in _page(client, "/checkups/new")
    newcomer, leaving = create_lawyer(name="新到律师"), create_lawyer(name="要走律师")
    assert "新到律师" not in _page(client, "/checkups/new")  # the list kept
    response = _schedule(client, create_enterprise(name="新到律师的公司"), newcomer)
    assert response.status_code == 302  # chosen at once: a post reads the lawyers afresh
    later(SCHEDULE_LAWYERS_TTL + 1)
    assert f'<option value="{newcomer.id}">新到律师' in _page(client, "/checkups/new")
    leaving.is_deactivated = True
    db.session.commit()
    assert "要走律师" in _page(client, "/checkups/new")  # the list kept
    assert _schedule(client, create_enterprise(), leaving).status_code == 200  # refused
