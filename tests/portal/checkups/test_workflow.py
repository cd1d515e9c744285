"""The state table, findings, sign-off, delivery, acknowledgement and who may do what."""

import itertools

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.checkups import operations as ops
from portal.checkups.models import ChecklistArea, ClearArea, Status
from portal.core.db import db, utcnow

pytestmark = pytest.mark.usefixtures("babel_request_ctx")

ALL_PAIRS = list(itertools.product(Status, Status))


@pytest.fixture
def cast(create_checkup, create_enterprise_user, create_lawyer, dummy_staff):
    lawyer = create_lawyer()
    checkup = create_checkup(lawyers=[lawyer])
    firm_user = create_enterprise_user(enterprise=checkup.enterprise)
    return {
        "checkup": checkup,
        "staff": dummy_staff,
        "lawyer": lawyer,
        "enterprise": firm_user,
    }


def _complete(checkup):
    """Every area marked 'no findings' and every lawyer signed: what signed_off requires."""
    for area in checkup.areas:
        checkup.clear_areas.append(ClearArea(area=area, area_id=area.id))
    for assignment in checkup.assignments:
        assignment.signed_dt = utcnow()
    db.session.flush()


@pytest.mark.parametrize(("frm", "to"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_state_table(cast, frm, to):
    checkup = cast["checkup"]
    checkup.status = frm  # test set-up only; the code changes status only in transition()
    if to == Status.signed_off:
        _complete(checkup)
    allowed = ops.TRANSITIONS.get((frm, to))
    if allowed is None:
        for who in ("staff", "lawyer", "enterprise"):
            with pytest.raises(ops.CheckupError):
                ops.transition(checkup, to, cast[who], note="原因")
            assert checkup.status == frm
        return
    for who in {"staff", "lawyer", "enterprise"} - allowed:
        with pytest.raises(ops.CheckupError):
            ops.transition(checkup, to, cast[who], note="原因")
        assert checkup.status == frm
    actor = cast[sorted(allowed)[0]]
    event = ops.transition(checkup, to, actor, note="原因")
    assert checkup.status == to
    assert (event.from_status, event.to_status, event.by_id) == (str(frm), str(to), actor.id)
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == f"checkups.{to}", AuditEntry.object_id == str(checkup.id)
        )
    )


def test_asking_for_another_slot_needs_a_reason(cast):
    with pytest.raises(ops.CheckupError):
        ops.transition(cast["checkup"], Status.reschedule_requested, cast["enterprise"], note=" ")
    assert cast["checkup"].status == Status.scheduled


def test_a_firm_asks_for_another_slot_and_staff_move_it(client, switch_login, cast):
    checkup = cast["checkup"]
    switch_login(cast["enterprise"])
    response = client.post(
        f"/checkups/{checkup.id}/request-slot", data={"reason": "当天公司年审，请改期"}
    )
    assert response.status_code == 302
    assert checkup.status == Status.reschedule_requested
    assert checkup.reschedule_reason == "当天公司年审，请改期"
    switch_login(cast["staff"])
    response = client.post(
        f"/checkups/{checkup.id}/reschedule",
        data={"day": "2033-04-05", "start_time": "14:00", "end_time": "16:00", "note": ""},
    )
    assert response.status_code == 302
    assert checkup.status == Status.scheduled
    assert ops.to_local(checkup.start_dt).strftime("%Y-%m-%d %H:%M") == "2033-04-05 14:00"


def test_a_report_with_an_empty_area_is_not_signed_and_the_missing_areas_are_listed(
    client, switch_login, started_checkup
):
    checkup, _firm, lawyers = started_checkup()
    first, *rest = checkup.areas
    ops.save_finding(
        checkup, lawyers[0], area_id=first.id, level="high", facts="未设股东会议事规则"
    )
    for area in rest[:-1]:
        ops.mark_clear(checkup, area.id, lawyers[0])
    ops.transition(checkup, Status.report_draft, lawyers[0])
    switch_login(lawyers[0])
    response = client.post(f"/checkups/{checkup.id}/sign", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert rest[-1].label in page
    assert all(a.signed_dt is None for a in checkup.assignments)
    assert checkup.status == Status.report_draft
    assert checkup.findings[0].facts == "未设股东会议事规则"  # nothing saved is lost


def test_every_lawyer_signs_then_staff_deliver_and_the_firm_acknowledges(
    client, switch_login, started_checkup, dummy_staff
):
    checkup, firm_user, lawyers = started_checkup()
    for area in checkup.areas:
        ops.mark_clear(checkup, area.id, lawyers[1])
    ops.transition(checkup, Status.report_draft, lawyers[0])
    switch_login(firm_user)
    assert client.get(f"/checkups/{checkup.id}/report").status_code == 403  # not delivered yet
    switch_login(lawyers[0])
    client.post(f"/checkups/{checkup.id}/sign")
    assert checkup.status == Status.report_draft  # the second lawyer has not signed
    switch_login(lawyers[1])
    client.post(f"/checkups/{checkup.id}/sign")
    assert checkup.status == Status.signed_off
    switch_login(dummy_staff)
    client.post(f"/checkups/{checkup.id}/status/delivered")
    assert checkup.status == Status.delivered
    switch_login(firm_user)
    assert client.get(f"/checkups/{checkup.id}/report").status_code == 200
    client.post(f"/checkups/{checkup.id}/status/acknowledged")
    assert checkup.status == Status.acknowledged
    timeline = [e.to_status for e in checkup.events]
    assert timeline == [
        "scheduled",
        "confirmed",
        "in_progress",
        "report_draft",
        "signed_off",
        "delivered",
        "acknowledged",
    ]


def test_changing_a_finding_takes_back_the_signatures(started_checkup):
    checkup, _firm, lawyers = started_checkup()
    for area in checkup.areas[1:]:
        ops.mark_clear(checkup, area.id, lawyers[0])
    finding = ops.save_finding(
        checkup, lawyers[0], area_id=checkup.areas[0].id, level="low", facts="章程未备案"
    )
    ops.transition(checkup, Status.report_draft, lawyers[0])
    ops.sign_off(checkup, lawyers[0])
    assert checkup.assignments[0].signed_dt is not None
    ops.save_finding(
        checkup,
        lawyers[1],
        area_id=finding.area_id,
        level="medium",
        facts="章程未备案，已补正",
        finding=finding,
    )
    assert all(a.signed_dt is None for a in checkup.assignments)


def test_an_area_with_findings_cannot_be_marked_no_findings(started_checkup):
    checkup, _firm, lawyers = started_checkup()
    area = checkup.areas[2]
    ops.save_finding(checkup, lawyers[0], area_id=area.id, level="high", facts="未签劳动合同")
    with pytest.raises(ops.CheckupError):
        ops.mark_clear(checkup, area.id, lawyers[0])


def test_a_finding_through_the_form_with_empty_facts_keeps_the_input(
    client, switch_login, started_checkup
):
    checkup, _firm, lawyers = started_checkup()
    switch_login(lawyers[0])
    response = client.post(
        f"/checkups/{checkup.id}/findings/new",
        data={
            "area": checkup.areas[0].id,
            "level": "high",
            "facts": "",
            "legal_basis": "[[民法典 第五百七十七条]]",
            "recommendation": "补签书面合同",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "补签书面合同" in page and "is-invalid" in page
    assert checkup.findings == []


def test_findings_are_recorded_through_the_form_and_rendered(client, switch_login, started_checkup):
    checkup, _firm, lawyers = started_checkup()
    switch_login(lawyers[0])
    response = client.post(
        f"/checkups/{checkup.id}/findings/new",
        data={
            "area": checkup.areas[1].id,
            "level": "medium",
            "facts": "采购合同**无违约条款**",
            "legal_basis": "参见 [[民法典 第五百七十七条]]",
            "recommendation": "补充违约责任条款",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/checkups/{checkup.id}").get_data(as_text=True)
    assert "<strong>无违约条款</strong>" in page
    assert checkup.findings[0].level == "medium"


def test_another_firms_check_up_and_report_are_forbidden(
    client, switch_login, dummy_checkup, create_enterprise_user
):
    switch_login(create_enterprise_user())
    for url in ("", "/report", "/report.docx", "/invite.ics"):
        assert client.get(f"/checkups/{dummy_checkup.id}{url}").status_code == 403
    response = client.post(f"/checkups/{dummy_checkup.id}/status/confirmed")
    assert response.status_code == 403
    assert dummy_checkup.status == Status.scheduled


def test_unknown_check_up_is_404(client, switch_login, dummy_staff):
    switch_login(dummy_staff)
    assert client.get("/checkups/999999").status_code == 404
    assert client.get("/checkups/999999/report.docx").status_code == 404


def test_a_lawyer_sees_only_assigned_check_ups(client, switch_login, dummy_checkup, create_lawyer):
    outsider = create_lawyer()
    switch_login(outsider)
    assert client.get(f"/checkups/{dummy_checkup.id}").status_code == 403
    assert dummy_checkup.enterprise.name not in client.get("/checkups").get_data(as_text=True)
    switch_login(dummy_checkup.lawyers[0])
    assert dummy_checkup.enterprise.name in client.get("/checkups").get_data(as_text=True)


def test_firm_sees_only_its_own_in_the_list(
    client, switch_login, create_checkup, create_enterprise_user
):
    mine, other = create_checkup(), create_checkup()
    switch_login(create_enterprise_user(enterprise=mine.enterprise))
    page = client.get("/checkups").get_data(as_text=True)
    assert mine.enterprise.name in page and other.enterprise.name not in page


def test_only_staff_schedule(client, switch_login, dummy_lawyer, dummy_enterprise_user):
    for user in (dummy_lawyer, dummy_enterprise_user):
        switch_login(user)
        assert client.get("/checkups/new").status_code == 403
        assert client.get("/checkups/calendar").status_code == 403


def test_a_new_checklist_version_leaves_running_check_ups_on_theirs(
    client, switch_login, dummy_staff, dummy_checkup
):
    old_version = dummy_checkup.checklist_version_id
    switch_login(dummy_staff)
    response = client.post(
        "/checkups/checklist",
        data={"areas": "公司治理 | Governance\n反垄断合规 | Antitrust | 新增", "note": "精简"},
    )
    assert response.status_code == 302
    current = ops.current_checklist()
    assert current.id != old_version
    assert [a.name for a in current.areas] == ["公司治理", "反垄断合规"]
    assert dummy_checkup.checklist_version_id == old_version
    assert len(dummy_checkup.areas) == 10


def test_an_empty_checklist_is_refused(client, switch_login, dummy_staff):
    before = ops.current_checklist().number
    switch_login(dummy_staff)
    response = client.post("/checkups/checklist", data={"areas": " \n ", "note": ""})
    assert response.status_code == 200
    assert ops.current_checklist().number == before
    assert db.session.scalar(select(ChecklistArea).limit(1)) is not None
