"""Short-lived caches of navigation, unread counts and home cards (portal.core.cache)."""

import pytest
from flask import g

from portal.core import cache


@pytest.fixture
def cache_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 30)
    cache.clear()
    yield
    cache.clear()


def _computed_in_requests(app, key, requests=3):
    calls = []
    for _ in range(requests):
        with app.test_request_context("/"):
            cache.cached(key, lambda: calls.append(1) or len(calls))
            cache.cached(key, lambda: calls.append(1) or len(calls))  # same request: kept
            g.pop("_page_cache", None)  # the test's app context outlives the request: as a new g
    return len(calls)


def test_without_a_lifetime_a_value_is_computed_once_per_request(app):
    assert app.config["PAGE_CACHE_SECONDS"] == 0
    assert _computed_in_requests(app, ("unread", 1)) == 3


def test_with_a_lifetime_requests_share_the_value_until_the_user_changes_something(app, cache_on):
    assert _computed_in_requests(app, ("unread", 7)) == 1
    cache.forget_user(7)
    assert _computed_in_requests(app, ("unread", 7)) == 1
    assert _computed_in_requests(app, ("unread", 8)) == 1  # another user, own entry


def test_a_new_notification_shows_at_once_despite_the_cache(
    app, cache_on, client, login, dummy_enterprise_user
):
    from portal.notifications.operations import notify

    login(dummy_enterprise_user)
    assert "badge bg-warning" not in client.get("/").get_data(as_text=True)  # cached: 0 unread
    with app.test_request_context("/"):
        notify([dummy_enterprise_user], "您有一条新消息", url="/")
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge bg-warning text-dark">1<' in page
