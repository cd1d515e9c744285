"""The page shell's fragments that are the same for every user who sees the same menu.

The top menu, the footer, the editor's labels and the style sheets' links are built from
translated strings, `url_for` and settings only: the same bytes for everyone with the same visible menu items, language and
current section. Rendered once per process and kept (bounded), they stop costing every page
its ~50 translations and ~25 URL builds. Nothing of one user (name, unread count, CSRF token,
the page's own address) is inside a cached fragment; those stay in base.html.
"""

import threading

from flask import current_app, request, url_for
from markupsafe import Markup

from portal.core.i18n import current_language

MAX_FRAGMENTS = 512

_lock = threading.Lock()


def _store() -> dict:
    return current_app.extensions.setdefault("portal.shell_fragments", {})


def fragment(template: str, key: tuple, make_context) -> Markup:
    """`template` rendered with `make_context()`, cached under the language, the script root and
    `key`; `key` must hold everything in that context that changes the output (the context is
    built only when the fragment is not cached yet)."""
    full_key = (template, current_language(), request.script_root, key)
    store = _store()
    html = store.get(full_key)
    if html is None:
        html = Markup(current_app.jinja_env.get_template(template).render(**make_context()))
        with _lock:
            if len(store) >= MAX_FRAGMENTS:
                store.clear()
            store[full_key] = html
    return html


# The shell's fixed addresses (brand, inbox, profile, log-out, log-in, register, language switch,
# the editor's script): the same for every page of a mount point, built once instead of ~7
# `url_for` a page.
SHELL_LINKS = {
    "home.index": ("home.index", {}),
    "home.inbox": ("home.inbox", {}),
    "accounts.profile": ("accounts.profile", {}),
    "accounts.logout": ("accounts.logout", {}),
    "accounts.login": ("accounts.login", {}),
    "accounts.register": ("accounts.register", {}),
    "home.set_language": ("home.set_language", {}),
    "editor.js": ("static", {"filename": "editor.js"}),
}


def links() -> dict:
    """SHELL_LINKS' addresses under the request's mount point (kept with the fragments)."""
    key = ("portal.shell_links", request.script_root)
    store = _store()
    found = store.get(key)
    if found is None:
        found = {
            name: url_for(endpoint, **values) for name, (endpoint, values) in SHELL_LINKS.items()
        }
        with _lock:
            if len(store) >= MAX_FRAGMENTS:
                store.clear()
            store[key] = found
    return found
