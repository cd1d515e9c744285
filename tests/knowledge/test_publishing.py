"""Publishing to the public knowledge base: consent, anonymisation first pass, staff edit, search."""

from sqlalchemy import select

from knowledge import operations
from knowledge.anonymise import anonymise
from knowledge.documents import article_document, question_document
from knowledge.models import KnowledgeArticle
from knowledge.search.outbox import SearchOutbox
from portal.core.reference import make_uscc


def test_anonymise_masks_phones_ids_uscc_and_names():
    uscc = make_uscc(77)
    text = (
        f"沈阳恒信机械制造有限公司（统一社会信用代码{uscc}）的王伟，手机13912345678，"
        "座机024-23456789，身份证210102198001011234。恒信机械也说了。合同金额38万元。"
    )
    result = anonymise(text, firm_names=["沈阳恒信机械制造有限公司"], person_names=["王伟"])
    for secret in (uscc, "13912345678", "23456789", "210102198001011234", "王伟", "恒信"):
        assert secret not in result
    assert "合同金额38万元" in result


def test_the_masks_are_chinese_whoever_prepares_the_article(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        result = anonymise("联系人王伟，电话13912345678。", person_names=["王伟"])
    assert result == "联系人[提问人]，电话[电话已隐去]。"


def test_consented_answered_question_is_proposed(answered_question, create_question):
    create_question(consent_to_publish=False)
    assert operations.publishable_questions() == [answered_question]


def test_question_without_consent_cannot_be_prepared(
    client, login, dummy_staff, create_question, matching_lawyer
):
    question = create_question(consent_to_publish=False)
    operations.claim(question, matching_lawyer)
    operations.answer(question, matching_lawyer, "答复")
    login(dummy_staff)
    client.post(f"/questions/staff/articles/from/{question.id}")
    assert question not in operations.publishable_questions()


def test_staff_publish_and_public_page_shows_it_anonymised(
    app, monkeypatch, client, login, dummy_staff, create_question, matching_lawyer, db_session
):
    # Keep the outbox rows for the assertions below (the inline indexer would apply them).
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)
    asker_name = "李建华"
    question = create_question(body="我们是测试公司，联系人李建华，电话13800001111，对方欠款不还。")
    question.asker.name = asker_name
    operations.claim(question, matching_lawyer)
    operations.answer(question, matching_lawyer, "依据《民法典》第五百七十七条，可以起诉。")
    login(dummy_staff)
    response = client.post(f"/questions/staff/articles/from/{question.id}")
    assert response.status_code == 302
    article = db_session.scalar(
        select(KnowledgeArticle).where(KnowledgeArticle.question_id == question.id)
    )
    assert "13800001111" not in article.question_text and asker_name not in article.question_text
    form = {
        "title": "对方欠款不还怎么办",
        "question_text": article.question_text + "（已编辑）",
        "answer_text": article.answer_text,
        "category": str(article.category_id),
        "industry": "C",
        "publish": "1",
    }
    assert client.post(f"/questions/staff/articles/{article.id}", data=form).status_code == 302
    assert article.is_published
    anonymous = app.test_client()
    listing = anonymous.get(f"/kb?category={article.category_id}&industry=C")
    assert listing.status_code == 200 and "对方欠款不还怎么办" in listing.get_data(as_text=True)
    page = anonymous.get(f"/kb/{article.id}").get_data(as_text=True)
    assert "第五百七十七条" in page and "（已编辑）" in page
    assert question.enterprise.name not in page and "13800001111" not in page
    assert db_session.scalar(
        select(SearchOutbox).where(
            SearchOutbox.kind == "kb_article", SearchOutbox.object_id == article.id
        )
    )


def test_unpublished_article_is_not_public(app, answered_question, dummy_staff):
    article = operations.prepare_article(answered_question, dummy_staff)
    assert app.test_client().get(f"/kb/{article.id}").status_code == 404
    assert article_document(article.id) is None


def test_search_documents_carry_access(answered_question, dummy_staff, db_session):
    doc = question_document(answered_question.id)
    assert set(doc["access"]) == {
        "staff",
        f"enterprise:{answered_question.enterprise_id}",
        f"user:{answered_question.lawyer_id}",
    }
    assert doc["category"] == "contract" and doc["industry"] == "C"
    article = operations.publish_article(
        operations.prepare_article(answered_question, dummy_staff), dummy_staff
    )
    assert article_document(article.id)["access"] == ["public"]
    kinds = set(db_session.scalars(select(SearchOutbox.kind)))
    assert {"question", "kb_article"} <= kinds


def test_search_sources_and_record_type_are_registered(app):
    assert {"question", "kb_article"} <= set(app.extensions["portal.search_sources"])
    assert "questions" in app.extensions["portal.record_types"]
