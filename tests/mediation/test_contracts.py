"""What mediation offers other packages: escalation, search documents, principals, stats, links."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from knowledge.search.outbox import SearchOutbox
from mediation.models import CaseSource, CaseStatus
from portal.core.db import db
from portal.core.links import link_records, links_of

pytestmark = pytest.mark.usefixtures("request_context")


def test_escalation_creates_a_prefilled_application(
    app, dummy_committee, dummy_director, dummy_applicant
):
    dummy_applicant.enterprise.chambers = [dummy_committee.chamber]
    question = SimpleNamespace(
        title="对方拖欠租金怎么办",
        body="租赁合同到期后对方拖欠三个月租金。",
        enterprise=dummy_applicant.enterprise,
    )
    target = app.extensions["portal.escalation_targets"]["mediation"]
    assert target["available"](dummy_applicant, question)
    case = target["escalate"](question, dummy_applicant)
    assert case.source == CaseSource.question
    assert case.title == question.title
    assert case.facts == question.body
    assert case.committee_id == dummy_committee.id
    assert case.parties[0].enterprise_id == dummy_applicant.enterprise_id
    assert case.status == CaseStatus.applied


def test_escalation_is_unavailable_without_a_committee(app, create_enterprise_user):
    user = create_enterprise_user()
    question = SimpleNamespace(title="t", body="b", enterprise=user.enterprise)
    target = app.extensions["portal.escalation_targets"]["mediation"]
    assert not target["available"](user, question)


def test_search_document_carries_the_case_access(
    app, create_case, dummy_committee, dummy_mediator, dummy_applicant
):
    case = create_case(
        dummy_committee,
        status=CaseStatus.in_mediation,
        applicant_user=dummy_applicant,
        mediator_member=dummy_mediator,
    )
    source = app.extensions["portal.search_sources"]["mediation_case"]
    document = source["load"](case.id)
    assert "staff" in document["access"]
    assert f"committee_director:{dummy_committee.id}" in document["access"]
    assert f"user:{dummy_mediator.user_id}" in document["access"]
    assert f"enterprise:{dummy_applicant.enterprise_id}" in document["access"]
    assert "public" not in document["access"]
    assert source["load"](999999) is None
    queued = select(SearchOutbox).where(
        SearchOutbox.kind == "mediation_case", SearchOutbox.object_id == case.id
    )
    assert list(source["ids"]())
    assert case.id in list(source["ids"]())
    assert len(list(db.session.scalars(queued))) >= 1


def test_directors_hold_the_committee_director_principal(app, dummy_director, dummy_mediator):
    providers = app.extensions["portal.principal_providers"]
    held = set().union(*(p(dummy_director.user) for p in providers))
    assert f"committee_director:{dummy_director.committee_id}" in held
    held = set().union(*(p(dummy_mediator.user) for p in providers))
    assert f"committee_director:{dummy_director.committee_id}" not in held


def test_stats_count_outcomes(app, create_case, dummy_committee, dummy_mediator):
    create_case(dummy_committee, status=CaseStatus.archived)
    create_case(dummy_committee, status=CaseStatus.failed)
    create_case(dummy_committee, status=CaseStatus.in_mediation)
    figures = app.extensions["portal.stats"]["mediation"](None, None)
    assert figures["cases"] == 3
    assert figures["agreements"] == 1
    assert figures["success_rate"] == 50.0
    assert figures["open"] == 1


def test_links_describe_the_case(app, create_case, dummy_committee, dummy_mediator, dummy_case):
    other = create_case(dummy_committee)
    link_records(dummy_case, other, "related")
    (link,) = links_of(other)
    assert link["url"] == f"/mediation/cases/{dummy_case.id}"
