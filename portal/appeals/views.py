"""Pages of appeals."""

from datetime import timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts.models import Enterprise, Role
from portal.appeals import operations, permissions, reports
from portal.appeals.forms import LedgerForm, ReferralForm, RegisterFields, RevisitForm, StatusForm
from portal.appeals.models import STATUS_LABELS, AppealCategory, AppealReferral, AppealStatus
from portal.appeals.workflow import TRANSITIONS, AppealError, escalate_overdue, transition
from portal.core import clock, once
from portal.core.db import db, get_or_404
from portal.core.links import links_of
from portal.core.permissions import is_staff, is_verified, require


def _staff_targets(referral):
    return [
        to
        for (start, to), rule in TRANSITIONS.items()
        if start == referral.status and rule is permissions.can_record_register_update
    ]


@login_required
def index():
    stmt = select(AppealReferral).order_by(
        AppealReferral.created_dt.desc(), AppealReferral.id.desc()
    )
    status = request.args.get("status", "")
    if is_staff(current_user):
        if status == "open":
            stmt = stmt.where(AppealReferral.status != AppealStatus.closed)
        elif status in AppealStatus.__members__:
            stmt = stmt.where(AppealReferral.status == AppealStatus(status))
        category = request.args.get("category", "")
        if category in AppealCategory.__members__:
            stmt = stmt.where(AppealReferral.category == AppealCategory(category))
    elif is_verified(current_user, Role.enterprise):
        stmt = stmt.where(AppealReferral.enterprise_id == current_user.enterprise_id)
    elif is_verified(current_user, Role.lawyer):
        stmt = stmt.where(AppealReferral.created_by_id == current_user.id)
    else:
        stmt = stmt.where(AppealReferral.id.is_(None))
    referrals = db.paginate(stmt, per_page=30, error_out=False)
    return render_template(
        "appeals/index.html",
        referrals=referrals,
        status=status,
        statuses=list(AppealStatus),
        status_labels=STATUS_LABELS,
        staff=is_staff(current_user),
    )


@login_required
def new():
    require(permissions.can_manage_referrals(current_user))
    form = ReferralForm()
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        try:
            referral = operations.create_referral(
                enterprise=get_or_404(Enterprise, form.enterprise.data),
                summary=form.summary.data,
                details=form.details.data,
                category=form.category.data,
                register_ref=form.register_ref.data,
                register_url=form.register_url.data,
                by=current_user,
            )
        except AppealError as error:
            db.session.rollback()
            form.register_ref.errors = list(form.register_ref.errors) + [str(error)]
        else:
            once.remember(form, url_for(".referral", referral_id=referral.id))
            db.session.commit()
            flash(_("Referral recorded."), "success")
            return redirect(url_for(".referral", referral_id=referral.id))
    return render_template("appeals/new.html", form=form)


def _detail(referral, *, status_form=None, register_form=None, revisit_form=None, code=200):
    if register_form is None:
        register_form = RegisterFields(formdata=None, obj=referral)
        register_form.category.data = referral.category.value
    return (
        render_template(
            "appeals/referral.html",
            referral=referral,
            status_form=status_form or StatusForm(_staff_targets(referral)),
            register_form=register_form,
            revisit_form=revisit_form or RevisitForm(),
            links=links_of(referral),
            permissions=permissions,
            AppealStatus=AppealStatus,
            staff_targets=_staff_targets(referral),
        ),
        code,
    )


@login_required
def referral(referral_id):
    referral = get_or_404(AppealReferral, referral_id)
    require(permissions.can_view_referral(current_user, referral))
    return _detail(referral)


@login_required
def status(referral_id):
    referral = get_or_404(AppealReferral, referral_id)
    require(permissions.can_record_register_update(current_user, referral))
    form = StatusForm(_staff_targets(referral))
    if form.validate_on_submit():
        try:
            transition(
                referral,
                form.to.data,
                current_user,
                note=form.note.data,
                department=form.department.data,
            )
        except AppealError as error:
            db.session.rollback()
            form.to.errors = list(form.to.errors) + [str(error)]
        else:
            db.session.commit()
            flash(_("Status updated."), "success")
            return redirect(url_for(".referral", referral_id=referral.id))
    return _detail(referral, status_form=form, code=400)


@login_required
def register(referral_id):
    referral = get_or_404(AppealReferral, referral_id)
    require(permissions.can_record_register_update(current_user, referral))
    form = RegisterFields()
    if form.validate_on_submit():
        try:
            operations.record_register_details(
                referral,
                register_ref=form.register_ref.data,
                register_url=form.register_url.data,
                category=form.category.data,
                by=current_user,
            )
        except AppealError as error:
            db.session.rollback()
            form.register_ref.errors = list(form.register_ref.errors) + [str(error)]
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".referral", referral_id=referral.id))
    return _detail(referral, register_form=form, code=400)


@login_required
def revisit(referral_id):
    referral = get_or_404(AppealReferral, referral_id)
    require(permissions.can_view_referral(current_user, referral))
    require(permissions.can_answer_revisit(current_user, referral))
    form = RevisitForm()
    if form.validate_on_submit():
        target = AppealStatus.closed if form.satisfied.data == "yes" else AppealStatus.reopened
        try:
            transition(referral, target, current_user, note=form.comment.data)
        except AppealError as error:
            db.session.rollback()
            form.comment.errors = list(form.comment.errors) + [str(error)]
        else:
            db.session.commit()
            flash(_("Thank you; your answer is recorded."), "success")
            return redirect(url_for(".referral", referral_id=referral.id))
    return _detail(referral, revisit_form=form, code=400)


@login_required
def escalate():
    require(permissions.can_manage_referrals(current_user))
    count = escalate_overdue(by=current_user)
    db.session.commit()
    flash(_("%(n)s overdue referrals escalated.", n=count), "success" if count else "info")
    return redirect(url_for(".index", status="open"))


def _ledger_period():
    """A month (default: this one), or any from/to range such as the last twelve months."""
    form = LedgerForm(request.args)
    form.validate()
    if form.start.data and form.end.data and not (form.start.errors or form.end.errors):
        start, end = sorted((form.start.data, form.end.data))
        return form, start, end
    start, end = reports.month_bounds(form.month.data if not form.month.errors else None)
    return form, start, end


@login_required
def ledger():
    require(permissions.can_see_ledger(current_user))
    form, start, end = _ledger_period()
    return render_template(
        "appeals/ledger.html",
        form=form,
        start=start,
        end=end,
        figures=reports.figures(start, end),
        last_year=(clock.today() - timedelta(days=365), clock.today()),
    )


@login_required
def ledger_xlsx():
    require(permissions.can_see_ledger(current_user))
    _form, start, end = _ledger_period()
    return Response(
        reports.xlsx(start, end),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=appeal-ledger-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        },
    )
