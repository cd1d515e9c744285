"""Short caches of navigation, unread counts and home cards (portal.core.cache), per request and
shared; a user's own change or a new notification shows at once."""

import pytest
from flask import g

from portal.core import cache


@pytest.fixture
def memory_cache(app):
    previous = app.extensions.get("portal.cache")
    app.extensions["portal.cache"] = cache.MemoryCache()
    yield app.extensions["portal.cache"]
    app.extensions["portal.cache"] = previous


def _computed(app, key, requests=3):
    calls = []
    for _ in range(requests):
        with app.test_request_context("/"):
            cache.get_or_set(key, 30, lambda: calls.append(1) or len(calls))
            cache.get_or_set(key, 30, lambda: calls.append(1) or len(calls))  # same request
            g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return len(calls)


def test_without_a_shared_cache_a_value_is_computed_once_per_request(app):
    assert isinstance(cache.cache(), cache.NullCache)
    assert _computed(app, cache.unread_key(1)) == 3


def test_with_a_shared_cache_requests_share_the_value_until_the_user_changes_something(
    app, memory_cache
):
    assert _computed(app, cache.unread_key(7)) == 1
    with app.test_request_context("/"):
        cache.forget_user(7, "enterprise")
    assert _computed(app, cache.unread_key(7)) == 1
    assert _computed(app, cache.unread_key(8)) == 1  # another user, own entry


def test_a_new_notification_shows_at_once_despite_the_cache(
    app, memory_cache, client, login, dummy_enterprise_user
):
    from portal.core.db import db
    from portal.notifications.operations import notify

    login(dummy_enterprise_user)
    assert "badge bg-warning" not in client.get("/").get_data(as_text=True)  # cached: 0 unread
    with app.test_request_context("/"):
        notify([dummy_enterprise_user], "您有一条新消息", url="/")
        db.session.commit()  # the cached count is dropped once the notification is committed
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge bg-warning text-dark">1<' in page
