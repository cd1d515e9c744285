"""Configuration read from the environment, with safe development defaults."""

import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # None means "SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR")
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024
    REDIS_URL = os.environ.get("REDIS_URL")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "portal@localhost")
    MAIL_MAX_ATTEMPTS = 5

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")

    # What the public sees: one name and the federation's contact details (footer, front
    # page, documents). None means the translated default (see portal.core.site).
    SITE_NAME = os.environ.get("SITE_NAME")
    FEDERATION_HOTLINE = os.environ.get("FEDERATION_HOTLINE", "024-12345678")
    FEDERATION_ADDRESS = os.environ.get("FEDERATION_ADDRESS")
    FEDERATION_OFFICE_HOURS = os.environ.get("FEDERATION_OFFICE_HOURS")
    FEDERATION_EMAIL = os.environ.get("FEDERATION_EMAIL", "falv@gsl.example.cn")

    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)

    # Run the search indexer right after each request (development); production runs
    # `flask search work` from a timer instead.
    SEARCH_INDEX_INLINE = os.environ.get("SEARCH_INDEX_INLINE", "1") == "1"

    PRODUCTION = False


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    SEARCH_INDEX_INLINE = os.environ.get("SEARCH_INDEX_INLINE", "0") == "1"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SEARCH_INDEX_INLINE = True


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestingConfig}


def config_from_environment():
    return CONFIGS[os.environ.get("PORTAL_ENV", "development")]
