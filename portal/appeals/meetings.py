"""Forums and on-site office meetings, the items raised there, and what carries to the next."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.appeals.forms import new_form_key
from portal.appeals.models import (
    AppealMeeting,
    AppealReferral,
    AppealStatus,
    Channel,
    MeetingKind,
)
from portal.appeals.workflow import AppealError
from portal.audit.operations import log
from portal.core import cache
from portal.core.db import db
from portal.core.uploads import DOCUMENT_KINDS, UploadRejected, store_upload

CHANNEL_OF_MEETING = {
    MeetingKind.face_to_face: Channel.forum,
    MeetingKind.half_month: Channel.forum,
    MeetingKind.onsite: Channel.onsite_meeting,
}


def previous_in_series(kind, before=None):
    stmt = select(AppealMeeting).where(AppealMeeting.kind == MeetingKind(kind))
    if before is not None:
        stmt = stmt.where(AppealMeeting.held_on <= before)
    return db.session.scalars(
        stmt.order_by(AppealMeeting.held_on.desc(), AppealMeeting.id.desc()).limit(1)
    ).first()


def save_meeting(*, by, kind, title, held_on, place="", hosts="", firms_attending="", minutes="",
                 departments=(), meeting=None, files=()):  # fmt: skip
    title = (title or "").strip()
    if not title or held_on is None:
        raise AppealError(_l("A meeting needs a title and a date."))
    if meeting is None:
        meeting = AppealMeeting(kind=MeetingKind(kind), created_by_id=by.id)
        meeting.previous = previous_in_series(kind, held_on)
        db.session.add(meeting)
    meeting.title = title[:200]
    meeting.held_on = held_on
    meeting.place = (place or "").strip()[:200]
    meeting.hosts = (hosts or "").strip()[:500]
    meeting.firms_attending = (firms_attending or "").strip()
    meeting.minutes = (minutes or "").strip()
    meeting.departments = list(departments)
    for file_storage in files or []:
        if getattr(file_storage, "filename", ""):
            try:
                meeting.files.append(
                    store_upload(file_storage, allowed_kinds=DOCUMENT_KINDS, by=by)
                )
            except UploadRejected as error:
                raise AppealError(str(error)) from None
    log("appeal_meeting.save", meeting, by=by, summary=meeting.title)
    # The new-item form offers the latest meetings: its kept fields go at commit.
    cache.invalidate(*(new_form_key(language) for language in ("zh_CN", "en")))
    return meeting


def carried_over(meeting) -> list[AppealReferral]:
    """Open items raised at earlier meetings of the series: where the next meeting starts."""
    earlier = []
    current = meeting.previous
    seen = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        earlier.append(current.id)
        current = current.previous
    if not earlier:
        return []
    return db.session.scalars(
        select(AppealReferral)
        .where(
            AppealReferral.meeting_id.in_(earlier),
            AppealReferral.status.not_in((AppealStatus.closed, AppealStatus.merged)),
        )
        .order_by(AppealReferral.id)
    ).all()
