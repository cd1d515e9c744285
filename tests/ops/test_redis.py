"""Redis: rate limits shared by workers (Flask-Limiter) and the short shared caches."""

import os
import uuid

import pytest
import redis

import portal
from portal.config import TestingConfig
from portal.core import cache as cache_module
from portal.core.cache import RedisCache, get_or_set, invalidate, make_cache, unread_key
from portal.core.db import db
from portal.notifications.operations import mark_read, notify, unread_count
from tests.fixtures.accounts import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def shared_cache(app, monkeypatch):
    store = RedisCache(REDIS_URL)
    monkeypatch.setattr(cache_module, "PREFIX", f"test:{uuid.uuid4().hex}:")
    monkeypatch.setitem(app.extensions, "portal.cache", store)
    yield store
    for key in store.client.scan_iter(cache_module.PREFIX + "*"):
        store.client.delete(key)


def test_two_workers_share_one_cached_value(app, shared_cache):
    calls = []
    worker_two = make_cache({"REDIS_URL": REDIS_URL})
    assert get_or_set("figure", 30, lambda: calls.append(1) or {"n": 7}) == {"n": 7}
    assert worker_two.get("figure") == {"n": 7}
    assert get_or_set("figure", 30, lambda: calls.append(1) or {"n": 8}) == {"n": 7}
    assert calls == [1]


def test_unread_count_is_dropped_when_the_transaction_commits(app, shared_cache, dummy_staff):
    assert unread_count(dummy_staff) == 0
    notify([dummy_staff], "Read me")
    # Not committed yet: the cached figure stays (another request must not see the new one).
    assert shared_cache.get(unread_key(dummy_staff.id)) == 0
    db.session.commit()
    assert shared_cache.get(unread_key(dummy_staff.id)) is None
    assert unread_count(dummy_staff) == 1
    mark_read(dummy_staff)
    db.session.commit()
    assert unread_count(dummy_staff) == 0


def test_a_rolled_back_change_leaves_the_cache_alone(app, shared_cache, dummy_staff):
    unread_count(dummy_staff)
    invalidate(unread_key(dummy_staff.id))
    db.session.rollback()
    assert shared_cache.get(unread_key(dummy_staff.id)) == 0


def test_without_redis_answering_values_are_computed(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "portal.cache", RedisCache("redis://127.0.0.1:1/0"))
    assert get_or_set("figure", 30, lambda: 5) == 5


def test_home_page_is_the_same_from_the_cache(app, client, login, shared_cache, dummy_staff):
    login(dummy_staff)
    first = client.get("/").get_data(as_text=True)
    assert any(
        k.startswith(cache_module.PREFIX + "home:")
        for k in map(bytes.decode, shared_cache.client.keys(cache_module.PREFIX + "*"))
    )
    second = client.get("/").get_data(as_text=True)
    strip = lambda page: page.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(first) == strip(second)


def _limited_app(tmp_path, prefix, storage=REDIS_URL):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limits.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = storage
        RATELIMIT_KEY_PREFIX = prefix
        RATE_LIMITS = {"accounts.login": "3 per minute"}

    application = portal.create_app(Config)
    with application.app_context():
        db.create_all()
    return application


def _post_login(application, address):
    return application.test_client().post(
        "/account/login",
        data={"email": "x@example.com", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )


def test_rate_limits_hold_across_workers_through_redis(tmp_path):
    prefix = f"test-{uuid.uuid4().hex}"
    worker_one, worker_two = _limited_app(tmp_path, prefix), _limited_app(tmp_path, prefix)
    try:
        codes = [_post_login(w, "203.0.113.7").status_code for w in (worker_one, worker_two) * 2]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        assert _post_login(worker_two, "198.51.100.1").status_code == 200
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        for w in (worker_one, worker_two):
            with w.app_context():
                db.engine.dispose()


def test_rate_limits_keep_working_when_redis_is_down(tmp_path):
    application = _limited_app(tmp_path, "down", storage="redis://127.0.0.1:1/0")
    codes = [_post_login(application, "203.0.113.8").status_code for _ in range(5)]
    # Each worker falls back to counting in its own memory: still limited, never a 500.
    assert codes == [200, 200, 200, 429, 429]
    with application.app_context():
        db.engine.dispose()
