"""Every state change of mediation; flushes, never commits.

The case's status changes only in `transition()`, which checks the transition table and who
may act, stamps who and when, writes the audit log and the case's timeline, and notifies the
parties and mediators.
"""

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from knowledge.search.outbox import enqueue
from mediation import permissions
from mediation.models import (
    CASE_STATUS_LABELS,
    RUNNING_STATUSES,
    Agreement,
    AgreementKind,
    Case,
    CaseEvent,
    CaseMediator,
    CaseNote,
    CaseParty,
    CaseReminder,
    CaseSource,
    CaseStatus,
    Committee,
    CommitteeFoundingStep,
    CommitteeMember,
    DeclineReason,
    DossierCounter,
    Evidence,
    FoundingStep,
    InvestigationRecord,
    MediationSession,
    MemberRole,
    MemberStatus,
    PartyKind,
    PartySide,
    ReturnVisit,
    RulesKind,
    RulesPage,
)
from mediation.search import requeue_committee
from portal.accounts.models import Enterprise, Role, User, enterprise_chambers
from portal.audit.operations import log, read_entry
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.hooks import enterprise_id_of
from portal.core.i18n import LocalDay, format_day
from portal.core.permissions import acting_firm_users_query, is_active_verified
from portal.notifications.operations import notify

SEARCH_KIND = "mediation_case"
# Naive UTC -> aware Beijing time; what people type (Beijing wall clock) -> naive UTC.
to_local = clock.to_local
to_utc = clock.local_to_utc


TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.applied: (CaseStatus.accepted, CaseStatus.declined, CaseStatus.withdrawn),
    CaseStatus.accepted: (CaseStatus.mediators_assigned, CaseStatus.withdrawn),
    CaseStatus.mediators_assigned: (CaseStatus.in_mediation, CaseStatus.withdrawn),
    CaseStatus.in_mediation: (
        CaseStatus.agreement_reached,
        CaseStatus.failed,
        CaseStatus.withdrawn,
    ),
    CaseStatus.agreement_reached: (CaseStatus.return_visited,),
    CaseStatus.return_visited: (CaseStatus.archived,),
    CaseStatus.failed: (CaseStatus.archived,),
    CaseStatus.withdrawn: (CaseStatus.archived,),
    CaseStatus.declined: (),
    CaseStatus.archived: (),
}

OTHER_ROUTES = _l(
    "Mediation has ended without agreement. You may still settle the dispute by arbitration "
    "(where the parties agree to it), by applying to the competent administrative department, "
    "or by bringing an action in the people's court."
)

NOTICES = {
    CaseStatus.accepted: _l('Mediation case "%(title)s" was accepted.'),
    CaseStatus.declined: _l('Mediation case "%(title)s" was declined.'),
    CaseStatus.mediators_assigned: _l('Mediators were assigned to case "%(title)s".'),
    CaseStatus.in_mediation: _l('Mediation of case "%(title)s" has begun.'),
    CaseStatus.agreement_reached: _l('An agreement was reached in case "%(title)s".'),
    CaseStatus.failed: _l('Mediation of case "%(title)s" has ended without agreement.'),
    CaseStatus.withdrawn: _l('Case "%(title)s" was withdrawn.'),
    CaseStatus.return_visited: _l('A return visit was recorded for case "%(title)s".'),
    CaseStatus.archived: _l('Case "%(title)s" was archived as %(number)s.'),
}


class MediationError(ValueError):
    """A refused action; str(exc) is a message for the user, `errors` maps fields to messages."""

    def __init__(self, message, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class TransitionRefused(MediationError):
    pass


class NotPermitted(PermissionError):
    pass


# ---------------------------------------------------------------- helpers


def case_url(case) -> str:
    """The case page's path (also outside requests: reminders and demo data run from the CLI)."""
    return f"/mediation/cases/{case.id}"


def party_users(case: Case) -> list[User]:
    """Portal users who act for the case's parties (verified, active accounts only)."""
    users = {}
    if is_active_verified(case.applicant_user):
        users[case.applicant_user.id] = case.applicant_user
    enterprise_ids = {p.enterprise_id for p in case.parties if p.enterprise_id}
    for party in case.parties:
        if is_active_verified(party.user):
            users[party.user.id] = party.user
    if enterprise_ids:
        for user in db.session.scalars(acting_firm_users_query(enterprise_ids)):
            users[user.id] = user
    return list(users.values())


def mediator_users(case: Case) -> list[User]:
    users = [cm.member.user for cm in case.active_mediators]
    director = case.committee.director
    if director is not None:
        users.append(director)
    return users


def add_event(
    case, action, by, note="", *, from_status=None, to_status=None, internal=False, when=None
):
    event = CaseEvent(
        created_dt=when or utcnow(),
        case=case,
        action=action,
        from_status=str(from_status) if from_status else None,
        to_status=str(to_status) if to_status else None,
        note=note,
        is_internal=internal,
        by_id=getattr(by, "id", None),
    )
    db.session.add(event)
    return event


def _touch_search(case):
    db.session.flush()
    enqueue(SEARCH_KIND, case.id)


def _check_order(earlier, later, field, message):
    if earlier is not None and later is not None and later < earlier:
        raise MediationError(message, {field: [message]})


# ---------------------------------------------------------------- the transition function


def transition(case: Case, to: CaseStatus, by, note: str = "", *, notify_people=True, now=None):
    """Move `case` to `to`: the only place a case's status changes."""
    to = CaseStatus(to)
    now = now or utcnow()
    check_transition(case, to, by)
    _check_preconditions(case, to)
    previous = case.status
    # One conditional UPDATE: of two people acting at once, only the first moves the case.
    db.session.flush()
    moved = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == previous)
        .values(status=to, status_changed_dt=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.expire(case, ["status"])
        raise TransitionRefused(_l("Someone else has just changed this case; please reload it."))
    set_committed_value(case, "status", to)
    set_committed_value(case, "status_changed_dt", now)
    if to == CaseStatus.accepted:
        case.accepted_dt = now
        case.due_dt = now + timedelta(days=case.committee.duration_limit_days)
    if to in (
        CaseStatus.declined,
        CaseStatus.agreement_reached,
        CaseStatus.failed,
        CaseStatus.withdrawn,
    ):
        case.closed_dt = now
    if to == CaseStatus.archived:
        case.archived_dt = now
        case.archived_by_id = getattr(by, "id", None)
        _assign_dossier_number(case, now)
    add_event(case, "transition", by, note, from_status=previous, to_status=to, when=now)
    log(
        f"mediation_case.{to}",
        case,
        by=by,
        summary=f"{previous} -> {to}",
        data={"from": str(previous), "to": str(to), "note": note[:500]},
    )
    if notify_people:
        notify(
            party_users(case) + mediator_users(case),
            NOTICES[to],
            case_url(case),
            title=case.title,
            number=case.dossier_number or "",
        )
    _touch_search(case)
    return case


def check_transition(case: Case, to: CaseStatus, by):
    """Raise TransitionRefused (pair not in the table) or NotPermitted (this user may not)."""
    to = CaseStatus(to)
    if to not in TRANSITIONS.get(case.status, ()):
        raise TransitionRefused(
            _l(
                "A case that is %(current)s cannot become %(target)s.",
                current=CASE_STATUS_LABELS[case.status],
                target=CASE_STATUS_LABELS[to],
            )
        )
    if by is not None and not permissions.may_move_to(by, case, to):
        raise NotPermitted(str(to))


def _check_preconditions(case: Case, to: CaseStatus):
    if to == CaseStatus.mediators_assigned and not case.active_mediators:
        raise TransitionRefused(_l("Assign at least one mediator first."))
    if to == CaseStatus.in_mediation:
        if not case.active_mediators:
            raise TransitionRefused(_l("Assign at least one mediator first."))
        if case.rights_notice_dt is None:
            raise TransitionRefused(
                _l("Record that the parties were told their rights and duties first.")
            )
    if to == CaseStatus.agreement_reached and case.agreement is None:
        raise TransitionRefused(_l("Record the agreement first."))
    if to == CaseStatus.return_visited and not case.return_visits:
        raise TransitionRefused(_l("Record the return visit first."))
    if to == CaseStatus.declined and case.declined_reason is None:
        raise TransitionRefused(_l("Give the reason for declining."))
    if to == CaseStatus.archived:
        # The dossier package registers what a complete dossier needs (documents by outcome).
        problems = [
            problem
            for check in current_app.extensions.get("mediation.archive_checks", [])
            for problem in check(case)
        ]
        if problems:
            message = _l("The dossier is incomplete: %(problems)s", problems="; ".join(problems))
            raise TransitionRefused(message, {"archive": problems})


def _assign_dossier_number(case: Case, now: datetime):
    year = to_local(now).year
    seq = next_dossier_seq(case.committee_id, year)
    case.dossier_year = year
    case.dossier_seq = seq
    case.dossier_number = case.committee.format_dossier_number(year, seq)


def next_dossier_seq(committee_id: int, year: int) -> int:
    """The next sequence number of the committee's year, by one atomic UPDATE ... RETURNING."""
    bump = (
        update(DossierCounter)
        .where(DossierCounter.committee_id == committee_id, DossierCounter.year == year)
        .values(last_seq=DossierCounter.last_seq + 1)
        .returning(DossierCounter.last_seq)
    )
    seq = db.session.execute(bump).scalar()
    if seq is None:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(DossierCounter).values(committee_id=committee_id, year=year, last_seq=0)
                )
        except IntegrityError:
            pass  # another writer created the row first; bump it below
        seq = db.session.execute(bump).scalar()
    return seq


# ---------------------------------------------------------------- committees


def create_committee(chamber, by, **fields) -> Committee:
    committee = Committee(chamber=chamber, **fields)
    if not committee.name:
        committee.name = f"{chamber.name}人民调解委员会"
    db.session.add(committee)
    log("mediation_committee.create", committee, by=by, summary=committee.name)
    return committee


def update_committee(committee: Committee, by, **fields) -> Committee:
    changed = {}
    for key, value in fields.items():
        if getattr(committee, key) != value:
            changed[key] = str(value)
            setattr(committee, key, value)
    log("mediation_committee.update", committee, by=by, data=changed)
    return committee


FOUNDING_ORDER = list(FoundingStep)


def record_founding_step(
    committee: Committee, step: FoundingStep, by, *, done_on, note="", file=None
) -> CommitteeFoundingStep:
    """Record a step of the founding checklist; its date may not precede an earlier step's."""
    step = FoundingStep(step)
    existing = {s.step: s for s in committee.founding_steps}
    index = FOUNDING_ORDER.index(step)
    if done_on is not None:
        for earlier in FOUNDING_ORDER[:index]:
            other = existing.get(earlier)
            if other is not None and other.done_on is not None and done_on < other.done_on:
                message = _l(
                    "This step cannot be dated before an earlier step (%(date)s).",
                    date=LocalDay(other.done_on),
                )
                raise MediationError(message, {"done_on": [message]})
        for later in FOUNDING_ORDER[index + 1 :]:
            other = existing.get(later)
            if other is not None and other.done_on is not None and done_on > other.done_on:
                message = _l(
                    "This step cannot be dated after a later step (%(date)s).",
                    date=LocalDay(other.done_on),
                )
                raise MediationError(message, {"done_on": [message]})
    record = existing.get(step)
    if record is None:
        record = CommitteeFoundingStep(committee=committee, step=step)
        db.session.add(record)
    record.done_on = done_on
    record.note = note
    if file is not None:
        record.file = file
    record.recorded_by_id = getattr(by, "id", None)
    record.recorded_dt = utcnow()
    log(
        "mediation_committee.founding_step",
        committee,
        by=by,
        summary=str(step),
        data={"step": str(step), "done_on": done_on.isoformat() if done_on else None},
    )
    return record


def save_rules(committee: Committee | None, kind: RulesKind, body: str, by) -> RulesPage:
    kind = RulesKind(kind)
    owner = (
        RulesPage.committee_id == committee.id
        if committee is not None
        else RulesPage.committee_id.is_(None)
    )
    page = db.session.scalar(select(RulesPage).where(owner, RulesPage.kind == kind))
    if page is None:
        page = RulesPage(committee_id=committee.id if committee else None, kind=kind)
        db.session.add(page)
    page.body = body
    page.updated_by_id = getattr(by, "id", None)
    page.updated_dt = utcnow()
    log(
        "mediation_rules.update",
        page,
        by=by,
        summary=f"{kind} {committee.id if committee else 'federation'}",
    )
    return page


def rules_for(committee: Committee | None, kind: RulesKind):
    """The committee's own page, else the federation's default; (page, is_default)."""
    kind = RulesKind(kind)
    if committee is not None:
        page = db.session.scalar(
            select(RulesPage).where(RulesPage.committee_id == committee.id, RulesPage.kind == kind)
        )
        if page is not None and page.body.strip():
            return page, False
    page = db.session.scalar(
        select(RulesPage).where(RulesPage.committee_id.is_(None), RulesPage.kind == kind)
    )
    return page, True


def appoint_member(
    committee: Committee,
    user: User,
    by,
    *,
    role=MemberRole.member,
    qualification="",
    training_hours=0,
    appointed_on=None,
    specialities=(),
) -> CommitteeMember:
    if user.role != Role.mediator:
        message = _l("Only users with the mediator role can be appointed.")
        raise MediationError(message, {"user_id": [message]})
    member = db.session.scalar(
        select(CommitteeMember).where(
            CommitteeMember.committee_id == committee.id, CommitteeMember.user_id == user.id
        )
    )
    if member is not None and member.status != MemberStatus.removed:
        message = _l("This mediator is already on the roster.")
        raise MediationError(message, {"user_id": [message]})
    if member is None:
        member = CommitteeMember(committee=committee, user=user)
        db.session.add(member)
    member.status = MemberStatus.active
    permissions.forget_memberships()
    member.qualification = qualification
    member.training_hours = training_hours or 0
    member.appointed_on = appointed_on or clock.today()
    member.appointed_by_id = getattr(by, "id", None)
    member.removed_on = None
    member.removed_by_id = None
    member.removal_reason = ""
    member.specialities = list(specialities)
    member.role = MemberRole.member
    db.session.flush()
    if MemberRole(role) == MemberRole.director:
        make_director(member, by)
    log(
        "mediation_member.appoint",
        member,
        by=by,
        summary=f"{user.name} -> {committee.name}",
        data={"role": str(role)},
    )
    requeue_committee(committee.id)
    return member


def make_director(member: CommitteeMember, by):
    """A committee has one director: the former one becomes a member."""
    for other in member.committee.members:
        if other is not member and other.role == MemberRole.director:
            other.role = MemberRole.member
    member.role = MemberRole.director
    permissions.forget_memberships()
    log("mediation_member.director", member, by=by, summary=member.user.name)


def update_member(member: CommitteeMember, by, *, role, status, **fields):
    for key, value in fields.items():
        setattr(member, key, value)
    if MemberStatus(status) == MemberStatus.removed:
        raise MediationError(_l("Use removal to take a mediator off the roster."))
    member.status = MemberStatus(status)
    permissions.forget_memberships()
    if MemberRole(role) == MemberRole.director and member.role != MemberRole.director:
        make_director(member, by)
    elif MemberRole(role) == MemberRole.member:
        member.role = MemberRole.member
    log("mediation_member.update", member, by=by, summary=member.user.name)
    requeue_committee(member.committee_id)
    return member


def remove_member(member: CommitteeMember, by, *, removed_on: date, reason: str):
    if member.appointed_on is not None and removed_on < member.appointed_on:
        message = _l("The removal date cannot precede the appointment date.")
        raise MediationError(message, {"removed_on": [message]})
    member.status = MemberStatus.removed
    permissions.forget_memberships()
    member.removed_on = removed_on
    member.removal_reason = reason
    member.removed_by_id = getattr(by, "id", None)
    if member.role == MemberRole.director:
        member.role = MemberRole.member
    log("mediation_member.remove", member, by=by, summary=member.user.name, data={"reason": reason})
    requeue_committee(member.committee_id)
    return member


def cases_handled(member: CommitteeMember) -> int:
    return cases_handled_by([member.id]).get(member.id, 0)


# Built once (the committee page asks on every view): building it cost more than running it.
_CASES_HANDLED = (
    select(CaseMediator.member_id, func.count())
    .where(
        CaseMediator.member_id.in_(bindparam("member_ids", expanding=True)),
        CaseMediator.recused_dt.is_(None),
    )
    .group_by(CaseMediator.member_id)
)


def cases_handled_by(member_ids) -> dict[int, int]:
    """{member id: cases they mediate or mediated (not recused)}, in one query."""
    if not member_ids:
        return {}
    rows = db.session.execute(_CASES_HANDLED, {"member_ids": list(member_ids)})
    return dict.fromkeys(member_ids, 0) | dict(rows.all())


# ---------------------------------------------------------------- cases: application


def _registered_enterprise_id(data: dict):
    """A party named by its credit code that is registered here gets linked (and sees the case)."""
    if (
        data.get("enterprise_id")
        or PartyKind(data.get("kind") or "enterprise") != PartyKind.enterprise
    ):
        return data.get("enterprise_id")
    code = (data.get("id_number") or "").strip().upper()
    if len(code) != 18:
        return None
    return db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == code))


def _party(side, data: dict) -> CaseParty:
    return CaseParty(
        side=PartySide(side),
        kind=PartyKind(data.get("kind") or PartyKind.enterprise),
        enterprise_id=_registered_enterprise_id(data),
        user_id=data.get("user_id"),
        name=data.get("name", "").strip(),
        id_number=data.get("id_number", "").strip(),
        representative=data.get("representative", "").strip(),
        phone=data.get("phone", "").strip(),
        address=data.get("address", "").strip(),
    )


def _new_case(committee, by, *, source, applicant, respondent, **fields) -> Case:
    case = Case(committee=committee, source=CaseSource(source), status=CaseStatus.applied, **fields)
    case.parties.append(_party(PartySide.applicant, applicant))
    if respondent and respondent.get("name"):
        case.parties.append(_party(PartySide.respondent, respondent))
    db.session.add(case)
    db.session.flush()
    add_event(case, "applied", by, str(case.source_label), to_status=CaseStatus.applied)
    log("mediation_case.apply", case, by=by, summary=case.title, data={"source": str(source)})
    notify(
        mediator_users(case),
        _l("New mediation application: %(title)s"),
        case_url(case),
        title=case.title,
    )
    _touch_search(case)
    return case


def apply_online(user: User, committee: Committee, *, respondent: dict, **fields) -> Case:
    """An enterprise user applies for mediation against another party."""
    if not permissions.can_apply(user):
        raise NotPermitted("apply")
    enterprise = user.enterprise
    applicant = {
        "kind": PartyKind.enterprise,
        "enterprise_id": enterprise.id,
        "user_id": user.id,
        "name": enterprise.name,
        "id_number": enterprise.uscc,
        "representative": user.name,
        "phone": user.phone or enterprise.contact_phone,
        "address": enterprise.address,
    }
    return _new_case(
        committee,
        user,
        source=CaseSource.online,
        applicant=applicant,
        respondent=respondent,
        applicant_user_id=user.id,
        entered_by_id=user.id,
        **fields,
    )


def enter_case(
    committee: Committee, by, *, source, applicant: dict, respondent: dict, **fields
) -> Case:
    """A mediator or staff enters an oral application or a court / government referral."""
    if not permissions.can_enter_case(by, committee):
        raise NotPermitted("enter")
    if CaseSource(source) not in (CaseSource.oral, CaseSource.court, CaseSource.government):
        raise MediationError(_l("Choose how the case came in."))
    return _new_case(
        committee,
        by,
        source=source,
        applicant=applicant,
        respondent=respondent,
        entered_by_id=by.id,
        **fields,
    )


# The active committees of a firm's chambers, built once: the first of them takes the firm's
# escalated question, and whether there is one is asked on every view of a question (its
# escalation buttons), as one EXISTS that loads no chamber or committee.
_FIRMS_COMMITTEES = (
    select(Committee)
    .join(enterprise_chambers, enterprise_chambers.c.chamber_id == Committee.chamber_id)
    .where(
        enterprise_chambers.c.enterprise_id == bindparam("enterprise_id"),
        Committee.is_active.is_(True),
    )
)
_FIRMS_FIRST_COMMITTEE = _FIRMS_COMMITTEES.order_by(Committee.id).limit(1)
_FIRM_HAS_COMMITTEE = select(_FIRMS_COMMITTEES.exists())


def committee_for_enterprise(enterprise) -> Committee | None:
    if enterprise is None:
        return None
    return db.session.scalar(_FIRMS_FIRST_COMMITTEE, {"enterprise_id": enterprise.id})


def escalation_available(user, source) -> bool:
    enterprise_id = enterprise_id_of(source)
    return (
        user is not None
        and user.is_authenticated
        and (user.is_staff or user.role in (Role.lawyer, Role.enterprise, Role.mediator))
        and enterprise_id is not None
        and db.session.scalar(_FIRM_HAS_COMMITTEE, {"enterprise_id": enterprise_id})
    )


def escalate(source, by, **data) -> Case:
    """Escalation target: an application prefilled from a question (title, body, enterprise)."""
    enterprise = getattr(source, "enterprise", None)
    committee = None
    if data.get("committee_id"):
        committee = db.session.get(Committee, int(data["committee_id"]))
    committee = committee or committee_for_enterprise(enterprise)
    if committee is None:
        raise MediationError(_l("The enterprise's chamber has no mediation committee."))
    applicant = {"kind": PartyKind.person, "name": str(getattr(by, "name", ""))}
    applicant_user_id = None
    if enterprise is not None:
        applicant = {
            "kind": PartyKind.enterprise,
            "enterprise_id": enterprise.id,
            "name": enterprise.name,
            "id_number": enterprise.uscc,
            "representative": enterprise.contact_name,
            "phone": enterprise.contact_phone,
            "address": enterprise.address,
        }
        if getattr(by, "enterprise_id", None) == enterprise.id:
            applicant_user_id = by.id
    title = (getattr(source, "title", "") or "")[:200]
    body = getattr(source, "body", "") or ""
    return _new_case(
        committee,
        by,
        source=CaseSource.question,
        applicant=applicant,
        respondent={"name": data.get("respondent_name", "")},
        title=title or str(_l("Referred question")),
        facts=body,
        claims=data.get("claims", ""),
        category_id=data.get("category_id"),
        applicant_user_id=applicant_user_id,
        entered_by_id=getattr(by, "id", None),
    )


def add_party(case: Case, by, side, data: dict) -> CaseParty:
    party = _party(side, data)
    case.parties.append(party)
    db.session.flush()
    add_event(case, "party_added", by, f"{party.side_label}: {party.name}")
    log("mediation_case.party_add", case, by=by, summary=party.name)
    _touch_search(case)
    return party


# ---------------------------------------------------------------- acceptance and mediators


def accept(case: Case, by, note=""):
    return transition(case, CaseStatus.accepted, by, note)


def decline(case: Case, by, reason: DeclineReason, note: str):
    check_transition(case, CaseStatus.declined, by)
    case.declined_reason = DeclineReason(reason)
    case.decline_note = note
    return transition(case, CaseStatus.declined, by, note)


def record_rights_notice(case: Case, by, note=""):
    if not permissions.can_record_rights_notice(by, case):
        raise MediationError(_l("The notice of rights and duties cannot be recorded now."))
    case.rights_notice_dt = utcnow()
    case.rights_notice_by_id = by.id
    add_event(case, "rights_notice", by, note)
    log("mediation_case.rights_notice", case, by=by)
    return case


def has_interest(member: CommitteeMember, case: Case) -> bool:
    """A mediator who works for one of the parties has an interest in the case."""
    user = member.user
    for party in case.parties:
        if party.user_id == user.id:
            return True
        if user.enterprise_id is not None and party.enterprise_id == user.enterprise_id:
            return True
    return False


def choose_mediator(case: Case, by, member: CommitteeMember | None):
    """A party names the mediator it chooses (Art. 19); the committee then assigns."""
    if not permissions.can_choose_mediator(by, case):
        raise NotPermitted("choose")
    if member is not None and (member.committee_id != case.committee_id or not member.is_active):
        raise MediationError(_l("Choose a mediator of this committee."))
    for party in case.parties:
        if permissions.is_party_user(by, party):
            party.chose_mediator_id = member.id if member else None
    add_event(case, "mediator_chosen", by, member.user.name if member else "")
    log("mediation_case.choose_mediator", case, by=by, data={"member": getattr(member, "id", None)})
    return case


def assign_mediators(case: Case, by, members: list[CommitteeMember], lead=None):
    """Assign mediators; a mediator with an interest is refused (and must step aside)."""
    if not permissions.can_assign(by, case):
        raise NotPermitted("assign")
    if not members:
        message = _l("Choose at least one mediator.")
        raise MediationError(message, {"members": [message]})
    existing = {cm.member_id: cm for cm in case.mediators}
    chosen = {p.chose_mediator_id for p in case.parties if p.chose_mediator_id}
    for member in members:
        if member.committee_id != case.committee_id or not member.is_active:
            message = _l("%(name)s is not an active mediator of this committee.", name=member)
            raise MediationError(message, {"members": [message]})
        if has_interest(member, case):
            message = _l("%(name)s has an interest in this case and must step aside.", name=member)
            raise MediationError(message, {"members": [message]})
        previous = existing.get(member.id)
        if previous is not None and previous.is_recused:
            message = _l("%(name)s stepped aside from this case.", name=member)
            raise MediationError(message, {"members": [message]})
    names = []
    for member in members:
        if member.id not in existing:
            cm = CaseMediator(
                member=member,
                assigned_by_id=by.id,
                chosen_by_party=member.id in chosen,
            )
            case.mediators.append(cm)
            existing[member.id] = cm
        names.append(member.user.name)
    lead = lead or members[0]
    for cm in case.mediators:
        cm.is_lead = cm.member_id == lead.id and not cm.is_recused
    db.session.flush()
    add_event(case, "mediators_assigned", by, "、".join(names))
    log("mediation_case.assign", case, by=by, data={"members": [m.id for m in members]})
    notify(
        [m.user for m in members],
        _l('You were assigned to mediation case "%(title)s".'),
        case_url(case),
        title=case.title,
    )
    if case.status == CaseStatus.accepted:
        transition(case, CaseStatus.mediators_assigned, by)
    else:
        _touch_search(case)
    return case


def recuse(case_mediator: CaseMediator, by, reason: str):
    """A mediator with an interest steps aside; recorded on the case."""
    case = case_mediator.case
    if not permissions.can_recuse(by, case):
        raise NotPermitted("recuse")
    if case_mediator.is_recused:
        raise MediationError(_l("This mediator has already stepped aside."))
    if not reason.strip():
        message = _l("Give the reason for stepping aside.")
        raise MediationError(message, {"reason": [message]})
    case_mediator.recused_dt = utcnow()
    case_mediator.recused_by_id = by.id
    case_mediator.recusal_reason = reason
    case_mediator.is_lead = False
    remaining = case.active_mediators
    if remaining and not any(cm.is_lead for cm in remaining):
        remaining[0].is_lead = True
    add_event(case, "recusal", by, f"{case_mediator.member.user.name}: {reason}")
    log(
        "mediation_case.recusal",
        case,
        by=by,
        summary=case_mediator.member.user.name,
        data={"member": case_mediator.member_id, "reason": reason},
    )
    notify(
        mediator_users(case),
        _l('A mediator stepped aside from case "%(title)s".'),
        case_url(case),
        title=case.title,
    )
    _touch_search(case)
    return case_mediator


def start_mediation(case: Case, by, note=""):
    return transition(case, CaseStatus.in_mediation, by, note)


# ---------------------------------------------------------------- in mediation


def _require_work(case, by):
    if not permissions.can_work_case(by, case):
        raise NotPermitted("work")


def add_session(case: Case, by, *, held_dt, ended_dt=None, **fields) -> MediationSession:
    _require_work(case, by)
    if case.status != CaseStatus.in_mediation:
        raise MediationError(_l("Sessions are recorded while the case is in mediation."))
    _check_order(held_dt, ended_dt, "ended_dt", _l("The session cannot end before it starts."))
    if case.accepted_dt is not None and held_dt < case.accepted_dt - timedelta(days=1):
        message = _l("The session cannot be before the case was accepted.")
        raise MediationError(message, {"held_dt": [message]})
    session = MediationSession(
        case=case, held_dt=held_dt, ended_dt=ended_dt, recorded_by_id=by.id, **fields
    )
    db.session.add(session)
    add_event(case, "session", by, fields.get("place", ""))
    log("mediation_case.session", case, by=by)
    _touch_search(case)
    return session


def add_investigation(case: Case, by, *, investigated_dt, **fields) -> InvestigationRecord:
    _require_work(case, by)
    if case.status not in RUNNING_STATUSES:
        raise MediationError(_l("Investigations are recorded while the case is open."))
    if investigated_dt > utcnow() + timedelta(days=1):
        message = _l("An investigation cannot be recorded for a future date.")
        raise MediationError(message, {"investigated_dt": [message]})
    record = InvestigationRecord(
        case=case, investigated_dt=investigated_dt, recorded_by_id=by.id, **fields
    )
    db.session.add(record)
    add_event(case, "investigation", by, fields.get("interviewee", ""))
    log("mediation_case.investigation", case, by=by)
    _touch_search(case)
    return record


def add_evidence(case: Case, by, *, title, file, description="", submitted_by="") -> Evidence:
    if not permissions.can_add_evidence(by, case):
        raise NotPermitted("evidence")
    evidence = Evidence(
        case=case,
        title=title,
        description=description,
        submitted_by=submitted_by,
        file=file,
        uploaded_by_id=by.id,
    )
    db.session.add(evidence)
    add_event(case, "evidence", by, title)
    log("mediation_case.evidence", case, by=by, summary=title)
    return evidence


def add_note(case: Case, by, body: str) -> CaseNote:
    if not permissions.can_view_private(by, case) or case.status == CaseStatus.archived:
        raise NotPermitted("note")
    note = CaseNote(case=case, author_id=by.id, body=body)
    db.session.add(note)
    add_event(case, "note", by, internal=True)
    log("mediation_case.note", case, by=by)
    return note


# ---------------------------------------------------------------- outcomes

WRITTEN_REQUIRED = {
    "parties_text": _l("State the parties' basic facts."),
    "facts": _l("State the main facts and the points in dispute."),
    "responsibilities": _l("State each party's responsibility."),
    "terms": _l("State what the parties agreed."),
    "performance_manner": _l("State how the agreement is performed."),
    "performance_deadline": _l("State by when the agreement is performed."),
    "effective_on": _l("State when the agreement took effect."),
}
ORAL_REQUIRED = {
    "oral_record": _l("Record what was agreed orally."),
    "effective_on": _l("State when the agreement took effect."),
}


def validate_agreement(kind: AgreementKind, fields: dict) -> dict:
    required = WRITTEN_REQUIRED if AgreementKind(kind) == AgreementKind.written else ORAL_REQUIRED
    errors = {}
    for name, message in required.items():
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = [message]
    signed, effective = fields.get("signed_on"), fields.get("effective_on")
    deadline = fields.get("performance_deadline")
    if signed and effective and effective < signed:
        errors.setdefault("effective_on", []).append(
            _l("The agreement cannot take effect before it is signed.")
        )
    if effective and deadline and deadline < effective:
        errors.setdefault("performance_deadline", []).append(
            _l("The performance deadline cannot precede the agreement's effect.")
        )
    if effective and effective > clock.today():
        errors.setdefault("effective_on", []).append(
            _l("The agreement cannot take effect in the future.")
        )
    return errors


def record_agreement(case: Case, by, *, kind: AgreementKind, **fields) -> Agreement:
    """Record the agreement (refused with field errors when a required content is missing)."""
    check_transition(case, CaseStatus.agreement_reached, by)
    errors = validate_agreement(kind, fields)
    if errors:
        raise MediationError(_l("The agreement lacks required contents."), errors)
    agreement = Agreement(case=case, kind=AgreementKind(kind), recorded_by_id=by.id, **fields)
    db.session.add(agreement)
    db.session.flush()
    log("mediation_case.agreement", case, by=by, data={"kind": str(kind)})
    transition(case, CaseStatus.agreement_reached, by, str(agreement.kind_label))
    notify(
        party_users(case),
        _l(
            "The parties may jointly apply to the people's court for judicial confirmation of "
            'the agreement in case "%(title)s" until %(date)s.'
        ),
        case_url(case),
        title=case.title,
        date=LocalDay(agreement.confirmation_deadline),
    )
    return agreement


def record_confirmation(case: Case, by, *, applied_on, court, result="") -> Agreement:
    if not permissions.can_record_confirmation(by, case):
        raise NotPermitted("confirmation")
    agreement = case.agreement
    if applied_on < agreement.effective_on:
        message = _l("Judicial confirmation cannot be applied for before the agreement's effect.")
        raise MediationError(message, {"applied_on": [message]})
    if applied_on > agreement.confirmation_deadline:
        # People's Mediation Law Art. 33: within 30 days of the agreement taking effect.
        message = _(
            "The 30 days for applying for judicial confirmation closed on %(date)s; an "
            "application made on %(applied)s can no longer be recorded.",
            date=format_day(agreement.confirmation_deadline),
            applied=format_day(applied_on),
        )
        raise MediationError(message, {"applied_on": [message]})
    agreement.confirmation_applied_on = applied_on
    agreement.confirmation_court = court
    agreement.confirmation_result = result
    add_event(case, "judicial_confirmation", by, court)
    log("mediation_case.confirmation", case, by=by, summary=court)
    return agreement


def fail(case: Case, by, note=""):
    """Mediation ends without agreement; the parties are told the other routes (Art. 26)."""
    check_transition(case, CaseStatus.failed, by)
    # The other routes (OTHER_ROUTES) are shown with the notice in each reader's language.
    case.termination_notice = note.strip()
    transition(case, CaseStatus.failed, by, note)
    notify(party_users(case), OTHER_ROUTES, case_url(case))
    return case


def withdraw(case: Case, by, reason=""):
    check_transition(case, CaseStatus.withdrawn, by)
    case.withdrawal_reason = reason
    return transition(case, CaseStatus.withdrawn, by, reason)


def record_return_visit(case: Case, by, *, visited_on: date, **fields) -> ReturnVisit:
    if case.status not in (CaseStatus.agreement_reached, CaseStatus.return_visited):
        raise TransitionRefused(_l("Return visits follow an agreement."))
    if not permissions.can_work_case(by, case):
        raise NotPermitted("visit")
    if case.agreement is not None and visited_on < case.agreement.effective_on:
        message = _l("The return visit cannot precede the agreement's effect.")
        raise MediationError(message, {"visited_on": [message]})
    if visited_on > clock.today():
        message = _l("A return visit cannot be recorded for a future date.")
        raise MediationError(message, {"visited_on": [message]})
    visit = ReturnVisit(case=case, visited_on=visited_on, visited_by_id=by.id, **fields)
    db.session.add(visit)
    db.session.flush()
    log("mediation_case.return_visit", case, by=by)
    if case.status == CaseStatus.agreement_reached:
        transition(case, CaseStatus.return_visited, by, str(visit.performance_label))
    else:
        add_event(case, "return_visit", by, str(visit.performance_label))
    return visit


def archive(case: Case, by, *, retention_period=None, note=""):
    check_transition(case, CaseStatus.archived, by)
    if retention_period is not None:
        case.retention_period = retention_period
    return transition(case, CaseStatus.archived, by, note)


def view_entry(case: Case, by, **data) -> dict:
    """Every view of a case record is in the audit log: its entry's values, for log_read()."""
    return read_entry("case.view", case, by=by, summary=case.title, data=data or None)


# ---------------------------------------------------------------- reminders

DUE_SOON_DAYS = 5
CONFIRMATION_WARNING_DAYS = 7

REMINDER_TEXT = {
    "due_soon": _l('Case "%(title)s" is due on %(date)s.'),
    "overdue": _l('Case "%(title)s" is past its duration limit (%(date)s).'),
    "confirmation_window": _l(
        'The window to apply for judicial confirmation of the agreement in case "%(title)s" '
        "closes on %(date)s."
    ),
}


def _remind_once(case, kind, recipients, date_value) -> bool:
    exists = db.session.scalar(
        select(CaseReminder.id).where(CaseReminder.case_id == case.id, CaseReminder.kind == kind)
    )
    if exists:
        return False
    db.session.add(CaseReminder(case_id=case.id, kind=kind))
    notify(
        recipients,
        REMINDER_TEXT[kind],
        case_url(case),
        title=case.title,
        date=LocalDay(date_value),
    )
    add_event(case, "reminder", None, kind, internal=True)
    return True


def send_reminders(now: datetime | None = None) -> dict:
    """Deadline and judicial-confirmation reminders; each is sent once per case (idempotent)."""
    now = now or utcnow()
    counts = {"due_soon": 0, "overdue": 0, "confirmation_window": 0}
    running = db.session.scalars(
        select(Case).where(Case.status.in_(RUNNING_STATUSES), Case.due_dt.is_not(None))
    )
    for case in running:
        if case.due_dt < now:
            recipients = mediator_users(case) + list(_staff_users())
            if _remind_once(case, "overdue", recipients, clock.local_date(case.due_dt)):
                counts["overdue"] += 1
        elif case.due_dt - now <= timedelta(days=DUE_SOON_DAYS) and _remind_once(
            case, "due_soon", mediator_users(case), clock.local_date(case.due_dt)
        ):
            counts["due_soon"] += 1
    agreed = db.session.scalars(
        select(Case)
        .join(Agreement, Agreement.case_id == Case.id)
        .where(
            Case.status.in_((CaseStatus.agreement_reached, CaseStatus.return_visited)),
            Agreement.confirmation_applied_on.is_(None),
        )
    )
    today = clock.local_date(now)
    for case in agreed:
        deadline = case.agreement.confirmation_deadline
        soon = today <= deadline and (deadline - today).days <= CONFIRMATION_WARNING_DAYS
        recipients = party_users(case) + mediator_users(case)
        if soon and _remind_once(case, "confirmation_window", recipients, deadline):
            case.agreement.confirmation_reminded_dt = now
            counts["confirmation_window"] += 1
    return counts


def _staff_users():
    return db.session.scalars(
        select(User).where(User.role.in_((Role.staff,)), User.is_deactivated.is_(False))
    )
