"""Bad input gets a clear message, never a 500 (issue 12 §2): each case seen answering 500."""

import pytest
from sqlalchemy import func, select

from knowledge.models import Question
from mediation.models import Case
from portal.accounts.models import User
from portal.checkups.models import Checkup
from portal.core import clock
from portal.core.db import db
from portal.core.models import CalendarDay
from portal.counsel.models import CounselService
from tests.fixtures.knowledge import category

NUL = "\x00"
CONTROL = ("control characters", "控制字符")
TOO_LARGE = ("too large", "过大")
DATES = ("Dates must lie between", "日期须在")
CHOOSE = ("Choose from the list", "请从列表中选择")


def says(response, message) -> bool:
    page = response.get_data(as_text=True)
    return any(text in page for text in message)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused_in_form(response, message=CONTROL):
    assert response.status_code == 200, response.status_code
    assert says(response, message)
    assert "is-invalid" in response.get_data(as_text=True)


# --- control characters in text fields -----------------------------------------------------


def test_nul_in_a_question_is_a_form_error_and_nothing_is_stored(
    client, login, dummy_enterprise_user, matching_lawyer
):
    login(dummy_enterprise_user)
    before = count(Question)
    response = client.post(
        "/questions/ask",
        data={
            "title": "供应商不交货" + NUL,
            "body": "合同约定3月底前交货。",
            "category": str(category("contract").id),
            "urgency": "normal",
            "submit": "1",
        },
    )
    refused_in_form(response)
    assert count(Question) == before


def test_control_character_that_strip_removes_is_still_refused(
    client, login, dummy_enterprise_user, matching_lawyer
):
    """\\x1f is whitespace to str.strip(), so Optional()/DataRequired() alone would miss it."""
    login(dummy_enterprise_user)
    before = count(Question)
    response = client.post(
        "/questions/ask",
        data={
            "title": "标题",
            "body": "正文\x1f",
            "category": str(category("contract").id),
            "urgency": "normal",
            "submit": "1",
        },
    )
    refused_in_form(response)
    assert count(Question) == before


def test_line_breaks_and_tabs_are_still_accepted(
    client, login, dummy_enterprise_user, matching_lawyer
):
    login(dummy_enterprise_user)
    response = client.post(
        "/questions/ask",
        data={
            "title": "合同\t解除",
            "body": "第一段\r\n第二段\n",
            "category": str(category("contract").id),
            "urgency": "normal",
            "submit": "1",
        },
    )
    assert response.status_code == 302


def test_nul_in_a_mediation_application_is_a_form_error(
    client, login, dummy_committee, dummy_director, dummy_applicant
):
    dummy_applicant.enterprise.chambers = [dummy_committee.chamber]
    login(dummy_applicant)
    before = count(Case)
    response = client.post(
        "/mediation/apply",
        data={
            "committee_id": dummy_committee.id,
            "title": "装修工程款纠纷",
            "category_id": "",
            "amount": "86000",
            "facts": "尾款未付" + NUL,
            "claims": "支付尾款",
            "respondent_kind": "enterprise",
            "respondent_name": "沈阳某餐饮管理有限公司",
            "respondent_phone": "024-22223333",
        },
    )
    refused_in_form(response)
    assert count(Case) == before


def test_nul_in_the_profile_is_a_form_error(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    name = dummy_enterprise_user.name
    enterprise = dummy_enterprise_user.enterprise
    response = client.post(
        "/account/profile",
        data={
            "name": "周" + NUL + "晓东",
            "phone": "13912345678",
            "locale": "zh_CN",
            "firm-industry": enterprise.industry,
            "firm-size_class": enterprise.size_class,
            "firm-address": "沈阳市" + NUL,
            "firm-contact_name": "周晓东",
            "firm-contact_phone": "024-22223333",
        },
    )
    refused_in_form(response)
    db.session.refresh(dummy_enterprise_user)
    assert dummy_enterprise_user.name == name


def test_nul_in_a_counsel_note_is_a_form_error(client, login, dummy_counsel_group):
    group = dummy_counsel_group
    login(group.lawyers[0])
    before = count(CounselService)
    response = client.post(
        f"/counsel/groups/{group.id}/services/new",
        data={
            "enterprise": group.enterprises[0].id,
            "kind": "contract_review",
            "service_date": clock.today().isoformat(),
            "minutes": "90",
            "note": "审查采购合同" + NUL,
        },
    )
    refused_in_form(response)
    assert count(CounselService) == before


def test_nul_in_a_checkup_address_is_a_form_error(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    login(dummy_staff)
    before = count(Checkup)
    response = client.post(
        "/checkups/new",
        data={
            "enterprise": create_enterprise().id,
            "lawyers": [create_lawyer().id],
            "mode": "onsite",
            "address": "沈阳市沈河区" + NUL,
            "meeting_url": "",
            "day": "2031-03-04",
            "start_time": "09:00",
            "end_time": "11:00",
        },
    )
    refused_in_form(response)
    assert count(Checkup) == before


def test_nul_in_a_calendar_label_is_a_form_error(client, login, dummy_staff):
    login(dummy_staff)
    before = count(CalendarDay)
    response = client.post(
        "/staff/calendar", data={"day": "2026-10-09", "is_workday": "y", "label": "调休" + NUL}
    )
    refused_in_form(response)
    assert count(CalendarDay) == before


@pytest.mark.parametrize("query", ["q=%00", "q=%E7%8E%8B%01", "status=%00", "%00=1"])
def test_control_characters_in_a_query_string_are_a_400_with_a_message(
    client, login, dummy_staff, query
):
    login(dummy_staff)
    response = client.get(f"/account/staff/users?{query}")
    assert response.status_code == 400
    assert says(response, CONTROL)


def test_nul_in_a_url_path_is_not_found(client, login, dummy_staff):
    login(dummy_staff)
    assert client.get("/mediation/rules/%00x").status_code == 404


# --- numbers past the database's range ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/questions/2147483648",
        "/questions/99999999999999999999999",
        "/questions/99999999999999999999999/files/1",
        "/mediation/cases/99999999999999999999999",
        "/kb/9223372036854775808",
    ],
)
def test_an_id_past_the_database_range_is_not_found(client, login, dummy_staff, url):
    login(dummy_staff)
    assert client.get(url).status_code == 404


def test_the_largest_database_integer_is_still_a_normal_not_found(client, login, dummy_staff):
    login(dummy_staff)
    assert client.get("/questions/2147483647").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/questions/staff/all?page=99999999999999999999999",
        "/account/staff/users?page=2147483648",
        "/kb?page=99999999999999999999999",
        "/mediation?committee=99999999999999999999999",
        "/kb?category=99999999999999999999999",
        "/lectures?series=99999999999999999999999",
    ],
)
def test_a_query_number_past_the_database_range_is_a_400_with_a_message(
    client, login, dummy_staff, url
):
    login(dummy_staff)
    response = client.get(url)
    assert response.status_code == 400
    assert says(response, TOO_LARGE)


def test_a_phone_number_search_is_not_mistaken_for_a_number_out_of_range(
    client, login, dummy_staff
):
    login(dummy_staff)
    assert client.get("/account/staff/users?q=13800138000").status_code == 200


# --- dates at the edges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/questions/staff/figures?month=9999-12",
        "/questions/staff/figures.xlsx?month=9999-12",
        "/questions/staff/figures.xlsx?month=0001-01",
        "/mediation/documents/report?month=9999-12",
        "/mediation/documents/report.xlsx?month=9999-12",
        "/mediation/documents/ledger?start=0001-01-01&end=9999-12-31",
        "/mediation/documents/ledger.xlsx?start=0001-01-01&end=9999-12-31",
        "/dashboard?start=0001-01-01&end=9999-12-31",
        "/dashboard/statistics.xlsx?month=9999-12",
        "/appeals/ledger?month=9999-12",
        "/checkups/calendar?date=9999-12-31",
        "/checkups/stats?start=0001-01-01&end=9999-12-31",
    ],
)
def test_a_date_at_the_edge_of_the_calendar_is_a_400_with_a_message(
    client, login, dummy_staff, dummy_committee, url
):
    login(dummy_staff)
    response = client.get(url)
    assert response.status_code == 400
    assert says(response, DATES)


def test_a_date_at_the_edge_in_a_form_is_a_form_error(client, login, dummy_staff):
    login(dummy_staff)
    before = count(CalendarDay)
    response = client.post("/staff/calendar", data={"day": "9999-12-31", "label": "x"})
    refused_in_form(response, ("Enter a date between", "之间的日期"))
    assert count(CalendarDay) == before


def test_a_number_past_the_range_in_a_form_is_a_form_error(client, login, dummy_counsel_group):
    group = dummy_counsel_group
    login(group.lawyers[0])
    response = client.post(
        f"/counsel/groups/{group.id}/services/new",
        data={
            "enterprise": group.enterprises[0].id,
            "kind": "contract_review",
            "service_date": clock.today().isoformat(),
            "minutes": "99999999999999999999999",
            "note": "审查采购合同",
        },
    )
    refused_in_form(response, TOO_LARGE)


# --- an empty multi-select ---------------------------------------------------------------------


def test_empty_chambers_on_registration_is_a_form_error(client):
    from tests.portal.test_accounts import _enterprise_form

    before = count(User)
    response = client.post("/account/register/enterprise", data=_enterprise_form(chambers=""))
    refused_in_form(response, CHOOSE)
    assert count(User) == before


def test_empty_chambers_on_the_profile_is_a_form_error(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    enterprise = dummy_enterprise_user.enterprise
    response = client.post(
        "/account/profile",
        data={
            "name": "周晓东",
            "phone": "13912345678",
            "locale": "zh_CN",
            "firm-industry": enterprise.industry,
            "firm-size_class": enterprise.size_class,
            "firm-address": "",
            "firm-chambers": "",
            "firm-contact_name": "周晓东",
            "firm-contact_phone": "024-22223333",
        },
    )
    refused_in_form(response, CHOOSE)
    db.session.refresh(dummy_enterprise_user)
    assert dummy_enterprise_user.name != "周晓东"


def test_nul_in_text_a_view_reads_itself_is_a_400_and_nothing_changes(
    client, login, dummy_counsel_service, firm_user_of
):
    service = dummy_counsel_service
    status = service.status
    login(firm_user_of(service.enterprise))
    response = client.post(
        f"/counsel/services/{service.id}/status", data={"to": "disputed", "reason": "不对" + NUL}
    )
    assert response.status_code == 400
    assert says(response, CONTROL)
    db.session.refresh(service)
    assert service.status == status


@pytest.mark.parametrize("value", ["x", "99999999999999999999999"])
def test_an_unreadable_id_in_a_form_field_is_not_found(client, login, dummy_staff, value):
    login(dummy_staff)
    assert client.post("/checkups/new", data={"follow_up_of": value}).status_code == 404


@pytest.mark.parametrize("day", ["2026-13-45", "x"])
def test_a_path_date_that_is_not_a_date_is_not_found(client, login, dummy_staff, day):
    login(dummy_staff)
    assert client.post(f"/staff/calendar/{day}/remove").status_code == 404


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_every_package_is_a_house_form(app):
    """The input checks live in portal.core.forms.FlaskForm; a form built on Flask-WTF's own
    class would skip them."""
    from flask_wtf import FlaskForm as FlaskWTFForm

    from portal.core.forms import FlaskForm

    strays = [
        f"{form.__module__}.{form.__qualname__}"
        for form in _subclasses(FlaskWTFForm)
        if not issubclass(form, FlaskForm) and not form.__module__.startswith("tests.")
    ]
    assert strays == []
    assert len(list(_subclasses(FlaskForm))) > 50


@pytest.mark.parametrize("amount", ["nan", "-inf", "1e309", "1000000000000"])
def test_an_amount_that_is_not_a_storable_number_is_a_form_error(
    client, login, dummy_committee, dummy_director, dummy_applicant, amount
):
    dummy_applicant.enterprise.chambers = [dummy_committee.chamber]
    login(dummy_applicant)
    before = count(Case)
    response = client.post(
        "/mediation/apply",
        data={
            "committee_id": dummy_committee.id,
            "title": "装修工程款纠纷",
            "amount": amount,
            "facts": "尾款未付",
            "claims": "支付尾款",
            "respondent_kind": "enterprise",
            "respondent_name": "沈阳某餐饮管理有限公司",
            "respondent_phone": "024-22223333",
        },
    )
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)
    assert count(Case) == before
