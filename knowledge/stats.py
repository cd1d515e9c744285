"""Monthly figures of ask-a-lawyer (for staff, the dashboard and the XLSX export)."""

import functools
from collections import defaultdict
from datetime import datetime
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select

from knowledge.models import Question, QuestionStatus
from portal.accounts.models import enterprise_chambers
from portal.core import cache, clock
from portal.core.db import db
from portal.core.exports import XlsxBook
from portal.core.i18n import current_language
from portal.core.labels import lawyer_labels
from portal.core.models import LegalCategory
from portal.core.reference import industry_name, localized


def month_bounds(month: str | None) -> tuple[datetime, datetime, str]:
    """'2026-03' -> [start, end) of that Beijing month as naive UTC, and the month's name;
    anything unreadable means this month (the same bounds the dashboard uses)."""
    first = clock.parse_month(month) or clock.today().replace(day=1)
    start, end = clock.month_bounds_utc(first)
    return start, end, first.strftime("%Y-%m")


def _hours(question) -> float:
    spent = (question.first_answer_dt - question.submitted_dt).total_seconds()
    return max(0.0, spent - question.paused_seconds) / 3600


def _summary(asked, answered) -> dict:
    hours = [_hours(q) for q in answered]
    within = [q for q in answered if q.deadline_dt is None or q.first_answer_dt <= q.deadline_dt]
    return {
        "asked": len(asked),
        "answered": len(answered),
        "median_hours": round(median(hours), 1) if hours else None,
        "within_deadline": round(100 * len(within) / len(answered)) if answered else None,
        "enterprises_answered": len({q.enterprise_id for q in answered}),
    }


def _asked_answered(start: datetime, end: datetime, chamber_id: int | None = None):
    """The questions asked, and those first answered, in [start, end) (optionally of one
    chamber's member firms), as rows of only the columns the figures need (not whole questions
    with their category)."""
    stmt = (
        select(
            Question.submitted_dt,
            Question.first_answer_dt,
            Question.paused_seconds,
            Question.deadline_dt,
            Question.enterprise_id,
            Question.industry,
            Question.lawyer_id,
            LegalCategory.name_zh,
            LegalCategory.name_en,
        )
        .join(LegalCategory, LegalCategory.id == Question.category_id)
        .where(
            Question.status != QuestionStatus.draft,
            or_(
                Question.submitted_dt.between(start, end),
                Question.first_answer_dt.between(start, end),
            ),
        )
    )
    if chamber_id is not None:
        stmt = stmt.where(
            Question.enterprise_id.in_(
                select(enterprise_chambers.c.enterprise_id).where(
                    enterprise_chambers.c.chamber_id == chamber_id
                )
            )
        )
    rows = db.session.execute(stmt).all()
    asked = [q for q in rows if q.submitted_dt and start <= q.submitted_dt < end]
    answered = [q for q in rows if q.first_answer_dt and start <= q.first_answer_dt < end]
    return asked, answered


def figures(start: datetime, end: datetime, chamber_id: int | None = None) -> dict:
    """Asked, answered, median hours to first answer (clock stopped while waiting), share within
    the deadline; overall and by category, industry and lawyer; optionally only the questions
    of one chamber's member firms."""
    asked, answered = _asked_answered(start, end, chamber_id)
    groups = {"category": {}, "industry": {}, "lawyer": {}}
    keyed = {
        "category": lambda q: localized(q.name_zh, q.name_en),
        "industry": lambda q: f"{q.industry} · {industry_name(q.industry)}",
        "lawyer": lambda q: q.lawyer_id,
    }
    for name, key in keyed.items():
        asked_by, answered_by = defaultdict(list), defaultdict(list)
        for q in asked:
            asked_by[key(q)].append(q)
        for q in answered:
            answered_by[key(q)].append(q)
        for k in sorted(set(asked_by) | set(answered_by), key=lambda x: str(x)):
            groups[name][k] = _summary(asked_by[k], answered_by[k])
    # Shown by name, told apart by law firm when two lawyers share one: keyed by name alone,
    # the second 张伟's row replaced the first's.
    lawyers = lawyer_labels(groups["lawyer"])
    groups["lawyer"] = {
        (lawyers.get(k) if k else _("Not assigned")): v for k, v in groups["lawyer"].items()
    }
    return {"total": _summary(asked, answered), **groups}


# How long the staff page's figures are kept in the short shared cache (seconds), as the
# dashboard keeps its sections: they group every question of the month in Python (~4,000 at
# scale 1, some 25 ms), and their tables have a row per lawyer (~300; writing them cost 5 ms).
# No write drops them: a question asked or answered shows within this time. The XLSX export
# computes them afresh.
FIGURES_TTL = 60


def figures_key(start: datetime, end: datetime, chamber_id: int | None = None) -> str:
    """The cache key of figures() as the staff page writes them: per period, chamber and
    language (the categories, industries, "Not assigned" and the headings are translated)."""
    return (
        f"stats:questions:{start.isoformat()}:{end.isoformat()}:{chamber_id or ''}:"
        f"{current_language()}"
    )


def stats_for_dashboard(start, end, chamber_id=None) -> dict:
    total = _summary(*_asked_answered(start, end, chamber_id))
    return {
        "label": _("Ask a lawyer"),
        "figures": [
            (_("Questions asked"), total["asked"]),
            (_("Questions answered"), total["answered"]),
            (_("Enterprises answered"), total["enterprises_answered"]),
            (_("Median hours to first answer"), total["median_hours"]),
            (_("Answered within the deadline (per cent)"), total["within_deadline"]),
        ],
        **total,
    }


# A lawyer's own figures ("My statistics") are kept this long in the short shared cache: they
# read every question the lawyer ever answered (~340 for the busiest lawyer at scale 1). The
# lawyer's answer and the firm's rating drop them at once (operations.answer, operations.rate),
# the only steps that change an answered question's figures; a change made outside them (a
# question deleted or corrected in the database) shows up to this many seconds late.
LAWYER_FIGURES_TTL = 30


def lawyer_figures_key(lawyer_id: int) -> str:
    return f"stats:lawyer:{lawyer_id}"


@functools.cache
def _answered_statement():
    """What the figures read of each question the lawyer answered (run with the lawyer's id):
    six columns, not whole questions with their texts; built once."""
    return select(
        Question.submitted_dt,
        Question.first_answer_dt,
        Question.paused_seconds,
        Question.deadline_dt,
        Question.enterprise_id,
        Question.rating,
    ).where(Question.lawyer_id == bindparam("lawyer_id"), Question.first_answer_dt.is_not(None))


def lawyer_figures(lawyer) -> dict:
    """The lawyer's answered questions, enterprises answered, median hours to first answer,
    share within the deadline and average rating (kept LAWYER_FIGURES_TTL seconds)."""
    return cache.get_or_set(
        lawyer_figures_key(lawyer.id), LAWYER_FIGURES_TTL, lambda: _lawyer_figures(lawyer.id)
    )


def _lawyer_figures(lawyer_id: int) -> dict:
    # Plain rows through the connection: building ORM objects cost more than the figures.
    answered = db.session.connection().execute(_answered_statement(), {"lawyer_id": lawyer_id})
    answered = answered.all()
    summary = _summary(answered, answered)
    ratings = [q.rating for q in answered if q.rating]
    summary["rating"] = round(sum(ratings) / len(ratings), 1) if ratings else None
    summary["rated"] = len(ratings)
    return summary


def figures_xlsx(data: dict, month: str) -> bytes:
    columns = [
        ("asked", _("Asked")),
        ("answered", _("Answered")),
        ("median_hours", _("Median hours to first answer")),
        ("within_deadline", _("Within deadline (per cent)")),
        ("enterprises_answered", _("Enterprises answered")),
    ]
    book = XlsxBook()
    book.add_sheet(
        _("Total"),
        heading=f"{_('Ask a lawyer')} · {month}",
        header=[label for _key, label in columns],
        rows=[[data["total"][key] for key, _label in columns]],
    )
    for name, title in (
        ("category", _("By category")),
        ("industry", _("By industry")),
        ("lawyer", _("By lawyer")),
    ):
        book.add_sheet(
            title,
            header=[title, *[label for _key, label in columns]],
            rows=[
                [str(key), *[values[k] for k, _label in columns]]
                for key, values in data[name].items()
            ],
        )
    return book.to_bytes()
