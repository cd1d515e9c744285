"""An external city register behind one interface: outbox out (retried, idempotent), webhook in.

The built-in register (the portal itself) is the default and needs no messages. With
APPEALS_REGISTER = "http", every status change writes a JSON message to the outbox in the same
transaction; `flask appeals deliver` posts due messages with their idempotency key and backs off
on failure. The register answers through the signed webhook (see docs/appeals-api.md).
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.appeals.models import AppealReferral, AppealStatus, RegisterOutbox, RegisterReceipt
from portal.core import clock
from portal.core.db import db

logger = logging.getLogger(__name__)

# What the register may report through the webhook.
INCOMING_STATUSES = frozenset(
    {
        AppealStatus.accepted,
        AppealStatus.returned,
        AppealStatus.handled,
        AppealStatus.reported_back,
    }
)


class RegisterError(Exception):
    """Delivery failed; the message stays in the outbox for a later attempt."""


class BuiltinRegister:
    """The portal is the register: nothing to hand over."""

    name = "builtin"
    external = False

    def send(self, key: str, payload: dict) -> None:  # pragma: no cover - never queued
        return None


class HttpRegister:
    """A city register that accepts POSTed JSON; a 2xx answer means received (also a repeat)."""

    name = "http"
    external = True

    def __init__(self, url: str, secret: str, timeout: float = 10):
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, key: str, payload: dict) -> None:
        import urllib.error
        import urllib.request

        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        stamp = str(int(time.time()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "X-Register-Timestamp": stamp,
                "X-Register-Signature": sign(self.secret, stamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise RegisterError(f"HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise RegisterError(str(error)) from error


def adapter():
    kind = current_app.config.get("APPEALS_REGISTER", "builtin")
    if kind == "http":
        return HttpRegister(
            current_app.config["APPEALS_REGISTER_URL"],
            current_app.config.get("APPEALS_REGISTER_SECRET", ""),
        )
    return BuiltinRegister()


def reference_of(referral) -> str:
    return referral.register_ref or f"P{referral.id}"


def payload_of(referral) -> dict:
    return {
        "reference": reference_of(referral),
        "portal_id": referral.id,
        "summary": referral.summary,
        "details": referral.details,
        "firm": {"name": referral.firm_label, "uscc": referral.firm_uscc
                 or (referral.enterprise.uscc if referral.enterprise else "")},
        "channel": referral.channel.value,
        "category": referral.category.value,
        "tier": referral.tier,
        "route": referral.route.value if referral.route else None,
        "status": referral.status.value,
        "department": referral.department,
        "result": referral.result,
        "changed_at": referral.status_changed_dt.isoformat() + "Z",
    }  # fmt: skip


def queue_status(referral):
    """Write the item's current state to the outbox (same transaction); no-op for built-in."""
    if not adapter().external:
        return None
    db.session.flush()
    key = (
        f"appeal-{referral.id}-{referral.status.value}-{referral.status_changed_dt:%Y%m%d%H%M%S%f}"
    )
    if referral.escalated_dt and referral.escalated_dt >= referral.status_changed_dt:
        key += "-escalated"
    exists = db.session.scalar(select(RegisterOutbox.id).where(RegisterOutbox.key == key))
    if exists:
        return None
    message = RegisterOutbox(
        key=key,
        referral_id=referral.id,
        payload=json.dumps(payload_of(referral), ensure_ascii=False),
    )
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def deliver_outbox(*, limit: int = 100) -> tuple[int, int]:
    """Send due messages in order; returns (sent, failed). Idempotent: the key travels along."""
    register = adapter()
    if not register.external:
        return 0, 0
    now = clock.now_utc()
    max_attempts = int(current_app.config.get("APPEALS_REGISTER_MAX_ATTEMPTS", 12))
    rows = db.session.scalars(
        select(RegisterOutbox)
        .where(
            RegisterOutbox.sent_dt.is_(None),
            RegisterOutbox.given_up.is_(False),
            RegisterOutbox.next_attempt_dt <= now,
        )
        .order_by(RegisterOutbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    sent = failed = 0
    for message in rows:
        message.attempts += 1
        try:
            register.send(message.key, json.loads(message.payload))
        except RegisterError as error:
            failed += 1
            message.last_error = str(error)[:1000]
            message.next_attempt_dt = now + backoff(message.attempts)
            message.given_up = message.attempts >= max_attempts
            logger.warning("register delivery %s failed: %s", message.key, error)
        else:
            sent += 1
            message.sent_dt = now
            message.last_error = ""
    return sent, failed


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def receive_webhook(body: bytes, timestamp: str, signature: str):
    """Check and apply one webhook delivery; raise WebhookRefused (nothing changed) otherwise."""
    from portal.appeals.workflow import AppealError, transition

    secret = current_app.config.get("APPEALS_REGISTER_SECRET", "")
    if not secret:
        raise WebhookRefused(404, "no external register configured")
    expected = sign(secret, timestamp or "", body)
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise WebhookRefused(401, "bad signature")
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        raise WebhookRefused(400, "bad timestamp") from None
    window = int(current_app.config.get("APPEALS_WEBHOOK_WINDOW_SECONDS", 300))
    if abs(int(time.time()) - stamp) > window:
        raise WebhookRefused(400, "timestamp too old")
    try:
        data = json.loads(body)
        delivery_id = str(data["delivery_id"])[:80]
        reference = str(data["reference"])
        status = AppealStatus(data["status"])
    except (ValueError, KeyError, TypeError):
        raise WebhookRefused(400, "malformed body") from None
    if status not in INCOMING_STATUSES:
        raise WebhookRefused(422, "status not accepted from the register")
    if db.session.scalar(
        select(RegisterReceipt.id).where(RegisterReceipt.delivery_id == delivery_id)
    ):
        raise WebhookRefused(409, "replayed delivery")
    referral = find_by_reference(reference)
    if referral is None:
        raise WebhookRefused(404, "unknown reference")
    note = str(data.get("note") or "")[:5000]
    from sqlalchemy.exc import IntegrityError

    try:
        with db.session.begin_nested():
            db.session.add(RegisterReceipt(delivery_id=delivery_id))
            db.session.flush()  # a concurrent copy of the same delivery stops here
            transition(referral, status, None, note=note, result=str(data.get("result") or ""))
    except AppealError as error:
        raise WebhookRefused(409, str(error)) from None
    except IntegrityError:
        raise WebhookRefused(409, "replayed delivery") from None
    return referral


def find_by_reference(reference: str):
    referral = db.session.scalar(
        select(AppealReferral).where(AppealReferral.register_ref == reference)
    )
    if referral is None and reference.startswith("P") and reference[1:].isdigit():
        referral = db.session.get(AppealReferral, int(reference[1:]))
    return referral
