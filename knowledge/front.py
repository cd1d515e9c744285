"""Ask-a-lawyer on the public front page: the latest published answers, answers this year."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from knowledge.models import KnowledgeArticle, Question
from portal.core.db import db


def latest_answers():
    articles = db.session.scalars(
        select(KnowledgeArticle)
        .where(KnowledgeArticle.is_published.is_(True))
        .order_by(KnowledgeArticle.published_dt.desc(), KnowledgeArticle.id.desc())
        .limit(5)
    ).all()
    return {
        "title": _("Latest published answers"),
        "items": [
            (a.title, url_for("kb.article", article_id=a.id), a.category.name) for a in articles
        ],
        "empty": _("No answers have been published yet."),
        "link": (_("All published answers"), url_for("kb.index")),
    }


def questions_answered(start, end) -> int:
    """Questions given a first answer in the period."""
    return db.session.scalar(
        select(func.count(Question.id)).where(
            Question.first_answer_dt >= start, Question.first_answer_dt < end
        )
    )
