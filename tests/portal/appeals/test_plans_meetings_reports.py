"""Tier-2 plans, meetings and what carries over, organisations, and the reports and commands."""

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.appeals import reports
from portal.appeals.models import (
    AppealMeeting,
    AppealOrganisation,
    AppealOrganisationMember,
    AppealReferral,
    AppealStatus,
)
from portal.core import clock
from portal.core.db import db


def _docx_text(data):
    document = Document(BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_tier_two_item_gets_a_solution_plan_as_docx_with_milestones(
    client, login, walk, dummy_appeal_referral, dummy_staff, create_organisation
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.distributed, tier=2)
    lead, helper = create_organisation("市自然资源局"), create_organisation("市住建局")
    login(dummy_staff)
    data = {"principles": "依法依规", "direction": "分步解决", "lead": lead.id,
            "cooperating": [helper.id, lead.id], "deadline": "2026-10-01",
            "team": "刘晓梅，市工商联，组长\n周宁，营商局，联络员"}  # fmt: skip
    assert client.post(f"/appeals/{item.id}/plan", data=data).status_code == 302
    plan = item.plan
    assert plan.lead is lead and plan.cooperating == [helper]  # the lead is not also co-operating
    assert plan.deadline > date(2026, 10, 3)  # National Day holidays: the next working day
    client.post(f"/appeals/{item.id}/plan/milestones",
                data={"title": "摸清底数", "due_date": "2026-11-20"})  # fmt: skip
    milestone = plan.milestones[0]
    client.post(f"/appeals/{item.id}/plan/milestones/{milestone.id}/done")
    assert milestone.done_dt is not None
    response = client.get(f"/appeals/{item.id}/plan.docx")
    text = _docx_text(response.data)
    for expected in ("依法依规", "分步解决", "市自然资源局", "市住建局", "摸清底数", "周宁"):
        assert expected in text, expected
    # Dates as a government document writes them, never 2026-11-20.
    today = clock.today()
    for day in (plan.deadline, date(2026, 11, 20), today):
        assert f"{day.year}年{day.month}月{day.day}日" in text, day
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_solution_plan_docx_writes_its_dates_in_the_readers_language(
    client, login, walk, dummy_appeal_referral, create_user, create_organisation
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.distributed, tier=2)
    login(create_user(role="staff", locale="en"))
    data = {"principles": "Lawfully", "direction": "Step by step",
            "lead": create_organisation().id, "deadline": "2026-11-20"}  # fmt: skip
    assert client.post(f"/appeals/{item.id}/plan", data=data).status_code == 302
    client.post(f"/appeals/{item.id}/plan/milestones",
                data={"title": "Survey", "due_date": "2026-12-01"})  # fmt: skip
    text = _docx_text(client.get(f"/appeals/{item.id}/plan.docx").data)
    assert "20 Nov 2026" in text and "1 Dec 2026" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_plans_are_for_tier_two_only(client, login, walk, dummy_appeal_referral, dummy_staff,
                                     create_organisation):  # fmt: skip
    item = dummy_appeal_referral
    walk(item, AppealStatus.triaged, tier=1)
    login(dummy_staff)
    data = {"principles": "x", "direction": "y", "lead": create_organisation().id,
            "deadline": "2026-12-31"}  # fmt: skip
    assert client.post(f"/appeals/{item.id}/plan", data=data).status_code == 400
    assert item.plan is None
    assert client.get(f"/appeals/{item.id}/plan.docx").status_code == 404


def test_meeting_items_and_the_next_meeting_starts_from_the_open_ones(
    client, login, dummy_staff, dummy_enterprise, create_organisation, walk
):
    court = create_organisation("市中级人民法院")
    login(dummy_staff)
    base = {"kind": "onsite", "place": "工商联", "hosts": "主席", "departments": [court.id],
            "firms_attending": "甲公司；乙公司", "minutes": "逐件交办"}  # fmt: skip
    client.post("/appeals/meetings/new", data={**base, "title": "第一次现场办公会",
                                               "held_on": "2026-06-01"})  # fmt: skip
    first = db.session.scalar(select(AppealMeeting))
    for summary in ("执行难一", "执行难二"):
        response = client.post("/appeals/new", data={
            "enterprise": dummy_enterprise.id, "channel": "onsite_meeting", "meeting": first.id,
            "collected_by": "现场办公会", "summary": summary, "category": "enforcement"})  # fmt: skip
        assert response.status_code == 302
    done, still_open = first.items
    walk(done, AppealStatus.closed)
    client.post("/appeals/meetings/new", data={**base, "title": "第二次现场办公会",
                                               "held_on": "2026-09-01"})  # fmt: skip
    second = db.session.scalar(select(AppealMeeting).where(AppealMeeting.id != first.id))
    assert second.previous is first
    page = client.get(f"/appeals/meetings/{second.id}").get_data(as_text=True)
    carried = page.split('id="carried-over"')[1].split("</ul>")[0]
    assert "执行难二" in carried and "执行难一" not in carried
    first_page = client.get(f"/appeals/meetings/{first.id}").get_data(as_text=True)
    assert "已协调解决" in first_page and "市中级人民法院" in first_page


@pytest.mark.parametrize("locale, written", [("zh_CN", "2026年6月1日"), ("en", "1 Jun 2026")])
def test_meeting_picker_names_each_meeting_by_its_day_in_words(
    client, login, create_user, locale, written
):
    login(create_user(role="staff", locale=locale))
    client.post("/appeals/meetings/new", data={"kind": "onsite", "title": "第一次现场办公会",
                                               "held_on": "2026-06-01"})  # fmt: skip
    page = client.get("/appeals/new").get_data(as_text=True)
    picker = page.split('name="meeting"')[1].split("</select>")[0]
    assert f"{written} 第一次现场办公会" in picker and "2026-06-01" not in picker
    assert 'type="date"' in page  # the date fields themselves stay machine-readable


def test_staff_maintain_organisations_and_their_accounts(client, login, dummy_staff, create_user):
    login(dummy_staff)
    client.post("/appeals/organisations", data={"name": "市税务局", "name_en": "Tax Bureau",
                                                "kind": "department", "is_active": "1"})  # fmt: skip
    org = db.session.scalar(select(AppealOrganisation))
    dupe = client.post("/appeals/organisations", data={"name": "市税务局", "kind": "department",
                                                       "is_active": "1"})  # fmt: skip
    assert dupe.status_code == 400
    assert "已有同名单位。" in dupe.get_data(as_text=True)  # said under the name, form kept
    firm_user = create_user(role=Role.enterprise)
    refused = client.post(
        f"/appeals/organisations/{org.id}/members",
        data={"email": firm_user.email},
        follow_redirects=True,
    )
    assert "只有部门经办人和营商局协调员账户可以代表单位。" in refused.get_data(as_text=True)
    handler = create_user(role=Role.department_handler)
    client.post(f"/appeals/organisations/{org.id}/members", data={"email": handler.email})
    members = db.session.scalars(select(AppealOrganisationMember)).all()
    assert [m.user_id for m in members] == [handler.id]


def test_monthly_figures_in_the_federations_phrasing(app, walk, create_appeal_referral):
    items = [create_appeal_referral(category=c) for c in ("enforcement", "permits", "arrears")]
    walk(items[0], AppealStatus.closed, route="forwarded")
    walk(items[1], AppealStatus.closed, route="direct")
    walk(items[2], AppealStatus.accepted, route="escalated", tier=3)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        f = reports.figures(*reports.month_bounds(clock.today().strftime("%Y-%m")))
        assert (f["collected"], f["resolved"], f["share"]) == (3, 2, 66.7)
        assert (f["direct"], f["forwarded"], f["forwarded_done"]) == (1, 1, 1)
        assert (f["escalated"], f["escalated_done"]) == (1, 0)
        assert reports.route_sentence(f) == (
            "直接协调解决1件；横传有关责任部门1件，已办结1件；上报市委市政府研究解决1件，已办结0件。"
        )
        assert f["avg_score"] == 4.67


@pytest.mark.parametrize(
    "language, words",
    [
        ("zh_CN", ["通报（2026年11月）", "本月", "2026年11月3日", "（2026年6月1日 – 2026年11月30日）",
                   "本期"]),
        ("en", ["appeals (Nov 2026)", "This month", "3 Nov 2026", "(1 Jun 2026 – 30 Nov 2026)",
                "This period"]),
    ],
)  # fmt: skip
def test_bulletin_names_its_period_and_due_dates_in_words(
    app, walk, create_appeal_referral, language, words
):
    month_title, this_month, due, span_title, this_period = words
    late = create_appeal_referral(summary="逾期未办结的诉求")
    walk(late, AppealStatus.accepted)
    late.stage_due_date = date(2026, 11, 3)
    db.session.flush()
    with app.test_request_context(), force_locale(language):
        month = _docx_text(reports.bulletin_docx(date(2026, 11, 1), date(2026, 11, 30)))
        span = _docx_text(reports.bulletin_docx(date(2026, 6, 1), date(2026, 11, 30)))
    assert month_title in month and this_month in month
    assert due in month and "逾期未办结的诉求" in month
    assert span_title in span and this_period in span and this_month not in span
    for text in (month, span):
        assert not re.search(r"\d{4}-\d{2}", text)


def test_ledger_and_bulletin_commands(app, walk, create_appeal_referral, tmp_path):
    item = create_appeal_referral()
    walk(item, AppealStatus.closed)
    month = clock.today().strftime("%Y-%m")
    runner = app.test_cli_runner()
    out = tmp_path / "ledger.xlsx"
    result = runner.invoke(args=["appeals", "ledger", "--month", month, "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    ledger = workbook.worksheets[[s.title for s in workbook.worksheets].index(
        next(s.title for s in workbook.worksheets if s.max_column == 17))]  # fmt: skip
    assert ledger.max_row == 2 and item.summary in [c.value for c in ledger[2]]
    docx = tmp_path / "bulletin.docx"
    result = runner.invoke(args=["appeals", "bulletin", "--month", month, "--out", str(docx)])
    assert result.exit_code == 0, result.output
    assert "1" in _docx_text(docx.read_bytes())
    bad = runner.invoke(args=["appeals", "ledger", "--month", "2026-13", "--out", str(out)])
    assert bad.exit_code != 0 and "2026-13" in bad.output
    nowhere = runner.invoke(
        args=["appeals", "bulletin", "--month", month, "--out", str(tmp_path / "no" / "x.docx")]
    )
    assert nowhere.exit_code != 0 and "Traceback" not in nowhere.output
    summary = tmp_path / "summary.docx"
    assert runner.invoke(args=["appeals", "summary", "--year", str(clock.today().year),
                               "--out", str(summary)]).exit_code == 0  # fmt: skip


def test_escalate_command_is_idempotent(app, walk, dummy_appeal_referral):
    walk(dummy_appeal_referral, AppealStatus.accepted)
    dummy_appeal_referral.stage_due_date = date(2026, 1, 5)
    db.session.flush()
    runner = app.test_cli_runner()
    assert "1 overdue" in runner.invoke(args=["appeals", "escalate"]).output
    assert "0 overdue" in runner.invoke(args=["appeals", "escalate"]).output
    assert db.session.get(AppealReferral, dummy_appeal_referral.id).tier == 3


def test_report_downloads(client, login, dummy_staff, create_appeal_referral):
    create_appeal_referral()
    login(dummy_staff)
    month = clock.today().strftime("%Y-%m")
    xlsx = client.get(f"/appeals/ledger.xlsx?month={month}")
    assert all(s.freeze_panes == "A2" for s in load_workbook(BytesIO(xlsx.data)).worksheets)
    assert client.get(f"/appeals/bulletin.docx?month={month}").data.startswith(b"PK")
    assert client.get(f"/appeals/summary/{clock.today().year}.docx").data.startswith(b"PK")
    assert client.get("/appeals/summary/1066.docx").status_code == 404


def test_staff_create_a_department_account_that_can_log_in(
    app, client, login, dummy_staff, create_organisation
):
    from portal.accounts.models import User

    org = create_organisation("市司法局")
    login(dummy_staff)
    client.post(
        f"/appeals/organisations/{org.id}/accounts",
        data={"name": "司法局 王强", "new_email": "WQ@justice.example",
              "role": "department_handler"},
    )  # fmt: skip
    user = db.session.scalar(select(User).where(User.email == "wq@justice.example"))
    assert user.role == Role.department_handler and org.members[0].user is user
    with client.session_transaction() as session:
        message = session["_flashes"][-1][1]
    password = message.rsplit(" ", 1)[-1].rsplit("：", 1)[-1]
    newcomer = app.test_client()
    response = newcomer.post(
        "/account/login", data={"email": "wq@justice.example", "password": password}
    )
    assert response.status_code == 302 and newcomer.get("/appeals").status_code == 200
    again = client.post(
        f"/appeals/organisations/{org.id}/accounts",
        data={"name": "x", "new_email": "wq@justice.example", "role": "department_handler"},
    )
    assert again.status_code == 302 and len(org.members) == 1
    refused = client.post(
        f"/appeals/organisations/{org.id}/accounts",
        data={"name": "x", "new_email": "boss@example.com", "role": "staff"},
    )
    assert refused.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "boss@example.com")) is None


def _fresh_page(client, url):
    from flask import g

    page = client.get(url).get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def test_kept_new_item_form_offers_a_new_meeting_at_once_and_fresh_tokens_each_view(
    client, login, memory_cache, create_user, dummy_enterprise
):
    login(create_user(role="staff", locale="zh_CN"))
    first = _fresh_page(client, "/appeals/new")
    assert "第三次现场办公会" not in first and 'name="summary"' in first
    client.post("/appeals/meetings/new", data={"kind": "onsite", "title": "第三次现场办公会",
                                               "held_on": "2026-06-01"})  # fmt: skip
    page = _fresh_page(client, "/appeals/new")
    assert "第三次现场办公会" in page.split('name="meeting"')[1].split("</select>")[0]
    again = _fresh_page(client, "/appeals/new")
    tokens = [
        re.search(r'name="submission_token" type="hidden" value="([0-9a-f]{32})"', p).group(1)
        for p in (page, again)
    ]
    assert tokens[0] != tokens[1]
    assert 'name="csrf_token"' in page
    data = {"enterprise": dummy_enterprise.id, "channel": "forum", "collected_by": "座谈会",
            "summary": "一件", "category": "enforcement", "submission_token": tokens[0]}  # fmt: skip
    assert client.post("/appeals/new", data=data).status_code == 302
    assert client.post("/appeals/new", data=data).status_code == 302  # the same submission
    assert db.session.scalar(select(func.count(AppealReferral.id))) == 1
    # Kept per language: an English reader gets English labels.
    english = login(create_user(role="staff", locale="en"), client.application.test_client())
    assert "Date collected" in _fresh_page(english, "/appeals/new")
