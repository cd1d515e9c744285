"""Search documents for appeal referrals: staff and the referring firm."""

from sqlalchemy import select

from portal.appeals.models import AppealReferral
from portal.core.db import db

KIND = "appeal_referral"


def reindex(referral: AppealReferral):
    from knowledge.search.outbox import enqueue

    db.session.flush()
    enqueue(KIND, referral.id)


def referral_document(referral_id: int) -> dict | None:
    referral = db.session.get(AppealReferral, referral_id)
    if referral is None:
        return None
    return {
        "kind": KIND,
        "id": referral.id,
        "title": referral.summary,
        "body": f"{referral.details}\n{referral.department}\n{referral.register_ref or ''}".strip(),
        "url": f"/appeals/{referral.id}",
        "date": referral.created_dt,
        "category": "",
        "industry": referral.enterprise.industry if referral.enterprise else "",
        "access": ["staff"]
        + ([f"enterprise:{referral.enterprise_id}"] if referral.enterprise_id else []),
    }


def referral_ids():
    return db.session.scalars(select(AppealReferral.id).order_by(AppealReferral.id))


def referrals_allowed(user, ids) -> set:
    """The referral pages the user may open (portal.appeals.permissions.can_view_referral)."""
    from knowledge.search.access import ids_passing
    from portal.appeals.permissions import can_view_referral

    referrals = db.session.scalars(select(AppealReferral).where(AppealReferral.id.in_(list(ids))))
    return ids_passing(referrals, can_view_referral, user)


def requeue_on_visibility_change(event, **data):
    """A firm's account changed: re-queue its referrals."""
    from knowledge.search.outbox import enqueue

    user = data.get("user")
    if event != "account" or user is None or user.enterprise_id is None:
        return
    for referral_id in db.session.scalars(
        select(AppealReferral.id).where(AppealReferral.enterprise_id == user.enterprise_id)
    ):
        enqueue(KIND, referral_id)
