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
