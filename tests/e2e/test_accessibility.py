"""axe-core on the main pages: no serious or critical violations, in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.helpers import nav_link, open_menu

pytestmark = pytest.mark.e2e

ANONYMOUS = [
    "/",
    "/about",
    "/account/login",
    "/account/register",
    "/account/register/enterprise",
    "/account/register/lawyer",
    "/no-such-page",
]
ENTERPRISE = ["/", "/account/profile", "/account/password", "/inbox"]
LAWYER = ["/account/profile", "/account/profile?firm=沈阳"]
STAFF = [
    "/",
    "/account/staff/users",
    "/account/staff/users?status=all",
    "/staff/audit",
    "/staff/calendar",
    "/staff/categories",
    "/staff/outbox",
    "/dashboard",
    "/dashboard?month=2026-13",
    "/inbox",
]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one readable line each."""
    # The whole page: after a click the new page may still be parsing, and a half-parsed form
    # has, say, an aria-describedby naming an error message not parsed yet.
    page.wait_for_load_state()
    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            problems.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return problems


def check_pages(page, paths):
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == (404 if path == "/no-such-page" else 200), path
        problems = serious_violations(page)
        if problems:
            found[path] = problems
    assert not found, found


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_public_pages_have_no_serious_accessibility_problems(page):
    check_pages(page, ANONYMOUS)


def test_a_form_showing_errors_has_no_serious_accessibility_problems(page):
    page.goto("/account/register/enterprise")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert serious_violations(page) == []


def test_enterprise_pages_have_no_serious_accessibility_problems(page, log_in_as):
    log_in_as(page, "enterprise3@demo.example")
    check_pages(page, ENTERPRISE)


def test_unverified_enterprise_home_has_no_serious_accessibility_problems(page, log_in_as):
    log_in_as(page, "enterprise97@demo.example")
    check_pages(page, ["/"])


def test_lawyer_pages_have_no_serious_accessibility_problems(page, log_in_as):
    log_in_as(page, "lawyer3@demo.example")
    check_pages(page, ["/", *LAWYER])


def test_staff_pages_have_no_serious_accessibility_problems(page, log_in_as):
    log_in_as(page, "staff2@demo.example")
    check_pages(page, STAFF)
    page.goto("/account/staff/users?status=all&role=enterprise")
    page.locator("main tbody a").first.click()
    expect(page.locator("main dl")).to_be_visible()
    assert serious_violations(page) == []
    page.locator("main a[href*='/account/staff/enterprises/']").click()
    expect(page.locator("main form #uscc")).to_be_visible()
    assert serious_violations(page) == []


PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("email", [None, "enterprise3@demo.example", "staff2@demo.example"])
def test_front_page_role_homes_and_open_menu_pass_axe_at_phone_width(
    new_page, log_in_as, locale, email
):
    page = new_page(locale=locale, **PHONE)
    if email:
        log_in_as(page, email)
    page.goto("/")
    assert serious_violations(page) == []
    open_menu(page)
    for group in page.locator("header details.nav-group summary").all():
        group.tap()
    assert serious_violations(page) == []


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_open_navigation_group_passes_axe_on_a_wide_screen(page, log_in_as):
    log_in_as(page, "staff2@demo.example")
    page.goto("/")
    nav_link(page, "/staff/audit")
    assert serious_violations(page) == []
