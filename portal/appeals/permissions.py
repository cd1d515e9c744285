"""Who may see and do what in appeals."""

from portal.accounts.models import Role
from portal.core.permissions import acts_for_firm, is_staff, is_verified


def can_manage_referrals(user) -> bool:
    return is_staff(user)


def is_referral_firm_user(user, referral) -> bool:
    return acts_for_firm(user, referral.enterprise_id)


def can_view_referral(user, referral) -> bool:
    if is_staff(user) or is_referral_firm_user(user, referral):
        return True
    # The lawyer who referred a finding or question keeps sight of it.
    return is_verified(user, Role.lawyer) and referral.created_by_id == user.id


def can_record_register_update(user, referral) -> bool:
    return is_staff(user)


def can_answer_revisit(user, referral) -> bool:
    """Satisfied or not: the firm itself, or staff recording the firm's answer on the revisit."""
    return is_staff(user) or is_referral_firm_user(user, referral)


def can_refer(user) -> bool:
    return is_staff(user) or is_verified(user, Role.lawyer)


def can_see_ledger(user) -> bool:
    return is_staff(user)
