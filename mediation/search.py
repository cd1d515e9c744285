"""Search documents for cases; access follows the case's confidentiality."""

from sqlalchemy import select

from mediation.models import Case, CommitteeMember, MemberRole, MemberStatus
from portal.core.db import db


def case_document(case_id: int) -> dict | None:
    case = db.session.get(Case, case_id)
    if case is None:
        return None
    access = ["staff", f"committee_director:{case.committee_id}"]
    access += [f"user:{cm.member.user_id}" for cm in case.active_mediators]
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
