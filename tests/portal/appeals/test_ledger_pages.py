"""The ledger page lists its items, or on their own tab the overdue ones, a page at a time; the
XLSX lists all."""

import re
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from portal.appeals import views
from portal.appeals.models import AppealStatus
from portal.core import clock
from portal.core.db import db
from tests.fixtures.queries import counted_statements


def _ids(page, name):
    return [int(i) for i in re.findall(rf'href="/appeals/(\d+)"[^>]*>{name}', page)]


def _link(page, pattern):
    """The address of the page's first link whose address matches `pattern`."""
    return re.search(rf'href="([^"]*{pattern}[^"]*)"', page.replace("&amp;", "&")).group(1)


def _tabs(page):
    """The ledger's tabs: (address, label, current?) of each, in order."""
    nav = re.search(r'<nav aria-label="台账列表">(.*?)</nav>', page, re.S).group(1)
    return [
        (href.replace("&amp;", "&"), label, bool(current))
        for current, href, label in re.findall(
            r'<a class="nav-link[^"]*"( aria-current="page")? href="([^"]+)">([^<]+)</a>', nav
        )
    ]


def test_the_ledger_shows_its_items_or_the_overdue_ones_a_tab_each_and_the_export_lists_all(
    client, login, dummy_staff, walk, create_appeal_referral, monkeypatch
):
    monkeypatch.setattr(views, "LEDGER_PER_PAGE", 2)
    items = [create_appeal_referral(summary=f"诉求{i}") for i in range(5)]
    for item in items[:3]:
        walk(item, AppealStatus.accepted)
        item.stage_due_date = clock.today() - timedelta(days=3)
    db.session.flush()
    login(dummy_staff)

    with counted_statements() as statements:
        page = client.get("/appeals/ledger").get_data(as_text=True)
    assert len(statements) < 20  # whatever the number of items
    # The items, one table; the overdue ones are a tab away, their number on the tab.
    assert _ids(page, "诉求") == [items[0].id, items[1].id]
    assert _ids(page, "#") == []
    (ledger_tab, ledger_label, ledger_current), (late_tab, late_label, late_current) = _tabs(page)
    assert (ledger_label, ledger_current) == ("台账（5）", True)
    assert (late_label, late_current) == ("超期未办结（3）", False)
    assert "view=overdue" in late_tab
    assert 'name="view"' not in page  # the period's form shows the items

    page2 = client.get(_link(page, r"[?&]after=\d+")).get_data(as_text=True)
    assert _ids(page2, "诉求") == [items[2].id, items[3].id]
    # The overdue tab, from the items' second page: the overdue ones, a page at a time.
    late = client.get(_tabs(page2)[1][0]).get_data(as_text=True)
    assert _ids(late, "#") == [items[0].id, items[1].id]
    assert _ids(late, "诉求") == []
    assert [(label, current) for _href, label, current in _tabs(late)] == [
        ("台账（5）", False),
        ("超期未办结（3）", True),
    ]
    assert '<input type="hidden" name="view" value="overdue">' in late  # "Show" keeps the tab
    late2 = client.get(_link(late, r"overdue_after=\d+")).get_data(as_text=True)
    assert _ids(late2, "#") == [items[2].id]
    # Back on the items' tab: the items where they were left, the overdue pager's place kept.
    back_href = _tabs(late2)[0][0]
    assert "overdue_after=" in back_href and "view=" not in back_href
    back = client.get(back_href).get_data(as_text=True)
    assert _ids(back, "诉求") == [items[2].id, items[3].id]
    assert "overdue_after=" in _tabs(back)[1][0]

    start, end = clock.month_days(clock.today())
    book = load_workbook(BytesIO(client.get(f"/appeals/ledger.xlsx?start={start}&end={end}").data))
    titles = [s.title for s in book.worksheets]
    ledger, late = book.worksheets[titles.index("台账")], book.worksheets[-1]
    assert [row[0] for row in ledger.iter_rows(min_row=2, values_only=True)] == [
        i.id for i in items
    ]
    assert [row[0] for row in late.iter_rows(min_row=2, values_only=True)] == [
        i.id for i in items[:3]
    ]


def test_the_ledger_tabs_read_in_english(client, login, dummy_staff, create_appeal_referral):
    create_appeal_referral(summary="诉求甲")
    dummy_staff.locale = "en"
    db.session.flush()
    login(dummy_staff)
    page = client.get("/appeals/ledger?view=overdue").get_data(as_text=True)
    assert '<nav aria-label="Lists of the ledger">' in page
    assert ">Ledger (1)</a>" in page
    assert 'aria-current="page" href="/appeals/ledger?' in page
    assert re.search(r'aria-current="page" href="[^"]*view=overdue">Overdue open \(0\)</a>', page)
    assert '<h2 class="h4">Items past their deadline</h2>' in page


def _page(client, url):
    from flask import g

    page = client.get(url).get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def _collected(page):
    # The first of the figures' boxes: the number, then "Collected" in the page's language.
    return int(re.search(r'<div class="fs-4">(\d+)</div>', page).group(1))


def test_a_new_item_is_listed_at_once_and_counted_in_the_figures_within_a_minute(
    client, login, memory_cache, later, dummy_staff, create_appeal_referral
):
    from portal.appeals.reports import FIGURES_TTL

    create_appeal_referral(summary="诉求甲")
    login(dummy_staff)
    page = _page(client, "/appeals/ledger")
    assert _collected(page) == 1
    newcomer = create_appeal_referral(summary="诉求乙")
    page = _page(client, "/appeals/ledger")
    assert newcomer.id in _ids(page, "诉求")  # the list is never kept
    assert _collected(page) == 1  # the figures are
    later(FIGURES_TTL + 1)
    assert _collected(_page(client, "/appeals/ledger")) == 2
