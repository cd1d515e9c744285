"""Referrals into the general appeal register and their status history."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.core import clock
from portal.core.db import db, utcnow


def _enum(cls, length=30):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class AppealCategory(enum.StrEnum):
    enforcement = "enforcement"
    malicious_litigation = "malicious_litigation"
    credit_repair = "credit_repair"
    contract_dispute = "contract_dispute"
    labour = "labour"
    arrears = "arrears"
    permits = "permits"
    financing = "financing"
    policy = "policy"
    other = "other"


CATEGORY_LABELS = {
    AppealCategory.enforcement: _l("Enforcement difficulties"),
    AppealCategory.malicious_litigation: _l("Malicious litigation"),
    AppealCategory.credit_repair: _l("Credit repair"),
    AppealCategory.contract_dispute: _l("Contract dispute"),
    AppealCategory.labour: _l("Labour dispute"),
    AppealCategory.arrears: _l("Overdue payments owed to the firm"),
    AppealCategory.permits: _l("Permits and approvals"),
    AppealCategory.financing: _l("Financing difficulties"),
    AppealCategory.policy: _l("Policy support not delivered"),
    AppealCategory.other: _l("Other"),
}

# 涉法诉求: appeals that need legal work, reported separately.
LAW_RELATED = frozenset(
    {
        AppealCategory.enforcement,
        AppealCategory.malicious_litigation,
        AppealCategory.credit_repair,
        AppealCategory.contract_dispute,
        AppealCategory.labour,
    }
)


class AppealStatus(enum.StrEnum):
    referred = "referred"
    distributed = "distributed"
    handled = "handled"
    reported_back = "reported_back"
    revisited = "revisited"
    closed = "closed"
    reopened = "reopened"


STATUS_LABELS = {
    AppealStatus.referred: _l("Referred to the register"),
    AppealStatus.distributed: _l("Distributed to a department"),
    AppealStatus.handled: _l("Handled"),
    AppealStatus.reported_back: _l("Reported back"),
    AppealStatus.revisited: _l("Revisited; waiting for the enterprise"),
    AppealStatus.closed: _l("Closed (enterprise satisfied)"),
    AppealStatus.reopened: _l("Reopened (enterprise not satisfied)"),
}


class AppealReferral(db.Model):
    __tablename__ = "appeal_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    summary: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[AppealCategory] = mapped_column(_enum(AppealCategory), index=True)
    register_ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    register_url: Mapped[str] = mapped_column(String(500), default="")
    department: Mapped[str] = mapped_column(String(120), default="", index=True)
    status: Mapped[AppealStatus] = mapped_column(
        _enum(AppealStatus), default=AppealStatus.referred, index=True
    )
    stage_due_date: Mapped[date | None]
    escalation_level: Mapped[int] = mapped_column(default=0)
    escalated_dt: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status_changed_dt: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime | None] = mapped_column(index=True)

    enterprise: Mapped[Enterprise] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list["AppealEvent"]] = relationship(
        back_populates="referral", order_by=lambda: (AppealEvent.created_dt, AppealEvent.id)
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS[self.category])

    @property
    def is_law_related(self) -> bool:
        return self.category in LAW_RELATED

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != AppealStatus.closed
            and self.stage_due_date is not None
            and self.stage_due_date < clock.today()
        )

    @property
    def title(self) -> str:
        return self.summary


class AppealEvent(db.Model):
    """Timeline of a referral: status changes, register updates and escalations."""

    __tablename__ = "appeal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_referrals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="status")  # status | escalation
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[AppealReferral] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        try:
            return str(STATUS_LABELS[AppealStatus(self.to_status)])
        except ValueError:
            return self.to_status or ""
