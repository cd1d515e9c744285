"""Speakers edit their own lectures only; enterprises and other lawyers cannot edit."""

from courses import permissions
from courses.models import LectureStatus
from portal.core.db import db
from tests.courses.helpers import lecture_form


def test_speaker_edits_own_lecture_content_but_not_its_speaker(
    client, login, create_lawyer, create_lecture
):
    speaker, other = create_lawyer(), create_lawyer()
    lecture = create_lecture(speaker_id=speaker.id, guest_speaker="")
    login(speaker)
    data = lecture_form(lecture, title="讲者改的标题", speaker_id=str(other.id))
    response = client.post(f"/lectures/{lecture.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert lecture.title == "讲者改的标题"
    assert lecture.speaker_id == speaker.id


def test_other_lawyer_cannot_edit(client, login, create_lawyer, create_lecture):
    speaker, other = create_lawyer(), create_lawyer()
    lecture = create_lecture(speaker_id=speaker.id, guest_speaker="")
    login(other)
    assert client.get(f"/lectures/{lecture.id}/edit").status_code == 403
    response = client.post(f"/lectures/{lecture.id}/edit", data=lecture_form(lecture, title="x"))
    assert response.status_code == 403
    assert lecture.title != "x"


def test_enterprise_cannot_edit_or_create(client, login, dummy_enterprise_user, dummy_lecture):
    login(dummy_enterprise_user)
    assert client.get(f"/lectures/{dummy_lecture.id}/edit").status_code == 403
    assert client.get("/lectures/new").status_code == 403
    assert client.get("/lectures/series/new").status_code == 403
    assert client.get(f"/lectures/{dummy_lecture.id}/attendance").status_code == 403
    assert client.get("/lectures/stats").status_code == 403
    assert client.get("/lectures/manage").status_code == 403


def test_unknown_lecture_is_404_before_permission(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    assert client.get("/lectures/987654/edit").status_code == 404


def test_speaker_sees_own_draft_and_code_but_not_others(create_lawyer, create_lecture):
    speaker, other = create_lawyer(), create_lawyer()
    lecture = create_lecture(status=LectureStatus.draft, speaker_id=speaker.id, guest_speaker="")
    assert permissions.can_view_lecture(speaker, lecture)
    assert permissions.can_see_checkin_code(speaker, lecture)
    assert not permissions.can_view_lecture(other, lecture)
    assert not permissions.can_see_checkin_code(other, lecture)
    assert not permissions.can_change_status(speaker, lecture)


def test_unverified_lawyer_cannot_edit_even_as_speaker(create_lawyer, create_lecture):
    from portal.accounts.models import Verification

    speaker = create_lawyer(verification=Verification.pending)
    lecture = create_lecture(speaker_id=speaker.id, guest_speaker="")
    assert not permissions.can_edit_lecture(speaker, lecture)


def test_staff_manage_page_lists_drafts_and_speaker_sees_only_own(
    app, client, login, dummy_staff, create_lawyer, create_lecture
):
    speaker = create_lawyer()
    own = create_lecture(status=LectureStatus.draft, speaker_id=speaker.id, guest_speaker="")
    other = create_lecture(status=LectureStatus.draft)
    login(dummy_staff)
    page = client.get("/lectures/manage").get_data(as_text=True)
    assert own.title in page and other.title in page
    speaker_client = login(speaker, app.test_client())
    page = speaker_client.get("/lectures/manage").get_data(as_text=True)
    assert own.title in page and other.title not in page
