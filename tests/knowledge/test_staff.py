"""Staff: routing rules, roster and capacity, overdue list, reassignment, figures and XLSX."""

import re
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from knowledge import operations
from knowledge.models import QuestionStatus as S
from knowledge.models import RoutingRule
from portal.core import clock
from portal.core.db import utcnow
from tests.fixtures.knowledge import category


def test_staff_edit_the_routing_rule_of_a_category(client, login, dummy_staff, db_session):
    login(dummy_staff)
    assert client.get("/questions/staff/rules").status_code == 200
    cat = category("employment")
    response = client.post(
        f"/questions/staff/rules/{cat.id}",
        data={f"c{cat.id}-mode": "direct", f"c{cat.id}-deadline_days": "5"},
    )
    assert response.status_code == 302
    rule = db_session.scalar(select(RoutingRule).where(RoutingRule.category_id == cat.id))
    assert (rule.mode, rule.deadline_days) == ("direct", 5)


def test_routing_rule_with_bad_deadline_is_refused(client, login, dummy_staff, db_session):
    login(dummy_staff)
    cat = category("tax")
    response = client.post(
        f"/questions/staff/rules/{cat.id}",
        data={f"c{cat.id}-mode": "pool", f"c{cat.id}-deadline_days": "0"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert db_session.scalar(select(RoutingRule).where(RoutingRule.category_id == cat.id)) is None


def test_roster_shows_capacity_and_load_and_staff_change_capacity(
    client, login, dummy_staff, answered_question, matching_lawyer
):
    login(dummy_staff)
    page = client.get("/questions/staff/lawyers").get_data(as_text=True)
    assert matching_lawyer.name in page and "1 / 5" in page
    client.post(
        f"/questions/staff/lawyers/{matching_lawyer.id}",
        data={f"l{matching_lawyer.id}-weekly_capacity": "8"},
    )
    assert matching_lawyer.lawyer_profile.weekly_capacity == 8


def test_the_roster_keeps_conflicts_and_open_questions_30_s_and_counts_them_right(
    client, login, dummy_staff, dummy_question, matching_lawyer, create_enterprise, memory_cache
):
    from portal.accounts.models import LawyerConflict
    from portal.core.db import db
    from tests.fixtures.queries import counted_statements

    operations.claim(dummy_question, matching_lawyer)  # one open question
    db.session.add(
        LawyerConflict(lawyer_id=matching_lawyer.id, enterprise_id=create_enterprise().id)
    )
    db.session.flush()
    login(dummy_staff)
    with counted_statements() as first:
        page = client.get("/questions/staff/lawyers").get_data(as_text=True)
    with counted_statements() as again:
        page_again = client.get("/questions/staff/lawyers").get_data(as_text=True)
    for html in (page, page_again):
        row = re.search(re.escape(matching_lawyer.name) + r".*?</tr>", html, re.S).group()
        cells = re.findall(r"<td>([^<]*)</td>", row)
        assert cells[-2:] == ["1", "1"]  # open questions, conflicts declared
    assert len([s for s in first if "lawyer_conflicts" in s]) == 1  # with the open questions
    assert not [s for s in again if "lawyer_conflicts" in s or "GROUP BY" in s]


def test_the_rosters_capacity_field_is_the_capacity_forms_own_and_names_the_industries(
    app, client, login, dummy_staff, create_lawyer
):
    from flask_babel import gettext

    from knowledge.forms import CapacityForm

    lawyer = create_lawyer(industries="CF", weekly_capacity=7)
    login(dummy_staff)
    page = client.get("/questions/staff/lawyers", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    written = re.search(rf'<input [^>]*name="l{lawyer.id}-weekly_capacity"[^>]*>', page).group()
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        label = gettext("Weekly capacity")
        form = CapacityForm(prefix=f"l{lawyer.id}", formdata=None, weekly_capacity=7)
        rendered = str(
            form.weekly_capacity(
                class_="form-control form-control-sm",
                **{"aria-label": f"{label} · {lawyer.name}"},
            )
        )
    assert written == rendered
    assert "制造业、批发和零售业" in page  # C and F, in the page's language


def test_overdue_question_is_listed_and_reassigned(
    client, login, dummy_staff, create_question, matching_lawyer, create_lawyer
):
    with clock.frozen(utcnow() - timedelta(days=20)):
        question = create_question()
    assert question.is_overdue
    login(dummy_staff)
    assert question.title in client.get("/questions/staff/overdue").get_data(as_text=True)
    other = create_lawyer(industries="C", specialities=("contract",))
    response = client.post(
        f"/questions/{question.id}/reassign", data={"lawyer": str(other.id), "note": "原律师未响应"}
    )
    assert response.status_code == 302
    assert question.status == S.assigned and question.lawyer == other
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "原律师未响应" in page


def test_staff_question_page_shows_routing_reasons(client, login, dummy_staff, dummy_question):
    login(dummy_staff)
    page = client.get(f"/questions/{dummy_question.id}").get_data(as_text=True)
    assert "specialises in this category" in page or "擅长" in page


def test_monthly_figures_and_xlsx_export(client, login, dummy_staff, answered_question):
    login(dummy_staff)
    month = clock.today().strftime("%Y-%m")  # figures are kept by Beijing month
    page = client.get(f"/questions/staff/figures?month={month}")
    assert page.status_code == 200
    response = client.get(f"/questions/staff/figures.xlsx?month={month}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    total = list(book.worksheets[0].iter_rows(values_only=True))
    assert total[2][:2] == (1, 1)  # asked, answered
    assert total[2][4] == 1  # enterprises answered
    assert len(book.worksheets) == 4


def test_figures_with_a_bad_month_fall_back_to_this_month(client, login, dummy_staff):
    login(dummy_staff)
    assert client.get("/questions/staff/figures?month=garbage").status_code == 200


def test_staff_pages_are_closed_to_others(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    for url in ("/questions/staff", "/questions/staff/rules", "/questions/staff/figures.xlsx"):
        assert client.get(url).status_code == 403


def test_staff_overview_lists_unrouted_questions(
    client, login, dummy_staff, create_question, matching_lawyer
):
    question = create_question(category="bankruptcy", title="没人能答的问题")
    assert question.status == S.submitted
    login(dummy_staff)
    assert "没人能答的问题" in client.get("/questions/staff").get_data(as_text=True)


def test_staff_overview_keeps_which_questions_its_lists_show_but_reads_them_afresh(
    client, login, dummy_staff, create_question, matching_lawyer, memory_cache
):
    from tests.fixtures.queries import counted_statements

    unrouted = create_question(category="bankruptcy", title="没人能答的问题")
    gone = create_question(category="bankruptcy", title="已撤回的问题")
    login(dummy_staff)
    with counted_statements() as first:
        page = client.get("/questions/staff").get_data(as_text=True)
    assert "没人能答的问题" in page and "已撤回的问题" in page
    operations.withdraw(gone, gone.asker)
    with counted_statements() as again:
        page = client.get("/questions/staff").get_data(as_text=True)

    # The glimpses' ids kept (no walk of the unrouted and overdue questions), their rows read
    # again: the withdrawn question has left the list at once, the other is still there.
    def walks(statements):
        return [s for s in statements if "NOT (EXISTS" in s or "UNION ALL" in s]

    def reads_rows(statements):
        return any(s.startswith("SELECT questions.id, questions.title") for s in statements)

    assert len(walks(first)) == 2 and reads_rows(first)
    assert walks(again) == [] and reads_rows(again)
    assert "没人能答的问题" in page and "已撤回的问题" not in page
    assert unrouted.status == S.submitted


def test_dashboard_stats_function(app, answered_question):
    start = utcnow() - timedelta(days=1)
    data = app.extensions["portal.stats"]["questions"](start, utcnow() + timedelta(days=1))
    assert data["asked"] == 1 and data["enterprises_answered"] == 1


def test_home_sections_per_role(client, login, answered_question, matching_lawyer, dummy_staff):
    login(answered_question.asker)
    assert answered_question.title in client.get("/").get_data(as_text=True)


def test_operations_refuse_reassigning_to_a_conflicted_lawyer(
    dummy_question, dummy_staff, create_lawyer
):
    import pytest

    from knowledge.operations import QuestionError
    from portal.accounts.models import LawyerConflict

    lawyer = create_lawyer()
    lawyer.lawyer_profile.conflicts.append(
        LawyerConflict(enterprise_id=dummy_question.enterprise_id)
    )
    with pytest.raises(QuestionError):
        operations.reassign(dummy_question, lawyer, dummy_staff)


def test_staff_are_warned_when_the_deadline_year_has_no_calendar(
    client, login, dummy_staff, create_question, matching_lawyer
):

    with clock.frozen(clock.utc(2027, 3, 1, 2)):
        question = create_question()
    login(dummy_staff)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "2027" in page and "alert-warning" in page


def test_the_roster_names_specialities_and_counts_conflicts_in_the_pages_language(
    client, login, dummy_staff, create_lawyer, create_enterprise, db_session
):
    from portal.accounts.models import LawyerConflict

    lawyer = create_lawyer(specialities=("contract", "tax"), name="花名册律师")
    for _ in range(2):
        db_session.add(LawyerConflict(lawyer_id=lawyer.id, enterprise_id=create_enterprise().id))
    db_session.flush()
    login(dummy_staff)
    names = {}
    for language in ("zh-CN", "en"):
        page = client.get("/questions/staff/lawyers", headers={"Accept-Language": language})
        row = re.search(r"花名册律师.*?</tr>", page.get_data(as_text=True), re.S).group()
        names[language] = re.findall(r"<td>([^<]*)</td>", row)
    specialities = sorted((category("contract"), category("tax")), key=lambda c: c.id)
    assert names["zh-CN"][0] == ", ".join(c.name_zh for c in specialities)
    assert names["en"][0] == ", ".join(c.name_en for c in specialities)
    assert names["en"][-1] == "2"  # conflicts declared


def test_reassignment_offers_matching_lawyers_first_never_a_conflicted_one(
    client, login, dummy_staff, dummy_question, matching_lawyer, create_lawyer, create_conflict
):
    from tests.fixtures.queries import counted_statements

    # Specialities given out of order: the choice names them in the categories' own order.
    other = create_lawyer(name="甲律师", industries="F", specialities=("tax", "contract"))
    idle = create_lawyer(name="乙律师", specialities=("contract",), is_deactivated=True)
    conflicted = create_lawyer(name="丙律师", specialities=("contract",))
    create_conflict(lawyer=conflicted, enterprise=dummy_question.enterprise)
    login(dummy_staff)
    with counted_statements() as statements:
        page = client.get(f"/questions/{dummy_question.id}").get_data(as_text=True)
    assert not any("lawyer_conflicts.reason" in s for s in statements)  # no profiles as objects
    choices = re.findall(r'<option value="(\d+)">([^<]*)</option>', page)
    assert choices[0] == (str(matching_lawyer.id), f"{matching_lawyer.name} · 合同纠纷 ✓")
    assert (str(other.id), "甲律师 · 合同纠纷、财税") in choices  # not industry C: no ✓
    assert (str(idle.id), "乙律师 · 合同纠纷") in choices  # deactivated: offered, not matching
    assert str(conflicted.id) not in {value for value, _text in choices}
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/questions/{dummy_question.id}").get_data(as_text=True)
    assert f'<option value="{other.id}">甲律师 · Contracts、Tax</option>' in english
