"""Every state change of counsel; flushes, never commits."""

import time
from datetime import date
from typing import NamedTuple

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.accounts.models import (
    Chamber,
    Enterprise,
    LawyerProfile,
    Role,
    User,
    Verification,
    enterprise_chambers,
    lawyer_specialities,
)
from portal.audit.operations import log
from portal.core import clock
from portal.core.cache import get_or_set, invalidate
from portal.core.db import db
from portal.core.links import link_records
from portal.core.models import LegalCategory
from portal.counsel.models import (
    MAX_FIRMS,
    MAX_LAWYERS,
    CounselGroup,
    CounselLawyerSeat,
    CounselMembership,
    CounselRequest,
    CounselService,
    CounselTerm,
    GroupStatus,
    ServiceKind,
    ServiceStatus,
)
from portal.counsel.reports import coverage_changed
from portal.counsel.workflow import CounselError
from portal.notifications.operations import notify

__all__ = ["CounselError"]


def lawyer_cap() -> int:
    return int(current_app.config.get("COUNSEL_MAX_GROUPS_PER_LAWYER", 3))


# The firm's active group, built once: as the group, or whether there is one (a question page
# asks that on every view, for its escalation buttons, and needs no group object).
_ACTIVE_GROUP_OF_FIRM = (
    select(CounselGroup)
    .join(CounselMembership)
    .where(
        CounselMembership.enterprise_id == bindparam("enterprise_id"),
        CounselMembership.left_on.is_(None),
        CounselGroup.status == GroupStatus.active,
    )
)
_HAS_ACTIVE_GROUP = select(_ACTIVE_GROUP_OF_FIRM.exists())


def active_group_of(enterprise_id) -> CounselGroup | None:
    if enterprise_id is None:
        return None
    return db.session.scalar(_ACTIVE_GROUP_OF_FIRM, {"enterprise_id": enterprise_id})


def has_active_group(enterprise_id: int) -> bool:
    return bool(db.session.scalar(_HAS_ACTIVE_GROUP, {"enterprise_id": enterprise_id}))


def active_group_count(lawyer_id: int, *, excluding_group=None) -> int:
    stmt = (
        select(func.count(func.distinct(CounselLawyerSeat.group_id)))
        .join(CounselGroup)
        .where(
            CounselLawyerSeat.lawyer_id == lawyer_id,
            CounselLawyerSeat.left_on.is_(None),
            CounselGroup.status == GroupStatus.active,
        )
    )
    if excluding_group is not None and excluding_group.id is not None:
        stmt = stmt.where(CounselLawyerSeat.group_id != excluding_group.id)
    return db.session.scalar(stmt) or 0


def check_firm(enterprise: Enterprise, *, group=None) -> None:
    """Raise CounselError unless the firm may take a seat in `group` (or a new group)."""
    if not enterprise.is_small_or_micro:
        raise CounselError(
            _l(
                "%(firm)s is a %(size)s enterprise; 5+1 groups are for small and micro firms only.",
                firm=enterprise.name,
                size=enterprise.size_label,
            )
        )
    current = active_group_of(enterprise.id)
    if current is not None and current is not group:
        raise CounselError(
            _l(
                "%(firm)s is already in the active group %(group)s.",
                firm=enterprise.name,
                group=current.name,
            )
        )


def check_lawyer(lawyer: User, *, group=None) -> None:
    if lawyer.role != Role.lawyer or lawyer.lawyer_profile is None:
        raise CounselError(_l("%(name)s is not a registered lawyer.", name=lawyer.name))
    cap = lawyer_cap()
    if active_group_count(lawyer.id, excluding_group=group) >= cap:
        raise CounselError(
            _l(
                "%(name)s already serves %(cap)s active groups, the most allowed.",
                name=lawyer.name,
                cap=cap,
            )
        )


def check_group(enterprises, lawyers, *, group=None) -> None:
    if not enterprises:
        raise CounselError(_l("Choose at least one enterprise."))
    if len(enterprises) > MAX_FIRMS:
        raise CounselError(
            _l(
                "A group has at most %(n)s enterprises; you chose %(m)s.",
                n=MAX_FIRMS,
                m=len(enterprises),
            )
        )
    if not 1 <= len(lawyers) <= MAX_LAWYERS:
        raise CounselError(_l("A group has one or two counsel lawyers."))
    if len({e.id for e in enterprises}) != len(enterprises) or len({u.id for u in lawyers}) != len(
        lawyers
    ):
        raise CounselError(_l("Each enterprise and each lawyer can be chosen only once."))
    for enterprise in enterprises:
        check_firm(enterprise, group=group)
    for lawyer in lawyers:
        check_lawyer(lawyer, group=group)


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise CounselError(_l("The term must end after it starts."))


def _flush_seats():
    """Flush in a savepoint so a concurrent writer's seat (unique index) becomes a message."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise CounselError(
            _l("Someone else just gave one of these seats away; please reload and try again.")
        ) from exc


def _free_slot(taken, limit):
    for slot in range(1, limit + 1):
        if slot not in taken:
            return slot
    return None


def _seat_firm(group, enterprise, on):
    taken = {m.slot for m in group.current_members}
    slot = _free_slot(taken, MAX_FIRMS)
    if slot is None:
        raise CounselError(
            _l("%(group)s already has %(n)s enterprises.", group=group.name, n=MAX_FIRMS)
        )
    membership = CounselMembership(group=group, enterprise=enterprise, slot=slot, joined_on=on)
    db.session.add(membership)
    return membership


def _seat_lawyer(group, lawyer, on):
    slot = _free_slot({s.slot for s in group.current_lawyer_seats}, MAX_LAWYERS)
    if slot is None:
        raise CounselError(_l("%(group)s already has two counsel lawyers.", group=group.name))
    seat = CounselLawyerSeat(group=group, lawyer=lawyer, slot=slot, joined_on=on)
    db.session.add(seat)
    return seat


def create_group(*, name, start_date, end_date, enterprises, lawyers, by, chamber=None, note=""):
    _check_dates(start_date, end_date)
    check_group(enterprises, lawyers)
    group = CounselGroup(
        name=name.strip(),
        chamber=chamber,
        start_date=start_date,
        end_date=end_date,
        note=note or "",
        created_by_id=by.id,
    )
    db.session.add(group)
    db.session.add(
        CounselTerm(
            group=group, number=1, start_date=start_date, end_date=end_date, created_by_id=by.id
        )
    )
    for enterprise in enterprises:
        _seat_firm(group, enterprise, start_date)
    for lawyer in lawyers:
        _seat_lawyer(group, lawyer, start_date)
    _flush_seats()
    coverage_changed()
    suggestions_changed()
    log(
        "counsel_group.create",
        group,
        by=by,
        summary=group.name,
        data={"enterprises": [e.id for e in enterprises], "lawyers": [u.id for u in lawyers]},
    )
    url = url_for("counsel.group", group_id=group.id)
    notify(lawyers, _l("You are counsel of the 5+1 group %(group)s."), url=url, group=group.name)
    notify(
        [u for e in enterprises for u in e.users],
        _l("Your firm joined the 5+1 counsel group %(group)s."),
        url=url,
        group=group.name,
    )
    return group


def _require_active(group):
    if not group.is_active:
        raise CounselError(_l("This group has ended and can no longer change."))


def add_member(group, enterprise, *, by, on=None):
    _require_active(group)
    if len(group.current_members) >= MAX_FIRMS:
        raise CounselError(
            _l("%(group)s already has %(n)s enterprises.", group=group.name, n=MAX_FIRMS)
        )
    check_firm(enterprise)
    membership = _seat_firm(group, enterprise, on or clock.today())
    _flush_seats()
    coverage_changed()
    suggestions_changed()
    log(
        "counsel_group.add_member",
        group,
        by=by,
        summary=enterprise.name,
        data={"enterprise": enterprise.id},
    )
    notify(
        enterprise.users,
        _l("Your firm joined the 5+1 counsel group %(group)s."),
        url=url_for("counsel.group", group_id=group.id),
        group=group.name,
    )
    return membership


def remove_member(group, membership, *, by, on=None):
    if membership.group_id != group.id or membership.left_on is not None:
        raise CounselError(_l("This enterprise is not a current member of the group."))
    membership.left_on = on or clock.today()
    coverage_changed()
    suggestions_changed()
    log(
        "counsel_group.remove_member",
        group,
        by=by,
        summary=membership.enterprise.name,
        data={"enterprise": membership.enterprise_id},
    )


def add_lawyer(group, lawyer, *, by, on=None):
    _require_active(group)
    if any(s.lawyer_id == lawyer.id for s in group.current_lawyer_seats):
        raise CounselError(_l("%(name)s is already counsel of this group.", name=lawyer.name))
    if len(group.current_lawyer_seats) >= MAX_LAWYERS:
        raise CounselError(_l("%(group)s already has two counsel lawyers.", group=group.name))
    check_lawyer(lawyer, group=None)
    seat = _seat_lawyer(group, lawyer, on or clock.today())
    _flush_seats()
    log("counsel_group.add_lawyer", group, by=by, summary=lawyer.name, data={"lawyer": lawyer.id})
    notify(
        [lawyer],
        _l("You are counsel of the 5+1 group %(group)s."),
        url=url_for("counsel.group", group_id=group.id),
        group=group.name,
    )
    suggestions_changed()  # the lawyer's load changed
    return seat


def remove_lawyer(group, seat, *, by, on=None):
    if seat.group_id != group.id or seat.left_on is not None:
        raise CounselError(_l("This lawyer is not current counsel of the group."))
    if group.is_active and len(group.current_lawyer_seats) <= 1:
        raise CounselError(
            _l("An active group keeps at least one counsel lawyer; add another first.")
        )
    seat.left_on = on or clock.today()
    log(
        "counsel_group.remove_lawyer",
        group,
        by=by,
        summary=seat.lawyer.name,
        data={"lawyer": seat.lawyer_id},
    )
    suggestions_changed()  # the lawyer's load changed


def renew_group(group, *, start_date, end_date, by):
    """A new term for the same group: members, lawyers and history stay."""
    _check_dates(start_date, end_date)
    if start_date <= group.start_date:
        raise CounselError(_l("A new term starts after the current one started."))
    _require_active(group)
    number = max((t.number for t in group.terms), default=0) + 1
    db.session.add(
        CounselTerm(
            group=group,
            number=number,
            start_date=start_date,
            end_date=end_date,
            created_by_id=by.id,
        )
    )
    group.start_date, group.end_date = start_date, end_date
    _flush_seats()
    coverage_changed()
    suggestions_changed()
    log(
        "counsel_group.renew",
        group,
        by=by,
        summary=f"{start_date} – {end_date}",
        data={"term": number},
    )
    return group


def end_group(group, *, by, on=None):
    """Term over without renewal: seats are freed, the history stays."""
    _require_active(group)
    on = on or clock.today()
    group.status = GroupStatus.ended
    group.ended_dt = clock.now_utc()
    for membership in group.current_members:
        membership.left_on = on
    for seat in group.current_lawyer_seats:
        seat.left_on = on
    coverage_changed()
    suggestions_changed()
    log("counsel_group.end", group, by=by, summary=group.name)


def log_service(group, *, enterprise, lawyer, kind, service_date, minutes, note, by):
    _require_active(group)
    if not any(m.enterprise_id == enterprise.id for m in group.current_members):
        raise CounselError(_l("%(firm)s is not a member of this group.", firm=enterprise.name))
    if service_date > clock.today():
        raise CounselError(_l("A service cannot be logged for a future date."))
    if not minutes or minutes <= 0 or minutes > 1440:
        raise CounselError(_l("Time spent must be between 1 minute and 24 hours."))
    service = CounselService(
        group=group,
        enterprise=enterprise,
        lawyer=lawyer,
        kind=ServiceKind(kind),
        service_date=service_date,
        minutes=minutes,
        note=note or "",
        status=ServiceStatus.logged,
    )
    db.session.add(service)
    db.session.flush()
    from portal.counsel.models import CounselServiceEvent

    db.session.add(
        CounselServiceEvent(service=service, from_status=None, to_status="logged", by_id=by.id)
    )
    log("counsel_service.log", service, by=by, summary=f"{enterprise.name} {kind} {minutes}min")
    notify(
        enterprise.users,
        _l("Your counsel logged a service for your firm; please confirm it."),
        url=url_for("counsel.service", service_id=service.id),
    )
    return service


def edit_service(service, *, kind, service_date, minutes, note, by):
    """The counsel corrects an entry that is awaiting confirmation or disputed."""
    if service.status not in (ServiceStatus.logged, ServiceStatus.disputed):
        raise CounselError(_l("Only entries awaiting confirmation or disputed can be corrected."))
    if service_date > clock.today():
        raise CounselError(_l("A service cannot be logged for a future date."))
    service.kind = ServiceKind(kind)
    service.service_date = service_date
    service.minutes = minutes
    service.note = note or ""
    log("counsel_service.edit", service, by=by, summary=f"{kind} {minutes}min")


def create_request(enterprise, *, title, body, by, group=None):
    """A direct question or task for the firm's counsel; the firm must be in an active group."""
    group = group or active_group_of(enterprise.id)
    if group is None or not group.is_active:
        raise CounselError(
            _l("%(firm)s has no active 5+1 counsel group.", firm=getattr(enterprise, "name", ""))
        )
    counsel_request = CounselRequest(
        group=group,
        enterprise=enterprise,
        title=(title or "").strip()[:200],
        body=body or "",
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(counsel_request)
    log("counsel_request.create", counsel_request, by=by, summary=counsel_request.title)
    notify(
        group.lawyers,
        _l("%(firm)s asked its counsel: %(title)s"),
        url=url_for("counsel.request_detail", request_id=counsel_request.id),
        firm=enterprise.name,
        title=counsel_request.title,
    )
    return counsel_request


def ask_counsel(enterprise, *, title, body, by, group=None):
    """A firm asks its counsel directly: the counsel request, and (when ask-a-lawyer is
    installed) a question assigned straight to the counsel, linked to it. Returns both."""
    counsel_request = create_request(enterprise, title=title, body=body, by=by, group=group)
    handler = current_app.extensions.get("portal.direct_question")
    question = None
    if handler is not None:
        question = handler(by, counsel_request.group.lawyers, counsel_request.title, body)
        link_records(counsel_request, question, "asked_as_question", by=by)
    return counsel_request, question


SUGGEST_TTL = 60  # seconds; see suggested_groups
SUGGEST_EPOCH_KEY = "counsel:suggest:epoch"


def suggestions_changed() -> None:
    """A group, its firms or its counsel changed: the cached suggestions (under every filter)
    are dropped at commit, as their keys all carry the epoch that this drops."""
    invalidate(SUGGEST_EPOCH_KEY)


def suggestions_key(chamber_id=None, industry=None) -> str:
    """The short shared cache's key for the suggestions under these filters (views.suggest
    keeps them as the page writes them, SUGGEST_TTL seconds): working them out reads and
    groups every free firm (some 40 ms at scale 1). A change to a group drops them at once
    (suggestions_changed); what else they depend on (a firm or lawyer newly verified, a
    lawyer's industries or specialities, a firm's chambers, the lawyers' group limit) shows
    within SUGGEST_TTL. Accepting a suggestion checks the group afresh (views.suggest_accept),
    so a stale one cannot make a group that breaks a rule."""
    epoch = get_or_set(SUGGEST_EPOCH_KEY, SUGGEST_TTL, lambda: f"{time.time_ns():x}")
    return f"counsel:suggest:{epoch}:{chamber_id or ''}:{industry or ''}"


def plain_suggestions(*, chamber_id=None, industry=None) -> list[dict]:
    """suggest_groups() as the plain values the suggestions page prints."""
    return [
        {
            "name": s["name"],
            "industry": s["industry"],
            "chamber": {"id": s["chamber"].id, "name": s["chamber"].name} if s["chamber"] else None,
            "enterprises": [
                {"id": e.id, "name": e.name, "size_class": e.size_class} for e in s["enterprises"]
            ],
            "lawyers": [
                {"id": u.id, "name": u.name, "law_firm": u.lawyer_profile.law_firm}
                for u in s["lawyers"]
            ],
        }
        for s in suggest_groups(chamber_id=chamber_id, industry=industry)
    ]


def eligible_enterprises_stmt():
    return select(Enterprise).where(Enterprise.size_class.in_(("small", "micro")))


def suggest_groups(*, chamber_id=None, industry=None, limit=20) -> list[dict]:
    """Groups of up to five small/micro firms not yet in an active group, by chamber and
    industry, each with the free lawyer whose industries and specialities fit them best."""

    taken = (
        select(CounselMembership.enterprise_id)
        .join(CounselGroup)
        .where(CounselMembership.left_on.is_(None), CounselGroup.status == GroupStatus.active)
    )
    stmt = eligible_enterprises_stmt().where(
        Enterprise.verification == Verification.verified, Enterprise.id.not_in(taken)
    )
    if industry:
        stmt = stmt.where(Enterprise.industry == industry)
    # The thousands of free firms are grouped as plain rows (id, industry, chamber ids); only
    # the firms and chambers of the suggestions shown become objects (all of them as objects
    # cost the page some 60 ms at scale 1).
    eligible = stmt.with_only_columns(Enterprise.id, Enterprise.industry).order_by(Enterprise.id)
    firms = db.session.execute(eligible).all()
    chamber_ids: dict[int, list[int]] = {}
    for enterprise_id, chamber in db.session.execute(
        select(enterprise_chambers.c.enterprise_id, enterprise_chambers.c.chamber_id).where(
            enterprise_chambers.c.enterprise_id.in_(eligible.with_only_columns(Enterprise.id))
        )
    ):
        chamber_ids.setdefault(enterprise_id, []).append(chamber)
    pairs = []
    for firm in firms:
        chambers = sorted(chamber_ids.get(firm.id, ()))
        if chamber_id:
            chambers = [c for c in chambers if c == chamber_id]
            if not chambers:
                continue
        pairs.append((_ChamberId(chambers[0]) if chambers else None, firm))
    chunks = _chunk_firms(pairs)
    wanted = {"contract", "employment", "corporate", "compliance"}
    # Verified lawyers as (id, industries, how many of the wanted specialities), in id order.
    fits = dict(
        db.session.execute(
            select(lawyer_specialities.c.lawyer_id, func.count())
            .join(LegalCategory, LegalCategory.id == lawyer_specialities.c.category_id)
            .where(LegalCategory.code.in_(wanted))
            .group_by(lawyer_specialities.c.lawyer_id)
        ).all()
    )
    lawyers = [
        _Lawyer(user_id, set(industries or ""), fits.get(user_id, 0))
        for user_id, industries in db.session.execute(
            select(User.id, LawyerProfile.industries)
            .join(LawyerProfile, LawyerProfile.user_id == User.id)
            .where(
                User.role == Role.lawyer,
                User.is_deactivated.is_(False),
                User.verification == Verification.verified,
            )
            .order_by(User.id)
        )
    ]
    load = dict.fromkeys((u.id for u in lawyers), 0)
    load.update(
        db.session.execute(
            select(
                CounselLawyerSeat.lawyer_id, func.count(func.distinct(CounselLawyerSeat.group_id))
            )
            .join(CounselGroup)
            .where(CounselLawyerSeat.left_on.is_(None), CounselGroup.status == GroupStatus.active)
            .group_by(CounselLawyerSeat.lawyer_id)
        ).all()
    )
    cap = lawyer_cap()
    suggestions = []
    for chunk in chunks:
        candidates = [u for u in lawyers if load[u.id] < cap]
        if not candidates:
            break
        industries = {firm.industry for _c, firm in chunk}

        def score(lawyer, industries=industries):
            fit = 2 * len(industries & lawyer.industries) + lawyer.wanted_specialities
            return (-fit, load[lawyer.id], lawyer.id)

        lawyer = min(candidates, key=score)
        load[lawyer.id] += 1
        chambers = {c.id if c else 0 for c, _f in chunk}
        chamber = chunk[0][0] if len(chambers) == 1 else None
        industry_code = "".join(sorted(industries))
        suggestions.append(
            {
                "chamber": chamber,
                "industry": industry_code if len(industries) == 1 else "",
                "enterprises": [firm for _c, firm in chunk],
                "lawyers": [lawyer],
                "name": industry_code,  # the chamber's name goes in front below
            }
        )
        if len(suggestions) >= limit:
            break
    firms_by_id = {
        firm.id: firm
        for firm in db.session.scalars(
            select(Enterprise).where(
                Enterprise.id.in_([f.id for s in suggestions for f in s["enterprises"]])
            )
        )
    }
    chambers_by_id = {
        chamber.id: chamber
        for chamber in db.session.scalars(
            select(Chamber).where(
                Chamber.id.in_([s["chamber"].id for s in suggestions if s["chamber"]])
            )
        )
    }
    users_by_id = {
        user.id: user
        for user in db.session.scalars(
            select(User)
            .options(joinedload(User.lawyer_profile).lazyload(LawyerProfile.specialities))
            .where(User.id.in_([lawyer.id for s in suggestions for lawyer in s["lawyers"]]))
        )
    }
    for number, suggestion in enumerate(suggestions, start=1):
        suggestion["lawyers"] = [users_by_id[lawyer.id] for lawyer in suggestion["lawyers"]]
        chamber = suggestion["chamber"] and chambers_by_id[suggestion["chamber"].id]
        suggestion["chamber"] = chamber
        suggestion["enterprises"] = [firms_by_id[f.id] for f in suggestion["enterprises"]]
        suggestion["name"] = f"{chamber.name if chamber else ''}{suggestion['name']}-{number}"
    return suggestions


class _Lawyer(NamedTuple):
    id: int
    industries: set
    wanted_specialities: int


class _ChamberId(int):
    """A chamber while firms are grouped: its id (what _chunk_firms compares), nothing more."""

    @property
    def id(self):
        return int(self)


def _chunk_firms(pairs):
    """Groups of 2..5 firms: first same chamber and industry, then what is left by chamber,
    then what is still left by industry. A firm left alone is added to a group by hand."""
    chunks = []
    passes = (
        lambda c, f: (c.id if c else 0, f.industry),
        lambda c, f: c.id if c else 0,
        lambda c, f: f.industry,
    )
    for key in passes:
        buckets: dict = {}
        for chamber, firm in pairs:
            buckets.setdefault(key(chamber, firm), []).append((chamber, firm))
        leftovers = []
        for _key, members in sorted(
            buckets.items(), key=lambda item: (-len(item[1]), str(item[0]))
        ):
            for start in range(0, len(members), MAX_FIRMS):
                chunk = members[start : start + MAX_FIRMS]
                (chunks if len(chunk) >= 2 else leftovers).append(chunk)
        pairs = [pair for chunk in leftovers for pair in chunk]
    return chunks
