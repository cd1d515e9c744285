"""How the statute library plugs in: pages, search source, citations, CLI, demo data."""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_demo_loader, add_nav, add_search_source
from portal.core.markdown import register_markdown_hook

DATA_FILE = Path(__file__).resolve().parent / "data" / "laws.jsonl"


def init_laws(app):
    from knowledge.laws import models  # noqa: F401  (tables known to migrations)
    from knowledge.laws.blueprint import bp
    from knowledge.laws.citations import render_citations
    from knowledge.laws.cli import laws_cli
    from knowledge.laws.search_source import KIND, iter_ids, load_document

    app.register_blueprint(bp)
    app.cli.add_command(laws_cli)
    add_nav(app, "laws.index", _l("Statutes"), lambda user: True, order=80)
    add_search_source(app, KIND, load_document, iter_ids)
    register_markdown_hook(app, render_citations)
    add_demo_loader(app, 5, "statutes", load_demo_statutes)
    add_demo_loader(app, 1000, "search index", index_demo_data)


def load_demo_statutes(app) -> str:
    """The whole shared statute corpus (bulk), then a rebuilt index; a second run changes nothing."""
    from knowledge.laws.operations import import_laws
    from knowledge.search import engine

    data_file = app.config.get("LAWS_DATA_FILE") or DATA_FILE
    with open(data_file, "rb") as lines:
        report = import_laws(lines, enqueue_changes=False)
    summary = report.summary()
    if report.changed_ids or engine.document_count() == 0:
        count = engine.rebuild()
        summary += f"; search index rebuilt with {count} documents"
    return summary


def index_demo_data(app) -> str:
    """Index what the other demo loaders queued."""
    from knowledge.search.indexer import process_outbox

    stats = process_outbox()
    return f"{stats['indexed']} documents indexed, {stats['failed']} failed"
