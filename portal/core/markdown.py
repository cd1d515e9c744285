"""User text is Markdown: rendered by Python-Markdown, then sanitised by nh3 against an allow-list."""

import functools
import threading

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


def render(text: str | None) -> Markup:
    """Markdown to safe HTML. Packages add text hooks (e.g. statute citations) via markdown_hooks."""
    text = text or ""
    hooks = current_app.extensions.get("portal.markdown_hooks", []) if current_app else []
    for hook in hooks:
        text = hook(text)
    return Markup(_html_of(text))


# Recent texts' HTML, by the text after the hooks (which is where law names and the language
# come in): the conversion and the clean-up are a pure function of that text, so a kept result is
# never stale. The question and case pages convert the same few texts on every view; converting
# a question and its answer was about a tenth of the question page. Texts past the size limit
# are converted every time (a kept one holds its text and its HTML in memory).
_KEPT_TEXT_CHARS = 20_000


@functools.lru_cache(maxsize=512)
def _kept_html(text: str) -> str:
    return sanitize(_converter().convert(text))


def _html_of(text: str) -> str:
    if len(text) > _KEPT_TEXT_CHARS:
        return sanitize(_converter().convert(text))
    return _kept_html(text)


def register_markdown_hook(app, hook):
    """hook(text) -> text, applied before Markdown; its output is still sanitised."""
    app.extensions.setdefault("portal.markdown_hooks", []).append(hook)
