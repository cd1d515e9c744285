"""Services: logging, the confirm/dispute state table, requests, escalation, reports, home."""

from datetime import timedelta
from io import BytesIO

import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core import clock
from portal.core.db import db
from portal.counsel import reports
from portal.counsel.models import CounselRequest, CounselService, RequestStatus, ServiceStatus
from portal.counsel.workflow import (
    REQUEST_TRANSITIONS,
    SERVICE_TRANSITIONS,
    CounselError,
    transition_request,
    transition_service,
)
from portal.notifications.models import Notification


def test_counsel_logs_a_service_and_the_firm_is_asked(
    client, login, dummy_counsel_group, firm_user_of
):
    group = dummy_counsel_group
    firm = group.enterprises[1]
    firm_user = firm_user_of(firm)
    login(group.lawyers[0])
    response = client.post(
        f"/counsel/groups/{group.id}/services/new",
        data={
            "enterprise": firm.id,
            "kind": "contract_review",
            "service_date": clock.today().isoformat(),
            "minutes": "90",
            "note": "审查采购合同。",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    service = db.session.scalar(
        select(CounselService).where(CounselService.enterprise_id == firm.id)
    )
    assert service.status == ServiceStatus.logged and service.minutes == 90
    assert db.session.scalar(select(Notification).where(Notification.user_id == firm_user.id))


def test_future_service_is_refused_and_input_kept(client, login, dummy_counsel_group):
    group = dummy_counsel_group
    login(group.lawyers[0])
    response = client.post(
        f"/counsel/groups/{group.id}/services/new",
        data={
            "enterprise": group.enterprises[0].id,
            "kind": "advice",
            "service_date": (clock.today() + timedelta(days=3)).isoformat(),
            "minutes": "30",
            "note": "未来的服务记录",
        },
    )
    assert response.status_code == 200
    assert "未来的服务记录" in response.get_data(as_text=True)
    assert not db.session.scalars(select(CounselService)).all()


def test_firm_confirms_its_service(client, login, dummy_counsel_service, firm_user_of):
    service = dummy_counsel_service
    login(firm_user_of(service.enterprise))
    response = client.post(f"/counsel/services/{service.id}/status", data={"to": "confirmed"})
    assert response.status_code == 302
    assert service.status == ServiceStatus.confirmed
    assert [e.to_status for e in service.events] == ["logged", "confirmed"]
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "counsel_service.confirmed")
    )


def test_dispute_needs_a_reason_and_keeps_the_page(
    client, login, dummy_counsel_service, firm_user_of
):
    service = dummy_counsel_service
    login(firm_user_of(service.enterprise))
    response = client.post(
        f"/counsel/services/{service.id}/status", data={"to": "disputed", "reason": " "}
    )
    assert response.status_code == 400
    assert "reason" in response.get_data(as_text=True) or "理由" in response.get_data(as_text=True)
    assert service.status == ServiceStatus.logged
    client.post(
        f"/counsel/services/{service.id}/status", data={"to": "disputed", "reason": "时长不对"}
    )
    assert service.status == ServiceStatus.disputed and service.dispute_reason == "时长不对"


def test_another_firm_cannot_confirm_a_service(
    client, login, dummy_counsel_service, create_enterprise_user
):
    service = dummy_counsel_service
    other_member = service.group.enterprises[1]  # same group, other firm
    login(create_enterprise_user(enterprise=other_member))
    response = client.post(f"/counsel/services/{service.id}/status", data={"to": "confirmed"})
    assert response.status_code == 403
    assert service.status == ServiceStatus.logged


def test_outside_firm_cannot_even_see_a_service(
    client, login, dummy_counsel_service, dummy_enterprise_user
):
    login(dummy_enterprise_user)
    assert client.get(f"/counsel/services/{dummy_counsel_service.id}").status_code == 403
    assert client.get("/counsel/services/999999").status_code == 404


def _actor(pair_to, service, firm_user):
    return (
        firm_user
        if pair_to in (ServiceStatus.confirmed, ServiceStatus.disputed)
        else service.lawyer
    )


@pytest.mark.parametrize("start", list(ServiceStatus))
@pytest.mark.parametrize("target", list(ServiceStatus))
def test_service_state_table(app, start, target, dummy_counsel_service, firm_user_of):
    service = dummy_counsel_service
    firm_user = firm_user_of(service.enterprise)
    service.status = start  # set up the starting state directly (test only)
    db.session.flush()
    with app.test_request_context():
        if (start, target) in SERVICE_TRANSITIONS:
            transition_service(service, target, _actor(target, service, firm_user), note="理由")
            assert service.status == target
            assert service.events[-1].to_status == target.value
        else:
            for actor in (firm_user, service.lawyer):
                with pytest.raises(CounselError):
                    transition_service(service, target, actor, note="理由")
            assert service.status == start


@pytest.mark.parametrize("pair", list(SERVICE_TRANSITIONS))
def test_allowed_service_transitions_refuse_the_wrong_person(
    app, pair, dummy_counsel_service, firm_user_of, dummy_staff
):
    service = dummy_counsel_service
    firm_user = firm_user_of(service.enterprise)
    start, target = pair
    service.status = start
    db.session.flush()
    wrong = (
        service.lawyer if target in (ServiceStatus.confirmed, ServiceStatus.disputed) else firm_user
    )
    with app.test_request_context():
        for actor in (wrong, dummy_staff):
            with pytest.raises(CounselError):
                transition_service(service, target, actor, note="理由")
    assert service.status == start


def test_firm_asks_its_counsel_directly(app, client, login, dummy_counsel_group, firm_user_of):
    group = dummy_counsel_group
    user = firm_user_of(group.enterprises[0])
    login(user)
    response = client.post("/counsel/ask", data={"title": "试用期辞退", "body": "如何合法辞退？"})
    assert response.status_code == 302
    item = db.session.scalar(select(CounselRequest))
    assert item.group is group and item.enterprise_id == user.enterprise_id
    assert db.session.scalar(
        select(Notification).where(Notification.user_id == group.lawyers[0].id)
    )
    lawyer_client = login(group.lawyers[0], app.test_client())
    lawyer_client.post(
        f"/counsel/requests/{item.id}/status",
        data={"to": "answered", "answer": "需证明不符合录用条件。"},
    )
    assert item.status.value == "answered"
    assert "录用条件" in client.get(f"/counsel/requests/{item.id}").get_data(as_text=True)


def test_firm_without_group_cannot_ask(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    assert client.get("/counsel/ask").status_code == 403


def test_escalation_target_needs_an_active_group(
    app, dummy_counsel_group, create_enterprise, dummy_lawyer
):
    target = app.extensions["portal.escalation_targets"]["counsel"]

    class Source:
        title = "合同违约"
        body = "对方迟迟不付款"

        def __init__(self, enterprise):
            self.enterprise = enterprise

    inside = Source(dummy_counsel_group.enterprises[0])
    outside = Source(create_enterprise())
    with app.test_request_context():
        assert target["available"](dummy_lawyer, inside)
        assert not target["available"](dummy_lawyer, outside)
        created = target["escalate"](inside, dummy_lawyer)
    assert created.group is dummy_counsel_group and created.title == "合同违约"
    assert created.body == "对方迟迟不付款"


def test_reports_count_coverage_hours_and_quiet_firms(
    client, login, dummy_staff, create_counsel_group, create_counsel_service, firm_user_of, app
):
    group = create_counsel_group(firms=3)
    served = group.enterprises[0]
    service = create_counsel_service(group, enterprise=served, minutes=120)
    with app.test_request_context():
        transition_service(service, ServiceStatus.confirmed, firm_user_of(served))
    cov = reports.coverage()
    assert cov["covered"] >= 3 and cov["eligible"] >= cov["covered"]
    quiet_ids = {q["enterprise"].id for q in reports.quiet_firms()}
    assert served.id not in quiet_ids
    assert {e.id for e in group.enterprises[1:]} <= quiet_ids
    by_lawyer = reports.breakdown(None, None, "lawyer")
    row = next(r for r in by_lawyer if r["key"] == group.lawyers[0].name)
    assert row["confirmed_hours"] == 2.0
    assert reports.quiet_count() == len(reports.quiet_firms()) >= 2
    with app.test_request_context():
        tables = reports.tables(None, None)
    assert tables["lawyer"] == by_lawyer and sum(r["services"] for r in tables["month"]) >= 1
    assert reports.totals(None, None)["confirmed_minutes"] >= 120
    login(dummy_staff)
    assert group.enterprises[1].name in client.get("/counsel/reports").get_data(as_text=True)
    response = client.get("/counsel/reports.xlsx")
    workbook = load_workbook(BytesIO(response.data))
    assert all(sheet.freeze_panes == "A2" for sheet in workbook.worksheets)
    assert len(workbook.worksheets) == 7
    stats = current_app.extensions["portal.stats"]["counsel"]
    with app.test_request_context():
        figures = stats(clock.today() - timedelta(days=30), clock.today())
    assert figures["services"] >= 1


def test_home_sections_per_role(app, login, dummy_counsel_service, firm_user_of, dummy_staff):
    service = dummy_counsel_service
    firm = login(firm_user_of(service.enterprise), app.test_client())
    assert service.lawyer.name in firm.get("/").get_data(as_text=True)
    lawyer = login(service.lawyer, app.test_client())
    assert service.group.name in lawyer.get("/").get_data(as_text=True)
    service.group.end_date = clock.today() + timedelta(days=3)
    db.session.flush()
    staff = login(dummy_staff, app.test_client())
    assert service.group.name in staff.get("/").get_data(as_text=True)


def test_counsel_passes_a_request_on_to_the_appeal_register(
    app, login, dummy_counsel_group, firm_user_of
):
    from portal.appeals.models import AppealReferral
    from portal.core.links import links_of

    group = dummy_counsel_group
    with app.test_request_context():
        from portal.counsel.operations import create_request

        item = create_request(
            group.enterprises[0], title="判决执行不到位", body="对方转移财产", by=group.lawyers[0]
        )
    db.session.flush()
    lawyer = login(group.lawyers[0], app.test_client())
    assert "appeal" in lawyer.get(f"/counsel/requests/{item.id}").get_data(as_text=True)
    response = lawyer.post(f"/counsel/requests/{item.id}/escalate", data={"target": "appeal"})
    assert response.status_code == 302
    referral = db.session.scalar(select(AppealReferral))
    assert referral.summary == "判决执行不到位" and referral.enterprise_id == item.enterprise_id
    with app.test_request_context():
        assert [link["type"] for link in links_of(item)] == ["appeal_referrals"]
        assert [link["type"] for link in links_of(referral)] == ["counsel_requests"]
    firm = login(firm_user_of(item.enterprise), app.test_client())
    assert (
        firm.post(f"/counsel/requests/{item.id}/escalate", data={"target": "appeal"}).status_code
        == 403
    )


@pytest.mark.parametrize("start", list(RequestStatus))
@pytest.mark.parametrize("target", list(RequestStatus))
def test_request_state_table(app, start, target, dummy_counsel_group, firm_user_of):
    group = dummy_counsel_group
    firm_user = firm_user_of(group.enterprises[0])
    with app.test_request_context():
        from portal.counsel.operations import create_request

        item = create_request(group.enterprises[0], title="问题", body="内容", by=firm_user)
    item.status = start
    db.session.flush()
    actor = group.lawyers[0] if target == RequestStatus.answered else firm_user
    with app.test_request_context():
        if (start, target) in REQUEST_TRANSITIONS:
            transition_request(item, target, actor, text="答复")
            assert item.status == target
        else:
            for who in (group.lawyers[0], firm_user):
                with pytest.raises(CounselError):
                    transition_request(item, target, who, text="答复")
            assert item.status == start


def test_reports_keep_two_lawyers_or_groups_of_one_name_apart(
    create_counsel_group, create_counsel_service, create_lawyer
):
    first, second = create_lawyer(name="张伟"), create_lawyer(name="张伟")
    second.lawyer_profile.law_firm = "辽宁某某律师事务所"
    groups = [create_counsel_group(counsel=[lawyer]) for lawyer in (first, second)]
    for group, minutes in zip(groups, (60, 90), strict=True):
        create_counsel_service(group, minutes=minutes)
    by_lawyer = {r["key"]: r["minutes"] for r in reports.breakdown(None, None, "lawyer")}
    assert by_lawyer["张伟 (测试律师事务所)"] == 60
    assert by_lawyer["张伟 (辽宁某某律师事务所)"] == 90
    by_group = {r["key"]: r["minutes"] for r in reports.breakdown(None, None, "group")}
    assert by_group[f"测试顾问组 (#{groups[0].id})"] == 60
    assert by_group[f"测试顾问组 (#{groups[1].id})"] == 90
