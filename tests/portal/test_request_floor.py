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


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_tampered_session_cookie_is_refused_after_the_real_one_was_accepted(
    app, client, login, dummy_staff
):
    login(dummy_staff)
    assert client.get("/account/profile").status_code == 200
    real = _session_cookie(client)
    forged = real[:-2] + ("AA" if not real.endswith("AA") else "BB")
    thief = app.test_client()
    thief.set_cookie("session", forged)
    assert thief.get("/account/profile").status_code == 302
    thief.set_cookie("session", real)
    assert thief.get("/account/profile").status_code == 200


def test_a_session_cookie_signed_with_another_key_is_refused(
    app, client, login, dummy_staff, monkeypatch
):
    login(dummy_staff)
    assert client.get("/account/profile").status_code == 200
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-rotated-secret")
    assert client.get("/account/profile").status_code == 302


def test_a_remembered_session_cookie_still_expires_with_its_lifetime(
    app, client, login, dummy_staff, monkeypatch
):
    login(dummy_staff)
    for _ in range(3):  # the cookie settles (the greeting is shown once), then is opened again
        assert client.get("/account/profile").status_code == 200
    _later(monkeypatch, app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() - 60)
    assert client.get("/account/profile").status_code == 200
    _later(monkeypatch, app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() + 60)
    assert client.get("/account/profile").status_code == 302


def test_each_request_gets_its_own_copy_of_a_remembered_session(app, client, login, dummy_staff):
    login(dummy_staff)
    with client.session_transaction() as session:
        session["picked"] = [1]
    headers = {"Cookie": f"session={_session_cookie(client)}"}
    interface = app.session_interface
    with app.test_request_context("/about", headers=headers):
        from flask import request

        first = interface.open_session(app, request)
        first["picked"].append(2)
        first["extra"] = 1
        second = interface.open_session(app, request)
        third = interface.open_session(app, request)
    assert second["picked"] == [1] and "extra" not in second
    third["picked"].append(3)
    assert second["picked"] == [1]
    assert second.get("_user_id") == first.get("_user_id")


def test_security_headers_are_added_in_order_unless_the_view_set_its_own():
    from flask import Response

    from portal.core.security import CSP, add_security_headers

    response = add_security_headers(Response("x", headers={"x-frame-options": "SAMEORIGIN"}))
    names = [name for name, _value in response.headers.items()]
    assert names[-5:] == [
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
    ]
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["Content-Security-Policy"] == CSP
