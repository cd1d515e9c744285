"""Shared reference records: legal categories, the working-day calendar, stored files; and the
columns every timeline row has."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.reference import localized


class LegalCategory(db.Model):
    __tablename__ = "legal_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    def __str__(self):
        return self.name


class CalendarDay(db.Model):
    """A staff-entered holiday or make-up working day; overrides chinese-calendar."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    label: Mapped[str] = mapped_column(String(80), default="")


class StoredFile(db.Model):
    """An upload: kept under a random name outside static, served only by permission-checked views."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class FormSubmission(db.Model):
    """A create form's one-time token, claimed by the first submission (see portal.core.once).

    The unique primary key is what makes a repeat (or ten at once) find the first result: the
    second insert of a token fails (on PostgreSQL it waits for the first transaction, on SQLite
    writers are serialised), and the row then holds the URL of what the first one created.
    """

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    result_url: Mapped[str] = mapped_column(String(255), default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DemoMarker(db.Model):
    """One row per demo loader that has run: each loader keeps its own marker, so a loader
    never mistakes rows another loader made (check-up escalations making referrals, say) for
    its own and skips."""

    __tablename__ = "demo_markers"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    loaded_dt: Mapped[datetime] = mapped_column(default=utcnow)


class TimelineEntry:
    """A row of a record's timeline (a mediation case's, an appeal item's): the status change it
    made, if any, a note, who and when. Each timeline adds its own kind of entry and label."""

    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def by(cls) -> Mapped["User | None"]:  # noqa: F821 (portal.accounts.models.User, by name)
        return relationship("User")
