"""A firm registers, federation staff verify it, its user logs in and out, in both languages."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from portal.core.reference import make_uscc
from tests.e2e.helpers import as_enterprise, as_staff, as_visitor, nav_link, open_menu, path_of

pytestmark = pytest.mark.e2e


def _new_firm():
    tag = secrets.token_hex(3)
    seed = 500_000 + int(tag, 16) % 300_000
    return {
        "email": f"boss-{tag}@firm.example",
        "enterprise_name": f"沈阳测试{tag}机械有限公司",
        "uscc": make_uscc(seed),
    }


def test_enterprise_registers_staff_verifies_then_it_logs_in_and_out_in_chinese(new_page):
    firm = _new_firm()
    enterprise = as_enterprise(new_page())
    enterprise.register(name="王建华", chambers=("沈阳市浙江商会",), address="沈阳市和平区", **firm)
    expect(enterprise.flash()).to_contain_text("注册成功")
    assert path_of(enterprise.page) == "/account/login"

    enterprise.log_in(firm["email"])
    expect(enterprise.heading).to_contain_text("欢迎您，王建华")
    expect(enterprise.main).to_contain_text("您的注册正在等待工商联工作人员审核")
    enterprise.log_out()
    expect(enterprise.flash()).to_contain_text("您已退出登录")

    staff = as_staff(new_page()).use_language("zh-CN").log_in("staff@demo.example")
    staff.verify(firm["email"])
    expect(staff.flash()).to_contain_text("已审核")

    enterprise.log_in(firm["email"])
    expect(enterprise.main).to_contain_text(firm["enterprise_name"])
    expect(enterprise.main).not_to_contain_text("等待工商联工作人员审核")
    inbox = enterprise.page.locator("header a[href$='/inbox']")
    expect(inbox).to_contain_text("1")  # the unread badge
    inbox.click()
    expect(enterprise.main).to_contain_text("您的注册已审核通过")
    enterprise.main.locator("form[action$='/inbox/read'] button").click()
    expect(inbox).not_to_contain_text("1")
    enterprise.log_out()
    assert not enterprise.is_logged_in


def test_enterprise_registers_and_logs_in_and_out_in_english_after_switching_language(
    new_page,
):
    firm = _new_firm()
    visitor = as_visitor(new_page()).open("/")
    assert visitor.language == "zh-CN"
    expect(visitor.page.locator("header")).to_contain_text("登录")
    visitor.switch_language()
    assert visitor.language == "en"
    expect(visitor.page.locator("header")).to_contain_text("Log in")

    enterprise = as_enterprise(visitor.page)
    enterprise.register(name="Li Ming", **firm)
    expect(enterprise.flash()).to_contain_text("Thank you")
    enterprise.log_in(firm["email"])
    expect(enterprise.heading).to_contain_text("Welcome, Li Ming")
    expect(enterprise.main).to_contain_text("waiting for verification")

    # A language picked before logging in becomes the account's setting.
    staff = as_staff(new_page()).use_language("en").log_in("staff@demo.example")
    assert staff.language == "en"
    staff.verify(firm["email"])
    expect(staff.flash()).to_contain_text("verified")

    enterprise.open("/")
    expect(enterprise.main).not_to_contain_text("waiting for verification")
    enterprise.log_out()
    expect(enterprise.flash()).to_contain_text("You have logged out.")

    # The choice sticks to the account: back to Chinese, then log in again in Chinese.
    enterprise.switch_language()
    assert enterprise.language == "zh-CN"
    enterprise.log_in(firm["email"])
    expect(enterprise.heading).to_contain_text("欢迎您")
    enterprise.log_out()


def test_bad_registration_keeps_what_was_typed_and_names_the_field(page):
    enterprise = as_enterprise(page)
    firm = _new_firm()
    wrong_check = "1" if firm["uscc"][-1] == "0" else "0"
    enterprise.register(
        name="张伟", **{**firm, "uscc": firm["uscc"][:-1] + wrong_check}, address="浑南区"
    )
    expect(page.locator("#uscc-error")).to_contain_text("校验位")
    expect(page.locator("#uscc")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#enterprise_name")).to_have_value(firm["enterprise_name"])
    expect(page.locator("#address")).to_have_value("浑南区")


def test_a_copied_session_cookie_stops_working_after_logout(new_page, log_in_as):
    first = log_in_as(new_page(), "enterprise2@demo.example")
    cookies = first.page.context.cookies()
    second_page = new_page()
    second_page.context.add_cookies(cookies)
    second = as_visitor(second_page).open("/")
    assert second.is_logged_in
    first.log_out()
    second.open("/")
    assert not second.is_logged_in


def _all_tappable(links):
    for n in range(links.count()):
        link = links.nth(n)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, link.inner_text()
        assert box["height"] >= 24, f"{link.inner_text()} is too small to tap"


@pytest.mark.parametrize("javascript", [True, False])
def test_the_navigation_is_usable_on_a_phone(new_page, log_in_as, javascript):
    phone = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
    for email in (None, "staff@demo.example"):
        page = new_page(**phone, java_script_enabled=javascript)
        visitor = log_in_as(page, email) if email else as_visitor(page).open("/")
        page.goto("/")
        # Nothing wider than the screen: no sideways scrolling needed to reach the menu.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # The header is one line until the menu is opened (it took 256 px before).
        assert page.locator("header").bounding_box()["height"] <= 80
        open_menu(page)
        # The top level; what is inside a group is checked once the group is open.
        top = page.locator(
            "header nav .nav-groups > li > a, header nav .nav-groups summary, "
            "header nav .nav-user > li > a, header nav .nav-user > li > form button, "
            "header nav .nav-user summary"
        )
        assert top.count() >= 3
        _all_tappable(top)
        for group in page.locator("header details.nav-group").all():
            group.locator("summary").tap()
            _all_tappable(group.locator("a, button"))
        if email:
            nav_link(page, "/account/staff/users").tap()
            expect(visitor.heading).to_have_text(re.compile("账户管理|Accounts"))
        else:
            nav_link(page, "/account/login").tap()
            expect(visitor.heading).to_have_text("登录")
