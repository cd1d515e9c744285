"""Creating and editing lectures, uploads and their bad input, the lecture page and player."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from courses import documents, operations
from courses.models import Lecture, LectureStatus, ReplayView
from knowledge.search.outbox import SearchOutbox
from portal.audit.models import AuditEntry
from portal.core.db import db
from tests.courses.helpers import MP4, PDF, PNG, WEBM, lecture_form, upload
from tests.fixtures.courses import SAMPLE_VTT


def test_staff_creates_a_lecture_with_video_slides_and_transcript(client, login, dummy_staff):
    login(dummy_staff)
    data = lecture_form(
        video_file=upload(MP4, "talk.mp4"),
        slides_file=upload(PDF, "slides.pdf"),
        transcript_file=upload(SAMPLE_VTT.encode(), "talk.vtt"),
    )
    response = client.post("/lectures/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    lecture = db.session.scalar(select(Lecture).where(Lecture.title == "民法典合同编实务"))
    assert lecture.status == LectureStatus.draft
    assert lecture.video_file.kind == "mp4"
    assert lecture.slides_file.kind == "pdf"
    assert [c.start_ms for c in lecture.cues] == [4000, 65000, 150250]
    # Typed in Beijing time, stored in UTC.
    assert lecture.starts_dt.hour == 11 and lecture.starts_dt.minute == 30
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "lecture.create"))


def test_pasted_transcript_is_accepted(client, login, dummy_staff, dummy_lecture):
    login(dummy_staff)
    data = lecture_form(dummy_lecture, transcript_text="[00:00:10] 第一句\n[00:01:00] 第二句")
    response = client.post(f"/lectures/{dummy_lecture.id}/edit", data=data)
    assert response.status_code == 302
    assert [c.text for c in dummy_lecture.cues] == ["第一句", "第二句"]


def test_broken_subtitle_file_is_refused_with_its_line_and_nothing_is_lost(
    client, login, dummy_staff, dummy_lecture
):
    login(dummy_staff)
    before = [(c.start_ms, c.text) for c in dummy_lecture.cues]
    broken = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:xx.000 --> 00:00:03.000\nbad\n"
    data = lecture_form(
        dummy_lecture, title="改过的标题", transcript_file=upload(broken, "broken.vtt")
    )
    response = client.post(
        f"/lectures/{dummy_lecture.id}/edit",
        data=data,
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Line 6" in page
    assert "改过的标题" in page  # what the user typed is kept
    db.session.expire_all()
    assert dummy_lecture.title != "改过的标题"
    assert [(c.start_ms, c.text) for c in dummy_lecture.cues] == before


@pytest.mark.parametrize(
    ("field", "payload", "name"),
    [
        ("video_file", PDF, "talk.mp4"),  # a PDF renamed .mp4 is still a PDF
        ("video_file", PNG, "talk.webm"),
        ("slides_file", MP4, "slides.pdf"),
        ("transcript_file", PDF, "talk.vtt"),
    ],
)
def test_unsupported_file_types_are_refused_and_existing_files_kept(
    client, login, dummy_staff, dummy_lecture, field, payload, name
):
    login(dummy_staff)
    client.post(
        f"/lectures/{dummy_lecture.id}/edit",
        data=lecture_form(
            dummy_lecture,
            video_file=upload(WEBM, "old.webm"),
            slides_file=upload(PDF, "old.pdf"),
        ),
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    video_id, slides_id, cues = (
        dummy_lecture.video_file_id,
        dummy_lecture.slides_file_id,
        len(dummy_lecture.cues),
    )
    assert video_id and slides_id and cues
    response = client.post(
        f"/lectures/{dummy_lecture.id}/edit",
        data=lecture_form(dummy_lecture, **{field: upload(payload, name)}),
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "not accepted here" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (dummy_lecture.video_file_id, dummy_lecture.slides_file_id) == (video_id, slides_id)
    assert len(dummy_lecture.cues) == cues


def test_oversize_upload_is_refused_with_the_limit(client, login, dummy_staff, dummy_lecture, app):
    login(dummy_staff)
    # Small limits keep the test client's request body in memory.
    app.config["COURSES_SLIDES_MAX_MB"] = 0.01
    big = PDF + b"0" * 20_000
    try:
        response = client.post(
            f"/lectures/{dummy_lecture.id}/edit",
            data=lecture_form(dummy_lecture, slides_file=upload(big, "big.pdf")),
            content_type="multipart/form-data",
            headers={"Accept-Language": "en"},
        )
    finally:
        del app.config["COURSES_SLIDES_MAX_MB"]
    assert response.status_code == 200
    assert "larger than" in response.get_data(as_text=True)
    db.session.expire_all()
    assert dummy_lecture.slides_file_id is None


def test_request_larger_than_everything_allowed_gets_the_413_page(
    client, login, dummy_staff, dummy_lecture, app
):
    login(dummy_staff)
    for key in ("COURSES_VIDEO_MAX_MB", "COURSES_SLIDES_MAX_MB", "COURSES_TRANSCRIPT_MAX_MB"):
        app.config[key] = 0.01
    try:
        response = client.post(
            f"/lectures/{dummy_lecture.id}/edit",
            data=lecture_form(dummy_lecture, video_file=upload(MP4 + b"0" * 100_000, "a.mp4")),
            content_type="multipart/form-data",
        )
    finally:
        for key in ("COURSES_VIDEO_MAX_MB", "COURSES_SLIDES_MAX_MB", "COURSES_TRANSCRIPT_MAX_MB"):
            del app.config[key]
    assert response.status_code == 413


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/a.mp4", "example.com"])
def test_external_video_address_must_be_http(client, login, dummy_staff, dummy_lecture, url):
    login(dummy_staff)
    response = client.post(
        f"/lectures/{dummy_lecture.id}/edit", data=lecture_form(dummy_lecture, video_url=url)
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert dummy_lecture.video_url == ""


def test_speaker_or_guest_is_required(client, login, dummy_staff):
    login(dummy_staff)
    response = client.post("/lectures/new", data=lecture_form(guest_speaker=""))
    assert response.status_code == 200
    assert db.session.scalar(select(Lecture).where(Lecture.title == "民法典合同编实务")) is None


def test_stale_edit_is_refused(client, login, dummy_staff, dummy_lecture):
    login(dummy_staff)
    stale = lecture_form(dummy_lecture, title="旧表单")
    client.post(
        f"/lectures/{dummy_lecture.id}/edit", data=lecture_form(dummy_lecture, title="新标题")
    )
    response = client.post(f"/lectures/{dummy_lecture.id}/edit", data=stale)
    assert response.status_code == 409
    db.session.expire_all()
    assert dummy_lecture.title == "新标题"


def test_lecture_page_starts_the_player_at_t_without_inline_script(client, create_lecture, app):
    lecture = create_lecture(starts_in=-timedelta(days=2), transcript=SAMPLE_VTT)
    lecture.video_url = "https://video.example.com/talk.mp4"
    db.session.flush()
    response = client.get(f"/lectures/{lecture.id}?t=65")
    page = response.get_data(as_text=True)
    assert 'src="https://video.example.com/talk.mp4#t=65"' in page
    assert 'data-start="65"' in page
    assert "/lectures/static/player.js" in page
    assert "<script>" not in page and "onclick" not in page
    assert f'href="/lectures/{lecture.id}?t=65#player" data-seconds="65"' in page
    assert 'class="transcript-current"' in page
    script = client.get("/lectures/static/player.js")
    assert script.status_code == 200
    script.close()


def test_video_is_served_with_range_requests(client, login, dummy_staff, dummy_lecture):
    login(dummy_staff)
    client.post(
        f"/lectures/{dummy_lecture.id}/edit",
        data=lecture_form(dummy_lecture, video_file=upload(MP4, "talk.mp4")),
        content_type="multipart/form-data",
    )
    response = client.get(f"/lectures/{dummy_lecture.id}/video", headers={"Range": "bytes=4-11"})
    assert response.status_code == 206
    assert response.data == MP4[4:12]
    assert response.headers["Accept-Ranges"] == "bytes"
    response.close()


def test_draft_lecture_and_its_media_are_hidden_from_the_public(client, create_lecture):
    lecture = create_lecture(status=LectureStatus.draft, transcript=SAMPLE_VTT)
    assert client.get(f"/lectures/{lecture.id}").status_code == 403
    assert client.get(f"/lectures/{lecture.id}/transcript.vtt").status_code == 403
    assert client.get(f"/lectures/{lecture.id}/lecture.ics").status_code == 403
    assert lecture.title not in client.get("/lectures").get_data(as_text=True)
    assert client.get("/lectures/999999").status_code == 404


def test_replay_views_are_counted_only_after_the_lecture_once_per_visitor(
    app, client, create_lecture
):
    upcoming = create_lecture(starts_in=timedelta(days=1))
    held = create_lecture(starts_in=-timedelta(days=1))
    client.get(f"/lectures/{upcoming.id}")
    client.get(f"/lectures/{held.id}")
    client.get(f"/lectures/{held.id}")  # a reload is not a second view
    app.test_client().get(f"/lectures/{held.id}")
    assert operations.replay_count(upcoming) == 0
    assert operations.replay_count(held) == 2
    assert db.session.scalar(select(ReplayView).where(ReplayView.lecture_id == held.id))


def test_library_filters_by_category_industry_series_and_year(
    client, create_lecture, create_series
):
    from portal.core.models import LegalCategory

    ip = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "ip"))
    series = create_series(title="知识产权月")
    wanted = create_lecture(title="商标与字号保护", category_id=ip.id, industry="C")
    wanted.series_id = series.id
    other = create_lecture(title="劳动合同解除的风险防范", industry="E")
    db.session.flush()
    for query in ("category=ip", "industry=C", f"series={series.id}"):
        page = client.get(f"/lectures?{query}").get_data(as_text=True)
        library = page.split('id="library-heading"')[1]
        assert wanted.title in library and other.title not in library, query
    year = wanted.starts_dt.year
    library = client.get(f"/lectures?year={year - 5}").get_data(as_text=True)
    assert wanted.title not in library.split('id="library-heading"')[1]
    assert client.get("/lectures?year=abc&series=x").status_code == 200


def test_transition_table_walk(create_lecture, create_user):
    staff = create_user("staff")
    statuses = list(LectureStatus)
    for frm in statuses:
        for to in statuses:
            lecture = create_lecture(status=LectureStatus.draft)
            if frm != LectureStatus.draft:
                operations.transition(lecture, frm, staff)
            allowed = (frm, to) in operations.TRANSITIONS
            if allowed:
                operations.transition(lecture, to, staff)
                assert lecture.status == to
                assert lecture.history[0].to_status == to
                assert lecture.status_changed_by_id == staff.id
            else:
                with pytest.raises(operations.LectureError):
                    operations.transition(lecture, to, staff)
                assert lecture.status == frm


def test_only_staff_change_status(client, login, create_lawyer, create_lecture):
    speaker = create_lawyer()
    lecture = create_lecture(status=LectureStatus.draft, speaker_id=speaker.id, guest_speaker="")
    with pytest.raises(PermissionError):
        operations.transition(lecture, LectureStatus.published, speaker)
    login(speaker)
    assert (
        client.post(f"/lectures/{lecture.id}/status", data={"to": "published"}).status_code == 403
    )
    assert lecture.status == LectureStatus.draft


def test_cancelling_notifies_registrants(create_lecture, create_enterprise_user, create_user):
    from portal.notifications.models import Notification

    lecture = create_lecture()
    user = create_enterprise_user()
    operations.register(lecture, user)
    operations.transition(lecture, LectureStatus.cancelled, create_user("staff"))
    assert db.session.scalar(select(Notification).where(Notification.user_id == user.id))


def test_search_documents_carry_access_and_the_player_time(create_lecture):
    draft = create_lecture(status=LectureStatus.draft, transcript=SAMPLE_VTT)
    published = create_lecture(transcript=SAMPLE_VTT)
    assert documents.lecture_document(draft.id)["access"] == ["staff"]
    doc = documents.lecture_document(published.id)
    assert doc["access"] == ["public"] and doc["kind"] == "lecture"
    assert "民法典" in doc["body"]
    line = documents.transcript_line_document(published.cues[1].id)
    assert line["start_seconds"] == 65
    assert line["url"] == f"/lectures/{published.id}?t=65#player"
    assert line["access"] == ["public"] and "违约金" in line["body"]
    assert documents.transcript_line_document(draft.cues[0].id)["access"] == ["staff"]
    assert documents.lecture_document(10**9) is None
    assert published.id in set(documents.lecture_ids())


def test_changes_are_queued_for_the_search_index(
    app, monkeypatch, client, login, dummy_staff, dummy_lecture
):
    # The inline indexer would apply and empty the outbox right after the request.
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)
    old_cue_ids = {c.id for c in dummy_lecture.cues}
    login(dummy_staff)
    client.post(
        f"/lectures/{dummy_lecture.id}/edit",
        data=lecture_form(dummy_lecture, transcript_text="[00:00:01] 新的一句"),
    )
    queued = db.session.execute(select(SearchOutbox.kind, SearchOutbox.object_id)).all()
    assert ("lecture", dummy_lecture.id) in queued
    assert {("transcript_line", i) for i in old_cue_ids} <= set(queued)  # removed lines
    assert ("transcript_line", dummy_lecture.cues[0].id) in queued


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://video.example.com/a.mp4", True),
        ("http://video.example.com/a.mp4", False),  # the CSP would block it in <video>
        ("https://www.example.com/watch?v=1", False),
    ],
)
def test_external_video_plays_inline_only_when_the_browser_may_load_it(
    client, create_lecture, url, player
):
    lecture = create_lecture(video_url=url)
    page = client.get(f"/lectures/{lecture.id}").get_data(as_text=True)
    assert ('id="lecture-video"' in page) is player
    assert url in page
