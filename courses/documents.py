"""What the search engine indexes for courses: lectures and their transcript lines."""

from sqlalchemy import select

from courses.models import Lecture, LectureStatus, TranscriptCue
from courses.operations import lecture_path
from courses.transcripts import format_clock
from portal.core.db import db


def _access(lecture: Lecture) -> list[str]:
    if lecture.status == LectureStatus.published:
        return ["public"]
    access = ["staff"]
    if lecture.speaker_id:
        access.append(f"user:{lecture.speaker_id}")
    return access


def _common(lecture: Lecture) -> dict:
    return {
        "date": lecture.starts_dt,
        "category": lecture.category.code if lecture.category else "",
        "industry": lecture.industry or "",
        "access": _access(lecture),
    }


def lecture_document(lecture_id: int) -> dict | None:
    lecture = db.session.get(Lecture, lecture_id)
    if lecture is None:
        return None
    body = "\n\n".join(
        part
        for part in (
            lecture.speaker_name,
            lecture.series.title if lecture.series else "",
            lecture.summary,
            lecture.notes,
        )
        if part
    )
    return {
        "kind": "lecture",
        "id": lecture.id,
        "title": lecture.title,
        "body": body,
        "url": lecture_path(lecture.id),
        "speaker": lecture.speaker_name,
        **_common(lecture),
    }


def transcript_line_document(cue_id: int) -> dict | None:
    cue = db.session.get(TranscriptCue, cue_id)
    if cue is None:
        return None
    lecture = cue.lecture
    seconds = cue.start_seconds
    return {
        "kind": "transcript_line",
        "id": cue.id,
        "title": f"{lecture.title} · {format_clock(seconds)}",
        "body": cue.text,
        "url": lecture_path(lecture.id, t=seconds, _anchor="player"),
        "start_seconds": seconds,
        "lecture_id": lecture.id,
        **_common(lecture),
    }


def lecture_ids():
    return db.session.scalars(select(Lecture.id).order_by(Lecture.id))


def transcript_line_ids():
    return db.session.scalars(select(TranscriptCue.id).order_by(TranscriptCue.id))


# ---------------------------------------------------------------- who may open the hits


def lectures_allowed(user, ids) -> set:
    """The lecture pages the user may open (courses.permissions.can_view_lecture)."""
    from courses.permissions import can_view_lecture
    from knowledge.search.access import ids_passing

    lectures = db.session.scalars(select(Lecture).where(Lecture.id.in_(list(ids))))
    return ids_passing(lectures, can_view_lecture, user)


def transcript_lines_allowed(user, ids) -> set:
    """A transcript line opens its lecture's page: the lecture's rule."""
    from courses.permissions import can_view_lecture

    rows = db.session.execute(
        select(TranscriptCue.id, Lecture)
        .join(Lecture, TranscriptCue.lecture_id == Lecture.id)
        .where(TranscriptCue.id.in_(list(ids)))
    )
    return {cue_id for cue_id, lecture in rows if can_view_lecture(user, lecture)}


def requeue_on_visibility_change(event, **data):
    """A speaker's account changed: their unpublished lectures' readers changed."""
    from knowledge.search.outbox import enqueue

    if event != "account":
        return
    for lecture_id in db.session.scalars(
        select(Lecture.id).where(Lecture.speaker_id == data["user"].id)
    ):
        enqueue("lecture", lecture_id)
