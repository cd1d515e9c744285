"""What every request pays whatever its page (user, limits, CSRF, shell): cheaper, same promises."""

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
