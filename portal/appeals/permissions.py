"""Who may see and do what in appeals (used by views and templates alike)."""

from flask import has_request_context, request
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.db import db
from portal.core.permissions import is_staff, is_verified


def is_active_verified(user) -> bool:
    """The house rule: only an active (not deactivated), verified account acts in the portal;
    for an enterprise account its firm must be verified too (User.is_verified)."""
    return bool(is_verified(user) and not user.is_deactivated)


def firm_of(user) -> int | None:
    """The firm this account acts for, or None (pending, rejected, deactivated, not a firm)."""
    if is_active_verified(user) and user.role == Role.enterprise:
        return user.enterprise_id
    return None


def acts_for_firm(user, enterprise_id) -> bool:
    """The one rule for a firm's items: never a comparison of enterprise ids alone."""
    return enterprise_id is not None and firm_of(user) == enterprise_id


def acting_firm_users(enterprise) -> list:
    """The accounts that act for the firm (the ones told about its items)."""
    if enterprise is None:
        return []
    return [u for u in enterprise.users if firm_of(u) == enterprise.id]


def organisation_id_of(user) -> int | None:
    """The organisation the user acts for. Read once a request for each user (an item's page
    asked it for each of its rules, a statement each time); outside a request, on every call."""
    if not (user and user.is_authenticated):
        return None
    memo = getattr(request, "_appeals_organisation_of", None) if has_request_context() else None
    if memo is not None and user.id in memo:
        return memo[user.id]
    from portal.appeals.models import AppealOrganisationMember

    organisation_id = db.session.scalar(
        select(AppealOrganisationMember.organisation_id).where(
            AppealOrganisationMember.user_id == user.id
        )
    )
    if has_request_context():
        if memo is None:
            memo = request._appeals_organisation_of = {}
        memo[user.id] = organisation_id
    return organisation_id


def forget_organisation_of(user_id: int) -> None:
    """A membership added or removed: the request reads the user's organisation again."""
    if has_request_context():
        getattr(request, "_appeals_organisation_of", {}).pop(user_id, None)


def is_bureau(user) -> bool:
    return is_verified(user, Role.bureau_coordinator)


def is_leadership(user) -> bool:
    return is_verified(user, Role.leadership)


def is_department_handler(user) -> bool:
    return is_verified(user, Role.department_handler)


def is_handler_of(user, referral) -> bool:
    """A department handler acting for the organisation the item is currently assigned to."""
    return (
        is_department_handler(user)
        and referral.organisation_id is not None
        and organisation_id_of(user) == referral.organisation_id
    )


def is_referral_firm_user(user, referral) -> bool:
    return acts_for_firm(user, referral.enterprise_id)


def can_manage_referrals(user, referral=None) -> bool:
    return is_staff(user)


def can_distribute(user, referral=None) -> bool:
    return is_staff(user) or is_bureau(user)


def can_view_referral(user, referral) -> bool:
    if is_staff(user) or is_bureau(user) or is_referral_firm_user(user, referral):
        return True
    if is_handler_of(user, referral):
        return True
    if is_leadership(user):
        return bool(referral.tier and referral.tier >= 2) or referral.route == "escalated"
    # The lawyer who referred a finding or question keeps sight of it.
    return is_verified(user, Role.lawyer) and referral.created_by_id == user.id


def can_record_register_update(user, referral) -> bool:
    return is_staff(user)


def can_department_act(user, referral) -> bool:
    return is_handler_of(user, referral)


def can_record_progress(user, referral) -> bool:
    return is_staff(user) or is_handler_of(user, referral)


def can_evaluate(user, referral) -> bool:
    """The firm itself online, or staff recording the evaluation taken by 谈/报/评."""
    return is_staff(user) or is_referral_firm_user(user, referral)


can_answer_revisit = can_evaluate


def can_close(user, referral) -> bool:
    return is_staff(user)


def can_refer(user) -> bool:
    return is_staff(user) or is_verified(user, Role.lawyer)


def can_see_ledger(user) -> bool:
    return is_staff(user) or is_bureau(user) or is_leadership(user)


def can_manage_organisations(user) -> bool:
    return is_staff(user)


def can_manage_meetings(user) -> bool:
    return is_staff(user)


def can_view_meetings(user) -> bool:
    return is_staff(user) or is_bureau(user) or is_leadership(user)


def can_edit_plan(user, referral) -> bool:
    return is_staff(user)


def can_view_plan(user, referral) -> bool:
    return can_view_referral(user, referral)


def can_tick_milestone(user, referral) -> bool:
    return is_staff(user) or is_bureau(user) or is_handler_of(user, referral)
