"""The enterprise side: asking, drafts, replies, follow-ups, rating, withdrawing, who sees what."""

import io

from sqlalchemy import select

from knowledge.models import Question
from knowledge.models import QuestionStatus as S
from tests.fixtures.knowledge import category
from tests.fixtures.queries import counted_statements

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ask_form(**overrides):
    data = {
        "title": "供应商迟迟不交货能否解除合同",
        "body": "合同约定3月底前交货，现在5月了还没交货。",
        "category": str(category("contract").id),
        "urgency": "normal",
        "consent_to_publish": "y",
        "submit": "1",
    }
    data.update(overrides)
    return data


def _by_title(db_session, title):
    return db_session.scalar(select(Question).where(Question.title == title))


def test_enterprise_asks_with_attachment_and_it_is_routed(
    client, login, dummy_enterprise_user, matching_lawyer, db_session
):
    login(dummy_enterprise_user)
    data = _ask_form(attachments=(io.BytesIO(PDF), "合同扫描件.pdf"))
    response = client.post("/questions/ask", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    question = _by_title(db_session, "供应商迟迟不交货能否解除合同")
    assert question.status == S.pool
    assert question.deadline_dt is not None
    assert question.attachments[0].file.original_name == "合同扫描件.pdf"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "合同扫描件.pdf" in page
    download = client.get(f"/questions/{question.id}/files/{question.attachments[0].id}")
    assert download.status_code == 200 and download.data == PDF


def test_draft_is_saved_and_sent_later(client, login, dummy_enterprise_user, db_session):
    login(dummy_enterprise_user)
    response = client.post("/questions/ask", data=_ask_form(submit="", save_draft="1"))
    assert response.status_code == 302
    question = _by_title(db_session, "供应商迟迟不交货能否解除合同")
    assert question.status == S.draft and question.submitted_dt is None
    client.post(f"/questions/{question.id}/submit")
    assert question.status in (S.pool, S.submitted, S.assigned)


def test_empty_body_is_refused_and_title_kept(client, login, dummy_enterprise_user, db_session):
    login(dummy_enterprise_user)
    response = client.post("/questions/ask", data=_ask_form(body="   "))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "供应商迟迟不交货能否解除合同" in page
    assert "invalid-feedback" in page
    assert _by_title(db_session, "供应商迟迟不交货能否解除合同") is None


def test_oversize_body_is_refused_with_text_kept(client, login, dummy_enterprise_user, db_session):
    login(dummy_enterprise_user)
    body = "很长的问题" * 2100
    response = client.post("/questions/ask", data=_ask_form(body=body))
    assert response.status_code == 200
    assert body in response.get_data(as_text=True)
    assert _by_title(db_session, "供应商迟迟不交货能否解除合同") is None


def test_forbidden_attachment_type_is_refused(client, login, dummy_enterprise_user, db_session):
    login(dummy_enterprise_user)
    data = _ask_form(attachments=(io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00"), "合同.pdf.exe"))
    response = client.post("/questions/ask", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "供应商迟迟不交货能否解除合同" in page
    assert "pdf" in page and "invalid-feedback" in page
    assert _by_title(db_session, "供应商迟迟不交货能否解除合同") is None


def test_rating_an_unanswered_question_is_refused(client, login, dummy_question):
    login(dummy_question.asker)
    response = client.post(
        f"/questions/{dummy_question.id}/rate", data={"rating": "5"}, follow_redirects=True
    )
    assert dummy_question.status == S.pool and dummy_question.rating is None
    page = response.get_data(as_text=True)
    assert "rate a question only after" in page or "答复后才能评价" in page


def test_rating_closes_an_answered_question(client, login, answered_question):
    login(answered_question.asker)
    response = client.post(
        f"/questions/{answered_question.id}/rate", data={"rating": "4", "comment": "很有帮助"}
    )
    assert response.status_code == 302
    assert answered_question.status == S.closed
    assert answered_question.rating == 4


def test_follow_up_goes_back_to_the_lawyer(app, login, answered_question, matching_lawyer):
    firm = login(answered_question.asker, app.test_client())
    firm.post(f"/questions/{answered_question.id}/follow-up", data={"body": "还想问一下时效。"})
    assert answered_question.status == S.follow_up
    lawyer = login(matching_lawyer, app.test_client())
    lawyer.post(f"/questions/{answered_question.id}/answer", data={"body": "时效为三年。"})
    assert answered_question.status == S.answered


def test_reply_to_request_for_information(app, login, dummy_question, matching_lawyer):
    lawyer = login(matching_lawyer, app.test_client())
    lawyer.post(f"/questions/{dummy_question.id}/claim")
    lawyer.post(f"/questions/{dummy_question.id}/request-info", data={"body": "请上传合同。"})
    assert dummy_question.status == S.needs_info
    firm = login(dummy_question.asker, app.test_client())
    data = {"body": "已上传。", "attachments": (io.BytesIO(PDF), "合同.pdf")}
    response = firm.post(
        f"/questions/{dummy_question.id}/reply", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert dummy_question.status == S.claimed
    assert dummy_question.attachments[-1].message_id is not None


def test_withdraw(client, login, dummy_question):
    login(dummy_question.asker)
    client.post(f"/questions/{dummy_question.id}/withdraw")
    assert dummy_question.status == S.withdrawn


def test_colleague_of_the_same_firm_sees_the_question(
    client, login, dummy_question, create_enterprise_user
):
    colleague = create_enterprise_user(enterprise=dummy_question.enterprise)
    login(colleague)
    assert client.get(f"/questions/{dummy_question.id}").status_code == 200
    assert dummy_question.title in client.get("/questions/mine").get_data(as_text=True)


def test_another_firm_cannot_open_the_question(
    client, login, dummy_question, create_enterprise_user
):
    login(create_enterprise_user())
    assert client.get(f"/questions/{dummy_question.id}").status_code == 404
    assert client.post(f"/questions/{dummy_question.id}/withdraw").status_code == 404
    assert dummy_question.title not in client.get("/questions/mine").get_data(as_text=True)
    assert dummy_question.status == S.pool


def test_unknown_question_is_404(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    assert client.get("/questions/999999").status_code == 404


def test_script_in_markdown_is_rendered_harmless(
    client, login, create_question, dummy_enterprise_user, matching_lawyer
):
    question = create_question(
        asker=dummy_enterprise_user,
        body="看这里<script>alert('x')</script> [点我](javascript:alert(1)) **加粗**",
    )
    login(dummy_enterprise_user)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "javascript:alert" not in page
    assert "<strong>加粗</strong>" in page


def test_unverified_enterprise_cannot_ask(client, login, create_enterprise_user):
    from portal.accounts.models import Verification

    user = create_enterprise_user(verification=Verification.pending)
    login(user)
    assert client.get("/questions/ask").status_code == 403


def test_asking_queues_the_question_for_the_index_once_and_writes_no_unchanged_columns(
    app, client, login, dummy_enterprise_user, matching_lawyer, db_session, monkeypatch
):
    from knowledge.search.outbox import SearchOutbox

    # The inline indexer would apply and empty the outbox when the request ends.
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)
    login(dummy_enterprise_user)
    with counted_statements(db_session.get_bind()) as statements:
        response = client.post("/questions/ask", data=_ask_form())
    assert response.status_code == 302
    question = _by_title(db_session, "供应商迟迟不交货能否解除合同")
    assert question.status == S.pool and question.offers  # offered to the matching lawyer
    # Created, sent and routed in one transaction: one row for the indexer, which reads the
    # question as it is when it gets to it.
    queued = db_session.scalars(select(SearchOutbox).where(SearchOutbox.object_id == question.id))
    assert [row.kind for row in queued] == ["question"]
    # A question new to the pool has no lawyer and no claim to clear, and no offers to read back.
    assert not [s for s in statements if s.startswith("UPDATE questions SET lawyer_id")]
    assert not [s for s in statements if s.startswith("SELECT question_offers.")]


def test_asking_writes_the_records_of_a_sent_and_routed_question_with_few_updates(
    app, client, login, dummy_enterprise_user, matching_lawyer, db_session, monkeypatch
):
    from knowledge.deadlines import deadline_for
    from knowledge.models import QuestionEvent, QuestionOffer, RoutingDecision
    from portal.audit.models import AuditEntry
    from portal.notifications.models import Notification

    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)
    login(dummy_enterprise_user)
    with counted_statements(db_session.get_bind()) as statements:
        response = client.post("/questions/ask", data=_ask_form())
    assert response.status_code == 302
    question = _by_title(db_session, "供应商迟迟不交货能否解除合同")
    assert question.status == S.pool and question.routing_mode == "pool"
    assert question.deadline_days == 3
    assert question.deadline_dt == deadline_for(question.submitted_dt, 3)
    events = db_session.scalars(
        select(QuestionEvent).where(QuestionEvent.question_id == question.id).order_by("id")
    ).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        ("draft", "submitted"),
        ("submitted", "pool"),
    ]
    audit = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "questions", AuditEntry.object_id == str(question.id))
        .order_by(AuditEntry.id)
    ).all()
    assert audit == ["question.create", "question.submitted", "question.pool", "question.route"]
    [decision] = db_session.scalars(
        select(RoutingDecision).where(RoutingDecision.question_id == question.id)
    ).all()
    assert decision.matched == 1 and decision.mode == "pool"
    offers = db_session.scalars(
        select(QuestionOffer.lawyer_id).where(QuestionOffer.question_id == question.id)
    ).all()
    assert offers == [matching_lawyer.id]
    notes = db_session.scalars(
        select(Notification).where(Notification.user_id == matching_lawyer.id)
    ).all()
    assert len(notes) == 1 and question.title in notes[0].text
    # The deadline, the sending time and the routing mode ride on the two status changes'
    # conditional UPDATEs.
    assert len([s for s in statements if s.startswith("UPDATE questions ")]) <= 2


def test_our_questions_are_paged_plain_rows_without_a_colleagues_drafts(
    client, login, monkeypatch, create_question, create_enterprise_user, dummy_enterprise_user
):
    from knowledge import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    colleague = create_enterprise_user(enterprise=dummy_enterprise_user.enterprise)
    for n in range(3):
        create_question(asker=colleague, title=f"同事的问题{n}")
    create_question(asker=colleague, submit=False, title="同事的草稿")
    create_question(asker=dummy_enterprise_user, submit=False, title="我的草稿")
    login(dummy_enterprise_user)
    with counted_statements() as statements:
        first = client.get("/questions/mine").get_data(as_text=True)
    second = client.get("/questions/mine?page=2").get_data(as_text=True)
    shown = first + second
    assert all(f"同事的问题{n}" in shown for n in range(3)) and "我的草稿" in shown
    assert "同事的草稿" not in shown
    assert "?page=2" in first  # four questions, two a page
    # The page's rows and their number, never whole questions (their texts) nor firms.
    assert not [
        s for s in statements if s.startswith("SELECT questions.id, questions.enterprise_id")
    ]
    assert not [s for s in statements if s.startswith("SELECT enterprises.")]
