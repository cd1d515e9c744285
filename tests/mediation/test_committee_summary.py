"""The committee page's figures come from grouped counts and agree with the full statistics."""

from datetime import timedelta

from mediation.models import CaseStatus, MemberRole
from mediation.stats import case_stats, case_summary
from portal.core.db import db, utcnow


def test_a_committees_open_overdue_and_success_figures_match_the_full_statistics(
    create_committee, create_mediator, create_case
):
    committee = create_committee()
    other = create_committee()
    create_mediator(committee, role=MemberRole.director)
    create_mediator(committee)
    create_mediator(other, role=MemberRole.director)
    create_mediator(other)
    statuses = [
        CaseStatus.applied,
        CaseStatus.in_mediation,
        CaseStatus.in_mediation,
        CaseStatus.agreement_reached,
        CaseStatus.return_visited,
        CaseStatus.failed,
        CaseStatus.withdrawn,
        CaseStatus.declined,
        CaseStatus.archived,  # keeps its agreement: counted as one
    ]
    cases = [create_case(committee, status=status) for status in statuses]
    cases[1].due_dt = utcnow() - timedelta(days=1)  # overdue
    cases[2].due_dt = utcnow() + timedelta(days=5)  # not yet
    create_case(other, status=CaseStatus.failed)  # another committee's case counts nowhere here
    db.session.flush()

    summary = case_summary(committee.id)
    full = case_stats(committee_id=committee.id)
    assert summary == {
        "open": full["open"],
        "overdue": full["overdue"],
        "success_rate": full["success_rate"],
    }
    assert summary == {"open": 3, "overdue": 1, "success_rate": 75.0}
    assert case_summary(other.id)["success_rate"] == 0.0
