"""Flask's signed session cookie, its signature checked once per process for each cookie value."""

import copy
import threading
import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

MAX_OPENED_COOKIES = 4096


class RememberingSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions (same cookie, same signing, same lifetime), minus the work of
    opening a cookie this process has opened before.

    A logged-in browser sends the same cookie on every page until the session changes; Flask
    derived the key, checked the HMAC, and base64-, zlib- and JSON-decoded it each time (about 5%
    of a logged-in page's CPU). A cookie value that once passed the check (with the same secret
    keys) is known good; only its age is checked again, exactly as itsdangerous does, and an
    expired or unknown value goes the whole way. Each request gets its own copy of the data.
    """

    def __init__(self):
        self._opened = {}
        self._lock = threading.Lock()

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), value)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        opened = self._opened.get(key)
        if opened is not None:
            signed_at, data = opened
            if 0 <= int(time.time()) - signed_at <= max_age:
                return self.session_class(copy.deepcopy(data))
            self._opened.pop(key, None)  # expired: the whole check below refuses it
        serializer = self.get_signing_serializer(app)
        try:
            data, signed_dt = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        with self._lock:
            if len(self._opened) >= MAX_OPENED_COOKIES:
                self._opened.clear()
            self._opened[key] = (int(signed_dt.timestamp()), copy.deepcopy(data))
        return self.session_class(data)
