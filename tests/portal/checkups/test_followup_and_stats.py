"""Follow-ups through other packages' escalation targets; statistics; home sections."""

import io

import pytest
from openpyxl import load_workbook

from portal.checkups import operations as ops
from portal.checkups.models import Checkup, Status
from portal.checkups.stats import breakdown, summary
from portal.core.db import db
from portal.core.links import links_of

pytestmark = pytest.mark.usefixtures("babel_request_ctx")


@pytest.fixture
def finding(started_checkup):
    checkup, firm_user, lawyers = started_checkup()
    found = ops.save_finding(
        checkup,
        lawyers[0],
        area_id=checkup.areas[4].id,
        level="high",
        facts="增值税专用发票取得不规范",
        legal_basis="[[税收征收管理法 第二十一条]]",
        recommendation="建立发票审核制度",
    )
    return found


def test_a_finding_becomes_a_follow_up_with_one_action_linked_both_ways(
    client, login, fake_escalation_target, finding
):
    checkup = finding.checkup
    login(checkup.lawyers[0])
    page = client.get(f"/checkups/{checkup.id}").get_data(as_text=True)
    assert f"/checkups/findings/{finding.id}/follow-up/question" in page
    response = client.post(f"/checkups/findings/{finding.id}/follow-up/question")
    assert response.status_code == 302
    record, body = fake_escalation_target[0]
    assert "增值税专用发票取得不规范" in record.summary
    assert checkup.enterprise.name in record.summary
    assert "建立发票审核制度" in body
    assert [link["id"] for link in links_of(finding)] == [record.id]
    assert [link["id"] for link in links_of(record)] == [finding.id]
    assert links_of(record)[0]["url"] == f"/checkups/{checkup.id}#f{finding.id}"
    assert finding.title in links_of(record)[0]["label"]
    assert summary()["follow_ups"] == 1


def test_an_unknown_or_unavailable_follow_up_is_refused(client, login, finding):
    login(finding.checkup.lawyers[0])
    response = client.post(
        f"/checkups/findings/{finding.id}/follow-up/nowhere", follow_redirects=True
    )
    assert response.status_code == 200
    assert links_of(finding) == []


def test_the_firm_cannot_escalate_findings(
    client, login, fake_escalation_target, finding, create_enterprise_user
):
    login(create_enterprise_user(enterprise=finding.checkup.enterprise))
    response = client.post(f"/checkups/findings/{finding.id}/follow-up/question")
    assert response.status_code == 403
    assert fake_escalation_target == []


def test_a_follow_up_check_up_is_scheduled_from_the_report(
    client, login, dummy_staff, started_checkup
):
    checkup, _firm, lawyers = started_checkup()
    login(dummy_staff)
    page = client.get(f"/checkups/new?follow_up_of={checkup.id}").get_data(as_text=True)
    assert f'value="{checkup.id}"' in page
    response = client.post(
        "/checkups/new",
        data={
            "follow_up_of": checkup.id,
            "enterprise": checkup.enterprise_id,
            "lawyers": [lawyer.id for lawyer in lawyers],
            "mode": "online",
            "meeting_url": "https://meeting.example/abc",
            "address": "",
            "day": "2034-02-06",
            "start_time": "09:00",
            "end_time": "10:00",
        },
    )
    assert response.status_code == 302
    follow = db.session.query(Checkup).filter_by(follow_up_of_id=checkup.id).one()
    assert [link["id"] for link in links_of(checkup)] == [follow.id]


def test_statistics_count_firms_findings_by_area_level_chamber_and_month(
    create_checkup, create_chamber, create_enterprise, create_lawyer, dummy_staff
):
    chamber = create_chamber(name="沈阳市测试商会")
    lawyer = create_lawyer()
    firm = create_enterprise(chambers=[chamber], address="沈阳市", industry="H")
    held = []
    for _ in range(2):  # the same firm twice: two check-ups, one firm examined
        checkup = create_checkup(enterprise=firm, lawyers=[lawyer])
        ops.transition(checkup, Status.confirmed, dummy_staff)
        ops.transition(checkup, Status.in_progress, dummy_staff)
        ops.save_finding(
            checkup, lawyer, area_id=checkup.areas[0].id, level="high", facts="股东会决议缺失"
        )
        held.append(checkup)
    create_checkup()  # scheduled only: not examined yet
    data = breakdown()
    assert data["summary"]["firms_examined"] == 1
    assert data["summary"]["checkups_held"] == 2
    assert data["summary"]["findings_high"] == 2
    row = next(r for r in data["by_chamber"] if r["key"] == "沈阳市测试商会")
    assert (row["checkups"], row["firms"], row["high"]) == (2, 1, 2)
    assert dict(data["by_area"])[held[0].areas[0].name]["high"] == 2
    months = {r["key"] for r in data["by_month"]}
    assert f"{ops.to_local(held[0].start_dt):%Y-%m}" in months


def test_two_chambers_of_one_name_are_two_rows_by_chamber(
    create_checkup, create_chamber, create_enterprise, create_lawyer, dummy_staff
):
    chambers = [create_chamber(name="餐饮商会"), create_chamber(name="餐饮商会")]
    for chamber in chambers:
        firm = create_enterprise(chambers=[chamber], address="沈阳市和平区青年大街1号")
        checkup = create_checkup(enterprise=firm, lawyers=[create_lawyer()])
        ops.transition(checkup, Status.confirmed, dummy_staff)
        ops.transition(checkup, Status.in_progress, dummy_staff)
    rows = {r["key"]: r["checkups"] for r in breakdown()["by_chamber"]}
    assert rows == {f"餐饮商会 ({chamber.code})": 1 for chamber in chambers}


def test_statistics_page_and_xlsx_export(client, login, dummy_staff, dummy_checkup):
    login(dummy_staff)
    assert client.get("/checkups/stats?start=2020-01-01&end=2040-12-31").status_code == 200
    assert client.get("/checkups/stats?start=rubbish").status_code == 200
    response = client.get("/checkups/stats.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 5


def test_statistics_are_for_staff_only(client, login, dummy_lawyer):
    login(dummy_lawyer)
    assert client.get("/checkups/stats").status_code == 403
    assert client.get("/checkups/stats.xlsx").status_code == 403


def test_stats_are_registered_for_the_dashboard(app):
    assert "checkups" in app.extensions["portal.stats"]
    assert set(app.extensions["portal.record_types"]) >= {"checkups", "checkup_findings"}


def test_home_sections_per_role(client, switch_login, started_checkup, dummy_staff):
    checkup, firm_user, lawyers = started_checkup()
    switch_login(lawyers[0])
    assert checkup.enterprise.name in client.get("/").get_data(as_text=True)
    switch_login(firm_user)
    assert checkup.enterprise.name in client.get("/").get_data(as_text=True)
    switch_login(dummy_staff)
    assert client.get("/").status_code == 200


def test_a_finding_becomes_an_ask_a_lawyer_question_in_the_firms_name(client, login, finding):
    from knowledge.models import Question, QuestionStatus

    checkup = finding.checkup
    login(checkup.lawyers[0])
    page = client.get(f"/checkups/{checkup.id}").get_data(as_text=True)
    assert f"/checkups/findings/{finding.id}/follow-up/question" in page
    assert "转为律师咨询" in page
    response = client.post(f"/checkups/findings/{finding.id}/follow-up/question")
    assert response.status_code == 302
    question = db.session.get(Question, links_of(finding)[0]["id"])
    assert question.enterprise_id == checkup.enterprise_id
    assert question.asker.enterprise_id == checkup.enterprise_id
    assert question.status != QuestionStatus.draft  # submitted and routed like any question
    assert "增值税专用发票取得不规范" in question.body and "法治体检" in question.body
    assert links_of(question)[0]["relation_label"] == "源自"
    from sqlalchemy import select

    from portal.audit.models import AuditEntry

    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.user_id == checkup.lawyers[0].id)
    ).all()
    assert "checkups.follow_up" in actions


def test_only_the_check_ups_lawyers_and_staff_turn_a_finding_into_a_question(
    client, login, finding, create_lawyer, create_enterprise_user
):
    from knowledge.models import Question

    before = db.session.query(Question).count()
    for outsider in (
        create_lawyer(),
        create_enterprise_user(enterprise=finding.checkup.enterprise),
    ):
        login(outsider)
        response = client.post(f"/checkups/findings/{finding.id}/follow-up/question")
        assert response.status_code in (403, 404)
    assert db.session.query(Question).count() == before and links_of(finding) == []


def test_the_report_reads_every_findings_links_at_once_as_each_alone_would(
    client, login, started_checkup
):
    from portal.core.links import links_of_each

    checkup, _firm_user, lawyers = started_checkup()
    findings = [
        ops.save_finding(
            checkup,
            lawyers[0],
            area_id=checkup.areas[i].id,
            level="high",
            facts=f"事实{i}",
            legal_basis="",
            recommendation="建立制度",
        )
        for i in (1, 2, 3)
    ]
    db.session.commit()
    login(lawyers[0])
    for finding in findings[:2]:
        response = client.post(f"/checkups/findings/{finding.id}/follow-up/question")
        assert response.status_code == 302
    each = links_of_each(findings)
    assert each == {f.id: links_of(f) for f in findings}
    assert [len(each[f.id]) for f in findings] == [1, 1, 0]
    page = client.get(f"/checkups/{checkup.id}").get_data(as_text=True)
    for finding in findings[:2]:
        assert each[finding.id][0]["url"] in page
    assert links_of_each([]) == {}
