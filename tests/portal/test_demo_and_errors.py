"""`flask demo load` is idempotent and prints the log-ins; error pages speak the user's language."""

import itertools
import re

import pytest
from sqlalchemy import func, select

from portal.core.db import db


def _row_counts():
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in ("audit_entries", "search_outbox")
    }


@pytest.fixture
def small_statutes(app, tmp_path):
    """The demo with the first 150 statute articles instead of 4,687: the statute import and
    the search-index rebuild dominated the suite's time; their own tests cover them."""
    from knowledge.laws.hooks import DATA_FILE

    path = tmp_path / "laws.jsonl"
    with open(DATA_FILE, encoding="utf-8") as lines:
        path.write_text("".join(itertools.islice(lines, 150)), encoding="utf-8")
    app.config["LAWS_DATA_FILE"] = str(path)
    yield
    del app.config["LAWS_DATA_FILE"]


def test_demo_load_twice_changes_nothing_and_prints_the_log_ins(app, small_statutes):
    from courses.demo import LECTURES
    from portal.appeals.demo import SHAPE
    from portal.counsel.demo import GROUPS

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "staff@demo.example" in first.output and "demo-password" in first.output
    after_first = _row_counts()
    # The demo's totals: every loader loaded its whole share, none skipped because another
    # loader had already made rows of its kind (check-up escalations make referrals first).
    assert after_first["enterprises"] >= 100 and after_first["chambers"] == 15
    assert after_first["mediation_committees"] == 15 and after_first["mediation_cases"] >= 200
    assert after_first["counsel_groups"] == GROUPS
    assert after_first["lectures"] == len(LECTURES)
    assert after_first["appeal_referrals"] >= sum(total for total, _done in SHAPE.values())
    assert after_first["checkups"] >= 300
    assert after_first["questions"] >= 80
    assert "already loaded" not in first.output, first.output
    _names_and_titles_read_true()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert _row_counts() == after_first


def _names_and_titles_read_true():
    from courses.models import Lecture
    from mediation.models import Case, CaseSource
    from portal.accounts.models import Enterprise
    from portal.core.db import utcnow

    firms = db.session.scalars(select(Enterprise.name)).all()
    assert not [n for n in firms if re.search(r"[（(]\d+[）)]", n)], "numbered firm names"
    assert len(set(firms)) == len(firms)
    # Cases escalated from a question or a check-up finding keep their source's title.
    for title in db.session.scalars(select(Case.title).where(Case.source != CaseSource.question)):
        # Mediation wording "甲与乙…纠纷", never 诉; the first party named in full (a firm, or
        # a worker's name of two or three characters).
        assert "诉" not in title and "与" in title and title.endswith("纠纷"), title
        first = title.split("与", 1)[0]
        assert first in set(firms) or len(first) <= 3, f"name cut mid-word: {title}"
    ahead = db.session.scalars(select(Lecture).where(Lecture.starts_dt > utcnow())).all()
    assert ahead and not [lec.title for lec in ahead if lec.cues], "future transcript"


def test_forbidden_and_unknown_pages_answer_in_the_users_language(
    client, login, dummy_enterprise_user
):
    login(dummy_enterprise_user)
    forbidden = client.get("/staff/calendar")
    assert forbidden.status_code == 403 and "您没有权限查看此页面" in forbidden.get_data(
        as_text=True
    )
    client.post("/language", data={"locale": "en"})
    forbidden = client.get("/staff/calendar")
    assert "You do not have permission" in forbidden.get_data(as_text=True)
    missing = client.get("/account/staff/users/999999")
    assert missing.status_code in (403, 404)
    assert client.get("/no-such-page").status_code == 404


def test_an_unexpected_error_is_a_500_page_in_chinese(app, client, monkeypatch):
    from portal.home import views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "home.about", broken)
    monkeypatch.setattr(views, "about", broken)
    app.testing = False  # let the error handler answer, as in production
    try:
        response = client.get("/about")
    finally:
        app.testing = True
    assert response.status_code == 500
    assert "系统出错了" in response.get_data(as_text=True)
