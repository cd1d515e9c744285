"""The search engine: analysis, permissions, syntax errors, filters, facets, pages and the CLI."""

import json

import pytest

from knowledge.search import engine
from knowledge.search.analysis import segment
from knowledge.search.indexer import process_outbox
from knowledge.search.outbox import SearchOutbox, enqueue
from portal.accounts.models import Verification
from portal.core import clock
from portal.core.db import db


def _ids(results):
    return [hit.id for hit in results.hits]


def test_analyzer_cuts_chinese_into_words_and_compounds():
    terms = segment("用人单位解除劳动合同应当支付经济补偿")
    assert {"劳动", "合同", "劳动合同", "经济补偿"} <= set(terms)


def test_compound_is_found_by_its_parts_and_by_itself(fake_source):
    engine.index(
        fake_source.put(1, title="签订劳动合同", body="用人单位应当与劳动者订立书面劳动合同。")
    )
    engine.index(fake_source.put(2, title="买卖合同", body="出卖人应当按照约定的期限交付标的物。"))
    assert _ids(engine.search("劳动")) == [1]
    assert _ids(engine.search("劳动合同"))[0] == 1
    assert set(_ids(engine.search("合同"))) == {1, 2}


def test_english_words_are_lowercased_and_stemmed(fake_source):
    engine.index(fake_source.put(1, title="Employment Contracts", body="Signing contracts"))
    assert _ids(engine.search("contract")) == [1]
    assert _ids(engine.search("EMPLOYMENT")) == [1]


def test_private_document_is_found_only_by_its_principals(
    fake_source, create_user, create_enterprise_user, dummy_enterprise_user, dummy_staff
):
    owner = create_enterprise_user()
    other = create_enterprise_user()
    engine.index(fake_source.put(1, title="欠款纠纷咨询", access=[f"user:{owner.id}", "staff"]))
    engine.index(
        fake_source.put(
            2, title="欠款纠纷调解", access=[f"enterprise:{dummy_enterprise_user.enterprise_id}"]
        )
    )
    engine.index(fake_source.put(3, title="欠款纠纷公开解答", access=["public"]))

    assert _ids(engine.search("欠款纠纷")) == [3]
    assert set(_ids(engine.search("欠款纠纷", user=other))) == {3}
    assert set(_ids(engine.search("欠款纠纷", user=owner))) == {1, 3}
    assert set(_ids(engine.search("欠款纠纷", user=dummy_enterprise_user))) == {2, 3}
    assert set(_ids(engine.search("欠款纠纷", user=dummy_staff))) == {1, 3}


def test_document_without_principals_is_found_by_nobody(fake_source, dummy_staff):
    engine.index(fake_source.put(1, title="欠款纠纷", access=[]))
    assert engine.search("欠款纠纷", user=dummy_staff).total == 0


def test_unverified_firm_member_does_not_get_the_firms_documents(
    fake_source, create_enterprise_user, dummy_enterprise
):
    pending = create_enterprise_user(enterprise=dummy_enterprise, verification=Verification.pending)
    engine.index(fake_source.put(1, title="欠款纠纷", access=[f"enterprise:{dummy_enterprise.id}"]))
    assert engine.search("欠款纠纷", user=pending).total == 0


def test_registered_principal_provider_grants_access(fake_source, create_user, principal_provider):
    member = create_user()
    principal_provider(lambda user: {"committee:7"} if user.id == member.id else set())
    engine.index(fake_source.put(1, title="调解委员会内部记录", access=["committee:7"]))
    assert _ids(engine.search("调解", user=member)) == [1]
    assert engine.search("调解", user=create_user()).total == 0


def test_private_document_never_appears_on_the_search_page(client, fake_source, create_user, login):
    owner = create_user()
    engine.index(fake_source.put(1, title="秘密的股权转让协议", access=[f"user:{owner.id}"]))
    assert "秘密的股权转让协议" not in client.get("/search?q=股权转让").get_data(as_text=True)
    login(owner)
    assert "/test/1" in client.get("/search?q=股权转让").get_data(as_text=True)


def test_bad_query_syntax_gives_a_message_and_searches_the_plain_words(fake_source):
    engine.index(fake_source.put(1, title="劳动合同解除", body="经济补偿"))
    for text in ['title:(劳动 "合同', "AND 劳动", "劳动 OR", "nofield:劳动", "劳动)))"]:
        results = engine.search(text)
        assert results.syntax_error, text
        assert _ids(results) == [1], text
    good = engine.search('title:劳动 "经济补偿"')
    assert not good.syntax_error


def test_bad_query_on_the_page_shows_a_message_not_an_error(client, fake_source):
    engine.index(fake_source.put(1, title="劳动合同解除"))
    response = client.get('/search?q=title:(劳动"')
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'role="status"' in page
    assert "/test/1" in page


def test_query_is_cut_to_200_characters(fake_source):
    results = engine.search("劳" * 500)
    assert len(results.query) == engine.MAX_QUERY_LENGTH


def test_snippets_highlight_the_matched_words_and_escape_html(fake_source):
    engine.index(
        fake_source.put(1, title="<b>标题</b>", body="<script>x</script>违约金过高可以请求调整")
    )
    hit = engine.search("违约金").hits[0]
    assert "<mark>违约金</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "<b>" not in hit.title_html


def test_filters_and_facets(fake_source):
    engine.index(
        fake_source.put(
            1, title="工程款纠纷", category="construction", industry="E", date=clock.utc(2024, 5, 1)
        )
    )
    engine.index(
        fake_source.put(
            2, title="工程款拖欠", category="construction", industry="C", date=clock.utc(2023, 1, 1)
        )
    )
    engine.index(
        fake_source.put(
            3, title="工程款借贷", category="finance", industry="C", date=clock.utc(2024, 8, 1)
        )
    )
    everything = engine.search("工程款")
    assert dict(everything.facets["category"]) == {"construction": 2, "finance": 1}
    assert dict(everything.facets["industry"]) == {"C": 2, "E": 1}
    assert dict(everything.facets["kind"]) == {"testdoc": 3}
    assert set(_ids(engine.search("工程款", filters={"category": "construction"}))) == {1, 2}
    assert _ids(engine.search("工程款", filters={"category": "construction", "industry": "C"})) == [
        2
    ]
    since_2024 = engine.search("工程款", filters={"date_from": clock.utc(2024, 1, 1).date()})
    assert set(_ids(since_2024)) == {1, 3}
    assert engine.search("工程款", kinds=["other"]).total == 0


def test_results_are_paged(fake_source):
    for n in range(1, 26):
        engine.index(fake_source.put(n, title=f"合同纠纷{n}"))
    first, third = engine.search("合同", page=1), engine.search("合同", page=3)
    assert first.total == 25 and first.pages == 3
    assert len(first.hits) == 10 and len(third.hits) == 5
    assert not set(_ids(first)) & set(_ids(third))
    assert engine.search("合同", page=99).page == 3


def test_search_page_has_facets_and_pager_and_works_without_query(client, fake_source):
    for n in range(1, 13):
        engine.index(fake_source.put(n, title=f"合同纠纷{n}", category="contract"))
    assert client.get("/search").status_code == 200
    page = client.get("/search?q=合同").get_data(as_text=True)
    assert "category=contract" in page
    assert "page=2" in page
    response = client.get("/search?q=合同&date_from=not-a-date")
    assert response.status_code == 200


def test_outbox_rows_are_applied_and_deleted(fake_source):
    fake_source.put(1, title="股权转让")
    enqueue("testdoc", 1)
    db.session.flush()
    assert process_outbox()["indexed"] == 1
    assert _ids(engine.search("股权")) == [1]
    assert db.session.query(SearchOutbox).count() == 0


def test_a_deleted_record_leaves_the_index(fake_source):
    engine.index(fake_source.put(1, title="股权转让"))
    del fake_source.docs[1]
    enqueue("testdoc", 1)
    assert process_outbox()["removed"] == 1
    assert engine.search("股权").total == 0


def test_failed_load_is_retried_with_attempts_and_error(fake_source):
    fake_source.put(1, title="股权转让")
    fake_source.put(2, title="股权质押")
    fake_source.fail(1)
    enqueue("testdoc", 1)
    enqueue("testdoc", 2)
    stats = process_outbox()
    assert stats["failed"] == 1 and stats["indexed"] == 1
    row = db.session.query(SearchOutbox).one()
    assert row.object_id == 1 and row.attempts == 1 and "source down" in row.last_error
    assert _ids(engine.search("股权")) == [2]

    process_outbox()
    assert db.session.query(SearchOutbox).count() == 0
    assert set(_ids(engine.search("股权"))) == {1, 2}


def test_two_changes_queued_load_the_record_once_with_its_latest_state(fake_source):
    fake_source.put(1, title="股权转让")
    enqueue("testdoc", 1)
    fake_source.put(1, title="商标侵权")
    enqueue("testdoc", 1)
    process_outbox()
    assert fake_source.loads == 1
    assert _ids(engine.search("商标")) == [1] and engine.search("股权").total == 0


def test_inline_indexer_runs_after_a_request_and_never_breaks_it(app, fake_source):
    from knowledge.search.hooks import run_inline_indexer

    fake_source.put(1, title="股权转让")
    with app.test_request_context("/", method="POST"):
        enqueue("testdoc", 1)
        run_inline_indexer(app)
    assert _ids(engine.search("股权")) == [1]

    fake_source.put(2, title="股权质押")
    fake_source.fail(2)
    with app.test_request_context("/", method="POST"):
        enqueue("testdoc", 2)
        run_inline_indexer(app)  # must not raise
    assert db.session.query(SearchOutbox).one().attempts == 1


def test_rebuild_indexes_every_source_and_drops_stale_documents(fake_source):
    engine.index(fake_source.put(1, title="股权转让"))
    engine.index({**fake_source.put(9, title="股权激励"), "id": 9})
    del fake_source.docs[9]
    fake_source.put(2, title="股权质押")
    enqueue("testdoc", 2)
    db.session.flush()
    assert engine.rebuild() == 2
    assert set(_ids(engine.search("股权"))) == {1, 2}
    assert db.session.query(SearchOutbox).count() == 0


def test_cli_query_prints_one_json_object_per_line_best_first(app, fake_source):
    engine.index(fake_source.put(1, title="违约金", body="违约金过高可以请求调整违约金"))
    engine.index(fake_source.put(2, title="合同", body="违约金"))
    engine.index(fake_source.put(3, title="违约金", access=["staff"]))
    result = app.test_cli_runner().invoke(args=["search", "query", "违约金", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == [1, 2]
    assert lines[0]["score"] >= lines[1]["score"]
    assert {"kind", "id", "title", "url", "score"} <= set(lines[0])


def test_cli_status_reports_pending_and_documents(app, fake_source):
    engine.index(fake_source.put(1, title="违约金"))
    enqueue("testdoc", 1)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["search", "status"])
    assert result.exit_code == 0
    assert "documents: 1" in result.output and "pending:   1" in result.output
    result = app.test_cli_runner().invoke(args=["search", "work"])
    assert "indexed 1" in result.output


def test_long_or_queries_keep_only_their_rarest_words_within_the_budget(
    fake_source, monkeypatch, whoosh_only
):
    for n in range(1, 6):
        engine.index(fake_source.put(n, title="合同", body="违约" if n < 3 else "担保"))
    engine.index(fake_source.put(9, title="定金罚则"))
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", 3)
    searcher, _filters = engine._handle().searcher()
    parsed, _message, _plain = engine.parse_query("合同 违约 定金", searcher.schema)
    kept = {text for _field, text in engine.prune_common_terms(parsed, searcher).iter_all_terms()}
    assert kept == {"定金", "违约"}
    assert set(_ids(engine.search("合同 违约 定金"))) == {1, 2, 9}


def test_phrases_and_operators_are_searched_as_written(fake_source, monkeypatch, whoosh_only):
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", 0)
    searcher, _filters = engine._handle().searcher()
    parsed, _message, _plain = engine.parse_query('"劳动合同" AND 解除', searcher.schema)
    assert engine.prune_common_terms(parsed, searcher) is parsed


def test_highlight_marks_words_and_prefixes_of_stemmed_english():
    html = str(engine.highlight("Signed contracts: 违约金 <b>", ["contract", "违约金"]))
    assert "<mark>contract</mark>s" in html and "<mark>违约金</mark>" in html
    assert "&lt;b&gt;" in html


def _varied_documents(fake_source, count=300):
    """Documents over a small vocabulary: most in one segment (posting lists of several blocks),
    the last 30 in segments of their own, one deleted and one replaced (deletions in a segment),
    some private, with categories and industries."""
    import random

    rng = random.Random(7)
    words = [
        "合同",
        "违约金",
        "劳动",
        "工资",
        "拖欠",
        "工程款",
        "担保",
        "股权",
        "转让",
        "公司",
        "责任",
        "赔偿",
        "期限",
        "解除",
        "补偿",
    ]
    docs = [
        fake_source.put(
            n,
            title="".join(rng.sample(words, rng.randint(1, 3))),
            body="，".join(rng.choice(words) for _ in range(rng.randint(0, 30))),
            category=rng.choice(["contract", "labour", ""]),
            industry=rng.choice("CEF"),
            access=["public"] if n % 7 else ["staff"],
        )
        for n in range(1, count + 1)
    ]
    handle = engine._handle()
    writer = handle.ix.writer()
    engine.write_documents(writer, docs[:-30])
    writer.commit()
    for doc in docs[-30:]:
        engine.index(doc)
    engine.remove(fake_source.kind, 5)
    engine.index(fake_source.put(9, title="违约金 违约金 合同", body="违约金过高的调整"))


def _everything(results):
    return [(hit.id, hit.score) for hit in results.hits], results.total, results.facets


def test_flat_or_queries_give_whooshs_own_scores_order_totals_and_facets(
    fake_source, monkeypatch, whoosh_only, dummy_staff
):
    from knowledge.search import postings

    _varied_documents(fake_source)
    applies = postings.applies
    searcher, _filters = engine._handle().searcher()
    assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    assert searcher.doc_frequency("body", "合同") > 128  # Whoosh's posting block size
    searches = [
        dict(query="违约金"),
        dict(query="合同 违约金 调整"),
        dict(query="公司拖欠工资怎么办"),
        dict(query="劳动 解除 补偿", page=2, per_page=5),
        dict(query="工程款 担保", facets=False, count=False),
        dict(query="股权 转让 责任", facets=False),
        dict(query="合同 赔偿", user=dummy_staff),
        dict(query="合同 期限", filters={"category": "labour"}),
    ]
    ran = []
    monkeypatch.setattr(postings, "Matches", _spy(postings.Matches, ran))
    monkeypatch.setattr(postings, "CACHE_FROM", 1)
    postings.clear_cache()
    arrays = [_everything(engine.search(**kwargs)) for kwargs in searches]
    assert len(ran) == len(searches)  # every one of them took the array path
    assert postings._cache  # decoded posting lists kept ...
    assert [_everything(engine.search(**kwargs)) for kwargs in searches] == arrays  # ... and used
    monkeypatch.setattr(postings, "applies", lambda query: False)
    matchers = [_everything(engine.search(**kwargs)) for kwargs in searches]
    assert arrays == matchers
    assert all(hits for hits, _total, _facets in arrays)
    # After the index changed (a new segment, a deletion in a kept one), still the same.
    engine.index(fake_source.put(301, title="保证金 合同 公司", body="劳动 解除 补偿"))
    engine.remove(fake_source.kind, 12)
    matchers = [_everything(engine.search(**kwargs)) for kwargs in searches]
    monkeypatch.setattr(postings, "applies", applies)
    assert [_everything(engine.search(**kwargs)) for kwargs in searches] == matchers
    assert _ids(engine.search("保证金 合同"))[:1] == [301]
    # Within the postings budget as well (the pruned query is what both run).
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", 20)
    pruned = _everything(engine.search("合同 违约金 公司 劳动"))
    monkeypatch.undo()
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", 20)
    assert _everything(engine.search("合同 违约金 公司 劳动")) == pruned


def _spy(cls, calls):
    def make(*args, **kwargs):
        calls.append(args)
        return cls(*args, **kwargs)

    return make


def test_phrases_and_operators_still_run_on_whooshs_matchers(fake_source, monkeypatch, whoosh_only):
    from knowledge.search import postings

    engine.index(fake_source.put(1, title="劳动合同解除", body="解除劳动合同"))
    engine.index(fake_source.put(2, title="合同", body="劳动 解除"))
    ran = []
    monkeypatch.setattr(postings, "Matches", _spy(postings.Matches, ran))
    assert _ids(engine.search('"劳动合同" AND 解除')) == [1]
    assert set(_ids(engine.search("劳动 AND 解除"))) == {1, 2}
    assert not ran


def _postgres_statistics(app, monkeypatch):
    """The planner's lexeme statistics of what the test indexed, read afresh."""
    from sqlalchemy import text

    from knowledge.search import pg_backend

    if app.config["SEARCH_BACKEND"] != "postgres":
        pytest.skip("PostgreSQL backend")
    db.session.execute(text("ANALYZE search_documents"))
    monkeypatch.setitem(pg_backend._statistics, "read_at", None)
    return pg_backend.lexeme_frequencies()


def test_postgres_ranks_the_rows_with_its_rarer_words_by_the_planners_statistics(
    app, fake_source, monkeypatch
):
    from knowledge.search import pg_backend

    for n in range(1, 6):
        engine.index(fake_source.put(n, title="合同", body="违约" if n < 3 else "担保"))
    engine.index(fake_source.put(9, title="定金罚则"))
    frequency, _rare, _rows = _postgres_statistics(app, monkeypatch)
    assert frequency["合同"] > frequency.get("违约", 0)
    monkeypatch.setattr(pg_backend, "ROWS_BUDGET", 4)  # 定金 1 row + 违约 2 rows; 合同: 5
    parsed, _message, _plain = engine.parse_query("合同 违约 定金", engine.parse_schema())
    assert pg_backend.candidate_tsquery(parsed) == "('定金' | '违约')"
    found = engine.search("合同 违约 定金")
    assert set(_ids(found)) == {1, 2, 9} and found.total == 3
    monkeypatch.setattr(pg_backend, "ROWS_BUDGET", 1000)
    assert set(_ids(engine.search("合同 违约 定金"))) == {1, 2, 3, 4, 5, 9}


def test_postgres_takes_two_common_words_together_when_each_is_over_the_budget(
    app, fake_source, monkeypatch
):
    from knowledge.search import pg_backend

    engine.index(fake_source.put(1, title="合同", body="违约"))
    engine.index(fake_source.put(2, title="合同", body="担保"))
    engine.index(fake_source.put(3, title="违约", body="担保"))
    engine.index(fake_source.put(4, title="租赁", body="押金"))
    _postgres_statistics(app, monkeypatch)
    monkeypatch.setattr(pg_backend, "ROWS_BUDGET", 1.5)  # each word 2 rows of 4; together 2 x 2 / 4
    parsed, _message, _plain = engine.parse_query("合同 违约", engine.parse_schema())
    assert pg_backend.candidate_tsquery(parsed) == "('合同' & '违约')"
    found = engine.search("合同 违约")
    assert _ids(found) == [1] and found.total == 1
    assert dict(found.facets["kind"]) == {fake_source.kind: 1}


def test_postgres_scores_the_ranked_rows_by_every_word_of_the_query(app, fake_source, monkeypatch):
    from knowledge.search import pg_backend

    engine.index(fake_source.put(1, title="定金"))
    engine.index(fake_source.put(2, title="定金 合同"))
    for n in range(3, 8):
        engine.index(fake_source.put(n, title="合同"))
    _postgres_statistics(app, monkeypatch)
    monkeypatch.setattr(pg_backend, "ROWS_BUDGET", 3)  # 定金 2 rows of 7, 合同 6
    parsed, _message, _plain = engine.parse_query("定金 合同", engine.parse_schema())
    assert pg_backend.candidate_tsquery(parsed) == "('定金')"
    ranked, total, _counts = pg_backend.search(parsed, {"public"}, None, None, 10)
    # The common word, left out of which rows are ranked, still lifts the row that has it.
    assert [fields["id"] for fields, _score in ranked] == [2, 1] and total == 2


def test_postgres_rebuild_leaves_the_statistics_of_the_new_rows(app, fake_source, monkeypatch):
    from knowledge.search import pg_backend

    if app.config["SEARCH_BACKEND"] != "postgres":
        pytest.skip("PostgreSQL backend")
    monkeypatch.setitem(pg_backend._statistics, "read_at", None)
    pg_backend.lexeme_frequencies()  # read before the rebuild: kept for 5 minutes unless renewed
    for n in range(1, 4):
        fake_source.put(n, title="合同", body="违约" if n == 1 else "担保")
    assert engine.rebuild() == 3
    frequency, _rare, rows = pg_backend.lexeme_frequencies()
    assert rows == 3 and round(frequency["合同"]) == 3


def test_postgres_matches_words_looked_for_in_title_and_body_without_weights():
    from knowledge.search import pg_backend

    schema = engine.parse_schema()
    both, _message, _plain = engine.parse_query("违约金 调整", schema)
    assert pg_backend.match_tsquery(both) == "('违约' | '违约金' | '调整')"
    assert ":A" in pg_backend.to_tsquery(both) and ":B" in pg_backend.to_tsquery(both)
    title_only, _message, _plain = engine.parse_query("title:违约金 title:调整", schema)
    assert pg_backend.match_tsquery(title_only) is None
    phrase, _message, _plain = engine.parse_query('"劳动合同" 解除', schema)
    assert pg_backend.match_tsquery(phrase) is None


def test_an_indexed_change_keeps_what_was_worked_out_for_the_other_segments(
    fake_source, whoosh_only
):
    handle = engine._handle()
    writer = handle.ix.writer()
    engine.write_documents(
        writer, [fake_source.put(n, title="合同", body="违约金") for n in (1, 2)]
    )
    writer.commit()
    engine.search("违约金")
    searcher, _filters = handle.searcher()
    ((first, _offset),) = searcher.leaf_searchers()
    kept = engine.segment_cache(first.reader())
    assert ("lengths", "body") in kept
    engine.index(fake_source.put(3, title="定金"))
    assert _ids(engine.search("违约金 定金"))
    searcher, _filters = handle.searcher()
    readers = [s.reader() for s, _offset in searcher.leaf_searchers()]
    assert len(readers) == 2 and first.reader() not in readers  # Whoosh opened new readers
    assert any(engine.segment_cache(r) is kept for r in readers)


def test_outbox_status_counts_waiting_retrying_and_given_up_rows(app):
    from knowledge.search.indexer import MAX_ATTEMPTS, outbox_status

    assert outbox_status() == {"pending": 0, "retrying": 0, "given_up": 0}
    for attempts in (0, 0, 1, MAX_ATTEMPTS - 1, MAX_ATTEMPTS, MAX_ATTEMPTS + 3):
        db.session.add(SearchOutbox(kind="testdoc", object_id=attempts, attempts=attempts))
    db.session.flush()
    assert outbox_status() == {"pending": 4, "retrying": 4, "given_up": 2}
    with app.test_request_context("/healthz"):
        assert app.test_client().get("/healthz").json["search"] == "pending 4, given up 2"


def test_a_record_changed_twice_in_one_transaction_is_queued_once(fake_source):
    enqueue("testdoc", 1)
    enqueue("testdoc", 1)
    enqueue("testdoc", 2)
    db.session.flush()
    assert sorted(r.object_id for r in db.session.query(SearchOutbox)) == [1, 2]
    db.session.commit()
    enqueue("testdoc", 1)  # a later transaction's change is queued again
    db.session.flush()
    assert db.session.query(SearchOutbox).filter_by(object_id=1).count() == 2


def test_a_change_whose_transaction_rolled_back_is_queued_again(fake_source):
    db.session.commit()
    enqueue("testdoc", 1)
    db.session.rollback()
    enqueue("testdoc", 1)
    db.session.flush()
    assert db.session.query(SearchOutbox).filter_by(object_id=1).count() == 1
    savepoint = db.session.begin_nested()
    enqueue("testdoc", 3)
    db.session.flush()
    savepoint.rollback()  # the savepoint's row is gone, the transaction's row stays
    enqueue("testdoc", 3)
    db.session.flush()
    assert db.session.query(SearchOutbox).filter_by(object_id=3).count() == 1
    assert db.session.query(SearchOutbox).filter_by(object_id=1).count() == 1
