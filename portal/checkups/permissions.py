"""Who may see and do what in checkups."""

from portal.accounts.models import Role
from portal.core.permissions import acts_for_firm, is_staff, is_verified


def _is_assigned(user, checkup) -> bool:
    return is_verified(user, Role.lawyer) and any(
        a.lawyer_id == user.id for a in checkup.assignments
    )


def can_view_checkup(user, checkup) -> bool:
    """Staff all; a lawyer the check-ups they are assigned to; a firm only its own."""
    if not (user and user.is_authenticated):
        return False
    if is_staff(user):
        return True
    if _is_assigned(user, checkup):
        return True
    return acts_for_firm(user, checkup.enterprise_id)


def can_see_report(user, checkup) -> bool:
    """The firm sees the report once delivered; lawyers and staff while it is written."""
    from portal.checkups.models import Status

    if not can_view_checkup(user, checkup):
        return False
    if user.role == Role.enterprise:
        return checkup.status in (Status.delivered, Status.acknowledged)
    return True


def can_manage_checkups(user) -> bool:
    return is_staff(user)


def can_schedule(user) -> bool:
    return is_staff(user)


def can_edit_findings(user, checkup) -> bool:
    from portal.checkups.operations import EDITABLE

    return bool(
        user
        and user.is_authenticated
        and _is_assigned(user, checkup)
        and checkup.status in EDITABLE
    )


def can_sign(user, checkup) -> bool:
    from portal.checkups.models import Status

    return bool(
        user
        and user.is_authenticated
        and _is_assigned(user, checkup)
        and checkup.status == Status.report_draft
        and any(a.lawyer_id == user.id and a.signed_dt is None for a in checkup.assignments)
    )


def can_follow_up(user, checkup) -> bool:
    return bool(user and user.is_authenticated and (is_staff(user) or _is_assigned(user, checkup)))


def can_use_checkups(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (is_staff(user) or user.role in (Role.lawyer, Role.enterprise))
    )
