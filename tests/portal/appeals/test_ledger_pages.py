"""The ledger page lists its items and the overdue ones a page at a time; the XLSX lists all."""

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


def test_the_ledger_pages_its_items_and_overdue_ones_and_the_export_lists_them_all(
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
    listed = _ids(page, "诉求")
    assert listed == [items[0].id, items[1].id]
    overdue = _ids(page, "#")
    assert overdue == [items[0].id, items[1].id]
    next_items = re.search(r'href="([^"]*[?&]after=\d+[^"]*)"', page.replace("&amp;", "&"))
    page2 = client.get(next_items.group(1)).get_data(as_text=True)
    assert _ids(page2, "诉求") == [items[2].id, items[3].id]
    assert _ids(page2, "#") == [items[0].id, items[1].id]  # the other list stays where it was
    overdue_next = re.search(r'href="([^"]*overdue_after=\d+[^"]*)"', page.replace("&amp;", "&"))
    page3 = client.get(overdue_next.group(1)).get_data(as_text=True)
    assert _ids(page3, "#") == [items[2].id]
    assert _ids(page3, "诉求") == [items[0].id, items[1].id]

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
