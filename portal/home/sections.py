"""The house's own cards on the home page (programme packages add theirs the same way)."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User, Verification
from portal.accounts.permissions import can_manage_accounts
from portal.core.db import db


def pending_verifications(user):
    """Staff: how many registrations wait for verification, the oldest first."""
    if not can_manage_accounts(user):
        return None
    waiting = select(User).where(
        User.verification == Verification.pending, User.is_deactivated.is_(False)
    )
    count = db.session.scalar(select(func.count()).select_from(waiting.subquery()))
    oldest = db.session.scalars(
        waiting.options(joinedload(User.enterprise)).order_by(User.created_dt).limit(5)
    )
    return {
        "title": _("Registrations awaiting verification"),
        "count": count,
        "items": [
            (
                f"{u.name} · {u.enterprise.name if u.enterprise else u.role_label}",
                url_for("accounts.staff_user", user_id=u.id),
            )
            for u in oldest
        ],
        "empty": _("No registration is waiting. Well done."),
        "link": (_("Review registrations"), url_for("accounts.staff_users", status="pending")),
    }


def lawyer_conflicts(user):
    """Lawyers: a reminder of the firms they declared they must not advise."""
    if user.role != Role.lawyer or user.lawyer_profile is None:
        return None
    return {
        "title": _("Firms you must not advise"),
        "count": len(user.lawyer_profile.conflicts),
        "items": [],
        "empty": _("Declare conflicts of interest so that you are never asked to advise them."),
        "link": (_("Manage conflicts"), url_for("accounts.profile", _anchor="conflicts")),
        "reference": True,
    }
