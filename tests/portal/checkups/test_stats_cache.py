"""The statistics page keeps its figures a minute (a check-up held since shows after at most
that); the calendar's lawyer filter keeps its list as long; the XLSX export counts afresh."""

import io
import re

import pytest
from flask import g
from openpyxl import load_workbook

from portal.checkups import operations as ops
from portal.checkups.models import Status
from portal.checkups.stats import FIGURES_TTL
from portal.checkups.views import CALENDAR_LAWYERS_TTL

pytestmark = pytest.mark.usefixtures("babel_request_ctx")


def _page(client, url):
    page = client.get(url).get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def _firms_examined(client):
    page = _page(client, "/checkups/stats?start=2020-01-01&end=2040-12-31")
    return int(re.search(r'id="firms-examined">(\d+)<', page).group(1))


def _hold(create_checkup, staff):
    checkup = create_checkup()
    ops.transition(checkup, Status.confirmed, staff)
    ops.transition(checkup, Status.in_progress, staff)
    return checkup


def test_a_check_up_held_shows_in_the_statistics_within_a_minute(
    client, login, memory_cache, later, dummy_staff, create_checkup
):
    _hold(create_checkup, dummy_staff)
    login(dummy_staff)
    assert _firms_examined(client) == 1
    _hold(create_checkup, dummy_staff)
    assert _firms_examined(client) == 1  # kept
    later(FIGURES_TTL + 1)
    assert _firms_examined(client) == 2
    # The export is never the kept figures.
    _hold(create_checkup, dummy_staff)
    book = load_workbook(io.BytesIO(client.get("/checkups/stats.xlsx").data))
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    assert summary[1][1] == 3  # firms examined
    assert _firms_examined(client) == 2


def test_a_new_lawyer_shows_in_the_calendar_filter_within_its_time(
    client, login, memory_cache, later, dummy_staff, create_lawyer
):
    login(dummy_staff)
    first = create_lawyer()
    page = _page(client, f"/checkups/calendar?lawyer={first.id}")
    assert f'<option value="{first.id}" selected>' in page
    newcomer = create_lawyer()
    assert f'<option value="{newcomer.id}">' not in _page(client, "/checkups/calendar")
    later(CALENDAR_LAWYERS_TTL + 1)
    page = _page(client, f"/checkups/calendar?lawyer={newcomer.id}")
    assert f'<option value="{newcomer.id}" selected>' in page
    assert f'<option value="{first.id}">' in page  # chosen in one view, not in the next
