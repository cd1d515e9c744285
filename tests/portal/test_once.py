"""A form submitted twice makes one record (issue 12 §4): create forms carry a one-time token."""

import re

from sqlalchemy import func, select

from knowledge.models import Question, RoutingDecision
from mediation.models import Case
from portal.appeals.models import AppealReferral
from portal.checkups.models import Checkup
from portal.core import clock
from portal.core.db import db
from portal.core.models import FormSubmission
from portal.counsel.models import CounselRequest, CounselService
from tests.fixtures.knowledge import category

TOKEN = re.compile(r'name="submission_token"[^>]*value="([0-9a-f]{32})"')


def rendered_token(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_twice(client, url, data, model):
    """The same rendered form sent twice: one record, both answers lead to it."""
    data = {**data, "submission_token": rendered_token(client, url)}
    before = count(model)
    first = client.post(url, data=data)
    assert first.status_code == 302, first.get_data(as_text=True)
    again = client.post(url, data=data)
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert count(model) == before + 1
    return first


def question_form(**overrides):
    return {
        "title": "供应商迟迟不交货能否解除合同",
        "body": "合同约定3月底前交货，现在5月了还没交货。",
        "category": str(category("contract").id),
        "urgency": "normal",
        "submit": "1",
        **overrides,
    }


def test_a_question_sent_twice_is_asked_once(client, login, dummy_enterprise_user, matching_lawyer):
    login(dummy_enterprise_user)
    decisions = count(RoutingDecision)
    post_twice(client, "/questions/ask", question_form(), Question)
    assert count(RoutingDecision) == decisions + 1
    page = client.get("/questions/mine").get_data(as_text=True)
    assert page.count("供应商迟迟不交货能否解除合同") == 1


def test_two_forms_rendered_separately_make_two_questions(
    client, login, dummy_enterprise_user, matching_lawyer
):
    login(dummy_enterprise_user)
    before = count(Question)
    for _ in range(2):
        token = rendered_token(client, "/questions/ask")
        response = client.post(
            "/questions/ask", data={**question_form(), "submission_token": token}
        )
        assert response.status_code == 302
    assert count(Question) == before + 2


def test_a_form_whose_first_submission_failed_can_be_sent_again(
    client, login, dummy_enterprise_user, matching_lawyer
):
    login(dummy_enterprise_user)
    token = rendered_token(client, "/questions/ask")
    refused = client.post(
        "/questions/ask", data={**question_form(title=""), "submission_token": token}
    )
    assert refused.status_code == 200
    sent = client.post("/questions/ask", data={**question_form(), "submission_token": token})
    assert sent.status_code == 302


def test_another_user_cannot_reuse_a_claimed_token(
    app, client, login, dummy_enterprise_user, create_enterprise_user, matching_lawyer
):
    login(dummy_enterprise_user)
    token = rendered_token(client, "/questions/ask")
    data = {**question_form(), "submission_token": token}
    assert client.post("/questions/ask", data=data).status_code == 302
    other = login(create_enterprise_user(), app.test_client())
    before = count(Question)
    assert other.post("/questions/ask", data=data).status_code == 400
    assert count(Question) == before


def test_a_tampered_token_is_a_form_error(client, login, dummy_enterprise_user, matching_lawyer):
    login(dummy_enterprise_user)
    before = count(Question)
    response = client.post("/questions/ask", data={**question_form(), "submission_token": "x'"})
    assert response.status_code == 200
    assert count(Question) == before


def test_a_mediation_application_sent_twice_is_one_case(
    client, login, dummy_committee, dummy_director, dummy_applicant
):
    dummy_applicant.enterprise.chambers = [dummy_committee.chamber]
    login(dummy_applicant)
    data = {
        "committee_id": dummy_committee.id,
        "title": "装修工程款纠纷",
        "category_id": "",
        "amount": "86000",
        "facts": "我司为对方装修门店，验收后尾款 8.6 万元未付。",
        "claims": "支付尾款",
        "respondent_kind": "enterprise",
        "respondent_name": "沈阳某餐饮管理有限公司",
        "respondent_phone": "024-22223333",
    }
    post_twice(client, "/mediation/apply", data, Case)


def test_a_checkup_booking_sent_twice_is_one_checkup(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    login(dummy_staff)
    data = {
        "enterprise": create_enterprise().id,
        "lawyers": [create_lawyer().id],
        "mode": "onsite",
        "address": "沈阳市沈河区北京街9号",
        "meeting_url": "",
        "day": "2031-03-04",
        "start_time": "09:00",
        "end_time": "11:00",
    }
    post_twice(client, "/checkups/new", data, Checkup)


def test_a_counsel_service_sent_twice_is_logged_once(client, login, dummy_counsel_group):
    group = dummy_counsel_group
    login(group.lawyers[0])
    data = {
        "enterprise": group.enterprises[1].id,
        "kind": "contract_review",
        "service_date": clock.today().isoformat(),
        "minutes": "90",
        "note": "审查采购合同。",
    }
    post_twice(client, f"/counsel/groups/{group.id}/services/new", data, CounselService)


def test_a_counsel_request_sent_twice_is_asked_once(
    client, login, dummy_counsel_group, firm_user_of
):
    group = dummy_counsel_group
    login(firm_user_of(group.enterprises[0]))
    data = {"title": "劳动合同续签", "body": "员工合同到期，是否必须续签？"}
    post_twice(client, "/counsel/ask", data, CounselRequest)


def test_an_appeal_referral_sent_twice_is_recorded_once(
    client, login, dummy_staff, dummy_enterprise
):
    login(dummy_staff)
    page = client.get("/appeals/new").get_data(as_text=True)
    category_value = re.search(r'name="category"[^>]*>\s*<option[^>]*value="([^"]+)"', page)
    data = {
        "enterprise": dummy_enterprise.id,
        "summary": "厂房租赁合同纠纷涉及行政审批",
        "details": "",
        "category": category_value.group(1),
        "register_ref": "",
        "register_url": "",
        "channel": "research_visit",
        "collected_by": "调研组 王敏",
        "collected_on": "",
        "meeting": "0",
    }
    post_twice(client, "/appeals/new", data, AppealReferral)


def test_editing_a_draft_through_the_question_form_claims_nothing(
    app, login, create_question, dummy_enterprise_user
):
    draft = create_question(asker=dummy_enterprise_user, submit=False)
    writer = login(dummy_enterprise_user, app.test_client())
    token = rendered_token(writer, f"/questions/{draft.id}/edit")
    data = {**question_form(title="改过两次", submit="", save_draft="1"), "submission_token": token}
    for _ in range(2):
        assert writer.post(f"/questions/{draft.id}/edit", data=data).status_code == 302
    assert draft.title == "改过两次"
    assert db.session.get(FormSubmission, token) is None
