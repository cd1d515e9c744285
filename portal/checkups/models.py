"""Models of checkups: the versioned checklist, check-ups, their bookings, findings, timeline."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.core.db import db, utcnow
from portal.core.reference import localized


def _enum(cls, length=30):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Status(enum.StrEnum):
    scheduled = "scheduled"
    confirmed = "confirmed"
    reschedule_requested = "reschedule_requested"
    in_progress = "in_progress"
    report_draft = "report_draft"
    signed_off = "signed_off"
    delivered = "delivered"
    acknowledged = "acknowledged"
    cancelled = "cancelled"


STATUS_LABELS = {
    Status.scheduled: _l("Scheduled"),
    Status.confirmed: _l("Confirmed by the firm"),
    Status.reschedule_requested: _l("Another slot requested"),
    Status.in_progress: _l("In progress"),
    Status.report_draft: _l("Report being drafted"),
    Status.signed_off: _l("Report signed off"),
    Status.delivered: _l("Report delivered"),
    Status.acknowledged: _l("Report acknowledged"),
    Status.cancelled: _l("Cancelled"),
}


class Mode(enum.StrEnum):
    onsite = "onsite"
    online = "online"


MODE_LABELS = {Mode.onsite: _l("On site"), Mode.online: _l("Online")}


class Level(enum.StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


LEVEL_LABELS = {
    Level.high: _l("High (高)"),
    Level.medium: _l("Medium (中)"),
    Level.low: _l("Low (低)"),
}
LEVEL_CHINESE = {Level.high: "高", Level.medium: "中", Level.low: "低"}


class ChecklistVersion(db.Model):
    """One version of the risk-area checklist; a check-up keeps the version it started with."""

    __tablename__ = "checkup_checklist_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    areas: Mapped[list["ChecklistArea"]] = relationship(
        back_populates="version", order_by="ChecklistArea.position", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship()


class ChecklistArea(db.Model):
    __tablename__ = "checkup_checklist_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("checkup_checklist_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[ChecklistVersion] = relationship(back_populates="areas")

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en or self.name)

    def __str__(self):
        return self.label


class Checkup(db.Model):
    __tablename__ = "checkups"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checkup_checklist_versions.id"))
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.scheduled, index=True)
    mode: Mapped[Mode] = mapped_column(_enum(Mode, 10), default=Mode.onsite)
    address: Mapped[str] = mapped_column(String(255), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    start_dt: Mapped[datetime] = mapped_column(index=True)
    end_dt: Mapped[datetime]
    # Bumped on every reschedule: the iCalendar SEQUENCE, so calendars replace the old invitation.
    sequence: Mapped[int] = mapped_column(default=0)
    batch: Mapped[str] = mapped_column(String(40), default="", index=True)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("checkups.id"))
    reschedule_reason: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    status_dt: Mapped[datetime] = mapped_column(default=utcnow)
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    enterprise: Mapped[Enterprise] = relationship()
    checklist_version: Mapped[ChecklistVersion] = relationship()
    assignments: Mapped[list["CheckupLawyer"]] = relationship(
        back_populates="checkup", cascade="all, delete-orphan", order_by="CheckupLawyer.position"
    )
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="checkup", cascade="all, delete-orphan", order_by="Finding.id"
    )
    clear_areas: Mapped[list["ClearArea"]] = relationship(
        back_populates="checkup", cascade="all, delete-orphan"
    )
    events: Mapped[list["CheckupEvent"]] = relationship(
        back_populates="checkup", cascade="all, delete-orphan", order_by="CheckupEvent.id"
    )
    follow_up_of: Mapped["Checkup | None"] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (CheckConstraint("end_dt > start_dt", name="ends_after_start"),)

    @property
    def lawyers(self) -> list[User]:
        return [a.lawyer for a in self.assignments]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def mode_label(self) -> str:
        return str(MODE_LABELS[self.mode])

    @property
    def areas(self) -> list[ChecklistArea]:
        return self.checklist_version.areas

    def __str__(self):
        # The day in Beijing (a check-up at 07:30 there is stored on the day before, UTC).
        from portal.core.clock import local_date
        from portal.core.i18n import format_day

        return f"{self.enterprise.name} · {format_day(local_date(self.start_dt))}"


class CheckupLawyer(db.Model):
    """A lawyer assigned to a check-up, and their signature on its report."""

    __tablename__ = "checkup_lawyers"

    checkup_id: Mapped[int] = mapped_column(
        ForeignKey("checkups.id", ondelete="CASCADE"), primary_key=True
    )
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)
    signed_dt: Mapped[datetime | None]

    checkup: Mapped[Checkup] = relationship(back_populates="assignments")
    lawyer: Mapped[User] = relationship()


class Booking(db.Model):
    """One 30-minute slot held by one lawyer or one firm for one check-up.

    The unique constraints are what stops double booking, on SQLite and PostgreSQL alike: a second
    check-up wanting the same lawyer (or firm) in the same slot fails to insert its row. NULLs never
    collide in a unique constraint, so a lawyer row and a firm row share the table.
    """

    __tablename__ = "checkup_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkup_id: Mapped[int] = mapped_column(
        ForeignKey("checkups.id", ondelete="CASCADE"), index=True
    )
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    slot_dt: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("lawyer_id", "slot_dt", name="uq_checkup_bookings_lawyer_slot"),
        UniqueConstraint("enterprise_id", "slot_dt", name="uq_checkup_bookings_enterprise_slot"),
        CheckConstraint("(lawyer_id IS NULL) <> (enterprise_id IS NULL)", name="one_resource"),
        Index("ix_checkup_bookings_slot_dt", "slot_dt"),
    )


class Finding(db.Model):
    __tablename__ = "checkup_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkup_id: Mapped[int] = mapped_column(
        ForeignKey("checkups.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("checkup_checklist_areas.id"), index=True)
    level: Mapped[Level] = mapped_column(_enum(Level, 10), index=True)
    facts: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    checkup: Mapped[Checkup] = relationship(back_populates="findings")
    area: Mapped[ChecklistArea] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    # Generic attributes other packages' escalation targets read.
    @property
    def title(self) -> str:
        return f"{self.area.name}：{self.facts.strip().splitlines()[0][:80] if self.facts.strip() else ''}"

    @property
    def body(self) -> str:
        return f"{self.facts}\n\n**法律依据**\n\n{self.legal_basis}\n\n**建议**\n\n{self.recommendation}"

    @property
    def enterprise(self) -> Enterprise:
        return self.checkup.enterprise


class ClearArea(db.Model):
    """An area the lawyers examined and explicitly found nothing in."""

    __tablename__ = "checkup_clear_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkup_id: Mapped[int] = mapped_column(ForeignKey("checkups.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("checkup_checklist_areas.id"))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_dt: Mapped[datetime] = mapped_column(default=utcnow)

    checkup: Mapped[Checkup] = relationship(back_populates="clear_areas")
    area: Mapped[ChecklistArea] = relationship()

    __table_args__ = (
        UniqueConstraint("checkup_id", "area_id", name="uq_checkup_clear_areas_pair"),
    )


class CheckupEvent(db.Model):
    """The timeline shown on the check-up page: every transition, who, when and why."""

    __tablename__ = "checkup_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkup_id: Mapped[int] = mapped_column(
        ForeignKey("checkups.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(30), default="")
    to_status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    checkup: Mapped[Checkup] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return status_text(self.to_status)


def status_text(value: str) -> str:
    """A status as a timeline entry stores it (text), in words; one no longer known as it is."""
    try:
        return str(STATUS_LABELS[Status(value)])
    except ValueError:
        return value


# The calendar keeps each week's and month's days as written (views.calendar) under this epoch:
# a check-up or booking inserted, changed or deleted through the ORM drops it when the
# transaction commits, so a booking, a new time, a cancellation or a status shows at once.
CALENDAR_EPOCH_KEY = "checkups:calendar:epoch"


def _calendar_changed(mapper, connection, target) -> None:
    from portal.core.cache import invalidate

    invalidate(CALENDAR_EPOCH_KEY)


for _model in (Checkup, CheckupLawyer):
    for _change in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _change, _calendar_changed)
