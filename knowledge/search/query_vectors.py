"""Stored vectors of texts searched again and again (a question's "可能适用的法条").

A question's page asks the statute search for the articles that may apply on every view, by
lawyers and by the firm; with dense retrieval on, each process would embed the question's text
again (about 25 ms of CPU, more under load). Sources that register query_text (see
portal.core.hooks.add_search_source) have that text embedded once by the indexer, when the
record's outbox row is processed (outside the request, as index writes are), and stored here;
dense.query_vector finds it by the text's digest. A changed text has another digest: the old
vector is never used for it, and the indexer replaces it when the change's row is processed.
"""

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow


class SearchQueryVector(db.Model):
    """The embedding of one record's search text (kind, object_id), e.g. a question's.

    model: which embedder made it (another model's vectors are not used); digest: SHA-256 of the
    exact text searched (knowledge.search.dense.text_digest); vector: float16 values.
    """

    __tablename__ = "search_query_vectors"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index("ix_search_query_vectors_model_digest", "model", "digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    model: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def stored_vector(embedder, text: str):
    """The stored vector of exactly this text by this embedder, or None."""
    from knowledge.search import dense

    blob = db.session.scalar(
        select(SearchQueryVector.vector)
        .where(
            SearchQueryVector.model == embedder.model_id,
            SearchQueryVector.digest == dense.text_digest(text),
        )
        .limit(1)
    )
    return None if blob is None else dense.from_blobs([blob], embedder.dim)[0]


def refresh(kind: str, object_id: int, text: str | None, embedder=None, known=None) -> bool:
    """Make (kind, object_id)'s stored vector match text (None: the record is gone); True when
    an embedding was made. known: {digest: vector} already made by this embedder (the shipped
    question bank), used instead of embedding. Nothing happens while dense retrieval is off.
    Flushes, never commits.
    """
    from knowledge.search import dense, engine

    embedder = embedder or dense.get_embedder()
    if embedder is None:
        return False
    row = db.session.scalar(
        select(SearchQueryVector).where(
            SearchQueryVector.kind == kind, SearchQueryVector.object_id == object_id
        )
    )
    text = engine.searched_text(text or "")
    if not text:
        if row is not None:
            db.session.execute(delete(SearchQueryVector).where(SearchQueryVector.id == row.id))
        return False
    digest = dense.text_digest(text)
    if row is not None and (row.model, row.digest) == (embedder.model_id, digest):
        return False
    vector = (known or {}).get(digest)
    embedded = vector is None
    if embedded:
        vector = dense.query_vector(embedder, text, stored=False)
    if row is None:
        row = SearchQueryVector(kind=kind, object_id=object_id)
        db.session.add(row)
    row.model, row.digest, row.vector = embedder.model_id, digest, dense.to_blob(vector)
    db.session.flush()
    return embedded
