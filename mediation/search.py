"""Search documents for cases; access follows the case's confidentiality."""

from sqlalchemy import or_, select

from mediation.models import Case, CommitteeMember, MemberRole, MemberStatus
from portal.core.db import db


def case_document(case_id: int) -> dict | None:
    case = db.session.get(Case, case_id)
    if case is None:
        return None
    access = ["staff", f"committee_director:{case.committee_id}"]
    # A mediator who stepped aside or left the committee is refused the page: not indexed either.
    access += [
        f"user:{cm.member.user_id}"
        for cm in case.active_mediators
        if cm.member.status == MemberStatus.active
    ]
    if case.applicant_user_id:
        access.append(f"user:{case.applicant_user_id}")
    for party in case.parties:
        if party.enterprise_id:
            access.append(f"enterprise:{party.enterprise_id}")
        if party.user_id:
            access.append(f"user:{party.user_id}")
    parties = "、".join(p.name for p in case.parties)
    return {
        "kind": "mediation_case",
        "id": case.id,
        "title": f"{case.dossier_number} {case.title}" if case.dossier_number else case.title,
        "body": f"{parties}\n{case.facts}\n{case.claims}",
        "url": f"/mediation/cases/{case.id}",
        "date": case.applied_dt,
        "category": case.category.code if case.category else "",
        "industry": "",
        "access": sorted(set(access)),
        "status": str(case.status),
        "committee": case.committee.name,
    }


def case_ids():
    return db.session.scalars(select(Case.id).order_by(Case.id))


def principals_of(user) -> set[str]:
    """committee_director:<id> for every committee the user directs."""
    if user is None or not user.is_authenticated:
        return set()
    rows = db.session.scalars(
        select(CommitteeMember.committee_id).where(
            CommitteeMember.user_id == user.id,
            CommitteeMember.role == MemberRole.director,
            CommitteeMember.status == MemberStatus.active,
        )
    )
    return {f"committee_director:{committee_id}" for committee_id in rows}


# ---------------------------------------------------------------- who may open the hits


def cases_allowed(user, ids) -> set:
    """The case pages (of these ids) the user may open: mediation.permissions.can_view_case."""
    from sqlalchemy.orm import selectinload

    from knowledge.search.access import ids_passing
    from mediation.models import CaseMediator, Committee
    from mediation.permissions import can_view_case

    cases = db.session.scalars(
        select(Case)
        .where(Case.id.in_(list(ids)))
        .options(
            selectinload(Case.parties),
            selectinload(Case.mediators).selectinload(CaseMediator.member),
            selectinload(Case.committee).selectinload(Committee.members),
        )
    )
    return ids_passing(cases, can_view_case, user)


def requeue_committee(committee_id: int):
    """Membership changed (appointed, removed, suspended, a new director): its cases' readers too."""
    from knowledge.search.outbox import enqueue

    db.session.flush()
    for case_id in db.session.scalars(select(Case.id).where(Case.committee_id == committee_id)):
        enqueue("mediation_case", case_id)


def requeue_on_visibility_change(event, **data):
    """An account was verified, rejected, deactivated or joined a firm: its cases' readers changed."""
    from knowledge.search.outbox import enqueue
    from mediation.models import CaseParty

    if event != "account":
        return
    user = data["user"]
    conditions = [Case.applicant_user_id == user.id, Case.parties.any(CaseParty.user_id == user.id)]
    if user.enterprise_id is not None:
        conditions.append(Case.parties.any(CaseParty.enterprise_id == user.enterprise_id))
    for member_committee in db.session.scalars(
        select(CommitteeMember.committee_id).where(CommitteeMember.user_id == user.id)
    ):
        conditions.append(Case.committee_id == member_committee)
    for case_id in db.session.scalars(select(Case.id).where(or_(*conditions))):
        enqueue("mediation_case", case_id)
