"""The house's figures for the statistics page (registered in portal.home.hooks)."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import Enterprise, Role, User
from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.reference import industry_name


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def account_statistics(start, end) -> dict:
    """Registrations, verifications and log-ins between start and end (naive UTC, end exclusive)."""
    registered = select(Enterprise.id).where(
        Enterprise.created_dt >= start, Enterprise.created_dt < end
    )
    by_industry = db.session.execute(
        select(Enterprise.industry, func.count())
        .where(Enterprise.created_dt >= start, Enterprise.created_dt < end)
        .group_by(Enterprise.industry)
        .order_by(func.count().desc(), Enterprise.industry)
    ).all()
    new_users = {
        role: _count(
            select(User.id).where(
                User.role == role, User.created_dt >= start, User.created_dt < end
            )
        )
        for role in Role
    }
    return {
        _("Enterprises registered"): _count(registered),
        _("Enterprises verified"): _count(
            select(Enterprise.id).where(
                Enterprise.verified_dt >= start, Enterprise.verified_dt < end
            )
        ),
        _("Volunteer lawyers registered"): new_users[Role.lawyer],
        _("Enterprise users registered"): new_users[Role.enterprise],
        _("Log-ins"): _count(
            select(AuditEntry.id).where(
                AuditEntry.action == "user.login",
                AuditEntry.created_dt >= start,
                AuditEntry.created_dt < end,
            )
        ),
        _("Enterprises registered, by industry"): {
            f"{code} {industry_name(code)}": n for code, n in by_industry
        },
    }
