"""Inbox notifications and queued e-mail."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(500), default="")
    is_read: Mapped[bool] = mapped_column(default=False, index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class OutgoingEmail(db.Model):
    __tablename__ = "outgoing_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    next_attempt_dt: Mapped[datetime] = mapped_column(default=utcnow)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    sent_dt: Mapped[datetime | None]
