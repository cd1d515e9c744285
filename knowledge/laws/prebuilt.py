"""Vectors shipped with the statute corpus, so a new site has dense retrieval at once.

Embedding the 4,687 articles takes 25-50 minutes of one core here; the vectors do not depend on
the site, only on the model and the exact text embedded. knowledge/laws/data/vectors.npz holds
them for the bundled model, keyed by the SHA-256 of each text (dense.text_digest): an article
or bank question whose text changed, or a site using another model, gets no shipped vector and
is embedded as before. `flask laws export-vectors` writes the file from a database whose vectors
were made (after the corpus or the model changes).
"""

from pathlib import Path

from sqlalchemy import select

from portal.core.db import db

VECTORS_FILE = Path(__file__).resolve().parent / "data" / "vectors.npz"
PASSAGE, QUERY = "passage", "query"


def load(embedder, kind: str, path: Path | None = None) -> dict:
    """{digest: float16 vector} of kind ("passage": articles, "query": the question bank) made
    by embedder's model; empty when the file is missing or was made by another model."""
    import numpy as np

    path = Path(path or VECTORS_FILE)
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as saved:
        if str(saved["model"]) != embedder.model_id or int(saved["dim"]) != embedder.dim:
            return {}
        digests = saved[f"{kind}_digests"]
        vectors = saved[f"{kind}_vectors"].astype(np.float16)
    return {bytes(digest).hex(): vector for digest, vector in zip(digests, vectors, strict=True)}


def export(embedder, path: Path | None = None) -> tuple[int, int]:
    """Write the stored article and question-bank vectors of embedder's model; (articles, bank
    questions) written."""
    import numpy as np

    from knowledge.laws.models import LawArticleVector
    from knowledge.laws.vectors import BANK_KIND
    from knowledge.search import dense
    from knowledge.search.query_vectors import SearchQueryVector

    def rows(query):
        found = db.session.execute(query).all()
        # Raw bytes as uint8 rows: numpy's "S" strings would drop a digest's trailing zero bytes.
        digests = np.array(
            [np.frombuffer(bytes.fromhex(r.digest), dtype=np.uint8) for r in found],
            dtype=np.uint8,
        ).reshape(-1, 32)
        blobs = [r.vector for r in found]
        matrix = (
            dense.from_blobs(blobs, embedder.dim).astype(np.float16)
            if blobs
            else np.zeros((0, embedder.dim), dtype=np.float16)
        )
        return digests, matrix

    passage_digests, passage_vectors = rows(
        select(LawArticleVector.digest, LawArticleVector.vector)
        .where(LawArticleVector.model == embedder.model_id)
        .order_by(LawArticleVector.article_id)
    )
    query_digests, query_vectors = rows(
        select(SearchQueryVector.digest, SearchQueryVector.vector)
        .where(SearchQueryVector.kind == BANK_KIND, SearchQueryVector.model == embedder.model_id)
        .order_by(SearchQueryVector.object_id)
    )
    with open(path or VECTORS_FILE, "wb") as out:
        np.savez_compressed(
            out,
            model=np.array(embedder.model_id),
            dim=np.array(embedder.dim),
            passage_digests=passage_digests,
            passage_vectors=passage_vectors,
            query_digests=query_digests,
            query_vectors=query_vectors,
        )
    return len(passage_digests), len(query_digests)
