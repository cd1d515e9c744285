"""Appeal items: intake, the state table, triage, department work, evaluation and closing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.appeals import operations, permissions
from portal.appeals.models import AppealReferral, AppealStatus, Channel, Route
from portal.appeals.workflow import TRANSITIONS, AppealError, escalate_overdue, transition
from portal.audit.models import AuditEntry
from portal.core import clock
from portal.core.db import db
from portal.notifications.models import Notification


def _notes_of(user):
    return [n.text for n in db.session.scalars(select(Notification).where(
        Notification.user_id == user.id))]  # fmt: skip


def test_staff_record_an_item_from_a_research_visit_and_the_firm_is_told(
    client, login, dummy_staff, create_enterprise_user, dummy_enterprise
):
    firm_user = create_enterprise_user(enterprise=dummy_enterprise)
    login(dummy_staff)
    response = client.post(
        "/appeals/new",
        data={
            "enterprise": dummy_enterprise.id,
            "channel": "research_visit",
            "collected_on": "2026-11-20",
            "collected_by": "调研组 王敏",
            "meeting": 0,
            "summary": "行政处罚已履行，申请信用修复",
            "category": "credit_repair",
            "register_ref": "SYSQ-2026-0999",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    item = db.session.scalar(select(AppealReferral))
    assert item.status == AppealStatus.referred and item.channel == Channel.research_visit
    assert item.collected_on == date(2026, 11, 20) and item.collected_by == "调研组 王敏"
    assert item.stage_due_date > clock.today()
    assert _notes_of(firm_user)
    page = client.get(f"/appeals/{item.id}").get_data(as_text=True)
    assert "SYSQ-2026-0999" in page and "调研组 王敏" in page


def test_a_staff_item_needs_who_collected_it(client, login, dummy_staff, dummy_enterprise):
    login(dummy_staff)
    response = client.post(
        "/appeals/new",
        data={"enterprise": dummy_enterprise.id, "channel": "hotline_12345", "collected_by": "",
              "meeting": 0, "summary": "第二条诉求", "category": "other"},
    )  # fmt: skip
    assert response.status_code == 200 and "第二条诉求" in response.get_data(as_text=True)
    assert db.session.scalar(select(AppealReferral)) is None


def test_duplicate_register_reference_is_refused_and_input_kept(
    client, login, dummy_staff, create_appeal_referral, dummy_enterprise
):
    create_appeal_referral(register_ref="SYSQ-1")
    login(dummy_staff)
    response = client.post(
        "/appeals/new",
        data={"enterprise": dummy_enterprise.id, "channel": "chamber", "collected_by": "商会",
              "meeting": 0, "summary": "第二条诉求", "category": "other", "register_ref": "SYSQ-1"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "第二条诉求" in page and "SYSQ-1" in page
    assert len(db.session.scalars(select(AppealReferral)).all()) == 1


def test_public_form_checks_the_credit_code_and_links_a_known_firm(
    client, dummy_enterprise, dummy_staff
):
    base = {"firm_name": dummy_enterprise.name, "contact": "张三 13800000000",
            "category": "arrears", "summary": "政府项目拖欠工程款", "details": "拖欠两年。"}  # fmt: skip
    bad = client.post("/appeals/submit", data={**base, "uscc": "91110000000000000A"})
    assert bad.status_code == 200
    assert db.session.scalar(select(AppealReferral)) is None
    good = client.post("/appeals/submit", data={**base, "uscc": dummy_enterprise.uscc.lower()})
    assert good.status_code == 302
    item = db.session.scalar(select(AppealReferral))
    assert item.channel == Channel.online_form and item.enterprise_id == dummy_enterprise.id
    assert _notes_of(dummy_staff)


def test_public_form_from_an_unknown_firm_waits_to_be_linked(
    app, client, login, dummy_staff, dummy_enterprise
):
    from portal.core.reference import make_uscc

    client.post(
        "/appeals/submit",
        data={"firm_name": "新注册公司", "uscc": make_uscc(987654), "contact": "李四",
              "category": "other", "summary": "厂区道路被封", "details": "影响出货。"},
    )  # fmt: skip
    item = db.session.scalar(select(AppealReferral))
    assert item.enterprise is None and item.firm_label == "新注册公司"
    with app.test_request_context(), pytest.raises(AppealError):
        operations.triage(item, by=dummy_staff, category="other", tier=1, tier_reason="属实",
                          route="direct")  # fmt: skip
    login(dummy_staff)
    response = client.post(
        f"/appeals/{item.id}/triage",
        data={"enterprise": dummy_enterprise.id, "category": "land", "tier": "1",
              "tier_reason": "核实属实", "route": "direct"},
    )  # fmt: skip
    assert response.status_code == 302
    assert item.enterprise_id == dummy_enterprise.id and item.status == AppealStatus.triaged


def test_triage_needs_a_reason_and_sets_category_tier_route(
    client, login, dummy_staff, dummy_appeal_referral
):
    item = dummy_appeal_referral
    login(dummy_staff)
    data = {"category": "arrears", "tier": "2", "tier_reason": "", "route": "escalated"}
    assert client.post(f"/appeals/{item.id}/triage", data=data).status_code == 400
    assert item.status == AppealStatus.referred
    data["tier_reason"] = "涉及多家企业，需市级统筹"
    assert client.post(f"/appeals/{item.id}/triage", data=data).status_code == 302
    assert (item.tier, item.route, item.category.value) == (2, Route.escalated, "arrears")
    assert item.events[-1].to_status == "triaged"


def test_duplicates_are_offered_and_merged(
    app, client, login, dummy_staff, create_appeal_referral, dummy_enterprise
):
    first = create_appeal_referral(enterprise=dummy_enterprise)
    second = create_appeal_referral(enterprise=dummy_enterprise, summary="同一执行案件再次反映")
    other_firm = create_appeal_referral()
    assert operations.duplicates_of(second) == [first]
    login(dummy_staff)
    page = client.get(f"/appeals/{second.id}").get_data(as_text=True)
    assert f"#{first.id}" in page and f"#{other_firm.id} " not in page
    assert client.post(f"/appeals/{second.id}/merge", data={"into": other_firm.id}).status_code \
        == 400  # fmt: skip
    assert client.post(f"/appeals/{second.id}/merge", data={"into": first.id}).status_code == 302
    assert second.status == AppealStatus.merged and second.merged_into is first
    assert first.is_open


# --- the state table ------------------------------------------------------------------------

ACTORS = ("staff", "bureau", "handler", "other_handler", "firm", "other_firm", "lawyer", "leader")
ALLOWED = {
    permissions.can_manage_referrals: {"staff"},
    permissions.can_close: {"staff"},
    permissions.can_distribute: {"staff", "bureau"},
    permissions.can_department_act: {"handler"},
    permissions.can_evaluate: {"staff", "firm"},
}


@pytest.fixture
def cast(dummy_staff, bureau_user, create_handler, create_enterprise_user, dummy_lawyer,
         leadership_user, dummy_appeal_referral):  # fmt: skip
    handler = create_handler()
    item = dummy_appeal_referral
    item.tier, item.route = 1, Route.forwarded
    item.organisation_id = operations_org(handler)
    db.session.flush()
    return item, {
        "staff": dummy_staff,
        "bureau": bureau_user,
        "handler": handler,
        "other_handler": create_handler(),
        "firm": create_enterprise_user(enterprise=item.enterprise),
        "other_firm": create_enterprise_user(),
        "lawyer": dummy_lawyer,
        "leader": leadership_user,
    }


def operations_org(user):
    return permissions.organisation_id_of(user)


@pytest.mark.parametrize("start", list(AppealStatus))
@pytest.mark.parametrize("target", list(AppealStatus))
def test_state_table_every_pair(app, start, target, cast):
    item, people = cast
    item.status = start  # set up the starting state directly (test only)
    item.merged_into = None
    db.session.flush()
    with app.test_request_context():
        if (start, target) in TRANSITIONS:
            actor = people[sorted(ALLOWED[TRANSITIONS[(start, target)]])[-1]]
            if target == AppealStatus.merged:
                item.merged_into = operations.create_referral(
                    enterprise=item.enterprise, summary="另一条", by=people["staff"]
                )
            organisation = item.organisation
            transition(item, target, actor, note="说明", organisation=organisation, result="结果")
            assert item.status == target
            assert item.events[-1].to_status == target.value
            assert (item.closed_dt is not None) == (target in (AppealStatus.closed,
                                                               AppealStatus.merged))  # fmt: skip
            assert db.session.scalar(
                select(AuditEntry).where(AuditEntry.action == f"appeal_referral.{target.value}")
            )
        else:
            for actor in people.values():
                with pytest.raises(AppealError):
                    transition(item, target, actor, note="说明", result="结果")
            assert item.status == start


@pytest.mark.parametrize("pair", list(TRANSITIONS), ids=lambda p: f"{p[0]}->{p[1]}")
def test_each_step_is_refused_to_everyone_but_its_people(app, pair, cast):
    item, people = cast
    allowed = ALLOWED[TRANSITIONS[pair]]
    for name in ACTORS:
        item.status = pair[0]
        db.session.flush()
        assert TRANSITIONS[pair](people[name], item) == (name in allowed), name
        if name not in allowed:
            with app.test_request_context(), pytest.raises(AppealError):
                transition(item, pair[1], people[name], note="说明", result="结果")
            assert item.status == pair[0]


# --- the whole path through the pages -------------------------------------------------------


def test_forwarded_item_from_triage_to_closing_through_the_pages(
    app, login, dummy_staff, bureau_user, create_handler, create_enterprise_user,
    dummy_appeal_referral,
):  # fmt: skip
    item = dummy_appeal_referral
    handler = create_handler()
    org_id = permissions.organisation_id_of(handler)
    firm_user = create_enterprise_user(enterprise=item.enterprise)
    staff = login(dummy_staff, app.test_client())
    bureau = login(bureau_user, app.test_client())
    dept = login(handler, app.test_client())
    firm = login(firm_user, app.test_client())

    def post(client, url, data, code=302):
        response = client.post(url, data=data)
        assert response.status_code == code, response.get_data(as_text=True)[:2000]

    base = f"/appeals/{item.id}"
    post(
        staff,
        f"{base}/triage",
        {"category": "enforcement", "tier": "1", "tier_reason": "属实", "route": "forwarded"},
    )
    assert dept.get(base).status_code == 403  # not yet assigned to the department
    post(bureau, f"{base}/step", {"to": "distributed", "organisation": org_id, "note": "请办理"})
    assert item.organisation_id == org_id and _notes_of(handler)
    assert dept.get(base).status_code == 200
    post(dept, f"{base}/step", {"to": "accepted", "organisation": 0})
    post(dept, f"{base}/progress", {"note": "已约谈被执行人"})
    from io import BytesIO

    post(dept, f"{base}/step", {
        "to": "handled", "organisation": 0, "result": "执行款已到账",
        "files": (BytesIO(b"%PDF-1.4 result"), "结果.pdf"),
    })  # fmt: skip
    assert item.result == "执行款已到账" and len(item.attachments) == 1
    attachment = item.attachments[0]
    assert firm.get(f"{base}/files/{attachment.id}").data.startswith(b"%PDF")
    post(bureau, f"{base}/step", {"to": "reported_back", "organisation": 0})
    post(staff, f"{base}/step", {"to": "revisited", "organisation": 0})
    page = firm.get(base).get_data(as_text=True)
    assert "执行款已到账" in page and "已约谈被执行人" in page
    # Closing needs a satisfied evaluation first.
    post(staff, f"{base}/close", {"note": ""}, code=400)
    post(firm, f"{base}/evaluate", {"timeliness": "5", "result": "4", "attitude": "5",
                                    "satisfied": "yes", "method": "portal"})  # fmt: skip
    assert item.status == AppealStatus.satisfied
    assert item.evaluations[0].average == pytest.approx(4.67)
    post(firm, f"{base}/close", {}, code=403)  # the work team closes, not the firm
    post(staff, f"{base}/close", {"note": "销号"})
    assert item.status == AppealStatus.closed and item.closed_dt is not None


def test_unsatisfied_evaluation_reopens_and_tells_the_department(
    app, client, login, walk, dummy_appeal_referral, create_enterprise_user, dummy_staff
):
    item = dummy_appeal_referral
    handler = walk(item, AppealStatus.revisited)
    login(create_enterprise_user(enterprise=item.enterprise))
    data = {"timeliness": "2", "result": "1", "attitude": "3", "satisfied": "no", "comment": ""}
    refused = client.post(f"/appeals/{item.id}/evaluate", data=data)
    assert refused.status_code == 400
    assert "请说明企业不满意的原因。" in refused.get_data(as_text=True)
    assert item.status == AppealStatus.revisited
    data["comment"] = "款项仍未到账"
    assert client.post(f"/appeals/{item.id}/evaluate", data=data).status_code == 302
    assert item.status == AppealStatus.reopened and item.events[-1].note == "款项仍未到账"
    assert any("reopen" in t.lower() or "重新" in t for t in _notes_of(handler))
    with app.test_request_context(), pytest.raises(AppealError):
        operations.close(item, by=dummy_staff)


def _audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_closing_refused_says_why_on_the_items_page_and_changes_nothing(
    app, login, walk, dummy_appeal_referral, create_user, create_enterprise_user
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.revisited)  # the enterprise has not answered yet
    staff = login(create_user(role="staff"), app.test_client())
    firm = login(create_enterprise_user(enterprise=item.enterprise), app.test_client())
    english = login(create_user(role="staff", locale="en"), app.test_client())
    events, audited = len(item.events), _audit_count()

    too_early = staff.post(f"/appeals/{item.id}/close", data={"note": "销号"})
    assert too_early.status_code == 400
    assert "企业满意后方可销号。" in too_early.get_data(as_text=True)
    in_english = english.post(f"/appeals/{item.id}/close", data={"note": "closing"})
    assert "An item is closed only after the enterprise is satisfied." in in_english.get_data(
        as_text=True
    )
    not_theirs = firm.post(f"/appeals/{item.id}/close", data={"note": "我们满意了"})
    assert not_theirs.status_code == 403
    assert "只有工商联工作组可以销号。" in not_theirs.get_data(as_text=True)
    assert item.summary in not_theirs.get_data(as_text=True)  # the item's page, not a bare error
    db.session.expire_all()
    assert item.status == AppealStatus.revisited and item.closed_dt is None
    assert (len(item.events), _audit_count()) == (events, audited)

    firm.post(f"/appeals/{item.id}/evaluate", data={"timeliness": "5", "result": "5",
                                                    "attitude": "5", "satisfied": "yes"})  # fmt: skip
    assert staff.post(f"/appeals/{item.id}/close", data={"note": "销号"}).status_code == 302
    twice = staff.post(f"/appeals/{item.id}/close", data={"note": "再次销号"})
    assert twice.status_code == 400
    assert "不能转为" in twice.get_data(as_text=True)  # closed already: said, not swallowed


def test_staff_record_an_evaluation_taken_by_meeting(
    client, login, walk, dummy_appeal_referral, dummy_staff
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.revisited)
    login(dummy_staff)
    data = {"method": "portal", "timeliness": "5", "result": "5", "attitude": "5",
            "satisfied": "yes"}  # fmt: skip
    assert client.post(f"/appeals/{item.id}/evaluate", data=data).status_code == 400
    data["method"] = "talk"
    assert client.post(f"/appeals/{item.id}/evaluate", data=data).status_code == 302
    assert item.evaluations[-1].method.value == "talk" and item.status == AppealStatus.satisfied


def test_department_returns_an_item_with_its_reason(
    client, login, walk, dummy_appeal_referral, bureau_user
):
    item = dummy_appeal_referral
    handler = walk(item, AppealStatus.distributed)
    login(handler)
    url = f"/appeals/{item.id}/step"
    assert client.post(url, data={"to": "returned", "organisation": 0, "note": ""}).status_code \
        == 400  # fmt: skip
    assert item.status == AppealStatus.distributed
    client.post(url, data={"to": "returned", "organisation": 0, "note": "不属于本部门职责"})
    assert item.status == AppealStatus.returned and item.organisation_id is None
    assert client.get(f"/appeals/{item.id}").status_code == 403
    assert _notes_of(bureau_user)


def test_source_record_shows_stage_and_outcome_in_words(app, walk, dummy_appeal_referral):
    from portal.appeals.hooks import describe_referral

    item = dummy_appeal_referral
    walk(item, AppealStatus.closed)
    with app.test_request_context():
        label, url = describe_referral(item.id)
    assert "closed" not in label and "已协调解决" in label
    assert str(item.status_label) in label and url.endswith(f"/appeals/{item.id}")


def test_escalation_target_carries_the_source_category(app, dummy_staff, dummy_enterprise):
    from portal.core.models import LegalCategory

    target = app.extensions["portal.escalation_targets"]["appeal"]
    category = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "employment"))

    class Question:
        __tablename__ = "questions"
        id = 7
        title = "拖欠工资仲裁后仍不支付"
        body = "仲裁裁决已生效。"
        enterprise = dummy_enterprise

    Question.category = category
    with app.test_request_context():
        item = target["escalate"](Question(), dummy_staff)
    assert item.category.value == "labour" and item.channel == Channel.portal_record
    assert item.source_kind == "question"


# --- deadlines and escalation ---------------------------------------------------------------


def test_overdue_items_move_up_once_with_reason_and_leadership_told(
    app, walk, dummy_appeal_referral, leadership_user
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.accepted)
    later = item.stage_due_date + timedelta(days=1)
    with app.test_request_context():
        assert escalate_overdue(today=item.stage_due_date) == 0
        assert escalate_overdue(today=later) == 1
        assert escalate_overdue(today=later + timedelta(days=30)) == 0
    assert (item.tier, item.route, item.escalation_level) == (3, Route.escalated, 1)
    due = item.stage_due_date
    assert f"自{due.year}年{due.month}月{due.day}日起" in item.escalation_reason  # in Chinese
    assert "超期" in item.escalation_reason and "Overdue" not in item.escalation_reason
    assert item.events[-1].kind == "escalation"
    assert _notes_of(leadership_user)


def test_deadlines_count_working_days_and_holidays_move_to_the_next(app):
    from portal.appeals import deadlines
    from portal.core.models import CalendarDay
    from portal.core.workdays import is_workday

    db.session.add(CalendarDay(day=date(2027, 3, 3), is_workday=False, label="测试假日"))
    db.session.flush()
    with app.app_context():
        assert deadlines.next_working_day(date(2027, 3, 3)) == date(2027, 3, 4)
        assert deadlines.next_working_day(date(2027, 3, 6)) == date(2027, 3, 8)  # Saturday
        national_day = deadlines.next_working_day(date(2026, 10, 1))
        assert national_day > date(2026, 10, 3) and is_workday(national_day)
        assert not any(is_workday(date(2026, 10, 1) + timedelta(days=n))
                       for n in range((national_day - date(2026, 10, 1)).days))  # fmt: skip
        app.config["APPEALS_DEADLINES"] = {1: {"accepted": 1}}
        try:
            assert deadlines.step_days(1, "accepted") == 1
            assert deadlines.step_days(2, "accepted") == 30  # the default stays
        finally:
            del app.config["APPEALS_DEADLINES"]


def test_public_form_sent_twice_records_one_item(client, dummy_enterprise):
    import re

    page = client.get("/appeals/submit").get_data(as_text=True)
    token = re.search(r'name="submission_token"[^>]*value="([0-9a-f]{32})"', page).group(1)
    data = {"firm_name": dummy_enterprise.name, "uscc": dummy_enterprise.uscc, "contact": "张三",
            "category": "arrears", "summary": "政府项目拖欠工程款", "details": "拖欠两年。",
            "submission_token": token}  # fmt: skip
    first = client.post("/appeals/submit", data=data)
    again = client.post("/appeals/submit", data=data)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert len(db.session.scalars(select(AppealReferral)).all()) == 1


def test_only_active_verified_accounts_act_for_the_firm(
    app, create_enterprise, create_enterprise_user, dummy_staff
):
    from portal.accounts.models import Verification

    firm = create_enterprise()
    acting = create_enterprise_user(enterprise=firm)
    pending = create_enterprise_user(enterprise=firm, verification=Verification.pending)
    gone = create_enterprise_user(enterprise=firm, is_deactivated=True)
    with app.test_request_context():
        item = operations.create_referral(
            enterprise=firm, summary="厂区道路被封", details="", category="other",
            channel=Channel.research_visit, collected_by="调研组", by=dummy_staff,
        )  # fmt: skip
    assert _notes_of(acting) and not _notes_of(pending) and not _notes_of(gone)
    assert permissions.can_view_referral(acting, item)
    assert not permissions.can_view_referral(pending, item)
    assert not permissions.can_view_referral(gone, item)
    assert not permissions.can_evaluate(gone, item)


def test_new_item_from_a_meeting_number_too_large_is_a_clear_400(client, login, dummy_staff):
    login(dummy_staff)
    response = client.get("/appeals/new?meeting=99999999999999999999")
    assert response.status_code == 400
    assert client.get("/appeals/new?meeting=12345").status_code == 200  # no such meeting
