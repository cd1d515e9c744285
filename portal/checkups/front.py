"""Check-ups on the public front page: firms examined."""

from sqlalchemy import func, select

from portal.checkups.models import Checkup, Status
from portal.core.db import db

EXAMINED = (Status.report_draft, Status.signed_off, Status.delivered, Status.acknowledged)


def firms_checked(start, end) -> int:
    """Distinct firms whose check-up took place in the period and reached a report."""
    return db.session.scalar(
        select(func.count(func.distinct(Checkup.enterprise_id))).where(
            Checkup.start_dt >= start, Checkup.start_dt < end, Checkup.status.in_(EXAMINED)
        )
    )
