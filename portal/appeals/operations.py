"""Every state change of appeals; flushes, never commits."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.appeals.models import AppealCategory, AppealEvent, AppealReferral, AppealStatus
from portal.appeals.workflow import AppealError, staff_users, stage_days
from portal.audit.operations import log
from portal.core.db import db, utcnow
from portal.core.workdays import due_date_local
from portal.notifications.operations import notify

__all__ = ["AppealError", "create_referral", "record_register_details"]


def _reindex(referral):
    from portal.appeals.search import reindex

    reindex(referral)


def _check_ref(register_ref, referral=None):
    if not register_ref:
        return None
    clash = db.session.scalar(
        select(AppealReferral).where(AppealReferral.register_ref == register_ref)
    )
    if clash is not None and clash is not referral:
        raise AppealError(
            _l(
                "The register reference %(ref)s is already used by another referral.",
                ref=register_ref,
            )
        )
    return register_ref


def create_referral(
    *,
    enterprise,
    summary,
    details="",
    category=AppealCategory.other,
    by,
    register_ref="",
    register_url="",
):
    if enterprise is None:
        raise AppealError(_l("A referral needs the enterprise concerned."))
    summary = (summary or "").strip()
    if not summary:
        raise AppealError(_l("Summarise the appeal in one line."))
    now = utcnow()
    referral = AppealReferral(
        enterprise=enterprise,
        summary=summary[:200],
        details=details or "",
        category=AppealCategory(category),
        register_ref=_check_ref((register_ref or "").strip() or None),
        register_url=(register_url or "").strip(),
        status=AppealStatus.referred,
        created_by_id=getattr(by, "id", None),
        created_dt=now,
        status_changed_dt=now,
        status_changed_by_id=getattr(by, "id", None),
        stage_due_date=due_date_local(now, stage_days()),
    )
    db.session.add(referral)
    db.session.add(
        AppealEvent(
            referral=referral,
            kind="status",
            from_status=None,
            to_status=AppealStatus.referred.value,
            by_id=getattr(by, "id", None),
        )
    )
    log("appeal_referral.create", referral, by=by, summary=referral.summary)
    url = url_for("appeals.referral", referral_id=referral.id)
    notify(
        enterprise.users,
        _l("Your appeal was referred to the general appeal register: %(summary)s"),
        url=url,
        summary=referral.summary,
    )
    notify(
        [u for u in staff_users() if u.id != getattr(by, "id", None)],
        _l("New appeal referral: %(summary)s"),
        url=url,
        summary=referral.summary,
    )
    _reindex(referral)
    return referral


def record_register_details(referral, *, register_ref, register_url, category, by):
    """Staff copy the register's reference number and link (not a status change)."""
    referral.register_ref = _check_ref((register_ref or "").strip() or None, referral)
    referral.register_url = (register_url or "").strip()
    referral.category = AppealCategory(category)
    log(
        "appeal_referral.edit",
        referral,
        by=by,
        summary=referral.register_ref or "",
        data={"register_ref": referral.register_ref, "category": referral.category.value},
    )
    _reindex(referral)
