"""Profiles, per-address throttling, staff calendar, audit log filter, production settings."""

from datetime import date

import pytest
from sqlalchemy import select

import portal
from portal.audit.models import AuditEntry
from portal.audit.operations import log
from portal.config import DEFAULT_SECRET_KEY, ProductionConfig
from portal.core import clock, workdays
from portal.core.db import db
from portal.core.models import CalendarDay
from tests.fixtures.accounts import PASSWORD


def test_login_is_throttled_per_address_across_accounts(app, client, dummy_staff, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    for n in range(3):
        client.post(
            "/account/login",
            data={"email": f"guess{n}@example.com", "password": "wrong"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    blocked = client.post(
        "/account/login",
        data={"email": dummy_staff.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert blocked.status_code == 429
    assert "15 分钟" in blocked.get_data(as_text=True)
    elsewhere = client.post(
        "/account/login",
        data={"email": dummy_staff.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert elsewhere.status_code == 302


def _firm(enterprise, **overrides):
    data = {
        "firm-industry": enterprise.industry,
        "firm-size_class": enterprise.size_class,
        "firm-address": enterprise.address,
        "firm-contact_name": "周晓东",
        "firm-contact_phone": "024-22223333",
    }
    return {**data, **overrides}


def test_user_edits_their_profile_and_language(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    response = client.post(
        "/account/profile",
        data={
            "name": "周晓东",
            "phone": "13912345678",
            "locale": "en",
            **_firm(dummy_enterprise_user.enterprise),
        },
    )
    assert response.status_code == 302
    assert (dummy_enterprise_user.name, dummy_enterprise_user.phone) == ("周晓东", "13912345678")
    assert dummy_enterprise_user.locale == "en"
    assert "Your profile" in client.get("/account/profile").get_data(as_text=True)
    assert db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "user.profile_update",
            AuditEntry.object_id == str(dummy_enterprise_user.id),
        )
    )


def test_bad_profile_input_shows_field_errors_and_keeps_what_was_typed(
    client, login, dummy_enterprise_user
):
    old_name = dummy_enterprise_user.name
    login(dummy_enterprise_user)
    response = client.post(
        "/account/profile",
        data={
            "name": "新名字",
            "phone": "call me",
            "locale": "zh_CN",
            **_firm(dummy_enterprise_user.enterprise, **{"firm-contact_phone": "none"}),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="phone-error"' in page and 'value="call me"' in page and 'value="新名字"' in page
    assert 'id="firm-contact_phone-error"' in page  # every form's errors at once
    assert dummy_enterprise_user.name == old_name


def test_enterprise_user_updates_the_firms_details_but_not_its_name_or_code(
    client, login, dummy_enterprise_user, create_chamber
):
    firm = dummy_enterprise_user.enterprise
    name, uscc = firm.name, firm.uscc
    chamber = create_chamber(name="沈阳市温州商会")
    login(dummy_enterprise_user)
    response = client.post(
        "/account/profile",
        data={
            "name": dummy_enterprise_user.name,
            "phone": "",
            "locale": "zh_CN",
            **_firm(
                firm,
                **{"firm-size_class": "medium", "firm-chambers": [chamber.id]},
                **{"firm-address": "沈阳市浑南区创新路1号", "firm-industry": "I"},
            ),
            "firm-name": "别的公司",
            "firm-uscc": "91110000000000000X",
        },
    )
    assert response.status_code == 302
    assert (firm.size_class, firm.industry, firm.address) == (
        "medium",
        "I",
        "沈阳市浑南区创新路1号",
    )
    assert firm.chambers == [chamber] and firm.contact_phone == "024-22223333"
    assert (firm.name, firm.uscc) == (name, uscc)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise.update"))


def _lawyer_form(lawyer, **overrides):
    profile = lawyer.lawyer_profile
    data = {
        "name": lawyer.name,
        "phone": "",
        "locale": "zh_CN",
        "lawyer-law_firm": "辽宁新锐律师事务所",
        "lawyer-industries": ["C", "F"],
        "lawyer-specialities": [c.id for c in profile.specialities],
        "lawyer-weekly_capacity": "8",
        "lawyer-bio": "专注**劳动争议**十年。",
    }
    return {**data, **overrides}


def test_lawyer_edits_their_lawyer_profile(client, login, dummy_lawyer):
    login(dummy_lawyer)
    response = client.post("/account/profile", data=_lawyer_form(dummy_lawyer))
    assert response.status_code == 302
    profile = dummy_lawyer.lawyer_profile
    assert (profile.law_firm, profile.industries, profile.weekly_capacity) == (
        "辽宁新锐律师事务所",
        "CF",
        8,
    )
    assert profile.bio == "专注**劳动争议**十年。"


def test_lawyer_profile_errors_keep_input_and_save_nothing(client, login, dummy_lawyer):
    login(dummy_lawyer)
    response = client.post(
        "/account/profile",
        data=_lawyer_form(dummy_lawyer, **{"lawyer-weekly_capacity": "500", "name": "改名"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="lawyer-weekly_capacity-error"' in page and 'value="500"' in page
    assert "辽宁新锐律师事务所" in page
    assert dummy_lawyer.lawyer_profile.weekly_capacity == 5
    assert dummy_lawyer.name != "改名"


def test_profile_needs_a_login(client):
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def _unknown_year():
    this_year = clock.today().year
    for year in (this_year, this_year + 1):
        if not workdays.year_is_known(year):
            return year
    pytest.skip("chinese-calendar knows this year and the next")


def test_staff_see_a_warning_for_a_year_without_holidays_until_they_enter_one(
    client, login, dummy_staff
):
    year = _unknown_year()
    login(dummy_staff)
    page = client.get("/staff/calendar").get_data(as_text=True)
    assert f"{year} 年的法定节假日安排尚未录入" in page
    response = client.post(
        "/staff/calendar", data={"day": f"{year}-02-10", "label": "春节"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "已保存" in page and "春节" in page
    assert f"{year} 年的法定节假日安排尚未录入" not in page
    entry = db.session.get(CalendarDay, date(year, 2, 10))
    assert entry is not None and not entry.is_workday
    assert not workdays.is_workday(date(year, 2, 10))


def test_a_bad_calendar_date_is_a_field_error(client, login, dummy_staff):
    login(dummy_staff)
    response = client.post("/staff/calendar", data={"day": "2027-02-30", "label": "春节"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="day-error"' in page and 'value="春节"' in page


def test_calendar_is_for_staff_only(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    assert client.get("/staff/calendar").status_code == 403


def test_audit_log_filters_by_user_action_record_and_date(client, login, dummy_staff, create_user):
    clerk = create_user(email="clerk-audit@example.com")
    log("case.open", None, by=clerk, object_type="cases", object_id=7, summary="立案")
    log("case.close", None, by=clerk, object_type="cases", object_id=8, summary="结案")
    log("lecture.publish", None, by=dummy_staff, object_type="lectures", object_id=7)
    login(dummy_staff)

    def rows(**args):
        page = client.get("/staff/audit", query_string=args).get_data(as_text=True)
        return {a for a in ("case.open", "case.close", "lecture.publish") if a in page}

    assert rows() == {"case.open", "case.close", "lecture.publish"}
    assert rows(user="clerk-audit") == {"case.open", "case.close"}
    assert rows(action="case.") == {"case.open", "case.close"}
    assert rows(object_type="cases", object_id="7") == {"case.open"}
    assert rows(start="2000-01-01", end="2000-01-02") == set()
    today = clock.today().isoformat()  # dates are Beijing days
    assert rows(start=today, end=today, user="clerk-audit") == {"case.open", "case.close"}
    assert client.get("/staff/audit?start=garbage&object_id=x").status_code == 200


def test_production_refuses_the_default_secret_key():
    class Production(ProductionConfig):
        SECRET_KEY = DEFAULT_SECRET_KEY
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        portal.create_app(Production)

    class Configured(Production):
        SECRET_KEY = "a-real-secret-from-the-environment"

    app = portal.create_app(Configured)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def _staff_firm_form(enterprise, **overrides):
    return {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "industry": enterprise.industry,
        "size_class": enterprise.size_class,
        "address": enterprise.address,
        "contact_name": "王芳",
        "contact_phone": "024-12345678",
        **overrides,
    }


def test_staff_correct_a_firms_name_and_code_and_the_old_ones_stay_in_the_audit_log(
    client, login, dummy_staff, dummy_enterprise
):
    from portal.core.reference import make_uscc

    old_name, new_code = dummy_enterprise.name, make_uscc(98765)
    login(dummy_staff)
    response = client.post(
        f"/account/staff/enterprises/{dummy_enterprise.id}",
        data=_staff_firm_form(dummy_enterprise, name="沈阳新名称有限公司", uscc=new_code.lower()),
    )
    assert response.status_code == 302
    assert (dummy_enterprise.name, dummy_enterprise.uscc) == ("沈阳新名称有限公司", new_code)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise.identity"))
    assert entry.data["old"][0] == old_name and entry.user_id == dummy_staff.id


def test_staff_firm_form_refuses_a_bad_or_taken_code_and_keeps_the_input(
    client, login, dummy_staff, dummy_enterprise, create_enterprise
):
    other = create_enterprise()
    login(dummy_staff)
    url = f"/account/staff/enterprises/{dummy_enterprise.id}"
    bad = client.post(url, data=_staff_firm_form(dummy_enterprise, uscc="91210100MA0XXXXXX1"))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and 'id="uscc-error"' in page and "91210100MA0XXXXXX1" in page
    taken = client.post(url, data=_staff_firm_form(dummy_enterprise, uscc=other.uscc, name="改名"))
    page = taken.get_data(as_text=True)
    assert "另一家企业已使用该统一社会信用代码" in page and 'value="改名"' in page
    assert dummy_enterprise.uscc != other.uscc and dummy_enterprise.name != "改名"


def test_only_staff_edit_firms_and_unknown_firms_are_404(
    client, login, dummy_enterprise_user, dummy_staff
):
    login(dummy_enterprise_user)
    url = f"/account/staff/enterprises/{dummy_enterprise_user.enterprise_id}"
    assert client.get(url).status_code == 403
    client.post("/account/logout")
    login(dummy_staff)
    assert client.get(url).status_code == 200
    assert client.get("/account/staff/enterprises/999999").status_code == 404


def test_staff_find_accounts_by_name_email_enterprise_or_code(
    client, login, dummy_staff, create_enterprise_user, create_enterprise
):
    firm = create_enterprise(name="沈阳鼎盛物流有限公司")
    mover = create_enterprise_user(enterprise=firm, name="韩冰", email="hanbing@movers.example")
    other = create_enterprise_user(name="许多", email="xuduo@other.example")
    login(dummy_staff)

    def found(q):
        page = client.get("/account/staff/users", query_string={"status": "all", "q": q})
        text = page.get_data(as_text=True)
        return {u.email for u in (mover, other) if u.email in text}

    assert found("鼎盛物流") == {mover.email}
    assert found(firm.uscc.lower()) == {mover.email}
    assert found("HANBING@") == {mover.email}
    assert found("许多") == {other.email}
    assert found("%") == set()


def test_audit_log_names_roles_calendar_days_and_the_command_line(
    client, login, dummy_staff, create_user
):
    # Outside a request the address is recorded as "cli" (a command run on the server).
    log("user.create", None, object_type="users", object_id=1, summary="a@example.com (lawyer)")
    log("calendar.set", None, object_type="calendar_days", summary="2027-02-11 holiday")
    login(dummy_staff)
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "a@example.com（志愿律师）" in page and "2027-02-11 节假日" in page
    assert "命令行" in page
    assert "(lawyer)" not in page and " holiday<" not in page and ">cli<" not in page


def test_accounts_table_rows_show_each_kind_of_account(
    client, login, dummy_staff, create_enterprise_user, create_lawyer, create_user
):
    from portal.accounts.models import Role, Verification
    from tests.fixtures.queries import counted_statements

    firm_user = create_enterprise_user(name="韩冰", email="hanbing@rows.example")
    lawyer = create_lawyer(name="许律师", email="xu@rows.example")
    waiting = create_user(
        Role.mediator, name="等审核", email="wait@rows.example", verification=Verification.pending
    )
    gone = create_user(Role.mediator, name="已停用", email="gone@rows.example", is_deactivated=True)
    login(dummy_staff)
    with counted_statements() as statements:
        page = client.get("/account/staff/users?status=all").get_data(as_text=True)
    # The staff member, the rows, and (no shared cache in tests) the total and the unread count.
    assert len(statements) <= 4
    firm = firm_user.enterprise
    assert f'<a href="/account/staff/users/{firm_user.id}">韩冰</a>' in page
    assert f"{firm.name}<br><small>{firm.uscc}</small>" in page
    assert "测试律师事务所" in page and "志愿律师" in page
    assert f'action="/account/staff/users/{waiting.id}/verify"' in page
    assert f'action="/account/staff/users/{lawyer.id}/verify"' not in page
    assert '已停用</a> <span class="badge bg-secondary">已停用</span>' in page
    assert f'/account/staff/users/{gone.id}">' in page
    client.post("/language", data={"locale": "en"})
    english = client.get("/account/staff/users?status=all").get_data(as_text=True)
    assert '<span class="badge bg-secondary">deactivated</span>' in english
    assert "Verified" in english and 'value="approve" type="submit">Verify</button>' in english


def test_account_page_reads_the_firm_and_profile_with_the_account(
    client, login, dummy_staff, dummy_enterprise_user, dummy_lawyer
):
    from tests.fixtures.queries import counted_statements

    login(dummy_staff)
    with counted_statements() as statements:
        page = client.get(f"/account/staff/users/{dummy_enterprise_user.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and dummy_enterprise_user.enterprise.uscc in text
    # The firm and the profile come with the account, not by lazy loads of their own.
    assert not [s for s in statements if s.startswith(("SELECT enterprises.", "SELECT lawyer_"))]
    lawyer_page = client.get(f"/account/staff/users/{dummy_lawyer.id}").get_data(as_text=True)
    assert "测试律师事务所" in lawyer_page and "合同纠纷" in lawyer_page
    assert client.get("/account/staff/users/99999999999").status_code == 404
