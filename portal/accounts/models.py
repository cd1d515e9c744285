"""Users and the organisations they act for."""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from portal.core.reference import SIZE_CLASSES, industry_name


class Role(enum.StrEnum):
    enterprise = "enterprise"
    lawyer = "lawyer"
    mediator = "mediator"
    staff = "staff"
    admin = "admin"
    department_handler = "department_handler"  # 部门经办人: sees only its department's appeals
    bureau_coordinator = "bureau_coordinator"  # 营商局: distributes appeals, reports back
    leadership = "leadership"  # city leadership viewer: reads tier-2/3 items and the reports


ROLE_LABELS = {
    Role.enterprise: _l("Enterprise user"),
    Role.lawyer: _l("Volunteer lawyer"),
    Role.mediator: _l("Mediator"),
    Role.staff: _l("Federation staff"),
    Role.admin: _l("Administrator"),
    Role.department_handler: _l("Department handler"),
    Role.bureau_coordinator: _l("Business-environment bureau coordinator"),
    Role.leadership: _l("City leadership viewer"),
}


class Verification(enum.StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"


VERIFICATION_LABELS = {
    Verification.pending: _l("Awaiting verification"),
    Verification.verified: _l("Verified"),
    Verification.rejected: _l("Rejected"),
}


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, validate_strings=True)


enterprise_chambers = Table(
    "enterprise_chambers",
    db.metadata,
    Column("enterprise_id", ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True),
    Column("chamber_id", ForeignKey("chambers.id", ondelete="CASCADE"), primary_key=True),
)

lawyer_specialities = Table(
    "lawyer_specialities",
    db.metadata,
    Column(
        "lawyer_id", ForeignKey("lawyer_profiles.user_id", ondelete="CASCADE"), primary_key=True
    ),
    Column("category_id", ForeignKey("legal_categories.id", ondelete="CASCADE"), primary_key=True),
)


class Chamber(db.Model):
    """A chamber of commerce (商会) under the federation."""

    __tablename__ = "chambers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200), default="")

    def __str__(self):
        return self.name


class Enterprise(db.Model):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(1), index=True)
    size_class: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(255), default="")
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    verification: Mapped[Verification] = mapped_column(
        _enum(Verification), default=Verification.pending
    )
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    verified_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    chambers: Mapped[list[Chamber]] = relationship(secondary=enterprise_chambers)
    users: Mapped[list["User"]] = relationship(
        back_populates="enterprise", foreign_keys="User.enterprise_id"
    )

    @property
    def industry_name(self) -> str:
        return industry_name(self.industry)

    @property
    def size_label(self) -> str:
        return str(SIZE_CLASSES.get(self.size_class, self.size_class))

    @property
    def verification_label(self) -> str:
        return str(VERIFICATION_LABELS[self.verification])

    @property
    def is_small_or_micro(self) -> bool:
        return self.size_class in ("small", "micro")

    def __str__(self):
        return self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    verification: Mapped[Verification] = mapped_column(
        _enum(Verification), default=Verification.pending, index=True
    )
    is_deactivated: Mapped[bool] = mapped_column(default=False)
    # Rotated on logout and password change: every older session cookie stops working.
    session_token: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_urlsafe(32)
    )
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    # Indexed: the staff list pages through accounts newest first.
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_login_dt: Mapped[datetime | None]

    enterprise: Mapped[Enterprise | None] = relationship(
        back_populates="users", foreign_keys=[enterprise_id]
    )
    lawyer_profile: Mapped["LawyerProfile | None"] = relationship(
        back_populates="user", uselist=False
    )

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return not self.is_deactivated

    @property
    def is_verified(self) -> bool:
        if self.verification != Verification.verified:
            return False
        if self.role == Role.enterprise:
            return (
                self.enterprise is not None
                and self.enterprise.verification == Verification.verified
            )
        return True

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.staff, Role.admin)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    @property
    def verification_label(self) -> str:
        return str(VERIFICATION_LABELS[self.verification])

    def has_role(self, *roles) -> bool:
        return self.role in roles

    def __str__(self):
        return self.name


class LawyerProfile(db.Model):
    __tablename__ = "lawyer_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    law_firm: Mapped[str] = mapped_column(String(200))
    certificate_no: Mapped[str] = mapped_column(String(40), unique=True)
    # Comma-free list of GB/T 4754 section letters, e.g. "CEF".
    industries: Mapped[str] = mapped_column(String(20), default="")
    weekly_capacity: Mapped[int] = mapped_column(default=5)
    bio: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(back_populates="lawyer_profile")
    specialities: Mapped[list[LegalCategory]] = relationship(
        secondary=lawyer_specialities, lazy="selectin"
    )
    conflicts: Mapped[list["LawyerConflict"]] = relationship(
        back_populates="lawyer", cascade="all, delete-orphan"
    )

    @property
    def industry_codes(self) -> list[str]:
        return list(self.industries)

    def has_conflict_with(self, enterprise_id: int) -> bool:
        return any(c.enterprise_id == enterprise_id for c in self.conflicts)


class LawyerConflict(db.Model):
    """A firm the lawyer must not advise (client of the other side, own client, relative...)."""

    __tablename__ = "lawyer_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lawyer_id: Mapped[int] = mapped_column(
        ForeignKey("lawyer_profiles.user_id", ondelete="CASCADE")
    )
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(255), default="")
    declared_dt: Mapped[datetime] = mapped_column(default=utcnow)

    lawyer: Mapped[LawyerProfile] = relationship(back_populates="conflicts")
    enterprise: Mapped[Enterprise] = relationship()

    __table_args__ = (Index("ix_lawyer_conflicts_pair", "lawyer_id", "enterprise_id", unique=True),)


class LoginAttempt(db.Model):
    """Failed log-ins, counted per account and per address across all workers."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    attempted_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
