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
    """The item pages the user may open (permissions.can_view_referral), one query for all ids:
    search's check of each page of hits (registered with add_search_source once the trust
    branch's `allowed_ids` argument is merged)."""
    from portal.appeals.permissions import can_view_referral

    wanted = [int(i) for i in ids if str(i).isdigit()]
    if not wanted:
        return set()
    referrals = db.session.scalars(select(AppealReferral).where(AppealReferral.id.in_(wanted)))
    return {r.id for r in referrals if can_view_referral(user, r)}


def requeue_on_visibility_change(event, **data):
    """A firm's account changed (verified, deactivated ...): re-queue the firm's items."""
    from knowledge.search.outbox import enqueue

    user = data.get("user")
    if event != "account" or user is None or user.enterprise_id is None:
        return
    for referral_id in db.session.scalars(
        select(AppealReferral.id).where(AppealReferral.enterprise_id == user.enterprise_id)
    ):
        enqueue(KIND, referral_id)
