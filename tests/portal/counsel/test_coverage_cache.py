"""The groups list's coverage figures are cached briefly and follow a change of a group at once."""

from datetime import timedelta

from flask import g

from portal.core import clock
from portal.core.db import db
from portal.counsel import operations
from portal.counsel.reports import COVERAGE_KEY, coverage


def _coverage_in_a_request(app):
    with app.test_request_context("/"):
        figures = coverage()
        g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return figures


def test_adding_a_firm_to_a_group_shows_in_the_coverage_at_once_despite_the_cache(
    app, memory_cache, dummy_staff, create_enterprise, create_lawyer
):
    with app.test_request_context("/"):
        group = operations.create_group(
            name="第一组",
            start_date=clock.today(),
            end_date=clock.today() + timedelta(days=365),
            enterprises=[create_enterprise(size_class="small")],
            lawyers=[create_lawyer()],
            by=dummy_staff,
        )
        db.session.commit()
    before = _coverage_in_a_request(app)
    assert memory_cache.get(COVERAGE_KEY) == before
    with app.test_request_context("/"):
        operations.add_member(group, create_enterprise(size_class="micro"), by=dummy_staff)
        db.session.commit()
    assert memory_cache.get(COVERAGE_KEY) is None  # dropped once the change was committed
    after = _coverage_in_a_request(app)
    assert after["covered"] == before["covered"] + 1, (before, after)
    assert after["eligible"] == before["eligible"] + 1
