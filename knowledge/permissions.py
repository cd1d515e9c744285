"""Who may see and do what with questions and knowledge-base articles."""

from portal.accounts.models import Role
from portal.core.permissions import is_staff, is_verified, is_verified_enterprise_user


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_firm_member(user, question) -> bool:
    """A verified user of the firm that asked."""
    return (
        is_verified_enterprise_user(user)
        and user.enterprise_id is not None
        and user.enterprise_id == question.enterprise_id
    )


def is_answering_lawyer(user, question) -> bool:
    return (
        is_verified(user, Role.lawyer)
        and question.lawyer_id is not None
        and question.lawyer_id == user.id
    )


def has_conflict(user, question) -> bool:
    profile = getattr(user, "lawyer_profile", None)
    return profile is not None and profile.has_conflict_with(question.enterprise_id)


def is_offered_to(user, question) -> bool:
    from knowledge.models import QuestionStatus

    if not is_verified(user, Role.lawyer) or has_conflict(user, question):
        return False
    if question.status == QuestionStatus.assigned:
        return question.lawyer_id == user.id
    if question.status == QuestionStatus.pool:
        # The question's offers, loaded once per request: a question page asks this three
        # times (may view, may claim, the claim button) and a claim once more.
        return any(offer.lawyer_id == user.id for offer in question.offers)
    return False


def can_ask(user) -> bool:
    return is_verified_enterprise_user(user)


def can_view_question(user, question) -> bool:
    from knowledge.models import QuestionStatus

    if not _authenticated(user):
        return False
    if question.status == QuestionStatus.draft:
        return user.id == question.asker_id
    if is_staff(user) or is_firm_member(user, question):
        return True
    if has_conflict(user, question):
        return False
    return is_answering_lawyer(user, question) or is_offered_to(user, question)


def can_edit_draft(user, question) -> bool:
    from knowledge.models import QuestionStatus

    return (
        question.status == QuestionStatus.draft
        and _authenticated(user)
        and user.id == question.asker_id
        and is_firm_member(user, question)
    )


def can_download_attachment(user, question) -> bool:
    return can_view_question(user, question)


def can_see_routing(user, question) -> bool:
    return is_staff(user)


def can_use_queue(user) -> bool:
    return is_verified(user, Role.lawyer)


def can_manage_questions(user) -> bool:
    return is_staff(user)
