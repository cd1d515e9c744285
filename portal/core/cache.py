"""Short-lived caches of what every page repeats: the navigation, the unread count, home cards.

Two layers. Per request (`flask.g`): computed at most once however many templates ask. Across
requests, per worker process: kept `PAGE_CACHE_SECONDS` (default 20; 0 turns it off, as in
tests), keyed by user and language, so a page view does not re-run the same queries a second
later. Only caches live in process memory (DESIGN.md): a stale value is at most that many
seconds old, and the user's own writes drop their entries at once (`forget_user`).
"""

import threading
import time

from flask import current_app, g, has_app_context

_lock = threading.Lock()
_entries: dict[tuple, tuple[float, object]] = {}
MAX_ENTRIES = 5000


def _ttl() -> float:
    return float(current_app.config.get("PAGE_CACHE_SECONDS", 20)) if has_app_context() else 0


def cached(key: tuple, compute):
    """The value for `key`: from this request, else from the short-lived cache, else computed."""
    per_request = g.setdefault("_page_cache", {}) if has_app_context() else {}
    if key in per_request:
        return per_request[key]
    ttl = _ttl()
    now = time.monotonic()
    if ttl > 0:
        with _lock:
            hit = _entries.get(key)
        if hit is not None and hit[0] > now:
            per_request[key] = hit[1]
            return hit[1]
    value = compute()
    per_request[key] = value
    if ttl > 0:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:  # drop what expired, else start afresh
                for stale in [k for k, (until, _v) in _entries.items() if until <= now]:
                    del _entries[stale]
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
            _entries[key] = (now + ttl, value)
    return value


def forget_user(user_id) -> None:
    """Drop every entry of one user (after they read notifications, say)."""
    if has_app_context():
        g.pop("_page_cache", None)
    with _lock:
        for key in [k for k in _entries if len(k) > 1 and k[1] == user_id]:
            del _entries[key]


def clear() -> None:
    with _lock:
        _entries.clear()
