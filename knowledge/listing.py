"""What a table of questions shows of each row, prepared in Python for the whole table.

The labels of one table repeat (a handful of statuses, categories and industries over 25 rows),
so each is translated once per table instead of once per row, the language is looked up once,
and the rows' links are built from one url_for (portal.core.rows.href_for). The template then only
prints strings: a row cost about 60 µs in Jinja calls before (five translations and look-ups of
the request's language, a url_for, the deadline's format).
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import request
from markupsafe import Markup
from sqlalchemy import bindparam, func, literal, select, union_all

from knowledge.models import STATUS_LABELS, UNANSWERED, URGENCY_LABELS, Question, Urgency
from knowledge.routing import HELD, fits, taken_this_week
from portal.accounts.models import (
    Enterprise,
    LawyerConflict,
    LawyerProfile,
    Role,
    User,
    Verification,
    lawyer_specialities,
)
from portal.core import cache
from portal.core.db import db, utcnow
from portal.core.i18n import current_language, moment_formatter
from portal.core.models import LegalCategory
from portal.core.reference import INDUSTRIES
from portal.core.rows import LabelsOnce, href_for
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


def table_select():
    """What a question table prints of each question, as plain rows (knowledge.views' staff
    lists): building a Question, its category and its firm as objects cost more per row than
    reading and printing it."""
    return (
        select(
            Question.id,
            Question.title,
            Question.urgency,
            Question.industry,
            Question.status,
            Question.deadline_dt,
            Question.first_answer_dt,
            LegalCategory.name_zh.label("category_zh"),
            LegalCategory.name_en.label("category_en"),
            Enterprise.name.label("firm"),
        )
        .outerjoin(LegalCategory, LegalCategory.id == Question.category_id)
        .outerjoin(Enterprise, Enterprise.id == Question.enterprise_id)
    )


def question_rows(questions, show_firm: bool = False) -> list[QuestionRow]:
    """The table's rows, in the order given: Question objects (their firms loaded with them
    when `show_firm`) or rows of table_select()."""
    if not questions:
        return []
    href = href_for("knowledge.question", "question_id")
    english = current_language() == "en"
    categories = LabelsOnce(lambda category: category.name)
    # industry_name's names (zh, en), in the language looked up once for the table.
    language = 1 if english else 0
    industries = LabelsOnce(
        lambda code: f"{code} · {INDUSTRIES[code][language] if code in INDUSTRIES else code or ''}"
    )
    statuses = LabelsOnce(lambda status: str(STATUS_LABELS[status]))
    urgent = str(URGENCY_LABELS[Urgency.urgent])
    moment = moment_formatter()
    now = utcnow()
    rows = []
    for q in questions:
        if isinstance(q, Question):
            category = categories[q.category]
            firm = q.enterprise.name if show_firm else ""
        else:
            category = (q.category_en if english else q.category_zh) or ""
            firm = (q.firm or "") if show_firm else ""
        deadline: datetime | None = q.deadline_dt
        rows.append(
            QuestionRow(
                href=href(q.id),
                title=q.title,
                urgent=urgent if q.urgency == Urgency.urgent else "",
                category=category,
                industry=industries[q.industry],
                firm=firm,
                status=statuses[q.status],
                deadline=moment(deadline),
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


class RosterRow(NamedTuple):
    """A roster row: a tuple, which the template unpacks into its loop's names (each field read
    by name, twenty a row, cost Jinja an attribute look-up each)."""

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


@functools.cache
def _specialities_statement():
    """The specialities of a page's lawyers (run with their ids), built once: building and keying
    a statement costs more than SQLite's running it."""
    return (
        select(lawyer_specialities.c.lawyer_id, LegalCategory.name_zh, LegalCategory.name_en)
        .join(LegalCategory, LegalCategory.id == lawyer_specialities.c.category_id)
        .where(lawyer_specialities.c.lawyer_id.in_(bindparam("ids", expanding=True)))
        .order_by(lawyer_specialities.c.lawyer_id, lawyer_specialities.c.category_id)
    )


@functools.cache
def _roster_counts_statement():
    """Every lawyer's declared conflicts ('c') and open questions ('l', knowledge.routing.open_load's
    count), in one statement built once."""
    conflicts = select(literal("c"), LawyerConflict.lawyer_id, func.count()).group_by(
        LawyerConflict.lawyer_id
    )
    load = (
        select(literal("l"), Question.lawyer_id, func.count())
        .where(Question.lawyer_id.is_not(None), Question.status.in_(HELD))
        .group_by(Question.lawyer_id)
    )
    return union_all(conflicts, load)


def _roster_counts() -> list:
    return [list(row) for row in db.session.connection().execute(_roster_counts_statement())]


def roster_rows(lawyers, taken: dict[int, int]) -> list[RosterRow]:
    """The lawyer roster's rows. `lawyers`: rows of (id, name, law_firm, industries,
    weekly_capacity), read as plain rows (knowledge.views.staff_lawyers); their specialities are
    read here, for all of them at once; `taken` is this week's taken questions by lawyer id.

    The numbers of declared conflicts and open questions of every lawyer are kept 30 s, like
    `taken` and the lists' totals (two statements of the page's five; routing and reassignment
    count afresh)."""
    if not lawyers:
        return []
    english = current_language() == "en"
    specialities: dict[int, list[str]] = {}
    # Through the connection: plain rows, without the ORM's result machinery (a third of the
    # statement's time in Python).
    found = db.session.connection().execute(
        _specialities_statement(), {"ids": [lawyer[0] for lawyer in lawyers]}
    )
    for lawyer_id, name_zh, name_en in found.all():
        specialities.setdefault(lawyer_id, []).append(name_en if english else name_zh)
    conflicts, load = {}, {}
    counts = {"c": conflicts, "l": load}
    for kind, lawyer_id, n in cache.get_or_set("count:lawyers:conflicts-load", 30, _roster_counts):
        counts[kind][lawyer_id] = n
    action = href_for("knowledge.staff_lawyer_capacity", "user_id")
    # Each lawyer's industries differ (~320 combinations of 7 codes): the codes' names are
    # looked up once a page, in the page's language (as portal.core.reference.industry_names).
    names = {code: pair[1] if english else pair[0] for code, pair in INDUSTRIES.items()}
    industries = LabelsOnce(
        lambda codes: "、".join(name for name in (names.get(c, c) for c in codes) if name)
    )
    # Each row unpacked once (a row's fields read by name cost more than the rest of the row).
    return [
        RosterRow(
            lawyer_id=lawyer_id,
            name=name,
            law_firm=law_firm,
            industries=industries[codes or ""],
            specialities=", ".join(specialities.get(lawyer_id, ())),
            taken=taken.get(lawyer_id, 0),
            capacity=capacity,
            conflicts=conflicts.get(lawyer_id, 0),
            load=load.get(lawyer_id, 0),
            action=action(lawyer_id),
        )
        for lawyer_id, name, law_firm, codes, capacity in lawyers
    ]


@functools.cache
def _reassignment_statement():
    """Every verified lawyer, by name, once per speciality (once without any), the specialities
    in the categories' own order (LegalCategory.position, as the category lists show them);
    built once."""
    return (
        select(
            User.id,
            User.name,
            User.is_deactivated,
            LawyerProfile.industries,
            LawyerProfile.weekly_capacity,
            LegalCategory.id.label("category_id"),
            LegalCategory.name_zh,
            LegalCategory.name_en,
        )
        .join(LawyerProfile, LawyerProfile.user_id == User.id)
        .outerjoin(lawyer_specialities, lawyer_specialities.c.lawyer_id == User.id)
        .outerjoin(LegalCategory, LegalCategory.id == lawyer_specialities.c.category_id)
        .where(User.role == Role.lawyer, User.verification == Verification.verified)
        .order_by(User.name, User.id, LegalCategory.position, LegalCategory.id)
    )


@functools.cache
def _conflicted_statement():
    """The lawyers who declared a conflict with a firm (run with its id), built once."""
    return select(LawyerConflict.lawyer_id).where(
        LawyerConflict.enterprise_id == bindparam("enterprise_id")
    )


def reassignment_choices(question) -> list[tuple[int, str]]:
    """The question page's "assign to" choices: every verified lawyer without a conflict with
    the question's firm, as "name · specialities", those the routing rules match first (marked
    ✓), each group by name.

    Plain rows (the lawyers with their specialities in one statement, the firm's conflicts in
    another): ~330 lawyers, their profiles, conflicts and specialities built as objects cost
    more than the rest of the page. Who matches is routing.fits, as routing.consider decides
    it for an active lawyer."""
    connection = db.session.connection()
    conflicted = set(
        connection.execute(
            _conflicted_statement(), {"enterprise_id": question.enterprise_id}
        ).scalars()
    )
    english = current_language() == "en"
    lawyers: dict[int, tuple] = {}  # id -> (name, active, industries, capacity, specialities)
    takes = set()  # who takes the question's category
    for row in connection.execute(_reassignment_statement()).all():
        lawyer_id, name, is_deactivated, industries, capacity, category_id, zh, en = row
        lawyer = lawyers.get(lawyer_id)
        if lawyer is None:
            lawyer = lawyers[lawyer_id] = (name, not is_deactivated, industries, capacity, [])
        if category_id is not None:
            lawyer[4].append(en if english else zh)
            if category_id == question.category_id:
                takes.add(lawyer_id)
    taken = taken_this_week()
    matching, others = [], []
    for lawyer_id, (name, active, industries, capacity, specialities) in lawyers.items():
        if lawyer_id in conflicted:
            continue
        text = f"{name} · {'、'.join(specialities)}"
        if active and fits(
            False,  # (no conflict: left out above)
            question.industry in industries,
            lawyer_id in takes,
            capacity - taken.get(lawyer_id, 0),
        ):
            matching.append((lawyer_id, text + " ✓"))
        else:
            others.append((lawyer_id, text))
    return matching + others


def staff_nav() -> Markup:
    """The staff pages' tabs (knowledge/_staff_nav.html): seven translated labels and links, the
    same for every member of staff; rendered once per language and current page, then kept
    (portal.core.shell.fragment)."""
    current = request.endpoint
    return fragment("knowledge/_staff_nav.html", (current,), lambda: {"current": current})
