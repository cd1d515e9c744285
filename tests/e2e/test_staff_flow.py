"""Federation staff at work: statistics for a month, downloaded as a spreadsheet."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.helpers import nav_link

pytestmark = pytest.mark.e2e


def test_staff_choose_a_month_and_download_the_statistics(page, log_in_as, tmp_path):
    log_in_as(page, "staff@demo.example")
    nav_link(page, "/dashboard").click()
    page.locator("#month").fill("2026-11")
    page.locator("main form button[type=submit]").click()
    # The month's page, read whole: the page before it has the same headings, and a page still
    # loading has only some of them.
    expect(page).to_have_url(re.compile(r"[?&]month=2026-11(&|$)"))
    page.wait_for_load_state()
    # One sheet per package's statistics (the month-by-month charts above them are not a sheet).
    titles = page.locator("main section[aria-labelledby^=stats-] h2").all_inner_texts()
    assert titles, "no statistics shown"
    with page.expect_download() as download_info:
        page.locator("main a[href*='statistics.xlsx']").click()
    download = download_info.value
    assert download.suggested_filename == "statistics-2026-11.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    assert len(workbook.sheetnames) == len(titles)
    # The period in words, as the worded report writes it, in the account's language (another
    # browser test may have left this demo account in English).
    assert workbook.worksheets[0]["A2"].value in (
        "2026年11月1日 – 2026年11月30日",
        "1 Nov 2026 – 30 Nov 2026",
    )


def test_staff_enter_a_holiday_on_the_calendar(page, log_in_as):
    log_in_as(page, "staff2@demo.example")
    page.goto("/staff/calendar")
    page.locator("#day").fill("2027-10-01")
    page.locator("#label").fill("国庆节")
    page.locator("main form[method=post] button[type=submit]").first.click()
    row = page.locator("main tbody tr", has_text="国庆节")
    expect(row).to_be_visible()
    row.locator("button").click()
    expect(page.locator("main tbody")).not_to_contain_text("国庆节")


def test_an_administrator_creates_a_staff_account_on_the_command_line(e2e_server, page, log_in_as):
    result = e2e_server.flask(
        "users",
        "create",
        "--role",
        "staff",
        "--email",
        "new.clerk@federation.example",
        "--name",
        "孙丽",
        input="a long enough password\n",
    )
    assert "created staff new.clerk@federation.example" in result.stdout
    clerk = log_in_as(page, "new.clerk@federation.example", "a long enough password")
    expect(nav_link(page, "/account/staff/users")).to_be_visible()
    expect(clerk.heading).to_contain_text("孙丽")
