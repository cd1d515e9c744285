"""The staff's monthly figures are kept a minute as the page writes them; the export counts
afresh."""

import re
from io import BytesIO

from flask import g
from openpyxl import load_workbook

from knowledge.stats import FIGURES_TTL
from portal.core import clock


def _asked(client, month):
    page = client.get(f"/questions/staff/figures?month={month}").get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    # The first table's one row: the month, then asked.
    return int(re.search(rf'<th scope="row" class="fw-normal">{month}</th><td>(\d+)<', page)[1])


def test_a_question_asked_shows_in_the_figures_within_a_minute(
    client, login, memory_cache, later, dummy_staff, create_question
):
    month = clock.today().strftime("%Y-%m")
    create_question()
    login(dummy_staff)
    assert _asked(client, month) == 1
    create_question()
    assert _asked(client, month) == 1  # kept
    book = load_workbook(BytesIO(client.get(f"/questions/staff/figures.xlsx?month={month}").data))
    assert list(book.worksheets[0].iter_rows(values_only=True))[2][0] == 2  # the export: afresh
    later(FIGURES_TTL + 1)
    assert _asked(client, month) == 2
