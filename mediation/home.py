"""Home-page cards: mediators' open and overdue cases, enterprises' own cases."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mediation import permissions
from mediation.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Case,
    CaseMediator,
    CaseStatus,
    MemberRole,
)
from portal.accounts.models import Role
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.i18n import format_day
from portal.core.nav import SERVICE_NAMES


def _label(case):
    return f"{case.title} · {case.status_label}"


def _label_with_deadline(case):
    """A mediator's case with the day it is due: what needs them first."""
    if case.due_dt is None:
        return _label(case)
    due = format_day(clock.local_date(case.due_dt))
    return f"{_label(case)} · {_l('due %(day)s', day=due)}"


def mediator_section(user):
    if not (user.is_authenticated and user.role == Role.mediator):
        return None
    roster = permissions.memberships(user)
    if not roster:
        return None
    stmt = (
        select(Case)
        .join(CaseMediator, CaseMediator.case_id == Case.id)
        .where(
            CaseMediator.member_id.in_([m.id for m in roster]),
            CaseMediator.recused_dt.is_(None),
            Case.status.in_(OPEN_STATUSES),
        )
        .order_by(Case.due_dt)
    )
    cases = db.session.scalars(stmt.limit(8)).all()
    now = utcnow()
    overdue = [c for c in cases if c.status in RUNNING_STATUSES and c.is_overdue(now)]
    items = [
        (f"{_l('Overdue')}: {_label_with_deadline(c)}", f"/mediation/cases/{c.id}") for c in overdue
    ]
    items += [
        (_label_with_deadline(c), f"/mediation/cases/{c.id}") for c in cases if c not in overdue
    ]
    directed = [m.committee_id for m in roster if m.role == MemberRole.director]
    if directed:
        late = (
            db.session.scalar(
                select(func.count())
                .select_from(Case)
                .where(
                    Case.committee_id.in_(directed),
                    Case.status.in_(RUNNING_STATUSES),
                    Case.due_dt < now,
                )
            )
            or 0
        )
        waiting = (
            db.session.scalar(
                select(func.count())
                .select_from(Case)
                .where(Case.committee_id.in_(directed), Case.status == CaseStatus.applied)
            )
            or 0
        )
        items.insert(0, (_l("Overdue cases in my committee: %(n)s", n=late), "/mediation/overdue"))
        items.insert(
            0,
            (_l("Applications awaiting acceptance: %(n)s", n=waiting), "/mediation?status=applied"),
        )
    return {
        "title": _l("My open mediation cases"),
        "items": items,
        "empty": _l("No open cases are assigned to you."),
        "link": (_l("All my cases"), "/mediation"),
    }


def enterprise_section(user):
    if not (user.is_authenticated and user.role == Role.enterprise):
        return None
    stmt = permissions.visible_cases(user).order_by(Case.applied_dt.desc()).limit(6)
    cases = db.session.scalars(stmt).all()
    return {
        "title": _l("My mediation cases"),
        "items": [(_label(c), f"/mediation/cases/{c.id}") for c in cases],
        "empty": _l(
            "You have no mediation cases. Your chamber's committee can help settle a dispute."
        ),
        "link": (_l("Apply for mediation"), "/mediation/apply")
        if permissions.can_apply(user)
        else (SERVICE_NAMES["mediation"], "/mediation"),
    }
