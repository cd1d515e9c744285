"""What the search engine indexes from ask-a-lawyer: private questions and public articles."""

from sqlalchemy import select

from knowledge.models import KnowledgeArticle, MessageKind, Question, QuestionStatus
from knowledge.urls import article_url, question_url
from portal.core.db import db


def question_document(question_id) -> dict | None:
    question = db.session.get(Question, question_id)
    if question is None or question.status == QuestionStatus.draft:
        return None
    access = ["staff", f"enterprise:{question.enterprise_id}"]
    lawyer = question.lawyer
    # A lawyer who declared a conflict with the firm is refused the page: not indexed for them.
    if lawyer is not None and not (
        lawyer.lawyer_profile and lawyer.lawyer_profile.has_conflict_with(question.enterprise_id)
    ):
        access.append(f"user:{lawyer.id}")
    answers = "\n\n".join(m.body for m in question.messages if m.kind == MessageKind.answer)
    return {
        "kind": "question",
        "id": question.id,
        "title": question.title,
        "body": f"{question.body}\n\n{answers}".strip(),
        "url": question_url(question.id),
        "date": question.submitted_dt or question.created_dt,
        "category": question.category.code if question.category else "",
        "industry": question.industry or "",
        "access": access,
        "status": str(question.status),
    }


def question_search_text(question_id) -> str | None:
    """The words the question's page searches the statutes with ("可能适用的法条", the firm's
    look-up); its vector is stored by the indexer (knowledge.search.query_vectors)."""
    from knowledge.laws.suggest import question_text

    question = db.session.get(Question, question_id)
    return None if question is None else question_text(question.title, question.body)


def question_ids():
    return db.session.scalars(
        select(Question.id).where(Question.status != QuestionStatus.draft)
    ).all()


def article_document(article_id) -> dict | None:
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None or not article.is_published:
        return None
    return {
        "kind": "kb_article",
        "id": article.id,
        "title": article.title,
        "body": f"{article.question_text}\n\n{article.answer_text}",
        "url": article_url(article.id),
        "date": article.published_dt,
        "category": article.category.code if article.category else "",
        "industry": article.industry or "",
        "access": ["public"],
    }


def article_ids():
    return db.session.scalars(
        select(KnowledgeArticle.id).where(KnowledgeArticle.is_published.is_(True))
    ).all()


def describe_question(question_id):
    question = db.session.get(Question, question_id)
    if question is None:
        return (f"questions #{question_id}", "")
    return (question.title, question_url(question.id))


# ---------------------------------------------------------------- who may open the hits


def questions_allowed(user, ids) -> set:
    """The question pages (of these ids) the user may open: the page's own rule."""
    from knowledge.permissions import can_view_question
    from knowledge.search.access import ids_passing

    questions = db.session.scalars(select(Question).where(Question.id.in_(list(ids))))
    return ids_passing(questions, can_view_question, user)


def articles_allowed(user, ids) -> set:
    return set(
        db.session.scalars(
            select(KnowledgeArticle.id).where(
                KnowledgeArticle.id.in_(list(ids)), KnowledgeArticle.is_published.is_(True)
            )
        )
    )


def requeue_on_visibility_change(event, **data):
    """Questions whose readers changed: a lawyer's conflict with a firm, an account's status."""
    from knowledge.search.outbox import enqueue

    stmt = None
    if event == "conflict":
        stmt = select(Question.id).where(
            Question.enterprise_id == data["enterprise_id"],
            Question.lawyer_id == data["lawyer_id"],
        )
    elif event == "account":
        user = data["user"]
        if user.enterprise_id is not None:
            stmt = select(Question.id).where(Question.enterprise_id == user.enterprise_id)
        else:
            stmt = select(Question.id).where(Question.lawyer_id == user.id)
    if stmt is None:
        return
    for question_id in db.session.scalars(stmt.where(Question.status != QuestionStatus.draft)):
        enqueue("question", question_id)
