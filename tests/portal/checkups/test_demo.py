"""The demo loader: hundreds of check-ups of about 90 firms; running it twice changes nothing."""

from sqlalchemy import distinct, func, select

from portal.checkups.demo import load
from portal.checkups.models import Checkup, Finding, Status
from portal.core.db import db
from portal.demo import load_core


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(Checkup)),
        db.session.scalar(select(func.count()).select_from(Finding)),
    )


def test_demo_check_ups_are_plausible_and_idempotent(app, fake_escalation_target):
    load_core(app)
    load(app)
    checkups, findings = _counts()
    assert checkups >= 200
    examined = db.session.scalar(
        select(func.count(distinct(Checkup.enterprise_id))).where(
            Checkup.status == Status.acknowledged
        )
    )
    assert 80 <= examined <= 95
    assert findings > checkups
    upcoming = db.session.scalar(
        select(func.count()).select_from(Checkup).where(Checkup.status == Status.scheduled)
    )
    assert upcoming >= 1
    assert (
        len(fake_escalation_target) > 10
    )  # high findings turned into follow-ups where targets exist
    assert load(app) == "already loaded"
    assert _counts() == (checkups, findings)
