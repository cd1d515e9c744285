"""Several indexers at once (inline after requests in several workers) never lose an update."""

import threading

import pytest

from knowledge.search import engine
from knowledge.search.indexer import process_outbox
from knowledge.search.outbox import SearchOutbox, enqueue
from portal.core.db import db
from tests.fixtures.concurrency import start_together
from tests.fixtures.search import FakeSource


@pytest.fixture
def indexing_app(shared_app, tmp_path):
    """The shared app with a fresh index and a fake source of documents."""
    target = shared_app
    previous = target.config["SEARCH_INDEX_DIR"]
    target.config["SEARCH_INDEX_DIR"] = str(tmp_path / "index")
    source = FakeSource()
    target.extensions["portal.search_sources"][source.kind] = {
        "load": source.load,
        "ids": source.ids,
    }
    yield target, source
    target.extensions["portal.search_sources"].pop(source.kind)
    target.config["SEARCH_INDEX_DIR"] = previous


@pytest.mark.concurrency
def test_concurrent_indexers_keep_the_latest_state_of_every_document(indexing_app):
    target, source = indexing_app
    versions = iter(range(1, 10_000))
    mutex = threading.Lock()

    def worker(doc_ids):
        for _round in range(4):
            for doc_id in doc_ids:
                with target.app_context():
                    with mutex:
                        source.put(doc_id, title=f"第{next(versions)}版", body="合同")
                    enqueue(source.kind, doc_id)
                    db.session.commit()
                    process_outbox(batch_size=3)

    # Every document is changed by two threads.
    outcomes = start_together(worker, [([1, 2, 3],), ([3, 2, 1],), ([2, 4],)])
    assert [o.error for o in outcomes if not o.ok] == []
    with target.app_context():
        assert db.session.query(SearchOutbox).count() == 0
        searcher, _filters = engine._handle().searcher()
        for doc_id, doc in source.docs.items():
            stored = searcher.document(key=engine.document_key(source.kind, doc_id))
            assert stored["title"] == doc["title"], doc_id
        assert searcher.doc_count() == 4


@pytest.mark.concurrency
def test_a_search_survives_another_threads_refresh_of_the_searcher(indexing_app, monkeypatch):
    """Threaded workers (gunicorn gthread) share one searcher per process. Whoosh's refresh()
    closes the readers of segments a new index version merged away; a search still reading them
    in another thread failed (a 500 on the question page, whose statute suggestions search)."""
    target, source = indexing_app
    with target.app_context():
        for n in (1, 2):
            engine.index(source.put(n, title=f"合同纠纷{n}", body="买卖合同违约金"))
        engine.search("合同")  # the process's searcher exists
    paused, resume = threading.Event(), threading.Event()
    prune = engine.prune_common_terms

    def pausing_prune(query, searcher):
        if threading.current_thread().name == "first":
            paused.set()  # the first search holds its searcher here...
            resume.wait(30)  # ...until the second has seen the new index version
        return prune(query, searcher)

    monkeypatch.setattr(engine, "prune_common_terms", pausing_prune)
    outcomes = {}

    def search_page(name):
        try:
            response = target.test_client().get("/search", query_string={"q": "合同"})
            outcomes[name] = (response.status_code, response.get_data(as_text=True))
        except Exception as exc:  # TESTING propagates the view's exception to the client
            outcomes[name] = (500, repr(exc))

    first = threading.Thread(target=search_page, args=("first",), name="first")
    first.start()
    assert paused.wait(30)
    # A new version of the index whose one merged segment replaces those being read.
    with target.app_context(), engine.writer_lock():
        writer = engine.get_index().writer()
        engine.write_documents(writer, [source.put(3, title="合同纠纷3", body="合同")])
        writer.commit(optimize=True)
    # Another thread reads the new version while the first search still holds the old one
    # (searches themselves take turns per process; counting documents does not wait for them).
    counted = {}

    def count_documents():
        with target.app_context():
            counted["documents"] = engine.document_count()

    second = threading.Thread(target=count_documents, name="second")
    second.start()
    second.join(30)
    resume.set()
    first.join(30)

    assert counted.get("documents") == 3
    assert outcomes["first"][0] == 200, outcomes["first"][1][-500:]
    assert 'href="/test/1"' in outcomes["first"][1]
    search_page("after")
    assert outcomes["after"][0] == 200, outcomes["after"][1][-500:]
    assert 'href="/test/3"' in outcomes["after"][1]
