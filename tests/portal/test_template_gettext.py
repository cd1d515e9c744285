"""Templates' `_()` keeps each catalog's texts: still the request's language, still Jinja's text."""

from flask import render_template_string
from flask_babel import refresh
from markupsafe import Markup

from portal.core.i18n import request_translations


def _bold(page) -> str:
    text = page.get_data(as_text=True)
    if 'data-bold="加粗"' in text:
        return "zh_CN"
    if 'data-bold="Bold"' in text:
        return "en"
    raise AssertionError("the editor's strings are not on the page")


def test_the_language_switch_changes_the_strings_in_the_same_process(client):
    assert _bold(client.get("/about")) == "zh_CN"
    client.post("/language", data={"locale": "en", "next": "/about"})
    assert _bold(client.get("/about")) == "en"
    client.post("/language", data={"locale": "zh_CN", "next": "/about"})
    assert _bold(client.get("/about")) == "zh_CN"
    other = client.application.test_client()
    assert _bold(other.get("/about", headers={"Accept-Language": "en"})) == "en"
    assert _bold(other.get("/about", headers={"Accept-Language": "zh-CN"})) == "zh_CN"


def test_each_users_language_setting_is_honoured(app, create_user, login):
    english = create_user(locale="en")
    chinese = create_user(locale="zh_CN")
    from portal.core.db import db

    db.session.commit()
    first = login(english, app.test_client())
    second = login(chinese, app.test_client())
    for _ in range(2):
        assert _bold(first.get("/about")) == "en"
        assert _bold(second.get("/about")) == "zh_CN"


def test_a_template_string_is_what_jinja_gives(app):
    source = (
        "{{ _('Bold') }}|{{ _('100%% sure') }}|{{ _('Hello %(name)s', name='<b>') }}"
        "|{% autoescape false %}{{ _('Hello %(name)s', name='<b>') }}{% endautoescape %}"
        "|{% trans %}Bold{% endtrans %}"
    )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        twice = [render_template_string(source) for _ in range(2)]
        assert twice[0] == twice[1] == "Bold|100% sure|Hello &lt;b&gt;|Hello <b>|Bold"
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        refresh()  # the fixture's app context outlives a request context, and the locale with it
        assert render_template_string(source).startswith("加粗|100% sure|")


def test_each_catalog_keeps_its_own_texts(app):
    template = app.jinja_env.from_string("{{ _('Bold') }}")
    texts = {}
    for language in ("en", "zh-CN"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            refresh()
            template.render()
            kept = request_translations().portal_template_strings
            texts[language] = kept[("Bold", True)]
    assert texts == {"en": "Bold", "zh-CN": "加粗"}
    assert isinstance(texts["en"], Markup)
