"""What a table of questions shows of each row, prepared in Python for the whole table.

The labels of one table repeat (a handful of statuses, categories and industries over 25 rows),
so each is translated once per table instead of once per row, the language is looked up once,
and the rows' links are built from one url_for (portal.core.rowlinks). The template then only
prints strings: a row cost about 60 µs in Jinja calls before (five translations and look-ups of
the request's language, a url_for, the deadline's format).
"""

from dataclasses import dataclass
from datetime import datetime

from flask import request
from markupsafe import Markup

from knowledge.models import STATUS_LABELS, UNANSWERED, URGENCY_LABELS, Question, Urgency
from portal.core.db import utcnow
from portal.core.i18n import format_moment
from portal.core.reference import industry_name, industry_names
from portal.core.rowlinks import row_url
from portal.core.shell import fragment


@dataclass(frozen=True, slots=True)
class QuestionRow:
    href: str
    title: str
    urgent: str  # the urgency's label when the question is urgent, else ""
    category: str
    industry: str  # "C · 制造业"
    firm: str
    status: str
    deadline: str  # formatted in Beijing time, "" without a deadline
    overdue: bool


class _Labels(dict):
    """Each key's label computed on first use (translated once per table)."""

    def __init__(self, label):
        super().__init__()
        self.label = label

    def __missing__(self, key):
        value = self[key] = self.label(key)
        return value


def question_rows(questions: list[Question], show_firm: bool = False) -> list[QuestionRow]:
    """The table's rows, in the order given. `show_firm` reads each question's enterprise
    (loaded with the rows by the caller)."""
    if not questions:
        return []
    href = row_url("knowledge.question", "question_id")
    categories = _Labels(lambda category: category.name)
    industries = _Labels(lambda code: f"{code} · {industry_name(code)}")
    statuses = _Labels(lambda status: str(STATUS_LABELS[status]))
    urgent = str(URGENCY_LABELS[Urgency.urgent])
    now = utcnow()
    rows = []
    for q in questions:
        deadline: datetime | None = q.deadline_dt
        rows.append(
            QuestionRow(
                href=href(q.id),
                title=q.title,
                urgent=urgent if q.urgency == Urgency.urgent else "",
                category=categories[q.category],
                industry=industries[q.industry],
                firm=q.enterprise.name if show_firm else "",
                status=statuses[q.status],
                deadline=format_moment(deadline) if deadline else "",
                # Question.is_overdue, with the clock read once for the table.
                overdue=(
                    deadline is not None
                    and q.status in UNANSWERED
                    and q.first_answer_dt is None
                    and deadline < now
                ),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class RosterRow:
    lawyer_id: int
    name: str
    law_firm: str
    industries: str
    specialities: str
    taken: int
    capacity: int
    conflicts: int
    load: int
    action: str  # where the capacity form posts


def roster_rows(lawyers, taken: dict[int, int], load: dict[int, int]) -> list[RosterRow]:
    """The lawyer roster's rows: the lawyers (profiles, specialities and conflicts loaded with
    them) with this week's taken questions and open load by lawyer id."""
    if not lawyers:
        return []
    action = row_url("knowledge.staff_lawyer_capacity", "user_id")
    categories = _Labels(lambda category: category.name)
    industries = _Labels(industry_names)
    rows = []
    for lawyer in lawyers:
        profile = lawyer.lawyer_profile
        rows.append(
            RosterRow(
                lawyer_id=lawyer.id,
                name=lawyer.name,
                law_firm=profile.law_firm,
                industries=industries[profile.industries or ""],
                specialities=", ".join(categories[c] for c in profile.specialities),
                taken=taken.get(lawyer.id, 0),
                capacity=profile.weekly_capacity,
                conflicts=len(profile.conflicts),
                load=load.get(lawyer.id, 0),
                action=action(lawyer.id),
            )
        )
    return rows


def staff_nav() -> Markup:
    """The staff pages' tabs (knowledge/_staff_nav.html): seven translated labels and links, the
    same for every member of staff; rendered once per language and current page, then kept
    (portal.core.shell.fragment)."""
    current = request.endpoint
    return fragment("knowledge/_staff_nav.html", (current,), lambda: {"current": current})
