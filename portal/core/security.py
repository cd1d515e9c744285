"""Security headers on every response, with a Content-Security-Policy that allows no inline script."""

from flask import current_app, g, request, session
from itsdangerous import BadData, URLSafeTimedSerializer

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' https:",
        "frame-src 'self' https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def add_security_headers(response):
    # Each header unless the view set its own: the names present are read once, because
    # Headers.setdefault finds a missing name by raising and catching an HTTP exception (six a
    # response, ~2 µs each).
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def configure_proxy_fix(app):
    """Trust exactly the configured number of reverse-proxy hops for the client's address."""
    hops = {
        name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}") or 0)
        for name in ("for", "proto", "host", "port", "prefix")
    }
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{k}": v for k, v in hops.items()})


def configure_security(app):
    from portal.core.sessions import RememberingSessionInterface

    configure_proxy_fix(app)
    app.session_interface = RememberingSessionInterface()
    configure_csrf_token_reuse(app)
    app.after_request(add_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):

        @app.after_request
        def _hsts(response):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response


# Signed CSRF tokens by (secret, the session's raw token). Flask-WTF signs the session's token
# afresh for every page (JSON, a zlib attempt, base64, a timestamp and an HMAC: ~4% of a logged-in
# page's CPU); with WTF_CSRF_TIME_LIMIT None the token's timestamp is never checked, so the first
# signed token of a session serves its later pages in this process just as well (each session
# keeps its own token: the raw token is per session, and the check is Flask-WTF's, unchanged).
MAX_SIGNED_TOKENS = 10_000
_signed_tokens: dict[tuple[str, str], str] = {}


def _csrf_names(app):
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return secret, app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"


def _is_static(endpoint) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def _reuse_signed_csrf_token():
    """before_request: the session's signed token, if this process signed it before, is the
    request's (Flask-WTF's generate_csrf returns what `g` holds)."""
    if _is_static(request.endpoint):  # files: no session read (no Vary: Cookie)
        return
    secret, field = _csrf_names(current_app)
    raw = session.get(field) if field in session else None
    if isinstance(raw, str):
        signed = _signed_tokens.get((secret, raw))
        if signed is not None:
            setattr(g, field, signed)


def _remember_signed_csrf_token(response):
    """after_request: keep the token Flask-WTF signed for this request's session, once it is
    checked to be the session's (a view may have cleared the session since it was signed)."""
    secret, field = _csrf_names(current_app)
    signed = g.get(field)
    if signed is None or field not in session:
        return response
    raw = session[field]
    if not isinstance(raw, str) or (secret, raw) in _signed_tokens:
        return response
    try:  # Flask-WTF's own signing: what it reads back is what it will compare
        if URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(signed) != raw:
            return response
    except BadData:
        return response
    if len(_signed_tokens) >= MAX_SIGNED_TOKENS:
        _signed_tokens.clear()
    _signed_tokens[(secret, raw)] = signed
    return response


def configure_csrf_token_reuse(app):
    """Only where tokens never expire: with a time limit each page must sign a fresh one."""
    if app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is None:
        app.before_request(_reuse_signed_csrf_token)
        app.after_request(_remember_signed_csrf_token)
