"""User text is Markdown: rendered by Python-Markdown, then sanitised by nh3 against an allow-list."""

import threading
from functools import lru_cache

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


# Building a Markdown converter (its extensions) costs more than converting a short record, and
# a case page converts one per session: one converter per thread, reset before each use (it is
# not safe to share between threads).
_converters = threading.local()


def _converter() -> md.Markdown:
    converter = getattr(_converters, "converter", None)
    if converter is None:
        converter = _converters.converter = md.Markdown(
            extensions=["extra", "sane_lists"], output_format="html"
        )
    return converter.reset()


def _converted(text: str) -> str:
    return sanitize(_converter().convert(text))


# A record's texts are converted again on every view of its page (a mediation case's facts and
# claims, each session's record...): the HTML of recently shown texts is kept, by the text the
# hooks return, so what a hook links (statute citations) still follows the database. The same
# text always gives the same HTML. Only short texts (at most ~16 KB each; 512 of them).
_KEPT_TEXT_LENGTH = 4000
_converted_kept = lru_cache(maxsize=512)(_converted)


def render(text: str | None) -> Markup:
    """Markdown to safe HTML. Packages add text hooks (e.g. statute citations) via markdown_hooks."""
    text = text or ""
    hooks = current_app.extensions.get("portal.markdown_hooks", []) if current_app else []
    for hook in hooks:
        text = hook(text)
    if len(text) <= _KEPT_TEXT_LENGTH:
        return Markup(_converted_kept(text))
    return Markup(_converted(text))


def register_markdown_hook(app, hook):
    """hook(text) -> text, applied before Markdown; its output is still sanitised."""
    app.extensions.setdefault("portal.markdown_hooks", []).append(hook)
