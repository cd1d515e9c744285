"""The demo loaders: idempotent, and the appeal figures come out of the data in the city's shape."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.appeals import reports
from portal.appeals.demo import load as load_appeals
from portal.appeals.models import (
    AppealEvaluation,
    AppealMeeting,
    AppealOrganisationMember,
    AppealReferral,
    Channel,
    SolutionPlan,
)
from portal.core import clock
from portal.core.db import db
from portal.counsel import operations
from portal.counsel.demo import load as load_counsel
from portal.counsel.models import CounselGroup, CounselService
from portal.demo import load_core


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_loaders_are_idempotent_and_plausible(app, create_appeal_referral):
    with app.test_request_context():
        load_core(app)
        load_counsel(app)
        create_appeal_referral()  # another loader's referral must not stop the appeals demo
        load_appeals(app)
        groups, services = _count(CounselGroup), _count(CounselService)
        assert 15 <= groups <= 25 and services > 100
        for group in db.session.scalars(select(CounselGroup)):
            assert 1 <= len(group.current_members) <= 5
            assert all(m.enterprise.is_small_or_micro for m in group.current_members)
            assert all(operations.active_group_count(u.id) <= 3 for u in group.lawyers)
        f = reports.figures(clock.today() - timedelta(days=400), clock.today() - timedelta(days=1))
        assert (f["collected"], f["resolved"]) == (193, 171)
        assert (f["direct"], f["forwarded"], f["forwarded_done"]) == (79, 61, 51)
        assert (f["escalated"], f["escalated_done"]) == (53, 41)
        assert {r["key"] for r in f["by_channel"]} == set(Channel)
        assert {r["key"].value for r in f["by_tier"]} == {1, 2, 3}
        assert f["avg_score"] is not None and f["evaluations"] >= 160
        assert _count(AppealEvaluation, AppealEvaluation.satisfied.is_(False)) >= 1
        assert _count(AppealMeeting) == 7 and _count(SolutionPlan) >= 1
        assert _count(AppealReferral, AppealReferral.meeting_id.is_not(None)) >= 7
        handlers = _count(User, User.role == Role.department_handler)
        assert handlers == 12 and _count(AppealOrganisationMember) == 13
        month = reports.figures(*reports.month_bounds(clock.today().strftime("%Y-%m")))
        assert month["collected"] <= 193  # a month is a part of the year, computed from rows
        assert load_counsel(app) == "already loaded" and load_appeals(app) == "already loaded"
        assert _count(CounselGroup) == groups and _count(CounselService) == services
        assert _count(AppealReferral) == 194
