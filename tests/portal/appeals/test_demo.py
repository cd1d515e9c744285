"""The demo loaders: idempotent, and the appeal figures match the federation's report."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.appeals import reports
from portal.appeals.demo import load as load_appeals
from portal.core import clock
from portal.core.db import db
from portal.counsel import operations
from portal.counsel.demo import load as load_counsel
from portal.counsel.models import CounselGroup, CounselService
from portal.demo import load_core


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loaders_are_idempotent_and_plausible(app):
    with app.test_request_context():
        load_core(app)
        load_counsel(app)
        load_appeals(app)
        groups, services = _count(CounselGroup), _count(CounselService)
        assert 15 <= groups <= 25 and services > 100
        for group in db.session.scalars(select(CounselGroup)):
            assert 1 <= len(group.current_members) <= 5
            assert all(m.enterprise.is_small_or_micro for m in group.current_members)
            assert all(operations.active_group_count(u.id) <= 3 for u in group.lawyers)
        figures = reports.figures(clock.today() - timedelta(days=400), clock.today())
        assert (figures["collected"], figures["resolved"]) == (161, 103)
        assert figures["law_related_resolved"] == 45
        assert load_counsel(app) == "already loaded" and load_appeals(app) == "already loaded"
        assert _count(CounselGroup) == groups and _count(CounselService) == services
