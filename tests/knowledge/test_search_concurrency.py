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
