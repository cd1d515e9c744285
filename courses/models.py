"""Series, lectures, transcripts, registrations, attendance and replay views."""

import enum
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory, StoredFile

# Self check-in opens a little before the start and closes a while after the end.
CHECKIN_OPENS_BEFORE = timedelta(minutes=15)
CHECKIN_CLOSES_AFTER = timedelta(minutes=30)


class LectureStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"


STATUS_LABELS = {
    LectureStatus.draft: _l("Draft"),
    LectureStatus.published: _l("Published"),
    LectureStatus.cancelled: _l("Cancelled"),
}


class Phase(enum.StrEnum):
    """Where a lecture stands in time (derived, never stored)."""

    upcoming = "upcoming"
    live = "live"
    replay = "replay"


PHASE_LABELS = {
    Phase.upcoming: _l("Upcoming"),
    Phase.live: _l("Live now"),
    Phase.replay: _l("Replay"),
}


def phase_at(starts_dt: datetime, duration_minutes: int, now: datetime) -> Phase:
    """Where a lecture starting at starts_dt and lasting duration_minutes stands at now."""
    if now < starts_dt:
        return Phase.upcoming
    if now < starts_dt + timedelta(minutes=duration_minutes):
        return Phase.live
    return Phase.replay


class AttendanceSource(enum.StrEnum):
    checkin = "checkin"
    imported = "imported"


class LectureSeries(db.Model):
    __tablename__ = "lecture_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    lectures: Mapped[list["Lecture"]] = relationship(
        back_populates="series", order_by="Lecture.starts_dt"
    )

    def __str__(self):
        return self.title


class Lecture(db.Model):
    __tablename__ = "lectures"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("lecture_series.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    guest_speaker: Mapped[str] = mapped_column(String(120), default="")
    starts_dt: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("legal_categories.id"))
    industry: Mapped[str] = mapped_column(String(1), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    video_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    video_url: Mapped[str] = mapped_column(String(500), default="")
    slides_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    transcript_name: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[LectureStatus] = mapped_column(
        Enum(LectureStatus, native_enum=False, length=20, validate_strings=True),
        default=LectureStatus.draft,
    )
    status_changed_dt: Mapped[datetime | None]
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checkin_code: Mapped[str] = mapped_column(String(12))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking: a stale edit form is refused instead of overwriting a newer one.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    series: Mapped[LectureSeries | None] = relationship(back_populates="lectures")
    speaker: Mapped[User | None] = relationship(foreign_keys=[speaker_id])
    category: Mapped[LegalCategory | None] = relationship()
    video_file: Mapped[StoredFile | None] = relationship(foreign_keys=[video_file_id])
    slides_file: Mapped[StoredFile | None] = relationship(foreign_keys=[slides_file_id])
    cues: Mapped[list["TranscriptCue"]] = relationship(
        back_populates="lecture", order_by="TranscriptCue.position", cascade="all, delete-orphan"
    )
    history: Mapped[list["LectureHistory"]] = relationship(
        back_populates="lecture",
        order_by="LectureHistory.created_dt.desc(), LectureHistory.id.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def ends_dt(self) -> datetime:
        return self.starts_dt + timedelta(minutes=self.duration_minutes)

    def phase(self, now: datetime | None = None) -> Phase:
        return phase_at(self.starts_dt, self.duration_minutes, now or utcnow())

    def checkin_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (
            self.status == LectureStatus.published
            and self.starts_dt - CHECKIN_OPENS_BEFORE <= now <= self.ends_dt + CHECKIN_CLOSES_AFTER
        )

    @property
    def speaker_name(self) -> str:
        return self.speaker.name if self.speaker else self.guest_speaker

    @property
    def is_published(self) -> bool:
        return self.status == LectureStatus.published

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def has_video(self) -> bool:
        return self.video_file_id is not None or bool(self.video_url)

    def __str__(self):
        return self.title


class TranscriptCue(db.Model):
    __tablename__ = "lecture_transcript_cues"

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    position: Mapped[int]
    start_ms: Mapped[int]
    end_ms: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    lecture: Mapped[Lecture] = relationship(back_populates="cues")

    __table_args__ = (Index("ix_lecture_transcript_cues_lecture", "lecture_id", "position"),)

    @property
    def start_seconds(self) -> int:
        return self.start_ms // 1000


class LectureHistory(db.Model):
    """The timeline shown on the lecture page: status changes and edits."""

    __tablename__ = "lecture_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    lecture: Mapped[Lecture] = relationship(back_populates="history")
    by: Mapped[User | None] = relationship()


class Registration(db.Model):
    __tablename__ = "lecture_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_dt: Mapped[datetime | None]

    lecture: Mapped[Lecture] = relationship()
    user: Mapped[User] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()

    __table_args__ = (UniqueConstraint("lecture_id", "user_id"),)


class Attendance(db.Model):
    """One firm attended one lecture (certificates are per firm)."""

    __tablename__ = "lecture_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[AttendanceSource] = mapped_column(
        Enum(AttendanceSource, native_enum=False, length=20, validate_strings=True)
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    lecture: Mapped[Lecture] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("lecture_id", "enterprise_id"),)


class ReplayView(db.Model):
    """One view of a lecture page after the lecture (the replay counter, countable by month)."""

    __tablename__ = "lecture_replay_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lectures.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    viewed_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (Index("ix_lecture_replay_views_lecture", "lecture_id"),)
