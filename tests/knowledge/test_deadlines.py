"""The working-day clock: Spring Festival and National Day 2026 with their make-up days; pauses."""

from knowledge import operations
from knowledge.deadlines import deadline_for
from knowledge.models import QuestionStatus
from portal.core import clock


def utc(*args):
    """A Beijing wall-clock time, as the naive UTC we store."""
    return clock.local(*args)


def test_spring_festival_2026_holidays_are_skipped():
    # Friday 13 Feb 2026, 10:00 Shanghai. Sat 14 Feb is a make-up working day; 15-23 Feb are off.
    assert deadline_for(utc(2026, 2, 13, 10), 1) == utc(2026, 2, 14, 10)
    assert deadline_for(utc(2026, 2, 13, 10), 3) == utc(2026, 2, 25, 10)


def test_make_up_saturday_after_spring_festival_counts():
    # Thu 26 Feb + 2 working days: Fri 27, Sat 28 (make-up day) -> Sat 28 Feb.
    assert deadline_for(utc(2026, 2, 26, 9), 2) == utc(2026, 2, 28, 9)


def test_national_day_2026_and_its_make_up_days():
    # Wed 30 Sep + 3: 1-7 Oct off, Thu 8, Fri 9, Sat 10 (make-up) -> Sat 10 Oct.
    assert deadline_for(utc(2026, 9, 30, 15), 3) == utc(2026, 10, 10, 15)
    # Sat 19 Sep + 1: Sun 20 Sep is a make-up working day.
    assert deadline_for(utc(2026, 9, 19, 11), 1) == utc(2026, 9, 20, 11)
    # Thu 24 Sep + 1: Fri 25 Sep (Mid-Autumn) and the weekend are off -> Mon 28 Sep.
    assert deadline_for(utc(2026, 9, 24, 11), 1) == utc(2026, 9, 28, 11)


def test_late_evening_counts_on_the_shanghai_calendar():
    # 23:30 on Fri 30 Jan 2026 in Shanghai is 15:30 UTC the same day; +1 working day -> Mon 2 Feb.
    assert deadline_for(clock.utc(2026, 1, 30, 15, 30), 1) == clock.utc(2026, 2, 2, 15, 30)


def test_unknown_year_counts_weekends_only_without_error():
    assert deadline_for(utc(2027, 3, 5, 10), 1) == utc(2027, 3, 8, 10)


def test_waiting_for_the_enterprise_stops_the_clock(
    create_question, matching_lawyer, create_enterprise_user
):
    with clock.frozen(utc(2026, 9, 28, 10)):  # Monday
        question = create_question()
    assert question.deadline_dt == utc(2026, 10, 8, 10)  # Tue, Wed, then 1-7 Oct off, Thu
    with clock.frozen(utc(2026, 9, 29, 10)):
        operations.claim(question, matching_lawyer)
        operations.request_info(question, matching_lawyer, "请上传合同。")
    assert question.status == QuestionStatus.needs_info
    # The enterprise replies on Fri 9 Oct: Wed 30 Sep, Thu 8 and Fri 9 Oct were working days.
    with clock.frozen(utc(2026, 10, 9, 10)):
        operations.reply_info(question, question.asker, "合同已上传。")
    assert question.status == QuestionStatus.claimed
    assert question.lawyer == matching_lawyer
    # The deadline (Thu 8 Oct) moves by those three working days: Fri 9, Sat 10 (make-up), Mon 12.
    assert question.deadline_dt == utc(2026, 10, 12, 10)
    assert question.paused_seconds == 10 * 24 * 3600
    assert question.paused_since_dt is None
