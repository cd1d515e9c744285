"""Mediation on the public front page: disputes settled by agreement."""

from sqlalchemy import func, select

from mediation.models import Case, CaseStatus
from portal.core.db import db

SETTLED = (CaseStatus.agreement_reached, CaseStatus.return_visited, CaseStatus.archived)


def disputes_mediated(start, end) -> int:
    """Cases closed with an agreement in the period (still counted once archived)."""
    return db.session.scalar(
        select(func.count(Case.id)).where(
            Case.closed_dt >= start,
            Case.closed_dt < end,
            Case.status.in_(SETTLED),
        )
    )
