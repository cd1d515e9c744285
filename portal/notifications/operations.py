"""Telling people what they must act on: inbox entry always, e-mail when SMTP is configured."""

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from functools import lru_cache

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from portal.core.cache import get_or_set, invalidate, unread_key
from portal.core.db import db, utcnow
from portal.notifications.models import Notification, OutgoingEmail


def notify(recipients, message, url: str = "", **params):
    """Queue `message` (a lazy string, with %(name)s params) for each recipient in their language."""
    created = []
    seen = set()
    # A question offered to a dozen lawyers speaks two languages: each text is rendered once.
    texts = {}
    for user in recipients:
        if user is None or user.id in seen or user.is_deactivated:
            continue
        seen.add(user.id)
        language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        text = texts.get(language)
        if text is None:
            with force_locale(_locale(language)):
                text = str(message) % params if params else str(message)
            texts[language] = text
        note = Notification(user_id=user.id, text=text[:500], url=url)
        invalidate(unread_key(user.id))
        db.session.add(note)
        created.append(note)
        if user.email:
            db.session.add(
                OutgoingEmail(recipient=user.email, subject=text[:300], body=_email_body(text, url))
            )
    return created


@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    # Babel's Locale.parse of a name scans every known locale (about 1 ms); force_locale passes
    # a Locale instance through untouched.
    return Locale.parse(name)


def _email_body(text: str, url: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    return f"{text}\n\n{base}{url}\n" if url else f"{text}\n"


def mark_read(user, notification_ids=None):
    stmt = select(Notification).where(
        Notification.user_id == user.id, Notification.is_read.is_(False)
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(notification_ids))
    for note in db.session.scalars(stmt):
        note.is_read = True
    invalidate(unread_key(user.id))


def unread_count(user) -> int:
    """Unread inbox entries; shared-cached for a few seconds, dropped when it changes."""

    def count():
        return (
            db.session.scalar(
                select(db.func.count())
                .select_from(Notification)
                .where(Notification.user_id == user.id, Notification.is_read.is_(False))
            )
            or 0
        )

    return get_or_set(unread_key(user.id), current_app.config["CACHE_TTL_UNREAD"], count)


def send_queued_email(limit: int = 100) -> dict:
    """Send what is due; failures are retried with back-off up to MAIL_MAX_ATTEMPTS. Commits per mail."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return {"sent": 0, "failed": 0, "skipped": "MAIL_SERVER not configured"}
    db.session.flush()  # so mail queued in this transaction is stamped before "now"
    due = db.session.scalars(
        select(OutgoingEmail)
        .where(OutgoingEmail.status == "queued", OutgoingEmail.next_attempt_dt <= utcnow())
        .order_by(OutgoingEmail.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for mail in due:
        try:
            _deliver(mail, config)
        except (OSError, smtplib.SMTPException) as exc:
            mail.attempts += 1
            mail.last_error = str(exc)[:500]
            mail.next_attempt_dt = utcnow() + timedelta(minutes=2**mail.attempts)
            if mail.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                mail.status = "failed"
            failed += 1
        else:
            mail.status, mail.sent_dt = "sent", utcnow()
            sent += 1
        db.session.commit()
    return {"sent": sent, "failed": failed}


def _deliver(mail: OutgoingEmail, config):
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def outbox_health() -> str:
    """For /healthz: "ok", or how much mail waits or has failed (never raises)."""
    try:
        counts = dict(
            db.session.execute(
                select(OutgoingEmail.status, db.func.count())
                .where(OutgoingEmail.status.in_(("queued", "failed")))
                .group_by(OutgoingEmail.status)
            ).all()
        )
    except Exception as exc:  # reported, not raised: the health page must answer
        db.session.rollback()
        return type(exc).__name__
    failed, queued = counts.get("failed", 0), counts.get("queued", 0)
    if not failed and queued < 100:
        return "ok"
    return f"{failed} failed, {queued} queued"


def retry_email(mail: OutgoingEmail, *, by):
    """Staff send a failed mail again (after fixing the address or the mail server)."""
    from portal.audit.operations import log

    mail.status, mail.attempts, mail.next_attempt_dt = "queued", 0, utcnow()
    log("mail.retry", mail, by=by, summary=f"{mail.recipient}: {mail.subject}")
