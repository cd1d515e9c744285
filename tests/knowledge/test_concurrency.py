"""Many lawyers claim one question at the same moment: exactly one wins, on SQLite and PostgreSQL."""

import pytest

import portal
from knowledge import operations
from knowledge.models import Question, QuestionEvent, QuestionStatus
from knowledge.workflow import TransitionError
from portal.accounts.models import User
from portal.config import TestingConfig
from portal.core.db import db
from portal.demo import ensure_categories
from tests.fixtures.app import ON_POSTGRES
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
def test_one_of_many_concurrent_claims_wins_on_sqlite_file(
    committing_db, tmp_path, create_lawyer, create_question
):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'race.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")
        SEARCH_INDEX_DIR = str(tmp_path / "index")

    app = portal.create_app(Config)
    with app.app_context():
        db.create_all()
        ensure_categories()
        question_id, lawyer_ids = _prepare(create_lawyer, create_question)
        db.session.remove()
    try:
        _race(app, question_id, lawyer_ids)
    finally:
        with app.app_context():
            db.engine.dispose()  # close the threads' pooled connections now, not at exit
    with app.app_context():
        db.engine.dispose()


@pytest.mark.concurrency
@pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL=postgresql://...")
def test_one_of_many_concurrent_claims_wins_on_postgresql(
    app, committing_db, create_lawyer, create_question
):
    with app.app_context():
        question_id, lawyer_ids = _prepare(create_lawyer, create_question)
        db.session.remove()
    try:
        _race(app, question_id, lawyer_ids)
    finally:
        with app.app_context():
            db.engine.dispose()  # close the threads' pooled connections now, not at exit
