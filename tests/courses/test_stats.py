"""Statistics by month: lectures held, registrations, attendance, replays viewed."""

from datetime import timedelta

from courses import operations
from courses import stats as lecture_stats
from courses.models import AttendanceSource, ReplayView
from portal.core import clock
from portal.core.db import db


def test_stats_count_by_month_and_are_registered(
    app, create_lecture, create_enterprise_user, create_enterprise
):
    lecture = create_lecture(starts_in=timedelta(days=5))
    user = create_enterprise_user()
    operations.register(lecture, user)
    lecture.starts_dt = clock.utc(2025, 3, 10, 11, 30)  # held in March 2025 (Beijing time)
    operations.record_attendance(lecture, create_enterprise(), source=AttendanceSource.imported)
    db.session.add(ReplayView(lecture_id=lecture.id, viewed_dt=clock.utc(2025, 4, 2, 8, 0)))
    db.session.flush()
    start, end = lecture_stats.year_bounds(2025)
    rows = {row["month"]: row for row in lecture_stats.by_month(start, end)}
    assert rows["2025-03"]["lectures_held"] == 1
    assert rows["2025-03"]["attendance"] == 1
    assert rows["2025-04"]["replays_viewed"] == 1
    totals = app.extensions["portal.stats"]["courses"](start, end)
    assert totals == {
        "lectures_held": 1,
        "registrations": 0,  # registered in this year, not 2025
        "attendance": 1,
        "replays_viewed": 1,
    }


def test_month_boundary_is_beijing_time(create_lecture):
    lecture = create_lecture(starts_in=-timedelta(days=1))
    lecture.starts_dt = clock.utc(2025, 5, 31, 17, 0)  # 1 June 01:00 in Beijing
    db.session.flush()
    start, end = lecture_stats.year_bounds(2025)
    months = [row["month"] for row in lecture_stats.by_month(start, end)]
    assert "2025-06" in months and "2025-05" not in months


def test_staff_stats_page(client, login, dummy_staff, create_lecture):
    create_lecture(starts_in=-timedelta(days=1))
    login(dummy_staff)
    response = client.get("/lectures/stats?year=abc")
    assert response.status_code == 200
