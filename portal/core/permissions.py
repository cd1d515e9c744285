"""Helpers every package's permissions.py builds on.

The house rule (issue 11): only an active, verified account acts in the portal. Pending,
rejected and deactivated accounts see their own profile and status, nothing else; for a firm's
records that means `acts_for_firm`, never a comparison of enterprise ids alone.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import Enterprise, Role, User, Verification


def require(allowed: bool):
    """403 unless allowed; use after loading the object so unknown ids stay 404."""
    if not allowed:
        abort(403)


def is_active_verified(user) -> bool:
    """Logged in, not deactivated, verified (an enterprise account: its firm verified too)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and not user.is_deactivated
        and user.is_verified
    )


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff and not user.is_deactivated)


def is_verified(user, *roles) -> bool:
    return is_active_verified(user) and (not roles or user.role in roles)


def is_verified_enterprise_user(user) -> bool:
    return is_verified(user, Role.enterprise)


def is_verified_lawyer(user) -> bool:
    return is_verified(user, Role.lawyer)


def firm_of(user) -> int | None:
    """The firm this account acts for, or None (pending, rejected, deactivated, not a firm)."""
    if is_verified_enterprise_user(user) and user.enterprise_id is not None:
        return user.enterprise_id
    return None


def acts_for_firm(user, enterprise_id) -> bool:
    """The one rule every package uses for a firm's records."""
    return enterprise_id is not None and firm_of(user) == enterprise_id


def acts_as_user(user, user_id) -> bool:
    """A record naming a person (an applicant, a party) is theirs only while they are verified."""
    return user_id is not None and is_active_verified(user) and user.id == user_id


def acting_firm_users_query(enterprise_ids):
    """A select of the accounts that act for these firms (for notifications and lists)."""
    return (
        select(User)
        .join(Enterprise, User.enterprise_id == Enterprise.id)
        .where(
            User.enterprise_id.in_(list(enterprise_ids)),
            User.role == Role.enterprise,
            User.verification == Verification.verified,
            User.is_deactivated.is_(False),
            Enterprise.verification == Verification.verified,
        )
        .order_by(User.id)
    )


def current():
    return current_user
