"""The state table of an appeal item and the one transition() that moves it."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.appeals import deadlines, permissions
from portal.appeals.models import (
    DONE,
    STATUS_LABELS,
    AppealEvent,
    AppealOrganisationMember,
    AppealReferral,
    AppealStatus,
    Route,
    Tier,
)
from portal.audit.operations import log
from portal.core import clock
from portal.core.db import db
from portal.core.i18n import format_day
from portal.notifications.operations import notify


class AppealError(ValueError):
    """A refused change; str(error) is a message for the user."""


S = AppealStatus
P = permissions
TRANSITIONS = {
    (S.referred, S.triaged): P.can_manage_referrals,  # verified, tier and route decided
    (S.referred, S.merged): P.can_manage_referrals,  # a duplicate of an open item
    (S.triaged, S.merged): P.can_manage_referrals,
    (S.triaged, S.handled): P.can_manage_referrals,  # 直接协调解决
    (S.triaged, S.distributed): P.can_distribute,  # the bureau assigns a department
    (S.distributed, S.accepted): P.can_department_act,
    (S.distributed, S.returned): P.can_department_act,  # with its reason
    (S.returned, S.distributed): P.can_distribute,
    (S.returned, S.handled): P.can_manage_referrals,
    (S.accepted, S.handled): P.can_department_act,  # the department's result
    (S.handled, S.reported_back): P.can_distribute,  # the bureau reports back
    (S.handled, S.revisited): P.can_manage_referrals,  # direct items: revisit straight away
    (S.reported_back, S.revisited): P.can_manage_referrals,  # the federation revisits the firm
    (S.revisited, S.satisfied): P.can_evaluate,  # through record_evaluation only
    (S.revisited, S.reopened): P.can_evaluate,
    (S.satisfied, S.closed): P.can_close,  # 销号 by the work team
    (S.reopened, S.distributed): P.can_distribute,
    (S.reopened, S.handled): P.can_manage_referrals,
}
# Targets reached only through their own operation (they carry more than a note).
SPECIAL_TARGETS = frozenset({S.triaged, S.merged, S.satisfied, S.reopened})


def allowed_targets(referral, user) -> list[AppealStatus]:
    return [
        to
        for (start, to), rule in TRANSITIONS.items()
        if start == referral.status and to not in SPECIAL_TARGETS and rule(user, referral)
    ]


def staff_users():
    return db.session.scalars(
        select(User).where(User.role.in_((Role.staff, Role.admin)), User.is_deactivated.is_(False))
    ).all()


def users_with_role(role):
    return db.session.scalars(
        select(User).where(User.role == role, User.is_deactivated.is_(False))
    ).all()


def organisation_users(organisation_id):
    if organisation_id is None:
        return []
    return db.session.scalars(
        select(User)
        .join(AppealOrganisationMember, AppealOrganisationMember.user_id == User.id)
        .where(AppealOrganisationMember.organisation_id == organisation_id)
    ).all()


def firm_users(referral):
    return permissions.acting_firm_users(referral.enterprise)


def _require_text(value, message):
    value = (value or "").strip()
    if not value:
        raise AppealError(message)
    return value


def transition(referral, to, by, *, note: str = "", organisation=None, result: str = ""):
    """The only place an item's status changes: checks, stamps, timeline, audit, notices."""
    to = AppealStatus(to)
    rule = TRANSITIONS.get((referral.status, to))
    if rule is None:
        raise AppealError(
            _l(
                "An item that is %(current)s cannot become %(target)s.",
                current=STATUS_LABELS[referral.status],
                target=STATUS_LABELS[to],
            )
        )
    if by is not None and not rule(by, referral):
        raise AppealError(_l("You may not make this change to the item."))
    note = (note or "").strip()
    before = referral.status
    previous_org = referral.organisation
    if to == S.triaged and (not referral.tier or referral.route is None):
        raise AppealError(_l("Decide the tier and the route first."))
    if to == S.distributed:
        organisation = organisation or (referral.organisation if before != S.returned else None)
        if organisation is None:
            raise AppealError(_l("Choose the department the item goes to."))
        if referral.route == Route.direct or referral.route is None:
            referral.route = Route.forwarded
        referral.organisation = organisation
    if to == S.returned:
        _require_text(note, _l("Say why the department returns the item."))
        referral.organisation = None  # back with the bureau; the department no longer sees it
    if to == S.handled:
        result = _require_text(result or note, _l("Describe the result."))
        referral.result = result
        if referral.done_dt is None:
            referral.done_dt = clock.now_utc()
    if to == S.reopened:
        _require_text(note, _l("Please say why the enterprise is not satisfied."))
        referral.done_dt = None
    if to == S.merged and referral.merged_into is None:
        raise AppealError(_l("Choose the item this one duplicates."))
    moment = clock.now_utc()
    referral.status = to
    referral.status_changed_dt = moment
    referral.status_changed_by_id = getattr(by, "id", None)
    if to in (S.closed, S.merged):
        referral.closed_dt = moment
        referral.stage_due_date = None
    else:
        referral.closed_dt = None
        referral.stage_due_date = deadlines.due_date(referral.tier, to.value, moment)
    event_note = note
    if to == S.distributed:
        event_note = f"{referral.organisation.name}: {note}" if note else referral.organisation.name
    elif to == S.handled and not note:
        event_note = referral.result
    db.session.add(
        AppealEvent(
            referral=referral,
            kind="status",
            from_status=before.value,
            to_status=to.value,
            note=event_note,
            by_id=getattr(by, "id", None),
            created_dt=moment,
        )
    )
    log(
        f"appeal_referral.{to.value}",
        referral,
        by=by,
        summary=f"{before.value} -> {to.value}",
        data={
            "from": before.value,
            "to": to.value,
            "organisation": referral.organisation.name if referral.organisation else "",
            "note": note[:200],
        },
    )
    _notify(referral, to, previous_org)
    from portal.appeals import register, search

    register.queue_status(referral)
    search.reindex(referral)
    return referral


def _notify(referral, to, previous_org):
    url = url_for("appeals.referral", referral_id=referral.id)
    label = STATUS_LABELS[to]
    if to == S.distributed:
        notify(
            organisation_users(referral.organisation_id),
            _l("An appeal item was assigned to your department: %(summary)s"),
            url=url,
            summary=referral.summary,
        )
    elif to in (S.returned, S.handled) and previous_org is not None:
        notify(
            users_with_role(Role.bureau_coordinator) + list(staff_users()),
            _l("%(org)s: %(status)s · %(summary)s"),
            url=url,
            org=previous_org.name,
            status=label,
            summary=referral.summary,
        )
    elif to == S.reopened:
        notify(
            organisation_users(referral.organisation_id) + list(staff_users()),
            _l("The enterprise is not satisfied; the item is reopened: %(summary)s"),
            url=url,
            summary=referral.summary,
        )
    if to == S.revisited:
        notify(
            firm_users(referral),
            _l("Please evaluate how your appeal was handled: %(summary)s"),
            url=url,
            summary=referral.summary,
        )
    elif to not in (S.satisfied, S.reopened):
        notify(
            firm_users(referral),
            _l("Your appeal moved on: %(status)s"),
            url=url,
            status=label,
        )


def escalate_overdue(*, by=None, today=None) -> int:
    """Move each overdue item up once (tier 3, escalated to the leadership); safe to run again."""
    today = today or clock.today()
    rows = db.session.scalars(
        select(AppealReferral)
        .where(
            AppealReferral.status.not_in((S.closed, S.merged, S.satisfied)),
            AppealReferral.stage_due_date.is_not(None),
            AppealReferral.stage_due_date < today,
            AppealReferral.escalated_dt.is_(None),
        )
        .order_by(AppealReferral.id)
    ).all()
    readers = users_with_role(Role.leadership) + list(staff_users())
    for referral in rows:
        # A note kept on the record: in the federation's working language, whoever runs this.
        with force_locale("zh_CN"):
            reason = str(
                _l(
                    "Overdue since %(due)s at the stage “%(stage)s”%(org)s.",
                    due=format_day(referral.stage_due_date),
                    stage=STATUS_LABELS[referral.status],
                    org=f"（{referral.organisation.name}）" if referral.organisation else "",
                )
            )
        before_tier = referral.tier
        referral.tier = int(Tier.undone)
        referral.route = Route.escalated
        referral.escalation_level += 1
        referral.escalated_dt = clock.now_utc()
        referral.escalation_reason = reason
        db.session.add(
            AppealEvent(
                referral=referral,
                kind="escalation",
                from_status=referral.status.value,
                to_status=referral.status.value,
                note=reason,
                by_id=getattr(by, "id", None),
            )
        )
        log(
            "appeal_referral.escalate",
            referral,
            by=by,
            summary=reason[:200],
            data={"due": referral.stage_due_date.isoformat(), "tier_before": before_tier},
        )
        notify(
            readers,
            _l("Overdue appeal moved up to the city leadership: %(summary)s"),
            url=f"/appeals/{referral.id}",
            summary=referral.summary,
        )
        from portal.appeals import register

        register.queue_status(referral)
    return len(rows)


def is_done(referral) -> bool:
    return referral.status in DONE
