"""Log-in, registration, profile and staff account management."""

import functools
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.accounts import auth, operations
from portal.accounts.forms import (
    ConflictForm,
    EnterpriseProfileForm,
    EnterpriseRegistrationForm,
    LawyerProfileForm,
    LawyerRegistrationForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    StaffEnterpriseForm,
    VerificationForm,
)
from portal.accounts.models import (
    ROLE_LABELS,
    VERIFICATION_LABELS,
    Chamber,
    Enterprise,
    LawyerConflict,
    LawyerProfile,
    Role,
    User,
    Verification,
)
from portal.accounts.passwords import check_password
from portal.accounts.permissions import (
    can_decide_join_request,
    can_declare_conflicts,
    can_edit_enterprise,
    can_manage_accounts,
    can_remove_conflict,
    can_see_join_requests,
)
from portal.audit.operations import client_address, log
from portal.core.db import db, get_or_404, utcnow
from portal.core.i18n import current_language, moment_formatter
from portal.core.keyset import seek
from portal.core.models import LegalCategory
from portal.core.permissions import is_staff, require
from portal.core.rows import href_for


def _safe_next(default):
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data.strip().lower(), client_address()
        throttle = auth.login_throttle(email, address)
        if throttle.refused:
            form.email.errors.append(
                _("Too many failed log-ins. Please wait 15 minutes before trying again.")
            )
            return render_template("accounts/login.html", form=form), 429
        auth.slow_down(throttle.delay)
        user = db.session.scalar(select(User).where(User.email == email))
        if not auth.password_matches(user, form.password.data):
            auth.record_failure(email, address)
            db.session.commit()
            form.password.errors.append(_("The e-mail or password is wrong."))
            return render_template("accounts/login.html", form=form), 200
        if user.is_deactivated:
            form.email.errors.append(
                _("This account has been deactivated. Please contact the federation.")
            )
            return render_template("accounts/login.html", form=form), 403
        if user.verification == Verification.rejected:
            form.email.errors.append(
                _(
                    "Your registration was not approved, so this account cannot log in. "
                    "Please contact the federation."
                )
            )
            return render_template("accounts/login.html", form=form), 403
        auth.clear_failures(email)
        user.last_login_dt = utcnow()
        log("user.login", user, by=user)
        # A language picked with the switcher before logging in becomes their setting.
        chosen = session.get("locale")
        if chosen and chosen != user.locale:
            operations.set_locale(user, chosen)
        db.session.commit()
        session.clear()
        login_user(user)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(_safe_next(url_for("home.index")))
    return render_template("accounts/login.html", form=form)


def logout():
    if request.method == "POST" and current_user.is_authenticated:
        user = current_user._get_current_object()
        language = current_language()  # the pages stay in their language after logging out
        auth.revoke_sessions(user)
        log("user.logout", user, by=user)
        db.session.commit()
        logout_user()
        session.clear()
        session["locale"] = language
        flash(_("You have logged out."), "info")
    return redirect(url_for("home.index"))


def register():
    return render_template("accounts/register_choose.html")


def _chamber_choices():
    return [(c.id, c.name) for c in db.session.scalars(select(Chamber).order_by(Chamber.name))]


def _category_choices():
    return [
        (c.id, c.name)
        for c in db.session.scalars(
            select(LegalCategory).where(LegalCategory.is_active).order_by(LegalCategory.position)
        )
    ]


def _registration_received():
    """What a registration hears, whether or not its address was already registered."""
    flash(
        _("Thank you. Federation staff will verify your registration; you can log in now."),
        "success",
    )
    return redirect(url_for("accounts.login"))


def _already_registered(form):
    # Same answer as a new registration (nobody learns which addresses have accounts); the
    # address's owner is told by mail instead.
    operations.warn_owner_of_registration_attempt(form.email.data, form.password.data)
    db.session.commit()
    return _registration_received()


def register_enterprise():
    form = EnterpriseRegistrationForm()
    form.chambers.choices = _chamber_choices()
    if form.validate_on_submit():
        if operations.email_taken(form.email.data):
            return _already_registered(form)
        else:
            chambers = [db.session.get(Chamber, cid) for cid in form.chambers.data]
            user = operations.register_enterprise_user(
                form_data=form.data,
                chambers=[c for c in chambers if c],
                locale=current_language(),
            )
            db.session.commit()
            if operations.is_join_request(user):
                flash(
                    _(
                        "Thank you. This firm is already registered: its verified account or "
                        "federation staff will approve your request to join it."
                    ),
                    "success",
                )
                return redirect(url_for("accounts.login"))
            return _registration_received()
    return render_template("accounts/register_enterprise.html", form=form)


def register_lawyer():
    form = LawyerRegistrationForm()
    form.specialities.choices = _category_choices()
    if form.validate_on_submit():
        if operations.email_taken(form.email.data):
            return _already_registered(form)
        else:
            try:
                specialities = [
                    db.session.get(LegalCategory, cid) for cid in form.specialities.data
                ]
                operations.register_lawyer(
                    form_data=form.data,
                    specialities=[s for s in specialities if s],
                    locale=current_language(),
                )
            except operations.AccountError:
                db.session.rollback()
                form.certificate_no.errors.append(
                    _("This practice certificate is already registered.")
                )
            else:
                db.session.commit()
                return _registration_received()
    return render_template("accounts/register_lawyer.html", form=form)


@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if not form.is_submitted():
        form.locale.data = user.locale or "zh_CN"
    lawyer_form = None
    if user.lawyer_profile is not None:
        lawyer_form = LawyerProfileForm(obj=user.lawyer_profile, prefix="lawyer")
        lawyer_form.specialities.choices = _category_choices()
        if not lawyer_form.is_submitted():
            lawyer_form.industries.data = user.lawyer_profile.industry_codes
            lawyer_form.specialities.data = [c.id for c in user.lawyer_profile.specialities]
    firm_form = None
    if user.enterprise is not None and can_edit_enterprise(user, user.enterprise):
        firm_form = EnterpriseProfileForm(obj=user.enterprise, prefix="firm")
        firm_form.chambers.choices = _chamber_choices()
        if not firm_form.is_submitted():
            firm_form.chambers.data = [c.id for c in user.enterprise.chambers]
    forms = [f for f in (form, lawyer_form, firm_form) if f is not None]
    if form.is_submitted() and all([f.validate() for f in forms]):  # every form's errors
        operations.update_profile(
            user, name=form.name.data, phone=form.phone.data, locale=form.locale.data
        )
        if lawyer_form is not None:
            operations.update_lawyer_profile(
                user.lawyer_profile,
                by=user,
                law_firm=lawyer_form.law_firm.data,
                industries=lawyer_form.industries.data,
                specialities=[
                    db.session.get(LegalCategory, i) for i in lawyer_form.specialities.data
                ],
                weekly_capacity=lawyer_form.weekly_capacity.data,
                bio=lawyer_form.bio.data,
            )
        if firm_form is not None:
            chambers = [db.session.get(Chamber, cid) for cid in firm_form.chambers.data]
            operations.update_enterprise(
                user.enterprise,
                by=user,
                industry=firm_form.industry.data,
                size_class=firm_form.size_class.data,
                chambers=[c for c in chambers if c],
                address=firm_form.address.data,
                contact_name=firm_form.contact_name.data,
                contact_phone=firm_form.contact_phone.data,
            )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    conflict_query = request.args.get("firm", "").strip()[:100]
    return render_template(
        "accounts/profile.html",
        form=form,
        lawyer_form=lawyer_form,
        firm_form=firm_form,
        conflict_query=conflict_query,
        conflict_matches=operations.find_enterprises(conflict_query)
        if lawyer_form is not None
        else [],
        conflict_form=ConflictForm(formdata=None),
    )


@login_required
def conflict_add():
    user = current_user._get_current_object()
    require(can_declare_conflicts(user))
    form = ConflictForm()
    if not form.validate_on_submit():
        abort(400)
    enterprise = get_or_404(Enterprise, form.enterprise_id.data)
    try:
        operations.declare_conflict(
            user.lawyer_profile, enterprise, reason=form.reason.data, by=user
        )
    except operations.AccountError:
        flash(_("You have already declared %(firm)s.", firm=enterprise.name), "info")
    else:
        db.session.commit()
        flash(_("You will not be asked to advise %(firm)s.", firm=enterprise.name), "success")
    return redirect(url_for("accounts.profile", _anchor="conflicts"))


@login_required
def conflict_remove(conflict_id):
    conflict = get_or_404(LawyerConflict, conflict_id)
    require(can_remove_conflict(current_user, conflict))  # CSRF: checked for every POST
    operations.remove_conflict(conflict, by=current_user)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("accounts.profile", _anchor="conflicts"))


@login_required
def password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not check_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            operations.change_password(user, form.password.data)
            db.session.commit()
            # Other devices are logged out; this one logs in again with the new token.
            login_user(user)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


# What the accounts table prints: plain rows, not User, Enterprise and LawyerProfile objects
# (building 50 of each cost more than the query, and loaded the lawyers' specialities).
STAFF_USERS_COLUMNS = (
    User.id,
    User.name,
    User.email,
    User.role,
    User.verification,
    User.is_deactivated,
    User.created_dt,
    Enterprise.id.label("firm_id"),
    Enterprise.name.label("firm_name"),
    Enterprise.uscc.label("firm_uscc"),
    LawyerProfile.law_firm,
)


def _staff_users_narrowed(stmt, status: str, role: str, query: str):
    if status:
        stmt = stmt.where(User.verification == Verification(status))
    if role:
        stmt = stmt.where(User.role == Role(role))
    if query:
        firms = select(Enterprise.id).where(
            Enterprise.name.contains(query, autoescape=True) | (Enterprise.uscc == query.upper())
        )
        stmt = stmt.where(
            User.name.contains(query, autoescape=True)
            | User.email.contains(query.lower(), autoescape=True)
            | User.enterprise_id.in_(firms)
        )
    return stmt


def _staff_users_statements(status: str, role: str, query: str):
    """(the table's rows, the ids its total counts) for a known status and role ("" for any)
    and a search text."""
    shown = (
        select(*STAFF_USERS_COLUMNS)
        .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
        .outerjoin(LawyerProfile, LawyerProfile.user_id == User.id)
    )
    return (
        _staff_users_narrowed(shown, status, role, query),
        _staff_users_narrowed(select(User.id), status, role, query),
    )


@dataclass(slots=True)
class AccountRow:
    """What the accounts table prints of one account, prepared in Python for the whole table
    (not frozen: a frozen dataclass is built five times slower, 50 times a page)."""

    href: str
    name: str
    is_deactivated: bool
    email: str
    role: str
    firm_name: str | None  # the account's enterprise, if any
    firm_uscc: str | None
    law_firm: str | None  # a lawyer's law firm, if any
    registered: str
    verify_action: str | None  # where the verification form posts, while the account is pending
    verification: str


def _account_rows(items, role_labels: dict) -> list[AccountRow]:
    """The table's rows from STAFF_USERS_COLUMNS' rows: labels translated once a page, links
    from one url_for each (portal.core.rows), the moments formatted with the language looked up
    once; the template only prints."""
    user_href = href_for("accounts.staff_user", "user_id")
    verify_href = href_for("accounts.staff_verify", "user_id")
    verification_labels = {v: str(label) for v, label in VERIFICATION_LABELS.items()}
    registered = moment_formatter()
    pending = Verification.pending
    return [
        AccountRow(
            href=user_href(user_id),
            name=name,
            is_deactivated=is_deactivated,
            email=email,
            role=role_labels[role],
            firm_name=firm_name if firm_id is not None else None,
            firm_uscc=firm_uscc,
            law_firm=law_firm,
            registered=registered(created_dt),
            verify_action=verify_href(user_id) if verification == pending else None,
            verification=verification_labels[verification],
        )
        for (
            user_id,
            name,
            email,
            role,
            verification,
            is_deactivated,
            created_dt,
            firm_id,
            firm_name,
            firm_uscc,
            law_firm,
        ) in items
    ]


@functools.cache
def _staff_users_filtered(status: str, role: str):
    """_staff_users_statements without a search text: one of 4 × 9 filters, each one's
    statements built once (seek's `built_once`), not on every view."""
    return _staff_users_statements(status, role, "")


@login_required
def staff_users():
    require(can_manage_accounts(current_user))
    status = request.args.get("status", "pending")
    role = request.args.get("role", "")
    query = request.args.get("q", "").strip()[:100]
    known_status = status if status in Verification.__members__ else ""
    known_role = role if role in Role.__members__ else ""
    if query:
        shown, counted = _staff_users_statements(known_status, known_role, query)
    else:
        shown, counted = _staff_users_filtered(known_status, known_role)
    # Newest first, by seek: page 100 costs what page 1 costs (portal.core.keyset).
    users = seek(
        shown,
        (User.created_dt, User.id),
        50,
        count_key=None if query else f"users:{known_status}:{known_role}",
        plain=True,
        counted=counted,
        built_once=not query,
    )
    roles = [(r, str(ROLE_LABELS[r])) for r in Role]
    return render_template(
        "accounts/staff_users.html",
        users=users,
        rows=_account_rows(users.items, dict(roles)),
        status=status,
        role=role,
        query=query,
        roles=roles,
    )


@functools.cache
def _staff_user_statement():
    """The account with its enterprise and lawyer profile (what its page shows of them), in one
    statement built once and run with the id: two lazy loads of one row each before. Their
    chambers and specialities are still read as before (in the order they always came)."""
    return (
        select(User)
        .options(joinedload(User.enterprise), joinedload(User.lawyer_profile))
        .where(User.id == bindparam("user_id"))
        .execution_options(populate_existing=True)  # as get_or_404 with options
    )


@login_required
def staff_user(user_id):
    require(can_manage_accounts(current_user))
    if not -(2**31) <= user_id < 2**31:  # no database integer holds it (as get_or_404)
        abort(404)
    user = db.session.scalar(_staff_user_statement(), {"user_id": user_id})
    if user is None:
        abort(404)
    # The page's forms are written out in the template (their CSRF token only).
    return render_template("accounts/staff_user.html", user=user)


@login_required
def staff_verify(user_id):
    require(can_manage_accounts(current_user))
    user = get_or_404(User, user_id)
    form = VerificationForm()
    decision = request.form.get("decision")
    if not form.validate_on_submit() or decision not in ("approve", "reject"):
        abort(400)
    operations.verify_user(
        user, by=current_user, approve=decision == "approve", note=form.note.data or ""
    )
    db.session.commit()
    flash(
        _(
            "%(name)s: %(status)s.",
            name=user.name,
            status=_("verified") if decision == "approve" else _("rejected"),
        ),
        "success",
    )
    return redirect(url_for("accounts.staff_users"))


@login_required
def staff_deactivate(user_id):
    require(can_manage_accounts(current_user))
    user = get_or_404(User, user_id)
    form = VerificationForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "danger")
    else:
        operations.set_deactivated(user, by=current_user, deactivated=not user.is_deactivated)
        db.session.commit()
        flash(_("Account updated."), "success")
    return redirect(url_for("accounts.staff_user", user_id=user.id))


@login_required
def staff_enterprise(enterprise_id):
    enterprise = get_or_404(Enterprise, enterprise_id)
    require(can_manage_accounts(current_user))
    form = StaffEnterpriseForm(obj=enterprise)
    form.chambers.choices = _chamber_choices()
    if not form.is_submitted():
        form.chambers.data = [c.id for c in enterprise.chambers]
    if form.validate_on_submit():
        try:
            operations.correct_enterprise_identity(
                enterprise, by=current_user, name=form.name.data, uscc=form.uscc.data
            )
        except operations.AccountError:
            form.uscc.errors.append(_("Another enterprise is registered with this code."))
        else:
            chambers = [db.session.get(Chamber, cid) for cid in form.chambers.data]
            operations.update_enterprise(
                enterprise,
                by=current_user,
                industry=form.industry.data,
                size_class=form.size_class.data,
                chambers=[c for c in chambers if c],
                address=form.address.data,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
            )
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.staff_enterprise", enterprise_id=enterprise.id))
    return render_template("accounts/staff_enterprise.html", enterprise=enterprise, form=form)


@login_required
def join_requests():
    """The people asking to act for the current user's firm (its verified accounts decide)."""
    enterprise = current_user.enterprise
    require(enterprise is not None and can_see_join_requests(current_user, enterprise))
    return render_template(
        "accounts/join_requests.html",
        enterprise=enterprise,
        requests=operations.join_requests(enterprise),
        form=VerificationForm(),
    )


@login_required
def join_decide(user_id):
    applicant = get_or_404(User, user_id)
    require(can_decide_join_request(current_user, applicant))
    form = VerificationForm()
    decision = request.form.get("decision")
    if not form.validate_on_submit() or decision not in ("approve", "reject"):
        abort(400)
    try:
        operations.decide_join_request(applicant, by=current_user, approve=decision == "approve")
    except operations.AccountError:
        flash(_("This request has already been decided."), "info")
    else:
        db.session.commit()
        flash(
            _("%(name)s can now act for the firm.", name=applicant.name)
            if decision == "approve"
            else _("The request of %(name)s is refused.", name=applicant.name),
            "success",
        )
    if is_staff(current_user):
        return redirect(url_for("accounts.staff_user", user_id=applicant.id))
    return redirect(url_for("accounts.join_requests"))
