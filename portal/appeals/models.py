"""Appeal items (涉企诉求), the organisations that handle them, evaluations, plans, meetings."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.i18n import current_language
from portal.core.models import StoredFile, TimelineEntry
from portal.core.rows import LabelsOnce, translated


def _enum(cls, length=30):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Channel(enum.StrEnum):
    portal_record = "portal_record"  # a question, mediation case, check-up finding, counsel request
    online_form = "online_form"  # 网络平台征集
    research_visit = "research_visit"  # 调研走访
    hotline_12345 = "hotline_12345"  # 12345 hand-over
    cadre_visit = "cadre_visit"  # 领导干部入企服务
    chamber = "chamber"
    forum = "forum"
    onsite_meeting = "onsite_meeting"  # 涉法诉求现场办公会


CHANNEL_LABELS = {
    Channel.portal_record: _l("Portal record"),
    Channel.online_form: _l("Online collection form"),
    Channel.research_visit: _l("Research visit"),
    Channel.hotline_12345: _l("12345 hotline hand-over"),
    Channel.cadre_visit: _l("Cadre's company visit"),
    Channel.chamber: _l("Chamber of commerce"),
    Channel.forum: _l("Forum"),
    Channel.onsite_meeting: _l("On-site office meeting"),
}
STAFF_CHANNELS = [c for c in Channel if c not in (Channel.portal_record, Channel.online_form)]


class AppealCategory(enum.StrEnum):
    # legal categories
    enforcement = "enforcement"
    malicious_litigation = "malicious_litigation"
    credit_repair = "credit_repair"
    contract_dispute = "contract_dispute"
    labour = "labour"
    construction = "construction"
    corporate = "corporate"
    ip = "ip"
    tax = "tax"
    bankruptcy = "bankruptcy"
    compliance = "compliance"
    administrative = "administrative"
    # government categories
    arrears = "arrears"
    permits = "permits"
    financing = "financing"
    land = "land"
    policy = "policy"
    other = "other"


CATEGORY_LABELS = {
    AppealCategory.enforcement: _l("Enforcement difficulties"),
    AppealCategory.malicious_litigation: _l("Malicious litigation"),
    AppealCategory.credit_repair: _l("Credit repair"),
    AppealCategory.contract_dispute: _l("Contract dispute"),
    AppealCategory.labour: _l("Labour dispute"),
    AppealCategory.construction: _l("Construction projects"),
    AppealCategory.corporate: _l("Corporate governance and equity"),
    AppealCategory.ip: _l("Intellectual property"),
    AppealCategory.tax: _l("Tax"),
    AppealCategory.bankruptcy: _l("Insolvency and restructuring"),
    AppealCategory.compliance: _l("Compliance and risk"),
    AppealCategory.administrative: _l("Licensing and regulation"),
    AppealCategory.arrears: _l("Overdue payments owed to the firm"),
    AppealCategory.permits: _l("Permits and approvals"),
    AppealCategory.financing: _l("Financing difficulties"),
    AppealCategory.land: _l("Land use"),
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
        AppealCategory.construction,
        AppealCategory.corporate,
        AppealCategory.ip,
        AppealCategory.bankruptcy,
        AppealCategory.compliance,
    }
)

# A portal record's legal category (core LegalCategory.code) carried over at intake.
LEGAL_CODE_TO_CATEGORY = {
    "contract": AppealCategory.contract_dispute,
    "employment": AppealCategory.labour,
    "construction": AppealCategory.construction,
    "corporate": AppealCategory.corporate,
    "ip": AppealCategory.ip,
    "finance": AppealCategory.financing,
    "tax": AppealCategory.tax,
    "administrative": AppealCategory.administrative,
    "enforcement": AppealCategory.enforcement,
    "credit_repair": AppealCategory.credit_repair,
    "malicious_litigation": AppealCategory.malicious_litigation,
    "bankruptcy": AppealCategory.bankruptcy,
    "compliance": AppealCategory.compliance,
    "other": AppealCategory.other,
}


class Tier(enum.IntEnum):
    can_do = 1  # 应办能办
    hard = 2  # 应办难办
    undone = 3  # 应办未办、久拖不决


TIER_LABELS = {
    Tier.can_do: _l("Tier 1: should be done and can be"),
    Tier.hard: _l("Tier 2: should be done but is hard"),
    Tier.undone: _l("Tier 3: should have been done, or drags on"),
}


class Route(enum.StrEnum):
    direct = "direct"  # 直接协调解决
    forwarded = "forwarded"  # 横传有关责任部门
    escalated = "escalated"  # 上报市委市政府


ROUTE_LABELS = {
    Route.direct: _l("Resolved directly by the federation"),
    Route.forwarded: _l("Forwarded to a department"),
    Route.escalated: _l("Escalated to the city leadership"),
}


class AppealStatus(enum.StrEnum):
    referred = "referred"  # collected, waiting for verification and triage
    triaged = "triaged"
    distributed = "distributed"
    accepted = "accepted"
    returned = "returned"
    handled = "handled"
    reported_back = "reported_back"
    revisited = "revisited"
    satisfied = "satisfied"
    closed = "closed"
    reopened = "reopened"
    merged = "merged"


STATUS_LABELS = {
    AppealStatus.referred: _l("Collected, awaiting verification"),
    AppealStatus.triaged: _l("Verified and triaged"),
    AppealStatus.distributed: _l("Distributed to a department"),
    AppealStatus.accepted: _l("Accepted by the department"),
    AppealStatus.returned: _l("Returned by the department"),
    AppealStatus.handled: _l("Handled"),
    AppealStatus.reported_back: _l("Reported back"),
    AppealStatus.revisited: _l("Revisited; waiting for the enterprise's evaluation"),
    AppealStatus.satisfied: _l("Enterprise satisfied; awaiting closing"),
    AppealStatus.closed: _l("Closed (enterprise satisfied)"),
    AppealStatus.reopened: _l("Reopened (enterprise not satisfied)"),
    AppealStatus.merged: _l("Merged into another item"),
}
FINISHED = frozenset({AppealStatus.closed, AppealStatus.merged})


# Label tables as text, one per language, kept while the process runs: the words of a status or
# a channel do not change once the catalogues are loaded, and the list turned ~35 of them into
# text on every view (each lazy label asks Flask-Babel for the request's catalog again).
_LABEL_TEXTS: dict[tuple[str, str], LabelsOnce] = {}


def label_texts(name: str, labels: dict) -> LabelsOnce:
    """`translated(labels)` in the request's language, shared by the requests of that language
    (`name` tells the tables apart)."""
    key = (name, current_language())
    texts = _LABEL_TEXTS.get(key)
    if texts is None:
        texts = _LABEL_TEXTS[key] = translated(labels)
    return texts


# "Done" (已办结) in the reports: the department or federation has produced its result.
DONE = frozenset(
    {
        AppealStatus.handled,
        AppealStatus.reported_back,
        AppealStatus.revisited,
        AppealStatus.satisfied,
        AppealStatus.closed,
    }
)


class OrganisationKind(enum.StrEnum):
    bureau = "bureau"
    department = "department"


class AppealOrganisation(db.Model):
    """The business-environment bureau or a department that handles items (staff keep the list)."""

    __tablename__ = "appeal_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[OrganisationKind] = mapped_column(
        _enum(OrganisationKind, 20), default=OrganisationKind.department
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    members: Mapped[list["AppealOrganisationMember"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        from portal.core.reference import localized

        return localized(self.name, self.name_en or self.name)

    def __str__(self):
        return self.name


class AppealOrganisationMember(db.Model):
    """A user acting for an organisation (one organisation per user)."""

    __tablename__ = "appeal_organisation_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    organisation: Mapped[AppealOrganisation] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class MeetingKind(enum.StrEnum):
    face_to_face = "face_to_face"  # quarterly 面对面交流座谈会
    half_month = "half_month"  # 半月坛半日谈
    onsite = "onsite"  # 涉法诉求现场办公会


MEETING_KIND_LABELS = {
    MeetingKind.face_to_face: _l("Quarterly face-to-face forum with city leaders"),
    MeetingKind.half_month: _l("Half-month forum, half-day talk"),
    MeetingKind.onsite: _l("On-site office meeting on law-related appeals"),
}

meeting_departments = Table(
    "appeal_meeting_departments",
    db.metadata,
    Column("meeting_id", ForeignKey("appeal_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id",
        ForeignKey("appeal_organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)
meeting_files = Table(
    "appeal_meeting_files",
    db.metadata,
    Column("meeting_id", ForeignKey("appeal_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("file_id", ForeignKey("stored_files.id", ondelete="CASCADE"), primary_key=True),
)


class AppealMeeting(db.Model):
    __tablename__ = "appeal_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind, 20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    hosts: Mapped[str] = mapped_column(String(500), default="")
    firms_attending: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_meetings.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    departments: Mapped[list[AppealOrganisation]] = relationship(secondary=meeting_departments)
    files: Mapped[list[StoredFile]] = relationship(secondary=meeting_files)
    previous: Mapped["AppealMeeting | None"] = relationship(remote_side=[id])
    items: Mapped[list["AppealReferral"]] = relationship(
        back_populates="meeting", order_by="AppealReferral.id"
    )

    @property
    def kind_label(self) -> str:
        return str(MEETING_KIND_LABELS[self.kind])


class AppealReferral(db.Model):
    """One appeal item (诉求事项), whatever the channel it came through."""

    __tablename__ = "appeal_referrals"
    # The list filtered by one status, newest first, walks this index in order. With the status
    # alone indexed, both databases chose the created_dt index to avoid a sort and, for a rare
    # status (merged: none at scale 1), read all 20,000 items to find none (17 ms in SQLite).
    # A lawyer's list (the items they escalated) and a department's walk the next two the same
    # way: without them, the date index was read through all 20,000 items to find a lawyer's few
    # (21 ms at scale 1), and a department's 1,500 items were sorted on every view.
    __table_args__ = (
        Index("ix_appeal_referrals_status_created", "status", "created_dt", "id"),
        Index("ix_appeal_referrals_created_by", "created_by_id", "created_dt", "id"),
        Index("ix_appeal_referrals_organisation", "organisation_id", "created_dt", "id"),
        # The ledger's overdue list, in due order: only open items have a stage due date (the
        # workflow clears it when an item finishes), so walking this index finds the first
        # page's 50 rows without sorting the table.
        Index("ix_appeal_referrals_stage_due", "stage_due_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    # Who the public form says they are, until staff link the item to an enterprise.
    firm_name: Mapped[str] = mapped_column(String(200), default="")
    firm_uscc: Mapped[str] = mapped_column(String(18), default="", index=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[Channel] = mapped_column(
        _enum(Channel), default=Channel.portal_record, index=True
    )
    source_kind: Mapped[str] = mapped_column(String(40), default="")  # question, finding ...
    collected_on: Mapped[date | None]
    collected_by: Mapped[str] = mapped_column(String(120), default="")
    category: Mapped[AppealCategory] = mapped_column(_enum(AppealCategory), index=True)
    tier: Mapped[int | None] = mapped_column(index=True)
    tier_reason: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[Route | None] = mapped_column(_enum(Route, 20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_organisations.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_meetings.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_referrals.id"))
    register_ref: Mapped[str | None] = mapped_column(String(60), unique=True)
    register_url: Mapped[str] = mapped_column(String(500), default="")
    result: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AppealStatus] = mapped_column(_enum(AppealStatus), default=AppealStatus.referred)
    stage_due_date: Mapped[date | None]
    escalation_level: Mapped[int] = mapped_column(default=0)
    escalated_dt: Mapped[datetime | None]
    escalation_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status_changed_dt: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime | None] = mapped_column(index=True)
    done_dt: Mapped[datetime | None]

    enterprise: Mapped[Enterprise | None] = relationship()
    organisation: Mapped[AppealOrganisation | None] = relationship()
    meeting: Mapped[AppealMeeting | None] = relationship(back_populates="items")
    merged_into: Mapped["AppealReferral | None"] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list["AppealEvent"]] = relationship(
        back_populates="referral", order_by=lambda: (AppealEvent.created_dt, AppealEvent.id)
    )
    evaluations: Mapped[list["AppealEvaluation"]] = relationship(
        back_populates="referral", order_by=lambda: AppealEvaluation.id
    )
    attachments: Mapped[list["AppealAttachment"]] = relationship(back_populates="referral")
    plan: Mapped["SolutionPlan | None"] = relationship(back_populates="referral", uselist=False)

    @property
    def department(self) -> str:
        return self.organisation.name if self.organisation else ""

    @property
    def firm_label(self) -> str:
        return self.enterprise.name if self.enterprise else self.firm_name

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS[self.category])

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS[self.channel])

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS[Tier(self.tier)]) if self.tier else ""

    @property
    def route_label(self) -> str:
        return str(ROUTE_LABELS[self.route]) if self.route else ""

    @property
    def is_law_related(self) -> bool:
        return self.category in LAW_RELATED

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(clock.today())

    def is_overdue_on(self, today) -> bool:
        """`today`: Beijing's date (a list asks the clock once, not once a row)."""
        return overdue_on(self.status, self.stage_due_date, today)

    @property
    def latest_evaluation(self) -> "AppealEvaluation | None":
        return self.evaluations[-1] if self.evaluations else None

    @property
    def title(self) -> str:
        return self.summary


class AppealEvent(TimelineEntry, db.Model):
    """Timeline of an item: status changes, progress notes and escalations."""

    __tablename__ = "appeal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_referrals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="status")  # status|progress|escalation

    referral: Mapped[AppealReferral] = relationship(back_populates="events")

    @property
    def to_label(self) -> str:
        try:
            return str(STATUS_LABELS[AppealStatus(self.to_status)])
        except ValueError:
            return self.to_status or ""


class AppealAttachment(db.Model):
    """A file a department (or staff) attached to its progress or result."""

    __tablename__ = "appeal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_referrals.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[AppealReferral] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()


class EvaluationMethod(enum.StrEnum):
    portal = "portal"  # the firm itself, online
    talk = "talk"  # 谈: by meeting
    form = "form"  # 报: by form
    survey = "survey"  # 评: by opinion survey


EVALUATION_METHOD_LABELS = {
    EvaluationMethod.portal: _l("By the enterprise on the portal"),
    EvaluationMethod.talk: _l("By meeting (谈)"),
    EvaluationMethod.form: _l("By form (报)"),
    EvaluationMethod.survey: _l("By opinion survey (评)"),
}


class AppealEvaluation(db.Model):
    """评效打分: the firm's scores for one round of handling."""

    __tablename__ = "appeal_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_referrals.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[EvaluationMethod] = mapped_column(_enum(EvaluationMethod, 20))
    timeliness: Mapped[int]
    result: Mapped[int]
    attitude: Mapped[int]
    satisfied: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[AppealReferral] = relationship(back_populates="evaluations")
    by: Mapped[User | None] = relationship()

    @property
    def average(self) -> float:
        return round((self.timeliness + self.result + self.attitude) / 3, 2)

    @property
    def method_label(self) -> str:
        return str(EVALUATION_METHOD_LABELS[self.method])


plan_cooperating = Table(
    "appeal_plan_cooperating",
    db.metadata,
    Column("plan_id", ForeignKey("appeal_solution_plans.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id",
        ForeignKey("appeal_organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class SolutionPlan(db.Model):
    """《民营企业诉求事项解决方案》 of a tier-2 item."""

    __tablename__ = "appeal_solution_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_referrals.id", ondelete="CASCADE"), unique=True
    )
    principles: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[str] = mapped_column(Text, default="")
    lead_id: Mapped[int] = mapped_column(ForeignKey("appeal_organisations.id"))
    deadline: Mapped[date]
    team: Mapped[str] = mapped_column(Text, default="")  # one member a line: name, unit, role
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    referral: Mapped[AppealReferral] = relationship(back_populates="plan")
    lead: Mapped[AppealOrganisation] = relationship()
    cooperating: Mapped[list[AppealOrganisation]] = relationship(secondary=plan_cooperating)
    milestones: Mapped[list["PlanMilestone"]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by=lambda: (PlanMilestone.due_date, PlanMilestone.id),
    )

    @property
    def team_members(self) -> list[str]:
        return [line.strip() for line in self.team.splitlines() if line.strip()]


class PlanMilestone(db.Model):
    __tablename__ = "appeal_plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_solution_plans.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    done_dt: Mapped[datetime | None]

    plan: Mapped[SolutionPlan] = relationship(back_populates="milestones")


class RegisterOutbox(db.Model):
    """Messages for an external city register, written in the same transaction as the change."""

    __tablename__ = "appeal_register_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # idempotency key
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("appeal_referrals.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_dt: Mapped[datetime | None] = mapped_column(index=True)
    given_up: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class RegisterReceipt(db.Model):
    """Webhook deliveries already applied (replays are refused)."""

    __tablename__ = "appeal_register_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(80))
    received_dt: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("delivery_id", name="uq_appeal_register_receipts_delivery"),)


def overdue_on(status, stage_due_date, today) -> bool:
    """Whether an item in `status` whose stage is due on `stage_due_date` is overdue on `today`
    (Beijing's date): open, not yet satisfied, and past its stage's due date. For the list's
    plain rows as for an item."""
    return (
        status not in FINISHED
        and status != AppealStatus.satisfied
        and stage_due_date is not None
        and stage_due_date < today
    )
