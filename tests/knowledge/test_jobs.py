"""Periodic jobs: overdue flags, reminders, auto-close; CLI commands that are safe to repeat."""

from datetime import timedelta

from sqlalchemy import func, select

from knowledge import operations
from knowledge.models import QuestionStatus as S
from portal.core import clock
from portal.core.db import utcnow
from portal.notifications.models import Notification


def _notes(db_session, user):
    return db_session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )


def test_overdue_is_flagged_to_staff_once(
    db_session, create_question, matching_lawyer, dummy_staff
):
    with clock.frozen(utcnow() - timedelta(days=20)):
        question = create_question()
    assert operations.flag_overdue() == [question]
    assert operations.flag_overdue() == []
    assert _notes(db_session, dummy_staff) == 1


def test_waiting_for_the_enterprise_is_not_overdue(create_question, matching_lawyer):
    with clock.frozen(utcnow() - timedelta(days=20)):
        question = create_question()
        operations.claim(question, matching_lawyer)
        operations.request_info(question, matching_lawyer, "请补充。")
    assert question not in operations.overdue_questions()


def test_reminder_before_the_deadline_sent_once(db_session, create_question, matching_lawyer):
    question = create_question()
    before = _notes(db_session, matching_lawyer)
    soon = question.deadline_dt - timedelta(hours=2)
    assert operations.send_reminders(now=soon) == 1
    assert operations.send_reminders(now=soon) == 0
    assert _notes(db_session, matching_lawyer) == before + 1


def test_autoclose_after_n_days_and_only_once(answered_question):
    later = answered_question.answered_dt + timedelta(days=15)
    assert operations.autoclose(now=later, days=14) == [answered_question]
    assert answered_question.status == S.closed
    assert operations.autoclose(now=later, days=14) == []


def test_autoclose_leaves_recent_answers(answered_question):
    assert operations.autoclose(days=14) == []
    assert answered_question.status == S.answered


def test_cli_commands_run_and_repeat(app, committing_db, create_question, matching_lawyer):
    with clock.frozen(utcnow() - timedelta(days=30)):
        question = create_question(title="超期未答的问题")
        operations.claim(question, matching_lawyer)
    committing_db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["questions", "overdue"])
    assert first.exit_code == 0, first.output
    assert "超期未答的问题" in first.output and "1 newly flagged" in first.output
    second = runner.invoke(args=["questions", "overdue"])
    assert second.exit_code == 0 and "0 newly flagged" in second.output
    for _ in range(2):
        result = runner.invoke(args=["questions", "autoclose"])
        assert result.exit_code == 0 and "0 questions closed" in result.output
    assert runner.invoke(args=["questions", "remind"]).exit_code == 0
