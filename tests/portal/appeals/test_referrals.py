"""Appeal referrals: the state table, revisit by the enterprise, escalation, ledger, figures."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.appeals import reports
from portal.appeals.models import AppealReferral, AppealStatus
from portal.appeals.workflow import TRANSITIONS, AppealError, escalate_overdue, transition
from portal.audit.models import AuditEntry
from portal.core import clock
from portal.core.db import db
from portal.notifications.models import Notification


def test_staff_records_a_referral_and_the_firm_is_told(
    client, login, dummy_staff, create_enterprise_user, dummy_enterprise
):
    firm_user = create_enterprise_user(enterprise=dummy_enterprise)
    login(dummy_staff)
    response = client.post(
        "/appeals/new",
        data={
            "enterprise": dummy_enterprise.id,
            "summary": "行政处罚已履行，申请信用修复",
            "details": "",
            "category": "credit_repair",
            "register_ref": "SYSQ-2026-0999",
            "register_url": "https://register.example.gov.cn/2026/0999",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    referral = db.session.scalar(select(AppealReferral))
    assert referral.status == AppealStatus.referred and referral.stage_due_date > clock.today()
    assert db.session.scalar(select(Notification).where(Notification.user_id == firm_user.id))
    page = client.get(f"/appeals/{referral.id}").get_data(as_text=True)
    assert "SYSQ-2026-0999" in page and "register.example.gov.cn" in page


def test_duplicate_register_reference_is_refused_and_input_kept(
    client, login, dummy_staff, create_appeal_referral, dummy_enterprise
):
    create_appeal_referral(register_ref="SYSQ-1")
    login(dummy_staff)
    response = client.post(
        "/appeals/new",
        data={
            "enterprise": dummy_enterprise.id,
            "summary": "第二条诉求",
            "category": "other",
            "register_ref": "SYSQ-1",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "第二条诉求" in page and "SYSQ-1" in page
    assert len(db.session.scalars(select(AppealReferral)).all()) == 1


def _actors(referral, staff, firm_user):
    return {"staff": staff, "firm": firm_user}


def _allowed_actor(pair, staff, firm_user):
    return firm_user if pair[1] in (AppealStatus.closed, AppealStatus.reopened) else staff


@pytest.mark.parametrize("start", list(AppealStatus))
@pytest.mark.parametrize("target", list(AppealStatus))
def test_referral_state_table(
    app, start, target, dummy_appeal_referral, dummy_staff, create_enterprise_user
):
    referral = dummy_appeal_referral
    firm_user = create_enterprise_user(enterprise=referral.enterprise)
    referral.status = start  # set up the starting state directly (test only)
    db.session.flush()
    with app.test_request_context():
        if (start, target) in TRANSITIONS:
            actor = _allowed_actor((start, target), dummy_staff, firm_user)
            transition(referral, target, actor, note="说明", department="市司法局")
            assert referral.status == target
            assert referral.events[-1].to_status == target.value
            assert (referral.closed_dt is not None) == (target == AppealStatus.closed)
        else:
            for actor in (dummy_staff, firm_user):
                with pytest.raises(AppealError):
                    transition(referral, target, actor, note="说明", department="市司法局")
            assert referral.status == start


@pytest.mark.parametrize("pair", list(TRANSITIONS))
def test_allowed_referral_transitions_refuse_the_wrong_person(
    app, pair, dummy_appeal_referral, create_enterprise_user, dummy_lawyer, dummy_staff
):
    referral = dummy_appeal_referral
    referral.status = pair[0]
    db.session.flush()
    other_firm_user = create_enterprise_user()
    own_firm_user = create_enterprise_user(enterprise=referral.enterprise)
    wrong = [other_firm_user, dummy_lawyer]
    if pair[1] not in (AppealStatus.closed, AppealStatus.reopened):
        wrong.append(own_firm_user)  # the firm cannot record register updates
    with app.test_request_context():
        for actor in wrong:
            with pytest.raises(AppealError):
                transition(referral, pair[1], actor, note="说明", department="市司法局")
    assert referral.status == pair[0]


def _walk_to_revisited(app, referral, staff):
    with app.test_request_context():
        transition(referral, AppealStatus.distributed, staff, department="市中级人民法院")
        transition(referral, AppealStatus.handled, staff)
        transition(referral, AppealStatus.reported_back, staff)
        transition(referral, AppealStatus.revisited, staff)
    db.session.flush()


def test_enterprise_closes_its_referral_when_satisfied(
    app, client, login, dummy_appeal_referral, dummy_staff, create_enterprise_user
):
    referral = dummy_appeal_referral
    _walk_to_revisited(app, referral, dummy_staff)
    login(create_enterprise_user(enterprise=referral.enterprise))
    response = client.post(f"/appeals/{referral.id}/revisit", data={"satisfied": "yes"})
    assert response.status_code == 302
    assert referral.status == AppealStatus.closed and referral.closed_dt is not None
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "appeal_referral.closed")
    )


def test_not_satisfied_needs_a_reason_and_reopens(
    app, client, login, dummy_appeal_referral, dummy_staff, create_enterprise_user
):
    referral = dummy_appeal_referral
    _walk_to_revisited(app, referral, dummy_staff)
    login(create_enterprise_user(enterprise=referral.enterprise))
    response = client.post(
        f"/appeals/{referral.id}/revisit", data={"satisfied": "no", "comment": ""}
    )
    assert response.status_code == 400
    assert referral.status == AppealStatus.revisited
    client.post(
        f"/appeals/{referral.id}/revisit", data={"satisfied": "no", "comment": "款项仍未到账"}
    )
    assert referral.status == AppealStatus.reopened
    assert referral.events[-1].note == "款项仍未到账"


def test_enterprise_cannot_close_another_firms_referral(
    app, client, login, dummy_appeal_referral, dummy_staff, create_enterprise_user
):
    referral = dummy_appeal_referral
    _walk_to_revisited(app, referral, dummy_staff)
    login(create_enterprise_user())
    assert client.get(f"/appeals/{referral.id}").status_code == 403
    response = client.post(f"/appeals/{referral.id}/revisit", data={"satisfied": "yes"})
    assert response.status_code == 403
    assert referral.status == AppealStatus.revisited
    assert client.get("/appeals/999999").status_code == 404


def test_enterprise_cannot_record_register_updates(
    client, login, dummy_appeal_referral, create_enterprise_user
):
    referral = dummy_appeal_referral
    login(create_enterprise_user(enterprise=referral.enterprise))
    response = client.post(
        f"/appeals/{referral.id}/status", data={"to": "distributed", "department": "市司法局"}
    )
    assert response.status_code == 403
    assert referral.status == AppealStatus.referred


def test_distribution_needs_a_department_and_keeps_the_note(
    client, login, dummy_appeal_referral, dummy_staff
):
    referral = dummy_appeal_referral
    login(dummy_staff)
    response = client.post(
        f"/appeals/{referral.id}/status",
        data={"to": "distributed", "department": "", "note": "营商局已转办"},
    )
    assert response.status_code == 400
    assert "营商局已转办" in response.get_data(as_text=True)
    assert referral.status == AppealStatus.referred
    client.post(
        f"/appeals/{referral.id}/status",
        data={"to": "distributed", "department": "市司法局", "note": "营商局已转办"},
    )
    assert referral.status == AppealStatus.distributed and referral.department == "市司法局"


def test_overdue_referrals_are_escalated_once_per_stage(app, dummy_appeal_referral, dummy_staff):
    referral = dummy_appeal_referral
    later = referral.stage_due_date + timedelta(days=1)
    assert escalate_overdue(today=later) == 1
    assert escalate_overdue(today=later) == 0
    assert referral.escalation_level == 1
    assert referral.events[-1].kind == "escalation"
    with app.test_request_context():
        transition(referral, AppealStatus.handled, dummy_staff)
    assert escalate_overdue(today=referral.stage_due_date - timedelta(days=1)) == 0


def test_ledger_figures_and_xlsx(
    app, client, login, dummy_staff, create_appeal_referral, create_enterprise_user
):
    law = create_appeal_referral(category="enforcement")
    other = create_appeal_referral(category="permits")
    create_appeal_referral(category="credit_repair")
    for referral in (law, other):
        _walk_to_revisited(app, referral, dummy_staff)
        with app.test_request_context():
            transition(referral, AppealStatus.closed, dummy_staff)
    month = clock.today().replace(day=1)
    with app.test_request_context():
        result = reports.figures(*reports.month_bounds(month.strftime("%Y-%m")))
    assert (result["collected"], result["resolved"], result["law_related_resolved"]) == (3, 2, 1)
    assert result["share"] == pytest.approx(66.7)
    departments = {r["key"]: r for r in result["by_department"]}
    assert departments["市中级人民法院"]["resolved"] == 2
    login(dummy_staff)
    page = client.get(f"/appeals/ledger?month={month:%Y-%m}").get_data(as_text=True)
    assert "胜诉判决执行不到位" in page
    workbook = load_workbook(BytesIO(client.get(f"/appeals/ledger.xlsx?month={month:%Y-%m}").data))
    assert all(sheet.freeze_panes == "A2" for sheet in workbook.worksheets)
    assert workbook.worksheets[-1].max_row == 4


def test_escalation_target_refers_a_source_record(app, dummy_staff, dummy_enterprise, dummy_lawyer):
    target = app.extensions["portal.escalation_targets"]["appeal"]

    class Finding:
        __tablename__ = "checkup_findings"
        id = 7
        title = "失信记录未修复"
        body = "企业已履行判决，但失信记录仍在。"
        enterprise = dummy_enterprise

    with app.test_request_context():
        assert target["available"](dummy_staff, Finding())
        assert target["available"](dummy_lawyer, Finding())
        referral = target["escalate"](Finding(), dummy_staff, category="credit_repair")
    assert referral.enterprise is dummy_enterprise
    assert referral.summary == "失信记录未修复" and referral.category.value == "credit_repair"


def test_pages_render_for_each_role(
    app, login, dummy_appeal_referral, dummy_staff, create_enterprise_user
):
    staff = login(dummy_staff, app.test_client())
    for url in ("/appeals", "/appeals?status=open", "/appeals/new", "/appeals/ledger", "/"):
        assert staff.get(url).status_code == 200, url
    firm = login(
        create_enterprise_user(enterprise=dummy_appeal_referral.enterprise), app.test_client()
    )
    assert dummy_appeal_referral.summary in firm.get("/appeals").get_data(as_text=True)
    assert dummy_appeal_referral.summary in firm.get("/").get_data(as_text=True)
    assert firm.get("/appeals/ledger").status_code == 403
