"""Scheduling: no lawyer and no firm double-booked (in the database), batches, bad times."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.checkups import operations as ops
from portal.checkups.models import Booking, Checkup, Status
from portal.core import clock
from portal.core.db import db
from tests.fixtures.programmes import next_free_start

pytestmark = pytest.mark.usefixtures("babel_request_ctx")


def _count_checkups():
    return db.session.scalar(select(func.count()).select_from(Checkup))


def test_a_lawyer_cannot_be_booked_for_overlapping_times(create_checkup, create_lawyer):
    lawyer = create_lawyer(name="周律师")
    start = next_free_start()
    create_checkup(lawyers=[lawyer], start=start)
    with pytest.raises(ops.CheckupError) as refused:
        create_checkup(lawyers=[lawyer], start=start + timedelta(minutes=90))
    assert any("周律师" in p for p in refused.value.problems)


def test_a_firm_cannot_be_booked_for_overlapping_times(create_checkup, create_enterprise):
    firm = create_enterprise(name="沈阳重叠测试有限公司", address="沈阳市")
    start = next_free_start()
    create_checkup(enterprise=firm, start=start)
    with pytest.raises(ops.CheckupError) as refused:
        create_checkup(enterprise=firm, start=start + timedelta(minutes=30))
    assert any("沈阳重叠测试有限公司" in p for p in refused.value.problems)


def test_back_to_back_bookings_are_fine(create_checkup, create_lawyer):
    lawyer = create_lawyer()
    start = next_free_start()
    create_checkup(lawyers=[lawyer], start=start, hours=1)
    second = create_checkup(lawyers=[lawyer], start=start + timedelta(hours=1), hours=1)
    assert second.id


def test_the_database_itself_refuses_a_second_booking_of_a_lawyer_slot(dummy_checkup):
    lawyer_id = dummy_checkup.assignments[0].lawyer_id
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Booking(
                checkup_id=dummy_checkup.id, lawyer_id=lawyer_id, slot_dt=dummy_checkup.start_dt
            )
        )
        db.session.flush()


def test_the_database_itself_refuses_a_second_booking_of_a_firm_slot(dummy_checkup):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Booking(
                checkup_id=dummy_checkup.id,
                enterprise_id=dummy_checkup.enterprise_id,
                slot_dt=dummy_checkup.start_dt,
            )
        )
        db.session.flush()


def test_booking_rows_cover_every_half_hour_for_firm_and_each_lawyer(create_checkup, create_lawyer):
    checkup = create_checkup(lawyers=[create_lawyer(), create_lawyer()], hours=2)
    rows = db.session.scalars(select(Booking).where(Booking.checkup_id == checkup.id)).all()
    assert len(rows) == 4 * 3  # four slots, one firm and two lawyers


def test_odd_times_round_outwards_to_whole_slots():
    start = clock.utc(2030, 5, 5, 1, 10)
    assert ops.slots_between(start, start + timedelta(minutes=30)) == [
        clock.utc(2030, 5, 5, 1, 0),
        clock.utc(2030, 5, 5, 1, 30),
    ]


def test_cancelling_frees_the_slots(create_checkup, create_lawyer, dummy_staff):
    lawyer = create_lawyer()
    start = next_free_start()
    first = create_checkup(lawyers=[lawyer], start=start)
    ops.transition(first, Status.cancelled, dummy_staff, note="企业停业")
    assert create_checkup(lawyers=[lawyer], start=start).id


def test_rescheduling_moves_the_bookings_and_bumps_the_sequence(dummy_checkup, dummy_staff):
    new_start = next_free_start()
    ops.reschedule(dummy_checkup, new_start, new_start + timedelta(hours=1), dummy_staff)
    slots = db.session.scalars(
        select(Booking.slot_dt).where(Booking.checkup_id == dummy_checkup.id).distinct()
    ).all()
    assert sorted(slots) == [new_start, new_start + timedelta(minutes=30)]
    assert dummy_checkup.sequence == 1


def test_rescheduling_onto_a_busy_lawyer_is_refused_and_keeps_the_old_time(
    create_checkup, create_lawyer, dummy_staff
):
    lawyer = create_lawyer()
    busy = create_checkup(lawyers=[lawyer])
    other = create_checkup(lawyers=[lawyer])
    old_start = other.start_dt
    with pytest.raises(ops.CheckupError), db.session.begin_nested():
        ops.reschedule(other, busy.start_dt, busy.end_dt, dummy_staff)
    db.session.refresh(other)
    assert other.start_dt == old_start


def _form(enterprise, lawyers, **overrides):
    data = {
        "enterprise": enterprise.id,
        "lawyers": [lawyer.id for lawyer in lawyers],
        "mode": "onsite",
        "address": "沈阳市沈河区北京街9号",
        "meeting_url": "",
        "day": "2031-03-04",
        "start_time": "09:00",
        "end_time": "11:00",
    }
    data.update(overrides)
    return data


def test_staff_schedule_through_the_form_and_people_are_told(
    client, login, dummy_staff, create_enterprise_user, create_lawyer
):
    firm_user = create_enterprise_user()
    lawyer = create_lawyer()
    login(dummy_staff)
    response = client.post("/checkups/new", data=_form(firm_user.enterprise, [lawyer]))
    assert response.status_code == 302
    checkup = db.session.scalar(
        select(Checkup).where(Checkup.enterprise_id == firm_user.enterprise_id)
    )
    assert checkup.start_dt == clock.utc(2031, 3, 4, 1, 0)  # 09:00 in Shanghai
    assert checkup.status == Status.scheduled
    client.get("/")  # the notifications are there for both
    from portal.notifications.models import Notification

    told = set(db.session.scalars(select(Notification.user_id)))
    assert {firm_user.id, lawyer.id} <= told


def test_overlapping_booking_through_the_form_is_refused_with_the_input_kept(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    lawyer = create_lawyer(name="冲突律师")
    login(dummy_staff)
    first = _form(create_enterprise(), [lawyer])
    assert client.post("/checkups/new", data=first).status_code == 302
    before = _count_checkups()
    second = _form(create_enterprise(), [lawyer], start_time="10:30", end_time="12:00")
    response = client.post("/checkups/new", data=second)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "冲突律师" in page
    assert 'value="10:30"' in page and "沈阳市沈河区北京街9号" in page
    assert _count_checkups() == before


def test_end_before_start_is_refused_with_a_message(
    client, login, dummy_staff, dummy_enterprise, create_lawyer
):
    login(dummy_staff)
    before = _count_checkups()
    response = client.post(
        "/checkups/new",
        data=_form(dummy_enterprise, [create_lawyer()], start_time="11:00", end_time="09:30"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is-invalid" in page and 'value="09:30"' in page
    assert _count_checkups() == before


def test_end_before_start_is_refused_by_the_operation_too(
    dummy_enterprise, create_lawyer, dummy_staff
):
    start = next_free_start()
    with pytest.raises(ops.CheckupError) as refused:
        ops.schedule(
            dummy_enterprise, [create_lawyer()], start, start - timedelta(hours=1), dummy_staff
        )
    assert refused.value.problems


def test_online_check_up_needs_a_meeting_link(dummy_enterprise, create_lawyer, dummy_staff):
    start = next_free_start()
    with pytest.raises(ops.CheckupError):
        ops.schedule(
            dummy_enterprise,
            [create_lawyer()],
            start,
            start + timedelta(hours=1),
            dummy_staff,
            mode="online",
        )


def test_a_batch_gives_each_chamber_member_the_next_slot_on_working_days(
    create_chamber, create_enterprise, create_lawyer, dummy_staff
):
    from datetime import date, time

    chamber = create_chamber()
    firms = [create_enterprise(chambers=[chamber], address="沈阳市") for _ in range(5)]
    lawyer = create_lawyer()
    # Friday 2030-03-01 and Monday 2030-03-04 (a weekend in between); room for 3 firms a day;
    # 80 minutes are rounded up to three half hours.
    created = ops.schedule_batch(
        firms, [lawyer], date(2030, 3, 1), date(2030, 3, 4), time(9), time(13, 30), 80, dummy_staff
    )
    assert [c.enterprise_id for c in created] == [f.id for f in firms]
    local = [ops.to_local(c.start_dt) for c in created]
    assert [t.strftime("%m-%d %H:%M") for t in local] == [
        "03-01 09:00",
        "03-01 10:30",
        "03-01 12:00",
        "03-04 09:00",
        "03-04 10:30",
    ]
    assert len({c.batch for c in created}) == 1


def test_a_batch_that_does_not_fit_schedules_nothing(create_enterprise, create_lawyer, dummy_staff):
    from datetime import date, time

    firms = [create_enterprise(address="沈阳市") for _ in range(3)]
    before = _count_checkups()
    with pytest.raises(ops.CheckupError), db.session.begin_nested():
        ops.schedule_batch(
            firms,
            [create_lawyer()],
            date(2030, 3, 1),
            date(2030, 3, 1),
            time(9),
            time(11),
            60,
            dummy_staff,
        )
    assert _count_checkups() == before


def test_a_batch_skips_slots_where_the_lawyer_is_busy(
    create_checkup, create_enterprise, create_lawyer, dummy_staff
):
    from datetime import date, time

    lawyer = create_lawyer()
    busy = create_checkup(lawyers=[lawyer], start=ops.to_utc(date(2030, 3, 1), time(9)), hours=1)
    created = ops.schedule_batch(
        [create_enterprise(address="沈阳市")],
        [lawyer],
        date(2030, 3, 1),
        date(2030, 3, 1),
        time(9),
        time(17),
        60,
        dummy_staff,
    )
    assert created[0].start_dt == busy.end_dt


def test_batch_page_schedules_a_chamber(
    client, login, dummy_staff, create_chamber, create_enterprise, create_lawyer
):
    chamber = create_chamber()
    for _ in range(2):
        create_enterprise(chambers=[chamber], address="沈阳市")
    lawyer = create_lawyer()
    login(dummy_staff)
    response = client.post(
        "/checkups/batch",
        data={
            "chamber": chamber.id,
            "lawyers": [lawyer.id],
            "mode": "onsite",
            "meeting_url": "",
            "first_day": "2032-06-07",
            "last_day": "2032-06-08",
            "day_start": "09:00",
            "day_end": "12:00",
            "minutes": "90",
        },
    )
    assert response.status_code == 302
    count = db.session.scalar(select(func.count()).select_from(Checkup).where(Checkup.batch != ""))
    assert count == 2
