"""Fixtures of the appeal register: organisations, the new roles, items walked to a status."""

import pytest

from portal.accounts.models import Role
from portal.appeals.models import AppealOrganisation, AppealOrganisationMember, AppealStatus
from portal.appeals.workflow import transition
from portal.core.db import db


@pytest.fixture
def create_organisation():
    counter = iter(range(1, 10_000))

    def _create(name=None, kind="department"):
        org = AppealOrganisation(name=name or f"测试部门{next(counter)}", kind=kind)
        db.session.add(org)
        db.session.flush()
        return org

    return _create


@pytest.fixture
def create_handler(create_user, create_organisation):
    """create_handler(org=None) -> a department handler acting for org (a new one by default)."""

    def _create(organisation=None, role=Role.department_handler):
        organisation = organisation or create_organisation()
        user = create_user(role=role)
        db.session.add(AppealOrganisationMember(organisation=organisation, user=user))
        db.session.flush()
        return user

    return _create


@pytest.fixture
def bureau_user(create_user, create_organisation):
    user = create_user(role=Role.bureau_coordinator)
    db.session.add(
        AppealOrganisationMember(organisation=create_organisation("营商局", "bureau"), user=user)
    )
    db.session.flush()
    return user


@pytest.fixture
def leadership_user(create_user):
    return create_user(role=Role.leadership)


@pytest.fixture
def walk(app, dummy_staff, bureau_user, create_handler, create_enterprise_user):
    """walk(item, to) moves an item along the forwarded path with the right person at each step;
    returns the handler of the department it was distributed to."""
    from portal.appeals import operations

    def _walk(item, to, tier=1, route="forwarded", handler=None):
        handler = handler or create_handler()
        org = db.session.get(AppealOrganisation, _org_of(handler))
        firm = create_enterprise_user(enterprise=item.enterprise)
        path = [
            (AppealStatus.triaged, None),
            (AppealStatus.distributed, bureau_user),
            (AppealStatus.accepted, handler),
            (AppealStatus.handled, handler),
            (AppealStatus.reported_back, bureau_user),
            (AppealStatus.revisited, dummy_staff),
            (AppealStatus.satisfied, firm),
            (AppealStatus.closed, dummy_staff),
        ]
        if route == "direct":
            path = [path[0], (AppealStatus.handled, dummy_staff)] + path[5:]
        with app.test_request_context():
            for status, actor in path:
                if item.status == to:
                    break
                if status == AppealStatus.triaged:
                    operations.triage(item, by=dummy_staff, category=item.category.value,
                                      tier=tier, tier_reason="核实属实", route=route)  # fmt: skip
                elif status == AppealStatus.satisfied:
                    operations.record_evaluation(item, by=firm, method="portal", timeliness=5,
                                                 result=4, attitude=5, satisfied=True)  # fmt: skip
                else:
                    transition(item, status, actor, note="办理说明", organisation=org,
                               result="已协调解决")  # fmt: skip
        db.session.flush()
        return handler

    return _walk


def _org_of(user):
    from sqlalchemy import select

    return db.session.scalar(
        select(AppealOrganisationMember.organisation_id).where(
            AppealOrganisationMember.user_id == user.id
        )
    )
