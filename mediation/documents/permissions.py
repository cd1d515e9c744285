"""Who may see which documents (mirrors the case rule: parties, assigned mediators, director, staff).

The integrator will unify this with mediation/permissions.py; until then this module reads the
models directly.
"""

from portal.core.permissions import is_staff


def _member(user, committee):
    if not (user and user.is_authenticated):
        return None
    for member in committee.members:
        if member.user_id == user.id and str(member.status) == "active":
            return member
    return None


def is_committee_director(user, committee) -> bool:
    member = _member(user, committee)
    return member is not None and str(member.role) == "director"


def is_assigned_mediator(user, case) -> bool:
    if not (user and user.is_authenticated):
        return False
    return any(m.member.user_id == user.id and m.recused_dt is None for m in case.mediators)


def is_party(user, case) -> bool:
    if not (user and user.is_authenticated):
        return False
    if case.applicant_user_id == user.id:
        return True
    for party in case.parties:
        if party.user_id == user.id:
            return True
        if user.enterprise_id and party.enterprise_id == user.enterprise_id:
            return True
    return False


def can_see_internal(user, case) -> bool:
    """Staff, the committee's director and the case's mediators (investigation records, dossier)."""
    return (
        is_staff(user)
        or is_committee_director(user, case.committee)
        or is_assigned_mediator(user, case)
    )


def can_view_documents(user, case) -> bool:
    return can_see_internal(user, case) or is_party(user, case)


def can_view_document(user, case, doc_type) -> bool:
    """Parties see only the documents meant for them (not investigation records, cover...)."""
    if can_see_internal(user, case):
        return True
    return doc_type.for_parties and is_party(user, case)


def can_assemble_dossier(user, case) -> bool:
    return can_see_internal(user, case)


def can_edit_templates(user) -> bool:
    return is_staff(user)


def committees_for_ledger(user, committees):
    """Committees whose ledger the user may read: staff all, members their own."""
    if is_staff(user):
        return list(committees)
    return [c for c in committees if _member(user, c) is not None]


def can_view_ledger(user, committee) -> bool:
    return is_staff(user) or _member(user, committee) is not None


def can_view_federation_report(user) -> bool:
    return is_staff(user)
