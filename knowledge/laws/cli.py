"""`flask --app wsgi laws import FILE.jsonl`."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.db import db

laws_cli = AppGroup("laws", help="The statute library.")


@laws_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Import or update articles from a JSON Lines file (see docs/laws.md); safe to repeat."""
    from knowledge.laws.operations import import_laws

    with open(path, "rb") as lines:
        report = import_laws(lines)
    db.session.commit()
    for line_number, message in report.errors:
        click.echo(f"{path}:{line_number}: {message}", err=True)
    click.echo(report.summary())
    if report.changed_ids and current_app.config.get("SEARCH_INDEX_INLINE"):
        from knowledge.search.indexer import process_outbox

        stats = process_outbox()
        click.echo(f"search index: {stats['indexed']} documents updated")
    elif report.changed_ids:
        click.echo("search index: changes queued for `flask search work`")
    _embed(None)
    if report.errors:
        sys.exit(1)


def _embed(article_ids=None):
    """Embed the given articles (None: all) that need it, when dense retrieval is on."""
    from knowledge.laws.vectors import embed_articles, embed_question_bank, fill_from_shipped
    from knowledge.search import dense

    embedder = dense.get_embedder()
    if embedder is None:
        return 0

    def progress(done, total):
        click.echo(f"\rembedding articles: {done}/{total}", nl=done >= total)

    shipped = fill_from_shipped(embedder, article_ids)
    db.session.commit()
    if shipped:
        click.echo(f"dense retrieval: {shipped} article vectors taken from the shipped file")
    count = embed_articles(embedder, article_ids, progress=progress)
    db.session.commit()
    click.echo(f"dense retrieval: {count} articles embedded ({embedder.model_id})")
    bank = embed_question_bank(embedder)
    db.session.commit()
    if bank:
        click.echo(f"dense retrieval: {bank} bank questions embedded")
    if shipped or count or bank:
        from knowledge.laws.search_source import KIND
        from knowledge.search import engine

        engine.index_changed([KIND])  # the ranking changed: suggestions kept are searched again
    return count


@laws_cli.command("embed")
def embed_command():
    """Embed every article whose vector is missing or stale (dense retrieval; needs the
    model, installed with the portal). Vectors shipped with the corpus are taken, not made. Safe
    to repeat; only changed articles are redone."""
    from knowledge.search import dense

    if dense.get_embedder() is None:
        click.echo("dense retrieval is off (SEARCH_DENSE=off or no model installed)", err=True)
        sys.exit(1)
    _embed(None)


@laws_cli.command("export-vectors")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
def export_vectors_command(path):
    """Write the stored article and question-bank vectors to the file shipped with the corpus
    (knowledge/laws/data/vectors.npz unless PATH is given), after `flask laws embed`: for
    maintainers, when the corpus or the bundled model changes."""
    from knowledge.laws import prebuilt
    from knowledge.search import dense

    embedder = dense.get_embedder()
    if embedder is None:
        click.echo("dense retrieval is off (SEARCH_DENSE=off or no model installed)", err=True)
        sys.exit(1)
    target = path or prebuilt.VECTORS_FILE
    articles, bank = prebuilt.export(embedder, target)
    if not articles:
        click.echo(
            "no article vectors stored for this model: run `flask laws embed` first", err=True
        )
        sys.exit(1)
    click.echo(
        f"{target}: {articles} article and {bank} question-bank vectors ({embedder.model_id})"
    )
