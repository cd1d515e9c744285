"""A lawyer declares and removes a conflict of interest on their profile page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_lawyer_declares_and_removes_a_conflict(page, log_in_as):
    lawyer = log_in_as(page, "lawyer5@demo.example").use_language("zh-CN")
    page.goto("/account/profile")
    page.locator("#firm").fill("沈阳华泰")
    page.locator("#conflicts form[role=search] button").click()
    firm = page.locator("#conflicts li.list-group-item").first
    name = firm.locator("strong").inner_text()
    firm.locator("input[name=reason]").fill("代理对方当事人")
    firm.locator("button[type=submit]").click()
    expect(lawyer.flash()).to_contain_text("已申报回避")
    row = page.locator("#conflicts tbody tr", has_text=name)
    expect(row).to_contain_text("代理对方当事人")
    row.locator("button").click()
    expect(lawyer.flash()).to_contain_text("已删除")
    expect(page.locator("#conflicts")).to_contain_text("您尚未申报需要回避的企业")
