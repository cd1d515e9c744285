"""What every request pays whatever its page (user, limits, CSRF, shell): cheaper, same promises."""

import re
import time

import portal
from portal.config import TestingConfig
from portal.core.db import db


def _limited_app(tmp_path, **settings):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'floor.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"

    for name, value in settings.items():
        setattr(Config, name, value)
    application = portal.create_app(Config)
    with application.app_context():
        db.create_all()
    return application


def test_a_default_limit_still_counts_every_page(tmp_path):
    application = _limited_app(tmp_path, RATELIMIT_DEFAULT="2 per minute")
    client = application.test_client()
    codes = [client.get("/about").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    with application.app_context():
        db.engine.dispose()


def test_without_app_wide_limits_pages_are_not_counted_but_log_ins_are(tmp_path):
    application = _limited_app(tmp_path, RATE_LIMITS={"accounts.login": "2 per minute"})
    client = application.test_client()
    assert [client.get("/about").status_code for _ in range(5)] == [200] * 5
    attempts = [
        client.post("/account/login", data={"email": "x@example.com", "password": "x"})
        for _ in range(3)
    ]
    assert [response.status_code for response in attempts] == [200, 200, 429]
    assert attempts[0].headers["X-RateLimit-Limit"] == "2"
    with application.app_context():
        db.engine.dispose()


def _token(page) -> str:
    return re.search(r'data-csrf="([^"]+)"', page.get_data(as_text=True)).group(1)


def _later(monkeypatch, seconds):
    moment = time.time() + seconds
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: moment)


def test_a_sessions_pages_share_one_signed_csrf_token_and_forms_accept_it(
    app, client, login, dummy_staff, monkeypatch
):
    login(dummy_staff)
    first = _token(client.get("/about"))
    _later(monkeypatch, 90)  # Flask-WTF's token carries the second it was signed
    assert _token(client.get("/inbox")) == first
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/inbox/read").status_code == 400
    assert client.post("/inbox/read", data={"csrf_token": first}).status_code == 302


def test_another_session_has_its_own_csrf_token_and_cannot_use_anothers(
    app, client, login, dummy_staff, monkeypatch
):
    other = login(dummy_staff, app.test_client())
    login(dummy_staff)
    mine, theirs = _token(client.get("/about")), _token(other.get("/about"))
    assert mine != theirs
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/inbox/read", data={"csrf_token": theirs}).status_code == 400
    assert other.post("/inbox/read", data={"csrf_token": theirs}).status_code == 302


def test_after_logging_out_and_in_the_new_session_gets_a_new_token(
    app, client, login, dummy_staff, monkeypatch
):
    login(dummy_staff)
    before = _token(client.get("/about"))
    client.post("/account/logout")
    login(dummy_staff)
    after = _token(client.get("/about"))
    assert after != before
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/inbox/read", data={"csrf_token": before}).status_code == 400
    assert client.post("/inbox/read", data={"csrf_token": after}).status_code == 302


def test_with_a_csrf_time_limit_every_page_signs_a_fresh_token(tmp_path, monkeypatch):
    application = _limited_app(tmp_path, RATELIMIT_ENABLED=False, WTF_CSRF_TIME_LIMIT=3600)
    client = application.test_client()
    first = _token(client.get("/about"))
    _later(monkeypatch, 90)
    assert _token(client.get("/about")) != first
    with application.app_context():
        db.engine.dispose()
