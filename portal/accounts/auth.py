"""Log-in sessions, throttling of failed log-ins, and session revocation."""

import secrets

from flask import current_app
from sqlalchemy import delete, func, select

from portal.accounts.models import LoginAttempt, User
from portal.core.db import db, utcnow
from portal.extensions import login_manager


@login_manager.user_loader
def load_user(session_id: str):
    # The id carries the user's session token; rotating it revokes every old cookie.
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not secrets.compare_digest(user.session_token, token) or user.is_deactivated:
        return None
    return user


def revoke_sessions(user: User):
    user.session_token = secrets.token_urlsafe(32)


def is_throttled(email: str, address: str) -> bool:
    config = current_app.config
    since = utcnow() - config["LOGIN_THROTTLE_WINDOW"]
    per_account = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == email.lower(), LoginAttempt.attempted_dt >= since)
    )
    per_address = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.address == address, LoginAttempt.attempted_dt >= since)
    )
    return (
        per_account >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or per_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


def record_failure(email: str, address: str):
    db.session.add(LoginAttempt(email=email.lower(), address=address))


def clear_failures(email: str):
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email.lower()))
