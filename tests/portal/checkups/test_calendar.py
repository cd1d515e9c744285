"""The staff calendar (week and month grids, plain HTML) and firm double-booking through the form."""

from datetime import date, time

import pytest
from sqlalchemy import func, select

from portal.checkups import operations as ops
from portal.checkups.models import Checkup

pytestmark = pytest.mark.usefixtures("babel_request_ctx")


@pytest.fixture
def two_bookings(create_checkup, create_lawyer, create_enterprise):
    wang, li = create_lawyer(name="王日历"), create_lawyer(name="李日历")
    first = create_checkup(
        enterprise=create_enterprise(name="日历甲公司", address="沈阳"),
        lawyers=[wang],
        start=ops.to_utc(date(2035, 3, 6), time(9)),
    )
    second = create_checkup(
        enterprise=create_enterprise(name="日历乙公司", address="沈阳"),
        lawyers=[li],
        start=ops.to_utc(date(2035, 3, 20), time(14)),
    )
    return first, second, wang, li


def test_week_view_shows_the_bookings_of_the_week_with_their_lawyers(
    client, login, dummy_staff, two_bookings
):
    login(dummy_staff)
    page = client.get("/checkups/calendar?view=week&date=2035-03-07").get_data(as_text=True)
    assert "日历甲公司" in page and "王日历" in page and "09:00–11:00" in page
    assert "日历乙公司" not in page
    assert "<script>" not in page  # no inline script; the grid is plain HTML


def test_month_view_shows_the_whole_month_and_filters_by_lawyer(
    client, login, dummy_staff, two_bookings
):
    _first, _second, _wang, li = two_bookings
    login(dummy_staff)
    page = client.get("/checkups/calendar?view=month&date=2035-03-01").get_data(as_text=True)
    assert "日历甲公司" in page and "日历乙公司" in page
    page = client.get(f"/checkups/calendar?view=month&date=2035-03-01&lawyer={li.id}").get_data(
        as_text=True
    )
    assert "日历乙公司" in page and "日历甲公司" not in page


def test_a_bad_calendar_date_falls_back_to_today(client, login, dummy_staff):
    login(dummy_staff)
    assert client.get("/checkups/calendar?date=2035-13-45&view=month").status_code == 200


def test_a_firm_already_booked_is_refused_through_the_form(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    firm = create_enterprise(name="双约企业", address="沈阳")
    login(dummy_staff)
    data = {
        "enterprise": firm.id,
        "lawyers": [create_lawyer().id],
        "mode": "onsite",
        "address": "",
        "meeting_url": "",
        "day": "2035-05-08",
        "start_time": "09:00",
        "end_time": "11:00",
    }
    assert client.post("/checkups/new", data=data).status_code == 302
    count = select(func.count()).select_from(Checkup).where(Checkup.enterprise_id == firm.id)
    response = client.post(
        "/checkups/new", data={**data, "lawyers": [create_lawyer().id], "start_time": "10:00"}
    )
    assert response.status_code == 200
    assert "双约企业" in response.get_data(as_text=True)
    from portal.core.db import db

    assert db.session.scalar(count) == 1


def test_signing_off_or_rescheduling_cannot_be_forced_through_the_status_url(
    client, login, dummy_staff, dummy_checkup
):
    login(dummy_staff)
    assert client.post(f"/checkups/{dummy_checkup.id}/status/signed_off").status_code == 404
    assert client.post(f"/checkups/{dummy_checkup.id}/status/scheduled").status_code == 404
    assert client.post(f"/checkups/{dummy_checkup.id}/status/nonsense").status_code == 404


def test_the_calendar_heads_its_columns_with_weekdays_and_writes_its_days_in_words(
    client, login, dummy_staff, two_bookings
):
    login(dummy_staff)
    week = client.get("/checkups/calendar?view=week&date=2035-03-07").get_data(as_text=True)
    # 7 March 2035 is a Wednesday: the week runs Monday 5 March to Sunday 11 March.
    assert "<caption>2035年3月5日 – 2035年3月11日</caption>" in week
    assert '<th scope="col">周一</th>' in week and '<th scope="col">周日</th>' in week
    assert "2035年3月6日" in week and "2035-03-06<" not in week
    month = client.get("/checkups/calendar?view=month&date=2035-03-01").get_data(as_text=True)
    assert "<caption>2035年3月</caption>" in month and "2035-03<" not in month
    assert '<th scope="col">周一</th>' in month


def test_month_view_reads_as_many_statements_for_many_bookings_as_for_two(
    client, login, dummy_staff, two_bookings, create_checkup, create_lawyer, create_enterprise
):
    from portal.core.db import db
    from tests.fixtures.queries import counted_statements

    login(dummy_staff)
    url = "/checkups/calendar?view=month&date=2035-03-07"
    client.get(url)  # the session's and caches' first reads
    with counted_statements() as two:
        client.get(url)
    for day in (9, 12, 14, 27):
        create_checkup(
            enterprise=create_enterprise(name=f"日历{day}号公司", address="沈阳"),
            lawyers=[create_lawyer(name=f"律师{day}"), create_lawyer()],
            start=ops.to_utc(date(2035, 3, day), time(10)),
        )
    db.session.commit()
    client.get(url)
    with counted_statements() as six:
        page = client.get(url).get_data(as_text=True)
    assert len(six) == len(two), "\n".join(s[:150] for s in six)
    assert all(f"日历{day}号公司" in page and f"律师{day}" in page for day in (9, 12, 14, 27))
