"""How the statute library plugs in: pages, search source, citations, CLI, demo data."""

from pathlib import Path

from portal.core.hooks import add_demo_loader, add_nav, add_search_source
from portal.core.markdown import register_markdown_hook
from portal.core.nav import SERVICE_NAMES

DATA_FILE = Path(__file__).resolve().parent / "data" / "laws.jsonl"


def init_laws(app):
    from knowledge.laws import models  # noqa: F401  (tables known to migrations)
    from knowledge.laws.blueprint import bp
    from knowledge.laws.citations import render_citations
    from knowledge.laws.cli import laws_cli
    from knowledge.laws.search_source import KIND, iter_ids, load_document, load_documents
    from knowledge.laws.vectors import dense_prefetch, dense_search

    app.register_blueprint(bp)
    app.cli.add_command(laws_cli)
    add_nav(app, "laws.index", SERVICE_NAMES["laws"], lambda user: True, order=80)
    add_search_source(
        app,
        KIND,
        load_document,
        iter_ids,
        dense=dense_search,
        dense_prefetch=dense_prefetch,
        load_documents=load_documents,
    )
    register_markdown_hook(app, render_citations)
    add_demo_loader(app, 5, "statutes", load_demo_statutes)
    add_demo_loader(app, 1000, "search index", index_demo_data)


def load_demo_statutes(app) -> str:
    """The whole shared statute corpus (bulk); a second run changes nothing. Indexed at the end."""
    from knowledge.laws.operations import import_laws

    data_file = app.config.get("LAWS_DATA_FILE") or DATA_FILE
    with open(data_file, "rb") as lines:
        report = import_laws(lines, enqueue_changes=False)
    return "; ".join(filter(None, [report.summary(), _demo_vectors()]))


def _demo_vectors() -> str:
    """With the dense model installed, the articles' and question bank's vectors from the file
    shipped with the corpus (seconds; embedding them here would take most of an hour). Articles
    the file lacks are left to `flask laws embed`."""
    from knowledge.laws.vectors import embed_question_bank, fill_from_shipped, stale_passages
    from knowledge.search import dense

    embedder = dense.get_embedder()
    if embedder is None:
        return ""
    shipped = fill_from_shipped(embedder)
    embed_question_bank(embedder)
    missing = len(stale_passages(embedder))
    if missing:
        return f"{shipped} article vectors shipped, {missing} left for `flask laws embed`"
    return f"{shipped} article vectors shipped"


def index_demo_data(app) -> str:
    """Rebuild the index from everything the demo loaders wrote: they insert in bulk without
    queueing each record, and one rebuild is faster than thousands of outbox rows."""
    from knowledge.search import engine

    return f"{engine.rebuild()} documents indexed"
