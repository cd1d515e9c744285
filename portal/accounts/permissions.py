"""Who may see and change accounts and enterprises."""

from portal.core.permissions import acts_for_firm, is_staff


def can_manage_accounts(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_view_enterprise(user, enterprise) -> bool:
    return is_staff(user) or acts_for_firm(user, enterprise.id)


def can_decide_join_request(user, applicant) -> bool:
    """Staff, or a verified account of the firm the applicant wants to join."""
    return is_staff(user) or acts_for_firm(user, applicant.enterprise_id)


def can_see_join_requests(user, enterprise) -> bool:
    return is_staff(user) or acts_for_firm(user, enterprise.id)


def can_edit_enterprise(user, enterprise) -> bool:
    return can_view_enterprise(user, enterprise)


def can_declare_conflicts(user) -> bool:
    """Lawyers keep their own list of firms they must not advise."""
    return bool(user.is_authenticated and user.lawyer_profile is not None)


def can_remove_conflict(user, conflict) -> bool:
    return bool(user.is_authenticated and conflict.lawyer_id == user.id)
