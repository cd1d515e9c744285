"""The bureau and the departments that handle appeal items, and the users acting for them."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import Role
from portal.appeals import permissions
from portal.appeals.models import (
    AppealOrganisation,
    AppealOrganisationMember,
    OrganisationKind,
)
from portal.appeals.workflow import AppealError
from portal.audit.operations import log
from portal.core.db import db

MEMBER_ROLES = (Role.department_handler, Role.bureau_coordinator)


def active_organisations(kind: OrganisationKind | None = None):
    stmt = select(AppealOrganisation).where(AppealOrganisation.is_active.is_(True))
    if kind is not None:
        stmt = stmt.where(AppealOrganisation.kind == kind)
    return db.session.scalars(
        stmt.order_by(AppealOrganisation.position, AppealOrganisation.id)
    ).all()


def departments():
    return active_organisations(OrganisationKind.department)


def save_organisation(*, by, name, name_en="", kind=OrganisationKind.department, organisation=None,
                      is_active=True):  # fmt: skip
    name = (name or "").strip()
    if not name:
        raise AppealError(_l("Enter the organisation's name."))
    clash = db.session.scalar(select(AppealOrganisation).where(AppealOrganisation.name == name))
    if clash is not None and clash is not organisation:
        raise AppealError(_l("An organisation of this name already exists."))
    if organisation is None:
        position = len(db.session.scalars(select(AppealOrganisation.id)).all())
        organisation = AppealOrganisation(position=position)
        db.session.add(organisation)
    organisation.name = name[:120]
    organisation.name_en = (name_en or "").strip()[:200]
    organisation.kind = OrganisationKind(kind)
    organisation.is_active = bool(is_active)
    log("appeal_organisation.save", organisation, by=by, summary=organisation.name)
    return organisation


def add_member(organisation, user, *, by):
    if user is None:
        raise AppealError(_l("No account with this e-mail address."))
    if user.role not in MEMBER_ROLES:
        raise AppealError(
            _l("Only department handler and bureau coordinator accounts act for an organisation.")
        )
    existing = db.session.scalar(
        select(AppealOrganisationMember).where(AppealOrganisationMember.user_id == user.id)
    )
    if existing is not None:
        if existing.organisation_id == organisation.id:
            return existing
        raise AppealError(
            _l("%(name)s already acts for %(org)s.", name=user.name, org=existing.organisation.name)
        )
    member = AppealOrganisationMember(organisation=organisation, user=user)
    db.session.add(member)
    permissions.forget_organisation_of(user.id)
    log("appeal_organisation.add_member", organisation, by=by, summary=user.email)
    return member


def remove_member(member, *, by):
    log("appeal_organisation.remove_member", member.organisation, by=by, summary=member.user.email)
    db.session.delete(member)
    permissions.forget_organisation_of(member.user_id)


def create_account(organisation, *, by, name, email, role):
    """A verified account acting for the organisation; returns (user, first password)."""
    import secrets

    from portal.accounts.operations import AccountError, create_user

    if Role(role) not in MEMBER_ROLES:
        raise AppealError(
            _l("Only department handler and bureau coordinator accounts act for an organisation.")
        )
    password = secrets.token_urlsafe(12)
    try:
        user = create_user(email=email.strip().lower(), name=name.strip(), password=password,
                           role=role, verified=True, by=by)  # fmt: skip
    except AccountError:
        raise AppealError(_l("This e-mail address is already registered.")) from None
    db.session.flush()
    add_member(organisation, user, by=by)
    return user, password
