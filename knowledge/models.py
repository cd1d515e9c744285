"""Questions, their messages, timeline and routing decisions; routing rules; knowledge-base articles."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory, StoredFile
from portal.core.reference import industry_name


class QuestionStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    assigned = "assigned"
    pool = "pool"
    claimed = "claimed"
    needs_info = "needs_info"
    answered = "answered"
    follow_up = "follow_up"
    closed = "closed"
    escalated = "escalated"
    withdrawn = "withdrawn"


STATUS_LABELS = {
    QuestionStatus.draft: _l("Draft"),
    QuestionStatus.submitted: _l("Submitted, waiting for routing"),
    QuestionStatus.assigned: _l("Assigned to a lawyer"),
    QuestionStatus.pool: _l("Offered to matching lawyers"),
    QuestionStatus.claimed: _l("Being answered"),
    QuestionStatus.needs_info: _l("Waiting for more information"),
    QuestionStatus.answered: _l("Answered"),
    QuestionStatus.follow_up: _l("Follow-up asked"),
    QuestionStatus.closed: _l("Closed"),
    QuestionStatus.escalated: _l("Escalated"),
    QuestionStatus.withdrawn: _l("Withdrawn"),
}

# Waiting for a first answer: these count against the deadline.
UNANSWERED = (
    QuestionStatus.submitted,
    QuestionStatus.assigned,
    QuestionStatus.pool,
    QuestionStatus.claimed,
)
OPEN = (*UNANSWERED, QuestionStatus.needs_info, QuestionStatus.answered, QuestionStatus.follow_up)


class Urgency(enum.StrEnum):
    normal = "normal"
    urgent = "urgent"


URGENCY_LABELS = {Urgency.normal: _l("Normal"), Urgency.urgent: _l("Urgent")}


class RoutingMode(enum.StrEnum):
    pool = "pool"
    direct = "direct"


ROUTING_MODE_LABELS = {
    RoutingMode.pool: _l("Offer to the pool of matching lawyers"),
    RoutingMode.direct: _l("Assign straight to the best match"),
}


class MessageKind(enum.StrEnum):
    answer = "answer"
    info_request = "info_request"
    info_reply = "info_reply"
    follow_up = "follow_up"


MESSAGE_KIND_LABELS = {
    MessageKind.answer: _l("Answer"),
    MessageKind.info_request: _l("Request for more information"),
    MessageKind.info_reply: _l("More information"),
    MessageKind.follow_up: _l("Follow-up question"),
}


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("legal_categories.id"), index=True)
    # The firm's GB/T 4754 section when it asked (routing and statistics keep it).
    industry: Mapped[str] = mapped_column(String(1), index=True)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.normal)
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    status: Mapped[QuestionStatus] = mapped_column(
        _enum(QuestionStatus), default=QuestionStatus.draft
    )
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    routing_mode: Mapped[str] = mapped_column(String(20), default="")
    deadline_days: Mapped[int] = mapped_column(default=3)
    deadline_dt: Mapped[datetime | None]
    # The clock stops while waiting for the enterprise (needs_info).
    paused_since_dt: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_dt: Mapped[datetime | None]
    assigned_dt: Mapped[datetime | None]
    claimed_dt: Mapped[datetime | None]
    first_answer_dt: Mapped[datetime | None]
    answered_dt: Mapped[datetime | None]
    closed_dt: Mapped[datetime | None]
    reminder_sent_dt: Mapped[datetime | None]
    overdue_flagged_dt: Mapped[datetime | None]
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rated_dt: Mapped[datetime | None]

    enterprise: Mapped[Enterprise] = relationship()
    asker: Mapped[User] = relationship(foreign_keys=[asker_id])
    lawyer: Mapped[User | None] = relationship(foreign_keys=[lawyer_id])
    category: Mapped[LegalCategory] = relationship(lazy="joined")
    messages: Mapped[list["QuestionMessage"]] = relationship(
        back_populates="question", order_by="QuestionMessage.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["QuestionAttachment"]] = relationship(
        back_populates="question", order_by="QuestionAttachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["QuestionEvent"]] = relationship(
        back_populates="question", order_by="QuestionEvent.id", cascade="all, delete-orphan"
    )
    offers: Mapped[list["QuestionOffer"]] = relationship(
        back_populates="question", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_questions_status_deadline", "status", "deadline_dt"),
        Index("ix_questions_lawyer_status", "lawyer_id", "status", "deadline_dt"),
        Index("ix_questions_submitted", "submitted_dt"),
        # The weekly load of the lawyer roster and routing (knowledge.routing.taken_this_week),
        # answered from the index alone (it holds the lawyer too).
        Index("ix_questions_taken", "claimed_dt", "assigned_dt", "lawyer_id"),
        # Answered questions proposed for the knowledge base, latest answer first; partial, so
        # that the planner never takes it for the unanswered (first_answer_dt IS NULL) lists.
        Index(
            "ix_questions_publishable",
            "consent_to_publish",
            "first_answer_dt",
            "status",
            sqlite_where=text("first_answer_dt IS NOT NULL"),
            postgresql_where=text("first_answer_dt IS NOT NULL"),
        ),
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def urgency_label(self) -> str:
        return str(URGENCY_LABELS[self.urgency])

    @property
    def industry_name(self) -> str:
        return industry_name(self.industry)

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in UNANSWERED
            and self.first_answer_dt is None
            and self.deadline_dt is not None
            and self.deadline_dt < utcnow()
        )

    def __str__(self):
        return self.title


class QuestionMessage(db.Model):
    """What was written after the question: answers, requests for information, replies, follow-ups."""

    __tablename__ = "question_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind))
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return str(MESSAGE_KIND_LABELS[self.kind])


class QuestionAttachment(db.Model):
    __tablename__ = "question_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("question_messages.id"))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    question: Mapped[Question] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship(lazy="joined")


class QuestionEvent(db.Model):
    """The question's timeline: every status change, who and when, with a note."""

    __tablename__ = "question_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return str(STATUS_LABELS.get(self.to_status, self.to_status))


class QuestionOffer(db.Model):
    """A question in the pool is offered to each matching lawyer (one row per lawyer)."""

    __tablename__ = "question_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="offers")

    __table_args__ = (
        UniqueConstraint("question_id", "lawyer_id", name="uq_question_offers_pair"),
        Index("ix_question_offers_lawyer", "lawyer_id", "question_id"),
    )


class RoutingDecision(db.Model):
    """Why a question went where it went: the rule applied and every lawyer considered."""

    __tablename__ = "routing_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(20))
    chosen_lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    matched: Mapped[int] = mapped_column(default=0)
    # [{"lawyer_id": 3, "name": "...", "ok": false, "reasons": ["..."]}, ...]
    considered: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(500), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    chosen_lawyer: Mapped[User | None] = relationship(foreign_keys=[chosen_lawyer_id])


class RoutingRule(db.Model):
    """Per legal category: pool or direct assignment, and the deadline in working days."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("legal_categories.id"), unique=True)
    mode: Mapped[RoutingMode] = mapped_column(_enum(RoutingMode), default=RoutingMode.pool)
    deadline_days: Mapped[int] = mapped_column(default=3)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[LegalCategory] = relationship(lazy="joined")

    @property
    def mode_label(self) -> str:
        return str(ROUTING_MODE_LABELS[self.mode])


class KnowledgeArticle(db.Model):
    """An answered question, anonymised by staff, in the public knowledge base."""

    __tablename__ = "knowledge_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    question_text: Mapped[str] = mapped_column(Text)
    answer_text: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("legal_categories.id"), index=True)
    industry: Mapped[str] = mapped_column(String(1), default="", index=True)
    is_published: Mapped[bool] = mapped_column(default=False)
    published_dt: Mapped[datetime | None]
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    question: Mapped[Question | None] = relationship()
    category: Mapped[LegalCategory] = relationship(lazy="joined")

    @property
    def industry_name(self) -> str:
        return industry_name(self.industry)
