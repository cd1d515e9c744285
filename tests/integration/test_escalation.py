"""Packages meet through the registries: a question escalated to the programmes that exist."""

from sqlalchemy import select

from knowledge.models import Question
from mediation.models import Case
from portal.appeals.models import AppealReferral
from portal.core.db import db
from portal.core.links import links_of


def _asked(create_question, create_enterprise_user, create_enterprise, chamber):
    firm = create_enterprise(chambers=[chamber])
    asker = create_enterprise_user(enterprise=firm)
    return asker, create_question(asker=asker)


def test_question_escalated_to_chamber_mediation_is_linked_both_ways(
    client,
    login,
    create_question,
    create_enterprise_user,
    create_enterprise,
    create_chamber,
    create_committee,
):
    chamber = create_chamber()
    committee = create_committee(chamber=chamber)
    asker, question = _asked(create_question, create_enterprise_user, create_enterprise, chamber)
    login(asker)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert f"/questions/{question.id}/escalate/mediation" in page

    response = client.post(f"/questions/{question.id}/escalate/mediation", data={"note": "调解"})
    assert response.status_code == 302

    case = [link for link in links_of(question) if link["type"] == "mediation_cases"]
    assert len(case) == 1
    mediation_case = db.session.get(Case, case[0]["id"])
    assert mediation_case.committee_id == committee.id
    assert mediation_case.title == question.title
    assert any(
        link["type"] == "questions" and link["id"] == question.id
        for link in links_of(mediation_case)
    )
    assert question.status.value == "escalated"


def test_mediation_is_not_offered_when_the_firms_chamber_has_no_committee(
    client, login, create_question, create_enterprise_user, create_enterprise, create_chamber
):
    asker, question = _asked(
        create_question, create_enterprise_user, create_enterprise, create_chamber()
    )
    login(asker)
    assert client.post(f"/questions/{question.id}/escalate/mediation").status_code in (
        302,
        400,
        403,
    )
    assert not [link for link in links_of(question) if link["type"] == "mediation_cases"]


def test_staff_refer_a_question_to_the_appeal_register(
    client,
    login,
    dummy_staff,
    create_question,
    create_enterprise_user,
    create_enterprise,
    create_chamber,
):
    asker, question = _asked(
        create_question, create_enterprise_user, create_enterprise, create_chamber()
    )
    login(dummy_staff)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert f"/questions/{question.id}/escalate/appeal" in page
    client.post(f"/questions/{question.id}/escalate/appeal", data={"note": "需要政府部门协调"})
    with client.application.test_request_context():  # the link labels carry URLs
        referrals = [link for link in links_of(question) if link["type"] == "appeal_referrals"]
    assert len(referrals) == 1
    referral = db.session.get(AppealReferral, referrals[0]["id"])
    assert referral.enterprise_id == asker.enterprise_id
    assert (
        db.session.scalar(select(Question.status).where(Question.id == question.id)).value
        == "escalated"
    )


def test_a_firm_asking_its_counsel_gets_a_question_assigned_straight_to_them(
    client, login, dummy_counsel_group, firm_user_of
):
    group = dummy_counsel_group
    user = firm_user_of(group.enterprises[0])
    login(user)
    response = client.post("/counsel/ask", data={"title": "试用期辞退", "body": "如何合法辞退？"})
    question = db.session.scalar(select(Question).where(Question.title == "试用期辞退"))
    assert response.headers["Location"].endswith(f"/questions/{question.id}")
    assert question.status.value == "assigned"
    assert question.lawyer_id == group.lawyers[0].id
    assert question.enterprise_id == user.enterprise_id
    with client.application.test_request_context():  # the link labels carry URLs
        assert any(link["type"] == "counsel_requests" for link in links_of(question))


def test_counsel_with_a_declared_conflict_is_passed_over(
    client, login, dummy_counsel_group, firm_user_of, create_lawyer
):
    from portal.accounts.models import LawyerConflict

    group = dummy_counsel_group
    firm = group.enterprises[0]
    for lawyer in group.lawyers:
        db.session.add(
            LawyerConflict(lawyer_id=lawyer.id, enterprise_id=firm.id, reason="对方代理人")
        )
    db.session.flush()
    login(firm_user_of(firm))
    client.post("/counsel/ask", data={"title": "冲突回避测试", "body": "内容"})
    question = db.session.scalar(select(Question).where(Question.title == "冲突回避测试"))
    assert question.lawyer_id not in {lawyer.id for lawyer in group.lawyers}
