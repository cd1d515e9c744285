"""Lecture cards (_lecture_card.html): the plain rows the library, schedule and series pages print,
and their links and labels worked out once a page."""

from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import func, select

from courses.models import (
    PHASE_LABELS,
    STATUS_LABELS,
    Lecture,
    LectureSeries,
    LectureStatus,
    Phase,
    phase_at,
)
from portal.accounts.models import User
from portal.core.db import db, utcnow
from portal.core.i18n import current_language, moment_formatter
from portal.core.models import LegalCategory
from portal.core.reference import INDUSTRIES
from portal.core.rows import href_for, translated


class LectureRow(NamedTuple):
    """One lecture as a card prints it: a row of columns, with the speaker's, category's and
    series' names joined, instead of Lecture, User, LegalCategory and LectureSeries objects
    (building those cost more than the page's queries). It answers what the permission rules
    and the card ask of a lecture (is_published, speaker_id, phase)."""

    id: int
    title: str
    starts_dt: datetime
    duration_minutes: int
    status: LectureStatus
    speaker_id: int | None
    speaker_name: str
    category_id: int | None
    category_zh: str | None
    category_en: str | None
    industry: str
    series_id: int | None
    series_title: str | None

    @property
    def is_published(self) -> bool:
        return self.status == LectureStatus.published

    def phase(self, now: datetime | None = None) -> Phase:
        return phase_at(self.starts_dt, self.duration_minutes, now or utcnow())


def card_select():
    """A select of LectureRow's columns; add the filters and the order."""
    return _CARD_SELECT


# Built once (a select is never changed in place: filters make new ones); building it cost about
# as much as running it.
_CARD_SELECT = (
    select(
        Lecture.id,
        Lecture.title,
        Lecture.starts_dt,
        Lecture.duration_minutes,
        Lecture.status,
        Lecture.speaker_id,
        # Lecture.speaker_name: the speaker's name, or the guest's when no account speaks.
        func.coalesce(User.name, Lecture.guest_speaker).label("speaker_name"),
        Lecture.category_id,
        LegalCategory.name_zh.label("category_zh"),
        LegalCategory.name_en.label("category_en"),
        Lecture.industry,
        Lecture.series_id,
        LectureSeries.title.label("series_title"),
    )
    .outerjoin(User, User.id == Lecture.speaker_id)
    .outerjoin(LegalCategory, LegalCategory.id == Lecture.category_id)
    .outerjoin(LectureSeries, LectureSeries.id == Lecture.series_id)
)


def card_rows(stmt, params=None) -> list[LectureRow]:
    # Through the connection: plain rows, without the ORM's result machinery (a third of the
    # statement's time in Python).
    return [LectureRow._make(row) for row in db.session.connection().execute(stmt, params)]


class Card(NamedTuple):
    """What a card prints of its lecture besides the row's own columns, worked out in Python:
    from the template each was a call (a link, a moment, a name, a label, the phase), about as
    costly as the rest of the card."""

    href: str
    starts_iso: str
    starts: str
    category: str | None
    industry: str | None
    status_label: str | None  # None when published (no badge)
    phase_badge: str  # the phase badge's classes
    phase_label: str
    registered: bool  # the user signed up for it
    offers_registration: bool  # not signed up, and can_register(lecture) says they may


PHASE_BADGES = {
    Phase.live: "text-bg-danger",
    Phase.upcoming: "text-bg-primary",
    Phase.replay: "text-bg-light border",
}


class LectureCards:
    """Links and labels of a page's lecture rows, worked out once a page; the request's language
    looked up once for the rows' moments, categories and industries (it was looked up three
    times a row)."""

    def __init__(self):
        self.english = current_language() == "en"
        self.href = href_for("courses.lecture", "lecture_id")
        self.phase_labels = translated(PHASE_LABELS)
        self.status_labels = translated(STATUS_LABELS)
        self.moment = moment_formatter("long")

    # Built when a page first asks (most print neither): an address costs a url_for.
    @cached_property
    def register_href(self):
        return href_for("courses.register", "lecture_id")

    @cached_property
    def edit_href(self):
        return href_for("courses.edit", "lecture_id")

    @cached_property
    def series_href(self):
        return href_for("courses.series", "series_id")

    def category_name(self, row) -> str:
        return row.category_en if self.english else row.category_zh

    def industry_name(self, code) -> str:
        return INDUSTRIES[code][1 if self.english else 0] if code in INDUSTRIES else code or ""

    def items(self, rows, now=None, registered_ids=(), can_register=None):
        """(row, Card) for each row, in order: the lecture items' one call a list.
        can_register(row): whether to offer a sign-up button (asked only where the user has
        not signed up)."""
        now = now or utcnow()
        href, moment, status_labels, phase_labels = (
            self.href,
            self.moment,
            self.status_labels,
            self.phase_labels,
        )
        items = []
        for row in rows:
            phase = phase_at(row.starts_dt, row.duration_minutes, now)
            registered = row.id in registered_ids
            card = Card(
                href(row.id),
                row.starts_dt.isoformat(),
                moment(row.starts_dt),
                self.category_name(row) if row.category_id else None,
                self.industry_name(row.industry) if row.industry else None,
                None if row.status == LectureStatus.published else status_labels[row.status],
                PHASE_BADGES[phase],
                phase_labels[phase],
                registered,
                not registered and bool(can_register and can_register(row)),
            )
            items.append((row, card))
        return items

    def manage_items(self, rows):
        """(row, ManageCells) for each row of the manage table (courses.views.manage's rows),
        in order: its cells worked out in Python, not called from the template three times a
        row."""
        edit_href, href, starts = self.edit_href, self.href, moment_formatter()
        status_labels = self.status_labels
        return [
            (
                row,
                ManageCells(
                    href(row.id),
                    edit_href(row.id),
                    starts(row.starts_dt),
                    row.guest_speaker if row.speaker_id is None else row.speaker_name,
                    status_labels[row.status],
                ),
            )
            for row in rows
        ]


class ManageCells(NamedTuple):
    """What the manage table prints of a row besides its own columns."""

    href: str
    edit_href: str
    starts: str
    speaker: str
    status_label: str


def lecture_cards() -> LectureCards:
    return LectureCards()
