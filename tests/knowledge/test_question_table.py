"""The question tables print, from plain rows or from Question objects, what the question's own
properties say: its label, category and industry names, firm, deadline and overdue mark."""

from datetime import timedelta

import pytest
from flask import url_for

from knowledge.listing import question_rows, table_select
from knowledge.models import Question
from portal.core.db import db, utcnow
from portal.core.i18n import format_moment


@pytest.fixture
def varied_questions(create_question):
    urgent = create_question(title="紧急：工资争议", urgency="urgent", category="employment")
    overdue = create_question(title="逾期未答的问题", category="tax")
    overdue.deadline_dt = utcnow() - timedelta(days=2)
    plain = create_question(title="尚未提交的问题", submit=False)
    db.session.flush()
    return [urgent, overdue, plain]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_rows_print_what_the_questions_properties_say(app, varied_questions, language):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        ids = [q.id for q in varied_questions]
        plain = {
            row.id: row for row in db.session.execute(table_select().where(Question.id.in_(ids)))
        }
        from_rows = question_rows([plain[i] for i in ids], show_firm=True)
        from_objects = question_rows(varied_questions, show_firm=True)
        assert from_rows == from_objects
        for q, row in zip(varied_questions, from_rows, strict=True):
            assert row.href == url_for("knowledge.question", question_id=q.id)
            assert row.title == q.title
            assert row.urgent == (q.urgency_label if q.urgency == "urgent" else "")
            assert row.category == q.category.name
            assert row.industry == f"{q.industry} · {q.industry_name}"
            assert row.firm == q.enterprise.name
            assert row.status == q.status_label
            assert row.deadline == format_moment(q.deadline_dt)
            assert row.overdue == q.is_overdue
        assert [row.overdue for row in from_rows] == [False, True, False]
        assert from_rows[0].urgent and not from_rows[1].urgent
        assert question_rows(varied_questions)[0].firm == ""  # without the firm column


def test_the_staff_lists_show_the_rows(client, login, dummy_staff, varied_questions):
    urgent, overdue, _draft = varied_questions
    login(dummy_staff)
    for path in ("/questions/staff/all", "/questions/staff", "/questions/staff/overdue"):
        page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert overdue.title in page and overdue.enterprise.name in page
        assert f'href="/questions/{overdue.id}"' in page
        assert "Overdue</span>" in page
    everything = client.get("/questions/staff/all", headers={"Accept-Language": "en"})
    assert urgent.title in everything.get_data(as_text=True)
    assert "Urgent</span>" in everything.get_data(as_text=True)
