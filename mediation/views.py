"""Pages of mediation: load -> permission on the object -> form -> operation -> one commit."""

import functools
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from mediation import case_page, forms, operations, permissions
from mediation.models import (
    CASE_STATUS_LABELS,
    FOUNDING_STEP_LABELS,
    MEMBER_ROLE_LABELS,
    MEMBER_STATUS_LABELS,
    OPEN_STATUSES,
    RULES_KIND_LABELS,
    RUNNING_STATUSES,
    AgreementKind,
    Case,
    CaseMediator,
    CaseStatus,
    Committee,
    CommitteeFoundingStep,
    CommitteeMember,
    DeclineReason,
    Evidence,
    FoundingStep,
    MemberRole,
    MemberStatus,
    Performance,
    RetentionPeriod,
    RulesKind,
    member_specialities,
    running_case,
)
from mediation.operations import MediationError, NotPermitted, to_utc
from mediation.stats import case_stats, case_summary, category_names, committee_headlines
from portal.accounts.models import Chamber, Role, User
from portal.audit.operations import log_read
from portal.core import cache, clock, listfilter, once
from portal.core.db import db, get_or_404, utcnow, written_after_the_reads
from portal.core.i18n import current_language, day_formatter
from portal.core.keyset import seek
from portal.core.links import links_of
from portal.core.models import LegalCategory
from portal.core.permissions import is_active_verified, is_staff, require
from portal.core.rows import href_for, translated
from portal.core.uploads import DOCUMENT_KINDS, UploadRejected, send_stored_file, store_upload

PER_PAGE = 25


def _apply_errors(form, exc: MediationError):
    """Put an operation's messages on the form's fields (or flash them), keeping what was typed."""
    placed = False
    for name, messages in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed or not exc.errors or exc.errors:
        flash(str(exc.message), "danger")


def _category_choices(blank=True):
    categories = db.session.scalars(
        select(LegalCategory)
        .where(LegalCategory.is_active.is_(True))
        .order_by(LegalCategory.position)
    )
    choices = [(c.id, c.name) for c in categories]
    return ([("", _("— choose —"))] if blank else []) + choices


# ---------------------------------------------------------------- lists


@login_required
def index():
    # The account itself, not the proxy: the list's rules and filters ask it a few dozen things.
    user = current_user._get_current_object()
    status = request.args.get("status", "")
    committee_id = request.args.get("committee", type=int)
    staff = is_staff(user)
    stmt = _with_status(permissions.visible_cases(user), status)
    if committee_id:
        stmt = stmt.where(Case.committee_id == committee_id)
    list_filter = listfilter.from_request()
    stmt = _in_chamber(list_filter.in_period(stmt, Case.applied_dt), list_filter)
    # "agreed" is counted apart too (it shared the unfiltered list's total, kept 30 s).
    known = status if status in ("open", "agreed") or status in CaseStatus.__members__ else ""
    narrowed = ":".join(f"{k}={v}" for k, v in sorted(list_filter.args().items()))
    # The list of the cases a user may see, narrowed by status alone, is one of a few
    # statements: built once (seek's built_once; the user's own values as parameters) rather
    # than built and keyed anew each request.
    built_once = (staff or is_active_verified(user)) and not committee_id and not narrowed
    rows, params = _case_rows(stmt), None
    if built_once:
        if staff:
            rows = _all_case_rows(known)
        else:
            visible, params = permissions.visible_cases_unbound(user)
            rows = _visible_case_rows(visible, known)
    cases = seek(
        rows,
        _CASE_ORDER if built_once else (Case.applied_dt, Case.id),
        PER_PAGE,
        count_key=f"cases:{user.id}:{known}:{committee_id or ''}:{narrowed}",
        plain=True,
        counted=stmt,
        built_once=built_once,
        params=params,
    )
    statuses = translated(CASE_STATUS_LABELS)
    for key in CASE_STATUS_LABELS:  # the filter lists them all
        statuses[key]
    return render_template(
        "mediation/index.html",
        list_filter=list_filter,
        cases=cases,
        cases_table_args=_cases_table_args(statuses),
        status=status,
        statuses=statuses,
        committee_id=committee_id,
        can_apply=permissions.can_apply(user),
        memberships=permissions.memberships(user),
        can_see_committees=permissions.can_see_committee_list(user),
        can_see_overdue=permissions.can_see_overdue(user),
        is_staff=staff,
        now=utcnow(),
    )


def _with_status(stmt, status):
    """The cases list's status filter ("open", "agreed" or a status; anything else: all)."""
    if status == "open":
        return stmt.where(Case.status.in_(OPEN_STATUSES))
    if status == "agreed":  # as the statistics count agreements (archived ones too)
        return stmt.where(
            Case.status.in_((CaseStatus.agreement_reached, CaseStatus.return_visited))
            | ((Case.status == CaseStatus.archived) & Case.agreement.has())
        )
    if status in CaseStatus.__members__:
        return stmt.where(Case.status == CaseStatus(status))
    return stmt


_CASE_ORDER = (Case.applied_dt, Case.id)


@functools.cache
def _all_case_rows(status: str):
    """The rows of every case with the status filter `status` (a known one or ""), built once."""
    return _case_rows(_with_status(select(Case), status))


@functools.cache
def _visible_case_rows(visible, status: str):
    """The rows of `visible` (one of permissions.visible_cases_unbound's two selects, built
    once) with the status filter `status`, built once."""
    return _case_rows(_with_status(visible, status))


@login_required
def overdue():
    require(permissions.can_see_overdue(current_user))
    # running_case(): the running cases' partial index by deadline is walked in order and left
    # after a page, where the status index read and sorted every running case.
    stmt = permissions.visible_cases(current_user).where(running_case(), Case.due_dt < utcnow())
    list_filter = listfilter.from_request()
    stmt = _in_chamber(list_filter.in_period(stmt, Case.applied_dt), list_filter)
    narrowed = ":".join(f"{k}={v}" for k, v in sorted(list_filter.args().items()))
    # A page at a time, most overdue first (hundreds at scale 1, each a row of the table). The
    # total is kept 30 s per user and filters (keyset.seek's count_ttl): a case that fell due
    # or was closed within it may be missing from, or still counted in, "Overdue: N".
    cases = seek(
        _case_rows(stmt),
        (Case.due_dt, Case.id),
        PER_PAGE,
        descending=False,
        plain=True,
        counted=stmt,
        count_key=f"mediation-overdue:{current_user.id}:{narrowed}",
    )
    return render_template(
        "mediation/overdue.html",
        cases=cases,
        now=utcnow(),
        list_filter=list_filter,
        cases_table_args=_cases_table_args(translated(CASE_STATUS_LABELS)),
    )


def _case_rows(stmt):
    """What a row of the cases table shows (_cases_table.html), as plain rows of a select of
    cases: not the facts and claims, long texts, nor Case and Committee objects (building a
    page's 60 of them cost more than the query)."""
    return stmt.with_only_columns(
        Case.id,
        Case.title,
        Case.dossier_number,
        Case.status,
        Case.applied_dt,
        Case.due_dt,
        Committee.name.label("committee_name"),
    ).outerjoin(Committee, Committee.id == Case.committee_id)


def _cases_table_args(status_labels) -> SimpleNamespace:
    return SimpleNamespace(
        case_href=href_for("mediation.case_detail", "case_id"),
        status_labels=status_labels,
        running_statuses=RUNNING_STATUSES,
        day=day_formatter(),
    )


def _in_chamber(stmt, list_filter):
    """Cases of the chosen chamber's committee (the statistics page's chamber filter)."""
    if list_filter.chamber_id is None:
        return stmt
    return stmt.where(
        Case.committee_id.in_(
            select(Committee.id).where(Committee.chamber_id == list_filter.chamber_id)
        )
    )


# ---------------------------------------------------------------- committees


def _committee_list_statement():
    """Each committee with its chamber's name, its director (as Committee.director: the first
    active director on the roster), its number of active mediators and of founding steps done,
    as plain rows of one statement. The list read the committees as objects and then three
    grouped reads built anew each view; building them cost the page more than running them."""
    active = (CommitteeMember.committee_id == Committee.id) & (
        CommitteeMember.status == MemberStatus.active
    )
    director = (
        select(User.name)
        .join(CommitteeMember, CommitteeMember.user_id == User.id)
        .where(active, CommitteeMember.role == MemberRole.director)
        .order_by(CommitteeMember.id)
        .limit(1)
        .scalar_subquery()
    )
    steps_done = select(func.count(CommitteeFoundingStep.id)).where(
        CommitteeFoundingStep.committee_id == Committee.id,
        CommitteeFoundingStep.done_on.is_not(None),
    )
    return (
        select(
            Committee.id,
            Committee.name,
            Committee.is_active,
            Chamber.name.label("chamber"),
            director.label("director"),
            select(func.count(CommitteeMember.id)).where(active).scalar_subquery().label("members"),
            steps_done.scalar_subquery().label("steps_done"),
        )
        .join(Chamber, Chamber.id == Committee.chamber_id)
        .order_by(Committee.id)
    )


# Staff see every committee, a mediator the committees of their roster entries.
_ALL_COMMITTEES = _committee_list_statement()
_THEIR_COMMITTEES = _ALL_COMMITTEES.where(
    Committee.id.in_(bindparam("committee_ids", expanding=True))
)


@login_required
def committees():
    user = current_user._get_current_object()
    require(permissions.can_see_committee_list(user))
    if is_staff(user):
        rows = db.session.execute(_ALL_COMMITTEES).all()
    else:
        ids = [m.committee_id for m in permissions.memberships(user)]
        rows = db.session.execute(_THEIR_COMMITTEES, {"committee_ids": ids}).all()
    return render_template(
        "mediation/committees.html",
        committees=rows,
        committee_href=href_for("mediation.committee_detail", "committee_id"),
        can_create=permissions.can_create_committee(user),
    )


def _committee_form_choices(form, committee=None):
    taken = set(db.session.scalars(select(Committee.chamber_id)))
    chambers = db.session.scalars(select(Chamber).order_by(Chamber.id))
    form.chamber_id.choices = [
        (c.id, c.name)
        for c in chambers
        if c.id not in taken or (committee is not None and c.id == committee.chamber_id)
    ]


@login_required
def committee_new():
    require(permissions.can_create_committee(current_user))
    form = forms.CommitteeForm()
    _committee_form_choices(form)
    if form.validate_on_submit():
        chamber = get_or_404(Chamber, form.chamber_id.data)
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "chamber_id")}
        committee = operations.create_committee(chamber, current_user, **data)
        db.session.commit()
        flash(_("The committee was created."), "success")
        return redirect(url_for("mediation.committee_detail", committee_id=committee.id))
    return render_template("mediation/form.html", form=form, title=_("New mediation committee"))


# The committee page's reads, built once (`session.get` with loader options built its statement
# and cache key anew on every view): the committee with its chamber and founding steps (a handful,
# each with its paper), then its roster with each member's account. The roster's specialities are
# printed as text: their names, read as plain rows, instead of category objects for each member.
_COMMITTEE_PAGE = (
    select(Committee)
    .options(
        joinedload(Committee.chamber),
        joinedload(Committee.founding_steps).joinedload(CommitteeFoundingStep.file),
    )
    .where(Committee.id == bindparam("committee_id"))
    .execution_options(populate_existing=True)
)
_COMMITTEE_ROSTER = (
    select(CommitteeMember)
    .options(joinedload(CommitteeMember.user), lazyload(CommitteeMember.specialities))
    .where(CommitteeMember.committee_id == bindparam("committee_id"))
    .order_by(CommitteeMember.id)
    .execution_options(populate_existing=True)
)
_ROSTER_SPECIALITIES = (
    select(member_specialities.c.member_id, LegalCategory.name_zh, LegalCategory.name_en)
    .join(LegalCategory, LegalCategory.id == member_specialities.c.category_id)
    .where(member_specialities.c.member_id.in_(bindparam("member_ids", expanding=True)))
)


def _specialities_text(members) -> dict[int, str]:
    """Each member's specialities as the roster prints them ("合同纠纷、劳动争议")."""
    if not members:
        return {}
    english = current_language() == "en"
    names = defaultdict(list)
    for member_id, name_zh, name_en in db.session.execute(
        _ROSTER_SPECIALITIES, {"member_ids": [m.id for m in members]}
    ):
        names[member_id].append(name_en if english else name_zh)
    return {member_id: "、".join(texts) for member_id, texts in names.items()}


@login_required
def committee_detail(committee_id):
    # The roster is read once: the permission checks and the director read the list the page
    # shows.
    if not -(2**31) <= committee_id < 2**31:
        abort(404)
    committee = db.session.execute(_COMMITTEE_PAGE, {"committee_id": committee_id})
    committee = committee.unique().scalar_one_or_none()
    if committee is None:
        abort(404)
    roster = db.session.scalars(_COMMITTEE_ROSTER, {"committee_id": committee_id}).all()
    set_committed_value(committee, "members", roster)
    require(permissions.can_view_committee(current_user, committee))
    steps = {s.step: s for s in committee.founding_steps}
    members = sorted(
        committee.members, key=lambda m: (m.status != MemberStatus.active, m.role, m.id)
    )
    can_manage = permissions.can_manage_committee(current_user, committee)
    return render_template(
        "mediation/committee.html",
        committee=committee,
        founding=[(step, FOUNDING_STEP_LABELS[step], steps.get(step)) for step in FoundingStep],
        members=members,
        specialities=_specialities_text(members),
        cases_handled=operations.cases_handled_by([m.id for m in members]),
        # Per page, not per mediator: labels translated once, links from one url_for each.
        role_labels=translated(MEMBER_ROLE_LABELS),
        status_labels=translated(MEMBER_STATUS_LABELS),
        member_edit_href=href_for("mediation.member_edit", "member_id") if can_manage else None,
        member_remove_href=href_for("mediation.member_remove", "member_id") if can_manage else None,
        day=day_formatter(),
        rules_kinds=RULES_KIND_LABELS,
        can_manage=can_manage,
        can_enter=permissions.can_enter_case(current_user, committee),
        # Figures over the committee's thousands of cases: recounted at most every 30 seconds.
        stats=cache.get_or_set(
            f"mediation:committee-summary:{committee.id}", 30, lambda: case_summary(committee.id)
        ),
    )


@login_required
def committee_edit(committee_id):
    committee = get_or_404(Committee, committee_id)
    require(permissions.can_manage_committee(current_user, committee))
    form = forms.CommitteeForm(obj=committee)
    del form.chamber_id
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        operations.update_committee(committee, current_user, **data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("mediation.committee_detail", committee_id=committee.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=_("Edit %(name)s", name=committee.name),
        back=url_for("mediation.committee_detail", committee_id=committee.id),
    )


@login_required
def founding_step(committee_id, step):
    committee = get_or_404(Committee, committee_id)
    if step not in FoundingStep.__members__:
        abort(404)
    require(permissions.can_manage_committee(current_user, committee))
    form = forms.FoundingStepForm()
    title = str(FOUNDING_STEP_LABELS[FoundingStep(step)])
    if form.validate_on_submit():
        stored = None
        upload = form.file.data
        try:
            if upload is not None and getattr(upload, "filename", ""):
                stored = store_upload(upload, allowed_kinds=DOCUMENT_KINDS, by=current_user)
            operations.record_founding_step(
                committee,
                FoundingStep(step),
                current_user,
                done_on=form.done_on.data,
                note=form.note.data or "",
                file=stored,
            )
        except UploadRejected as exc:
            form.file.errors = [str(exc)]
        except MediationError as exc:
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("mediation.committee_detail", committee_id=committee.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=title,
        multipart=True,
        back=url_for("mediation.committee_detail", committee_id=committee.id),
    )


@login_required
def founding_file(committee_id, step):
    committee = get_or_404(Committee, committee_id)
    require(permissions.can_view_committee(current_user, committee))
    record = next((s for s in committee.founding_steps if s.step == step), None)
    if record is None or record.file is None:
        abort(404)
    return send_stored_file(record.file)


def _mediator_user_choices(committee):
    on_roster = {m.user_id for m in committee.members if m.status != MemberStatus.removed}
    users = db.session.scalars(
        select(User)
        .where(User.role == Role.mediator, User.is_deactivated.is_(False))
        .order_by(User.name)
    )
    return [(u.id, f"{u.name} <{u.email}>") for u in users if u.id not in on_roster]


@login_required
def member_new(committee_id):
    committee = get_or_404(Committee, committee_id)
    require(permissions.can_manage_committee(current_user, committee))
    form = forms.MemberForm()
    form.user_id.choices = _mediator_user_choices(committee)
    form.specialities.choices = _category_choices(blank=False)
    if request.method == "GET":
        form.appointed_on.data = clock.today()
    if form.validate_on_submit():
        user = get_or_404(User, form.user_id.data)
        categories = db.session.scalars(
            select(LegalCategory).where(LegalCategory.id.in_(form.specialities.data or []))
        ).all()
        try:
            operations.appoint_member(
                committee,
                user,
                current_user,
                role=form.role.data,
                qualification=form.qualification.data or "",
                training_hours=form.training_hours.data or 0,
                appointed_on=form.appointed_on.data,
                specialities=categories,
            )
        except MediationError as exc:
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The mediator was appointed."), "success")
            return redirect(url_for("mediation.committee_detail", committee_id=committee.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=_("Appoint a mediator"),
        back=url_for("mediation.committee_detail", committee_id=committee.id),
    )


@login_required
def member_edit(member_id):
    member = get_or_404(CommitteeMember, member_id)
    committee = member.committee
    require(permissions.can_manage_committee(current_user, committee))
    if member.status == MemberStatus.removed:
        abort(404)
    form = forms.MemberEditForm(obj=member)
    form.specialities.choices = _category_choices(blank=False)
    if request.method == "GET":
        form.specialities.data = [c.id for c in member.specialities]
    if form.validate_on_submit():
        categories = db.session.scalars(
            select(LegalCategory).where(LegalCategory.id.in_(form.specialities.data or []))
        ).all()
        try:
            operations.update_member(
                member,
                current_user,
                role=form.role.data,
                status=form.status.data,
                qualification=form.qualification.data or "",
                training_hours=form.training_hours.data or 0,
                specialities=categories,
            )
        except MediationError as exc:
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("mediation.committee_detail", committee_id=committee.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=member.user.name,
        back=url_for("mediation.committee_detail", committee_id=committee.id),
    )


@login_required
def member_remove(member_id):
    member = get_or_404(CommitteeMember, member_id)
    committee = member.committee
    require(permissions.can_manage_committee(current_user, committee))
    if member.status == MemberStatus.removed:
        abort(404)
    form = forms.RemoveMemberForm()
    if request.method == "GET":
        form.removed_on.data = clock.today()
    if form.validate_on_submit():
        try:
            operations.remove_member(
                member, current_user, removed_on=form.removed_on.data, reason=form.reason.data
            )
        except MediationError as exc:
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The mediator was removed from the roster."), "success")
            return redirect(url_for("mediation.committee_detail", committee_id=committee.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=_("Remove %(name)s from the roster", name=member.user.name),
        back=url_for("mediation.committee_detail", committee_id=committee.id),
    )


def _rules_page(committee, kind):
    if kind not in RulesKind.__members__:
        abort(404)
    page, is_default = operations.rules_for(committee, RulesKind(kind))
    return page, is_default


@login_required
def rules(kind, committee_id=None):
    committee = get_or_404(Committee, committee_id) if committee_id else None
    if committee is not None:
        require(
            permissions.can_view_committee(current_user, committee)
            or current_user.role in (Role.enterprise, Role.mediator)
        )
    page, is_default = _rules_page(committee, kind)
    can_edit = (
        permissions.can_manage_committee(current_user, committee)
        if committee is not None
        else permissions.can_edit_federation_rules(current_user)
    )
    return render_template(
        "mediation/rules.html",
        committee=committee,
        kind=kind,
        title=RULES_KIND_LABELS[RulesKind(kind)],
        page=page,
        is_default=is_default,
        can_edit=can_edit,
    )


@login_required
def rules_edit(kind, committee_id=None):
    committee = get_or_404(Committee, committee_id) if committee_id else None
    if committee is not None:
        require(permissions.can_manage_committee(current_user, committee))
    else:
        require(permissions.can_edit_federation_rules(current_user))
    page, is_default = _rules_page(committee, kind)
    form = forms.RulesForm()
    if request.method == "GET" and page is not None:
        form.body.data = page.body
    if form.validate_on_submit():
        operations.save_rules(committee, RulesKind(kind), form.body.data or "", current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        if committee is not None:
            return redirect(
                url_for("mediation.committee_rules", committee_id=committee.id, kind=kind)
            )
        return redirect(url_for("mediation.rules", kind=kind))
    return render_template(
        "mediation/form.html",
        form=form,
        title=RULES_KIND_LABELS[RulesKind(kind)],
        intro=_("This committee uses the federation's default text until you save its own.")
        if committee is not None and is_default
        else "",
    )


# ---------------------------------------------------------------- new cases


def _committees_for_applicant(user):
    chamber_ids = [c.id for c in user.enterprise.chambers] if user.enterprise else []
    stmt = select(Committee).where(Committee.is_active.is_(True)).order_by(Committee.id)
    rows = db.session.scalars(stmt).all()
    own = [c for c in rows if c.chamber_id in chamber_ids]
    return own or rows


@login_required
def apply():
    require(permissions.can_apply(current_user))
    form = forms.ApplicationForm()
    form.committee_id.choices = [(c.id, c.name) for c in _committees_for_applicant(current_user)]
    form.category_id.choices = _category_choices()
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        committee = get_or_404(Committee, form.committee_id.data)
        case = operations.apply_online(
            current_user,
            committee,
            respondent=form.party("respondent"),
            **form.case_fields(),
        )
        once.remember(form, url_for("mediation.case_detail", case_id=case.id))
        db.session.commit()
        flash(_("Your application was sent to the committee."), "success")
        return redirect(url_for("mediation.case_detail", case_id=case.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=_("Apply for mediation"),
        intro=_(
            "Mediation by your chamber's people's mediation committee is free and voluntary. "
            "Both parties must agree to it; either may end it at any time."
        ),
    )


@login_required
def case_enter(committee_id):
    committee = get_or_404(Committee, committee_id)
    require(permissions.can_enter_case(current_user, committee))
    form = forms.EntryForm()
    form.category_id.choices = _category_choices()
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        case = operations.enter_case(
            committee,
            current_user,
            source=form.source.data,
            source_reference=form.source_reference.data or "",
            applicant=form.party("applicant"),
            respondent=form.party("respondent"),
            **form.case_fields(),
        )
        once.remember(form, url_for("mediation.case_detail", case_id=case.id))
        db.session.commit()
        flash(_("The case was entered."), "success")
        return redirect(url_for("mediation.case_detail", case_id=case.id))
    return render_template(
        "mediation/form.html",
        form=form,
        title=_("Enter an oral application or a referral"),
        back=url_for("mediation.committee_detail", committee_id=committee.id),
    )


# ---------------------------------------------------------------- the case page


def _load_case(case_id, options=()) -> Case:
    case = get_or_404(Case, case_id, options=options)
    require(permissions.can_view_case(current_user, case))
    return case


@login_required
def case_detail(case_id):
    # The account itself, not the proxy: the page asks the permission rules a few dozen times,
    # each asking the account several things (the proxy looks the user up on every one).
    user = current_user._get_current_object()
    # The case as plain records: the page only displays it (case_page says why).
    found = case_page.read_case_page(case_id)
    if found is None:
        abort(404)
    case, has_links = found
    require(permissions.can_view_case(user, case))
    private = permissions.can_view_private(user, case)
    events = [e for e in case.events if private or not e.is_internal]
    now = utcnow()
    agreement = case.agreement
    page = render_template(
        "mediation/case.html",
        case=case,
        private=private,
        notes=case.notes if private else [],
        events=events,
        links=links_of(case) if has_links else [],
        # The private note's form where the page offers it (building a form costs the page).
        note_form=forms.PrivateNoteForm()
        if private and case.status != CaseStatus.archived
        else None,
        can=lambda to: permissions.can_transition(user, case, to),
        statuses=CaseStatus,
        status_labels=CASE_STATUS_LABELS,
        perms=permissions,
        user=user,
        now=now,
        overdue=case.is_overdue(now),
        other_routes=operations.OTHER_ROUTES,
        confirmation_open=agreement is not None
        and agreement.confirmation_applied_on is None
        and clock.local_date(now) <= agreement.confirmation_deadline,
    )
    # Written once the page is rendered: the page's reads are over, and the entry's
    # transaction is the request's last.
    audit_view(case)
    return page


def audit_view(case, **data):
    """Write and commit the "case.view" entry (pages and every download of the case's files and
    documents), after the request's reads (portal.core.db.written_after_the_reads). Inserted in
    the reads' deferred transaction, the entry could not take SQLite's write lock once another
    request had committed since the reads began ("database is locked" at once, no waiting)."""
    entry = operations.view_entry(case, current_user, **data)
    with written_after_the_reads():
        log_read(entry)


def _redirect_case(case):
    # The id from the case's identity: after the commit, case.id would read the case again.
    return redirect(url_for("mediation.case_detail", case_id=inspect(case).identity[0]))


def _refuse_unless_allowed_pair(case, to):
    """A transition not allowed from the current status: a clear message, not a form."""
    if to is not None and to not in operations.TRANSITIONS.get(case.status, ()):
        flash(
            _(
                "A case that is %(current)s cannot become %(target)s.",
                current=CASE_STATUS_LABELS[case.status],
                target=CASE_STATUS_LABELS[to],
            ),
            "danger",
        )
        return _redirect_case(case)
    return None


def _case_form(
    case_id,
    form_class,
    allowed,
    perform,
    title,
    *,
    success,
    multipart=False,
    prepare=None,
    intro="",
    to=None,
):
    """The shared shape of a case action page: load, check, form, operation, one commit."""
    case = _load_case(case_id)
    require(allowed(current_user, case))
    refused = _refuse_unless_allowed_pair(case, to)
    if refused is not None:
        return refused
    form = form_class()
    if prepare is not None:
        prepare(form, case)
    if form.validate_on_submit():
        try:
            perform(case, form)
        except UploadRejected as exc:
            form.file.errors = [str(exc)]
        except NotPermitted:
            abort(403)
        except MediationError as exc:
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(success, "success")
            return _redirect_case(case)
    return render_template(
        "mediation/form.html",
        form=form,
        title=title,
        case=case,
        multipart=multipart,
        intro=intro,
        back=url_for("mediation.case_detail", case_id=case.id),
    )


def _simple_action(case_id, to, perform, success):
    case = _load_case(case_id)
    require(permissions.may_move_to(current_user, case, to))
    refused = _refuse_unless_allowed_pair(case, to)
    if refused is not None:
        return refused
    form = forms.NoteForm()
    if not form.validate_on_submit():
        flash(_("The form was not accepted; please try again."), "danger")
        return _redirect_case(case)
    try:
        perform(case, form.note.data or "")
    except NotPermitted:
        abort(403)
    except MediationError as exc:
        flash(str(exc.message), "danger")
        return _redirect_case(case)
    db.session.commit()
    flash(success, "success")
    return _redirect_case(case)


@login_required
def case_accept(case_id):
    return _simple_action(
        case_id,
        CaseStatus.accepted,
        lambda case, note: operations.accept(case, current_user, note),
        _("The case was accepted."),
    )


@login_required
def case_start(case_id):
    return _simple_action(
        case_id,
        CaseStatus.in_mediation,
        lambda case, note: operations.start_mediation(case, current_user, note),
        _("Mediation has begun."),
    )


@login_required
def case_rights_notice(case_id):
    case = _load_case(case_id)
    require(permissions.can_record_rights_notice(current_user, case))
    form = forms.NoteForm()
    if form.validate_on_submit():
        operations.record_rights_notice(case, current_user, form.note.data or "")
        db.session.commit()
        flash(_("Recorded that the parties were told their rights and duties."), "success")
    return _redirect_case(case)


@login_required
def case_decline(case_id):
    def perform(case, form):
        operations.decline(case, current_user, DeclineReason(form.reason.data), form.note.data)

    return _case_form(
        case_id,
        forms.DeclineForm,
        lambda user, case: permissions.may_move_to(user, case, CaseStatus.declined),
        perform,
        _("Decline the application"),
        success=_("The application was declined."),
        to=CaseStatus.declined,
    )


@login_required
def case_assign(case_id):
    def prepare(form, case):
        active = [m for m in case.committee.active_members]
        chosen = {p.chose_mediator_id for p in case.parties if p.chose_mediator_id}
        labels = []
        for member in active:
            label = member.user.name
            if member.id in chosen:
                label += " " + _("(chosen by a party)")
            if operations.has_interest(member, case):
                label += " " + _("(has an interest)")
            labels.append((member.id, label))
        form.members.choices = labels
        form.lead.choices = [("", _("— first chosen —"))] + labels
        if request.method == "GET":
            form.members.data = [cm.member_id for cm in case.active_mediators] or list(chosen)

    def perform(case, form):
        members = [db.session.get(CommitteeMember, member_id) for member_id in form.members.data]
        lead = db.session.get(CommitteeMember, form.lead.data) if form.lead.data else None
        operations.assign_mediators(case, current_user, [m for m in members if m], lead)

    return _case_form(
        case_id,
        forms.AssignForm,
        permissions.can_assign,
        perform,
        _("Assign mediators"),
        success=_("The mediators were assigned."),
        prepare=prepare,
    )


@login_required
def case_choose(case_id):
    def prepare(form, case):
        form.member_id.choices = [(m.id, m.user.name) for m in case.committee.active_members]

    def perform(case, form):
        member = db.session.get(CommitteeMember, form.member_id.data)
        operations.choose_mediator(case, current_user, member)

    return _case_form(
        case_id,
        forms.ChooseForm,
        permissions.can_choose_mediator,
        perform,
        _("Choose a mediator"),
        success=_("Your choice was passed to the committee."),
        prepare=prepare,
    )


@login_required
def case_recuse(case_id, mediator_id):
    case = _load_case(case_id)
    case_mediator = get_or_404(CaseMediator, mediator_id)
    if case_mediator.case_id != case.id:
        abort(404)

    def perform(case, form):
        operations.recuse(case_mediator, current_user, form.reason.data)

    return _case_form(
        case_id,
        forms.RecuseForm,
        permissions.can_recuse,
        perform,
        _("%(name)s steps aside", name=case_mediator.member.user.name),
        success=_("The recusal was recorded."),
    )


@login_required
def case_party_new(case_id):
    def perform(case, form):
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "side")}
        operations.add_party(case, current_user, form.side.data, data)

    return _case_form(
        case_id,
        forms.PartyForm,
        permissions.can_edit_parties,
        perform,
        _("Add a party"),
        success=_("The party was added."),
    )


@login_required
def session_new(case_id):
    def perform(case, form):
        operations.add_session(
            case,
            current_user,
            held_dt=to_utc(form.held_dt.data),
            ended_dt=to_utc(form.ended_dt.data) if form.ended_dt.data else None,
            is_online=form.is_online.data,
            place=form.place.data or "",
            attendees=form.attendees.data,
            record=form.record.data,
        )

    return _case_form(
        case_id,
        forms.SessionForm,
        lambda user, case: (
            permissions.can_work_case(user, case) and case.status == CaseStatus.in_mediation
        ),
        perform,
        _("Record a mediation session"),
        success=_("The session was recorded."),
    )


@login_required
def investigation_new(case_id):
    def perform(case, form):
        operations.add_investigation(
            case,
            current_user,
            investigated_dt=to_utc(form.investigated_dt.data),
            place=form.place.data or "",
            investigators=form.investigators.data,
            interviewee=form.interviewee.data or "",
            record=form.record.data,
        )

    return _case_form(
        case_id,
        forms.InvestigationForm,
        lambda user, case: (
            permissions.can_work_case(user, case) and case.status in RUNNING_STATUSES
        ),
        perform,
        _("Record an investigation"),
        success=_("The investigation was recorded."),
    )


@login_required
def evidence_new(case_id):
    def perform(case, form):
        stored = store_upload(form.file.data, allowed_kinds=DOCUMENT_KINDS, by=current_user)
        operations.add_evidence(
            case,
            current_user,
            title=form.title.data,
            description=form.description.data or "",
            submitted_by=form.submitted_by.data or "",
            file=stored,
        )

    return _case_form(
        case_id,
        forms.EvidenceForm,
        permissions.can_add_evidence,
        perform,
        _("Add evidence"),
        success=_("The evidence was added."),
        multipart=True,
    )


@login_required
def evidence_file(case_id, evidence_id):
    case = _load_case(case_id)
    evidence = get_or_404(Evidence, evidence_id)
    if evidence.case_id != case.id:
        abort(404)
    stored = evidence.file
    audit_view(case, evidence=evidence.id)
    return send_stored_file(stored)


@login_required
def note_new(case_id):
    def perform(case, form):
        operations.add_note(case, current_user, form.body.data)

    return _case_form(
        case_id,
        forms.PrivateNoteForm,
        lambda user, case: (
            permissions.can_view_private(user, case) and case.status != CaseStatus.archived
        ),
        perform,
        _("Private note"),
        success=_("The note was saved."),
    )


@login_required
def agreement_new(case_id):
    def perform(case, form):
        operations.record_agreement(
            case, current_user, kind=AgreementKind(form.kind.data), **form.values()
        )

    return _case_form(
        case_id,
        forms.AgreementForm,
        lambda user, case: permissions.may_move_to(user, case, CaseStatus.agreement_reached),
        perform,
        _("Record the agreement"),
        success=_("The agreement was recorded."),
        intro=_(
            "A written agreement states the parties' basic facts, the main facts and points in "
            "dispute with each party's responsibility, and what was agreed, how and by when it is "
            "performed (People's Mediation Law, Art. 29). For an oral agreement, record what was "
            "agreed and when."
        ),
        to=CaseStatus.agreement_reached,
    )


@login_required
def case_fail(case_id):
    def perform(case, form):
        operations.fail(case, current_user, form.note.data)

    return _case_form(
        case_id,
        forms.FailForm,
        lambda user, case: permissions.may_move_to(user, case, CaseStatus.failed),
        perform,
        _("End mediation without agreement"),
        success=_("Mediation was ended; the parties were told the other routes."),
        intro=str(operations.OTHER_ROUTES),
        to=CaseStatus.failed,
    )


@login_required
def case_withdraw(case_id):
    def perform(case, form):
        operations.withdraw(case, current_user, form.reason.data)

    return _case_form(
        case_id,
        forms.WithdrawForm,
        lambda user, case: permissions.may_move_to(user, case, CaseStatus.withdrawn),
        perform,
        _("Withdraw the case"),
        success=_("The case was withdrawn."),
        to=CaseStatus.withdrawn,
    )


@login_required
def return_visit_new(case_id):
    def prepare(form, case):
        if request.method == "GET":
            form.visited_on.data = clock.today()

    def perform(case, form):
        operations.record_return_visit(
            case,
            current_user,
            visited_on=form.visited_on.data,
            method=form.method.data or "",
            performance=Performance(form.performance.data),
            record=form.record.data,
        )

    return _case_form(
        case_id,
        forms.ReturnVisitForm,
        lambda user, case: (
            permissions.can_work_case(user, case)
            and case.status in (CaseStatus.agreement_reached, CaseStatus.return_visited)
        ),
        perform,
        _("Record a return visit"),
        success=_("The return visit was recorded."),
        prepare=prepare,
    )


@login_required
def confirmation_new(case_id):
    def perform(case, form):
        operations.record_confirmation(
            case,
            current_user,
            applied_on=form.applied_on.data,
            court=form.court.data,
            result=form.result.data or "",
        )

    return _case_form(
        case_id,
        forms.ConfirmationForm,
        permissions.can_record_confirmation,
        perform,
        _("Judicial confirmation"),
        success=_("The application for judicial confirmation is recorded."),
    )


@login_required
def case_archive(case_id):
    def perform(case, form):
        operations.archive(
            case,
            current_user,
            retention_period=RetentionPeriod(form.retention_period.data),
            note=form.note.data or "",
        )

    return _case_form(
        case_id,
        forms.ArchiveForm,
        lambda user, case: permissions.may_move_to(user, case, CaseStatus.archived),
        perform,
        _("Archive the case"),
        success=_("The case was archived."),
        to=CaseStatus.archived,
    )


# ---------------------------------------------------------------- dashboards


_DASHBOARD_COMMITTEES = select(Committee.id, Committee.name).order_by(Committee.id)


@login_required
def dashboard():
    committee_id = request.args.get("committee", type=int)
    committee = get_or_404(Committee, committee_id) if committee_id else None
    if committee is None:
        require(is_staff(current_user))
    else:
        require(is_staff(current_user) or permissions.is_director(current_user, committee))
    period = request.args.get("period", "year")
    start = utcnow() - timedelta(days=365) if period == "year" else None
    # Counted over thousands of cases: kept a minute in the short shared cache (stats.STATS_TTL).
    key = f"mediation:dashboard:{committee.id if committee else ''}:{period == 'year'}"
    # The categories' names read once for both sets of figures.
    categories = category_names()
    figures = case_stats(
        committee_id=committee.id if committee else None,
        start=start,
        cache_key=key,
        categories=categories,
    )
    per_committee = []
    if committee is None:
        # Each committee's row: its headline figures only, worked out with the counts.
        by_committee = committee_headlines(start=start, cache_key=key)
        # Plain rows: the table prints each committee's id and name.
        for row in db.session.execute(_DASHBOARD_COMMITTEES):
            per_committee.append((row, by_committee.get(row.id, by_committee[None])))
    return render_template(
        "mediation/dashboard.html",
        committee=committee,
        figures=figures,
        per_committee=per_committee,
        # Each committee's row links to its dashboard: the address written once.
        committee_href=href_for("mediation.dashboard", "committee", period=period)
        if per_committee
        else None,
        period=period,
    )
