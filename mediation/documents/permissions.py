"""Who may see which documents: the case rule of mediation/permissions.py, plus which documents
are meant for the parties."""

from mediation.permissions import can_view_case, can_view_private, membership, memberships
from portal.core.permissions import is_staff


def can_see_internal(user, case) -> bool:
    """Staff, the committee's director and the case's mediators (investigation records, dossier)."""
    return can_view_private(user, case)


def can_view_documents(user, case) -> bool:
    return can_view_case(user, case)


def can_view_document(user, case, doc_type) -> bool:
    """Parties see only the documents meant for them (not investigation records, cover...)."""
    return document_rule(user, case)(doc_type)


def document_rule(user, case):
    """can_view_document(user, case, doc_type) as a function of doc_type, for a page that asks
    about every document of the case: the case's rules are asked once, not once a document."""
    if can_view_private(user, case):
        return lambda doc_type: True
    parties_may = can_view_case(user, case)
    return lambda doc_type: doc_type.for_parties and parties_may


def can_assemble_dossier(user, case) -> bool:
    return can_view_private(user, case)


def can_edit_templates(user) -> bool:
    return is_staff(user)


def committees_for_ledger(user, committees):
    """Committees whose ledger the user may read: staff all, members their own."""
    if is_staff(user):
        return list(committees)
    mine = {m.committee_id for m in memberships(user)}  # one query, not one per committee
    return [c for c in committees if c.id in mine]


def can_view_ledger(user, committee) -> bool:
    return is_staff(user) or membership(user, committee) is not None


def can_view_federation_report(user) -> bool:
    return is_staff(user)
