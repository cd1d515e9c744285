"""`flask demo load` is idempotent and prints the log-ins; error pages speak the user's language."""

from sqlalchemy import func, select

from portal.core.db import db


def _row_counts():
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in ("audit_entries", "search_outbox")
    }


def test_demo_load_twice_changes_nothing_and_prints_the_log_ins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "staff@demo.example" in first.output and "demo-password" in first.output
    after_first = _row_counts()
    assert after_first["enterprises"] >= 100 and after_first["chambers"] == 15
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert _row_counts() == after_first


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
