"""Helpers every package's permissions.py builds on."""

from flask import abort
from flask_login import current_user

from portal.accounts.models import Role


def require(allowed: bool):
    """403 unless allowed; use after loading the object so unknown ids stay 404."""
    if not allowed:
        abort(403)


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def is_verified(user, *roles) -> bool:
    return bool(
        user and user.is_authenticated and user.is_verified and (not roles or user.role in roles)
    )


def is_verified_enterprise_user(user) -> bool:
    return is_verified(user, Role.enterprise)


def is_verified_lawyer(user) -> bool:
    return is_verified(user, Role.lawyer)


def current():
    return current_user
