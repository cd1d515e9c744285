"""Who may see and do what in counsel."""

from portal.accounts.models import Role
from portal.core.permissions import firm_of, is_staff, is_verified


def can_manage_groups(user) -> bool:
    return is_staff(user)


def is_current_counsel(user, group) -> bool:
    return is_verified(user, Role.lawyer) and any(
        seat.lawyer_id == user.id for seat in group.current_lawyer_seats
    )


def _firm_of(user):
    return firm_of(user)


def is_member_firm_user(user, group) -> bool:
    firm = _firm_of(user)
    return firm is not None and any(m.enterprise_id == firm for m in group.memberships)


def can_view_group(user, group) -> bool:
    if is_staff(user) or is_member_firm_user(user, group):
        return True
    return is_verified(user, Role.lawyer) and any(
        s.lawyer_id == user.id for s in group.lawyer_seats
    )


def can_log_service(user, group) -> bool:
    return group.is_active and is_current_counsel(user, group)


def can_view_service(user, service) -> bool:
    if is_staff(user) or service.lawyer_id == getattr(user, "id", None):
        return True
    if _firm_of(user) == service.enterprise_id:
        return True
    return is_current_counsel(user, service.group)


def can_answer_for_firm(user, service) -> bool:
    """Confirm or dispute: only a verified user of the very firm that was served."""
    firm = _firm_of(user)
    return firm is not None and firm == service.enterprise_id


def can_change_own_service(user, service) -> bool:
    return is_verified(user, Role.lawyer) and service.lawyer_id == user.id


def can_ask_counsel(user, group) -> bool:
    firm = _firm_of(user)
    return (
        group is not None
        and group.is_active
        and firm is not None
        and any(m.enterprise_id == firm for m in group.current_members)
    )


def can_view_request(user, counsel_request) -> bool:
    if is_staff(user) or _firm_of(user) == counsel_request.enterprise_id:
        return True
    return is_current_counsel(user, counsel_request.group)


def can_answer_request(user, counsel_request) -> bool:
    return is_current_counsel(user, counsel_request.group)


def can_close_request(user, counsel_request) -> bool:
    return is_staff(user) or _firm_of(user) == counsel_request.enterprise_id


def can_see_reports(user) -> bool:
    return is_staff(user)


def can_escalate_request(user, counsel_request) -> bool:
    """Staff or the firm's current counsel may pass a request on (e.g. to the appeal register)."""
    return is_staff(user) or is_current_counsel(user, counsel_request.group)
