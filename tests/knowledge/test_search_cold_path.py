"""What a cold statute search does after the question's vector arrives (the dense-only
candidates loaded together, snippets made cheaply)."""

from knowledge.laws import search_source, vectors
from knowledge.laws.search_source import KIND
from knowledge.search import engine
from knowledge.search.plaintext import _SYNTAX, plain_text
from tests.knowledge.test_dense_search import (  # noqa: F401
    dense_on,
    labour_law,
)


def test_the_dense_only_candidates_shown_are_loaded_together(
    app,
    search_index,
    labour_law,  # noqa: F811
    dense_on,  # noqa: F811
    monkeypatch,
):
    engine.rebuild()
    vectors.embed_articles(dense_on)
    source = engine.search_sources()[KIND]
    batches, singles = [], []
    load_many, load = source["load_many"], source["load"]
    monkeypatch.setitem(
        source, "load_many", lambda ids: batches.append(list(ids)) or load_many(ids)
    )
    monkeypatch.setitem(
        source, "load", lambda object_id: singles.append(object_id) or load(object_id)
    )
    question = "老板要炒鱿鱼，还说本法不管"  # article 39 only through the dense retriever
    results = engine.search(question, kinds=[KIND], facets=False, count=False)
    numbers = [hit.extra.get("number") for hit in results.hits]
    assert 39 in numbers
    assert singles == []
    assert len(batches) == 1
    article_39 = next(hit for hit in results.hits if hit.extra.get("number") == 39)
    assert article_39.id in batches[0]
    assert "解除劳动合同" in article_39.snippet


def test_the_batch_loader_gives_the_documents_load_document_gives(app, labour_law):  # noqa: F811
    ids = [article.id for article in labour_law.articles]
    with app.test_request_context("/"):
        loaded = search_source.load_documents([*ids, 987654])
        assert loaded == {object_id: search_source.load_document(object_id) for object_id in ids}


def test_text_without_markdown_is_returned_as_it_is_and_every_rule_still_applies():
    article = (
        "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。\n第三章 / 第一节"
    )
    assert plain_text(article) is article
    # One sample per rule of plain_text: the shortcut must never skip one.
    samples = [
        "依据[[民法典 第五百八十五条]]",
        "```\n代码\n```",
        "![图](a.png)",
        "见[条文](http://x)",
        "见[条文][1]",
        "[1]: http://x",
        "<http://x>",
        "<b>粗</b>",
        "表头\n---|---",
        "***",
        "标题\n===",
        "# 标题",
        "> 引用",
        "- 一项",
        "+ 一项",
        "1. 第一",
        "2) 第二",
        "`代码`",
        "*强调*",
        "_强调_",
        "~~删除~~",
        "甲|乙",
        "\\*号",
    ]
    for sample in samples:
        assert _SYNTAX.search(sample), sample
        assert plain_text(sample) != sample, sample
