"""Security controls the review (docs/security.md) points to that no other test showed."""

import time

import pytest

import portal
from portal.config import ProductionConfig, TestingConfig
from portal.core.db import db
from tests.fixtures.accounts import PASSWORD


def test_a_form_post_without_its_csrf_token_is_refused_and_changes_nothing(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        UPLOAD_DIR = str(tmp_path / "uploads")
        WTF_CSRF_ENABLED = True

    app = portal.create_app(Config)
    with app.app_context():
        db.create_all()
        response = app.test_client().post(
            "/account/login", data={"email": "a@example.com", "password": "x" * 12}
        )
        assert response.status_code == 400
        from portal.accounts.models import LoginAttempt

        assert db.session.query(LoginAttempt).count() == 0
        db.engine.dispose()


def test_production_session_cookie_is_secure_httponly_and_samesite(tmp_path, monkeypatch):
    class Config(ProductionConfig):
        SECRET_KEY = "a-real-secret-from-the-environment"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        UPLOAD_DIR = str(tmp_path / "uploads")

    app = portal.create_app(Config)
    with app.test_request_context("/"):
        from flask import session

        session["x"] = 1
        response = app.make_response("ok")
        app.session_interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600


def test_a_session_older_than_its_lifetime_is_no_longer_accepted(
    app, client, dummy_staff, monkeypatch
):
    client.post("/account/login", data={"email": dummy_staff.email, "password": PASSWORD})
    assert client.get("/account/profile").status_code == 200
    later = time.time() + app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get("/account/profile").status_code == 302


@pytest.mark.parametrize(
    "header", ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"]
)
def test_error_pages_carry_the_security_headers_too(client, header):
    assert header in client.get("/no-such-page").headers
