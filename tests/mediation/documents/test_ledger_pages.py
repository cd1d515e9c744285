"""The ledger page a page at a time with the whole period's totals, the figures kept a minute in
the short shared cache (staff's ledger rows too), and the print view and exports complete."""

import re
import time
from datetime import date
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
from flask import g
from openpyxl import load_workbook

from mediation.documents import ledger as ledgers
from mediation.models import CommitteeMember, MemberRole
from mediation.stats import STATS_TTL
from portal.core import cache as cache_module
from portal.core.db import db

ROW = re.compile(r'<tr><th scope="row">(\d+)</th><td>([^<]*)</td>')


@pytest.fixture
def march_cases(create_case, dummy_committee):
    return [
        create_case(
            committee=dummy_committee, accepted_on=date(2026, 3, day), amount=Decimal("100.25")
        )
        for day in (2, 9, 16)
    ]


def _url(committee, extra=""):
    return f"/mediation/documents/ledger?committee={committee.id}&start=2026-03-01&end=2026-03-31{extra}"


def _get(client, url) -> str:
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _next_page(page: str) -> str:
    return re.search(r'href="([^"]*after=\d+[^"]*)"', page.replace("&amp;", "&")).group(1)


def test_the_ledger_comes_a_page_at_a_time_numbered_on_with_the_whole_periods_totals(
    client, login, dummy_committee, march_cases, dummy_staff, monkeypatch
):
    monkeypatch.setattr(ledgers, "PER_PAGE", 2)
    login(dummy_staff)
    page = _get(client, _url(dummy_committee))
    numbers = [c.dossier_number for c in march_cases]
    assert ROW.findall(page) == [("1", numbers[0]), ("2", numbers[1])]
    # The totals row counts the period, not the page.
    assert "<td>3件</td>" in page and "300.75" in page
    assert "Cases 1–2 of 3" in page or "第 1–2 件" in page
    page2 = _get(client, _next_page(page))
    assert ROW.findall(page2) == [("3", numbers[2])]
    assert "<td>3件</td>" in page2 and 'rel="prev"' in page2
    # The print view and the XLSX export list every case.
    printed = _get(client, _url(dummy_committee, "&print=1"))
    assert [n for _i, n in ROW.findall(printed)] == numbers
    export = client.get(_url(dummy_committee).replace("/ledger?", "/ledger.xlsx?"))
    sheet = load_workbook(BytesIO(export.data)).active
    assert [sheet.cell(row=r, column=2).value for r in (3, 4, 5)] == numbers
    assert sheet.cell(row=6, column=2).value == "3件"


def _member(committee, role):
    return next(m.user for m in committee.members if m.role == role)


def _a_minute_later(monkeypatch):
    now = time.monotonic() + STATS_TTL + 1
    monkeypatch.setattr(cache_module, "time", SimpleNamespace(monotonic=lambda: now))


def test_staffs_ledger_is_kept_a_minute_and_a_directors_rows_are_read_afresh(
    client,
    login,
    memory_cache,
    dummy_committee,
    march_cases,
    dummy_staff,
    create_case,
    monkeypatch,
):
    login(dummy_staff)
    assert len(ROW.findall(_get(client, _url(dummy_committee)))) == 3
    late = create_case(committee=dummy_committee, accepted_on=date(2026, 3, 20))
    kept = _get(client, _url(dummy_committee))
    assert late.dossier_number not in kept and "<td>3件</td>" in kept
    # Who may see which case can change: anyone but staff reads the rows afresh (the count
    # and the totals row are kept for them too).
    client.post("/account/logout")
    login(_member(dummy_committee, MemberRole.director))  # every case of the committee
    assert late.dossier_number in _get(client, _url(dummy_committee))
    client.post("/account/logout")
    login(dummy_staff)
    _a_minute_later(monkeypatch)
    fresh = _get(client, _url(dummy_committee))
    assert late.dossier_number in fresh and "<td>4件</td>" in fresh
    assert len(ROW.findall(fresh)) == 4


def test_the_monthly_report_is_kept_a_minute_for_each_reader(
    app,
    memory_cache,
    dummy_committee,
    march_cases,
    dummy_staff,
    create_case,
    create_mediator,
    monkeypatch,
):
    member = create_mediator()  # a member of the committee assigned none of its cases
    db.session.add(CommitteeMember(committee=dummy_committee, user=member))
    db.session.flush()
    with app.test_request_context("/"):
        assert (
            ledgers.monthly_report([dummy_committee], "2026-03", reader=dummy_staff)[
                "total"
            ].accepted
            == 3
        )
        g.pop("_portal_cache", None)
        mine = ledgers.monthly_report([dummy_committee], "2026-03", reader=member)
        assert mine["total"].accepted == 0  # not staff's figures from the cache
        g.pop("_portal_cache", None)
        create_case(committee=dummy_committee, accepted_on=date(2026, 3, 20), amount=Decimal("1"))
        kept = ledgers.monthly_report([dummy_committee], "2026-03", reader=dummy_staff)
        assert kept["total"].accepted == 3
        assert kept["rows"][0][1].amount_accepted == Decimal("300.75")
        g.pop("_portal_cache", None)
        _a_minute_later(monkeypatch)
        fresh = ledgers.monthly_report([dummy_committee], "2026-03", reader=dummy_staff)
        assert fresh["total"].accepted == 4
        assert fresh["total"].amount_accepted == Decimal("301.75")
