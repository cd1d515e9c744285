"""What every page's shell does with the request's user, language and CSRF token, now that each
is resolved once a request: the same answers as before, for the right person, at every request."""

import re

import flask.app
import pytest

from portal.accounts.models import Verification
from portal.core.db import db


def _header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def _page(client, path="/about"):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_language_switch_offers_the_other_language_and_the_page_follows_it(client):
    page = _page(client)
    assert page.startswith('<!doctype html>\n<html lang="zh-CN">')
    assert re.search(r'name="locale" value="en" lang="en">English</button>', page)

    client.post("/language", data={"locale": "en", "next": "/about"})
    page = _page(client)
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert re.search(r'name="locale" value="zh_CN" lang="zh-CN">中文</button>', page)
    assert "Main navigation" in _header(page)


def test_a_logged_in_accounts_language_is_the_one_the_shell_speaks(client, login, dummy_staff):
    login(dummy_staff)
    client.post("/language", data={"locale": "en", "next": "/about"})
    assert dummy_staff.locale == "en"
    other_browser = login(dummy_staff, client.application.test_client())
    page = _page(other_browser)  # the account's choice, not this browser's Accept-Language
    assert '<html lang="en">' in page and "中文</button>" in page


def test_logged_out_the_menu_offers_log_in_and_register_and_no_inbox(client):
    header = _header(_page(client))
    assert 'href="/account/login"' in header and 'href="/account/register"' in header
    assert 'href="/inbox"' not in header and "/account/logout" not in header


def test_logged_in_the_menu_names_the_user_and_offers_inbox_and_log_out(client, login, dummy_staff):
    login(dummy_staff)
    header = _header(_page(client))
    assert dummy_staff.name in header and 'href="/inbox"' in header
    assert 'action="/account/logout"' in header and 'href="/account/register"' not in header
    assert "/staff/audit" in header  # the staff member's own menu items


def test_the_shells_forms_carry_the_sessions_one_token_and_it_is_accepted(
    app, client, login, dummy_staff, monkeypatch
):
    login(dummy_staff)
    page = _page(client)
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', page)
    tokens += re.findall(r'data-csrf="([^"]+)"', page)
    assert len(tokens) == 3 and len(set(tokens)) == 1  # log-out, language switch, editor
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post("/language", data={"locale": "en", "next": "/about"})
    assert refused.status_code == 400
    switched = client.post(
        "/language", data={"locale": "en", "next": "/about", "csrf_token": tokens[0]}
    )
    assert switched.status_code == 302 and '<html lang="en">' in _page(client)


def test_a_deactivated_account_loses_access_at_its_next_request(client, login, create_user):
    user = create_user()
    login(user)
    assert client.get("/inbox").status_code == 200
    user.is_deactivated = True
    db.session.flush()
    response = client.get("/inbox")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    header = _header(_page(client))
    assert 'href="/account/login"' in header and user.name not in header


def test_an_account_whose_verification_is_withdrawn_is_held_at_the_door_at_once(
    client, login, create_enterprise_user
):
    firm_user = create_enterprise_user()
    login(firm_user)
    assert client.get("/questions/mine").status_code == 200
    firm_user.enterprise.verification = Verification.pending
    db.session.flush()
    assert client.get("/questions/mine").status_code == 403
    assert client.get("/account/profile").status_code == 200  # its own status it still sees


def test_the_navigation_is_decided_with_the_user_object_of_the_request(
    app, client, login, dummy_staff, monkeypatch
):
    seen = []
    items = app.extensions["portal.nav"]
    monkeypatch.setitem(
        app.extensions,
        "portal.nav",
        [*items, (999, "home.about", "About", lambda user: seen.append(user) or True, "settings")],
    )
    login(dummy_staff)
    _page(client, "/")
    assert seen and all(user is not None and user.id == dummy_staff.id for user in seen)
    assert all(type(user).__name__ == "User" for user in seen)  # the object, not the proxy


def test_each_function_is_checked_for_async_once_and_returned_as_it_is(app, monkeypatch):
    asked = []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda f: asked.append(f) or real(f))

    def view():
        return "plain"

    assert app.ensure_sync(view) is view and app.ensure_sync(view) is view
    assert asked == [view]


def test_an_async_function_is_still_handed_to_flask_which_asks_for_its_async_extra(app):
    async def view():
        return "async"

    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(view)


def test_current_user_resolves_through_the_portals_direct_lookup():
    import flask_login
    import flask_login.utils

    from portal.accounts import auth

    # Another flask-login release keeps its own lookup: check request_user against it first.
    assert flask_login.__version__ == auth.FLASK_LOGIN_CHECKED
    assert flask_login.utils._get_user is auth.request_user


def test_the_direct_lookup_answers_as_flask_login_does(app, dummy_staff):
    from flask import g
    from flask_login import current_user, login_user, logout_user

    from portal.accounts.auth import request_user

    with app.app_context():
        assert request_user() is None  # no request: no user
    with app.test_request_context("/"):
        assert current_user.is_anonymous and "_login_user" in g  # loaded once, kept
        login_user(dummy_staff)
        assert request_user() is dummy_staff and current_user.id == dummy_staff.id
        logout_user()
        assert current_user.is_anonymous and request_user() is g._login_user
