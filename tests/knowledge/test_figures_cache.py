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


def test_two_lawyers_of_one_name_keep_their_own_rows(app, create_question, create_lawyer):
    from knowledge import operations
    from knowledge.stats import figures

    lawyers = [
        create_lawyer(name="张伟", industries="C"),
        create_lawyer(name="张伟", industries="C"),
    ]
    lawyers[1].lawyer_profile.law_firm = "辽宁某某律师事务所"
    for lawyer, count in zip(lawyers, (1, 2), strict=True):
        for _ in range(count):
            question = create_question()
            operations.claim(question, lawyer)
            operations.answer(
                question, lawyer, "依据《民法典》第五百七十七条，对方应承担违约责任。"
            )
    start, end = clock.month_bounds_utc(clock.today().replace(day=1))
    with app.test_request_context():
        by_lawyer = figures(start, end)["lawyer"]
    assert by_lawyer["张伟 (测试律师事务所)"]["asked"] == 1
    assert by_lawyer["张伟 (辽宁某某律师事务所)"]["asked"] == 2
