"""What the lecture pages read: plain rows for the lists, one statement of facts for a lecture."""

from datetime import timedelta

from sqlalchemy import select

from courses.cards import LectureRow
from courses.models import Lecture, LectureHistory, LectureStatus
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from tests.fixtures.courses import SAMPLE_VTT
from tests.fixtures.queries import counted_statements


def _reads(client, path):
    with counted_statements() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)


def _lectures_with_their_own_speaker_category_and_series(
    n, create_lecture, create_lawyer, create_series, start
):
    categories = db.session.scalars(select(LegalCategory).order_by(LegalCategory.id)).all()
    created = []
    for i in range(n):
        speaker = create_lawyer(name=f"主讲律师{start + i}")
        series = create_series(title=f"系列{start + i}")
        created.append(
            create_lecture(
                speaker_id=speaker.id,
                guest_speaker="",
                category_id=categories[(start + i) % len(categories)].id,
                series_id=series.id,
                industry="C",
                starts_in=-timedelta(days=start + i + 1),
            )
        )
    db.session.flush()
    return created


def test_library_reads_the_same_however_many_speakers_categories_and_series_it_shows(
    client, login, dummy_staff, create_lecture, create_lawyer, create_series
):
    login(dummy_staff)
    _lectures_with_their_own_speaker_category_and_series(
        2, create_lecture, create_lawyer, create_series, start=0
    )
    db.session.expunge_all()  # nothing read already: the page reads what it shows
    few, _ = _reads(client, "/lectures")
    lectures = _lectures_with_their_own_speaker_category_and_series(
        12, create_lecture, create_lawyer, create_series, start=2
    )
    shown = [(x.id, x.speaker.name, x.category.name_zh, x.series.title) for x in lectures]
    db.session.expunge_all()
    many, page = _reads(client, "/lectures")
    assert len(many) == len(few)
    # Each card still names its speaker, category and series.
    for lecture_id, *names in shown:
        card = page.split(f'href="/lectures/{lecture_id}"')[1].split("</li>")[0]
        assert all(name in card for name in names), (names, card)


def test_lecture_page_reads_a_transcript_only_when_there_is_one_and_no_history_for_a_firm(
    client, login, create_lecture, dummy_enterprise_user
):
    plain = create_lecture()
    with_transcript = create_lecture(transcript=SAMPLE_VTT)
    login(dummy_enterprise_user)
    _reads(client, f"/lectures/{plain.id}")  # the user's firm is read on the first request
    plain_reads, _ = _reads(client, f"/lectures/{plain.id}")
    transcript_reads, page = _reads(client, f"/lectures/{with_transcript.id}")
    assert f'href="/lectures/{with_transcript.id}?t=65#player"' in page
    assert len(transcript_reads) == len(plain_reads) + 1
    assert not [s for s in plain_reads if s.startswith("SELECT lecture_transcript_cues")]
    # A firm's user is not shown the history: it is not read (its existence is asked with the
    # counts, one statement for all of them).
    assert not [s for s in plain_reads if s.startswith("SELECT lecture_history")]


def test_lecture_history_is_read_with_its_authors_in_one_statement(
    client, login, create_lecture, create_user, dummy_staff
):
    lecture_id = create_lecture().id
    login(dummy_staff)
    db.session.flush()
    db.session.expunge_all()  # nothing read already: the page reads what it shows
    one_author, _ = _reads(client, f"/lectures/{lecture_id}")
    authors = [create_user("staff", name=f"编辑{i}") for i in range(3)]
    names = [author.name for author in authors]
    for i, author in enumerate(authors):
        db.session.add(
            LectureHistory(
                lecture_id=lecture_id,
                action="edited",
                by_id=author.id,
                created_dt=utcnow() + timedelta(minutes=i),
            )
        )
    db.session.flush()
    db.session.expunge_all()
    several, page = _reads(client, f"/lectures/{lecture_id}")
    assert len(several) == len(one_author)
    history = page.split('id="history-heading"')[1]
    # Newest first, each with its author.
    assert [history.index(name) for name in reversed(names)] == sorted(
        history.index(name) for name in names
    )


def test_lecture_page_with_neither_transcript_nor_history_reads_lectures_twice(
    client, login, create_lecture, dummy_staff
):
    lecture = create_lecture()
    db.session.execute(db.delete(LectureHistory).where(LectureHistory.lecture_id == lecture.id))
    db.session.flush()
    login(dummy_staff)
    reads, _ = _reads(client, f"/lectures/{lecture.id}")
    # The lecture (speaker and category joined), then its counts and facts in one statement:
    # no reads of its sign-ups, attendance, transcript or history of their own.
    lecture_reads = [s for s in reads if "lecture" in s]
    assert len(lecture_reads) == 2, lecture_reads
    assert lecture_reads[0].startswith("SELECT lectures.id")


def test_a_counted_replay_view_reads_nothing_again_after_its_commit(
    app, client, login, create_lecture, dummy_enterprise_user
):
    held = create_lecture(starts_in=-timedelta(days=1))
    login(dummy_enterprise_user)
    _reads(client, f"/lectures/{held.id}")  # counted; the user's firm is read the first time
    db.session.expunge_all()
    again, page = _reads(client, f"/lectures/{held.id}")  # within the half hour: not counted
    # A client that keeps no cookie is a new visitor each time: every view of it is counted.
    fresh = app.test_client()
    with client.session_transaction() as logged_in, fresh.session_transaction() as copied:
        copied.update({k: v for k, v in logged_in.items() if k != "replays_seen"})
    db.session.expunge_all()
    counted, counted_page = _reads(fresh, f"/lectures/{held.id}")
    assert [s for s in counted if s.startswith("INSERT INTO lecture_replay_views")]
    # The commit leaves the lecture and the user loaded: only the insert is added, and the
    # page (read after it) shows one view more.
    reads = [s for s in counted if s.startswith("SELECT")]
    assert len(reads) == len([s for s in again if s.startswith("SELECT")])
    assert len([s for s in reads if s.startswith("SELECT lectures.id")]) == 1
    assert _replay_views_shown(page) == "1"
    assert _replay_views_shown(counted_page) == "2"


def _replay_views_shown(page):
    return page.split("回放观看次数</dt>")[1].split("</dd>")[0].rpartition(">")[2]


def test_a_card_row_stands_where_its_lecture_stands_in_time(create_lecture):
    lecture = create_lecture(status=LectureStatus.draft)
    row = LectureRow(
        lecture.id,
        lecture.title,
        lecture.starts_dt,
        lecture.duration_minutes,
        lecture.status,
        None,
        "",
        None,
        None,
        None,
        "",
        None,
        None,
    )
    assert not row.is_published
    for offset in (-1, 0, 1, 89, 90, 91):
        now = lecture.starts_dt + timedelta(minutes=offset)
        assert row.phase(now) == Lecture.phase(lecture, now), offset


def test_cards_offer_a_sign_up_only_where_the_user_has_not_signed_up(app, create_lecture):
    from courses.cards import card_rows, card_select, lecture_cards

    signed_up, other = create_lecture(), create_lecture(status=LectureStatus.draft)
    rows = card_rows(
        card_select().where(Lecture.id.in_([signed_up.id, other.id])).order_by(Lecture.id)
    )
    asked = []

    def can_register(row):
        asked.append(row.id)
        return True

    with app.test_request_context("/lectures", headers={"Accept-Language": "en"}):
        items = lecture_cards().items(rows, utcnow(), {signed_up.id}, can_register)
    (_, mine), (_, theirs) = items
    assert asked == [other.id]  # the permission is asked only where it decides something
    assert (mine.registered, mine.offers_registration) == (True, False)
    assert (theirs.registered, theirs.offers_registration) == (False, True)
    assert mine.href == f"/lectures/{signed_up.id}" and mine.status_label is None
    assert theirs.status_label == "Draft"
    assert (mine.phase_label, mine.phase_badge) == ("Upcoming", "text-bg-primary")


def test_manage_table_names_the_account_or_the_guest_and_links_each_lecture(
    client, login, dummy_staff, create_lawyer, create_lecture
):
    speaker = create_lawyer(name="主讲律师甲")
    by_account = create_lecture(speaker_id=speaker.id, guest_speaker="")
    by_guest = create_lecture(guest_speaker="特邀嘉宾乙", status=LectureStatus.draft)
    login(dummy_staff)
    _, page = _reads(client, "/lectures/manage")
    for lecture, name in ((by_account, "主讲律师甲"), (by_guest, "特邀嘉宾乙")):
        row = page.split(f'<a href="/lectures/{lecture.id}">')[1].split("</tr>")[0]
        assert f"<td>{name}</td>" in row
        assert f'<a href="/lectures/{lecture.id}/edit">' in row
    assert "草稿" in page.split(f'<a href="/lectures/{by_guest.id}">')[1].split("</tr>")[0]
