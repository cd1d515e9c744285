"""A check-up finding (or any record with title, body and enterprise) becomes an ask-a-lawyer
question in the firm's name, routed like any other question."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Role, User, Verification
from portal.core.db import db
from portal.core.models import LegalCategory


def _asker(enterprise):
    """The firm's first verified, active account: the question is the firm's own."""
    if enterprise is None:
        return None
    return db.session.scalar(
        select(User)
        .where(
            User.enterprise_id == enterprise.id,
            User.role == Role.enterprise,
            User.verification == Verification.verified,
            User.is_deactivated.is_(False),
        )
        .order_by(User.id)
        .limit(1)
    )


def available(user, source) -> bool:
    """Check-up findings only (questions and counsel requests have their own ways to ask), for a
    firm with an account that can ask."""
    if getattr(source, "__tablename__", "") != "checkup_findings":
        return False
    return (
        bool(user and user.is_authenticated)
        and _asker(getattr(source, "enterprise", None)) is not None
    )


def escalate(source, by, **data):
    from knowledge import operations

    asker = _asker(source.enterprise)
    category = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "compliance"))
    category = category or db.session.scalar(
        select(LegalCategory).where(LegalCategory.code == "other")
    )
    body = "\n\n".join(
        part
        for part in (
            _("This question comes from a legal check-up finding."),
            getattr(source, "body", "") or "",
            data.get("note") or "",
        )
        if part
    )
    return operations.ask(
        asker=asker,
        title=(getattr(source, "title", "") or _("Question from a legal check-up"))[:200],
        body=body,
        category=category,
        urgency="normal",
        consent_to_publish=False,
    )
