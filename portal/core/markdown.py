"""User text is Markdown: rendered by Python-Markdown, then sanitised by nh3 against an allow-list."""

import markdown as md
import nh3
from flask import current_app
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "abbr",
    "dl",
    "dt",
    "dd",
    "mark",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-preview"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "span": {"class"},
    "code": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render(text: str | None) -> Markup:
    """Markdown to safe HTML. Packages add text hooks (e.g. statute citations) via markdown_hooks."""
    text = text or ""
    hooks = current_app.extensions.get("portal.markdown_hooks", []) if current_app else []
    for hook in hooks:
        text = hook(text)
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return Markup(sanitize(html))


def register_markdown_hook(app, hook):
    """hook(text) -> text, applied before Markdown; its output is still sanitised."""
    app.extensions.setdefault("portal.markdown_hooks", []).append(hook)
