"""Search documents for check-ups: staff and the assigned lawyers always; the firm once its
report is delivered (the same rule as the report page)."""

from sqlalchemy import select

from portal.checkups.models import Checkup, Status
from portal.core.db import db

KIND = "checkup"


def reindex(checkup: Checkup):
    from knowledge.search.outbox import enqueue

    db.session.flush()
    enqueue(KIND, checkup.id)


def checkup_document(checkup_id: int) -> dict | None:
    checkup = db.session.get(Checkup, checkup_id)
    if checkup is None:
        return None
    access = ["staff"] + [f"user:{a.lawyer_id}" for a in checkup.assignments]
    if checkup.status in (Status.delivered, Status.acknowledged):
        access.append(f"enterprise:{checkup.enterprise_id}")
    findings = "\n".join(
        f"{finding.area.label}：{finding.facts}\n{finding.recommendation}"
        for finding in checkup.findings
    )
    return {
        "kind": KIND,
        "id": checkup.id,
        "title": f"法治体检：{checkup.enterprise.name}",
        "body": f"{checkup.summary or ''}\n{findings}".strip(),
        "url": f"/checkups/{checkup.id}",
        "date": checkup.start_dt,
        "category": "compliance",
        "industry": checkup.enterprise.industry,
        "access": sorted(set(access)),
    }


def checkup_ids():
    return db.session.scalars(select(Checkup.id).order_by(Checkup.id))


def checkups_allowed(user, ids) -> set:
    """The check-ups whose page and report the user may open (the firm: once delivered)."""
    from knowledge.search.access import ids_passing
    from portal.checkups.permissions import can_see_report

    checkups = db.session.scalars(select(Checkup).where(Checkup.id.in_(list(ids))))
    return ids_passing(checkups, can_see_report, user)


def requeue_on_visibility_change(event, **data):
    """A firm's account or an assigned lawyer's account changed: re-queue their check-ups."""
    from knowledge.search.outbox import enqueue
    from portal.checkups.models import CheckupLawyer

    if event != "account":
        return
    user = data["user"]
    stmt = select(Checkup.id).where(
        (Checkup.enterprise_id == user.enterprise_id)
        | Checkup.assignments.any(CheckupLawyer.lawyer_id == user.id)
    )
    for checkup_id in db.session.scalars(stmt):
        enqueue(KIND, checkup_id)
