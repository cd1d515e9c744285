"""Several indexers at once (inline after requests in several workers) never lose an update."""

import threading

import pytest

import portal
from knowledge.search import engine
from knowledge.search.indexer import process_outbox
from knowledge.search.outbox import SearchOutbox, enqueue
from portal.config import TestingConfig
from portal.core.db import db
from tests.fixtures.app import ON_POSTGRES
from tests.fixtures.search import FakeSource


@pytest.fixture
def shared_app(app, committing_db, tmp_path):
    """An app whose database every thread really shares (a file on SQLite)."""
    if ON_POSTGRES:
        target = app
    else:

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.db'}"
            UPLOAD_DIR = str(tmp_path / "uploads")

        target = portal.create_app(Config)
        with target.app_context():
            db.create_all()
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
    with target.app_context():
        db.session.remove()
        db.engine.dispose()  # the threads' pooled connections


@pytest.mark.concurrency
def test_concurrent_indexers_keep_the_latest_state_of_every_document(shared_app):
    target, source = shared_app
    versions = iter(range(1, 10_000))
    mutex = threading.Lock()
    errors = []

    def worker(doc_ids):
        try:
            for _round in range(4):
                for doc_id in doc_ids:
                    with target.app_context():
                        with mutex:
                            source.put(doc_id, title=f"第{next(versions)}版", body="合同")
                        enqueue(source.kind, doc_id)
                        db.session.commit()
                        process_outbox(batch_size=3)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    # Every document is changed by two threads.
    threads = [
        threading.Thread(target=worker, args=(ids,)) for ids in ([1, 2, 3], [3, 2, 1], [2, 4])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    with target.app_context():
        assert db.session.query(SearchOutbox).count() == 0
        searcher, _filters = engine._handle().searcher()
        for doc_id, doc in source.docs.items():
            stored = searcher.document(key=engine.document_key(source.kind, doc_id))
            assert stored["title"] == doc["title"], doc_id
        assert searcher.doc_count() == 4
