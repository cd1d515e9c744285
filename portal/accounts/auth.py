"""Log-in sessions, throttling of failed log-ins, and session revocation.

Throttling never locks an account for everyone: failures lock one address out of one account
(and one address out of everything after many failures), while failures on an account from
anywhere only slow its log-ins down. The right password from the owner's own address still works.
"""

import secrets
import time
from dataclasses import dataclass

from flask import current_app, g, has_request_context
from flask.globals import _cv_app, _cv_request
from sqlalchemy import bindparam, delete, func, inspect, select
from sqlalchemy.orm import joinedload

from portal.accounts import passwords
from portal.accounts.models import LoginAttempt, User, Verification
from portal.core.db import db, utcnow
from portal.extensions import login_manager

# The logged-in account and its firm, in one statement: every request of a firm's account asks
# whether the firm is verified (the account gate), which would otherwise load it with a second.
# Built once: `session.get(User, id, options=[...])` builds the statement and its cache key anew
# on each call, about a third of what loading the user cost a request (each request's session
# starts empty, so the identity map it consults first has nothing to offer).
_USER_WITH_FIRM = (
    select(User).options(joinedload(User.enterprise)).where(User.id == bindparam("user_id"))
)


@login_manager.user_loader
def load_user(session_id: str):
    # The id carries the user's session token; rotating it revokes every old cookie.
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(_USER_WITH_FIRM, {"user_id": int(user_id)}).scalar_one_or_none()
    if (
        user is None
        or not secrets.compare_digest(user.session_token, token)
        or not may_log_in(user)
    ):
        return None
    if has_request_context():
        g.portal_loaded_identity = (user.id, str(user.role))
    return user


def request_user():
    """The request's user as flask-login's `_get_user` finds it (loaded on first use, then kept
    in the app context's `g`), without the `g` proxy: behind every `current_user.x` in the
    portal's code and templates, 30-90 a page, each `_get_user` looked `g` up twice more through
    Werkzeug's LocalProxy. Outside a request: None, as flask-login answers."""
    if _cv_request.get(None) is None:
        return None
    app_context = _cv_app.get()
    kept = app_context.g.__dict__
    if "_login_user" not in kept:
        app_context.app.login_manager._load_user()
    return kept["_login_user"]


# The flask-login release `request_user` was checked against (same steps, same answers); any
# other keeps flask-login's own lookup, and tests/portal/test_request_shell.py says so.
FLASK_LOGIN_CHECKED = "0.6.3"


def resolve_current_user_directly():
    """Make `current_user` (flask-login's proxy, `LocalProxy(lambda: _get_user())`) resolve
    through `request_user`: the proxy's lambda reads the module's `_get_user` on each use."""
    import flask_login
    import flask_login.utils

    if flask_login.__version__ == FLASK_LOGIN_CHECKED:
        flask_login.utils._get_user = request_user


def cache_identity(user) -> tuple[int, str]:
    """(id, role) of the logged-in user, which name their cached navigation and counts.

    Read from what the user loader saw when the object has been expired since (the request's
    commit expires it): reading the attributes again would load the user a second time. An
    account's role never changes, so the loaded one is still the user's.
    """
    state = inspect(user)
    remembered = g.get("portal_loaded_identity")
    if state.expired_attributes and remembered and state.identity == (remembered[0],):
        return remembered
    return user.id, str(user.role)


def may_log_in(user: User) -> bool:
    """Deactivated and rejected accounts cannot log in (an old session stops working too)."""
    return not user.is_deactivated and user.verification != Verification.rejected


def revoke_sessions(user: User):
    user.session_token = secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Throttle:
    refused: bool  # this address may not try this account (or any account) for now
    delay: float  # seconds to wait before checking the password (per-account slow-down)


def _failures(*conditions) -> int:
    since = utcnow() - current_app.config["LOGIN_THROTTLE_WINDOW"]
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.attempted_dt >= since, *conditions)
    )


def login_throttle(email: str, address: str) -> Throttle:
    config = current_app.config
    email = email.lower()
    pair = _failures(LoginAttempt.email == email, LoginAttempt.address == address)
    per_address = _failures(LoginAttempt.address == address)
    refused = (
        pair >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
        or per_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )
    if refused:
        return Throttle(True, 0.0)
    per_account = _failures(LoginAttempt.email == email)
    beyond = per_account - config["LOGIN_SLOWDOWN_AFTER"]
    delay = 0.0
    if beyond >= 0:
        delay = min(config["LOGIN_SLOWDOWN_BASE"] * 2**beyond, config["LOGIN_SLOWDOWN_MAX"])
    return Throttle(False, delay)


def is_throttled(email: str, address: str) -> bool:
    return login_throttle(email, address).refused


def slow_down(seconds: float):
    """Wait before checking a password of an account under attack (a seam for tests)."""
    if seconds > 0:
        time.sleep(seconds)


_dummy_hash: str | None = None


def password_matches(user: User | None, password: str) -> bool:
    """Check the password; for an unknown account hash a dummy, so both take the same time."""
    global _dummy_hash
    if user is None:
        if _dummy_hash is None:
            _dummy_hash = passwords.hash_password(secrets.token_urlsafe(16))
        passwords.check_password(_dummy_hash, password)
        return False
    return passwords.check_password(user.password_hash, password)


def record_failure(email: str, address: str):
    db.session.add(LoginAttempt(email=email.lower(), address=address))


def clear_failures(email: str):
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email.lower()))


# Endpoints an account that does not (yet) act in the portal may use: its own profile and
# status, its inbox (where the verification decision arrives), the language and log-out.
OPEN_TO_UNVERIFIED = frozenset(
    {
        "home.index",
        "home.about",
        "home.set_language",
        "home.inbox",
        "home.inbox_read",
        "home.healthz",
        "accounts.login",
        "accounts.logout",
        "accounts.register",
        "accounts.register_enterprise",
        "accounts.register_lawyer",
        "accounts.profile",
        "accounts.password",
        "accounts.conflict_add",
        "accounts.conflict_remove",
    }
)


def is_open_to_unverified(endpoint: str | None) -> bool:
    return endpoint is not None and (
        endpoint in OPEN_TO_UNVERIFIED or endpoint == "static" or endpoint.endswith(".static")
    )


def configure_account_gate(app):
    """The house rule at the door: pending and rejected accounts see their profile and status only.

    Every package's own rules also ask `portal.core.permissions.is_active_verified`; this gate
    makes sure a page that forgot to ask still refuses.
    """
    from flask import abort, request
    from flask_login import current_user

    from portal.core.permissions import is_active_verified

    @app.before_request
    def _gate_unverified_accounts():
        user = current_user._get_current_object()  # once, not once per attribute
        if not user.is_authenticated or is_active_verified(user):
            return None
        if is_open_to_unverified(request.endpoint):
            return None
        abort(403)
