"""Pages of checkups."""

import calendar as pycalendar
from datetime import date, time, timedelta
from time import time_ns
from urllib.parse import urlparse

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.lookup import typed_name
from portal.accounts.models import Chamber, Enterprise, LawyerProfile, Role, User, Verification
from portal.checkups import operations as ops
from portal.checkups import permissions as perms
from portal.checkups.charts import profile_rows, risk_profile_svg
from portal.checkups.forms import (
    BatchForm,
    ChecklistForm,
    FindingForm,
    NoteForm,
    RequestSlotForm,
    RescheduleForm,
    ScheduleForm,
    SummaryForm,
)
from portal.checkups.models import (
    CALENDAR_EPOCH_KEY,
    MODE_LABELS,
    STATUS_LABELS,
    ChecklistArea,
    Checkup,
    CheckupEvent,
    CheckupLawyer,
    ClearArea,
    Finding,
    Status,
    status_text,
)
from portal.core import clock, listfilter, once
from portal.core.cache import get_or_set
from portal.core.db import db, get_or_404, utcnow
from portal.core.forms import LongSelect
from portal.core.i18n import current_language, moment_formatter
from portal.core.keyset import seek
from portal.core.links import links_of, links_of_each
from portal.core.permissions import require
from portal.core.rows import LabelsOnce, href_for, translated

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _flash_error(error: ops.CheckupError):
    text = error.message
    if error.problems:
        text += " " + "；".join(error.problems)
    flash(text, "danger")


# Who may be booked for a check-up: a verified lawyer whose account is active.
_BOOKABLE_LAWYER = (
    User.role == Role.lawyer,
    User.verification == Verification.verified,
    User.is_deactivated.is_(False),
)
# The scheduling forms' lawyers as plain rows: some 330 accounts with their profiles as objects
# cost the form page 8 ms at scale 1.
_LAWYER_CHOICES = (
    select(User.id, User.name, LawyerProfile.law_firm)
    .outerjoin(LawyerProfile, LawyerProfile.user_id == User.id)
    .where(*_BOOKABLE_LAWYER)
    .order_by(User.name)
)
_CALENDAR_LAWYERS = select(User.id, User.name).where(*_BOOKABLE_LAWYER).order_by(User.name)


def _lawyer_choices():
    return [
        (user_id, f"{name}（{law_firm}）" if law_firm is not None else name)
        for user_id, name, law_firm in db.session.execute(_LAWYER_CHOICES)
    ]


# The schedule form lists every bookable lawyer (~330 at scale 1) with their firm: on a GET the
# list is kept this long in the short shared cache, the same for every reader (a lawyer
# verified, deactivated or renamed shows within this time); a posted form is checked against
# the list read afresh. Reading it cost each view some 1 ms.
SCHEDULE_LAWYERS_TTL = 30
SCHEDULE_LAWYERS_KEY = "checkups:schedule-lawyers"


def _lawyer_rows() -> list[list]:
    return [[user_id, label] for user_id, label in _lawyer_choices()]


def _visible(stmt):
    """Restrict a Checkup query to what the current user may see."""
    if current_user.is_staff:
        return stmt
    if current_user.role == Role.lawyer:
        return stmt.where(
            Checkup.id.in_(
                select(CheckupLawyer.checkup_id).where(CheckupLawyer.lawyer_id == current_user.id)
            )
        )
    if current_user.role == Role.enterprise and current_user.is_verified:
        return stmt.where(Checkup.enterprise_id == current_user.enterprise_id)
    return stmt.where(False)


@login_required
def index():
    require(perms.can_use_checkups(current_user))
    # Plain rows of what the table prints, not Checkup, Enterprise, CheckupLawyer and User
    # objects: building some 95 of them a page cost more than its queries.
    stmt = select(Checkup.id, Checkup.start_dt, Checkup.mode, Checkup.status)
    status = request.args.get("status", "")
    if status == "examined":  # held: the statistics page's "check-ups held"
        from portal.checkups.stats import EXAMINED

        stmt = stmt.where(Checkup.status.in_(EXAMINED))
    elif status in Status.__members__:
        stmt = stmt.where(Checkup.status == Status(status))
    list_filter = listfilter.from_request()
    stmt = list_filter.in_period(stmt, Checkup.start_dt)
    stmt = list_filter.of_chamber_firms(stmt, Checkup.enterprise_id)
    when = request.args.get("when", "")
    upcoming = when == "upcoming"
    if upcoming:
        stmt = stmt.where(Checkup.end_dt >= utcnow())
    narrowed = ":".join(f"{k}={v}" for k, v in sorted(list_filter.args().items()))
    known = status if status == "examined" or status in Status.__members__ else ""
    # Keyset pages (10,000 check-ups at scale: page 300 by OFFSET read 9,000 rows first).
    visible = _visible(stmt)
    checkups = seek(
        visible.add_columns(Enterprise.name.label("firm_name")).outerjoin(
            Enterprise, Enterprise.id == Checkup.enterprise_id
        ),
        (Checkup.start_dt, Checkup.id),
        PER_PAGE,
        descending=not upcoming,
        count_key=f"checkups:{current_user.id}:{known}:{upcoming:d}:{narrowed}",
        plain=True,
        counted=visible,
    )
    statuses = translated(STATUS_LABELS)
    for key in STATUS_LABELS:  # the filter lists them all
        statuses[key]
    return render_template(
        "checkups/index.html",
        list_filter=list_filter,
        checkups=checkups,
        checkup_href=href_for("checkups.view", "checkup_id"),
        lawyers=_lawyer_names([row.id for row in checkups.items]),
        start=moment_formatter(),
        statuses=statuses,
        modes=translated(MODE_LABELS),
        status=status,
        when=when,
        can_schedule=perms.can_schedule(current_user),
    )


PER_PAGE = 30


_LAWYER_NAMES = (  # built once: building it cost about as much as running it
    select(CheckupLawyer.checkup_id, User.name)
    .join(User, User.id == CheckupLawyer.lawyer_id)
    .where(CheckupLawyer.checkup_id.in_(bindparam("checkup_ids", expanding=True)))
    .order_by(CheckupLawyer.checkup_id, CheckupLawyer.position)
)


def _lawyer_names(checkup_ids) -> dict[int, str]:
    """Each check-up's lawyers' names in their order, joined for its row: one statement."""
    names: dict[int, list[str]] = {}
    if checkup_ids:
        rows = db.session.execute(_LAWYER_NAMES, {"checkup_ids": list(checkup_ids)})
        for checkup_id, name in rows:
            names.setdefault(checkup_id, []).append(name)
    return {checkup_id: "、".join(each) for checkup_id, each in names.items()}


def _parse_when(day: date, start: time, end: time):
    return ops.to_utc(day, start), ops.to_utc(day, end)


@login_required
def new():
    require(perms.can_schedule(current_user))
    follow_up_of = None
    if request.values.get("follow_up_of"):
        follow_up_of = get_or_404(Checkup, request.values.get("follow_up_of", type=int))
    form = ScheduleForm()
    if request.method == "GET":
        form.lawyers.choices = get_or_set(SCHEDULE_LAWYERS_KEY, SCHEDULE_LAWYERS_TTL, _lawyer_rows)
    else:
        form.lawyers.choices = _lawyer_choices()  # what is posted is checked against these
    # Written by LongSelect in one pass while none is chosen (a follow-up's are, a refused
    # form's may be: those go through WTForms option by option).
    form.lawyers.written_options = LongSelect.written_options(form.lawyers.choices)
    if request.method == "GET" and follow_up_of is not None:
        form.enterprise.data = typed_name(follow_up_of.enterprise)
        form.lawyers.data = [a.lawyer_id for a in follow_up_of.assignments]
        form.mode.data = follow_up_of.mode.value
        form.address.data = follow_up_of.address
        form.meeting_url.data = follow_up_of.meeting_url
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        start, end = _parse_when(form.day.data, form.start_time.data, form.end_time.data)
        try:
            with db.session.begin_nested():
                checkup = ops.schedule(
                    form.enterprise.firm,
                    [db.session.get(User, i) for i in form.lawyers.data],
                    start,
                    end,
                    current_user,
                    mode=form.mode.data,
                    address=form.address.data or "",
                    meeting_url=form.meeting_url.data or "",
                    follow_up_of=follow_up_of,
                )
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            once.remember(form, url_for("checkups.view", checkup_id=checkup.id))
            db.session.commit()
            flash(_("Check-up scheduled; the firm and the lawyers have been told."), "success")
            return redirect(url_for("checkups.view", checkup_id=checkup.id))
    return render_template("checkups/new.html", form=form, follow_up_of=follow_up_of)


@login_required
def batch():
    require(perms.can_schedule(current_user))
    form = BatchForm()
    form.chamber.choices = [
        (c.id, c.name) for c in db.session.scalars(select(Chamber).order_by(Chamber.name))
    ]
    form.lawyers.choices = _lawyer_choices()
    if form.validate_on_submit():
        chamber = db.session.get(Chamber, form.chamber.data)
        firms = db.session.scalars(
            select(Enterprise)
            .where(
                Enterprise.chambers.contains(chamber),
                Enterprise.verification == Verification.verified,
            )
            .order_by(Enterprise.id)
        ).all()
        try:
            with db.session.begin_nested():
                created = ops.schedule_batch(
                    list(firms),
                    [db.session.get(User, i) for i in form.lawyers.data],
                    form.first_day.data,
                    form.last_day.data,
                    form.day_start.data,
                    form.day_end.data,
                    form.minutes.data,
                    current_user,
                    mode=form.mode.data,
                    meeting_url=form.meeting_url.data or "",
                )
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("%(n)d check-ups scheduled.", n=len(created)), "success")
            return redirect(url_for("checkups.index", when="upcoming"))
    return render_template("checkups/batch.html", form=form)


def _load(checkup_id, options=()) -> Checkup:
    checkup = get_or_404(Checkup, checkup_id, options=options)
    require(perms.can_view_checkup(current_user, checkup))
    return checkup


# What the check-up's page shows of its relations, each by a statement of its own built once
# with the check-up's id bound when run (selectinload and lazy loads cost about twice the CPU
# of the statements they ran, and building a statement about as much as running it): each
# lawyer's assignment with their name and law firm (not their account and profile as
# objects), the checklist's areas (its version read with the check-up and its firm); findings
# and "no findings" areas only where the page shows the report; the timeline as plain rows
# (_timeline).
_OF_CHECKUP = bindparam("checkup_id")
_PAGE_CHECKUP = (joinedload(Checkup.enterprise), joinedload(Checkup.checklist_version))
_PAGE_ASSIGNMENTS = (
    select(CheckupLawyer, User.name, LawyerProfile.law_firm)
    .join(User, User.id == CheckupLawyer.lawyer_id)
    .outerjoin(LawyerProfile, LawyerProfile.user_id == User.id)
    .where(CheckupLawyer.checkup_id == _OF_CHECKUP)
    .order_by(CheckupLawyer.position)
)
_PAGE_TIMELINE = (
    select(
        CheckupEvent.created_dt,
        CheckupEvent.to_status,
        CheckupEvent.note,
        User.name.label("by_name"),
    )
    .outerjoin(User, User.id == CheckupEvent.by_id)
    .where(CheckupEvent.checkup_id == _OF_CHECKUP)
    .order_by(CheckupEvent.id)
)
_PAGE_AREAS = (
    select(ChecklistArea)
    .where(ChecklistArea.version_id == bindparam("version_id"))
    .order_by(ChecklistArea.position)
)
_PAGE_FINDINGS = select(Finding).where(Finding.checkup_id == _OF_CHECKUP).order_by(Finding.id)
_PAGE_CLEAR_AREAS = select(ClearArea).where(ClearArea.checkup_id == _OF_CHECKUP)


def _load_for_page(checkup_id) -> tuple[Checkup, list[tuple], bool]:
    """The check-up with what its page shows, once the user may see it; its lawyers as the
    page prints them (name, law firm, when they signed); and whether the user sees the
    report."""
    checkup = get_or_404(Checkup, checkup_id, options=_PAGE_CHECKUP)
    rows = db.session.execute(_PAGE_ASSIGNMENTS, {"checkup_id": checkup.id}).all()
    set_committed_value(checkup, "assignments", [row[0] for row in rows])
    require(perms.can_view_checkup(current_user, checkup))
    see_report = perms.can_see_report(current_user, checkup)
    areas = db.session.scalars(_PAGE_AREAS, {"version_id": checkup.checklist_version_id}).all()
    set_committed_value(checkup.checklist_version, "areas", areas)
    if see_report:
        _read_into(checkup, "findings", _PAGE_FINDINGS)
        _read_into(checkup, "clear_areas", _PAGE_CLEAR_AREAS)
    lawyers = [(name, law_firm, assignment.signed_dt) for assignment, name, law_firm in rows]
    return checkup, lawyers, see_report


def _read_into(checkup, relation, stmt):
    rows = db.session.scalars(stmt, {"checkup_id": checkup.id}).all()
    set_committed_value(checkup, relation, rows)


def _timeline(checkup_id) -> list[tuple]:
    """The timeline as it prints: ISO time, time in words, status, by whom, note. Plain rows
    on the session's connection (the ORM's execution layer cost about 50 µs a statement and
    only objects need it), not the entries and their authors' accounts as objects."""
    when = moment_formatter()
    statuses = LabelsOnce(status_text)
    events = db.session.connection().execute(_PAGE_TIMELINE, {"checkup_id": checkup_id})
    return [
        (e.created_dt.isoformat(), when(e.created_dt), statuses[e.to_status], e.by_name, e.note)
        for e in events
    ]


@login_required
def view(checkup_id):
    checkup, lawyers, see_report = _load_for_page(checkup_id)
    timeline = _timeline(checkup.id)
    states = ops.area_states(checkup) if see_report else []
    follow_targets = {}
    finding_links = {}
    if see_report:
        finding_links = links_of_each(checkup.findings)  # one read for every finding's links
        if checkup.findings and perms.can_follow_up(current_user, checkup):
            # Whether a follow-up target is open is a matter of the user and the finding's firm
            # (every registered target's `available` reads the source's firm and kind, and
            # checks again when the follow-up is made): the same for all of a check-up's
            # findings, asked once rather than by three or four reads per finding.
            targets = ops.escalation_targets(current_app, current_user, checkup.findings[0])
            follow_targets = {finding.id: targets for finding in checkup.findings}
    can_edit = perms.can_edit_findings(current_user, checkup)
    chart = (
        risk_profile_svg(
            profile_rows(checkup.areas, checkup.findings), _("Risk profile by area and level")
        )
        if see_report and checkup.findings
        else None
    )
    return render_template(
        "checkups/view.html",
        checkup=checkup,
        lawyers=lawyers,
        timeline=timeline,
        states=states,
        see_report=see_report,
        chart=chart,
        actions=ops.allowed_transitions(current_user, checkup),
        statuses=STATUS_LABELS,
        links=links_of(checkup),
        finding_links=finding_links,
        follow_targets=follow_targets,
        missing=ops.missing_areas(checkup, states) if see_report else [],
        can_edit=can_edit,
        can_sign=perms.can_sign(current_user, checkup),
        can_manage=perms.can_manage_checkups(current_user),
        # Built only where the page shows it (a form is a fraction of a millisecond).
        summary_form=SummaryForm(summary=checkup.summary) if see_report and can_edit else None,
        Status=Status,
        rescheduable=checkup.status in ops.RESCHEDULABLE,
    )


@login_required
def change_status(checkup_id, to):
    checkup = _load(checkup_id)
    if to not in Status.__members__ or Status(to) in (Status.scheduled, Status.signed_off):
        abort(404)  # moving goes through reschedule, signing off through sign
    form = NoteForm()
    form.validate()
    try:
        with db.session.begin_nested():
            ops.transition(checkup, Status(to), current_user, note=form.note.data or "")
    except ops.CheckupError as error:
        _flash_error(error)
    else:
        db.session.commit()
        flash(_("Done: %(status)s.", status=checkup.status_label), "success")
    return redirect(url_for("checkups.view", checkup_id=checkup_id))


@login_required
def request_slot(checkup_id):
    checkup = _load(checkup_id)
    require(ops.may_transition(current_user, checkup, Status.reschedule_requested))
    form = RequestSlotForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                ops.transition(
                    checkup, Status.reschedule_requested, current_user, note=form.reason.data
                )
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Your request has been sent to the federation."), "success")
            return redirect(url_for("checkups.view", checkup_id=checkup_id))
    return render_template("checkups/request_slot.html", form=form, checkup=checkup)


@login_required
def reschedule(checkup_id):
    checkup = _load(checkup_id)
    require(perms.can_schedule(current_user))
    if checkup.status not in ops.RESCHEDULABLE:
        flash(_("Only a check-up that has not started can be moved."), "warning")
        return redirect(url_for("checkups.view", checkup_id=checkup_id))
    local_start, local_end = ops.to_local(checkup.start_dt), ops.to_local(checkup.end_dt)
    form = RescheduleForm(
        day=local_start.date(), start_time=local_start.time(), end_time=local_end.time()
    )
    if form.validate_on_submit():
        start, end = _parse_when(form.day.data, form.start_time.data, form.end_time.data)
        try:
            with db.session.begin_nested():
                ops.reschedule(checkup, start, end, current_user, note=form.note.data or "")
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Check-up moved; the firm and the lawyers have been told."), "success")
            return redirect(url_for("checkups.view", checkup_id=checkup_id))
    return render_template("checkups/reschedule.html", form=form, checkup=checkup)


def _finding_form(checkup, finding=None):
    form = FindingForm(obj=finding)
    if finding is not None and request.method == "GET":
        form.area.data = finding.area_id
        form.level.data = finding.level.value
    form.area.choices = [(a.id, a.label) for a in checkup.areas]
    return form


@login_required
def finding_new(checkup_id):
    checkup = _load(checkup_id)
    require(perms.can_edit_findings(current_user, checkup))
    form = _finding_form(checkup)
    if request.method == "GET" and request.args.get("area", type=int):
        form.area.data = request.args.get("area", type=int)
    return _save_finding(checkup, form, None)


@login_required
def finding_edit(finding_id):
    finding = get_or_404(Finding, finding_id)
    checkup = finding.checkup
    require(perms.can_view_checkup(current_user, checkup))
    require(perms.can_edit_findings(current_user, checkup))
    return _save_finding(checkup, _finding_form(checkup, finding), finding)


def _save_finding(checkup, form, finding):
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                ops.save_finding(
                    checkup,
                    current_user,
                    area_id=form.area.data,
                    level=form.level.data,
                    facts=form.facts.data,
                    legal_basis=form.legal_basis.data or "",
                    recommendation=form.recommendation.data or "",
                    finding=finding,
                )
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Finding saved."), "success")
            return redirect(url_for("checkups.view", checkup_id=checkup.id, _anchor="findings"))
    return render_template("checkups/finding.html", form=form, checkup=checkup, finding=finding)


@login_required
def finding_delete(finding_id):
    finding = get_or_404(Finding, finding_id)
    checkup = finding.checkup
    require(perms.can_view_checkup(current_user, checkup))
    require(perms.can_edit_findings(current_user, checkup))
    try:
        with db.session.begin_nested():
            ops.delete_finding(finding, current_user)
    except ops.CheckupError as error:
        _flash_error(error)
    else:
        db.session.commit()
        flash(_("Finding deleted."), "success")
    return redirect(url_for("checkups.view", checkup_id=checkup.id, _anchor="findings"))


@login_required
def area_clear(checkup_id, area_id):
    checkup = _load(checkup_id)
    require(perms.can_edit_findings(current_user, checkup))
    try:
        with db.session.begin_nested():
            ops.mark_clear(checkup, area_id, current_user, clear=request.form.get("clear") != "0")
    except ops.CheckupError as error:
        _flash_error(error)
    else:
        db.session.commit()
    return redirect(url_for("checkups.view", checkup_id=checkup_id, _anchor="findings"))


@login_required
def summary(checkup_id):
    checkup = _load(checkup_id)
    require(perms.can_edit_findings(current_user, checkup))
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                ops.save_summary(checkup, form.summary.data or "", current_user)
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(_("Overall opinion saved."), "success")
    else:
        flash(" ".join(form.summary.errors) or _("Please check the form."), "danger")
    return redirect(url_for("checkups.view", checkup_id=checkup_id, _anchor="summary"))


@login_required
def sign(checkup_id):
    checkup = _load(checkup_id)
    require(any(a.lawyer_id == current_user.id for a in checkup.assignments))
    try:
        with db.session.begin_nested():
            ops.sign_off(checkup, current_user)
    except ops.CheckupError as error:
        _flash_error(error)
    else:
        db.session.commit()
        flash(_("You signed the report."), "success")
    return redirect(url_for("checkups.view", checkup_id=checkup_id))


@login_required
def report(checkup_id):
    checkup = _load(checkup_id)
    require(perms.can_see_report(current_user, checkup))
    chart = risk_profile_svg(
        profile_rows(checkup.areas, checkup.findings), _("Risk profile by area and level")
    )
    return render_template(
        "checkups/report.html", checkup=checkup, states=ops.area_states(checkup), chart=chart
    )


@login_required
def report_docx(checkup_id):
    import io

    from portal.checkups.report import build_docx

    checkup = _load(checkup_id)
    require(perms.can_see_report(current_user, checkup))
    data = build_docx(checkup)
    name = f"checkup-report-{checkup.id}.docx"
    return send_file(io.BytesIO(data), mimetype=DOCX_MIME, as_attachment=True, download_name=name)


@login_required
def invite(checkup_id):
    from portal.checkups.ics import invitation

    checkup = _load(checkup_id)
    url = url_for("checkups.view", checkup_id=checkup.id, _external=True)
    text = invitation(checkup, host=urlparse(request.host_url).hostname or "portal", url=url)
    return Response(
        text,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="checkup-{checkup.id}.ics"',
            "Content-Type": "text/calendar; charset=utf-8",
        },
    )


@login_required
def follow_up(finding_id, code):
    finding = get_or_404(Finding, finding_id)
    checkup = finding.checkup
    require(perms.can_view_checkup(current_user, checkup))
    require(perms.can_follow_up(current_user, checkup))
    try:
        with db.session.begin_nested():
            ops.escalate_finding(current_app, finding, code, current_user)
    except ops.CheckupError as error:
        _flash_error(error)
    else:
        db.session.commit()
        flash(_("Follow-up created and linked to the finding."), "success")
    return redirect(url_for("checkups.view", checkup_id=checkup.id, _anchor=f"f{finding.id}"))


# The calendar's entries as plain rows of what each prints (time, firm, lawyers, status), a
# row per check-up and lawyer in the assignments' order, built once with the week's or month's
# bounds bound when run: a week's 80 check-ups at scale 1 loaded as objects with their
# assignments and lawyers' whole accounts cost the page some 15 ms.
_CALENDAR = (
    select(
        Checkup.id,
        Checkup.start_dt,
        Checkup.end_dt,
        Checkup.status,
        Enterprise.name.label("firm"),
        User.name.label("lawyer"),
    )
    .join(Enterprise, Enterprise.id == Checkup.enterprise_id)
    .outerjoin(CheckupLawyer, CheckupLawyer.checkup_id == Checkup.id)
    .outerjoin(User, User.id == CheckupLawyer.lawyer_id)
    .where(
        Checkup.start_dt >= bindparam("start"),
        Checkup.start_dt < bindparam("end"),
        Checkup.status != Status.cancelled,
    )
    # Check-ups at the same time in the order they were booked, whatever the plan.
    .order_by(Checkup.start_dt, Checkup.id, CheckupLawyer.position)
)
_BOOKED = aliased(CheckupLawyer)
_CALENDAR_OF_LAWYER = _CALENDAR.where(
    Checkup.id.in_(select(_BOOKED.checkup_id).where(_BOOKED.lawyer_id == bindparam("lawyer_id")))
)


# How long a week's or month's written days are kept in the short shared cache (seconds). Any
# check-up or booking written drops them at commit (models.CALENDAR_EPOCH_KEY); a firm or a
# lawyer renamed shows within this time. Every viewer passes the same permission
# (can_manage_checkups: staff, who see every check-up), so the days are kept per period,
# lawyer filter and language only. Working them out cost a busy week some 2 ms (80
# check-ups, their firms and lawyers read and written), a month 14 ms.
CALENDAR_TTL = 60


def calendar_epoch() -> str:
    return get_or_set(CALENDAR_EPOCH_KEY, CALENDAR_TTL, lambda: f"{time_ns():x}")


def _written_days(params) -> dict[str, str]:
    """{ISO day: that day's check-ups as <li>s} between params' start and end."""
    statuses = translated(STATUS_LABELS)
    checkup_href = href_for("checkups.view", "checkup_id")
    by_day: dict[date, list] = {}
    entry = None
    for row in db.session.connection().execute(
        _CALENDAR_OF_LAWYER if "lawyer_id" in params else _CALENDAR, params
    ):
        if entry is not None and entry[0] == row.id:
            entry[3].append(row.lawyer)  # the same check-up's next lawyer
            continue
        starts, ends = ops.to_local(row.start_dt), ops.to_local(row.end_dt)
        entry = (
            row.id,
            # As strftime("%H:%M") writes them, at a seventh of its cost on aware times.
            f"{starts.hour:02d}:{starts.minute:02d}–{ends.hour:02d}:{ends.minute:02d}",
            row.firm,
            [] if row.lawyer is None else [row.lawyer],
            row.status,
        )
        by_day.setdefault(starts.date(), []).append(entry)
    # One string a day rather than the template's loop: its escaping and look-ups per entry
    # cost a month's 350 check-ups some 3 ms more.
    return {
        day.isoformat(): "".join(
            f'<li><a href="{checkup_href(checkup_id)}">{times} {escape(firm)}</a><br>'
            f"{escape('、'.join(lawyers))} · {escape(statuses[status])}</li>"
            for checkup_id, times, firm, lawyers, status in entries
        )
        for day, entries in by_day.items()
    }


@login_required
def calendar():
    require(perms.can_manage_checkups(current_user))
    mode = request.args.get("view", "week")
    try:
        anchor = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        anchor = clock.today()
    lawyer_id = request.args.get("lawyer", type=int)
    if mode == "month":
        first = anchor.replace(day=1)
        start = first - timedelta(days=first.weekday())
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        end = last + timedelta(days=7 - last.weekday())
        prev_anchor = (first - timedelta(days=1)).replace(day=1)
        next_anchor = last + timedelta(days=1)
    else:
        mode = "week"
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=7)
        prev_anchor, next_anchor = start - timedelta(days=7), end
    params = {"start": ops.to_utc(start, time(0)), "end": ops.to_utc(end, time(0))}
    if lawyer_id:
        params["lawyer_id"] = lawyer_id
    key = (
        f"checkups:calendar:{calendar_epoch()}:{start}:{end}:{lawyer_id or ''}:{current_language()}"
    )
    written = get_or_set(key, CALENDAR_TTL, lambda: _written_days(params))
    days = {date.fromisoformat(day): Markup(html) for day, html in written.items()}
    weeks = []
    day = start
    while day < end:
        weeks.append([day + timedelta(days=i) for i in range(7)])
        day += timedelta(days=7)
    return render_template(
        "checkups/calendar.html",
        mode=mode,
        weeks=weeks,
        days=days,
        anchor=anchor,
        prev_anchor=prev_anchor,
        next_anchor=next_anchor,
        today=clock.today(),
        lawyer_options=_calendar_lawyer_options(lawyer_id),
        lawyer_id=lawyer_id,
    )


# The calendar's filter lists every bookable lawyer (300 at scale 1): their <option>s, as the
# template wrote them, are kept this long in the short shared cache (a lawyer verified or
# deactivated shows in the list within this time). Writing them on every view cost some 2 ms.
CALENDAR_LAWYERS_TTL = 60
CALENDAR_LAWYERS_KEY = "checkups:calendar-lawyer-options"


def _calendar_lawyer_options(selected: int | None) -> Markup:
    """The filter's lawyer <option>s, `selected` marked as chosen."""

    def write():
        return "".join(
            f'<option value="{lawyer_id}">{escape(name)}</option>'
            for lawyer_id, name in db.session.connection().execute(_CALENDAR_LAWYERS)
        )

    written = get_or_set(CALENDAR_LAWYERS_KEY, CALENDAR_LAWYERS_TTL, write)
    if selected:
        option = f'<option value="{int(selected)}">'
        written = written.replace(option, f"{option[:-1]} selected>", 1)
    return Markup(written)


@login_required
def checklist():
    require(perms.can_manage_checkups(current_user))
    current = ops.current_checklist()
    form = ChecklistForm()
    if request.method == "GET":
        form.areas.data = ops.checklist_text(current)
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                version = ops.new_checklist_version(
                    ops.parse_checklist(form.areas.data), current_user, form.note.data or ""
                )
        except ops.CheckupError as error:
            _flash_error(error)
        else:
            db.session.commit()
            flash(
                _(
                    "Checklist version %(n)d saved; check-ups already scheduled keep theirs.",
                    n=version.number,
                ),
                "success",
            )
            return redirect(url_for("checkups.checklist"))
    else:
        db.session.commit()  # the default checklist, created on first visit
    return render_template("checkups/checklist.html", form=form, current=current)


def _period():
    def parse(name):
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    first, last = parse("start"), parse("end")
    start = ops.to_utc(first, time(0)) if first else None
    end = ops.to_utc(last + timedelta(days=1), time(0)) if last else None
    return first, last, start, end


@login_required
def stats():
    from portal.checkups.stats import FIGURES_TTL, breakdown, figures_key

    require(perms.can_manage_checkups(current_user))
    first, last, start, end = _period()
    list_filter = listfilter.from_request()

    def write():
        data = breakdown(start, end, list_filter.chamber_id)
        chart = risk_profile_svg(
            [(name, counts) for name, counts in data["by_area"]], _("Findings by area and level")
        )
        return render_template("checkups/_stats_figures.html", data=data, chart=chart)

    # The figures as the page writes them (summary, chart, three tables), kept FIGURES_TTL.
    written = get_or_set(figures_key(start, end, list_filter.chamber_id), FIGURES_TTL, write)
    return render_template(
        "checkups/stats.html",
        figures=Markup(written),
        first=first,
        last=last,
        list_filter=list_filter,
    )


@login_required
def stats_xlsx():
    import io

    from portal.checkups.stats import breakdown, xlsx

    require(perms.can_manage_checkups(current_user))
    _first, _last, start, end = _period()
    data = xlsx(breakdown(start, end))
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX_MIME,
        as_attachment=True,
        download_name=f"checkups-{clock.stamp()}.xlsx",
    )
