"""Pages of appeal items: lists, intake, triage, the department's work, evaluation, reports."""

import functools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import NamedTuple

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    render_template_string,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import and_, bindparam, inspect, or_, select
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import MultiDict

from portal.accounts.models import Enterprise, Role, User
from portal.appeals import operations, permissions, plans, reports
from portal.appeals.forms import (
    NEW_FORM_TTL,
    CloseForm,
    ConfirmForm,
    EvaluationForm,
    LedgerForm,
    MergeForm,
    MilestoneForm,
    PlanForm,
    ProgressForm,
    PublicAppealForm,
    ReferralForm,
    RegisterFields,
    StepForm,
    TriageForm,
    new_form_key,
    written_field,
)
from portal.appeals.models import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    ROUTE_LABELS,
    STATUS_LABELS,
    AppealAttachment,
    AppealEvaluation,
    AppealEvent,
    AppealMeeting,
    AppealOrganisation,
    AppealReferral,
    AppealStatus,
    Channel,
    PlanMilestone,
    Route,
    SolutionPlan,
    label_texts,
    overdue_on,
)
from portal.appeals.workflow import AppealError, allowed_targets, escalate_overdue, transition
from portal.core import cache, clock, listfilter, once
from portal.core.db import db, get_or_404
from portal.core.forms import new_submission_token
from portal.core.i18n import current_language, day_formatter
from portal.core.keyset import list_total, seek
from portal.core.links import RecordLink, links_of
from portal.core.permissions import is_staff, is_verified, require
from portal.core.rows import href_for
from portal.core.uploads import send_stored_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Attempt:
    refused: bool = False


@contextmanager
def refusal_shown(field=None):
    """An operation the rules refuse (AppealError) undoes the request's changes and tells the
    user why: under `field` so the form is shown again with what they typed, or, without a
    field, as a flashed message. The view reads `attempt.refused` to go on or not."""
    attempt = Attempt()
    try:
        yield attempt
    except AppealError as error:
        db.session.rollback()
        attempt.refused = True
        if field is None:
            flash(str(error), "danger")
        else:
            field.errors = list(field.errors) + [str(error)]


def _visibility(user) -> tuple[str, int | None]:
    """Which items the user may see (the lists' half of the rules), as the name of one of
    `_VISIBLE`'s conditions and its value: their department, firm or own id, else None."""
    if is_staff(user) or permissions.is_bureau(user):
        return "all", None
    if permissions.is_department_handler(user):
        return "department", permissions.organisation_id_of(user) or -1
    if permissions.is_leadership(user):
        return "escalated", None
    firm_id = permissions.firm_of(user)
    if firm_id is not None:
        return "firm", firm_id
    if is_verified(user, Role.lawyer):
        return "recorded", user.id
    return "none", None


# The conditions of `_visibility`, with the viewer's value a parameter (`viewer`), so that one
# statement serves every department, firm or lawyer.
_VIEWER = bindparam("viewer", type_=AppealReferral.id.type)
_VISIBLE = {
    "all": None,
    "department": AppealReferral.organisation_id == _VIEWER,
    "escalated": or_(AppealReferral.tier >= 2, AppealReferral.route == Route.escalated),
    "firm": AppealReferral.enterprise_id == _VIEWER,
    "recorded": AppealReferral.created_by_id == _VIEWER,
    "none": AppealReferral.id.is_(None),
}


# The list's rows: what the table prints, as plain rows (not the items' details, contact or
# handling texts, nor AppealReferral, Enterprise and AppealOrganisation objects: building them
# cost more than the query), the firm and department joined. Built once: putting a statement of
# twelve columns and two joins together cost ~0.13 ms on every view.
_LISTED = (
    select(
        AppealReferral.id,
        AppealReferral.created_dt,
        AppealReferral.channel,
        AppealReferral.firm_name,
        AppealReferral.summary,
        AppealReferral.category,
        AppealReferral.tier,
        AppealReferral.status,
        AppealReferral.stage_due_date,
        Enterprise.id.label("firm_id"),
        Enterprise.name.label("enterprise_name"),
        AppealOrganisation.name.label("department"),
    )
    .outerjoin(Enterprise, Enterprise.id == AppealReferral.enterprise_id)
    .outerjoin(AppealOrganisation, AppealOrganisation.id == AppealReferral.organisation_id)
)
# What the total counts: the same filters without the joins (SQLite keeps outer joins in a count).
_COUNTED = select(AppealReferral.id)


class ListedItem(NamedTuple):
    """One row of the list as the table prints it."""

    href: str
    day: str
    channel: str
    firm: str
    summary: str
    category: str
    tier: int | str
    department: str
    status: str
    overdue: bool
    due: str


def listed_items(rows, statuses) -> list[ListedItem]:
    """The page's rows as text: each link, label and day worked out here rather than by a
    template call per cell (a Jinja call costs several times a Python one; four a row were a
    tenth of the page)."""
    href = href_for("appeals.referral", "referral_id")
    day = day_formatter()
    today = clock.today()
    channels = label_texts("channel", CHANNEL_LABELS)
    categories = label_texts("category", CATEGORY_LABELS)
    return [
        ListedItem(
            href(r.id),
            day(r.created_dt),
            channels[r.channel],
            r.firm_name if r.firm_id is None else r.enterprise_name,
            r.summary,
            categories[r.category],
            r.tier or "",
            r.department or "",
            statuses[r.status],
            overdue_on(r.status, r.stage_due_date, today),
            day(r.stage_due_date),
        )
        for r in rows
    ]


def status_hrefs(args: dict) -> dict[str, str]:
    """The list's address for each status filter ("" all, "open", each status), the period and
    chamber kept: one `url_for` with a marker where the status goes, not one a button."""
    marked = url_for(".index", status=_STATUS_MARK, **args)
    hrefs = {"": url_for(".index", **args)}
    for value in ("open", *AppealStatus.__members__):
        hrefs[value] = marked.replace(_STATUS_MARK, value)
    return hrefs


_STATUS_MARK = "0status0"  # no status, date or id is written so


def _conditions(filters, merged_too: bool, visibility: str) -> list:
    """The list's filters and the viewer's rule (`_VISIBLE`) as conditions on the items."""
    where = []
    if filters["status"] == "open":
        where.append(AppealReferral.status.not_in((AppealStatus.closed, AppealStatus.merged)))
    elif filters["status"] in AppealStatus.__members__:
        where.append(AppealReferral.status == AppealStatus(filters["status"]))
    if filters["channel"] in Channel.__members__:
        where.append(AppealReferral.channel == Channel(filters["channel"]))
    if filters["tier"] in ("1", "2", "3"):
        where.append(AppealReferral.tier == int(filters["tier"]))
    if filters["route"] in Route.__members__:
        where.append(AppealReferral.route == Route(filters["route"]))
    if not merged_too:
        where.append(AppealReferral.status != AppealStatus.merged)
    if _VISIBLE[visibility] is not None:
        where.append(_VISIBLE[visibility])
    return where


@functools.lru_cache(maxsize=256)
def _listed_statements(status: str, channel: str, tier: str, route: str, visibility: str):
    """The list's two statements (`_LISTED`, `_COUNTED`) for known filter values and the
    viewer's rule, built once (seek's `built_once`) and run with the viewer's value: putting
    them together and keying them anew cost more than SQLite's running them."""
    filters = {"status": status, "channel": channel, "tier": tier, "route": route}
    where = _conditions(filters, True, visibility)
    return tuple(stmt.where(*where) if where else stmt for stmt in (_LISTED, _COUNTED))


def _filtered(stmts, filters, list_filter, visibility):
    """Each statement narrowed by the list's filters, the viewer's rule and the period/chamber
    filter (the viewer's value still a parameter)."""
    where = _conditions(filters, not list_filter.active, visibility)
    out = []
    for stmt in stmts:
        # From the statistics page: collected in the period, from a chamber's member firms.
        stmt = list_filter.in_period(stmt, AppealReferral.created_dt)
        stmt = list_filter.of_chamber_firms(stmt, AppealReferral.enterprise_id)
        out.append(stmt.where(*where) if where else stmt)
    return out


@login_required
def index():
    filters = {k: request.args.get(k, "") for k in ("status", "channel", "tier", "route")}
    list_filter = listfilter.from_request()
    known = {
        "status": filters["status"]
        if filters["status"] in (*AppealStatus.__members__, "open")
        else "",
        "channel": filters["channel"] if filters["channel"] in Channel.__members__ else "",
        "tier": filters["tier"] if filters["tier"] in ("1", "2", "3") else "",
        "route": filters["route"] if filters["route"] in Route.__members__ else "",
    }
    visibility, viewer = _visibility(current_user)
    if list_filter.active:
        listed, counted = _filtered((_LISTED, _COUNTED), known, list_filter, visibility)
    else:
        listed, counted = _listed_statements(*known.values(), visibility)
    key_parts = [*known.values(), *(f"{k}={v}" for k, v in sorted(list_filter.args().items()))]
    params = {"viewer": viewer} if viewer is not None else None
    referrals = seek(
        listed,
        (AppealReferral.created_dt, AppealReferral.id),
        30,
        count_key=f"appeals:{current_user.id}:{':'.join(key_parts)}",
        plain=True,
        counted=counted.params(params) if params else counted,
        built_once=not list_filter.active,
        params=params,
    )
    status_labels = label_texts("status", STATUS_LABELS)
    return render_template(
        "appeals/index.html",
        list_filter=list_filter,
        referrals=referrals,
        rows=listed_items(referrals.items, status_labels),
        filters={k: v for k, v in filters.items() if v},
        status=filters["status"],
        statuses=list(AppealStatus),
        status_hrefs=status_hrefs(list_filter.args()),
        status_labels=status_labels,
        staff=is_staff(current_user),
        permissions=permissions,
    )


# The blank new-item form's fields as written (forms.new_form_key), its tokens left out.
_BLANK_FIELDS = (
    '{% from "macros.html" import field %}'
    "{% for f in form if f.type not in ('CSRFTokenField', 'SubmitField')"
    " and f.name != 'submission_token' %}{{ field(f) }}{% endfor %}"
)


@login_required
def new():
    require(permissions.can_manage_referrals(current_user))
    if request.method == "GET" and not request.args.get("meeting"):
        fields = cache.get_or_set(
            new_form_key(current_language()),
            NEW_FORM_TTL,
            lambda: render_template_string(_BLANK_FIELDS, form=ReferralForm(formdata=None)),
        )
        return render_template(
            "appeals/new.html", blank_fields=Markup(fields), token=new_submission_token()
        )
    form = ReferralForm()
    meeting_id = request.args.get("meeting", type=int)  # bounded: too large is a 400
    if request.method == "GET" and meeting_id is not None:
        meeting = db.session.get(AppealMeeting, meeting_id)
        if meeting is not None:
            form.meeting.data = meeting.id
            form.channel.data = "onsite_meeting" if meeting.kind == "onsite" else "forum"
            form.collected_on.data = meeting.held_on
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        meeting = db.session.get(AppealMeeting, form.meeting.data) if form.meeting.data else None
        with refusal_shown(form.register_ref) as attempt:
            referral = operations.create_referral(
                enterprise=form.enterprise.firm,
                summary=form.summary.data,
                details=form.details.data,
                category=form.category.data,
                register_ref=form.register_ref.data,
                register_url=form.register_url.data,
                channel=form.channel.data,
                collected_on=form.collected_on.data,
                collected_by=form.collected_by.data,
                meeting=meeting,
                by=current_user,
            )
        if not attempt.refused:
            once.remember(form, url_for(".referral", referral_id=referral.id))
            db.session.commit()
            flash(_("Appeal item recorded."), "success")
            return redirect(url_for(".referral", referral_id=referral.id))
    return render_template("appeals/new.html", form=form)


def submit():
    """The public online collection form (网络平台征集)."""
    form = PublicAppealForm()
    if request.method == "GET" and permissions.firm_of(current_user) is not None:
        form.firm_name.data = current_user.enterprise.name
        form.uscc.data = current_user.enterprise.uscc
        form.contact.data = f"{current_user.name} {current_user.phone}".strip()
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == form.uscc.data))
        with refusal_shown(form.summary) as attempt:
            referral = operations.create_referral(
                enterprise=enterprise,
                firm_name=form.firm_name.data,
                firm_uscc=form.uscc.data,
                contact=form.contact.data,
                summary=form.summary.data,
                details=form.details.data,
                category=form.category.data,
                channel=Channel.online_form,
                by=current_user if current_user.is_authenticated else None,
            )
        if not attempt.refused:
            if current_user.is_authenticated and permissions.can_view_referral(
                current_user, referral
            ):
                target = url_for(".referral", referral_id=referral.id)
            else:
                target = url_for(".submit")
            once.remember(form, target)
            db.session.commit()
            flash(
                _("Thank you. Your appeal is recorded as no. %(id)s; the federation will verify it "
                  "and contact you.", id=referral.id),
                "success",
            )  # fmt: skip
            return redirect(target)
    return render_template("appeals/submit.html", form=form)


def _load(referral_id):
    referral = get_or_404(AppealReferral, referral_id)
    require(permissions.can_view_referral(current_user, referral))
    return referral


# The item page's read: the item with its firm and department, and whether it has evaluations,
# attachments, a solution plan (its link's wording, for a tier-2 item) and linked records (most
# have none; each was a read of its own, and the links' read ran for every view). Built once: a
# statement of three entities and four subqueries is not cheap to put together.
_ITEM_PAGE = (
    select(
        AppealReferral,
        Enterprise,
        AppealOrganisation,
        select(AppealEvaluation.id)
        .where(AppealEvaluation.referral_id == AppealReferral.id)
        .exists()
        .label("has_evaluations"),
        select(AppealAttachment.id)
        .where(AppealAttachment.referral_id == AppealReferral.id)
        .exists()
        .label("has_attachments"),
        select(SolutionPlan.id)
        .where(SolutionPlan.referral_id == AppealReferral.id)
        .exists()
        .label("has_plan"),
        select(RecordLink.id)
        .where(
            or_(
                and_(
                    RecordLink.source_type == AppealReferral.__tablename__,
                    RecordLink.source_id == AppealReferral.id,
                ),
                and_(
                    RecordLink.target_type == AppealReferral.__tablename__,
                    RecordLink.target_id == AppealReferral.id,
                ),
            )
        )
        .exists()
        .label("has_links"),
    )
    .outerjoin(Enterprise, Enterprise.id == AppealReferral.enterprise_id)
    .outerjoin(AppealOrganisation, AppealOrganisation.id == AppealReferral.organisation_id)
    .where(AppealReferral.id == bindparam("referral_id"))
)


def _load_for_page(referral_id):
    """The item as its page shows it (`_ITEM_PAGE`), the permission checked: (item, whether it
    has linked records). The firm, department and empty lists are set on the item without
    reads of their own."""
    if not -(2**31) <= referral_id < 2**31:
        abort(404)
    row = db.session.execute(_ITEM_PAGE, {"referral_id": referral_id}).first()
    if row is None:
        abort(404)
    referral, enterprise, organisation, has_evaluations, has_attachments, has_plan, has_links = row
    unloaded = inspect(referral).unloaded
    for name, value in (("enterprise", enterprise), ("organisation", organisation)):
        if name in unloaded:
            set_committed_value(referral, name, value)
    if "plan" in unloaded and not has_plan:
        set_committed_value(referral, "plan", None)
    for name, has_rows in (("evaluations", has_evaluations), ("attachments", has_attachments)):
        if name in unloaded and not has_rows:
            set_committed_value(referral, name, [])
    require(permissions.can_view_referral(current_user, referral))
    return referral, has_links


# The item's timeline as its page prints it: each entry with its author's name, in one read
# (the entries as objects, then their authors, were two reads and the ORM's loading of both).
_TIMELINE = (
    select(
        AppealEvent.created_dt,
        AppealEvent.kind,
        AppealEvent.to_status,
        AppealEvent.note,
        User.name.label("author"),
    )
    .outerjoin(User, User.id == AppealEvent.by_id)
    .where(AppealEvent.referral_id == bindparam("referral_id"))
    .order_by(AppealEvent.created_dt, AppealEvent.id)
)


class TimelineRow(NamedTuple):
    created_dt: datetime
    kind: str
    to_label: str
    note: str
    author: str | None


def _timeline(referral_id: int) -> list[TimelineRow]:
    statuses = label_texts("status", STATUS_LABELS)
    return [
        TimelineRow(
            r.created_dt,
            r.kind,
            statuses[AppealStatus(r.to_status)]
            if r.to_status in AppealStatus.__members__
            else r.to_status or "",
            r.note,
            r.author,
        )
        for r in db.session.execute(_TIMELINE, {"referral_id": referral_id})
    ]


@dataclass(frozen=True, slots=True)
class Sections:
    """Which of the item page's sections the user gets (each rule asked once a view)."""

    plan: bool
    progress: bool
    evaluation: bool
    close: bool
    register: bool


def _detail(referral, code=200, has_links=True, **forms):
    user = current_user._get_current_object()  # asked by each rule below: the proxy once
    staff = is_staff(user)
    targets = allowed_targets(referral, user)
    status = referral.status
    show = Sections(
        plan=referral.tier == 2 and permissions.can_view_plan(user, referral),
        progress=referral.is_open
        and status not in (AppealStatus.referred, AppealStatus.satisfied)
        and permissions.can_record_progress(user, referral),
        evaluation=status == AppealStatus.revisited and permissions.can_evaluate(user, referral),
        close=status == AppealStatus.satisfied and permissions.can_close(user, referral),
        register=permissions.can_record_register_update(user, referral),
    )
    # Each form (and what it reads: duplicates, departments, enterprises) is built only where
    # the page shows it (the same conditions as appeals/referral.html's sections); a form sent
    # back with its errors is shown as given.
    triaging = staff and status == AppealStatus.referred
    duplicates = operations.duplicates_of(referral) if triaging else []
    if triaging and "triage_form" not in forms:
        forms["triage_form"] = TriageForm(
            formdata=None, needs_enterprise=referral.enterprise is None
        )
        forms["triage_form"].category.data = referral.category.value
    if duplicates and "merge_form" not in forms:
        forms["merge_form"] = MergeForm(formdata=None)
    if "merge_form" in forms:
        forms["merge_form"].into.choices = [(d.id, f"#{d.id} {d.summary}") for d in duplicates]
    if targets and "step_form" not in forms:
        forms["step_form"] = StepForm(
            targets, formdata=None, with_departments=AppealStatus.distributed in targets
        )
    if "progress_form" not in forms and show.progress:
        forms["progress_form"] = ProgressForm(formdata=None)
    if "evaluation_form" not in forms and show.evaluation:
        forms["evaluation_form"] = EvaluationForm(formdata=None, staff=staff)
    if "close_form" not in forms and show.close:
        forms["close_form"] = CloseForm(formdata=None)
    if "register_form" not in forms and show.register:
        forms["register_form"] = RegisterFields(formdata=None, obj=referral)
        forms["register_form"].category.data = referral.category.value
    return (
        render_template(
            "appeals/referral.html",
            written=written_field,
            referral=referral,
            duplicates=duplicates,
            targets=targets,
            events=_timeline(referral.id),
            links=links_of(referral) if has_links else [],
            show=show,
            permissions=permissions,
            AppealStatus=AppealStatus,
            staff=staff,
            **forms,
        ),
        code,
    )


@login_required
def referral(referral_id):
    referral, has_links = _load_for_page(referral_id)
    return _detail(referral, has_links=has_links)


def _done(referral, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".referral", referral_id=referral.id))


@login_required
def triage(referral_id):
    referral = _load(referral_id)
    require(permissions.can_manage_referrals(current_user))
    form = TriageForm(needs_enterprise=referral.enterprise is None)
    if form.validate_on_submit():
        enterprise = form.enterprise.firm if referral.enterprise is None else None
        with refusal_shown(form.tier_reason) as attempt:
            operations.triage(
                referral,
                by=current_user,
                category=form.category.data,
                tier=form.tier.data,
                tier_reason=form.tier_reason.data,
                route=form.route.data,
                enterprise=enterprise,
            )
        if not attempt.refused:
            return _done(referral, _("Item verified and triaged."))
    return _detail(referral, code=400, triage_form=form)


@login_required
def merge(referral_id):
    referral = _load(referral_id)
    require(permissions.can_manage_referrals(current_user))
    form = MergeForm()
    form.into.choices = [(d.id, d.summary) for d in operations.duplicates_of(referral)]
    if form.validate_on_submit():
        with refusal_shown(form.into) as attempt:
            into = operations.merge(
                referral, db.session.get(AppealReferral, form.into.data), by=current_user
            )
        if not attempt.refused:
            return _done(into, _("Merged."))
    return _detail(referral, code=400, merge_form=form)


@login_required
def step(referral_id):
    referral = _load(referral_id)
    targets = allowed_targets(referral, current_user)
    require(bool(targets))
    form = StepForm(targets)
    if form.validate_on_submit():
        organisation = (
            db.session.get(AppealOrganisation, form.organisation.data)
            if form.organisation.data
            else None
        )
        with refusal_shown(form.note) as attempt:
            if form.to.data == AppealStatus.handled.value:
                operations.record_result(
                    referral,
                    by=current_user,
                    result=form.result.data or form.note.data,
                    files=request.files.getlist(form.files.name),
                )
            else:
                operations.attach_files(
                    referral, request.files.getlist(form.files.name), by=current_user
                )
                transition(
                    referral,
                    form.to.data,
                    current_user,
                    note=form.note.data,
                    organisation=organisation,
                )
        if not attempt.refused:
            return _done(referral, _("Saved."))
    return _detail(referral, code=400, step_form=form)


@login_required
def progress(referral_id):
    referral = _load(referral_id)
    require(permissions.can_record_progress(current_user, referral))
    form = ProgressForm()
    if form.validate_on_submit():
        with refusal_shown(form.note) as attempt:
            operations.record_progress(
                referral,
                by=current_user,
                note=form.note.data,
                files=request.files.getlist(form.files.name),
            )
        if not attempt.refused:
            return _done(referral, _("Progress recorded."))
    return _detail(referral, code=400, progress_form=form)


@login_required
def evaluate(referral_id):
    referral = _load(referral_id)
    require(permissions.can_evaluate(current_user, referral))
    form = EvaluationForm(staff=is_staff(current_user))
    if form.validate_on_submit():
        with refusal_shown(form.comment) as attempt:
            operations.record_evaluation(
                referral,
                by=current_user,
                method=form.method.data if form.method else "portal",
                timeliness=form.timeliness.data,
                result=form.result.data,
                attitude=form.attitude.data,
                satisfied=form.satisfied.data == "yes",
                comment=form.comment.data,
            )
        if not attempt.refused:
            return _done(referral, _("Thank you; the evaluation is recorded."))
    return _detail(referral, code=400, evaluation_form=form)


# The enterprise's revisit answer (older URL): the same evaluation.
revisit = evaluate


@login_required
def close(referral_id):
    referral = _load(referral_id)
    if not permissions.can_close(current_user, referral):
        # They may read the item, so its page says why rather than a bare "not allowed".
        flash(_("Only the federation's work team closes an item."), "danger")
        return _detail(referral, code=403)
    form = CloseForm()
    if form.validate_on_submit():
        # Flashed, not put under the note: the closing form is on the page only while the item
        # waits to be closed, and a refusal (closed already, not yet satisfied) is when it is not.
        with refusal_shown() as attempt:
            operations.close(referral, by=current_user, note=form.note.data)
        if not attempt.refused:
            return _done(referral, _("Item closed."))
    return _detail(referral, code=400, close_form=form)


@login_required
def register(referral_id):
    referral = _load(referral_id)
    require(permissions.can_record_register_update(current_user, referral))
    form = RegisterFields()
    if form.validate_on_submit():
        with refusal_shown(form.register_ref) as attempt:
            operations.record_register_details(
                referral,
                register_ref=form.register_ref.data,
                register_url=form.register_url.data,
                category=form.category.data,
                by=current_user,
            )
        if not attempt.refused:
            return _done(referral, _("Saved."))
    return _detail(referral, code=400, register_form=form)


@login_required
def attachment(referral_id, attachment_id):
    referral = _load(referral_id)
    item = get_or_404(AppealAttachment, attachment_id)
    if item.referral_id != referral.id:
        abort(404)
    return send_stored_file(item.file)


@login_required
def escalate():
    require(permissions.can_manage_referrals(current_user))
    count = escalate_overdue(by=current_user)
    db.session.commit()
    flash(_("%(n)s overdue items moved up.", n=count), "success" if count else "info")
    return redirect(url_for(".index", status="open"))


# --- tier-2 solution plan -------------------------------------------------------------------


@login_required
def plan(referral_id):
    referral = _load(referral_id)
    require(permissions.can_view_plan(current_user, referral))
    editable = permissions.can_edit_plan(current_user, referral)
    form = PlanForm(obj=referral.plan)
    if request.method == "GET" and referral.plan:
        form.lead.data = referral.plan.lead_id
        form.cooperating.data = [o.id for o in referral.plan.cooperating]
    if request.method == "POST":
        require(editable)
        if form.validate_on_submit():
            with refusal_shown(form.lead) as attempt:
                plans.save_plan(
                    referral,
                    by=current_user,
                    principles=form.principles.data,
                    direction=form.direction.data,
                    lead=db.session.get(AppealOrganisation, form.lead.data or 0),
                    cooperating=[
                        o
                        for o in (
                            db.session.get(AppealOrganisation, i) for i in form.cooperating.data
                        )
                        if o is not None
                    ],
                    deadline=form.deadline.data,
                    team=form.team.data,
                )
            if not attempt.refused:
                db.session.commit()
                flash(_("Solution plan saved."), "success")
                return redirect(url_for(".plan", referral_id=referral.id))
    return render_template(
        "appeals/plan.html",
        referral=referral,
        plan=referral.plan,
        form=form,
        milestone_form=MilestoneForm(formdata=None),
        editable=editable,
        can_tick=permissions.can_tick_milestone(current_user, referral),
    ), (400 if request.method == "POST" else 200)


@login_required
def plan_docx(referral_id):
    referral = _load(referral_id)
    if referral.plan is None:
        abort(404)
    return Response(
        plans.plan_docx(referral.plan),
        mimetype=DOCX,
        headers={"Content-Disposition": f"attachment; filename=solution-plan-{referral.id}.docx"},
    )


@login_required
def milestone(referral_id):
    referral = _load(referral_id)
    require(permissions.can_edit_plan(current_user, referral))
    if referral.plan is None:
        abort(404)
    form = MilestoneForm()
    if form.validate_on_submit():
        plans.add_milestone(
            referral.plan, by=current_user, title=form.title.data, due_date=form.due_date.data
        )
        db.session.commit()
        flash(_("Milestone added."), "success")
    else:
        flash(_("A milestone needs a title and a date."), "danger")
    return redirect(url_for(".plan", referral_id=referral.id))


@login_required
def milestone_done(referral_id, milestone_id):
    referral = _load(referral_id)
    require(permissions.can_tick_milestone(current_user, referral))
    item = get_or_404(PlanMilestone, milestone_id)
    if referral.plan is None or item.plan_id != referral.plan.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    plans.tick_milestone(item, by=current_user, done=item.done_dt is None)
    db.session.commit()
    return redirect(url_for(".plan", referral_id=referral.id))


# --- reports --------------------------------------------------------------------------------


def _ledger_period():
    """A month (default: this one), or any from/to range such as the last twelve months."""
    form = LedgerForm(request.args)
    form.validate()
    if form.start.data and form.end.data and not (form.start.errors or form.end.errors):
        start, end = sorted((form.start.data, form.end.data))
        return form, start, end
    start, end = reports.month_bounds(form.month.data if not form.month.errors else None)
    return form, start, end


LEDGER_PER_PAGE = 50


def _prefixed_args(prefix: str) -> MultiDict:
    """The query arguments of one of a page's two pagers (`overdue_after=5` -> `after=5`)."""
    return MultiDict({k[len(prefix) :]: v for k, v in request.args.items() if k.startswith(prefix)})


def _pager_args(page, prefix: str) -> None:
    page.next_args = {prefix + k: v for k, v in page.next_args.items()}
    page.prev_args = {prefix + k: v for k, v in page.prev_args.items()}


# The ledger page's two lists (each with the columns its rows print, the firm and department
# joined) and what their totals count, built once from reports' rules and run with the period's
# bounds as parameters: putting them together on every view cost more than SQLite's running
# them. The overdue list reads five columns: reading the thirteen both lists once shared (dates
# and labels converted row by row) and joining the firms cost it about a tenth of its time.
_DEPARTMENT = AppealOrganisation.name.label("department")
_LEDGER_ITEMS = (
    select(
        AppealReferral.id,
        AppealReferral.created_dt,
        AppealReferral.channel,
        AppealReferral.enterprise_id,
        AppealReferral.firm_name,
        Enterprise.name.label("enterprise_name"),
        AppealReferral.summary,
        AppealReferral.category,
        AppealReferral.tier,
        AppealReferral.route,
        _DEPARTMENT,
        AppealReferral.status,
    )
    .outerjoin(Enterprise, Enterprise.id == AppealReferral.enterprise_id)
    .outerjoin(AppealOrganisation, AppealOrganisation.id == AppealReferral.organisation_id)
    .where(*reports.COLLECTED_IN)
)
_LEDGER_ITEMS_COUNTED = select(AppealReferral.id).where(*reports.COLLECTED_IN)
_LEDGER_OVERDUE = (
    select(
        AppealReferral.id,
        AppealReferral.summary,
        _DEPARTMENT,
        AppealReferral.status,
        AppealReferral.stage_due_date,
    )
    .outerjoin(AppealOrganisation, AppealOrganisation.id == AppealReferral.organisation_id)
    .where(*reports.OVERDUE_ON)
)
_LEDGER_OVERDUE_COUNTED = select(AppealReferral.id).where(*reports.OVERDUE_ON)


@login_required
def ledger():
    """The period's figures, then one of the ledger's two lists a page at a time (50 rows, in
    the ledger's order): its items, or (`view=overdue`) the open ones past their deadline. Each
    list has its tab, which shows its total; the XLSX export lists both whole."""
    require(permissions.can_see_ledger(current_user))
    form, start, end = _ledger_period()
    overdue_view = request.args.get("view") == "overdue"

    def write_figures():
        # From counts() afresh, not cached_counts(): the page is then at most FIGURES_TTL old.
        figures = reports.figures(start, end, items=False, counted=reports.counts(start, end))
        return render_template(
            "appeals/_ledger_figures.html",
            figures=figures,
            route_sentence=reports.route_sentence(figures),
            summary_sentence=reports.summary_sentence(figures),
        )

    # The figures as the page writes them (eight numbers and five tables, their labels
    # translated), kept as the figures are: FIGURES_TTL seconds, per period, day and language.
    figures_html = cache.get_or_set(
        f"appeals:ledger-figures:{start}:{end}:{clock.today()}:{current_language()}",
        reports.FIGURES_TTL,
        write_figures,
    )
    period = {"start": start.isoformat(), "end": end.isoformat()}
    # Where each list stands, carried by every link of the page: back on a list's tab, the
    # list is where it was left.
    items_at = {k: v for k, v in request.args.items() if k in ("after", "before", "page")}
    overdue_at = {k: v for k, v in request.args.items() if k.startswith("overdue_")}
    collected = reports.collected_params(start, end)
    items_counted = _LEDGER_ITEMS_COUNTED.params(collected)
    items_count_key = f"appeals:ledger:{start}:{end}"
    due = reports.overdue_params(start, end)
    overdue_counted = _LEDGER_OVERDUE_COUNTED.params(due)
    overdue_count_key = f"appeals:ledger-overdue:{start}:{end}:{clock.today()}"
    statuses = label_texts("status", STATUS_LABELS)
    # Once a page, not once a row: each row's link, dates and the fall-back department.
    referral_href = href_for("appeals.referral", "referral_id")
    day = day_formatter()
    if overdue_view:
        page = seek(
            _LEDGER_OVERDUE,
            (AppealReferral.stage_due_date, AppealReferral.id),
            LEDGER_PER_PAGE,
            descending=False,
            args=_prefixed_args("overdue_"),
            plain=True,
            counted=overdue_counted,
            count_key=overdue_count_key,
            built_once=True,
            params=due,
        )
        _pager_args(page, "overdue_")
        items_total = list_total(items_counted, AppealReferral.id, items_count_key)
        overdue_total = page.total
        directly = _("Federation directly")
        rows = [
            SimpleNamespace(
                id=r.id,
                href=referral_href(r.id),
                summary=r.summary,
                department=r.department or directly,
                status=statuses[r.status],
                due=day(r.stage_due_date),
            )
            for r in page
        ]
    else:
        page = seek(
            _LEDGER_ITEMS,
            (AppealReferral.created_dt, AppealReferral.id),
            LEDGER_PER_PAGE,
            descending=False,
            plain=True,
            counted=items_counted,
            count_key=items_count_key,
            built_once=True,
            params=collected,
        )
        items_total = page.total
        overdue_total = list_total(overdue_counted, AppealReferral.id, overdue_count_key)
        channels = label_texts("channel", CHANNEL_LABELS)
        categories = label_texts("category", CATEGORY_LABELS)
        routes = label_texts("route", ROUTE_LABELS)
        rows = [
            SimpleNamespace(
                href=referral_href(r.id),
                created=day(r.created_dt),
                channel=channels[r.channel],
                firm=r.firm_name if r.enterprise_id is None else r.enterprise_name,
                summary=r.summary,
                category=categories[r.category],
                tier=r.tier or "",
                route=routes[r.route] if r.route else "",
                department=r.department or "",
                status=statuses[r.status],
            )
            for r in page
        ]
    view = {"view": "overdue"} if overdue_view else {}
    return render_template(
        "appeals/ledger.html",
        written=written_field,
        form=form,
        start=start,
        end=end,
        figures_html=Markup(figures_html),
        overdue_view=overdue_view,
        items_total=items_total,
        overdue_total=overdue_total,
        # Each tab keeps the period and where both lists stand.
        items_tab=dict(period, **items_at, **overdue_at),
        overdue_tab=dict(period, view="overdue", **items_at, **overdue_at),
        page=page,
        # The pager's links keep the period, the view and where the other list stands.
        pager_args=dict(period, **view, **(items_at if overdue_view else overdue_at)),
        rows=rows,
        last_year=dict(
            view,
            start=(clock.today() - timedelta(days=365)).isoformat(),
            end=clock.today().isoformat(),
        ),
    )


@login_required
def ledger_xlsx():
    require(permissions.can_see_ledger(current_user))
    _form, start, end = _ledger_period()
    return Response(
        reports.ledger_xlsx(start, end),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename=appeal-ledger-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        },
    )


@login_required
def bulletin_docx():
    require(permissions.can_see_ledger(current_user))
    _form, start, end = _ledger_period()
    return Response(
        reports.bulletin_docx(start, end),
        mimetype=DOCX,
        headers={"Content-Disposition": f"attachment; filename=appeal-bulletin-{start:%Y%m}.docx"},
    )


@login_required
def annual_docx(year):
    require(permissions.can_see_ledger(current_user))
    if not 2000 <= year <= 2100:
        abort(404)
    return Response(
        reports.annual_summary_docx(year),
        mimetype=DOCX,
        headers={"Content-Disposition": f"attachment; filename=appeal-summary-{year}.docx"},
    )
