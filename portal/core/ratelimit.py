"""Rate limits (Flask-Limiter) on the endpoints strangers can hammer, shared through Redis."""

import logging

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

logger = logging.getLogger(__name__)


def configure_rate_limits(app):
    """Wrap the endpoints listed in RATE_LIMITS ({endpoint: "10 per minute"}); call after every
    blueprint is registered. Limits count in RATELIMIT_STORAGE_URI (Redis in production).

    One Limiter per app (it keeps the app's storage and settings; a shared one would let a
    second app, e.g. in tests, reconfigure the first)."""
    # The client's address; behind proxies it is right only with PROXY_FIX_X_FOR set.
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    app.extensions["portal.limiter"] = limiter
    for endpoint, spec in (app.config.get("RATE_LIMITS") or {}).items():
        view = app.view_functions.get(endpoint)
        if view is None:
            logger.warning("RATE_LIMITS names an unknown endpoint %s", endpoint)
            continue
        methods = app.config.get("RATE_LIMITED_METHODS") or ["POST"]
        if endpoint in (app.config.get("RATE_LIMITS_ALL_METHODS") or ()):
            methods = None
        app.view_functions[endpoint] = limiter.limit(spec, methods=methods)(view)
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks and not _has_app_wide_limits(limiter):
        # The limits above are checked by their views' wrappers. The hook Flask-Limiter adds to
        # every request checks only app-wide limits (default, application, blueprint, meta):
        # with none, it resolved an empty list on each page (about 4% of a logged-in page's CPU).
        hooks.remove(limiter._check_request_limit)


def _has_app_wide_limits(limiter) -> bool:
    """Whether any limit other than the per-view ones is configured (RATELIMIT_DEFAULT,
    RATELIMIT_APPLICATION, RATELIMIT_META, RATELIMIT_IN_MEMORY_FALLBACK, a blueprint's)."""
    # The raw groups, not their limits: a group given as a function is evaluated per request.
    manager = limiter.limit_manager
    return bool(
        manager._default_limits
        or manager._application_limits
        or manager._blueprint_limits
        or limiter._meta_limits
        or limiter._in_memory_fallback
    )
