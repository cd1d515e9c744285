"""Pages for the organisations list and the meetings (forums, on-site office meetings)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.appeals import meetings, organisations, permissions
from portal.appeals.forms import (
    ConfirmForm,
    MeetingForm,
    MemberForm,
    NewAccountForm,
    OrganisationForm,
)
from portal.appeals.models import (
    AppealMeeting,
    AppealOrganisation,
    AppealOrganisationMember,
    AppealReferral,
)
from portal.appeals.views import refusal_shown
from portal.core.db import db, get_or_404
from portal.core.permissions import require
from portal.core.uploads import send_stored_file


def _save_organisation(form, organisation=None) -> bool:
    """Save a new or edited organisation from its form; False when refused (said under the
    name)."""
    with refusal_shown(form.name) as attempt:
        organisations.save_organisation(
            by=current_user,
            organisation=organisation,
            name=form.name.data,
            name_en=form.name_en.data,
            kind=form.kind.data,
            is_active=form.is_active.data == "1",
        )
    if attempt.refused:
        return False
    db.session.commit()
    flash(_("Organisation saved."), "success")
    return True


@login_required
def organisation_list():
    require(permissions.can_manage_organisations(current_user))
    form = OrganisationForm()
    if form.validate_on_submit() and _save_organisation(form):
        return redirect(url_for(".organisations"))
    rows = db.session.scalars(
        select(AppealOrganisation).order_by(AppealOrganisation.position, AppealOrganisation.id)
    ).all()
    counts = dict(
        db.session.execute(
            select(AppealReferral.organisation_id, func.count()).group_by(
                AppealReferral.organisation_id
            )
        ).all()
    )
    return render_template(
        "appeals/organisations.html", organisations=rows, counts=counts, form=form
    ), (400 if form.errors else 200)


@login_required
def organisation(organisation_id):
    require(permissions.can_manage_organisations(current_user))
    item = get_or_404(AppealOrganisation, organisation_id)
    form = OrganisationForm(obj=item)
    member_form = MemberForm(formdata=None)
    if request.method == "GET":
        form.kind.data = item.kind.value
        form.is_active.data = "1" if item.is_active else "0"
    elif form.validate_on_submit() and _save_organisation(form, item):
        return redirect(url_for(".organisation", organisation_id=item.id))
    return render_template(
        "appeals/organisation.html",
        organisation=item,
        form=form,
        member_form=member_form,
        account_form=NewAccountForm(formdata=None),
    ), (400 if request.method == "POST" else 200)


@login_required
def organisation_account(organisation_id):
    require(permissions.can_manage_organisations(current_user))
    item = get_or_404(AppealOrganisation, organisation_id)
    form = NewAccountForm()
    if form.validate_on_submit():
        with refusal_shown() as attempt:
            user, password = organisations.create_account(
                item, by=current_user, name=form.name.data, email=form.new_email.data,
                role=form.role.data,
            )  # fmt: skip
        if not attempt.refused:
            db.session.commit()
            flash(
                _("Account %(email)s created. First password (shown once; ask them to change "
                  "it): %(password)s", email=user.email, password=password),
                "success",
            )  # fmt: skip
    else:
        flash(_("Enter a name and a valid e-mail address."), "danger")
    return redirect(url_for(".organisation", organisation_id=item.id))


@login_required
def organisation_member(organisation_id):
    require(permissions.can_manage_organisations(current_user))
    item = get_or_404(AppealOrganisation, organisation_id)
    form = MemberForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        with refusal_shown() as attempt:
            organisations.add_member(item, user, by=current_user)
        if not attempt.refused:
            db.session.commit()
            flash(_("Member added."), "success")
    else:
        flash(_("Enter a valid e-mail address."), "danger")
    return redirect(url_for(".organisation", organisation_id=item.id))


@login_required
def organisation_member_remove(member_id):
    require(permissions.can_manage_organisations(current_user))
    member = get_or_404(AppealOrganisationMember, member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    organisation_id = member.organisation_id
    organisations.remove_member(member, by=current_user)
    db.session.commit()
    flash(_("Member removed."), "success")
    return redirect(url_for(".organisation", organisation_id=organisation_id))


@login_required
def meeting_list():
    require(permissions.can_view_meetings(current_user))
    rows = db.session.scalars(
        select(AppealMeeting).order_by(AppealMeeting.held_on.desc(), AppealMeeting.id.desc())
    ).all()
    return render_template(
        "appeals/meetings.html",
        meetings=rows,
        can_edit=permissions.can_manage_meetings(current_user),
    )


@login_required
def meeting_new():
    require(permissions.can_manage_meetings(current_user))
    return _meeting_form(None)


@login_required
def meeting_edit(meeting_id):
    require(permissions.can_manage_meetings(current_user))
    return _meeting_form(get_or_404(AppealMeeting, meeting_id))


def _meeting_form(item):
    form = MeetingForm(obj=item)
    if request.method == "GET" and item is not None:
        form.kind.data = item.kind.value
        form.departments.data = [o.id for o in item.departments]
    if form.validate_on_submit():
        with refusal_shown(form.title) as attempt:
            saved = meetings.save_meeting(
                by=current_user,
                meeting=item,
                kind=form.kind.data,
                title=form.title.data,
                held_on=form.held_on.data,
                place=form.place.data,
                hosts=form.hosts.data,
                firms_attending=form.firms_attending.data,
                minutes=form.minutes.data,
                departments=[
                    o
                    for o in (db.session.get(AppealOrganisation, i) for i in form.departments.data)
                    if o is not None
                ],
                files=request.files.getlist(form.files.name),
            )
        if not attempt.refused:
            db.session.commit()
            flash(_("Meeting saved."), "success")
            return redirect(url_for(".meeting", meeting_id=saved.id))
    return render_template("appeals/meeting_form.html", form=form, meeting=item), (
        400 if request.method == "POST" else 200
    )


@login_required
def meeting(meeting_id):
    require(permissions.can_view_meetings(current_user))
    item = get_or_404(AppealMeeting, meeting_id)
    return render_template(
        "appeals/meeting.html",
        meeting=item,
        carried_over=meetings.carried_over(item),
        can_edit=permissions.can_manage_meetings(current_user),
    )


@login_required
def meeting_file(meeting_id, file_id):
    require(permissions.can_view_meetings(current_user))
    item = get_or_404(AppealMeeting, meeting_id)
    stored = next((f for f in item.files if f.id == file_id), None)
    if stored is None:
        abort(404)
    return send_stored_file(stored)
