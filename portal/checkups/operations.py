"""Every state change of checkups; flushes, never commits."""

import secrets
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Enterprise, Role, User
from portal.audit.operations import log
from portal.checkups.models import (
    Booking,
    ChecklistArea,
    ChecklistVersion,
    Checkup,
    CheckupEvent,
    CheckupLawyer,
    ClearArea,
    Finding,
    Level,
    Mode,
    Status,
)
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.i18n import LocalMoment, format_moment_range
from portal.core.permissions import acting_firm_users_query, acts_for_firm, is_verified
from portal.core.workdays import is_workday
from portal.notifications.operations import notify

SLOT = timedelta(minutes=30)

DEFAULT_AREAS = [
    ("公司设立与治理", "Company formation and governance"),
    ("合同及合同管理", "Contracts and their management"),
    (
        "劳动用工（劳动合同、社会保险、工时、解除）",
        "Employment (contracts, social insurance, working hours, dismissal)",
    ),
    ("知识产权", "Intellectual property"),
    ("税务", "Tax"),
    ("安全生产与环境保护", "Safety production and environment"),
    ("融资、担保与债务", "Financing, guarantees and debts"),
    ("数据与个人信息", "Data and personal information"),
    ("许可与资质", "Licences and qualifications"),
    (
        "诉讼、执行与信用记录（失信、经营异常、行政处罚及修复）",
        "Litigation, enforcement and credit records (dishonesty list, abnormal operations, "
        "administrative penalties and their repair)",
    ),
]


class CheckupError(Exception):
    """A refusal with a message for the user; nothing has been changed."""

    def __init__(self, message, problems=()):
        super().__init__(str(message))
        self.message = str(message)
        self.problems = list(problems)


def _reindex(checkup: Checkup):
    from portal.checkups.search import reindex

    reindex(checkup)


def checkup_url(checkup) -> str:
    """The page of a check-up (a plain path: operations also run from the CLI, outside requests)."""
    return f"/checkups/{checkup.id}"


# --- time helpers --------------------------------------------------------------------------


# A local (Beijing) date and time as the naive UTC we store; a stored time in Beijing (aware).
to_utc = clock.combine_local
to_local = clock.to_local


def slots_between(start: datetime, end: datetime) -> list[datetime]:
    """The fixed 30-minute units a booking from start to end touches (rounded outwards)."""
    first = start.replace(minute=(start.minute // 30) * 30, second=0, microsecond=0)
    slots = []
    slot = first
    while slot < end:
        slots.append(slot)
        slot += SLOT
    return slots


# --- checklist -------------------------------------------------------------------------------


def current_checklist() -> ChecklistVersion:
    """The newest checklist version; the default one (DOMAIN.md) is created on first use."""
    version = db.session.scalar(
        select(ChecklistVersion).order_by(ChecklistVersion.number.desc()).limit(1)
    )
    if version is None:
        try:
            with db.session.begin_nested():
                version = ChecklistVersion(number=1, note="默认清单 / default checklist")
                version.areas = [
                    ChecklistArea(position=i, name=zh, name_en=en)
                    for i, (zh, en) in enumerate(DEFAULT_AREAS)
                ]
                db.session.add(version)
                db.session.flush()
        except IntegrityError:
            # Another request created the default version at the same moment: use theirs.
            version = db.session.scalar(
                select(ChecklistVersion).where(ChecklistVersion.number == 1)
            )
    return version


def parse_checklist(text: str) -> list[tuple[str, str, str]]:
    """One area per line: `中文名 | English name | description` (the last two optional)."""
    areas = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + ["", ""]
        if parts[0]:
            areas.append((parts[0][:120], parts[1][:200], parts[2]))
    return areas


def checklist_text(version: ChecklistVersion) -> str:
    lines = []
    for area in version.areas:
        parts = [area.name, area.name_en]
        if area.description:
            parts.append(area.description)
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def new_checklist_version(areas, by, note="") -> ChecklistVersion:
    if not areas:
        raise CheckupError(_("The checklist needs at least one risk area."))
    names = [name for name, _en, _d in areas]
    if len(set(names)) != len(names):
        raise CheckupError(_("Each risk area may appear only once."))
    latest = current_checklist()
    version = ChecklistVersion(number=latest.number + 1, note=note[:255], created_by_id=by.id)
    version.areas = [
        ChecklistArea(position=i, name=name, name_en=en, description=desc)
        for i, (name, en, desc) in enumerate(areas)
    ]
    try:
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
    except IntegrityError as error:
        raise CheckupError(
            _("Someone else saved the checklist at the same moment; please look and try again.")
        ) from error
    log(
        "checkups.checklist_version",
        version,
        by=by,
        summary=f"v{version.number}: {len(areas)} areas",
    )
    return version


# --- who is who --------------------------------------------------------------------------------


def enterprise_users(enterprise_id: int) -> list[User]:
    """The accounts that act for the firm (verified, active): who is told and who may act."""
    return list(db.session.scalars(acting_firm_users_query([enterprise_id])))


def actor_kinds(user, checkup: Checkup) -> set[str]:
    kinds = set()
    if user is None or not getattr(user, "is_authenticated", False):
        return kinds
    if user.is_staff:
        kinds.add("staff")
    if is_verified(user, Role.lawyer) and any(a.lawyer_id == user.id for a in checkup.assignments):
        kinds.add("lawyer")
    if acts_for_firm(user, checkup.enterprise_id):
        kinds.add("enterprise")
    return kinds


# --- the state machine ---------------------------------------------------------------------------

S = Status
# (from, to) -> who may do it. The one table; transition() is the one place a status changes.
TRANSITIONS: dict[tuple[Status, Status], frozenset[str]] = {
    (S.scheduled, S.confirmed): frozenset({"enterprise", "staff"}),
    (S.scheduled, S.reschedule_requested): frozenset({"enterprise"}),
    (S.scheduled, S.cancelled): frozenset({"staff"}),
    (S.confirmed, S.scheduled): frozenset({"staff"}),  # staff moved it: the firm confirms again
    (S.confirmed, S.reschedule_requested): frozenset({"enterprise"}),
    (S.confirmed, S.in_progress): frozenset({"lawyer", "staff"}),
    (S.confirmed, S.cancelled): frozenset({"staff"}),
    (S.reschedule_requested, S.scheduled): frozenset({"staff"}),
    (S.reschedule_requested, S.cancelled): frozenset({"staff"}),
    (S.in_progress, S.report_draft): frozenset({"lawyer"}),
    (S.in_progress, S.cancelled): frozenset({"staff"}),
    (S.report_draft, S.in_progress): frozenset({"lawyer"}),
    (S.report_draft, S.signed_off): frozenset({"lawyer"}),
    (S.signed_off, S.report_draft): frozenset({"staff"}),  # returned for correction
    (S.signed_off, S.delivered): frozenset({"staff"}),
    (S.delivered, S.acknowledged): frozenset({"enterprise"}),
}
EDITABLE = (S.in_progress, S.report_draft)
RESCHEDULABLE = (S.scheduled, S.confirmed, S.reschedule_requested)

_NOTICES = {
    S.confirmed: _l("%(firm)s confirmed the legal check-up on %(when)s."),
    S.reschedule_requested: _l("%(firm)s asked for another slot for the legal check-up."),
    S.scheduled: _l("Legal check-up of %(firm)s scheduled for %(when)s."),
    S.in_progress: _l("The legal check-up of %(firm)s has started."),
    S.report_draft: _l("The risk report of %(firm)s is being drafted."),
    S.signed_off: _l("The risk report of %(firm)s has been signed off by every lawyer."),
    S.delivered: _l("Your legal check-up risk report is ready: please read and acknowledge it."),
    S.acknowledged: _l("%(firm)s acknowledged its legal check-up risk report."),
    S.cancelled: _l("The legal check-up of %(firm)s on %(when)s was cancelled."),
}


def allowed_transitions(user, checkup: Checkup) -> list[Status]:
    kinds = actor_kinds(user, checkup)
    return [
        to
        for (frm, to), who in TRANSITIONS.items()
        if frm == checkup.status and kinds & who and to not in (S.scheduled, S.signed_off)
    ]


def may_transition(user, checkup: Checkup, to: Status) -> bool:
    who = TRANSITIONS.get((checkup.status, to))
    return bool(who and actor_kinds(user, checkup) & who)


def _recipients(checkup: Checkup, to: Status) -> list[User]:
    firm, lawyers = enterprise_users(checkup.enterprise_id), checkup.lawyers
    creator = [checkup.created_by] if checkup.created_by else []
    return {
        S.confirmed: lawyers + creator,
        S.reschedule_requested: creator,
        S.scheduled: firm + lawyers,
        S.in_progress: firm,
        S.report_draft: [],
        S.signed_off: creator,
        S.delivered: firm,
        S.acknowledged: lawyers + creator,
        S.cancelled: firm + lawyers,
    }.get(to, [])


def transition(
    checkup: Checkup, to: Status, by, note: str = "", *, quiet: bool = False
) -> CheckupEvent:
    """The one place a status changes; `quiet` (demo data of the past) skips the notifications."""
    to = Status(to)
    frm = checkup.status
    who = TRANSITIONS.get((frm, to))
    if who is None:
        raise CheckupError(
            _(
                "A check-up that is “%(frm)s” cannot become “%(to)s”.",
                frm=checkup.status_label,
                to=_status_label(to),
            )
        )
    if not actor_kinds(by, checkup) & who:
        raise CheckupError(_("You may not do this to this check-up."))
    if to == S.reschedule_requested and not note.strip():
        raise CheckupError(_("Please say why you need another slot."))
    if to == S.signed_off:
        missing = missing_areas(checkup)
        if missing:
            raise CheckupError(
                _("These risk areas have neither a finding nor “no findings”:"),
                [a.label for a in missing],
            )
        unsigned = [a.lawyer.name for a in checkup.assignments if a.signed_dt is None]
        if unsigned:
            raise CheckupError(_("Not every lawyer has signed yet:"), unsigned)
    if to in (S.in_progress, S.report_draft) and frm in (S.report_draft, S.signed_off):
        _clear_signatures(checkup)
    if to == S.cancelled:
        db.session.execute(delete(Booking).where(Booking.checkup_id == checkup.id))
    if to == S.reschedule_requested:
        checkup.reschedule_reason = note.strip()
    checkup.status = to
    checkup.status_dt = utcnow()
    checkup.status_by_id = getattr(by, "id", None)
    event = CheckupEvent(
        checkup=checkup, from_status=str(frm), to_status=str(to), note=note, by_id=by.id
    )
    db.session.add(event)
    log(
        f"checkups.{to}",
        checkup,
        by=by,
        summary=f"{frm} → {to}" + (f": {note}" if note else ""),
    )
    notice = _NOTICES.get(to)
    if notice is not None and not quiet:
        notify(
            [u for u in _recipients(checkup, to) if u.id != by.id],
            notice,
            url=checkup_url(checkup),
            firm=checkup.enterprise.name,
            when=LocalMoment(checkup.start_dt),
        )
    _reindex(checkup)
    return event


def _status_label(status: Status) -> str:
    from portal.checkups.models import STATUS_LABELS

    return str(STATUS_LABELS[status])


# --- booking ----------------------------------------------------------------------------------------


def conflicts(
    lawyer_ids, enterprise_id, start: datetime, end: datetime, exclude_checkup_id=None
) -> list[str]:
    """Human-readable clashes with existing bookings (empty when the slots are free)."""
    slots = slots_between(start, end)
    if not slots:
        return []
    stmt = (
        select(Booking)
        .where(
            Booking.slot_dt.in_(slots),
            or_(Booking.lawyer_id.in_(list(lawyer_ids)), Booking.enterprise_id == enterprise_id),
        )
        .order_by(Booking.slot_dt)
    )
    if exclude_checkup_id is not None:
        stmt = stmt.where(Booking.checkup_id != exclude_checkup_id)
    problems, seen = [], set()
    for booking in db.session.scalars(stmt):
        key = (booking.lawyer_id, booking.enterprise_id, booking.checkup_id)
        if key in seen:
            continue
        seen.add(key)
        other = db.session.get(Checkup, booking.checkup_id)
        when = format_moment_range(other.start_dt, other.end_dt) if other else ""
        if booking.lawyer_id is not None:
            lawyer = db.session.get(User, booking.lawyer_id)
            problems.append(
                _(
                    "Lawyer %(name)s is already booked %(when)s.",
                    name=lawyer.name if lawyer else booking.lawyer_id,
                    when=when,
                )
            )
        else:
            firm = db.session.get(Enterprise, booking.enterprise_id)
            problems.append(
                _(
                    "%(firm)s already has a check-up %(when)s.",
                    firm=firm.name if firm else booking.enterprise_id,
                    when=when,
                )
            )
    return problems


def _book(checkup: Checkup, lawyer_ids: list[int]):
    """(Re)write the check-up's booking rows; the unique constraints settle any race."""
    problems = conflicts(
        lawyer_ids, checkup.enterprise_id, checkup.start_dt, checkup.end_dt, checkup.id
    )
    if problems:
        raise CheckupError(_("The slot is not free:"), problems)
    slots = slots_between(checkup.start_dt, checkup.end_dt)
    try:
        with db.session.begin_nested():
            db.session.execute(delete(Booking).where(Booking.checkup_id == checkup.id))
            for slot in slots:
                db.session.add(
                    Booking(
                        checkup_id=checkup.id, enterprise_id=checkup.enterprise_id, slot_dt=slot
                    )
                )
                for lawyer_id in lawyer_ids:
                    db.session.add(
                        Booking(checkup_id=checkup.id, lawyer_id=lawyer_id, slot_dt=slot)
                    )
            db.session.flush()
    except IntegrityError as error:
        # Someone booked the same lawyer or firm between our check and our insert.
        raise CheckupError(
            _("Someone else booked one of these people for that time just now; please try again.")
        ) from error


def _validate(enterprise, lawyers, start, end, mode, address, meeting_url):
    problems = []
    if end <= start:
        problems.append(_("The end time must be after the start time."))
    if not lawyers:
        problems.append(_("Choose at least one lawyer."))
    for lawyer in lawyers:
        if lawyer.role != Role.lawyer or not lawyer.is_verified:
            problems.append(_("%(name)s is not a verified lawyer.", name=lawyer.name))
        elif lawyer.lawyer_profile and lawyer.lawyer_profile.has_conflict_with(enterprise.id):
            problems.append(
                _(
                    "%(name)s has declared a conflict of interest with %(firm)s.",
                    name=lawyer.name,
                    firm=enterprise.name,
                )
            )
    if Mode(mode) == Mode.online and not meeting_url.strip():
        problems.append(_("An online check-up needs a meeting link."))
    if Mode(mode) == Mode.onsite and not (address.strip() or enterprise.address):
        problems.append(_("An on-site check-up needs an address."))
    if problems:
        raise CheckupError(_("The check-up cannot be scheduled:"), problems)


def schedule(
    enterprise: Enterprise,
    lawyers: list[User],
    start: datetime,
    end: datetime,
    by,
    *,
    mode=Mode.onsite,
    address="",
    meeting_url="",
    batch="",
    follow_up_of: Checkup | None = None,
    notify_people=True,
) -> Checkup:
    _validate(enterprise, lawyers, start, end, mode, address, meeting_url)
    checkup = Checkup(
        enterprise=enterprise,
        checklist_version=current_checklist(),
        status=Status.scheduled,
        mode=Mode(mode),
        address=(address.strip() or enterprise.address) if Mode(mode) == Mode.onsite else "",
        meeting_url=meeting_url.strip() if Mode(mode) == Mode.online else "",
        start_dt=start,
        end_dt=end,
        batch=batch,
        follow_up_of=follow_up_of,
        created_by_id=by.id,
        created_by=by,
    )
    checkup.assignments = [
        CheckupLawyer(lawyer=lawyer, lawyer_id=lawyer.id, position=i)
        for i, lawyer in enumerate(lawyers)
    ]
    db.session.add(checkup)
    db.session.flush()
    _book(checkup, [lawyer.id for lawyer in lawyers])
    db.session.add(
        CheckupEvent(checkup=checkup, from_status="", to_status=str(Status.scheduled), by_id=by.id)
    )
    log(
        "checkups.scheduled",
        checkup,
        by=by,
        summary=f"{enterprise.name} {start:%Y-%m-%d %H:%M}Z",
        data={"lawyers": [lawyer.id for lawyer in lawyers], "batch": batch},
    )
    if follow_up_of is not None:
        from portal.core.links import link_records

        link_records(follow_up_of, checkup, "follow_up_checkup", by=by)
    if notify_people:
        notify(
            enterprise_users(enterprise.id) + list(lawyers),
            _NOTICES[Status.scheduled],
            url=checkup_url(checkup),
            firm=enterprise.name,
            when=LocalMoment(start),
        )
    _reindex(checkup)
    return checkup


def schedule_batch(
    enterprises: list[Enterprise],
    lawyers: list[User],
    first_day: date,
    last_day: date,
    day_start: time,
    day_end: time,
    minutes: int,
    by,
    *,
    mode=Mode.onsite,
    meeting_url="",
) -> list[Checkup]:
    """Give each firm the next free slot of `minutes`, working days between the dates; all or none."""
    if not enterprises:
        raise CheckupError(_("No firm to schedule."))
    if last_day < first_day or day_end <= day_start or minutes < 30:
        raise CheckupError(_("The day window or the duration is not valid."))
    batch = f"batch-{utcnow():%Y%m%d%H%M}-{secrets.token_hex(2)}"
    # Whole half hours, so one firm's last slot is not the next firm's first.
    length = SLOT * -(-minutes // 30)
    created = []
    day = first_day
    cursor = to_utc(day, day_start)
    remaining = list(enterprises)
    while remaining:
        window_end = to_utc(day, day_end)
        if not is_workday(day) or cursor + length > window_end:
            day += timedelta(days=1)
            if day > last_day:
                raise CheckupError(
                    _(
                        "%(n)d firms do not fit between the dates; nothing was scheduled.",
                        n=len(remaining),
                    ),
                    [e.name for e in remaining],
                )
            cursor = to_utc(day, day_start)
            continue
        firm = remaining[0]
        if conflicts([lawyer.id for lawyer in lawyers], firm.id, cursor, cursor + length):
            cursor += SLOT
            continue
        created.append(
            schedule(
                firm,
                lawyers,
                cursor,
                cursor + length,
                by,
                mode=mode,
                meeting_url=meeting_url,
                batch=batch,
            )
        )
        remaining.pop(0)
        cursor += length
    return created


def reschedule(checkup: Checkup, start: datetime, end: datetime, by, note="") -> Checkup:
    if checkup.status not in RESCHEDULABLE:
        raise CheckupError(_("Only a check-up that has not started can be moved."))
    _validate(
        checkup.enterprise,
        checkup.lawyers,
        start,
        end,
        checkup.mode,
        checkup.address,
        checkup.meeting_url,
    )
    old = checkup.start_dt
    checkup.start_dt, checkup.end_dt = start, end
    checkup.sequence += 1
    _book(checkup, [a.lawyer_id for a in checkup.assignments])
    log(
        "checkups.rescheduled",
        checkup,
        by=by,
        summary=f"{old:%Y-%m-%d %H:%M}Z → {start:%Y-%m-%d %H:%M}Z",
    )
    if checkup.status != Status.scheduled:
        transition(checkup, Status.scheduled, by, note=note)
    else:
        db.session.add(
            CheckupEvent(
                checkup=checkup,
                from_status=str(checkup.status),
                to_status=str(checkup.status),
                note=note or _("Moved to another time."),
                by_id=by.id,
            )
        )
        notify(
            enterprise_users(checkup.enterprise_id) + checkup.lawyers,
            _NOTICES[Status.scheduled],
            url=checkup_url(checkup),
            firm=checkup.enterprise.name,
            when=LocalMoment(start),
        )
    _reindex(checkup)
    return checkup


# --- findings ------------------------------------------------------------------------------------


def _require_editable(checkup: Checkup, by):
    if checkup.status not in EDITABLE:
        raise CheckupError(_("Findings can be recorded only while the check-up is in progress."))
    if "lawyer" not in actor_kinds(by, checkup):
        raise CheckupError(_("Only the assigned lawyers record findings."))


def _clear_signatures(checkup: Checkup):
    for assignment in checkup.assignments:
        assignment.signed_dt = None


def _area_of(checkup: Checkup, area_id: int) -> ChecklistArea:
    area = db.session.get(ChecklistArea, area_id)
    if area is None or area.version_id != checkup.checklist_version_id:
        raise CheckupError(_("That risk area is not on this check-up's checklist."))
    return area


def save_finding(
    checkup: Checkup,
    by,
    *,
    area_id: int,
    level,
    facts: str,
    legal_basis: str = "",
    recommendation: str = "",
    finding: Finding | None = None,
) -> Finding:
    _require_editable(checkup, by)
    area = _area_of(checkup, area_id)
    if not facts.strip():
        raise CheckupError(_("Describe the facts of the finding."))
    if finding is None:
        finding = Finding(checkup=checkup, created_by_id=by.id)
        db.session.add(finding)
        action = "checkups.finding_added"
    else:
        action = "checkups.finding_changed"
    finding.area, finding.area_id = area, area.id
    finding.level = Level(level)
    finding.facts, finding.legal_basis, finding.recommendation = (
        facts.strip(),
        legal_basis.strip(),
        recommendation.strip(),
    )
    # A finding and "no findings" in the same area contradict each other.
    db.session.execute(
        delete(ClearArea).where(ClearArea.checkup_id == checkup.id, ClearArea.area_id == area.id)
    )
    _clear_signatures(checkup)
    log(action, finding, by=by, summary=f"{area.name} {finding.level}")
    db.session.expire(checkup, ["clear_areas"])
    _reindex(checkup)
    return finding


def delete_finding(finding: Finding, by):
    checkup = finding.checkup
    _require_editable(checkup, by)
    log("checkups.finding_deleted", finding, by=by, summary=finding.facts[:200])
    checkup.findings.remove(finding)
    db.session.delete(finding)
    _clear_signatures(checkup)
    _reindex(checkup)


def mark_clear(checkup: Checkup, area_id: int, by, clear: bool = True):
    """Mark an area explicitly as 'no findings' (or take the mark back)."""
    _require_editable(checkup, by)
    area = _area_of(checkup, area_id)
    existing = next((c for c in checkup.clear_areas if c.area_id == area.id), None)
    if clear:
        if any(f.area_id == area.id for f in checkup.findings):
            raise CheckupError(
                _("“%(area)s” already has findings; delete them first.", area=area.label)
            )
        if existing is None:
            checkup.clear_areas.append(ClearArea(area=area, area_id=area.id, marked_by_id=by.id))
    elif existing is not None:
        checkup.clear_areas.remove(existing)
    _clear_signatures(checkup)
    log(
        "checkups.area_clear" if clear else "checkups.area_unclear",
        checkup,
        by=by,
        summary=area.name,
    )


def area_states(checkup: Checkup) -> list[dict]:
    clear = {c.area_id for c in checkup.clear_areas}
    # The findings sorted to their areas in one pass (each area scanning them all read every
    # finding's area once per area: 30 areas × the findings, per page).
    by_area: dict[int, list] = {}
    for finding in checkup.findings:
        by_area.setdefault(finding.area_id, []).append(finding)
    rows = []
    for area in checkup.areas:
        area_id = area.id
        findings = by_area.get(area_id, [])
        rows.append(
            {"area": area, "findings": findings, "clear": area_id in clear and not findings}
        )
    return rows


def missing_areas(checkup: Checkup, states: list[dict] | None = None) -> list[ChecklistArea]:
    """`states`: the check-up's area_states when the caller has them already."""
    states = area_states(checkup) if states is None else states
    return [row["area"] for row in states if not row["findings"] and not row["clear"]]


def save_summary(checkup: Checkup, summary: str, by):
    _require_editable(checkup, by)
    checkup.summary = summary.strip()
    _clear_signatures(checkup)
    log("checkups.summary", checkup, by=by)
    _reindex(checkup)


def sign_off(checkup: Checkup, by, *, quiet: bool = False):
    """The lawyer signs the report; when the last one signs, the report is signed off."""
    if checkup.status != Status.report_draft:
        raise CheckupError(_("Only a report being drafted can be signed."))
    assignment = next((a for a in checkup.assignments if a.lawyer_id == by.id), None)
    if assignment is None:
        raise CheckupError(_("Only the assigned lawyers sign the report."))
    missing = missing_areas(checkup)
    if missing:
        raise CheckupError(
            _("These risk areas have neither a finding nor “no findings”:"),
            [a.label for a in missing],
        )
    assignment.signed_dt = utcnow()
    log("checkups.signed", checkup, by=by)
    if all(a.signed_dt for a in checkup.assignments):
        transition(checkup, Status.signed_off, by, quiet=quiet)


# --- follow-up -----------------------------------------------------------------------------------


def escalation_targets(app, user, finding: Finding) -> list[tuple[str, str]]:
    targets = app.extensions.get("portal.escalation_targets", {})
    return [
        (code, str(target["label"]))
        for code, target in targets.items()
        if target["available"](user, finding)
    ]


def escalate_finding(app, finding: Finding, code: str, by):
    from portal.core.links import link_records

    target = app.extensions.get("portal.escalation_targets", {}).get(code)
    if target is None or not target["available"](by, finding):
        raise CheckupError(_("This follow-up is not available for this finding."))
    record = target["escalate"](finding, by)
    link_records(finding, record, f"follow_up_{code}", by=by)
    log("checkups.follow_up", finding, by=by, summary=code)
    return record


def follow_ups_done(
    start: datetime | None = None, end: datetime | None = None, *, chamber_id: int | None = None
) -> int:
    from portal.accounts.models import enterprise_chambers
    from portal.core.links import RecordLink

    stmt = (
        select(func.count())
        .select_from(RecordLink)
        .where(RecordLink.source_type == Finding.__tablename__)
    )
    if chamber_id is not None:
        firms = select(enterprise_chambers.c.enterprise_id).where(
            enterprise_chambers.c.chamber_id == chamber_id
        )
        findings = (
            select(Finding.id)
            .join(Checkup, Checkup.id == Finding.checkup_id)
            .where(Checkup.enterprise_id.in_(firms))
        )
        stmt = stmt.where(RecordLink.source_id.in_(findings))
    if start is not None:
        stmt = stmt.where(RecordLink.created_dt >= start)
    if end is not None:
        stmt = stmt.where(RecordLink.created_dt < end)
    return db.session.scalar(stmt) or 0
