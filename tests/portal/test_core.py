"""Markdown sanitising, USCC checksum, health check, security headers, working days."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core import clock, workdays
from portal.core.db import db
from portal.core.markdown import render
from portal.core.models import CalendarDay
from portal.core.reference import USCC_ALPHABET, make_uscc, uscc_check_character, uscc_problem


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>hello",
        "[click](javascript:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        '<img src=x onerror="alert(1)">',
        '<a href="#" onclick="x()">a</a>',
    ],
)
def test_markdown_never_lets_script_through(app, text):
    with app.test_request_context():
        html = str(render(text))
    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:text" not in html
    assert "onerror" not in html and "onclick" not in html


def test_markdown_keeps_ordinary_formatting(app):
    with app.test_request_context():
        html = str(render("**合同**\n\n- 一\n- 二\n\n[法院](https://court.gov.cn)"))
    assert "<strong>合同</strong>" in html
    assert "<li>一</li>" in html
    assert 'href="https://court.gov.cn"' in html


def test_a_text_shown_again_is_not_converted_again_but_its_hooks_still_run(app, monkeypatch):
    from portal.core import markdown

    conversions = []
    real_converter = markdown._converter

    def counting_converter():
        conversions.append(1)
        return real_converter()

    monkeypatch.setattr(markdown, "_converter", counting_converter)
    markdown._converted_kept.cache_clear()
    linked = {"law": "合同法"}
    hooks = [lambda text: text.replace("《合同法》", f"[{linked['law']}](https://law.example/1)")]
    monkeypatch.setitem(app.extensions, "portal.markdown_hooks", hooks)
    text = "依据《合同法》，**应当**付款。"
    with app.test_request_context():
        first, second = str(render(text)), str(render(text))
        linked["law"] = "民法典"  # what the hook links changed (the database did)
        third = str(render(text))
        long_text = "长" * (markdown._KEPT_TEXT_LENGTH + 1)
        render(long_text), render(long_text)
    assert first == second and "<strong>应当</strong>" in first and ">合同法</a>" in first
    assert ">民法典</a>" in third
    assert len(conversions) == 2 + 2  # the two hooked texts once each; a long text every time


def test_known_real_uscc_passes():
    # Published code of a real company (checksum verified by hand against GB 32100).
    assert uscc_problem("91110108551385082Q") is None


@given(st.integers(min_value=0, max_value=10**6))
def test_generated_uscc_is_valid_and_any_change_of_check_char_is_caught(seed):
    code = make_uscc(seed)
    assert uscc_problem(code) is None
    for c in USCC_ALPHABET:
        if c != code[-1]:
            assert uscc_problem(code[:-1] + c) is not None


def test_uscc_with_forbidden_letters_is_refused():
    assert uscc_problem("91110108551385082O") is not None
    assert uscc_problem("short") is not None
    assert uscc_check_character("91110108551385082") == "Q"


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"


def test_healthz_is_503_when_database_is_unreachable(app, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] != "ok"
    assert response.json["search"] == response.json["mail"] == "ConnectionError"


def test_security_headers_forbid_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_answer_in_the_chosen_language(client):
    assert "登录" in client.get("/account/login").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    assert "Log in" in client.get("/account/login").get_data(as_text=True)


def test_404_page_is_in_chinese_by_default(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "找不到" in response.get_data(as_text=True) or "不存在" in response.get_data(
        as_text=True
    )


def test_spring_festival_2026_counts_holidays_and_make_up_days(app):
    # 2026 Spring Festival: holiday 15-23 Feb, make-up working days Sat 14 Feb and Sat 28 Feb.
    assert workdays.is_workday(date(2026, 2, 14))
    assert not workdays.is_workday(date(2026, 2, 16))
    start = clock.utc(2026, 2, 13, 10, 0)
    assert workdays.add_working_days(start, 1) == clock.utc(2026, 2, 14, 10, 0)
    assert workdays.add_working_days(start, 2) == clock.utc(2026, 2, 24, 10, 0)


def test_national_day_2026(app):
    start = clock.utc(2026, 9, 30, 9, 0)
    result = workdays.add_working_days(start, 1)
    assert result.date() == workdays_next_after_national_day()


def workdays_next_after_national_day():
    import chinese_calendar

    day = date(2026, 10, 1)
    while not chinese_calendar.is_workday(day):
        day = date.fromordinal(day.toordinal() + 1)
    return day


def test_unknown_year_counts_weekends_only_and_never_raises(app):
    assert workdays.is_workday(date(2027, 3, 3))  # a Wednesday
    assert not workdays.is_workday(date(2027, 3, 6))  # a Saturday
    assert workdays.missing_calendar_years(2027) == [2027]


def test_staff_entries_override_and_extend_the_calendar(app):
    db.session.add(CalendarDay(day=date(2027, 1, 1), is_workday=False, label="元旦"))
    db.session.flush()
    assert not workdays.is_workday(date(2027, 1, 1))
    assert workdays.missing_calendar_years(2027) == []


def test_a_language_chosen_before_log_in_becomes_the_accounts_and_survives_log_out(
    client, dummy_staff
):
    from tests.fixtures.accounts import PASSWORD

    client.post("/language", data={"locale": "en", "next": "/account/login"})
    client.post("/account/login", data={"email": dummy_staff.email, "password": PASSWORD})
    assert dummy_staff.locale == "en"
    assert "Welcome" in client.get("/").get_data(as_text=True)
    page = client.post("/account/logout", follow_redirects=True).get_data(as_text=True)
    assert "You have logged out." in page and "Log in" in page


def test_new_accounts_keep_the_language_they_registered_in(client):
    from portal.accounts.models import User
    from portal.core.db import db
    from portal.core.reference import make_uscc

    client.post("/language", data={"locale": "en"})
    data = {
        "name": "Li Ming",
        "email": "li@example.com",
        "phone": "13800000000",
        "password": "a-long-password",
        "password_again": "a-long-password",
        "enterprise_name": "Shenyang Test Ltd",
        "uscc": make_uscc(777),
        "industry": "C",
        "size_class": "small",
    }
    assert client.post("/account/register/enterprise", data=data).status_code == 302
    assert db.session.query(User).filter_by(email="li@example.com").one().locale == "en"


def test_the_served_app_keeps_what_it_loaded_out_of_the_garbage_collectors_walks(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.db'}",
        UPLOAD_DIR=str(tmp_path / "uploads"),
        SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
    )
    frozen = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    assert int(frozen) > 10_000  # the app, its extensions and catalogs: far more than that


def _profile(user, locale):
    return {"name": user.name, "phone": "", "locale": locale}


@pytest.mark.parametrize(
    "old, new, saved",
    [("zh_CN", "en", "Your profile is saved."), ("en", "zh_CN", "个人资料已保存。")],
)
def test_a_language_saved_in_the_profile_speaks_at_once(
    client, login, create_user, old, new, saved
):
    user = create_user(locale=old)
    login(user)
    page = client.post("/account/profile", data=_profile(user, new), follow_redirects=True)
    assert saved in page.get_data(as_text=True)


def test_log_in_greets_in_the_accounts_language_whatever_the_browser_says(client, create_user):
    from tests.fixtures.accounts import PASSWORD

    user = create_user(locale="en")
    page = client.post(
        "/account/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"Accept-Language": "zh-CN"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Welcome, {user.name}." in page


def test_a_form_whose_message_is_translated_after_its_commit_reads_the_user_once(
    client, login, create_user
):
    from tests.fixtures.queries import counted_statements

    user = create_user(locale="zh_CN")
    login(user)
    data = _profile(user, "zh_CN")
    db.session.expire_all()  # as a new request's session: the user is read at the door
    with counted_statements() as statements:
        page = client.post("/account/profile", data=data)
    assert page.status_code == 302
    assert "个人资料已保存。" in str(client.get("/account/profile").get_data(as_text=True))
    reads = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM users" in s]
    assert len(reads) == 1
