"""Every change to accounts: registration, verification, profiles, passwords, deactivation."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.auth import revoke_sessions
from portal.accounts.models import (
    Chamber,
    Enterprise,
    LawyerConflict,
    LawyerProfile,
    Role,
    User,
    Verification,
)
from portal.accounts.passwords import hash_password
from portal.audit.operations import log
from portal.core.db import db, utcnow
from portal.core.hooks import visibility_changed
from portal.core.models import LegalCategory
from portal.notifications.operations import notify


class AccountError(ValueError):
    """A request that cannot be carried out; str(exc) is for the user."""


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email.lower())) is not None


def warn_owner_of_registration_attempt(email: str, password: str):
    """Registration never says an address is taken; its owner is told (inbox and e-mail).
    The password is hashed and thrown away: the answer costs what a new account costs."""
    from flask import url_for

    hash_password(password)
    owner = db.session.scalar(select(User).where(User.email == email.lower()))
    notify(
        [owner],
        _l(
            "Someone tried to register a new account with your e-mail address. If it was you, "
            "log in with your existing account instead; if not, you need do nothing."
        ),
        url=url_for("accounts.login"),
    )


def create_user(
    *, email, name, password, role, phone="", enterprise=None, verified=False, by=None, locale=None
) -> User:
    if email_taken(email):
        raise AccountError(f"{email} is already registered")
    user = User(
        email=email.lower(),
        name=name,
        phone=phone,
        role=Role(role),
        password_hash=hash_password(password),
        enterprise=enterprise,
        verification=Verification.verified if verified else Verification.pending,
        locale=locale,
    )
    db.session.add(user)
    log("user.create", user, by=by, summary=f"{user.email} ({user.role})")
    return user


def register_enterprise_user(
    *, form_data: dict, chambers: list[Chamber], locale: str | None = None
) -> User:
    """A new firm with its first user, or a colleague joining a firm already registered."""
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == form_data["uscc"]))
    joining = enterprise is not None
    if enterprise is None:
        enterprise = Enterprise(
            name=form_data["enterprise_name"],
            uscc=form_data["uscc"],
            industry=form_data["industry"],
            size_class=form_data["size_class"],
            address=form_data.get("address") or "",
            contact_name=form_data["name"],
            contact_phone=form_data["phone"],
        )
        enterprise.chambers = chambers
        db.session.add(enterprise)
        log("enterprise.register", enterprise, summary=enterprise.name)
    user = create_user(
        email=form_data["email"],
        name=form_data["name"],
        password=form_data["password"],
        role=Role.enterprise,
        phone=form_data["phone"],
        enterprise=enterprise,
        locale=locale,
    )
    if joining:
        _request_to_join(user, enterprise)
    return user


def is_join_request(user: User) -> bool:
    """A person waiting to act for a firm that already has verified accounts."""
    return (
        user.role == Role.enterprise
        and user.verification == Verification.pending
        and user.enterprise is not None
        and user.enterprise.verification == Verification.verified
    )


def join_requests(enterprise: Enterprise) -> list[User]:
    """Who waits to join the firm, oldest first."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.enterprise_id == enterprise.id,
                User.role == Role.enterprise,
                User.verification == Verification.pending,
                User.is_deactivated.is_(False),
            )
            .order_by(User.created_dt, User.id)
        )
    )


def _request_to_join(user: User, enterprise: Enterprise):
    """Registering with a firm's code is a request the firm's verified account or staff decide;
    until then the person is a stranger to the firm's records (portal.core.permissions)."""
    from portal.core.permissions import acting_firm_users_query

    db.session.flush()
    log("enterprise.join_request", user, summary=f"{user.email} -> {enterprise.name}")
    if enterprise.verification == Verification.verified:
        notify(
            db.session.scalars(acting_firm_users_query([enterprise.id])),
            _l("%(name)s asks to act for your firm in the portal. Approve or refuse the request."),
            url="/account/firm/requests",
            name=user.name,
        )


def decide_join_request(user: User, *, by: User, approve: bool):
    """The firm's verified account (or staff) lets a colleague act for the firm, or refuses."""
    if not is_join_request(user):
        raise AccountError("not a join request")
    user.verification = Verification.verified if approve else Verification.rejected
    log(
        "enterprise.join_approve" if approve else "enterprise.join_reject",
        user,
        by=by,
        summary=user.enterprise.name,
    )
    if approve:
        notify(
            [user],
            _l("%(firm)s approved your request: you now act for the firm in the portal."),
            url="/",
            firm=user.enterprise.name,
        )
    else:
        notify(
            [user], _l("%(firm)s refused your request to act for it."), firm=user.enterprise.name
        )
    visibility_changed("account", user=user)


def register_lawyer(
    *, form_data: dict, specialities: list[LegalCategory], locale: str | None = None
) -> User:
    if db.session.scalar(
        select(LawyerProfile.user_id).where(
            LawyerProfile.certificate_no == form_data["certificate_no"]
        )
    ):
        raise AccountError("certificate")
    user = create_user(
        email=form_data["email"],
        name=form_data["name"],
        password=form_data["password"],
        role=Role.lawyer,
        phone=form_data["phone"],
        locale=locale,
    )
    user.lawyer_profile = LawyerProfile(
        law_firm=form_data["law_firm"],
        certificate_no=form_data["certificate_no"],
        industries="".join(sorted(form_data["industries"])),
        weekly_capacity=form_data["weekly_capacity"],
        specialities=specialities,
    )
    return user


def verify_user(user: User, *, by: User, approve: bool, note: str = ""):
    """Staff approve or reject a registration; approving a firm's first user verifies the firm too."""
    status = Verification.verified if approve else Verification.rejected
    user.verification = status
    log("user.verify" if approve else "user.reject", user, by=by, summary=note)
    if approve:
        notify(
            [user],
            _l("Your registration is verified: every service of the portal is open to you."),
            url="/",
        )
    elif note:
        notify([user], _l("Your registration was not approved: %(note)s"), note=note)
    else:
        notify([user], _l("Your registration was not approved. Please contact the federation."))
    enterprise = user.enterprise
    if enterprise is not None and enterprise.verification == Verification.pending:
        enterprise.verification = status
        enterprise.verified_by_id, enterprise.verified_dt = by.id, utcnow()
        log(
            "enterprise.verify" if approve else "enterprise.reject", enterprise, by=by, summary=note
        )
    visibility_changed("account", user=user)


def set_deactivated(user: User, *, by: User, deactivated: bool):
    user.is_deactivated = deactivated
    if deactivated:
        revoke_sessions(user)
    log("user.deactivate" if deactivated else "user.reactivate", user, by=by)
    visibility_changed("account", user=user)


def change_password(user: User, new_password: str):
    user.password_hash = hash_password(new_password)
    revoke_sessions(user)
    log("user.password_change", user, by=user)


def update_profile(user: User, *, name: str, phone: str, locale: str):
    user.name, user.phone, user.locale = name, phone or "", locale
    log("user.profile_update", user, by=user)


def update_enterprise(
    enterprise: Enterprise,
    *,
    by: User,
    industry,
    size_class,
    chambers,
    address,
    contact_name,
    contact_phone,
):
    enterprise.industry, enterprise.size_class = industry, size_class
    enterprise.chambers = chambers
    enterprise.address = address or ""
    enterprise.contact_name, enterprise.contact_phone = contact_name, contact_phone
    log("enterprise.update", enterprise, by=by, summary=enterprise.name)


def correct_enterprise_identity(enterprise: Enterprise, *, by: User, name: str, uscc: str):
    """Staff correct a firm's name or code (the old values stay in the audit log)."""
    clash = db.session.scalar(
        select(Enterprise.id).where(Enterprise.uscc == uscc, Enterprise.id != enterprise.id)
    )
    if clash is not None:
        raise AccountError("uscc taken")
    if (name, uscc) != (enterprise.name, enterprise.uscc):
        log(
            "enterprise.identity",
            enterprise,
            by=by,
            summary=f"{enterprise.name} {enterprise.uscc} -> {name} {uscc}",
            data={"old": [enterprise.name, enterprise.uscc], "new": [name, uscc]},
        )
        enterprise.name, enterprise.uscc = name, uscc


def set_locale(user: User, locale: str):
    """The user's language for pages and notifications (a preference: not audited)."""
    user.locale = locale


def update_lawyer_profile(
    profile: LawyerProfile, *, by: User, law_firm, industries, specialities, weekly_capacity, bio
):
    profile.law_firm = law_firm
    profile.industries = "".join(sorted(industries))
    profile.specialities = specialities
    profile.weekly_capacity = weekly_capacity
    profile.bio = bio or ""
    log("lawyer.profile_update", profile.user, by=by)


def find_enterprises(query: str, limit: int = 20) -> list[Enterprise]:
    """Firms whose name contains `query`, or whose unified social credit code is `query`."""
    query = (query or "").strip()
    if not query:
        return []
    stmt = (
        select(Enterprise)
        .where(
            (Enterprise.uscc == query.upper()) | Enterprise.name.contains(query, autoescape=True)
        )
        .order_by(Enterprise.name)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def declare_conflict(
    profile: LawyerProfile, enterprise: Enterprise, *, reason: str, by: User
) -> LawyerConflict:
    """The lawyer must not advise this firm; routing skips them for its questions and cases."""
    if profile.has_conflict_with(enterprise.id):
        raise AccountError("already declared")
    conflict = LawyerConflict(lawyer=profile, enterprise=enterprise, reason=reason or "")
    db.session.add(conflict)
    log("lawyer.conflict_declare", conflict, by=by, summary=f"{enterprise.name} {reason or ''}")
    db.session.flush()
    visibility_changed("conflict", lawyer_id=profile.user_id, enterprise_id=enterprise.id)
    return conflict


def remove_conflict(conflict: LawyerConflict, *, by: User):
    log("lawyer.conflict_remove", conflict, by=by, summary=conflict.enterprise.name)
    lawyer_id, enterprise_id = conflict.lawyer_id, conflict.enterprise_id
    conflict.lawyer.conflicts.remove(conflict)
    db.session.delete(conflict)
    db.session.flush()
    visibility_changed("conflict", lawyer_id=lawyer_id, enterprise_id=enterprise_id)
