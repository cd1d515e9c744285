"""The state table of an appeal referral and the one transition() that moves it."""

from datetime import date

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.appeals import permissions
from portal.appeals.models import STATUS_LABELS, AppealEvent, AppealReferral, AppealStatus
from portal.audit.operations import log
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.workdays import due_date_local
from portal.notifications.operations import notify


class AppealError(ValueError):
    """A refused change; str(error) is a message for the user."""


S = AppealStatus
_staff = permissions.can_record_register_update
_firm = permissions.can_answer_revisit
TRANSITIONS = {
    (S.referred, S.distributed): _staff,  # the business-environment bureau assigns a department
    (S.referred, S.handled): _staff,  # handled directly by the federation
    (S.distributed, S.handled): _staff,
    (S.handled, S.reported_back): _staff,
    (S.reported_back, S.revisited): _staff,
    (S.revisited, S.closed): _firm,  # 销号: only when the enterprise is satisfied
    (S.revisited, S.reopened): _firm,
    (S.reopened, S.distributed): _staff,
    (S.reopened, S.handled): _staff,
}


def stage_days() -> int:
    return int(current_app.config.get("APPEALS_STAGE_WORKING_DAYS", 10))


def staff_users():
    return db.session.scalars(
        select(User).where(User.role.in_((Role.staff, Role.admin)), User.is_deactivated.is_(False))
    ).all()


def transition(referral, to, by, *, note: str = "", department: str = ""):
    """The only place a referral's status changes."""
    to = AppealStatus(to)
    rule = TRANSITIONS.get((referral.status, to))
    if rule is None:
        raise AppealError(
            _l(
                "A referral that is %(current)s cannot become %(target)s.",
                current=STATUS_LABELS[referral.status],
                target=STATUS_LABELS[to],
            )
        )
    if not rule(by, referral):
        raise AppealError(_l("You may not change this referral."))
    note = (note or "").strip()
    department = (department or "").strip()
    if to == S.distributed:
        if not department:
            raise AppealError(_l("Name the department the bureau distributed it to."))
        referral.department = department[:120]
    if to == S.reopened and not note:
        raise AppealError(_l("Please say why the enterprise is not satisfied."))
    before = referral.status
    now = utcnow()
    referral.status = to
    referral.status_changed_dt = now
    referral.status_changed_by_id = by.id
    if to == S.closed:
        referral.closed_dt = now
        referral.stage_due_date = None
    else:
        referral.closed_dt = None
        referral.stage_due_date = due_date_local(now, stage_days())
    db.session.add(
        AppealEvent(
            referral=referral,
            kind="status",
            from_status=before.value,
            to_status=to.value,
            note=(f"{department}: {note}" if department and note else department or note),
            by_id=by.id,
        )
    )
    log(
        f"appeal_referral.{to.value}",
        referral,
        by=by,
        summary=f"{before.value} -> {to.value}",
        data={"from": before.value, "to": to.value, "department": department, "note": note[:200]},
    )
    url = url_for("appeals.referral", referral_id=referral.id)
    if to == S.revisited:
        notify(
            referral.enterprise.users,
            _l("Are you satisfied with how your appeal was handled? %(summary)s"),
            url=url,
            summary=referral.summary,
        )
    elif to in (S.closed, S.reopened):
        notify(
            staff_users(),
            _l("%(firm)s answered the revisit: %(status)s"),
            url=url,
            firm=referral.enterprise.name,
            status=STATUS_LABELS[to],
        )
    else:
        notify(
            referral.enterprise.users,
            _l("Your appeal moved on: %(status)s"),
            url=url,
            status=STATUS_LABELS[to],
        )
    from portal.appeals.search import reindex

    reindex(referral)
    return referral


def escalate_overdue(*, by=None, today: date | None = None) -> int:
    """Raise each overdue referral's escalation level once per stage; safe to run again."""
    today = today or clock.today()
    rows = db.session.scalars(
        select(AppealReferral).where(
            AppealReferral.status != S.closed,
            AppealReferral.stage_due_date.is_not(None),
            AppealReferral.stage_due_date < today,
        )
    ).all()
    count = 0
    staff = staff_users()
    for referral in rows:
        if (
            referral.escalated_dt is not None
            and referral.escalated_dt >= referral.status_changed_dt
        ):
            continue  # already escalated in this stage
        referral.escalation_level += 1
        referral.escalated_dt = utcnow()
        db.session.add(
            AppealEvent(
                referral=referral,
                kind="escalation",
                from_status=referral.status.value,
                to_status=referral.status.value,
                note=f"overdue since {referral.stage_due_date.isoformat()}; level {referral.escalation_level}",
                by_id=getattr(by, "id", None),
            )
        )
        log(
            "appeal_referral.escalate",
            referral,
            by=by,
            summary=f"level {referral.escalation_level}",
            data={"due": referral.stage_due_date.isoformat()},
        )
        notify(
            staff,
            _l("Overdue appeal escalated (level %(level)s): %(summary)s"),
            url=f"/appeals/{referral.id}",
            level=referral.escalation_level,
            summary=referral.summary,
        )
        count += 1
    return count
