"""The single indexer: applies queued outbox rows to the index in batches, retrying failures.

Rows are read in id order; each (kind, id) is loaded from its source at processing time, so the
index always gets the record's state as of now (the latest update wins even when two changes were
queued). A row is deleted only after the index commit that covers it; a row queued while we work
stays for the next pass. One writer at a time: the writer lock beside the index.
"""

import logging
import threading
from contextlib import contextmanager

from flask import current_app, has_request_context
from sqlalchemy import case, delete, func, select, update

from knowledge.search import engine
from knowledge.search.outbox import SearchOutbox
from portal.core.db import db

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH_SIZE = 200


class UnknownKind(LookupError):
    pass


def load_document(kind: str, object_id):
    """The source's document for (kind, id), None if it is gone; raises if the source fails."""
    source = engine.search_sources().get(kind)
    if source is None:
        raise UnknownKind(f"no search source registered for {kind!r}")
    if has_request_context():
        return source["load"](object_id)
    # Sources build URLs with url_for, which needs a request outside of one.
    with current_app.test_request_context("/"):
        return source["load"](object_id)


def load_documents(kind: str, object_ids) -> dict:
    """{id: document} of the given ids that exist, through the source's batch loader when it
    has one (one look-up for all), else load_document each."""
    object_ids = list(dict.fromkeys(object_ids))
    source = engine.search_sources().get(kind)
    many = source.get("load_many") if source else None
    if many is None or not object_ids:
        docs = {object_id: load_document(kind, object_id) for object_id in object_ids}
        return {object_id: doc for object_id, doc in docs.items() if doc is not None}
    if has_request_context():
        return many(object_ids)
    with current_app.test_request_context("/"):
        return many(object_ids)


def latest_outbox_id() -> int:
    return db.session.scalar(select(func.max(SearchOutbox.id))) or 0


def drop_outbox_up_to(last_id: int):
    if last_id:
        db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= last_id))
        db.session.commit()


def _record_failure(row_ids, error: str):
    db.session.execute(
        update(SearchOutbox)
        .where(SearchOutbox.id.in_(row_ids))
        .values(attempts=SearchOutbox.attempts + 1, last_error=error[:500])
    )


_state = threading.local()


@contextmanager
def _running():
    """Marks this thread as indexing (the Whoosh writer lock does that for Whoosh)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def in_progress() -> bool:
    """This thread is inside process_outbox (its request contexts must not start another)."""
    return bool(getattr(_state, "depth", 0)) or engine.holds_writer_lock()


def process_outbox(batch_size: int = BATCH_SIZE, lock_timeout: float = 60.0) -> dict:
    """Apply every pending row once; returns counts (indexed, removed, failed).

    Waits for the writer lock: whoever holds it processes our rows or we do after it.
    Failed rows keep their place with attempts and last_error and are retried on the next run,
    until MAX_ATTEMPTS.
    """
    postgres = engine.on_postgres()
    handle = None if postgres else engine._handle()
    stats = {"indexed": 0, "removed": 0, "failed": 0}
    texts_changed = []  # (kind, id) of records whose search text may need a new vector
    lock = _running() if postgres else engine.writer_lock(handle.path, timeout=lock_timeout)
    with lock:
        cursor = 0
        while True:
            if postgres:
                from knowledge.search import pg_backend

                # Until this batch commits: documents are loaded after another host's write.
                pg_backend.lock_for_indexing()
            rows = db.session.scalars(
                select(SearchOutbox)
                .where(SearchOutbox.id > cursor, SearchOutbox.attempts < MAX_ATTEMPTS)
                .order_by(SearchOutbox.id)
                .limit(batch_size)
            ).all()
            if not rows:
                db.session.commit()
                break
            cursor = rows[-1].id
            by_key: dict[tuple[str, int], list[int]] = {}
            for row in rows:
                by_key.setdefault((row.kind, row.object_id), []).append(row.id)
            docs, removals, done, failures = [], [], [], []
            for (kind, object_id), row_ids in by_key.items():
                try:
                    doc = load_document(kind, object_id)
                except Exception as exc:  # a broken source must not stop the others
                    logger.warning("search: loading %s %s failed: %r", kind, object_id, exc)
                    failures.append((row_ids, f"{type(exc).__name__}: {exc}"))
                    continue
                if doc is None:
                    removals.append((kind, object_id))
                else:
                    docs.append(doc)
                done.extend(row_ids)
                texts_changed.append((kind, object_id))
            writer = None if postgres else handle.ix.writer()
            try:
                if postgres:
                    pg_backend.write_rows(
                        [pg_backend.row_for(engine.document_fields(d)) for d in docs],
                        [engine.document_key(kind, object_id) for kind, object_id in removals],
                    )
                else:
                    engine.write_documents(writer, docs, removals)
                    writer.commit()
            except Exception as exc:
                if writer is not None:
                    writer.cancel()
                logger.exception("search: index write failed")
                db.session.rollback()
                _record_failure([row.id for row in rows], f"{type(exc).__name__}: {exc}")
                db.session.commit()
                stats["failed"] += len(rows)
                break
            if done:
                db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(done)))
            for row_ids, error in failures:
                _record_failure(row_ids, error)
                stats["failed"] += len(row_ids)
            db.session.commit()
            stats["indexed"] += len(docs)
            stats["removed"] += len(removals)
    # Results kept from the old index (a question's likely articles) are not used again.
    engine.index_changed(kind for kind, _object_id in texts_changed)
    stats["embedded"] = _refresh_query_vectors(texts_changed)
    return stats


def _refresh_query_vectors(keys) -> int:
    """Embed the search texts of the processed records whose source has one (a question's words),
    after the index writes and outside the writer lock; how many were embedded. A failure is
    logged and costs one embedding when the page is viewed, nothing else."""
    from knowledge.search import dense, query_vectors

    sources = engine.search_sources()
    keys = [k for k in dict.fromkeys(keys) if (sources.get(k[0]) or {}).get("query_text")]
    if not keys or dense.get_embedder() is None:
        return 0
    made = 0
    for kind, object_id in keys:
        try:
            made += query_vectors.refresh(kind, object_id, sources[kind]["query_text"](object_id))
            db.session.commit()
        except Exception:
            logger.exception("search: embedding the text of %s %s failed", kind, object_id)
            db.session.rollback()
    return made


def outbox_status() -> dict:
    # One pass over the outbox for the three figures (/healthz asks on every probe).
    attempts = SearchOutbox.attempts
    pending, failing, dead = db.session.execute(
        select(
            func.count(case((attempts < MAX_ATTEMPTS, 1))),
            func.count(case((attempts > 0, 1))),
            func.count(case((attempts >= MAX_ATTEMPTS, 1))),
        ).select_from(SearchOutbox)
    ).one()
    return {"pending": pending or 0, "retrying": failing or 0, "given_up": dead or 0}
