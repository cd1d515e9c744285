"""The demo loader: sample questions over every state, answers citing statutes, run twice safely."""

from sqlalchemy import func, select

from knowledge.demo import load_questions
from knowledge.models import KnowledgeArticle, Question, QuestionEvent, QuestionMessage
from portal.demo import load_core


def _counts(db_session):
    return tuple(
        db_session.scalar(select(func.count()).select_from(model))
        for model in (Question, QuestionMessage, QuestionEvent, KnowledgeArticle)
    )


def test_demo_questions_load_once_and_cover_the_states(app, db_session):
    load_core(app)
    load_questions(app)
    first = _counts(db_session)
    load_core(app)
    load_questions(app)
    assert _counts(db_session) == first
    assert first[0] >= 80
    states = set(db_session.scalars(select(Question.status).distinct()))
    assert {"draft", "pool", "claimed", "needs_info", "answered", "follow_up", "closed"} <= states
    assert {"withdrawn", "submitted"} <= states
    answers = db_session.scalars(select(QuestionMessage.body)).all()
    assert any("《民法典》第五百七十七条" in body for body in answers)
    published = db_session.scalars(
        select(KnowledgeArticle).where(KnowledgeArticle.is_published.is_(True))
    ).all()
    assert published
    for article in published:
        firm = article.question.enterprise.name
        assert firm not in article.question_text
    askers = db_session.scalar(select(func.count(func.distinct(Question.enterprise_id))))
    assert askers > 20
