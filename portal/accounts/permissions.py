"""Who may see and change accounts and enterprises."""

from portal.accounts.models import Role


def can_manage_accounts(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_view_enterprise(user, enterprise) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or (user.role == Role.enterprise and user.enterprise_id == enterprise.id)


def can_edit_enterprise(user, enterprise) -> bool:
    return can_view_enterprise(user, enterprise)


def can_declare_conflicts(user) -> bool:
    """Lawyers keep their own list of firms they must not advise."""
    return bool(user.is_authenticated and user.lawyer_profile is not None)


def can_remove_conflict(user, conflict) -> bool:
    return bool(user.is_authenticated and conflict.lawyer_id == user.id)
