"""Who may see and do what in mediation; used by views and templates alike.

A case is confidential (Art. 22): only its parties (their own view, without the mediators'
private notes), the assigned mediators, the committee's director and federation staff see it.
"""

from functools import cache

from flask import g, has_request_context
from sqlalchemy import bindparam, false, or_, select, union
from sqlalchemy.orm import joinedload, lazyload

from mediation.models import (
    Case,
    CaseStatus,
    CommitteeMember,
    MemberRole,
    MemberStatus,
)
from portal.accounts.models import Role
from portal.core.db import db
from portal.core.permissions import (
    acts_as_user,
    acts_for_firm,
    firm_of,
    is_active_verified,
    is_staff,
    is_verified_enterprise_user,
)


def _authenticated(user) -> bool:
    """Only an active, verified account acts here (the house rule, portal.core.permissions)."""
    return is_active_verified(user)


def membership(user, committee):
    """The user's active roster entry on the committee, or None."""
    if not _authenticated(user) or committee is None:
        return None
    for member in committee.members:
        if member.user_id == user.id and member.status == MemberStatus.active:
            return member
    return None


def memberships(user) -> list[CommitteeMember]:
    """The user's active roster entries. A page asks several times (the list's query, its
    filters, menus, permissions): read once per request."""
    if not _authenticated(user):
        return []
    known = g.setdefault("_mediation_memberships", {}) if has_request_context() else {}
    if user.id not in known:
        known[user.id] = list(db.session.scalars(_memberships_statement(), {"user_id": user.id}))
    return list(known[user.id])


@cache
def _memberships_statement():
    """memberships' select, built once with the account's id as a parameter: built anew, its
    cache key cost every mediation page (staff's too, who have none) more than running it.
    With each committee (the menus name it) in the same statement; the specialities, which no
    list or permission reads, only where a page asks for them."""
    return (
        select(CommitteeMember)
        .options(joinedload(CommitteeMember.committee), lazyload(CommitteeMember.specialities))
        .where(
            CommitteeMember.user_id == bindparam("user_id"),
            CommitteeMember.status == MemberStatus.active,
        )
    )


def forget_memberships():
    """After a roster change: the rest of the request reads the roster again."""
    if has_request_context():
        g.pop("_mediation_memberships", None)


def is_director(user, committee) -> bool:
    member = membership(user, committee)
    return member is not None and member.role == MemberRole.director


def is_case_mediator(user, case: Case) -> bool:
    if not _authenticated(user):
        return False
    return any(
        cm.member.user_id == user.id and cm.member.status == MemberStatus.active
        for cm in case.active_mediators
    )


def is_case_party(user, case: Case) -> bool:
    if not _authenticated(user):
        return False
    if acts_as_user(user, case.applicant_user_id):
        return True
    return any(is_party_user(user, party) for party in case.parties)


def is_party_user(user, party) -> bool:
    """The user acts for this party: named on it, or a verified account of its firm."""
    return acts_as_user(user, party.user_id) or acts_for_firm(user, party.enterprise_id)


# ---------------------------------------------------------------- committees


def can_view_committee(user, committee) -> bool:
    return is_staff(user) or membership(user, committee) is not None


def can_manage_committee(user, committee) -> bool:
    """Edit the committee, its founding checklist, roster and rules."""
    return is_staff(user) or is_director(user, committee)


def can_create_committee(user) -> bool:
    return is_staff(user)


def can_edit_federation_rules(user) -> bool:
    return is_staff(user)


def can_see_committee_list(user) -> bool:
    return is_staff(user) or bool(memberships(user))


def can_see_overdue(user, committee=None) -> bool:
    if is_staff(user):
        return True
    if committee is None:
        return any(m.role == MemberRole.director for m in memberships(user))
    return is_director(user, committee)


# ---------------------------------------------------------------- cases


def can_view_case(user, case: Case) -> bool:
    return (
        is_staff(user)
        or is_director(user, case.committee)
        or is_case_mediator(user, case)
        or is_case_party(user, case)
    )


def can_view_private(user, case: Case) -> bool:
    """Private notes, internal timeline entries: the mediators' side only, never the parties."""
    return is_staff(user) or is_director(user, case.committee) or is_case_mediator(user, case)


def can_apply(user) -> bool:
    return is_verified_enterprise_user(user)


def can_enter_case(user, committee) -> bool:
    """Enter an oral application or a referral from a court or government department."""
    return is_staff(user) or membership(user, committee) is not None


def can_work_case(user, case: Case) -> bool:
    """Record sessions, investigations and notes; the case's mediators and the director."""
    if case.status in (CaseStatus.archived, CaseStatus.declined):
        return False
    return is_director(user, case.committee) or is_case_mediator(user, case)


def can_add_evidence(user, case: Case) -> bool:
    if case.status not in (
        CaseStatus.accepted,
        CaseStatus.mediators_assigned,
        CaseStatus.in_mediation,
    ):
        return False
    return can_work_case(user, case) or is_case_party(user, case)


def can_edit_parties(user, case: Case) -> bool:
    return case.status in (CaseStatus.applied, CaseStatus.accepted) and (
        is_staff(user) or is_director(user, case.committee) or is_case_mediator(user, case)
    )


def can_assign(user, case: Case) -> bool:
    return case.status in (
        CaseStatus.accepted,
        CaseStatus.mediators_assigned,
        CaseStatus.in_mediation,
    ) and (is_staff(user) or is_director(user, case.committee))


def can_choose_mediator(user, case: Case) -> bool:
    return case.status in (CaseStatus.applied, CaseStatus.accepted) and is_case_party(user, case)


def can_recuse(user, case: Case) -> bool:
    return case.status in (
        CaseStatus.mediators_assigned,
        CaseStatus.in_mediation,
    ) and (is_staff(user) or is_director(user, case.committee) or is_case_mediator(user, case))


def can_record_rights_notice(user, case: Case) -> bool:
    return (
        case.rights_notice_dt is None
        and case.status in (CaseStatus.accepted, CaseStatus.mediators_assigned)
        and (is_director(user, case.committee) or is_case_mediator(user, case))
    )


def can_record_confirmation(user, case: Case) -> bool:
    return (
        case.agreement is not None
        and case.status in (CaseStatus.agreement_reached, CaseStatus.return_visited)
        and can_work_case(user, case)
    )


def _director_or_staff(user, case):
    return is_staff(user) or is_director(user, case.committee)


def _mediator_or_director(user, case):
    return is_director(user, case.committee) or is_case_mediator(user, case)


def _withdrawer(user, case):
    return (
        is_staff(user)
        or is_director(user, case.committee)
        or is_case_mediator(user, case)
        or is_case_party(user, case)
    )


# Who may move a case INTO each status (the pair itself is checked by the transition table).
TRANSITION_RULES = {
    CaseStatus.accepted: _director_or_staff,
    CaseStatus.declined: _director_or_staff,
    CaseStatus.mediators_assigned: _director_or_staff,
    CaseStatus.in_mediation: _mediator_or_director,
    CaseStatus.agreement_reached: _mediator_or_director,
    CaseStatus.failed: _mediator_or_director,
    CaseStatus.withdrawn: _withdrawer,
    CaseStatus.return_visited: _mediator_or_director,
    CaseStatus.archived: _director_or_staff,
}


def may_move_to(user, case: Case, to: CaseStatus) -> bool:
    """The user's part: may this user move this case into `to` (whatever its current status)."""
    rule = TRANSITION_RULES.get(CaseStatus(to))
    return bool(rule and rule(user, case))


def can_transition(user, case: Case, to: CaseStatus) -> bool:
    """The pair is in the transition table and the user may do it (buttons on the case page)."""
    from mediation.operations import TRANSITIONS

    return CaseStatus(to) in TRANSITIONS.get(case.status, ()) and may_move_to(user, case, to)


def is_mediator_user(user) -> bool:
    return _authenticated(user) and user.role == Role.mediator


def visible_cases(user):
    """A select of the cases the user may see (for lists; each page still checks the object).

    The database starts from the user's own rows: the ids of the cases they applied for, are
    named on, their firm is party to or they mediate, one indexed select each. As correlated
    EXISTS tests on every case along the list's date order, a firm party to 20 of 20,000 cases
    made the list test all 20,000 (74 ms)."""
    if is_staff(user):
        return select(Case)
    if not _authenticated(user):
        return select(Case).where(false())
    stmt, values = visible_cases_unbound(user)
    return stmt.params(values)


def visible_cases_unbound(user):
    """(select, its parameters' values) of the cases an authenticated user who is not staff
    may see: the select is one of two built once, the same for every user (a list can keep
    the statements it makes of it; binding the values makes a new statement, keyed anew)."""
    roster = memberships(user)
    director_of = [m.committee_id for m in roster if m.role == MemberRole.director]
    theirs, with_committees = _visible_selects()
    values = {
        "visible_user": user.id,
        "visible_firm": firm_of(user),  # None: equal to no party's firm
        "visible_members": [m.id for m in roster],
    }
    if director_of:
        return with_committees, {**values, "visible_committees": director_of}
    return theirs, values


@cache
def _visible_selects():
    """visible_cases' two selects, built once with parameters that each request binds to the
    user's own values: building them anew (a union of four selects) cost a request more than
    running them. The second adds a director's committees."""
    from mediation.models import CaseMediator, CaseParty

    user = bindparam("visible_user")
    theirs = Case.id.in_(
        union(
            select(Case.id).where(Case.applicant_user_id == user),
            select(CaseParty.case_id).where(CaseParty.user_id == user),
            select(CaseParty.case_id).where(CaseParty.enterprise_id == bindparam("visible_firm")),
            select(CaseMediator.case_id).where(
                CaseMediator.member_id.in_(bindparam("visible_members", expanding=True)),
                CaseMediator.recused_dt.is_(None),
            ),
        )
    )
    # A director sees the whole committee: a large share of all cases, which the list finds
    # soonest along its date order, reading each case's committee from the row. "+ 0" keeps
    # SQLite from gathering all of the committee's cases by its index to sort them instead
    # (1.2 ms against 0.1 for a committee of 1,400 cases of 20,000).
    directed = (Case.committee_id + 0).in_(bindparam("visible_committees", expanding=True))
    return select(Case).where(theirs), select(Case).where(or_(directed, theirs))
