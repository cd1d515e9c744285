"""Counsel groups (5+1 / 5+2), their members, lawyers, terms, services and direct requests."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from portal.accounts.models import Chamber, Enterprise, User
from portal.core.db import db, utcnow

MAX_FIRMS = 5
MAX_LAWYERS = 2


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class GroupStatus(enum.StrEnum):
    active = "active"
    ended = "ended"


GROUP_STATUS_LABELS = {GroupStatus.active: _l("Active"), GroupStatus.ended: _l("Ended")}


class ServiceKind(enum.StrEnum):
    advice = "advice"
    contract_review = "contract_review"
    training = "training"
    checkup = "checkup"
    dispute_help = "dispute_help"


SERVICE_KIND_LABELS = {
    ServiceKind.advice: _l("Legal advice"),
    ServiceKind.contract_review: _l("Contract review"),
    ServiceKind.training: _l("Training"),
    ServiceKind.checkup: _l("Legal check-up"),
    ServiceKind.dispute_help: _l("Dispute help"),
}


class ServiceStatus(enum.StrEnum):
    logged = "logged"
    confirmed = "confirmed"
    disputed = "disputed"
    withdrawn = "withdrawn"


SERVICE_STATUS_LABELS = {
    ServiceStatus.logged: _l("Awaiting confirmation"),
    ServiceStatus.confirmed: _l("Confirmed"),
    ServiceStatus.disputed: _l("Disputed"),
    ServiceStatus.withdrawn: _l("Withdrawn"),
}


class RequestStatus(enum.StrEnum):
    open = "open"
    answered = "answered"
    closed = "closed"


REQUEST_STATUS_LABELS = {
    RequestStatus.open: _l("Open"),
    RequestStatus.answered: _l("Answered"),
    RequestStatus.closed: _l("Closed"),
}


def group_kind_label(lawyers: int) -> str:
    """5+1 or 5+2: five firms and their counsel (a group is never shown as 5+0)."""
    return f"5+{max(lawyers, 1)}"


class CounselGroup(db.Model):
    __tablename__ = "counsel_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    chamber_id: Mapped[int | None] = mapped_column(ForeignKey("chambers.id"), index=True)
    status: Mapped[GroupStatus] = mapped_column(_enum(GroupStatus), default=GroupStatus.active)
    # The current term; earlier terms are kept in counsel_terms.
    start_date: Mapped[date]
    end_date: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    ended_dt: Mapped[datetime | None]

    chamber: Mapped[Chamber | None] = relationship()
    memberships: Mapped[list["CounselMembership"]] = relationship(
        back_populates="group", order_by="CounselMembership.id"
    )
    lawyer_seats: Mapped[list["CounselLawyerSeat"]] = relationship(
        back_populates="group", order_by="CounselLawyerSeat.id"
    )
    terms: Mapped[list["CounselTerm"]] = relationship(
        back_populates="group", order_by="CounselTerm.number"
    )

    __table_args__ = (CheckConstraint("end_date >= start_date", name="term_dates"),)

    @property
    def is_active(self) -> bool:
        return self.status == GroupStatus.active

    @property
    def current_members(self) -> list["CounselMembership"]:
        return [m for m in self.memberships if m.left_on is None]

    @property
    def current_lawyer_seats(self) -> list["CounselLawyerSeat"]:
        return [s for s in self.lawyer_seats if s.left_on is None]

    @property
    def enterprises(self) -> list[Enterprise]:
        return [m.enterprise for m in self.current_members]

    @property
    def lawyers(self) -> list[User]:
        return [s.lawyer for s in self.current_lawyer_seats]

    @property
    def kind_label(self) -> str:
        return group_kind_label(len(self.current_lawyer_seats))

    @property
    def status_label(self) -> str:
        return str(GROUP_STATUS_LABELS[self.status])

    def __str__(self):
        return self.name


class CounselTerm(db.Model):
    """One term of a group; renewal adds a term, the group and its history stay."""

    __tablename__ = "counsel_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("counsel_groups.id", ondelete="CASCADE"))
    number: Mapped[int]
    start_date: Mapped[date]
    end_date: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[CounselGroup] = relationship(back_populates="terms")

    __table_args__ = (Index("ix_counsel_terms_group_number", "group_id", "number", unique=True),)


class CounselMembership(db.Model):
    """A firm's seat in a group. While left_on is NULL the seat is current.

    Two partial unique indexes keep the promises in the database itself: a firm holds at most
    one current seat anywhere, and a group has at most five current seats (slots 1..5).
    """

    __tablename__ = "counsel_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("counsel_groups.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    slot: Mapped[int]
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    group: Mapped[CounselGroup] = relationship(back_populates="memberships")
    enterprise: Mapped[Enterprise] = relationship()

    __table_args__ = (
        CheckConstraint(f"slot >= 1 AND slot <= {MAX_FIRMS}", name="firm_slot"),
        Index(
            "uq_counsel_memberships_current_enterprise",
            "enterprise_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
        Index(
            "uq_counsel_memberships_current_slot",
            "group_id",
            "slot",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
    )


class CounselLawyerSeat(db.Model):
    """A counsel lawyer's seat in a group (one or two per group)."""

    __tablename__ = "counsel_lawyer_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("counsel_groups.id", ondelete="CASCADE"), index=True
    )
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    slot: Mapped[int]
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    group: Mapped[CounselGroup] = relationship(back_populates="lawyer_seats")
    lawyer: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(f"slot >= 1 AND slot <= {MAX_LAWYERS}", name="lawyer_slot"),
        Index(
            "uq_counsel_lawyer_seats_current_slot",
            "group_id",
            "slot",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
        Index(
            "uq_counsel_lawyer_seats_current_lawyer",
            "group_id",
            "lawyer_id",
            unique=True,
            sqlite_where=text("left_on IS NULL"),
            postgresql_where=text("left_on IS NULL"),
        ),
    )


class CounselService(db.Model):
    """One service a counsel lawyer gave a member firm; the firm confirms or disputes it."""

    __tablename__ = "counsel_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("counsel_groups.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ServiceKind] = mapped_column(_enum(ServiceKind))
    service_date: Mapped[date] = mapped_column(index=True)
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ServiceStatus] = mapped_column(
        _enum(ServiceStatus), default=ServiceStatus.logged, index=True
    )
    dispute_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_changed_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[CounselGroup] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    lawyer: Mapped[User] = relationship(foreign_keys=[lawyer_id])
    events: Mapped[list["CounselServiceEvent"]] = relationship(
        back_populates="service", order_by="CounselServiceEvent.id"
    )

    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes"),)

    @property
    def kind_label(self) -> str:
        return str(SERVICE_KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(SERVICE_STATUS_LABELS[self.status])

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    # What the services table prints of a service's firm and lawyer; the group page gives it
    # plain rows with these names joined.
    @property
    def firm_name(self) -> str:
        return self.enterprise.name

    @property
    def lawyer_name(self) -> str:
        return self.lawyer.name


class CounselServiceEvent(db.Model):
    """Timeline of a service: who moved it from which status to which, and why."""

    __tablename__ = "counsel_service_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("counsel_services.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[CounselService] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return str(SERVICE_STATUS_LABELS.get(self.to_status, self.to_status))


class CounselRequest(db.Model):
    """A firm's direct question or task for its counsel (also made by escalation)."""

    __tablename__ = "counsel_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("counsel_groups.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.open, index=True
    )
    answer: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_dt: Mapped[datetime | None]
    closed_dt: Mapped[datetime | None]

    group: Mapped[CounselGroup] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def status_label(self) -> str:
        return str(REQUEST_STATUS_LABELS[self.status])

    # What the requests list prints of a request's firm; the group page gives it plain rows
    # with the name joined.
    @property
    def firm_name(self) -> str:
        return self.enterprise.name


def group_list_options():
    """What a list of groups shows (chamber, firms, counsel): loaded with the rows, not per row."""
    return (
        joinedload(CounselGroup.chamber),
        selectinload(CounselGroup.memberships).joinedload(CounselMembership.enterprise),
        selectinload(CounselGroup.lawyer_seats).joinedload(CounselLawyerSeat.lawyer),
    )


def service_list_options():
    """What a list of services shows: its group, firm and lawyer."""
    return (
        joinedload(CounselService.group),
        joinedload(CounselService.enterprise),
        joinedload(CounselService.lawyer),
    )
