"""Every state change of courses; flushes, never commits."""

import csv
import io
import secrets
from datetime import timedelta
from typing import NamedTuple

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from courses import permissions
from courses.models import (
    Attendance,
    AttendanceSource,
    Lecture,
    LectureHistory,
    LectureSeries,
    LectureStatus,
    Registration,
    ReplayView,
    TranscriptCue,
)
from portal.accounts.models import Enterprise, Role, User
from portal.audit.operations import log
from portal.core.db import db, utcnow
from portal.core.i18n import LocalMoment
from portal.core.reference import uscc_problem
from portal.core.uploads import store_upload
from portal.notifications.operations import notify

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
EDITABLE_FIELDS = (
    "title",
    "series_id",
    "speaker_id",
    "guest_speaker",
    "starts_dt",
    "duration_minutes",
    "category_id",
    "industry",
    "summary",
    "notes",
    "video_url",
)
MB = 1024 * 1024


class LectureError(ValueError):
    """A refused action; str(exc) is a message for the user."""


def upload_limits() -> dict:
    """Bytes allowed per upload; COURSES_*_MAX_MB settings may be fractions of a MB."""
    config = current_app.config
    return {
        "video": int(config.get("COURSES_VIDEO_MAX_MB", 500) * MB),
        "slides": int(config.get("COURSES_SLIDES_MAX_MB", 30) * MB),
        "transcript": int(config.get("COURSES_TRANSCRIPT_MAX_MB", 2) * MB),
        "attendance": int(config.get("COURSES_ATTENDANCE_MAX_MB", 2) * MB),
    }


def lecture_path(lecture_id: int, **params) -> str:
    """The lecture page's path, also from the CLI and the search indexer (no request)."""
    if has_request_context():
        return url_for("courses.lecture", lecture_id=lecture_id, **params)
    with current_app.test_request_context():
        return url_for("courses.lecture", lecture_id=lecture_id, **params)


def _enqueue(kind: str, object_id: int):
    from knowledge.search.outbox import enqueue

    enqueue(kind, object_id)


def _enqueue_lecture(lecture: Lecture):
    """The lecture and every transcript line carry its title and access: reindex them all."""
    db.session.flush()
    _enqueue("lecture", lecture.id)
    for cue_id in db.session.scalars(
        select(TranscriptCue.id).where(TranscriptCue.lecture_id == lecture.id)
    ):
        _enqueue("transcript_line", cue_id)


def _history(lecture, action, by, note="", from_status="", to_status=""):
    entry = LectureHistory(
        lecture=lecture,
        action=action,
        note=str(note)[:500],
        by_id=getattr(by, "id", None),
        from_status=str(from_status),
        to_status=str(to_status),
    )
    db.session.add(entry)
    return entry


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


# --- series -------------------------------------------------------------------------------


def create_series(*, by, title: str, description: str = "") -> LectureSeries:
    series = LectureSeries(title=title.strip(), description=description or "")
    db.session.add(series)
    log("lecture_series.create", series, by=by, summary=series.title)
    return series


def update_series(series: LectureSeries, *, by, title: str, description: str = ""):
    series.title, series.description = title.strip(), description or ""
    log("lecture_series.update", series, by=by, summary=series.title)
    for lecture in series.lectures:
        _enqueue("lecture", lecture.id)


# --- lectures -----------------------------------------------------------------------------


def create_lecture(*, by, **fields) -> Lecture:
    lecture = Lecture(checkin_code=new_checkin_code(), status=LectureStatus.draft)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(lecture, name, fields[name])
    db.session.add(lecture)
    db.session.flush()
    _history(lecture, "created", by, to_status=lecture.status)
    log("lecture.create", lecture, by=by, summary=lecture.title)
    _enqueue_lecture(lecture)
    return lecture


def update_lecture(
    lecture: Lecture,
    *,
    by,
    fields: dict,
    video=None,
    slides=None,
    cues=None,
    transcript_name: str = "",
    remove_video: bool = False,
    remove_slides: bool = False,
    remove_transcript: bool = False,
):
    """Apply an edit. Uploads were checked by the form; store_upload checks again and raises
    UploadRejected before anything on the lecture changes."""
    limits = upload_limits()
    stored_video = stored_slides = None
    if video is not None:
        stored_video = store_upload(
            video, allowed_kinds={"mp4", "webm"}, by=by, max_bytes=limits["video"]
        )
    if slides is not None:
        stored_slides = store_upload(
            slides, allowed_kinds={"pdf"}, by=by, max_bytes=limits["slides"]
        )
    changed = []
    for name in EDITABLE_FIELDS:
        if name in fields and getattr(lecture, name) != fields[name]:
            setattr(lecture, name, fields[name])
            changed.append(name)
    if stored_video is not None:
        lecture.video_file = stored_video
        changed.append("video")
    elif remove_video and lecture.video_file_id is not None:
        lecture.video_file = None
        changed.append("video")
    if stored_slides is not None:
        lecture.slides_file = stored_slides
        changed.append("slides")
    elif remove_slides and lecture.slides_file_id is not None:
        lecture.slides_file = None
        changed.append("slides")
    if cues is not None:
        set_transcript(lecture, cues, name=transcript_name)
        changed.append("transcript")
    elif remove_transcript and lecture.cues:
        set_transcript(lecture, [], name="")
        changed.append("transcript")
    if not changed:
        return []
    lecture.updated_dt = utcnow()
    _history(lecture, "edited", by, note=", ".join(changed))
    log("lecture.update", lecture, by=by, summary=lecture.title, data={"changed": changed})
    _enqueue_lecture(lecture)
    return changed


def set_transcript(lecture: Lecture, cues, *, name: str = ""):
    """Replace the transcript; the search index drops the old lines and adds the new ones."""
    old_ids = list(
        db.session.scalars(select(TranscriptCue.id).where(TranscriptCue.lecture_id == lecture.id))
    )
    lecture.cues.clear()
    db.session.flush()
    for cue_id in old_ids:
        _enqueue("transcript_line", cue_id)
    for position, cue in enumerate(cues):
        lecture.cues.append(
            TranscriptCue(
                position=position, start_ms=cue.start_ms, end_ms=cue.end_ms, text=cue.text
            )
        )
    lecture.transcript_name = name[:255]
    db.session.flush()


# --- the lecture's status: one table, one function ----------------------------------------

TRANSITIONS = {
    (LectureStatus.draft, LectureStatus.published): permissions.can_change_status,
    (LectureStatus.draft, LectureStatus.cancelled): permissions.can_change_status,
    (LectureStatus.published, LectureStatus.draft): permissions.can_change_status,
    (LectureStatus.published, LectureStatus.cancelled): permissions.can_change_status,
    (LectureStatus.cancelled, LectureStatus.draft): permissions.can_change_status,
}
TRANSITION_ACTIONS = {
    LectureStatus.published: _l("Publish"),
    LectureStatus.draft: _l("Back to draft"),
    LectureStatus.cancelled: _l("Cancel the lecture"),
}


def allowed_transitions(lecture: Lecture, user) -> list[LectureStatus]:
    return [
        to
        for (frm, to), rule in TRANSITIONS.items()
        if frm == lecture.status and rule(user, lecture)
    ]


def transition(lecture: Lecture, to, by, note: str = ""):
    """The only place a lecture's status changes."""
    to = LectureStatus(to)
    frm = lecture.status
    rule = TRANSITIONS.get((frm, to))
    if rule is None:
        raise LectureError(
            _l("A lecture cannot go from “%(a)s” to “%(b)s”.", a=frm.value, b=to.value)
        )
    if not rule(by, lecture):
        raise PermissionError("not allowed")
    lecture.status = to
    lecture.status_changed_dt = utcnow()
    lecture.status_changed_by_id = getattr(by, "id", None)
    _history(lecture, "status", by, note=note, from_status=frm, to_status=to)
    log(
        f"lecture.{to.value}",
        lecture,
        by=by,
        summary=lecture.title,
        data={"from": frm.value, "to": to.value},
    )
    if to == LectureStatus.cancelled:
        notify(
            [r.user for r in registrations_of(lecture)],
            _l("The lecture “%(title)s” has been cancelled."),
            url=lecture_path(lecture.id),
            title=lecture.title,
        )
    _enqueue_lecture(lecture)


# --- registration ------------------------------------------------------------------------


def registrations_of(lecture):
    """The lecture's registrations with each one's user and firm (read together: the attendance
    page prints both for each of some 50 rows)."""
    return db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.user), joinedload(Registration.enterprise))
        .where(Registration.lecture_id == lecture.id)
        .order_by(Registration.id)
    ).all()


def registration_count(lecture) -> int:
    """How many signed up: counted by the database, not read row by row."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.lecture_id == lecture.id)
        )
        or 0
    )


def registration_of(lecture, user):
    if not user or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.lecture_id == lecture.id, Registration.user_id == user.id
        )
    )


def register(lecture: Lecture, user, now=None) -> Registration:
    if not permissions.can_register(user, lecture, now):
        if user.role != Role.enterprise or not user.is_verified:
            raise LectureError(_l("Only verified enterprise users can register for lectures."))
        raise LectureError(_l("Registration is closed for this lecture."))
    if registration_of(lecture, user) is not None:
        raise LectureError(_l("You are already registered for this lecture."))
    registration = Registration(lecture=lecture, user=user, enterprise_id=user.enterprise_id)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:  # a second click raced the first
        raise LectureError(_l("You are already registered for this lecture.")) from None
    log("lecture.register", lecture, by=user, summary=lecture.title)
    return registration


def unregister(lecture: Lecture, user):
    registration = registration_of(lecture, user)
    if registration is None:
        raise LectureError(_l("You are not registered for this lecture."))
    db.session.delete(registration)
    log("lecture.unregister", lecture, by=user, summary=lecture.title)


def send_reminders(now=None, window=timedelta(hours=24)) -> int:
    """Remind registrants of lectures starting within `window`, once each (safe to re-run,
    also from two timers at once: each reminder is claimed by one conditional UPDATE)."""
    now = now or utcnow()
    due = db.session.execute(
        select(Registration.id, Lecture.id)
        .join(Lecture, Registration.lecture_id == Lecture.id)
        .where(
            Registration.reminded_dt.is_(None),
            Lecture.status == LectureStatus.published,
            Lecture.starts_dt > now,
            Lecture.starts_dt <= now + window,
        )
        .order_by(Registration.id)
    ).all()
    sent = 0
    for registration_id, _lecture_id in due:
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminded_dt.is_(None))
            .values(reminded_dt=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        registration = db.session.get(Registration, registration_id)
        lecture = registration.lecture
        notify(
            [registration.user],
            _l("Reminder: the lecture “%(title)s” starts at %(time)s (Beijing time)."),
            url=lecture_path(lecture.id),
            title=lecture.title,
            time=LocalMoment(lecture.starts_dt),
        )
        sent += 1
    return sent


# --- attendance ---------------------------------------------------------------------------


def attendance_of(lecture):
    """The lecture's attendance with each firm (read together)."""
    return db.session.scalars(
        select(Attendance)
        .options(joinedload(Attendance.enterprise))
        .where(Attendance.lecture_id == lecture.id)
        .order_by(Attendance.id)
    ).all()


def attendance_count(lecture) -> int:
    """How many firms attended: counted by the database, not read row by row."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.lecture_id == lecture.id)
        )
        or 0
    )


def has_attended(lecture, enterprise) -> bool:
    return (
        db.session.scalar(
            select(Attendance.id).where(
                Attendance.lecture_id == lecture.id, Attendance.enterprise_id == enterprise.id
            )
        )
        is not None
    )


def record_attendance(lecture, enterprise, *, source, by=None, user=None):
    """Idempotent: returns (attendance, created)."""
    existing = db.session.scalar(
        select(Attendance).where(
            Attendance.lecture_id == lecture.id, Attendance.enterprise_id == enterprise.id
        )
    )
    if existing is not None:
        return existing, False
    attendance = Attendance(
        lecture=lecture,
        enterprise=enterprise,
        user_id=getattr(user, "id", None),
        source=AttendanceSource(source),
        recorded_by_id=getattr(by, "id", None),
    )
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
    except IntegrityError:
        return (
            db.session.scalar(
                select(Attendance).where(
                    Attendance.lecture_id == lecture.id, Attendance.enterprise_id == enterprise.id
                )
            ),
            False,
        )
    return attendance, True


def remove_attendance(attendance: Attendance, *, by):
    """Staff correct a wrong import or check-in."""
    log(
        "lecture.remove_attendance",
        attendance.lecture,
        by=by,
        summary=attendance.enterprise.name,
        data={"enterprise_id": attendance.enterprise_id},
    )
    db.session.delete(attendance)


def check_in(lecture: Lecture, user, code: str, now=None):
    if not user.is_authenticated or user.role != Role.enterprise or not user.is_verified:
        raise LectureError(_l("Only verified enterprise users can check in."))
    if not lecture.checkin_open(now):
        raise LectureError(_l("Check-in is only open during the lecture."))
    if (code or "").strip().upper() != lecture.checkin_code:
        raise LectureError(_l("That check-in code is not right. Ask the speaker for the code."))
    attendance, created = record_attendance(
        lecture, user.enterprise, source=AttendanceSource.checkin, by=user, user=user
    )
    if created:
        log("lecture.check_in", lecture, by=user, summary=user.enterprise.name)
    return attendance, created


def import_attendance(lecture: Lecture, data: bytes, *, by):
    """CSV (or one value per line) of USCCs or e-mail addresses; the first column counts.

    Good rows are recorded, bad rows reported with their line number: returns
    {"added": n, "already": n, "errors": [(line, message), ...]}.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return {
                "added": 0,
                "already": 0,
                "errors": [(0, _l("The file is not text in UTF-8 or GB18030 encoding."))],
            }
    added = already = 0
    errors = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        value = (row[0] if row else "").strip()
        if not value or value.startswith("#"):
            continue
        if number == 1 and value.lower() in ("uscc", "email", "e-mail", "统一社会信用代码", "邮箱"):
            continue  # a header row
        enterprise, user, problem = _resolve_attendee(value)
        if problem:
            errors.append((number, problem))
            continue
        _attendance, created = record_attendance(
            lecture, enterprise, source=AttendanceSource.imported, by=by, user=user
        )
        if created:
            added += 1
        else:
            already += 1
    log(
        "lecture.import_attendance",
        lecture,
        by=by,
        summary=lecture.title,
        data={"added": added, "already": already, "errors": len(errors)},
    )
    return {"added": added, "already": already, "errors": errors}


def _resolve_attendee(value: str):
    if "@" in value:
        user = db.session.scalar(select(User).where(func.lower(User.email) == value.lower()))
        if user is None:
            return None, None, _l("No user has the e-mail address “%(v)s”.", v=value[:100])
        if user.enterprise is None:
            return None, None, _l("The user “%(v)s” does not belong to a firm.", v=value[:100])
        return user.enterprise, user, None
    code = value.upper()
    problem = uscc_problem(code)
    if problem:
        return None, None, _l("“%(v)s”: %(problem)s", v=value[:40], problem=problem)
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == code))
    if enterprise is None:
        return None, None, _l("No firm with the credit code “%(v)s” is registered.", v=code)
    return enterprise, None, None


# --- replays ------------------------------------------------------------------------------


def record_replay_view(lecture: Lecture, user=None):
    db.session.add(
        ReplayView(
            lecture_id=lecture.id,
            user_id=user.id if user is not None and user.is_authenticated else None,
        )
    )


class LecturePage(NamedTuple):
    """What a lecture page shows besides the lecture, read in one statement."""

    registration_count: int
    attendance_count: int
    replay_count: int
    registered: bool  # the user signed up for it
    attended: bool  # the user's firm attended it
    has_cues: bool
    has_history: bool


def _lecture_page_statement():
    lecture_id = bindparam("lecture_id")

    def counted(model):
        return (
            select(func.count())
            .select_from(model)
            .where(model.lecture_id == lecture_id)
            .scalar_subquery()
        )

    def any_of(model, *conditions):
        return exists().where(model.lecture_id == lecture_id, *conditions)

    # A user id or firm id of None compares as NULL: nobody's sign-up, no firm's attendance.
    return select(
        counted(Registration),
        counted(Attendance),
        counted(ReplayView),
        any_of(Registration, Registration.user_id == bindparam("user_id")),
        any_of(Attendance, Attendance.enterprise_id == bindparam("firm_id")),
        any_of(TranscriptCue),
        any_of(LectureHistory),
    )


# Built once: building its seven subqueries cost more than running them.
_LECTURE_PAGE = _lecture_page_statement()


def lecture_page(lecture, user) -> LecturePage:
    """Counts of sign-ups, attending firms and replay views, whether the user signed up and
    their firm attended, and whether the lecture has a transcript and a history, in one read
    (seven statements before, whatever the answers)."""
    signed_in = user is not None and user.is_authenticated
    row = db.session.execute(
        _LECTURE_PAGE,
        {
            "lecture_id": lecture.id,
            "user_id": user.id if signed_in else None,
            "firm_id": user.enterprise_id if signed_in else None,
        },
    ).one()
    return LecturePage(*(count or 0 for count in row[:3]), *(bool(flag) for flag in row[3:]))


def replay_count(lecture) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(ReplayView).where(ReplayView.lecture_id == lecture.id)
        )
        or 0
    )
