"""Article embeddings for dense retrieval (optional; see knowledge.search.dense).

Made when statutes are imported (`flask laws import` embeds what changed, `flask laws embed`
whatever is missing or stale), stored in law_article_vectors, never made at query time. Search
loads them into one matrix per process and re-reads it when the stored vectors change.
"""

import json
import threading
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from knowledge.laws.models import Law, LawArticle, LawArticleVector
from knowledge.search import dense
from portal.core.db import db

EMBED_BATCH = 32
# Questions in everyday words of the kind firms ask (the demo's sample questions, none of the
# labelled ones): their mean vector is the "question direction" taken out of every search (see
# embed_question_bank). Stored as search_query_vectors rows of this kind.
QUESTION_BANK = Path(__file__).resolve().parent / "data" / "question_bank.jsonl"
BANK_KIND = "question_bank"
# How often a process checks whether the stored vectors changed (a re-import elsewhere).
RELOAD_CHECK_SECONDS = 30.0


def passage_text(law_title: str, chapter: str, text: str) -> str:
    """What is embedded for an article: its law's title, its chapter path and its text."""
    return " ".join(part for part in (law_title, chapter, text) if part)


def _passages(article_ids=None):
    """(article id, passage) for the given articles (None: every article), by id."""
    query = (
        select(LawArticle.id, Law.title, LawArticle.chapter, LawArticle.text)
        .join(Law, Law.id == LawArticle.law_id)
        .order_by(LawArticle.id)
    )
    if article_ids is not None:
        query = query.where(LawArticle.id.in_(list(article_ids)))
    return [
        (row.id, passage_text(row.title, row.chapter, row.text))
        for row in db.session.execute(query)
    ]


def stale_passages(embedder, article_ids=None):
    """(article id, passage, digest) of the articles whose stored vector is missing, of another
    model, or made from a different passage."""
    stored = {
        article_id: (model, digest)
        for article_id, model, digest in db.session.execute(
            select(LawArticleVector.article_id, LawArticleVector.model, LawArticleVector.digest)
        )
    }
    stale = []
    for article_id, passage in _passages(article_ids):
        digest = dense.text_digest(passage)
        if stored.get(article_id) != (embedder.model_id, digest):
            stale.append((article_id, passage, digest))
    return stale


def store_vectors(embedder, rows):
    """Replace the stored vectors of rows: (article id, digest, vector)."""
    rows = list(rows)
    if not rows:
        return
    db.session.execute(
        delete(LawArticleVector).where(LawArticleVector.article_id.in_([r[0] for r in rows]))
    )
    db.session.execute(
        insert(LawArticleVector),
        [
            {
                "article_id": article_id,
                "model": embedder.model_id,
                "digest": digest,
                "vector": dense.to_blob(vector),
            }
            for article_id, digest, vector in rows
        ],
    )


def fill_from_shipped(embedder, article_ids=None) -> int:
    """Store the shipped vectors (knowledge.laws.prebuilt) of the articles (None: all) whose
    vector is missing or stale and whose exact passage the file has; returns how many. Flushes."""
    stale = stale_passages(embedder, article_ids)
    return len(stale) - len(_store_shipped(embedder, stale))


def _store_shipped(embedder, stale):
    """Store the shipped vectors of the stale (article id, passage, digest) rows the file has;
    the rows still without a vector."""
    from knowledge.laws import prebuilt

    shipped = prebuilt.load(embedder, prebuilt.PASSAGE) if stale else {}
    ready = [(a, digest, shipped[digest]) for a, _p, digest in stale if digest in shipped]
    for start in range(0, len(ready), 500):
        store_vectors(embedder, ready[start : start + 500])
    db.session.flush()
    return [row for row in stale if row[2] not in shipped]


def embed_articles(embedder, article_ids=None, batch_size=EMBED_BATCH, progress=None) -> int:
    """Embed the articles (None: all) whose vector is missing or stale and not shipped with the
    corpus (those are stored from the file first); returns how many were embedded.

    Each batch is flushed as it is made; the caller commits. progress(done, total) after each.
    """
    stale = _store_shipped(embedder, stale_passages(embedder, article_ids))
    for start in range(0, len(stale), batch_size):
        batch = stale[start : start + batch_size]
        vectors = embedder.passages([passage for _id, passage, _digest in batch])
        store_vectors(
            embedder, [(a, digest, v) for (a, _p, digest), v in zip(batch, vectors, strict=True)]
        )
        db.session.flush()
        if progress:
            progress(min(start + batch_size, len(stale)), len(stale))
    return len(stale)


def question_bank_texts(path=QUESTION_BANK) -> list[str]:
    from knowledge.laws.suggest import question_text

    with open(path, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [question_text(row.get("title", ""), row.get("body", "")) for row in rows]


def embed_question_bank(embedder, path=QUESTION_BANK) -> int:
    """Store the vectors of the question bank (made once per model and text, or taken from the
    shipped file); how many were embedded.

    Dense retrieval compares a question with every article; some articles sit near every
    question in everyday words (general provisions, definitions) and crowd the top of the list
    whatever is asked. Subtracting a share of the bank's mean similarity from each article's
    (query-bank normalisation; SETTINGS["centering"]) takes that common part out: dense alone
    0.758 -> 0.806 recall@10 on the labelled questions, fused +0.015 recall@10 and +0.012 MRR@10
    in 5-fold cross-validation (docs/benchmarks-search.md). Flushes, never commits.
    """
    from knowledge.laws import prebuilt
    from knowledge.search import query_vectors
    from knowledge.search.query_vectors import SearchQueryVector

    texts = question_bank_texts(path)
    shipped = prebuilt.load(embedder, prebuilt.QUERY)
    made = sum(
        query_vectors.refresh(BANK_KIND, number, text, embedder=embedder, known=shipped)
        for number, text in enumerate(texts)
    )
    db.session.execute(
        delete(SearchQueryVector).where(
            SearchQueryVector.kind == BANK_KIND, SearchQueryVector.object_id >= len(texts)
        )
    )
    return made


def _bank_mean(embedder):
    """The mean of the stored question-bank vectors of embedder's model, or None."""
    from knowledge.search.query_vectors import SearchQueryVector

    blobs = db.session.scalars(
        select(SearchQueryVector.vector).where(
            SearchQueryVector.kind == BANK_KIND, SearchQueryVector.model == embedder.model_id
        )
    ).all()
    if not blobs:
        return None
    return dense.from_blobs(blobs, embedder.dim).mean(axis=0)


# ---------------------------------------------------------------------------- query time

_loaded: dict = {}
_load_lock = threading.Lock()


def _signature(model_id):
    from knowledge.search.query_vectors import SearchQueryVector

    count, latest = db.session.execute(
        select(func.count(), func.max(LawArticleVector.updated_dt)).where(
            LawArticleVector.model == model_id
        )
    ).one()
    bank = db.session.execute(
        select(func.count(), func.max(SearchQueryVector.updated_dt)).where(
            SearchQueryVector.kind == BANK_KIND, SearchQueryVector.model == model_id
        )
    ).one()
    return (count, latest, *bank)


def vector_index(embedder) -> dense.VectorIndex:
    """The stored vectors of embedder's model as one matrix (re-read when they changed)."""
    key = (db.engine.url.render_as_string(hide_password=True), embedder.model_id)
    with _load_lock:
        index, checked = _loaded.get(key, (None, 0.0))
        now = time.monotonic()
        if index is not None and now - checked < RELOAD_CHECK_SECONDS:
            return index
        signature = _signature(embedder.model_id)
        if index is None or index.signature != signature:
            rows = db.session.execute(
                select(LawArticleVector.article_id, LawArticleVector.vector, LawArticle.law_id)
                .join(LawArticle, LawArticle.id == LawArticleVector.article_id)
                .where(LawArticleVector.model == embedder.model_id)
                .order_by(LawArticleVector.article_id)
            ).all()
            ids = [r.article_id for r in rows]
            matrix = dense.from_blobs([r.vector for r in rows], embedder.dim)
            groups = {r.article_id: r.law_id for r in rows}
            index = dense.VectorIndex(ids, matrix, signature, groups, _bank_mean(embedder))
        _loaded[key] = (index, now)
        return index


def forget():
    """Drop the loaded matrices (tests; a process re-reads them on its next search anyway)."""
    with _load_lock:
        _loaded.clear()


def dense_search(question: str, limit: int, also=()):
    """([(article id, cosine)] best first, {id: cosine} of the articles in also, {id: law id}),
    or None when dense retrieval is off or there are no vectors."""
    embedder = dense.get_embedder()
    if embedder is None:
        return None
    index = vector_index(embedder)
    if not len(index):
        return None
    vector = dense.query_vector(embedder, question)
    return index.top(vector, limit), index.similarities(vector, also), index.groups


def dense_prefetch(question: str):
    """Start embedding the question in the background when dense_search will want it; whether
    it will (dense retrieval on and articles embedded)."""
    embedder = dense.get_embedder()
    if embedder is not None and len(vector_index(embedder)):
        dense.prefetch(embedder, question)
        return True
    return False
