"""Many lawyers claim one question at the same moment: exactly one wins, on SQLite and PostgreSQL."""

import pytest

from knowledge import operations
from knowledge.models import Question, QuestionEvent, QuestionStatus
from knowledge.workflow import TransitionError
from portal.accounts.models import User
from portal.core.db import db
from tests.fixtures.concurrency import requests_at_once

THREADS = 12


def _prepare(create_lawyer, create_question):
    lawyers = [create_lawyer(industries="C", specialities=("contract",)) for _ in range(THREADS)]
    question = create_question()
    assert question.status == QuestionStatus.pool and len(question.offers) == THREADS
    db.session.commit()
    return question.id, [lawyer.id for lawyer in lawyers]


def _race(app, question_id, lawyer_ids):

    def claim(lawyer_id):
        lawyer = db.session.get(User, lawyer_id)
        operations.claim(db.session.get(Question, question_id), lawyer)
        return lawyer_id

    results = requests_at_once(app, claim, [(lid,) for lid in lawyer_ids])
    errors = [o.error for o in results if not o.ok and not isinstance(o.error, TransitionError)]
    assert not errors, errors  # anything else is a failure of the test
    outcomes = [("won", o.value) if o.ok else ("lost", str(o.error)) for o in results]
    winners = [who for result, who in outcomes if result == "won"]
    assert len(winners) == 1, outcomes
    assert all(
        "already been claimed" in msg or "已被其他律师领取" in msg
        for result, msg in outcomes
        if result == "lost"
    ), outcomes
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question.status == QuestionStatus.claimed
        assert question.lawyer_id == winners[0]
        claims = db.session.scalars(
            db.select(QuestionEvent).where(
                QuestionEvent.question_id == question_id, QuestionEvent.to_status == "claimed"
            )
        ).all()
        assert len(claims) == 1
        db.session.remove()


@pytest.mark.concurrency
def test_one_of_many_concurrent_claims_wins(shared_app, create_lawyer, create_question):
    """On a SQLite file, or on PostgreSQL when TEST_DATABASE_URL is set."""
    with shared_app.app_context():
        question_id, lawyer_ids = _prepare(create_lawyer, create_question)
        db.session.remove()
    _race(shared_app, question_id, lawyer_ids)
