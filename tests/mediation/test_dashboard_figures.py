"""The dashboard's figures are counted by the database, as they were counted case by case;
the overdue list comes a page at a time."""

import re
from datetime import timedelta
from decimal import Decimal

from mediation import views
from mediation.models import CaseStatus, MemberRole
from mediation.stats import (
    case_stats,
    case_stats_by_committee,
    committee_headlines,
    portal_stats,
)
from portal.core import clock
from portal.core.db import db, utcnow
from tests.fixtures.queries import counted_statements


def test_figures_by_status_type_month_amount_and_duration(
    create_committee, create_mediator, create_case
):
    committee, other = create_committee(), create_committee()
    create_mediator(committee, role=MemberRole.director)
    create_mediator(other, role=MemberRole.director)
    agreed = create_case(committee, status=CaseStatus.agreement_reached, amount=Decimal("1000.50"))
    # Archived after an agreement: counted as one.
    archived = create_case(committee, status=CaseStatus.archived, amount=Decimal("20.25"))
    failed = create_case(committee, status=CaseStatus.failed, amount=None)
    running = create_case(committee, status=CaseStatus.in_mediation)
    create_case(other, status=CaseStatus.failed)
    # 31 March 17:00 UTC is 1 April in Beijing: the month of application is April.
    agreed.applied_dt = clock.utc(2026, 3, 31, 17, 0)
    archived.applied_dt = clock.utc(2026, 3, 31, 15, 0)
    failed.applied_dt = running.applied_dt = clock.utc(2026, 5, 2, 1, 0)
    agreed.accepted_dt, agreed.closed_dt = clock.utc(2026, 4, 1, 0), clock.utc(2026, 4, 11, 12)
    failed.accepted_dt, failed.closed_dt = clock.utc(2026, 5, 2, 0), clock.utc(2026, 5, 3, 0)
    archived.accepted_dt, archived.closed_dt = clock.utc(2026, 4, 1, 0), clock.utc(2026, 4, 7, 0)
    running.due_dt = utcnow() - timedelta(days=1)
    db.session.flush()

    f = case_stats(committee_id=committee.id)
    assert (f["total"], f["open"], f["overdue"], f["agreed"]) == (4, 1, 1, 2)
    assert f["success_rate"] == 66.7
    assert f["average_duration_days"] == 5.8  # (10.5 + 1 + 6) / 3, rounded
    assert f["amount_total"] == Decimal("121020.75") and f["amount_agreed"] == Decimal("1020.75")
    assert str(f["amount_agreed"]) == "1020.75"
    assert f["by_month"] == [("2026-03", 1), ("2026-04", 1), ("2026-05", 2)]
    assert sum(n for _label, n in f["by_type"]) == 4
    assert dict((str(label), n) for label, n in f["outcomes"])[str(f["outcomes"][0][0])] == 2
    by_committee = case_stats_by_committee()
    assert by_committee[committee.id] == f
    assert by_committee[other.id]["total"] == 1 and by_committee[None]["total"] == 0
    assert portal_stats(None, None)["cases"] == 5
    # The dashboard's row of each committee: the same figures, nothing else worked out.
    headlines = committee_headlines()
    for committee_id in (committee.id, other.id, None):
        assert headlines[committee_id] == {
            key: by_committee[committee_id][key] for key in headlines[committee_id]
        }
    assert set(headlines[committee.id]) == {
        "total",
        "open",
        "overdue",
        "agreed",
        "success_rate",
        "average_duration_days",
    }
    assert headlines[committee.id]["success_rate"] == 66.7


def test_the_dashboard_counts_in_a_few_statements_and_overdue_cases_come_a_page_at_a_time(
    client, login, dummy_staff, create_committee, create_mediator, create_case, monkeypatch
):
    committee = create_committee()
    create_mediator(committee, role=MemberRole.director)
    cases = [create_case(committee, status=CaseStatus.in_mediation) for _ in range(5)]
    for n, case in enumerate(cases):
        case.due_dt = utcnow() - timedelta(days=10 - n)
    db.session.flush()
    login(dummy_staff)
    with counted_statements() as statements:
        dashboard = client.get("/mediation/dashboard")
    assert dashboard.status_code == 200
    assert len(statements) < 15
    # The committee's row: cases, open, overdue, success rate, average duration.
    row = re.search(
        rf">{re.escape(committee.name)}</a></th>(.*?)</tr>", dashboard.get_data(as_text=True)
    ).group(1)
    assert re.findall(r'<td class="text-end">([^<]*)</td>', row) == ["5", "5", "5", "—", "—"]

    monkeypatch.setattr(views, "PER_PAGE", 2)
    page = client.get("/mediation/overdue").get_data(as_text=True)
    shown = [int(i) for i in re.findall(r'href="/mediation/cases/(\d+)"', page)]
    assert shown == [cases[0].id, cases[1].id]  # most overdue first
    assert "5" in re.search(r"<caption>([^<]*)</caption>", page).group(1)
    after = re.search(r'href="([^"]*after=\d+[^"]*)"', page.replace("&amp;", "&")).group(1)
    page2 = client.get(after).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'href="/mediation/cases/(\d+)"', page2)] == [
        cases[2].id,
        cases[3].id,
    ]
