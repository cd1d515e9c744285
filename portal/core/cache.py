"""Short shared caches (navigation, unread counts, home-card figures) behind one small interface.

`REDIS_URL` set: values live in Redis, shared by every worker and host. Not set: no shared cache
(`CACHE_BACKEND=memory` gives a process-local one for a single-process server), and the portal
runs just the same. A cache is never the truth: every value has a short TTL, writes that change
a cached figure call `invalidate(...)` (applied after the transaction commits), and when Redis
does not answer the value is computed as if nothing were cached.
"""

import json
import logging
import threading
import time

from flask import current_app, g, has_app_context, has_request_context

logger = logging.getLogger(__name__)

PREFIX = "portal:cache:"


class NullCache:
    """No caching: every `get_or_set` computes."""

    def get(self, key):
        return None

    def set(self, key, value, ttl):
        pass

    def delete(self, *keys):
        pass


class MemoryCache:
    """One process's cache (development server, tests); bounded, thread-safe."""

    def __init__(self, max_entries=10_000):
        self._data, self._lock, self._max = {}, threading.Lock(), max_entries

    def get(self, key):
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._data.pop(key, None)
                return None
            return entry[1]

    def set(self, key, value, ttl):
        with self._lock:
            if len(self._data) >= self._max:
                self._data.clear()
            self._data[key] = (time.monotonic() + ttl, json.loads(json.dumps(value)))

    def delete(self, *keys):
        with self._lock:
            for key in keys:
                self._data.pop(key, None)


class RedisCache:
    """Values as JSON in Redis, shared by all workers and hosts."""

    def __init__(self, url):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key):
        raw = self.client.get(PREFIX + key)
        return None if raw is None else json.loads(raw)

    def set(self, key, value, ttl):
        self.client.set(PREFIX + key, json.dumps(value, ensure_ascii=False), ex=max(1, int(ttl)))

    def delete(self, *keys):
        if keys:
            self.client.delete(*(PREFIX + k for k in keys))


def make_cache(config):
    backend = config.get("CACHE_BACKEND") or ("redis" if config.get("REDIS_URL") else "null")
    backend = backend.lower()
    if backend == "redis":
        return RedisCache(config["REDIS_URL"])
    if backend == "memory":
        return MemoryCache()
    if backend == "null":
        return NullCache()
    raise RuntimeError(f"CACHE_BACKEND must be redis, memory or null, not {backend!r}")


def cache():
    app = current_app._get_current_object()
    store = app.extensions.get("portal.cache")
    if store is None:
        store = app.extensions["portal.cache"] = make_cache(app.config)
    return store


def _errors():
    try:
        import redis

        return (redis.RedisError, OSError)
    except ImportError:  # pragma: no cover - redis is a dependency
        return (OSError,)


def get_or_set(key: str, ttl: float, compute):
    """The cached value of `key`, else `compute()` stored for `ttl` seconds (JSON values).

    Within one request a key is computed or fetched at most once, however many templates ask.
    """
    per_request = g.setdefault("_portal_cache", {}) if has_request_context() else None
    if per_request is not None and key in per_request:
        return per_request[key]
    value = _get_or_set_shared(key, ttl, compute)
    if per_request is not None:
        per_request[key] = value
    return value


def _get_or_set_shared(key: str, ttl: float, compute):
    store = cache()
    try:
        value = store.get(key)
    except _errors() as exc:
        logger.warning("cache unavailable, computing %s: %s", key, exc)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        store.set(key, value, ttl)
    except _errors() as exc:
        logger.warning("cache unavailable, not storing %s: %s", key, exc)
    return value


def forget_user(user_id: int, role: str) -> None:
    """Drop one user's navigation, unread count and home cards (after a change they made)."""
    languages = current_app.config.get("LANGUAGES", ["zh_CN", "en"])
    keys = [unread_key(user_id), nav_key(user_id, role)]
    keys += [home_key(user_id, str(language)) for language in languages]
    if has_request_context():
        g.pop("_portal_cache", None)
    delete_now(*keys)


def delete_now(*keys):
    try:
        cache().delete(*keys)
    except _errors() as exc:  # the TTL bounds how stale the value can be
        logger.warning("cache unavailable, could not drop %s: %s", keys, exc)


def invalidate(*keys):
    """Drop keys once the current transaction commits (dropping before would let another
    request cache the old figure again); outside an app context nothing is cached."""
    if not has_app_context():
        return
    from portal.core.db import db

    pending = db.session.info.setdefault("portal.cache.invalidate", set())
    pending.update(keys)


def _after_commit(session):
    keys = session.info.pop("portal.cache.invalidate", None)
    if keys and has_app_context():
        delete_now(*keys)


def _after_rollback(session):
    session.info.pop("portal.cache.invalidate", None)  # nothing changed


# Key names, so writers and readers agree (the `perf` per-request caches may use the same).
def unread_key(user_id: int) -> str:
    return f"unread:{user_id}"


def nav_key(user_id: int | None, role: str) -> str:
    return f"nav:{user_id or 0}:{role}"


def home_key(user_id: int, locale: str) -> str:
    return f"home:{user_id}:{locale}"


def configure_cache(app):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    app.extensions["portal.cache"] = make_cache(app.config)
    if not getattr(configure_cache, "_listening", False):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        configure_cache._listening = True
