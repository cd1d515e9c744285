"""Staff settings: holiday calendar and legal categories."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core import clock
from portal.core.db import db, get_or_404
from portal.core.models import CalendarDay, LegalCategory
from portal.core.permissions import is_staff, require
from portal.core.workdays import missing_calendar_years
from portal.notifications.models import OutgoingEmail
from portal.notifications.operations import retry_email
from portal.staff import operations
from portal.staff.forms import CalendarDayForm, CategoryForm


@login_required
def calendar():
    require(is_staff(current_user))
    form = CalendarDayForm()
    if form.validate_on_submit():
        operations.set_calendar_day(
            day=form.day.data,
            is_workday=form.is_workday.data,
            label=form.label.data,
            by=current_user,
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".calendar"))
    days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    this_year = clock.today().year
    missing = missing_calendar_years(this_year, this_year + 1)
    return render_template("staff/calendar.html", form=form, days=days, missing=missing)


@login_required
def calendar_remove(day):
    require(is_staff(current_user))
    try:
        entry = get_or_404(CalendarDay, date.fromisoformat(day))
    except ValueError:  # not a date (2026-13-45): there is no such entry
        abort(404)
    operations.remove_calendar_day(entry, by=current_user)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for(".calendar"))


@login_required
def categories():
    require(is_staff(current_user))
    category = None
    if request.args.get("edit"):
        category = get_or_404(LegalCategory, request.args.get("edit", type=int))
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        clash = db.session.scalar(select(LegalCategory).where(LegalCategory.code == form.code.data))
        if clash is not None and clash is not category:
            form.code.errors.append(_("This code is already used."))
        else:
            operations.save_category(
                category,
                code=form.code.data,
                name_zh=form.name_zh.data,
                name_en=form.name_en.data,
                is_active=form.is_active.data,
                by=current_user,
            )
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".categories"))
    items = db.session.scalars(select(LegalCategory).order_by(LegalCategory.position)).all()
    return render_template("staff/categories.html", form=form, items=items, editing=category)


@login_required
def outbox():
    require(is_staff(current_user))
    status = request.args.get("status", "failed")
    stmt = select(OutgoingEmail).order_by(OutgoingEmail.id.desc())
    if status in ("queued", "failed", "sent"):
        stmt = stmt.where(OutgoingEmail.status == status)
    mails = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("staff/outbox.html", mails=mails, status=status)


@login_required
def outbox_retry(mail_id):
    mail = get_or_404(OutgoingEmail, mail_id)
    require(is_staff(current_user))
    if mail.status != "sent":
        retry_email(mail, by=current_user)
        db.session.commit()
        flash(
            _("The e-mail to %(recipient)s will be sent again.", recipient=mail.recipient),
            "success",
        )
    return redirect(url_for(".outbox", status="queued"))
