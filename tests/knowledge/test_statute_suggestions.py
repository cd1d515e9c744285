"""Articles that may apply: on the question page, one-click citations, the firm's look-up first,
the JSON suggestions endpoint, and plain-text snippets."""

from knowledge import operations
from knowledge.models import QuestionMessage as Message
from knowledge.search import engine, ranking
from portal.core.db import db


def _claimed(create_question, matching_lawyer, **fields):
    question = create_question(
        title="对方不付货款还要我们赔违约金",
        body="合同约定逾期付款要支付违约金，对方拖欠货款，违约金怎么算？",
        **fields,
    )
    operations.claim(question, matching_lawyer)
    db.session.flush()
    return question


def test_answering_lawyer_sees_likely_articles_with_cite_buttons(
    client, login, dummy_law, search_index, create_question, matching_lawyer
):
    engine.rebuild()
    question = _claimed(create_question, matching_lawyer)
    login(matching_lawyer)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    article = next(a for a in dummy_law.articles if a.number == 585)
    assert f"/laws/{dummy_law.id}/585" in page
    assert f'name="cite" value="{article.id}"' in page
    assert f"/questions/{question.id}/answer/cite" in page


def test_cite_appends_the_citation_to_the_draft_and_sends_nothing(
    client, login, dummy_law, search_index, create_question, matching_lawyer
):
    engine.rebuild()
    question = _claimed(create_question, matching_lawyer)
    article = next(a for a in dummy_law.articles if a.number == 585)
    login(matching_lawyer)
    response = client.post(
        f"/questions/{question.id}/answer/cite",
        data={"body": "您好，违约金可以约定。", "cite": str(article.id)},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "您好，违约金可以约定。\n[[民法典 第五百八十五条]]</textarea>" in page
    assert db.session.query(Message).filter_by(question_id=question.id).count() == 0

    empty = client.post(f"/questions/{question.id}/answer/cite", data={"cite": str(article.id)})
    assert "\n[[民法典 第五百八十五条]]</textarea>" in empty.get_data(as_text=True)


def test_cite_of_an_unknown_article_is_a_400_with_the_draft_kept(
    client, login, dummy_law, search_index, create_question, matching_lawyer
):
    question = _claimed(create_question, matching_lawyer)
    login(matching_lawyer)
    response = client.post(
        f"/questions/{question.id}/answer/cite", data={"body": "草稿", "cite": "999999"}
    )
    assert response.status_code == 400
    assert "草稿" in response.get_data(as_text=True)
    bad = client.post(f"/questions/{question.id}/answer/cite", data={"body": "x", "cite": "abc"})
    assert bad.status_code == 400


def test_only_the_answering_lawyer_may_cite(
    client, login, dummy_law, create_question, matching_lawyer, create_lawyer
):
    question = _claimed(create_question, matching_lawyer)
    article = dummy_law.articles[0]
    login(create_lawyer())
    response = client.post(
        f"/questions/{question.id}/answer/cite", data={"body": "x", "cite": str(article.id)}
    )
    assert response.status_code in (403, 404)


def test_firm_sees_published_answers_and_articles_before_sending(
    client, login, dummy_law, search_index, create_question, answered_question, dummy_staff
):
    from knowledge import operations

    # A real published answer: search shows a hit only when its page would open.
    published = operations.prepare_article(answered_question, dummy_staff)
    operations.publish_article(published, dummy_staff)
    db.session.flush()
    engine.rebuild()
    engine.index(
        {
            "kind": "kb_article",
            "id": published.id,
            "title": "对方拖欠货款时违约金怎么主张",
            "body": "**律师解答**：可以依据 [[民法典 第五百八十五条]] 主张违约金。",
            "url": f"/kb/{published.id}",
            "access": ["public"],
        }
    )
    draft = create_question(submit=False)
    login(draft.asker)
    page = client.get(f"/questions/{draft.id}").get_data(as_text=True)
    assert f"/kb/{published.id}" in page and f"/laws/{dummy_law.id}/585" in page
    assert "**律师解答**" not in page and "[[民法典" not in page

    count = db.session.query(type(draft)).count()
    looked_up = client.post(
        "/questions/ask",
        data={
            "title": "货款拖欠的违约金",
            "body": "对方不付货款，违约金怎么主张？",
            "look_up": "1",
        },
    )
    assert looked_up.status_code == 200
    text = looked_up.get_data(as_text=True)
    assert f"/kb/{published.id}" in text and "货款拖欠的违约金" in text
    assert db.session.query(type(draft)).count() == count


def test_suggest_endpoint_gives_citations_as_json(client, dummy_law, search_index):
    engine.rebuild()
    response = client.get("/laws/suggest?q=对方违约了要付违约金吗&limit=3")
    assert response.status_code == 200
    data = response.get_json()
    assert data["results"][0]["citation"] == "[[民法典 第五百八十五条]]"
    assert data["results"][0]["law"] == "中华人民共和国民法典"
    assert "<mark>" not in data["results"][0]["snippet"]
    assert len(data["results"]) <= 3
    assert client.get("/laws/suggest").status_code == 400
    assert client.get("/laws/suggest?q=%20").status_code == 400
    assert client.get("/laws/suggest?q=违约金&limit=abc").status_code == 200


def test_snippets_are_plain_text_with_marked_words(fake_source):
    engine.index(
        fake_source.put(
            1,
            title="**加粗**的标题",
            body="## 答复\n依据 [[民法典 第五百八十五条]]，*违约金* 可以[调整](http://x)。",
        )
    )
    hit = engine.search("违约金").hits[0]
    assert "<mark>违约金</mark>" in hit.snippet
    for syntax in ("**", "##", "[[", "]]", "](", "*"):
        assert syntax not in hit.snippet and syntax not in hit.title
    assert "民法典 第五百八十五条" in hit.snippet


def test_colloquial_words_are_expanded_to_statutory_terms():
    with ranking.parameters(expand=False):
        assert ranking.expand_query("老板把我辞退了") == []
    with ranking.parameters(expand=True):
        terms = ranking.expand_query("老板把我辞退了不给发工资")
        assert ranking.expand_query("股权转让的期限") == []
    assert {"用人单位", "解除劳动合同", "劳动报酬"} <= set(terms)


def test_expansion_finds_the_statutory_article(fake_source):
    engine.index(
        fake_source.put(1, title="解除", body="用人单位解除劳动合同的，应当支付经济补偿。")
    )
    engine.index(fake_source.put(2, title="其他", body="老板们的聚会。"))
    with ranking.parameters(expand=True):
        assert [hit.id for hit in engine.search("被炒鱿鱼了").hits] == [1]
    with ranking.parameters(expand=False):
        assert engine.search("被炒鱿鱼了").total == 0


def test_reranker_prefers_candidates_covering_more_of_the_question():
    candidates = [("甲", 1.0, "违约金"), ("乙", 0.9, "逾期付款 违约金 调整 过高")]
    ranked = ranking.rerank(
        "违约金过高能调整吗", candidates, text_of=lambda c: c[2], score_of=lambda c: c[1]
    )
    assert [c[0] for c in ranked] == ["乙", "甲"]
    with ranking.parameters(coverage=0.0):
        ranked = ranking.rerank(
            "违约金过高能调整吗", candidates, text_of=lambda c: c[2], score_of=lambda c: c[1]
        )
    assert [c[0] for c in ranked] == ["甲", "乙"]


def test_a_questions_likely_articles_are_searched_once_until_the_statute_index_changes(
    app,
    client,
    login,
    monkeypatch,
    memory_cache,
    dummy_law,
    search_index,
    create_question,
    matching_lawyer,
):
    from knowledge.laws import suggest
    from knowledge.laws.search_source import load_document
    from tests.fixtures.queries import counted_statements

    engine.rebuild()
    question = _claimed(create_question, matching_lawyer)
    searched = []
    statute_hits = suggest._statute_hits
    monkeypatch.setattr(
        suggest, "_statute_hits", lambda *args: searched.append(args) or statute_hits(*args)
    )
    login(matching_lawyer)
    article = next(a for a in dummy_law.articles if a.number == 585)
    client.get(f"/questions/{question.id}")
    with counted_statements() as statements:
        page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert len(searched) == 1  # the second view showed what the first found
    assert f'name="cite" value="{article.id}"' in page and "民法典第五百八十五条" in page
    assert not [s for s in statements if "law_articles" in s or "FROM laws" in s]
    with app.test_request_context("/"):
        engine.index(load_document(article.id))  # the statute index changed (import, rebuild)
    client.get(f"/questions/{question.id}")
    assert len(searched) == 2  # searched again in the changed index
    engine.index_changed(["kb_article"])  # another kind's change keeps the statutes' results
    client.get(f"/questions/{question.id}")
    assert len(searched) == 2
    question.body += "另外，对方还要求我们赔偿损失。"  # edited words: another search
    db.session.flush()
    client.get(f"/questions/{question.id}")
    assert len(searched) == 3
