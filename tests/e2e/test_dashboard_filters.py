"""The statistics page for a chamber, in a real browser: the figures, the month-by-month charts
and the list behind a figure, narrowed the same way, all passing axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_chambers_figures_link_to_its_narrowed_lists(page, log_in_as, locale):
    log_in_as(page, "staff2@demo.example")
    page.goto("/dashboard?month=2026-11")
    chamber = page.locator("#chamber option").nth(1)
    chamber_id, chamber_name = chamber.get_attribute("value"), chamber.inner_text()
    page.locator("#chamber").select_option(chamber_id)
    page.locator("main form button[type=submit]").click()
    # The chamber's page, loaded whole before counting its charts and auditing it.
    expect(page).to_have_url(re.compile(rf"[?&]chamber={chamber_id}(&|$)"))
    page.wait_for_load_state()
    expect(page.locator("main p.lead")).to_contain_text(chamber_name)
    assert page.locator("main svg.trend-chart").count() >= 2
    assert serious_violations(page) == []
    # A mediation figure opens the chamber's cases of that month.
    link = page.locator(f"main section td a[href^='/mediation?'][href*='chamber={chamber_id}']")
    href = link.first.get_attribute("href")
    assert re.search(r"start=2026-11-01", href)
    link.first.click()
    expect(page.locator("main .list-filter")).to_contain_text(chamber_name)
    page.wait_for_load_state()
    assert serious_violations(page) == []


def test_every_list_behind_a_chambers_figures_opens_and_passes_axe(page, log_in_as):
    log_in_as(page, "staff2@demo.example")
    page.goto("/dashboard?month=2026-11")
    chamber_id = page.locator("#chamber option").nth(1).get_attribute("value")
    page.goto(f"/dashboard?month=2026-11&chamber={chamber_id}")
    links = page.locator("main section td a").evaluate_all("(as) => as.map(a => a.href)")
    one_per_list = {}
    for href in links:
        one_per_list.setdefault(href.split("?", 1)[0], href)
    assert len(one_per_list) >= 6, one_per_list
    found = {}
    for href in one_per_list.values():
        response = page.goto(href)
        assert response.status == 200, href
        problems = serious_violations(page)
        if problems:
            found[href] = problems
    assert not found, found
