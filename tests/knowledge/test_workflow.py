"""The question's state machine: every allowed pair works for someone, every other pair is refused."""

import itertools

import pytest
from sqlalchemy import select

from knowledge.models import QuestionEvent, QuestionOffer
from knowledge.models import QuestionStatus as S
from knowledge.workflow import TRANSITIONS, TransitionError, transition
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from tests.fixtures.queries import counted_statements


@pytest.fixture
def actors(create_enterprise_user, matching_lawyer, dummy_staff):
    return {"asker": create_enterprise_user(), "lawyer": matching_lawyer, "staff": dummy_staff}


def _question_in(status, actors, create_question, db_session):
    question = create_question(asker=actors["asker"], submit=False)
    question.status = status  # test set-up only: put the question straight into the state
    if status in (S.assigned, S.claimed, S.needs_info, S.answered, S.follow_up):
        question.lawyer = actors["lawyer"]
    if status == S.pool:
        question.offers.append(QuestionOffer(lawyer_id=actors["lawyer"].id))
    db_session.flush()
    return question


def _try_everyone(question, to, actors):
    """Returns who managed the transition (None when nobody may)."""
    for name, user in [*actors.items(), ("system", None)]:
        try:
            transition(question, to, user, lawyer=actors["lawyer"])
        except TransitionError:
            continue
        return name
    return None


@pytest.mark.parametrize("source,to", sorted(TRANSITIONS, key=str))
def test_every_allowed_transition_works(source, to, actors, create_question, db_session):
    question = _question_in(source, actors, create_question, db_session)
    assert _try_everyone(question, to, actors) is not None
    assert question.status == to
    event = db_session.scalar(select(QuestionEvent).where(QuestionEvent.question_id == question.id))
    assert (event.from_status, event.to_status) == (source, to)
    assert db_session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "questions", AuditEntry.action == f"question.{to}"
        )
    )


def test_every_other_transition_is_refused(actors, create_question, db_session):
    refused = [pair for pair in itertools.product(list(S), list(S)) if pair not in TRANSITIONS]
    assert len(refused) > 80
    for source, to in refused:
        question = _question_in(source, actors, create_question, db_session)
        assert _try_everyone(question, to, actors) is None, (source, to)
        assert question.status == source


def test_a_stranger_may_not_move_a_question(
    create_question, create_enterprise_user, dummy_question
):
    stranger = create_enterprise_user()
    with pytest.raises(TransitionError):
        transition(dummy_question, S.withdrawn, stranger)
    assert dummy_question.status == S.pool


def test_answer_notifies_the_firm(answered_question, db_session):
    notes = db_session.scalars(
        select(Notification).where(Notification.user_id == answered_question.asker_id)
    ).all()
    assert any(answered_question.title in n.text for n in notes)


def test_a_refused_change_keeps_the_questions_other_unsaved_changes(dummy_question, db_session):
    from datetime import timedelta

    from sqlalchemy import inspect, update

    from knowledge.models import Question
    from portal.core import clock

    # Someone else moved it meanwhile, unknown to this session.
    db_session.execute(
        update(Question)
        .where(Question.id == dummy_question.id)
        .values(status=S.withdrawn)
        .execution_options(synchronize_session=False)
    )
    later = clock.now_utc().replace(microsecond=0) + timedelta(days=30)
    dummy_question.deadline_dt = later
    with pytest.raises(TransitionError):
        transition(dummy_question, S.assigned, None)
    # Not written with the refused UPDATE, still to be written (or rolled back) by the caller.
    assert inspect(dummy_question).attrs.deadline_dt.history.added == [later]
    db_session.flush()
    db_session.expire(dummy_question)
    assert dummy_question.deadline_dt == later and dummy_question.status == S.withdrawn


def test_the_questions_unsaved_changes_are_written_with_the_status(
    dummy_question, matching_lawyer, db_session
):
    from datetime import timedelta

    from sqlalchemy import inspect

    from portal.core import clock

    later = clock.now_utc().replace(microsecond=0) + timedelta(days=30)
    dummy_question.deadline_dt = later
    dummy_question.routing_mode = "direct"
    transition(dummy_question, S.assigned, None, lawyer=matching_lawyer)
    assert not inspect(dummy_question).attrs.deadline_dt.history.added
    db_session.flush()
    db_session.expire(dummy_question)
    assert dummy_question.deadline_dt == later and dummy_question.routing_mode == "direct"
    assert dummy_question.status == S.assigned and dummy_question.lawyer_id == matching_lawyer.id


def test_claiming_writes_the_lawyer_and_the_time_with_the_status(
    dummy_question, matching_lawyer, db_session
):
    with counted_statements(db_session.get_bind()) as statements:
        transition(dummy_question, S.claimed, matching_lawyer)
        assert dummy_question.lawyer is matching_lawyer
        db_session.flush()
    assert len([s for s in statements if s.startswith("UPDATE questions")]) == 1
    db_session.expire(dummy_question)
    assert dummy_question.status == S.claimed and dummy_question.lawyer_id == matching_lawyer.id
    assert dummy_question.claimed_dt is not None
