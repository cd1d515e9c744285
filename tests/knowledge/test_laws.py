"""The statute library: import, pages, the law_article search source and citations."""

import json

from flask import g
from sqlalchemy import func, select

from knowledge.laws.models import Law, LawArticle
from knowledge.laws.operations import import_laws
from knowledge.search import engine
from knowledge.search.indexer import process_outbox
from knowledge.search.outbox import SearchOutbox
from portal.core.db import db
from portal.core.markdown import render
from tests.fixtures.search import law_line


def _article_count():
    return db.session.scalar(select(func.count()).select_from(LawArticle))


def test_import_twice_changes_nothing_and_reimport_updates(laws_file):
    lines = [law_line(number=n, text=f"第{n}条的内容。") for n in (1, 2, 3)]
    first = import_laws(laws_file(lines).read_bytes().splitlines())
    assert (first.created, first.updated, first.laws_created) == (3, 0, 1)
    again = import_laws(laws_file(lines).read_bytes().splitlines())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _article_count() == 3

    lines[1] = law_line(number=2, text="修改后的内容。")
    changed = import_laws(laws_file(lines).read_bytes().splitlines())
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert _article_count() == 3
    article = db.session.scalar(select(LawArticle).where(LawArticle.number == 2))
    assert article.text == "修改后的内容。"
    assert db.session.scalar(select(func.count()).select_from(Law)) == 1


def test_import_queues_only_changed_articles_for_the_index(laws_file):
    lines = [law_line(number=n) for n in (1, 2)]
    import_laws(laws_file(lines).read_bytes().splitlines())
    assert db.session.query(SearchOutbox).count() == 2
    import_laws(laws_file(lines).read_bytes().splitlines())
    assert db.session.query(SearchOutbox).count() == 2


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_imported(laws_file):
    lines = [
        law_line(number=1),
        "{not json",
        law_line(number=0),
        json.dumps({"law": "测试法", "number": 3}),
        law_line(number=4, effective="2021-13-45"),
        law_line(number=5),
    ]
    report = import_laws(laws_file(lines).read_bytes().splitlines())
    assert [line for line, _message in report.errors] == [2, 3, 4, 5]
    assert "JSON" in report.errors[0][1] and "text" in report.errors[2][1]
    assert report.created == 2


def test_cli_import_reports_bad_lines_and_exits_non_zero(app, laws_file, search_index):
    path = laws_file([law_line(number=1), "garbage", law_line(number=2)])
    result = app.test_cli_runner().invoke(args=["laws", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:" in result.output
    assert "2 articles added" in result.output
    assert _article_count() == 2

    clean = laws_file([law_line(number=1)], name="clean.jsonl")
    assert app.test_cli_runner().invoke(args=["laws", "import", str(clean)]).exit_code == 0


def test_imported_articles_are_found_with_law_and_number(app, laws_file, search_index):
    lines = [
        law_line(
            law="中华人民共和国民法典", number=585, text="当事人可以约定一方违约时应当支付违约金。"
        ),
        law_line(law="中华人民共和国民法典", number=586, text="当事人可以约定一方向对方给付定金。"),
    ]
    import_laws(laws_file(lines).read_bytes().splitlines())
    process_outbox()
    result = app.test_cli_runner().invoke(
        args=["search", "query", "违约金", "--kind", "law_article", "--json"]
    )
    first = json.loads(result.output.splitlines()[0])
    assert first["law"] == "中华人民共和国民法典"
    assert first["number"] == 585 and isinstance(first["number"], int)
    assert first["url"].endswith("/585")


def test_law_pages(client, dummy_law, search_index):
    assert dummy_law.title in client.get("/laws").get_data(as_text=True)
    toc = client.get(f"/laws/{dummy_law.id}").get_data(as_text=True)
    assert "第八章 违约责任" in toc and f"/laws/{dummy_law.id}/585" in toc
    article = client.get(f"/laws/{dummy_law.id}/577")
    assert article.status_code == 200
    page = article.get_data(as_text=True)
    assert (
        "第五百七十七条" in page and "《民法典》第五百七十七条" in page
    )  # how to cite it, plainly
    assert client.get(f"/laws/{dummy_law.id}/9999").status_code == 404
    assert client.get("/laws/999999").status_code == 404


def test_search_within_a_law(client, dummy_law, create_law, search_index):
    other = create_law(articles=[(1, "违约金的其他规定。")])
    engine.rebuild()
    page = client.get(f"/laws/{dummy_law.id}?q=违约金").get_data(as_text=True)
    assert f"/laws/{dummy_law.id}/585" in page
    assert f"/laws/{other.id}/1" not in page


def test_citation_becomes_a_link_with_a_preview(app, dummy_law):
    with app.test_request_context("/"):
        for text in (
            "[[民法典 第五百七十七条]]",
            "[[民法典第577条]]",
            "[[中华人民共和国民法典 第 577 条]]",
        ):
            html = str(render(f"依据 {text} 的规定"))
            assert f'href="/laws/{dummy_law.id}/577"' in html, text
            assert 'title="民法典第五百七十七条：当事人一方不履行合同义务' in html, text
            assert "data-preview=" in html


def test_aliases_are_understood(app, create_law):
    law = create_law(title="中华人民共和国民事诉讼法", articles=[(3, "人民法院受理民事诉讼。")])
    with app.test_request_context("/"):
        assert f"/laws/{law.id}/3" in str(render("[[民诉法 第三条]]"))


def test_with_a_shared_cache_a_newly_imported_law_is_cited_at_once(app, laws_file, memory_cache):
    """The names citations look laws up by are kept in the short cache; an import drops them."""
    with app.test_request_context("/"):
        assert "citation-not-found" in str(render("[[测试法 第一条]]"))  # names now cached
        g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    import_laws(laws_file([law_line(number=1)]).read_bytes().splitlines())
    db.session.commit()
    law_id = db.session.scalar(select(Law.id))
    with app.test_request_context("/"):
        assert f'href="/laws/{law_id}/1"' in str(render("[[测试法 第一条]]"))


def test_unknown_citation_stays_text_marked_not_found(app, dummy_law):
    with app.test_request_context("/"):
        for text in ("[[民法典 第九千条]]", "[[不存在法 第一条]]"):
            html = str(render(text))
            assert "<a" not in html and "citation-not-found" in html, text
        hostile = str(render('[[<script>alert(1)</script>" 第一条]]'))
        assert "<script>" not in hostile


def test_demo_loaders_import_once_and_the_last_one_indexes(app, laws_file, search_index):
    from knowledge.laws.hooks import index_demo_data, load_demo_statutes

    path = laws_file([law_line(number=n, text=f"关于违约金的第{n}条。") for n in (1, 2, 3)])
    app.config["LAWS_DATA_FILE"] = str(path)
    try:
        first = load_demo_statutes(app)
        second = load_demo_statutes(app)
        indexed = index_demo_data(app)
    finally:
        del app.config["LAWS_DATA_FILE"]
    assert "3 articles added" in first
    assert "0 articles added" in second
    assert indexed.startswith("3 documents")
    assert _article_count() == 3
    assert engine.search("违约金").total == 3


def test_plain_citations_become_links_too(app, dummy_law):
    with app.test_request_context("/"):
        html = str(render("依据《民法典》第五百七十七条，对方应承担违约责任。"))
        assert f'href="/laws/{dummy_law.id}/577"' in html
        assert ">《民法典》第五百七十七条</a>" in html
        both = str(render("[[民法典 第577条]] 与《中华人民共和国民法典》第577条"))
        assert both.count("<a ") == 2 and "<a <" not in both
        unknown = str(render("《某地方条例》第三条"))
        assert "<a" not in unknown and "《某地方条例》第三条" in unknown


def test_statute_picker_suggests_articles_as_you_type(client, dummy_law):
    found = client.get("/laws/picker", query_string={"q": "民法典 577"}).get_json()
    assert found[0]["citation"] == "《民法典》第五百七十七条"
    assert "不履行合同义务" in found[0]["preview"]
    assert client.get("/laws/picker", query_string={"q": "民法典第五百七十七条"}).get_json()
    words = client.get("/laws/picker", query_string={"q": "违约"}).get_json()
    assert words and all("citation" in row for row in words)
    assert client.get("/laws/picker").get_json() == []
    assert client.get("/laws/picker", query_string={"q": "%%%" * 30}).status_code == 200
