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
    if report.errors:
        sys.exit(1)
