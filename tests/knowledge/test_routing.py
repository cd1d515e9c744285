"""Routing: industry, category, weekly capacity, declared conflicts, pool or direct, reasons."""

from sqlalchemy import select

from knowledge import operations
from knowledge.models import QuestionStatus, RoutingDecision, RoutingMode
from knowledge.routing import consider, matching_lawyers
from portal.accounts.models import LawyerConflict
from portal.notifications.models import Notification
from tests.fixtures.knowledge import category


def test_only_lawyers_serving_the_firms_industry_match(create_lawyer, create_question):
    builder = create_lawyer(industries="E", specialities=("contract",))
    maker = create_lawyer(industries="CE", specialities=("contract",))
    question = create_question(submit=False)  # firm in industry C
    assert matching_lawyers(question) == [maker]
    reasons = {c.lawyer.id: c.reasons for c in consider(question)}
    assert any("C" in r for r in reasons[builder.id])


def test_only_lawyers_taking_the_category_match(create_lawyer, create_question):
    create_lawyer(industries="C", specialities=("employment",))
    contract_lawyer = create_lawyer(industries="C", specialities=("contract", "tax"))
    question = create_question(submit=False)
    assert matching_lawyers(question) == [contract_lawyer]


def test_lawyer_with_no_weekly_capacity_left_is_skipped(
    create_lawyer, create_question, create_enterprise_user
):
    busy = create_lawyer(industries="C", specialities=("contract",), weekly_capacity=1)
    first = create_question()
    operations.claim(first, busy)
    second = create_question(submit=False)
    assert busy not in matching_lawyers(second)
    assert any(
        "capacity" in r or "容量" in r
        for c in consider(second)
        if c.lawyer == busy
        for r in c.reasons
    )


def test_lawyer_with_conflict_never_sees_question(
    client, login, create_lawyer, create_question, create_enterprise_user, db_session
):
    conflicted = create_lawyer(industries="C", specialities=("contract",))
    other = create_lawyer(industries="C", specialities=("contract",))
    asker = create_enterprise_user()
    conflicted.lawyer_profile.conflicts.append(LawyerConflict(enterprise_id=asker.enterprise_id))
    db_session.flush()
    question = create_question(asker=asker)
    assert {o.lawyer_id for o in question.offers} == {other.id}
    login(conflicted)
    assert question.title not in client.get("/questions/queue").get_data(as_text=True)
    assert client.get(f"/questions/{question.id}").status_code == 403
    assert client.post(f"/questions/{question.id}/claim").status_code == 403


def test_pool_rule_offers_to_every_match(create_lawyer, create_question):
    lawyers = [create_lawyer(industries="C", specialities=("contract",)) for _ in range(3)]
    question = create_question()
    assert question.status == QuestionStatus.pool
    assert {o.lawyer_id for o in question.offers} == {lawyer.id for lawyer in lawyers}
    assert question.lawyer_id is None


def test_direct_rule_assigns_the_best_match(create_lawyer, create_question, dummy_staff):
    operations.save_routing_rule(category("contract"), RoutingMode.direct.value, 5, dummy_staff)
    small = create_lawyer(industries="C", specialities=("contract",), weekly_capacity=2)
    large = create_lawyer(industries="C", specialities=("contract",), weekly_capacity=9)
    question = create_question()
    assert question.status == QuestionStatus.assigned
    assert question.lawyer == large
    assert question.deadline_days == 5
    assert small.id != question.lawyer_id


def test_every_routing_decision_is_recorded_with_reasons(
    db_session, create_lawyer, create_question
):
    create_lawyer(industries="C", specialities=("contract",))
    create_lawyer(industries="A", specialities=("tax",))
    question = create_question()
    decision = db_session.scalar(
        select(RoutingDecision).where(RoutingDecision.question_id == question.id)
    )
    assert decision.mode == "pool"
    assert decision.matched == 1
    assert len(decision.considered) == 2
    assert all(entry["reasons"] for entry in decision.considered)


def test_staff_are_told_at_once_when_no_lawyer_matches(db_session, create_question, dummy_staff):
    question = create_question(category="bankruptcy")
    assert question.status == QuestionStatus.submitted
    note = db_session.scalar(select(Notification).where(Notification.user_id == dummy_staff.id))
    assert note is not None and question.title in note.text
