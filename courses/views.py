"""Pages of courses."""

import hashlib
from datetime import timedelta
from io import BytesIO
from typing import NamedTuple
from urllib.parse import urlparse

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask import send_file as flask_send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from courses import certificates, ical, operations, permissions
from courses import stats as lecture_stats
from courses.cards import card_rows, card_select, lecture_cards
from courses.forms import (
    AttendanceImportForm,
    CheckinForm,
    LectureForm,
    SeriesForm,
    StatusForm,
    local_to_utc,
    utc_to_local,
)
from courses.models import (
    PHASE_LABELS,
    STATUS_LABELS,
    Attendance,
    Lecture,
    LectureHistory,
    LectureSeries,
    LectureStatus,
    Phase,
    Registration,
)
from courses.transcripts import format_clock, to_vtt
from portal.accounts.models import Enterprise, LawyerProfile, Role, User
from portal.core import cache, clock, listfilter
from portal.core.db import db, get_or_404, utcnow, written_after_the_reads
from portal.core.i18n import current_language
from portal.core.keyset import seek
from portal.core.models import LegalCategory
from portal.core.permissions import require
from portal.core.reference import INDUSTRIES, industry_choices
from portal.core.rows import href_for
from portal.core.uploads import LocalStorage, UploadRejected, send_stored_file, storage

YEARS_TTL = 60
COUNT_TTL = 30  # the library's number of pages (the short cache's usual 30 s)
# The library's categories and series to filter by: a new series or a renamed category appears
# there (and in the list of series under the library) up to FILTERS_TTL seconds later.
FILTERS_TTL = 30


class SeriesChoice(NamedTuple):
    id: int
    title: str


DIRECT_VIDEO_SUFFIXES = (".mp4", ".webm", ".m4v", ".ogv")


def _categories():
    return db.session.scalars(
        select(LegalCategory)
        .where(LegalCategory.is_active.is_(True))
        .order_by(LegalCategory.position)
    ).all()


def _all_series():
    return db.session.scalars(select(LectureSeries).order_by(LectureSeries.id.desc())).all()


# --- the library --------------------------------------------------------------------------


def _int_arg(name):
    return request.args.get(name, type=int)  # refuses numbers the database cannot hold


class _RowsPagination(Pagination):
    """db.paginate's numbered pages over plain lecture rows (courses.cards.LectureRow); the
    total, a count over the whole filtered list, kept COUNT_TTL seconds in the short cache."""

    def _query_items(self):
        page = {"limit": self.per_page, "offset": self._query_offset}
        return card_rows(self._query_args["select"], page)

    def _query_count(self):
        def count():
            ids = self._query_args["counted"]().subquery()
            return db.session.scalar(select(func.count()).select_from(ids)) or 0

        return cache.get_or_set(self._query_args["count_key"], COUNT_TTL, count)


def _library_page(stmt):
    """The library's order, and a page of it (limit and offset given when run)."""
    return (
        stmt.order_by(Lecture.starts_dt.desc(), Lecture.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


# Built once: building a select and its cache key cost about as much as running it. The library
# as most visitors see it (no filter), the coming-up list, and the user's sign-ups among them.
_LIBRARY = _library_page(card_select().where(Lecture.status == LectureStatus.published))
_UPCOMING = (
    card_select()
    .where(Lecture.status == LectureStatus.published, Lecture.starts_dt > bindparam("since"))
    .order_by(Lecture.starts_dt)
    .limit(20)
)
_SIGNED_UP = select(Registration.lecture_id).where(
    Registration.user_id == bindparam("user_id"),
    Registration.lecture_id.in_(bindparam("lecture_ids", expanding=True)),
)


def index():
    now = utcnow()
    filters = {
        "category": request.args.get("category", ""),
        "industry": request.args.get("industry", ""),
        "series": _int_arg("series"),
        "year": _int_arg("year"),
    }
    conditions = []  # the filters', besides being published (built only when a filter is set)
    if filters["category"]:
        conditions.append(
            Lecture.category_id.in_(
                select(LegalCategory.id).where(LegalCategory.code == filters["category"])
            )
        )
    if filters["industry"] in INDUSTRIES:
        conditions.append(Lecture.industry == filters["industry"])
    if filters["series"]:
        conditions.append(Lecture.series_id == filters["series"])
    if filters["year"] and 2000 <= filters["year"] <= 2100:
        start, end = lecture_stats.year_bounds(filters["year"])
        conditions += [Lecture.starts_dt >= start, Lecture.starts_dt < end]
    # From the statistics page ("lectures held"): the lectures held in the period. Lectures
    # belong to no chamber, so only the period narrows them.
    list_filter = listfilter.from_request()
    list_filter = listfilter.ListFilter(list_filter.first, list_filter.last)

    def narrowed(stmt):
        stmt = stmt.where(Lecture.status == LectureStatus.published, *conditions)
        if list_filter.active:
            stmt = list_filter.in_period(stmt, Lecture.starts_dt).where(Lecture.starts_dt <= now)
        return stmt

    # Plain rows (speaker, category and series names joined: one query, none per row); the
    # pager's total may be up to COUNT_TTL seconds old (a lecture just published or cancelled
    # changes the number of pages a little later).
    key = repr((filters, list_filter.first, list_filter.last))
    narrows = bool(conditions) or list_filter.active
    lectures = _RowsPagination(
        per_page=20,
        error_out=False,
        select=_library_page(narrowed(card_select())) if narrows else _LIBRARY,
        counted=lambda: narrowed(select(Lecture.id)),  # when the count is not in the cache
        count_key="lectures:library:" + hashlib.sha1(key.encode()).hexdigest(),
    )
    upcoming = card_rows(_UPCOMING, {"since": now - timedelta(hours=4)})
    upcoming = [lecture for lecture in upcoming if lecture.phase(now) != Phase.replay][:6]
    # Every published lecture's date, for the year filter: kept a few minutes (a new year
    # appears when a lecture of that year is published, at most YEARS_TTL later).
    years = cache.get_or_set("lectures:years", YEARS_TTL, _published_years)
    categories, all_series = cache.get_or_set("lectures:filters", FILTERS_TTL, _filter_choices)
    english = current_language() == "en"
    return render_template(
        "courses/index.html",
        lectures=lectures,
        upcoming=upcoming,
        filters=filters,
        categories=[
            (code, name_en if english else name_zh) for code, name_zh, name_en in categories
        ],
        industries=industry_choices(),
        all_series=[SeriesChoice(*row) for row in all_series],
        years=years,
        search_url=_search_url(),
        now=now,
        cards=lecture_cards(),
        registered_ids=_registered_ids(upcoming),
        active_filters={k: v for k, v in filters.items() if v} | list_filter.args(),
        list_filter=list_filter,
    )


def _filter_choices() -> tuple[list, list]:
    """The library's filter choices: active categories (code, Chinese and English names) and
    every series (id, title), both kept FILTERS_TTL seconds (two reads a view before)."""
    categories = db.session.execute(
        select(LegalCategory.code, LegalCategory.name_zh, LegalCategory.name_en)
        .where(LegalCategory.is_active.is_(True))
        .order_by(LegalCategory.position)
    )
    series = db.session.execute(
        select(LectureSeries.id, LectureSeries.title).order_by(LectureSeries.id.desc())
    )
    return [list(row) for row in categories], [list(row) for row in series]  # JSON in the cache


def _published_years() -> list[int]:
    return sorted(
        {
            utc_to_local(dt).year
            for dt in db.session.scalars(
                select(Lecture.starts_dt).where(Lecture.status == LectureStatus.published)
            )
        },
        reverse=True,
    )


def _registered_ids(lectures) -> set[int]:
    if not current_user.is_authenticated or not lectures:
        return set()
    # Through the connection, as the cards' rows (courses.cards.card_rows).
    return set(
        db.session.connection().scalars(
            _SIGNED_UP,
            {"user_id": current_user.id, "lecture_ids": [lecture.id for lecture in lectures]},
        )
    )


def _search_url():
    """The site search page (knowledge.search) when it is installed; it takes ?q=."""
    for endpoint in ("search.search", "search.index"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return None


def schedule():
    now = utcnow()
    lectures = card_rows(
        card_select()
        .where(
            Lecture.status == LectureStatus.published, Lecture.starts_dt > now - timedelta(hours=12)
        )
        .order_by(Lecture.starts_dt)
    )
    lectures = [lecture for lecture in lectures if lecture.phase(now) != Phase.replay]
    return render_template(
        "courses/schedule.html",
        lectures=lectures,
        now=now,
        cards=lecture_cards(),
        registered_ids=_registered_ids(lectures),
        can_register=lambda lecture: permissions.can_register(current_user, lecture, now),
    )


# The manage table's rows: plain rows of what it prints (the speaker's and series' names joined),
# not 50 Lecture, User and LectureSeries objects (building them cost more than the queries);
# built once, as building a select cost about as much as running it.
_MANAGED = select(
    Lecture.id,
    Lecture.title,
    Lecture.starts_dt,
    Lecture.status,
    Lecture.speaker_id,
    Lecture.guest_speaker,
)
_MANAGED_ROWS = (
    _MANAGED.add_columns(User.name.label("speaker_name"), LectureSeries.title.label("series_title"))
    .outerjoin(User, User.id == Lecture.speaker_id)
    .outerjoin(LectureSeries, LectureSeries.id == Lecture.series_id)
)


@login_required
def manage():
    manager = permissions.can_manage_lectures(current_user)
    require(manager or current_user.role == Role.lawyer)
    counted, rows = _MANAGED, _MANAGED_ROWS
    if not manager:  # a lecturer: their own lectures
        own = Lecture.speaker_id == current_user.id
        counted, rows = counted.where(own), rows.where(own)
    lectures = seek(
        rows,
        (Lecture.starts_dt, Lecture.id),
        50,
        count_key=f"lectures-manage:{'all' if manager else current_user.id}",
        plain=True,
        counted=counted,
    )
    return render_template("courses/manage.html", lectures=lectures, cards=lecture_cards())


# --- one lecture --------------------------------------------------------------------------


def _video_source(lecture):
    """(src, is_direct): our own file, or an external address a <video> element can play."""
    if lecture.video_file_id:
        return url_for(".video", lecture_id=lecture.id), True
    if lecture.video_url:
        parsed = urlparse(lecture.video_url)
        # The CSP lets <video> load https media only; anything else is offered as a link.
        playable = parsed.scheme == "https" and parsed.path.lower().endswith(DIRECT_VIDEO_SUFFIXES)
        return lecture.video_url, playable
    return None, False


# The speaker's law firm is shown; their specialities are not. Built once (at every request,
# building the options cost about as much as the read).
_LECTURE_PAGE_OPTIONS = (
    joinedload(Lecture.speaker)
    .joinedload(User.lawyer_profile)
    .lazyload(LawyerProfile.specialities),
    joinedload(Lecture.category),
)


def lecture(lecture_id):
    lecture = get_or_404(Lecture, lecture_id, options=_LECTURE_PAGE_OPTIONS)
    require(permissions.can_view_lecture(current_user, lecture))
    now = utcnow()
    start_at = max(_int_arg("t") or 0, 0)
    phase = lecture.phase(now)
    if phase == Phase.replay and lecture.is_published:
        _count_replay_view(lecture)
    video_src, video_direct = _video_source(lecture)
    page = operations.lecture_page(lecture, current_user)
    # The transcript and the history are read only when there are some (a read each before,
    # empty for most lectures); the history with its authors (a read per author before).
    if not page.has_cues:
        set_committed_value(lecture, "cues", [])
    shows_history = permissions.can_edit_lecture(current_user, lecture)
    if shows_history:
        set_committed_value(lecture, "history", _history(lecture) if page.has_history else [])
    # Forms only where the page shows them (building one read WTForms' catalogue each time).
    checkin_form = None
    if permissions.can_check_in(current_user, lecture, now) and not page.attended:
        checkin_form = CheckinForm()
    return render_template(
        "courses/lecture.html",
        lecture=lecture,
        phase=phase,
        phase_labels=PHASE_LABELS,
        now=now,
        start_at=start_at,
        video_src=video_src,
        video_direct=video_direct,
        registered=page.registered,
        my_attendance=page.attended,
        registration_count=page.registration_count,
        attendance_count=page.attendance_count,
        replay_count=page.replay_count,
        checkin_form=checkin_form,
        transitions=operations.allowed_transitions(lecture, current_user),
        transition_labels=operations.TRANSITION_ACTIONS,
        format_clock=format_clock,
        cue_href=href_for("courses.lecture", "t", lecture_id=lecture.id),
        shows_history=shows_history,
        p=permissions,
        search_url=_search_url(),
        status_labels=STATUS_LABELS,
    )


def _history(lecture) -> list[LectureHistory]:
    """The lecture's history, newest first (its relationship's order), with who did what."""
    return db.session.scalars(
        select(LectureHistory)
        .options(joinedload(LectureHistory.by))
        .where(LectureHistory.lecture_id == lecture.id)
        .order_by(LectureHistory.created_dt.desc(), LectureHistory.id.desc())
    ).all()


def _count_replay_view(lecture):
    """One view per visitor and lecture per half hour; a lost count never breaks the page.

    The page's reads are committed first, so the insert begins a transaction of its own: on
    SQLite a GET's transaction that has read cannot take the write lock once another request
    has committed since (a counted view of a busy lecture was lost at once, its objects expired
    by the rollback); one that begins with the write waits for the lock instead. Neither commit
    expires what the request has loaded (the lecture, its speaker and category, the user):
    expired, each was read again for the page, two statements and their objects rebuilt on
    every counted view (every view of a visitor whose client keeps no cookie). They were read a
    moment before in this request, as any page's are."""
    seen = session.get("replays_seen", {})
    key, stamp = str(lecture.id), int(utcnow().timestamp())
    if stamp - seen.get(key, 0) < 1800:
        return
    try:
        with written_after_the_reads():
            operations.record_replay_view(lecture, current_user)
    except OperationalError:  # e.g. SQLite busy beyond its timeout: skip this count
        db.session.rollback()
        return
    seen = {k: v for k, v in seen.items() if stamp - v < 1800}
    seen[key] = stamp
    session["replays_seen"] = seen


def _lecture_form(lecture=None):
    form = LectureForm(obj=lecture)
    form.series_id.choices = [(0, "—")] + [(s.id, s.title) for s in _all_series()]
    lawyers = db.session.scalars(
        select(User)
        .where(User.role == Role.lawyer, User.is_deactivated.is_(False))
        .order_by(User.name)
    ).all()
    form.speaker_id.choices = [(0, "—")] + [(u.id, f"{u.name} ({u.email})") for u in lawyers]
    form.category_id.choices = [(0, "—")] + [(c.id, c.name) for c in _categories()]
    form.industry.choices = [("", "—"), *industry_choices()]
    if request.method == "GET" and lecture is not None:
        form.starts.data = utc_to_local(lecture.starts_dt)
        form.version.data = str(lecture.version)
        form.series_id.data = lecture.series_id or 0
        form.speaker_id.data = lecture.speaker_id or 0
        form.category_id.data = lecture.category_id or 0
    return form


def _fields_from(form) -> dict:
    fields = {
        "title": form.title.data.strip(),
        "starts_dt": local_to_utc(form.starts.data),
        "duration_minutes": form.duration_minutes.data,
        "category_id": form.category_id.data or None,
        "industry": form.industry.data or "",
        "summary": form.summary.data or "",
        "notes": form.notes.data or "",
        "video_url": form.video_url.data or "",
    }
    if "series_id" in form:
        fields["series_id"] = form.series_id.data or None
    if "speaker_id" in form:
        fields["speaker_id"] = form.speaker_id.data or None
        fields["guest_speaker"] = (
            (form.guest_speaker.data or "").strip() if not fields["speaker_id"] else ""
        )
    return fields


def _uploaded(field):
    data = field.data
    return data if data is not None and getattr(data, "filename", "") else None


@login_required
def new():
    require(permissions.can_manage_lectures(current_user))
    form = _lecture_form()
    if request.method == "GET" and _int_arg("series"):
        form.series_id.data = _int_arg("series")
    if form.validate_on_submit():
        try:
            lecture = operations.create_lecture(by=current_user, **_fields_from(form))
            operations.update_lecture(
                lecture,
                by=current_user,
                fields={},
                video=_uploaded(form.video_file),
                slides=_uploaded(form.slides_file),
                cues=form.parsed_cues,
                transcript_name=form.transcript_name,
            )
        except UploadRejected as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Lecture created as a draft."), "success")
            return redirect(url_for(".lecture", lecture_id=lecture.id))
    return render_template("courses/lecture_form.html", form=form, lecture=None)


@login_required
def edit(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_edit_lecture(current_user, lecture))
    form = _lecture_form(lecture)
    if not permissions.can_manage_lectures(current_user):
        # A speaker edits the content of their own lecture, not who gives it or where it sits.
        del form.series_id
        del form.speaker_id
        del form.guest_speaker
    if form.validate_on_submit():
        if form.version.data and form.version.data != str(lecture.version):
            flash(
                _("Someone else changed this lecture meanwhile. Reload the page and try again."),
                "danger",
            )
            return render_template("courses/lecture_form.html", form=form, lecture=lecture), 409
        try:
            operations.update_lecture(
                lecture,
                by=current_user,
                fields=_fields_from(form),
                video=_uploaded(form.video_file),
                slides=_uploaded(form.slides_file),
                cues=form.parsed_cues,
                transcript_name=form.transcript_name,
                remove_video=form.remove_video.data,
                remove_slides=form.remove_slides.data,
                remove_transcript=form.remove_transcript.data,
            )
            db.session.commit()
        except UploadRejected as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        except StaleDataError:
            db.session.rollback()
            flash(
                _("Someone else changed this lecture meanwhile. Reload the page and try again."),
                "danger",
            )
        else:
            flash(_("Lecture saved."), "success")
            return redirect(url_for(".lecture", lecture_id=lecture.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields. Nothing has been changed yet."), "danger")
    return render_template("courses/lecture_form.html", form=form, lecture=lecture)


@login_required
def change_status(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_change_status(current_user, lecture))
    form = StatusForm()
    if form.validate_on_submit():
        if form.to.data not in LectureStatus.__members__:
            abort(400)
        try:
            operations.transition(lecture, form.to.data, current_user, note=form.note.data or "")
        except operations.LectureError as exc:
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Status changed: %(status)s.", status=lecture.status_label), "success")
    return redirect(url_for(".lecture", lecture_id=lecture.id))


# --- media --------------------------------------------------------------------------------


def video(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    stored = lecture.video_file
    if stored is None:
        abort(404)
    store = storage()
    if isinstance(store, LocalStorage):
        # Straight from disk: range requests (seeking) without reading the whole video.
        path = store._path(stored.storage_key)
        if not path.is_file():
            abort(404)
        source = str(path)
    else:
        source = BytesIO(store.read(stored.storage_key))
    response = flask_send_file(
        source,
        mimetype=stored.content_type,
        as_attachment=False,
        download_name=stored.original_name,
        conditional=True,
        etag=stored.sha256,
        max_age=3600,
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def slides(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    if lecture.slides_file is None:
        abort(404)
    return send_stored_file(lecture.slides_file, as_attachment=False)


def transcript_vtt(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    if not lecture.cues:
        abort(404)
    return Response(to_vtt(lecture.cues), mimetype="text/vtt", headers={"X-Robots-Tag": "noindex"})


# --- calendar -----------------------------------------------------------------------------


def _event(lecture) -> dict:
    page = url_for(".lecture", lecture_id=lecture.id, _external=True)
    description = "\n".join(
        part
        for part in (
            _("Speaker: %(name)s", name=lecture.speaker_name) if lecture.speaker_name else "",
            lecture.summary,
            page,
        )
        if part
    )
    return {
        "uid": f"lecture-{lecture.id}@{_calendar_host()}",
        "dtstamp": lecture.updated_dt,
        "start": lecture.starts_dt,
        "end": lecture.ends_dt,
        "summary": lecture.title,
        "description": description,
        "location": _("Online live lecture"),
        "url": page,
        "sequence": lecture.version,
        "status": "CANCELLED" if lecture.status == LectureStatus.cancelled else "CONFIRMED",
    }


def _calendar_host() -> str:
    """UIDs must not change with the address a visitor happened to use."""
    configured = urlparse(current_app.config.get("PUBLIC_BASE_URL") or "").hostname
    return configured or request.host.split(":")[0]


def _ics_response(text: str, filename: str):
    return Response(
        text.encode("utf-8"),
        mimetype="text/calendar",
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def lecture_ics(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    return _ics_response(ical.calendar([_event(lecture)]), f"lecture-{lecture.id}.ics")


def calendar_feed():
    """Subscribable: published lectures (and cancelled ones, so calendars drop them)."""
    since = utcnow() - timedelta(days=180)
    lectures = db.session.scalars(
        select(Lecture)
        .where(permissions.in_public_calendar(), Lecture.starts_dt >= since)
        .order_by(Lecture.starts_dt)
    ).all()
    text = ical.calendar([_event(lecture) for lecture in lectures], name=_("Law lectures"))
    return _ics_response(text, "lectures.ics")


# --- registration and attendance ----------------------------------------------------------


@login_required
def register(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    try:
        operations.register(lecture, current_user)
    except operations.LectureError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("You are registered. We will remind you the day before."), "success")
    return redirect(url_for(".lecture", lecture_id=lecture.id))


@login_required
def unregister(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    try:
        operations.unregister(lecture, current_user)
    except operations.LectureError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Your registration is cancelled."), "success")
    return redirect(url_for(".lecture", lecture_id=lecture.id))


@login_required
def check_in(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_lecture(current_user, lecture))
    form = CheckinForm()
    if form.validate_on_submit():
        try:
            _attendance, created = operations.check_in(lecture, current_user, form.code.data)
        except operations.LectureError as exc:
            flash(str(exc), "danger")
        else:
            db.session.commit()
            if created:
                flash(_("Checked in. Thank you for attending."), "success")
            else:
                flash(_("Your firm's attendance was already recorded."), "info")
    else:
        flash(_("Enter the check-in code."), "danger")
    return redirect(url_for(".lecture", lecture_id=lecture.id))


@login_required
def attendance(lecture_id):
    lecture = get_or_404(Lecture, lecture_id)
    require(permissions.can_view_attendance(current_user, lecture))
    form = AttendanceImportForm()
    result = None
    if request.method == "POST":
        require(permissions.can_manage_attendance(current_user, lecture))
        if form.validate_on_submit():
            result = operations.import_attendance(lecture, form.data_bytes, by=current_user)
            db.session.commit()
            if result["errors"]:
                flash(
                    _(
                        "%(added)s firms recorded; %(bad)s lines could not be read (listed below).",
                        added=result["added"],
                        bad=len(result["errors"]),
                    ),
                    "warning",
                )
            else:
                flash(_("%(added)s firms recorded.", added=result["added"]), "success")
    return render_template(
        "courses/attendance.html",
        lecture=lecture,
        form=form,
        result=result,
        registrations=operations.registrations_of(lecture),
        attendance=operations.attendance_of(lecture),
        p=permissions,
    )


@login_required
def my_certificates():
    """An enterprise user's firm: every lecture it attended, with its certificate."""
    require(current_user.role == Role.enterprise and current_user.enterprise_id is not None)
    rows = db.session.scalars(
        select(Attendance)
        .join(Lecture, Attendance.lecture_id == Lecture.id)
        .where(Attendance.enterprise_id == current_user.enterprise_id)
        .order_by(Lecture.starts_dt.desc())
    ).all()
    rows = [
        a for a in rows if permissions.can_view_certificate(current_user, a.lecture, a.enterprise)
    ]
    return render_template("courses/my_certificates.html", attendance=rows)


@login_required
def remove_attendance(lecture_id, attendance_id):
    lecture = get_or_404(Lecture, lecture_id)
    attendance = get_or_404(Attendance, attendance_id)
    if attendance.lecture_id != lecture.id:
        abort(404)
    require(permissions.can_manage_attendance(current_user, lecture))
    operations.remove_attendance(attendance, by=current_user)
    db.session.commit()
    flash(_("The attendance record was removed."), "success")
    return redirect(url_for(".attendance", lecture_id=lecture.id))


def _certificate_objects(lecture_id, enterprise_id):
    lecture = get_or_404(Lecture, lecture_id)
    enterprise = get_or_404(Enterprise, enterprise_id)
    require(permissions.can_view_certificate(current_user, lecture, enterprise))
    attendance = db.session.scalar(
        select(Attendance).where(
            Attendance.lecture_id == lecture.id, Attendance.enterprise_id == enterprise.id
        )
    )
    if attendance is None:
        abort(404)
    return lecture, enterprise, attendance


@login_required
def certificate(lecture_id, enterprise_id):
    lecture, enterprise, attendance = _certificate_objects(lecture_id, enterprise_id)
    return render_template(
        "courses/certificate.html",
        lecture=lecture,
        enterprise=enterprise,
        attendance=attendance,
        number=certificates.certificate_number(lecture, enterprise, attendance),
        text=certificates.certificate_text(lecture, enterprise),
        issued=utc_to_local(attendance.created_dt).date(),
    )


@login_required
def certificate_docx(lecture_id, enterprise_id):
    lecture, enterprise, attendance = _certificate_objects(lecture_id, enterprise_id)
    data = certificates.certificate_docx(
        lecture, enterprise, attendance, issuer=_("City Federation of Industry and Commerce")
    )
    return flask_send_file(
        BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"certificate-{lecture.id}-{enterprise.id}.docx",
    )


# --- series -------------------------------------------------------------------------------


def series(series_id):
    item = get_or_404(LectureSeries, series_id)
    rows = card_rows(
        card_select().where(Lecture.series_id == item.id).order_by(Lecture.starts_dt, Lecture.id)
    )
    lectures = [lecture for lecture in rows if permissions.can_view_lecture(current_user, lecture)]
    return render_template(
        "courses/series.html",
        series=item,
        lectures=lectures,
        now=utcnow(),
        cards=lecture_cards(),
        p=permissions,
    )


@login_required
def series_new():
    require(permissions.can_manage_lectures(current_user))
    form = SeriesForm()
    if form.validate_on_submit():
        item = operations.create_series(
            by=current_user, title=form.title.data, description=form.description.data
        )
        db.session.commit()
        flash(_("Series created."), "success")
        return redirect(url_for(".series", series_id=item.id))
    return render_template("courses/series_form.html", form=form, series=None)


@login_required
def series_edit(series_id):
    item = get_or_404(LectureSeries, series_id)
    require(permissions.can_manage_lectures(current_user))
    form = SeriesForm(obj=item)
    if form.validate_on_submit():
        operations.update_series(
            item, by=current_user, title=form.title.data, description=form.description.data
        )
        db.session.commit()
        flash(_("Series saved."), "success")
        return redirect(url_for(".series", series_id=item.id))
    return render_template("courses/series_form.html", form=form, series=item)


# --- statistics ---------------------------------------------------------------------------


@login_required
def stats():
    require(permissions.can_view_stats(current_user))
    this_year = clock.today().year
    year = _int_arg("year") or this_year
    if not 2000 <= year <= 2100:
        year = this_year
    figures = lecture_stats.year_figures(year)
    return render_template(
        "courses/stats.html",
        year=year,
        rows=figures["rows"],
        totals=figures["totals"],
        top=figures["top"],
        this_year=this_year,
    )
