"""Models of mediation: committees, their mediators, cases and everything a case's dossier holds."""

import enum
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Chamber, Enterprise, User
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory, StoredFile, TimelineEntry

DEFAULT_DOSSIER_PATTERN = "{prefix}〔{year}〕{seq}号"
DEFAULT_DURATION_DAYS = 30
JUDICIAL_CONFIRMATION_DAYS = 30
DEFAULT_RETENTION_YEARS = 10


def _enum(cls, length=30):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


# ---------------------------------------------------------------- committees


class FoundingStep(enum.StrEnum):
    chamber_application = "chamber_application"
    federation_approval = "federation_approval"
    justice_registration = "justice_registration"
    rules_adopted = "rules_adopted"
    seal = "seal"
    members_appointed = "members_appointed"


FOUNDING_STEP_LABELS = {
    FoundingStep.chamber_application: _l("Chamber applies to set up the committee"),
    FoundingStep.federation_approval: _l("Federation approves"),
    FoundingStep.justice_registration: _l("Registered with the justice bureau"),
    FoundingStep.rules_adopted: _l("Rules adopted"),
    FoundingStep.seal: _l("Seal made"),
    FoundingStep.members_appointed: _l("Members appointed"),
}


class Committee(db.Model):
    """A chamber's people's mediation committee (商会人民调解委员会); one per chamber."""

    __tablename__ = "mediation_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    chamber_id: Mapped[int] = mapped_column(ForeignKey("chambers.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    # e.g. prefix "沈商调", pattern "{prefix}〔{year}〕{seq}号" -> 沈商调〔2026〕17号
    dossier_prefix: Mapped[str] = mapped_column(String(40), default="")
    dossier_pattern: Mapped[str] = mapped_column(String(80), default=DEFAULT_DOSSIER_PATTERN)
    duration_limit_days: Mapped[int] = mapped_column(default=DEFAULT_DURATION_DAYS)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    chamber: Mapped[Chamber] = relationship()
    members: Mapped[list["CommitteeMember"]] = relationship(
        back_populates="committee", order_by="CommitteeMember.id"
    )
    founding_steps: Mapped[list["CommitteeFoundingStep"]] = relationship(
        back_populates="committee", cascade="all, delete-orphan"
    )

    @property
    def active_members(self):
        return [m for m in self.members if m.status == MemberStatus.active]

    @property
    def director(self):
        for member in self.active_members:
            if member.role == MemberRole.director:
                return member.user
        return None

    def format_dossier_number(self, year: int, seq: int) -> str:
        try:
            return (self.dossier_pattern or DEFAULT_DOSSIER_PATTERN).format(
                prefix=self.dossier_prefix, year=year, seq=seq
            )
        except (KeyError, IndexError, ValueError):
            return DEFAULT_DOSSIER_PATTERN.format(prefix=self.dossier_prefix, year=year, seq=seq)

    def __str__(self):
        return self.name


class CommitteeFoundingStep(db.Model):
    """One step of the founding procedure, with its date and the paper that proves it."""

    __tablename__ = "mediation_founding_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_committees.id", ondelete="CASCADE")
    )
    step: Mapped[FoundingStep] = mapped_column(_enum(FoundingStep))
    done_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_dt: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="founding_steps")
    file: Mapped[StoredFile | None] = relationship()

    __table_args__ = (UniqueConstraint("committee_id", "step"),)

    @property
    def label(self):
        return FOUNDING_STEP_LABELS[self.step]


class RulesKind(enum.StrEnum):
    management = "management"  # 调解员管理办法
    work = "work"  # 调解工作制度


RULES_KIND_LABELS = {
    RulesKind.management: _l("Mediator management rules"),
    RulesKind.work: _l("Mediation work rules"),
}


class RulesPage(db.Model):
    """Editable Markdown rules of a committee; committee_id NULL is the federation's default."""

    __tablename__ = "mediation_rules_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_committees.id", ondelete="CASCADE")
    )
    kind: Mapped[RulesKind] = mapped_column(_enum(RulesKind, 20))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("committee_id", "kind"),)


class MemberRole(enum.StrEnum):
    director = "director"
    member = "member"


MEMBER_ROLE_LABELS = {MemberRole.director: _l("Director"), MemberRole.member: _l("Mediator")}


class MemberStatus(enum.StrEnum):
    active = "active"
    suspended = "suspended"
    removed = "removed"


MEMBER_STATUS_LABELS = {
    MemberStatus.active: _l("On duty"),
    MemberStatus.suspended: _l("Suspended"),
    MemberStatus.removed: _l("Removed"),
}

member_specialities = Table(
    "mediation_member_specialities",
    db.metadata,
    Column("member_id", ForeignKey("mediation_members.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("legal_categories.id", ondelete="CASCADE"), primary_key=True),
)


class CommitteeMember(db.Model):
    """A mediator on a committee's roster (a user with Role.mediator); the director is one too."""

    __tablename__ = "mediation_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("mediation_committees.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, 20), default=MemberRole.member)
    status: Mapped[MemberStatus] = mapped_column(
        _enum(MemberStatus, 20), default=MemberStatus.active
    )
    qualification: Mapped[str] = mapped_column(String(200), default="")
    training_hours: Mapped[int] = mapped_column(default=0)
    appointed_on: Mapped[date | None]
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_on: Mapped[date | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removal_reason: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    specialities: Mapped[list[LegalCategory]] = relationship(
        secondary=member_specialities, lazy="selectin"
    )

    __table_args__ = (UniqueConstraint("committee_id", "user_id"),)

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.active

    def __str__(self):
        return self.user.name


# ---------------------------------------------------------------- cases


class CaseStatus(enum.StrEnum):
    applied = "applied"
    accepted = "accepted"
    declined = "declined"
    mediators_assigned = "mediators_assigned"
    in_mediation = "in_mediation"
    agreement_reached = "agreement_reached"
    failed = "failed"
    withdrawn = "withdrawn"
    return_visited = "return_visited"
    archived = "archived"


CASE_STATUS_LABELS = {
    CaseStatus.applied: _l("Applied"),
    CaseStatus.accepted: _l("Accepted"),
    CaseStatus.declined: _l("Declined"),
    CaseStatus.mediators_assigned: _l("Mediators assigned"),
    CaseStatus.in_mediation: _l("In mediation"),
    CaseStatus.agreement_reached: _l("Agreement reached"),
    CaseStatus.failed: _l("Mediation failed"),
    CaseStatus.withdrawn: _l("Withdrawn"),
    CaseStatus.return_visited: _l("Return visit done"),
    CaseStatus.archived: _l("Archived"),
}

# Statuses in which the duration limit runs.
OPEN_STATUSES = (
    CaseStatus.applied,
    CaseStatus.accepted,
    CaseStatus.mediators_assigned,
    CaseStatus.in_mediation,
)
RUNNING_STATUSES = (CaseStatus.accepted, CaseStatus.mediators_assigned, CaseStatus.in_mediation)
# The running cases as the overdue list's partial index is defined (migration c5d2a8e1f7b3).
# A statement uses that index only if it writes this IN list with literals (running_case()).
RUNNING_WHERE = "status IN ({})".format(", ".join(f"'{s}'" for s in RUNNING_STATUSES))


def running_case():
    """Case.status in RUNNING_STATUSES, its values written into the SQL as literals (SQLite
    cannot tell that bound values match a partial index's condition)."""
    values = [str(s) for s in RUNNING_STATUSES]
    return Case.status.in_(
        bindparam("running_statuses", values, expanding=True, literal_execute=True)
    )


class CaseSource(enum.StrEnum):
    online = "online"  # applied online by a party
    oral = "oral"  # oral application entered by a mediator
    question = "question"  # escalated from a legal question
    court = "court"  # referred by a court
    government = "government"  # referred by a government department


CASE_SOURCE_LABELS = {
    CaseSource.online: _l("Online application"),
    CaseSource.oral: _l("Oral application"),
    CaseSource.question: _l("Referred from a question"),
    CaseSource.court: _l("Referred by a court"),
    CaseSource.government: _l("Referred by a government department"),
}


class DeclineReason(enum.StrEnum):
    party_objects = "party_objects"
    outside_scope = "outside_scope"


DECLINE_REASON_LABELS = {
    DeclineReason.party_objects: _l("A party clearly objects to mediation"),
    DeclineReason.outside_scope: _l("The dispute is outside people's mediation"),
}


class RetentionPeriod(enum.StrEnum):
    permanent = "permanent"
    long = "long"
    short = "short"


RETENTION_LABELS = {
    RetentionPeriod.permanent: _l("Permanent"),
    RetentionPeriod.long: _l("Long term"),
    RetentionPeriod.short: _l("Short term"),
}


class Case(db.Model):
    """A mediation case from application to archive (its dossier number is given at archive)."""

    __tablename__ = "mediation_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("mediation_committees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[CaseSource] = mapped_column(_enum(CaseSource, 20))
    source_reference: Mapped[str] = mapped_column(String(200), default="")  # court's file no...
    category_id: Mapped[int | None] = mapped_column(ForeignKey("legal_categories.id"))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    facts: Mapped[str] = mapped_column(Text, default="")
    claims: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CaseStatus] = mapped_column(
        _enum(CaseStatus), default=CaseStatus.applied, index=True
    )
    # Indexed for the cases a user sees (permissions.visible_cases): their own applications.
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applied_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    accepted_dt: Mapped[datetime | None]
    due_dt: Mapped[datetime | None]  # accepted_dt + committee's duration limit
    declined_reason: Mapped[DeclineReason | None] = mapped_column(_enum(DeclineReason, 20))
    decline_note: Mapped[str] = mapped_column(Text, default="")
    rights_notice_dt: Mapped[datetime | None]  # parties told their rights and duties
    rights_notice_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime | None]  # agreement reached / failed / withdrawn / declined
    termination_notice: Mapped[str] = mapped_column(Text, default="")  # when failed
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Dossier (卷宗): number assigned atomically at archive, per committee and year.
    dossier_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    dossier_year: Mapped[int | None]
    dossier_seq: Mapped[int | None]
    archived_dt: Mapped[datetime | None]
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retention_period: Mapped[RetentionPeriod] = mapped_column(
        _enum(RetentionPeriod, 20), default=RetentionPeriod.long
    )
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship()
    category: Mapped[LegalCategory | None] = relationship()
    applicant_user: Mapped[User | None] = relationship(foreign_keys=[applicant_user_id])
    parties: Mapped[list["CaseParty"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParty.id"
    )
    mediators: Mapped[list["CaseMediator"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMediator.id"
    )
    sessions: Mapped[list["MediationSession"]] = relationship(
        back_populates="case", order_by="MediationSession.held_dt"
    )
    investigations: Mapped[list["InvestigationRecord"]] = relationship(
        back_populates="case", order_by="InvestigationRecord.investigated_dt"
    )
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="case", order_by="Evidence.id")
    notes: Mapped[list["CaseNote"]] = relationship(back_populates="case", order_by="CaseNote.id")
    agreement: Mapped["Agreement | None"] = relationship(back_populates="case", uselist=False)
    return_visits: Mapped[list["ReturnVisit"]] = relationship(
        back_populates="case", order_by="ReturnVisit.visited_on"
    )
    events: Mapped[list["CaseEvent"]] = relationship(back_populates="case", order_by="CaseEvent.id")

    __table_args__ = (
        UniqueConstraint("committee_id", "dossier_year", "dossier_seq"),
        Index("ix_mediation_cases_committee_status", "committee_id", "status"),
        # The ledger's pages and the monthly report (migration c5d2a8e1f7b3).
        Index("ix_mediation_cases_committee_accepted", "committee_id", "accepted_dt", "id"),
        Index("ix_mediation_cases_committee_closed", "committee_id", "closed_dt"),
        Index(
            "ix_mediation_cases_running_due",
            "due_dt",
            "id",
            sqlite_where=text(RUNNING_WHERE),
            postgresql_where=text(RUNNING_WHERE),
        ),
    )

    @property
    def status_label(self):
        return CASE_STATUS_LABELS[self.status]

    @property
    def source_label(self):
        return CASE_SOURCE_LABELS[self.source]

    @property
    def declined_reason_label(self):
        return DECLINE_REASON_LABELS[self.declined_reason] if self.declined_reason else ""

    @property
    def active_mediators(self):
        return [m for m in self.mediators if m.recused_dt is None]

    @property
    def applicants(self):
        return [p for p in self.parties if p.side == PartySide.applicant]

    @property
    def respondents(self):
        return [p for p in self.parties if p.side == PartySide.respondent]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return (
            self.status in RUNNING_STATUSES
            and self.due_dt is not None
            and (now or utcnow()) > self.due_dt
        )

    @property
    def duration_days(self) -> int | None:
        if self.accepted_dt is None:
            return None
        end = self.closed_dt or utcnow()
        return max(0, (end - self.accepted_dt).days)

    def __str__(self):
        return self.dossier_number or self.title


class PartySide(enum.StrEnum):
    applicant = "applicant"
    respondent = "respondent"


PARTY_SIDE_LABELS = {PartySide.applicant: _l("Applicant"), PartySide.respondent: _l("Respondent")}


class PartyKind(enum.StrEnum):
    enterprise = "enterprise"
    person = "person"


PARTY_KIND_LABELS = {PartyKind.enterprise: _l("Enterprise"), PartyKind.person: _l("Person")}


class CaseParty(db.Model):
    """A party to a case: an enterprise (registered or not) or a natural person, with contact data."""

    __tablename__ = "mediation_case_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[PartySide] = mapped_column(_enum(PartySide, 20))
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, 20))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str] = mapped_column(String(40), default="")  # USCC or ID card number
    representative: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    chose_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_members.id"))

    case: Mapped[Case] = relationship(back_populates="parties")
    enterprise: Mapped[Enterprise | None] = relationship()
    user: Mapped[User | None] = relationship()

    # The cases a person is named on (permissions.visible_cases) from the index alone: most
    # parties name no user, and SQLite's statistics then rate a user_id-only index as matching
    # every row, so it read the whole table instead.
    __table_args__ = (Index("ix_mediation_case_parties_user_case", "user_id", "case_id"),)

    @property
    def side_label(self):
        return PARTY_SIDE_LABELS[self.side]

    @property
    def kind_label(self):
        return PARTY_KIND_LABELS[self.kind]

    def __str__(self):
        return self.name


class CaseMediator(db.Model):
    """A mediator on a case; recusal (a mediator with an interest steps aside) is recorded."""

    __tablename__ = "mediation_case_mediators"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("mediation_members.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)
    chosen_by_party: Mapped[bool] = mapped_column(default=False)
    assigned_dt: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recused_dt: Mapped[datetime | None]
    recused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recusal_reason: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[Case] = relationship(back_populates="mediators")
    member: Mapped[CommitteeMember] = relationship()

    __table_args__ = (UniqueConstraint("case_id", "member_id"),)

    @property
    def user(self):
        return self.member.user

    @property
    def is_recused(self) -> bool:
        return self.recused_dt is not None


class MediationSession(db.Model):
    """A mediation session and its record (调解记录)."""

    __tablename__ = "mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    held_dt: Mapped[datetime]
    ended_dt: Mapped[datetime | None]
    is_online: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(String(255), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[str] = mapped_column(Text, default="")  # Markdown
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="sessions")
    recorded_by: Mapped[User | None] = relationship()


class InvestigationRecord(db.Model):
    """An investigation record (调查记录)."""

    __tablename__ = "mediation_investigations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    investigated_dt: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(255), default="")
    investigators: Mapped[str] = mapped_column(String(255), default="")
    interviewee: Mapped[str] = mapped_column(String(255), default="")
    record: Mapped[str] = mapped_column(Text, default="")  # Markdown
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="investigations")
    recorded_by: Mapped[User | None] = relationship()


class Evidence(db.Model):
    """A piece of evidence uploaded to the case (evidence list of the dossier)."""

    __tablename__ = "mediation_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(200), default="")  # which party
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="evidence")
    file: Mapped[StoredFile] = relationship()


class CaseNote(db.Model):
    """A note private to the case's mediators, the director and staff; never shown to parties."""

    __tablename__ = "mediation_case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class AgreementKind(enum.StrEnum):
    written = "written"
    oral = "oral"


AGREEMENT_KIND_LABELS = {
    AgreementKind.written: _l("Written agreement"),
    AgreementKind.oral: _l("Oral agreement"),
}


class Agreement(db.Model):
    """The mediation agreement (人民调解协议书) or the record of an oral agreement (Art. 28-30)."""

    __tablename__ = "mediation_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[AgreementKind] = mapped_column(_enum(AgreementKind, 20))
    parties_text: Mapped[str] = mapped_column(Text, default="")  # parties' basic facts
    facts: Mapped[str] = mapped_column(Text, default="")  # main facts and points in dispute
    responsibilities: Mapped[str] = mapped_column(Text, default="")  # each party's responsibility
    terms: Mapped[str] = mapped_column(Text, default="")  # what was agreed
    performance_manner: Mapped[str] = mapped_column(Text, default="")
    performance_deadline: Mapped[date | None]
    oral_record: Mapped[str] = mapped_column(Text, default="")
    signed_on: Mapped[date | None]
    effective_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Judicial confirmation (司法确认), jointly applied for within 30 days of effect.
    confirmation_applied_on: Mapped[date | None]
    confirmation_court: Mapped[str] = mapped_column(String(200), default="")
    confirmation_result: Mapped[str] = mapped_column(String(500), default="")
    confirmation_reminded_dt: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="agreement")

    @property
    def confirmation_deadline(self) -> date:
        return self.effective_on + timedelta(days=JUDICIAL_CONFIRMATION_DAYS)

    @property
    def kind_label(self):
        return AGREEMENT_KIND_LABELS[self.kind]


class Performance(enum.StrEnum):
    full = "full"
    partial = "partial"
    none = "none"


PERFORMANCE_LABELS = {
    Performance.full: _l("Performed in full"),
    Performance.partial: _l("Partly performed"),
    Performance.none: _l("Not performed"),
}


class ReturnVisit(db.Model):
    """A return visit on performance of the agreement (回访记录)."""

    __tablename__ = "mediation_return_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(80), default="")
    performance: Mapped[Performance] = mapped_column(_enum(Performance, 20))
    record: Mapped[str] = mapped_column(Text, default="")
    visited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="return_visits")
    visited_by: Mapped[User | None] = relationship()

    @property
    def performance_label(self):
        return PERFORMANCE_LABELS[self.performance]


EVENT_LABELS = {
    "applied": _l("Application received"),
    "party_added": _l("Party added"),
    "rights_notice": _l("Parties told their rights and duties"),
    "mediator_chosen": _l("A party chose a mediator"),
    "mediators_assigned": _l("Mediators assigned"),
    "recusal": _l("Mediator stepped aside"),
    "session": _l("Session recorded"),
    "investigation": _l("Investigation recorded"),
    "evidence": _l("Evidence added"),
    "note": _l("Private note"),
    "judicial_confirmation": _l("Judicial confirmation applied for"),
    "return_visit": _l("Return visit recorded"),
    "reminder": _l("Reminder sent"),
}


class CaseEvent(TimelineEntry, db.Model):
    """The case's timeline: every transition and recorded step, shown on the case page."""

    __tablename__ = "mediation_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_cases.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    # Internal events (private notes...) are hidden from the parties' view.
    is_internal: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(back_populates="events")

    @property
    def label(self):
        if self.to_status:
            return CASE_STATUS_LABELS.get(self.to_status, self.to_status)
        return EVENT_LABELS.get(self.action, self.action)


class CaseReminder(db.Model):
    """A reminder already sent (so `flask mediation remind` is idempotent)."""

    __tablename__ = "mediation_case_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # due_soon, overdue, confirmation_window
    sent_dt: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("case_id", "kind"),)


class DossierCounter(db.Model):
    """Last dossier sequence per committee and year; bumped by one conditional UPDATE."""

    __tablename__ = "mediation_dossier_counters"

    committee_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_committees.id"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
