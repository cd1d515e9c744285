"""The lawyer side: queue, claim, release, ask for information, answer, own statistics."""

from knowledge import operations
from knowledge.models import QuestionStatus as S
from tests.fixtures.knowledge import category
from tests.fixtures.queries import counted_statements


def test_queue_lists_pool_and_routed_questions_by_deadline(
    client, login, create_question, matching_lawyer, create_enterprise_user
):
    from portal.core import clock
    from portal.core.db import utcnow

    later = create_question(title="后提交的问题")
    with clock.frozen(utcnow().replace(year=utcnow().year - 1)):
        earlier = create_question(title="先提交的问题")
    login(matching_lawyer)
    page = client.get("/questions/queue").get_data(as_text=True)
    assert page.index(earlier.title) < page.index(later.title)


def test_queue_filters_by_category_and_industry(
    client, login, create_lawyer, create_question, create_enterprise_user, create_enterprise
):
    lawyer = create_lawyer(industries="CE", specialities=("contract", "employment"))
    create_question(title="合同问题")
    create_question(title="劳动问题", category="employment")
    builder = create_enterprise_user(enterprise=create_enterprise(industry="E"))
    create_question(asker=builder, title="建筑企业的问题")
    login(lawyer)
    page = client.get(f"/questions/queue?category={category('employment').id}").get_data(
        as_text=True
    )
    assert "劳动问题" in page and "合同问题" not in page
    page = client.get("/questions/queue?industry=E").get_data(as_text=True)
    assert "建筑企业的问题" in page and "劳动问题" not in page


def test_claiming_an_already_claimed_question_is_refused(
    app, login, dummy_question, matching_lawyer, create_lawyer
):
    rival = create_lawyer(industries="C", specialities=("contract",))
    operations.route(dummy_question)  # offer it to both lawyers
    winner = login(matching_lawyer, app.test_client())
    loser = login(rival, app.test_client())
    assert winner.post(f"/questions/{dummy_question.id}/claim").status_code == 302
    response = loser.post(f"/questions/{dummy_question.id}/claim")
    assert dummy_question.lawyer == matching_lawyer
    # The loser is told someone else took it and lands on their queue, not on a 403 page.
    assert response.status_code == 302 and response.location.endswith("/questions/queue")
    page = loser.get(response.location).get_data(as_text=True)
    assert "另一位律师已先于您领取了这个问题" in page


def test_the_loser_opening_the_question_afterwards_is_told_who_has_it_not_forbidden(
    app, login, dummy_question, matching_lawyer, create_lawyer
):
    rival = create_lawyer(industries="C", specialities=("contract",))
    operations.route(dummy_question)
    loser = login(rival, app.test_client())
    assert loser.get(f"/questions/{dummy_question.id}").status_code == 200  # offered to both
    operations.claim(dummy_question, matching_lawyer)
    response = loser.get(f"/questions/{dummy_question.id}")
    assert response.status_code == 302 and response.location.endswith("/questions/queue")
    page = loser.get(response.location).get_data(as_text=True)
    assert "另一位律师已先于您领取了这个问题" in page
    assert dummy_question.body not in page


def test_a_firm_user_of_another_firm_still_gets_not_found(
    app, login, dummy_question, matching_lawyer, create_enterprise_user
):
    operations.claim(dummy_question, matching_lawyer)
    stranger = login(create_enterprise_user(), app.test_client())
    assert stranger.get(f"/questions/{dummy_question.id}").status_code == 404


def test_claim_refused_message_when_question_moved_on(
    dummy_question, matching_lawyer, create_lawyer
):
    import pytest

    from knowledge.workflow import TransitionError

    operations.claim(dummy_question, matching_lawyer)
    other = create_lawyer(industries="C", specialities=("contract",))
    with pytest.raises(TransitionError, match="already been claimed|已被其他律师领取"):
        operations.claim(dummy_question, other)


def test_answering_a_question_assigned_to_someone_else_is_refused(
    app, login, dummy_question, matching_lawyer, create_lawyer
):
    other = create_lawyer(industries="C", specialities=("contract",))
    operations.claim(dummy_question, matching_lawyer)
    client = login(other, app.test_client())
    response = client.post(f"/questions/{dummy_question.id}/answer", data={"body": "我来回答"})
    assert response.status_code == 403
    assert dummy_question.status == S.claimed
    assert not dummy_question.messages


def test_answer_error_keeps_the_text(app, login, dummy_question, matching_lawyer):
    client = login(matching_lawyer, app.test_client())
    # Not claimed yet: the answer is refused but the text stays on the page.
    operations.claim(dummy_question, matching_lawyer)
    operations.request_info(dummy_question, matching_lawyer, "请补充合同。")
    response = client.post(
        f"/questions/{dummy_question.id}/answer", data={"body": "依据《民法典》第五百七十七条……"}
    )
    assert response.status_code == 400
    assert "依据《民法典》第五百七十七条……" in response.get_data(as_text=True)


def test_lawyer_answers_in_markdown(client, login, dummy_question, matching_lawyer):
    login(matching_lawyer)
    client.post(f"/questions/{dummy_question.id}/claim")
    response = client.post(
        f"/questions/{dummy_question.id}/answer",
        data={"body": "**结论**：依据《民法典》第五百七十七条，对方应承担违约责任。"},
    )
    assert response.status_code == 302
    assert dummy_question.status == S.answered
    page = client.get(f"/questions/{dummy_question.id}").get_data(as_text=True)
    assert "<strong>结论</strong>" in page


def test_release_gives_the_question_to_the_other_lawyers(
    client, login, dummy_question, matching_lawyer, create_lawyer
):
    other = create_lawyer(industries="C", specialities=("contract",))
    login(matching_lawyer)
    client.post(f"/questions/{dummy_question.id}/claim")
    client.post(f"/questions/{dummy_question.id}/release")
    assert dummy_question.status == S.pool
    assert {o.lawyer_id for o in dummy_question.offers} == {other.id}


def test_lawyer_sees_own_statistics(client, login, answered_question, matching_lawyer):
    login(matching_lawyer)
    page = client.get("/questions/my-statistics").get_data(as_text=True)
    assert '<dd class="col-sm-8">1</dd>' in page


def test_enterprise_cannot_open_the_queue(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    assert client.get("/questions/queue").status_code == 403


def test_release_in_a_direct_category_assigns_the_next_best(
    dummy_staff, create_lawyer, create_question
):
    from knowledge.models import RoutingMode

    operations.save_routing_rule(category("tax"), RoutingMode.direct.value, 3, dummy_staff)
    first = create_lawyer(industries="C", specialities=("tax",), weekly_capacity=9)
    second = create_lawyer(industries="C", specialities=("tax",), weekly_capacity=4)
    question = create_question(category="tax")
    assert question.lawyer == first and question.status == S.assigned
    operations.release(question, first, "利益冲突")
    assert question.status == S.assigned and question.lawyer == second


def test_draft_can_be_edited_by_its_writer_only(
    app, login, create_question, dummy_enterprise_user, create_enterprise_user
):
    draft = create_question(asker=dummy_enterprise_user, submit=False)
    writer = login(dummy_enterprise_user, app.test_client())
    form = {
        "title": "修改后的标题",
        "body": "修改后的内容",
        "category": str(category("tax").id),
        "urgency": "urgent",
        "save_draft": "1",
    }
    assert writer.get(f"/questions/{draft.id}/edit").status_code == 200
    assert writer.post(f"/questions/{draft.id}/edit", data=form).status_code == 302
    assert (draft.title, draft.category.code, draft.status) == ("修改后的标题", "tax", S.draft)
    colleague = login(create_enterprise_user(enterprise=draft.enterprise), app.test_client())
    assert colleague.get(f"/questions/{draft.id}/edit").status_code == 403
    assert colleague.get(f"/questions/{draft.id}").status_code in (403, 404)


def test_the_question_page_reads_the_firm_and_the_asker_with_the_question(
    app, login, dummy_question, matching_lawyer
):
    from portal.core.db import db

    operations.claim(dummy_question, matching_lawyer)
    client = login(matching_lawyer, app.test_client())
    firm, asker = dummy_question.enterprise.name, dummy_question.asker.name
    db.session.expunge_all()  # the request reads from the database, as in a server's worker
    with counted_statements() as statements:
        page = client.get(f"/questions/{dummy_question.id}").get_data(as_text=True)
    assert firm in page and asker in page
    # The question page is the most viewed page of ask-a-lawyer: no lazy load of either.
    assert not [s for s in statements if s.startswith("SELECT enterprises.")]
    users = [s for s in statements if s.startswith("SELECT users.")]
    assert len(users) == 1, users  # the signed-in lawyer only


def test_the_question_page_reads_the_lawyers_law_firm_with_the_question(
    app, login, dummy_question, matching_lawyer, dummy_staff
):
    from portal.core.db import db

    operations.claim(dummy_question, matching_lawyer)
    client = login(dummy_staff, app.test_client())
    law_firm, name = matching_lawyer.lawyer_profile.law_firm, matching_lawyer.name
    question_id = dummy_question.id
    db.session.expunge_all()
    with counted_statements() as statements:
        page = client.get(f"/questions/{question_id}").get_data(as_text=True)
    assert law_firm and f"{name} · {law_firm}" in page
    # Not by a statement of its own (the profile's law firm alone, as before).
    assert not [s for s in statements if s.startswith("SELECT lawyer_profiles.law_firm FROM")]
    assert len([s for s in statements if s.startswith("SELECT questions.id, questions.ent")]) == 1
    for missing in (question_id + 1000, 2**31, 10**20):
        assert client.get(f"/questions/{missing}").status_code == 404


def test_sending_an_answer_reads_the_question_once(
    app, login, dummy_question, matching_lawyer, monkeypatch
):
    from portal.core.db import db

    # (The inline indexer would read the question to index it when the request ends.)
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)
    operations.claim(dummy_question, matching_lawyer)
    client = login(matching_lawyer, app.test_client())
    question_id = dummy_question.id
    db.session.expunge_all()  # the request reads from the database, as in a server's worker
    with counted_statements() as statements:
        response = client.post(f"/questions/{question_id}/answer", data={"body": "可以解除合同。"})
    assert response.status_code == 302 and response.location.endswith(f"/questions/{question_id}")
    # Not read again for the redirect after the commit (which expired it).
    assert len([s for s in statements if s.startswith("SELECT questions.")]) == 1


def test_the_lawyers_statistics_are_kept_and_dropped_by_an_answer_and_a_rating(
    client, login, app, memory_cache, create_question, matching_lawyer, answered_question
):
    from knowledge.stats import lawyer_figures_key
    from portal.core.db import db

    db.session.commit()
    login(matching_lawyer)
    page = client.get("/questions/my-statistics").get_data(as_text=True)
    assert '<dd class="col-sm-8">1</dd>' in page
    key = lawyer_figures_key(matching_lawyer.id)
    assert memory_cache.get(key)["answered"] == 1  # kept for the next views
    second = create_question(title="第二个问题")
    with app.test_request_context("/"):
        operations.claim(second, matching_lawyer)
        operations.answer(second, matching_lawyer, "答复")
        db.session.commit()
    assert memory_cache.get(key) is None  # the lawyer's answer dropped it once committed
    page = client.get("/questions/my-statistics").get_data(as_text=True)
    assert '<dd class="col-sm-8">2</dd>' in page
    with app.test_request_context("/"):
        operations.rate(second, second.asker, 4)
        db.session.commit()
    assert memory_cache.get(key) is None  # and so did the firm's rating
    assert "4.0 (" in client.get("/questions/my-statistics").get_data(as_text=True)


def test_the_queue_reads_plain_rows_in_a_fixed_number_of_statements(
    client, login, create_question, matching_lawyer
):
    for n in range(3):
        create_question(title=f"池中问题{n}")
    held = create_question(title="我在处理的问题")
    operations.claim(held, matching_lawyer)
    login(matching_lawyer)
    client.get("/questions/queue")
    with counted_statements() as statements:
        page = client.get("/questions/queue?page=1").get_data(as_text=True)
    assert all(f"池中问题{n}" in page for n in range(3)) and "我在处理的问题" in page
    # The user, the waiting questions and their number, the held ones, the categories; never
    # whole questions (their texts) nor a firm per row.
    selects = [s for s in statements if s.startswith("SELECT")]
    assert len(selects) <= 6, selects
    assert not [
        s
        for s in selects
        if s.startswith(("SELECT questions.id, questions.enterprise_id", "SELECT enterprises."))
    ]


def test_the_lawyers_question_page_reads_the_lawyers_profile_and_conflicts_in_one_statement(
    client, login, dummy_question, matching_lawyer
):
    from portal.core.db import db

    operations.claim(dummy_question, matching_lawyer)
    db.session.flush()
    login(matching_lawyer)
    db.session.expire_all()  # as in a new request: the lawyer's profile not loaded yet
    with counted_statements() as statements:
        assert client.get(f"/questions/{dummy_question.id}").status_code == 200
    assert len([s for s in statements if "FROM lawyer_profiles" in s]) == 1
    assert not [s for s in statements if "FROM lawyer_specialities" in s]
    assert not [s for s in statements if "FROM lawyer_conflicts" in s]


def test_a_lawyer_with_a_conflict_read_with_the_profile_still_may_not_see_the_question(
    client, login, create_lawyer, create_question, create_enterprise_user
):
    from portal.accounts.models import LawyerConflict
    from portal.core.db import db

    conflicted = create_lawyer(industries="C", specialities=("contract",))
    asker = create_enterprise_user()
    conflicted.lawyer_profile.conflicts.append(LawyerConflict(enterprise_id=asker.enterprise_id))
    question = create_question(asker=asker)
    db.session.flush()
    login(conflicted)
    db.session.expire_all()
    assert client.get(f"/questions/{question.id}").status_code == 403
