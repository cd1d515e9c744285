"""Self check-in (code, window), attendance import with bad lines, certificates."""

from datetime import timedelta
from io import BytesIO

import pytest
from docx import Document

from courses import operations
from courses.models import (
    CHECKIN_CLOSES_AFTER,
    CHECKIN_OPENS_BEFORE,
    Attendance,
    AttendanceSource,
    Registration,
)
from portal.core.db import db, utcnow
from portal.core.reference import make_uscc
from tests.fixtures.queries import counted_statements


@pytest.fixture
def live_lecture(create_lecture):
    return create_lecture(starts_in=-timedelta(minutes=20))


@pytest.mark.parametrize(
    ("offset", "open_"),
    [
        (-CHECKIN_OPENS_BEFORE - timedelta(seconds=1), False),
        (-CHECKIN_OPENS_BEFORE, True),
        (timedelta(minutes=45), True),
        (timedelta(minutes=90) + CHECKIN_CLOSES_AFTER, True),
        (timedelta(minutes=90) + CHECKIN_CLOSES_AFTER + timedelta(seconds=1), False),
    ],
)
def test_checkin_code_only_valid_in_the_lecture_window(
    create_lecture, dummy_enterprise_user, offset, open_
):
    lecture = create_lecture(starts_in=timedelta(days=1))
    now = lecture.starts_dt + offset
    assert lecture.checkin_open(now) is open_
    if open_:
        _attendance, created = operations.check_in(
            lecture, dummy_enterprise_user, lecture.checkin_code.lower(), now=now
        )
        assert created
    else:
        with pytest.raises(operations.LectureError):
            operations.check_in(lecture, dummy_enterprise_user, lecture.checkin_code, now=now)


def test_wrong_code_is_refused(client, login, dummy_enterprise_user, live_lecture):
    login(dummy_enterprise_user)
    client.post(f"/lectures/{live_lecture.id}/check-in", data={"code": "WRONG1"})
    assert not operations.has_attended(live_lecture, dummy_enterprise_user.enterprise)


def test_enterprise_checks_in_with_the_code_shown_to_the_speaker(
    app, client, login, dummy_enterprise_user, create_lawyer, create_lecture
):
    speaker = create_lawyer()
    lecture = create_lecture(
        starts_in=-timedelta(minutes=5), speaker_id=speaker.id, guest_speaker=""
    )
    speaker_page = login(speaker, app.test_client()).get(f"/lectures/{lecture.id}")
    assert lecture.checkin_code in speaker_page.get_data(as_text=True)
    login(dummy_enterprise_user)
    assert lecture.checkin_code not in client.get(f"/lectures/{lecture.id}").get_data(as_text=True)
    client.post(f"/lectures/{lecture.id}/check-in", data={"code": lecture.checkin_code})
    assert operations.has_attended(lecture, dummy_enterprise_user.enterprise)
    # Twice is fine and still one record.
    client.post(f"/lectures/{lecture.id}/check-in", data={"code": lecture.checkin_code})
    assert len(operations.attendance_of(lecture)) == 1


def test_lawyer_cannot_check_in(create_lawyer, live_lecture):
    with pytest.raises(operations.LectureError):
        operations.check_in(live_lecture, create_lawyer(), live_lecture.checkin_code)


def test_import_reports_bad_lines_and_keeps_good_ones(
    client, login, dummy_staff, create_enterprise, create_enterprise_user, live_lecture
):
    firm = create_enterprise()
    user = create_enterprise_user()
    bad_checksum = firm.uscc[:-1] + ("0" if firm.uscc[-1] != "0" else "1")
    lines = [
        "uscc,name",
        f"{firm.uscc},{firm.name}",
        user.email.upper(),
        "",
        bad_checksum,
        "nobody@example.com",
        make_uscc(999_999),
        "12345",
        f"{firm.uscc}",
    ]
    login(dummy_staff)
    response = client.post(
        f"/lectures/{live_lecture.id}/attendance",
        data={"file": (BytesIO("\n".join(lines).encode("utf-8-sig")), "list.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for number in (5, 6, 7, 8):
        assert f"Line {number}:" in page
    assert "Line 2:" not in page and "Line 3:" not in page and "Line 9:" not in page
    assert "check character" in page
    assert "2 added, 1 already recorded" in page
    attended = {a.enterprise_id: a for a in operations.attendance_of(live_lecture)}
    assert set(attended) == {firm.id, user.enterprise_id}
    assert attended[user.enterprise_id].user_id == user.id
    assert attended[firm.id].source == AttendanceSource.imported


def test_import_of_non_text_file_is_refused(client, login, dummy_staff, live_lecture):
    login(dummy_staff)
    response = client.post(
        f"/lectures/{live_lecture.id}/attendance",
        data={"file": (BytesIO(b"%PDF-1.4 binary"), "list.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert "not accepted here" in response.get_data(as_text=True)
    assert operations.attendance_of(live_lecture) == []


def test_speaker_sees_attendance_but_cannot_import(
    client, login, create_lawyer, create_lecture, dummy_enterprise
):
    speaker = create_lawyer()
    lecture = create_lecture(speaker_id=speaker.id, guest_speaker="")
    login(speaker)
    assert client.get(f"/lectures/{lecture.id}/attendance").status_code == 200
    response = client.post(
        f"/lectures/{lecture.id}/attendance", data={"text": dummy_enterprise.uscc}
    )
    assert response.status_code == 403
    assert operations.attendance_of(lecture) == []


def test_certificate_for_own_firm_only(
    app, client, login, create_enterprise_user, live_lecture, dummy_staff
):
    member, outsider = create_enterprise_user(), create_enterprise_user()
    operations.record_attendance(
        live_lecture, member.enterprise, source=AttendanceSource.imported, by=dummy_staff
    )
    url = f"/lectures/{live_lecture.id}/certificates/{member.enterprise_id}"
    login(member)
    page = client.get(url).get_data(as_text=True)
    assert member.enterprise.name in page and member.enterprise.uscc in page
    response = client.get(url + ".docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(response.data)).paragraphs)
    assert member.enterprise.name in text and live_lecture.title in text
    outsider_client = login(outsider, app.test_client())
    assert outsider_client.get(url).status_code == 403
    assert outsider_client.get(url + ".docx").status_code == 403
    not_attended = f"/lectures/{live_lecture.id}/certificates/{outsider.enterprise_id}"
    assert outsider_client.get(not_attended).status_code == 404
    assert login(dummy_staff, app.test_client()).get(url).status_code == 200


def test_lecture_page_offers_certificate_after_attending(
    client, login, dummy_enterprise_user, live_lecture
):
    operations.record_attendance(
        live_lecture, dummy_enterprise_user.enterprise, source=AttendanceSource.checkin
    )
    login(dummy_enterprise_user)
    page = client.get(f"/lectures/{live_lecture.id}").get_data(as_text=True)
    assert f"/certificates/{dummy_enterprise_user.enterprise_id}" in page
    assert utcnow()  # the window helpers use naive UTC


def test_firm_lists_its_certificates_and_staff_can_remove_a_wrong_record(
    app, client, login, dummy_enterprise_user, dummy_staff, live_lecture, create_lecture
):
    other = create_lecture(starts_in=-timedelta(days=3))
    attendance, _created = operations.record_attendance(
        live_lecture, dummy_enterprise_user.enterprise, source=AttendanceSource.imported
    )
    login(dummy_enterprise_user)
    page = client.get("/lectures/certificates").get_data(as_text=True)
    assert live_lecture.title in page and other.title not in page
    remove_url = f"/lectures/{live_lecture.id}/attendance/{attendance.id}/remove"
    assert client.post(remove_url).status_code == 403
    assert client.post(f"/lectures/{other.id}/attendance/{attendance.id}/remove").status_code in (
        403,
        404,
    )
    staff_client = login(dummy_staff, app.test_client())
    assert (
        staff_client.post(f"/lectures/{other.id}/attendance/{attendance.id}/remove").status_code
        == 404
    )
    assert staff_client.post(remove_url).status_code == 302
    assert not operations.has_attended(live_lecture, dummy_enterprise_user.enterprise)


def test_attendance_page_reads_its_rows_firms_and_users_together(
    client, login, dummy_staff, live_lecture, create_enterprise_user
):
    """The statements do not grow with the rows (the page once read each row's user and firm)."""
    url = f"/lectures/{live_lecture.id}/attendance"
    login(dummy_staff)

    def statements_with(rows):
        for _ in range(rows):
            firm_user = create_enterprise_user()
            db.session.add(
                Registration(lecture=live_lecture, user=firm_user, enterprise=firm_user.enterprise)
            )
            db.session.add(
                Attendance(
                    lecture=live_lecture,
                    enterprise=firm_user.enterprise,
                    source=AttendanceSource.imported,
                )
            )
        db.session.flush()
        db.session.expunge_all()  # the page reads everything itself, as in a new request
        with counted_statements() as statements:
            page = client.get(url).get_data(as_text=True)
        assert page.count("<tr>") >= 2 * rows
        return len(statements)

    assert statements_with(2) == statements_with(6)
