"""The overdue list walks the running cases' partial index by deadline, and its total is kept
briefly for each user (a director's is not staff's)."""

import re
from datetime import timedelta

from flask import g

from mediation.models import CaseStatus, MemberRole
from portal.core.db import db, utcnow
from tests.fixtures.queries import counted_statements

CAPTION = re.compile(r"<caption>([^<]*)</caption>")


def _overdue(committee, create_case, n):
    cases = [create_case(committee, status=CaseStatus.in_mediation) for _ in range(n)]
    for case in cases:
        case.due_dt = utcnow() - timedelta(days=3)
    db.session.flush()
    return cases


def _page(client):
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    response = client.get("/mediation/overdue")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_overdue_cases_are_read_from_the_running_cases_index_by_deadline(
    client, login, dummy_staff, create_committee, create_mediator, create_case
):
    committee = create_committee()
    create_mediator(committee)
    _overdue(committee, create_case, 2)
    login(dummy_staff)
    with counted_statements() as statements:
        _page(client)
    listed = [s for s in statements if "ORDER BY mediation_cases.due_dt" in s]
    assert len(listed) == 1
    # Written as literals, as the partial index's condition is: bound values would not match it.
    assert (
        "mediation_cases.status IN ('accepted', 'mediators_assigned', 'in_mediation')"
        in (listed[0])
    )
    if db.engine.dialect.name == "sqlite":
        # INDEXED BY fails ("no query solution") unless the statement's condition implies the
        # partial index's (a test's few rows give the planner no reason to choose it itself).
        forced = listed[0].replace(
            "FROM mediation_cases ",
            "FROM mediation_cases INDEXED BY ix_mediation_cases_running_due ",
            1,
        )
        plan = db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + forced, (utcnow().isoformat(" "), 26, 0)
        )
        details = " ".join(row[-1] for row in plan)
        assert "ix_mediation_cases_running_due" in details and "TEMP B-TREE" not in details


def test_the_overdue_total_is_kept_for_each_user(
    client, login, memory_cache, dummy_staff, create_committee, create_mediator, create_case
):
    mine, other = create_committee(), create_committee()
    director = create_mediator(mine, role=MemberRole.director).user
    create_mediator(other)
    _overdue(mine, create_case, 2)
    _overdue(other, create_case, 3)
    login(dummy_staff)
    assert "5" in CAPTION.search(_page(client)).group(1)
    client.post("/account/logout")
    login(director)
    # Their own committee's two, not staff's kept five.
    caption = CAPTION.search(_page(client)).group(1)
    assert "2" in caption and "5" not in caption
