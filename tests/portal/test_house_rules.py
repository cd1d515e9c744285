"""House rules every package's pages keep (STYLE.md): checked over the whole code base."""

import re
from pathlib import Path

import pytest

from portal.accounts.models import Role

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
# Inside a tag only, so Jinja's `{% set style = ... %}` or `option = ...` never matches.
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(
    r"<[a-z][^>]*\son(click|dblclick|load|error|change|submit|input|focus|blur|key\w+|mouse\w+)\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_style_or_event_handlers(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script> (CSP forbids it)"
    assert not STYLE_ATTRIBUTE.search(text), 'style="" attribute (CSP forbids it)'
    assert not EVENT_HANDLER.search(text), "on...= event handler attribute"


def _get_routes_without_arguments(app):
    for rule in app.url_map.iter_rules():
        if (
            "GET" in rule.methods
            and not rule.arguments
            and not rule.endpoint.startswith(("static", "bootstrap"))
        ):
            yield rule.rule


@pytest.mark.parametrize("role", [None, Role.enterprise, Role.lawyer, Role.mediator, Role.staff])
def test_no_page_without_arguments_answers_with_a_server_error(
    app, client, login, role, create_user, create_enterprise, create_lawyer
):
    if role == Role.lawyer:
        login(create_lawyer())
    elif role == Role.enterprise:
        login(create_user(role, enterprise=create_enterprise()))
    elif role is not None:
        login(create_user(role))
    failures = {}
    for path in _get_routes_without_arguments(app):
        status = client.get(path).status_code
        if status >= 500:
            failures[path] = status
    assert failures == {}


# A code shown to a person: snake_case ("agreement_reached"), a dotted action ("case.view").
RAW_KEY = re.compile(r"(?<![\w./@-])(?:[a-z]+_[a-z_]+|[a-z]+\.[a-z_]+)(?![\w./@(-])")
ALLOWED_WORDS = {"demo.example", "gsl.example"}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|code|pre|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<[^>]+>", " ", html)  # tags and their attributes (values are not shown)
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("role", [None, Role.enterprise, Role.lawyer, Role.mediator, Role.staff])
def test_no_page_shows_a_raw_key(
    app, client, login, role, create_user, create_enterprise, create_lawyer
):
    """Every argument-less page, rendered in Chinese for each role: no status code, action code
    or table name in the visible text (attribute values such as ids and names are not shown)."""
    if role == Role.lawyer:
        login(create_lawyer())
    elif role == Role.enterprise:
        login(create_user(role, enterprise=create_enterprise()))
    elif role is not None:
        login(create_user(role))
    found = {}
    for path in _get_routes_without_arguments(app):
        response = client.get(path, headers={"Accept-Language": "zh-CN"})
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        keys = set(RAW_KEY.findall(visible_text(response.get_data(as_text=True))))
        keys -= ALLOWED_WORDS
        if keys:
            found[path] = sorted(keys)
    assert found == {}
