"""Short caches of navigation, unread counts and home cards (portal.core.cache), per request and
shared; a user's own change or a new notification shows at once."""

from flask import g

from portal.core import cache
from portal.core.db import db


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


def _reads_of(statements, table):
    return [
        s for s in statements if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s
    ]


def test_a_users_own_write_drops_their_cached_figures_without_loading_them_again(
    app, memory_cache, client, login, dummy_enterprise_user
):
    from tests.fixtures.queries import counted_statements

    user = dummy_enterprise_user
    login(user)
    client.get("/")  # caches the unread count, the menu and the home cards
    assert memory_cache.get(cache.unread_key(user.id)) is not None
    assert memory_cache.get(cache.nav_key(user.id, str(user.role))) is not None
    user_id, role = user.id, str(user.role)
    db.session.expire_all()  # as a new request's session: the user is read at the door
    with counted_statements() as statements:
        response = client.post("/inbox/read")
    assert response.status_code == 302
    # Read once, at the door: the commit expires it, and dropping its cache entries afterwards
    # read it again (a statement on every form sent) before.
    assert len(_reads_of(statements, "users")) == 1
    assert memory_cache.get(cache.unread_key(user_id)) is None
    assert memory_cache.get(cache.nav_key(user_id, role)) is None
    assert memory_cache.get(cache.home_key(user_id, "zh_CN")) is None


def test_another_users_write_leaves_this_users_cached_figures(
    app, memory_cache, client, login, dummy_enterprise_user, dummy_staff
):
    login(dummy_enterprise_user)
    client.get("/")
    other = app.test_client()
    login(dummy_staff, other)
    other.post("/inbox/read")
    assert memory_cache.get(cache.unread_key(dummy_enterprise_user.id)) is not None
    assert memory_cache.get(cache.unread_key(dummy_staff.id)) is None


def test_a_firms_account_comes_with_its_firm_in_one_statement(client, login, dummy_enterprise_user):
    from tests.fixtures.queries import counted_statements

    login(dummy_enterprise_user)
    db.session.expunge_all()  # as a new request's session, which holds no objects yet
    with counted_statements() as statements:
        page = client.get("/about")
    assert page.status_code == 200
    assert len(_reads_of(statements, "users")) == 1
    assert not _reads_of(statements, "enterprises")
