"""Cards on the home page: the firm's open questions, the lawyer's queue, overdue for staff."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from knowledge.models import OPEN, Question
from portal.accounts.models import Role
from portal.core.db import db
from portal.core.permissions import firm_of, is_staff, is_verified


def _items(questions):
    return [
        (f"{q.title} · {q.status_label}", url_for("knowledge.question", question_id=q.id))
        for q in questions
    ]


def enterprise_section(user):
    if firm_of(user) is None:
        return None
    questions = db.session.scalars(
        select(Question)
        .where(Question.enterprise_id == user.enterprise_id, Question.status.in_(OPEN))
        .order_by(Question.updated_dt.desc())
        .limit(5)
    ).all()
    return {
        "title": _("Our open questions"),
        "items": _items(questions),
        "empty": _("No open questions."),
        "link": (_("Ask a lawyer"), url_for("knowledge.ask")),
    }


def lawyer_section(user):
    if not is_verified(user, Role.lawyer):
        return None
    from knowledge.models import QuestionStatus as S
    from knowledge.operations import lawyer_queue_filter

    held = (Question.lawyer_id == user.id) & Question.status.in_((S.claimed, S.follow_up))
    questions = db.session.scalars(
        select(Question)
        .where(lawyer_queue_filter(user.id) | held)
        .order_by(Question.deadline_dt)
        .limit(5)
    ).all()
    return {
        "title": _("My question queue"),
        "items": _items(questions),
        "empty": _("Your queue is empty."),
        "link": (_("Open my queue"), url_for("knowledge.queue")),
    }


def staff_section(user):
    if not is_staff(user):
        return None
    from knowledge.operations import overdue_questions_stmt

    stmt = overdue_questions_stmt()
    count = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return {
        "title": _("Overdue questions (%(n)s)", n=count),
        "items": _items(db.session.scalars(stmt.limit(5)).all()) if count else [],
        "empty": _("No overdue questions."),
        "link": (_("Questions overview"), url_for("knowledge.staff_overview")),
    }
