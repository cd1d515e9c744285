"""`flask --app wsgi search work|rebuild|status|query`."""

import json
import time

import click
from flask import current_app
from flask.cli import AppGroup

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("work")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def work_command(loop, interval):
    """Apply queued index changes (run from a timer, or with --loop as a service)."""
    from knowledge.search.indexer import process_outbox

    while True:
        stats = process_outbox()
        if stats["indexed"] or stats["removed"] or stats["failed"] or not loop:
            click.echo(
                f"indexed {stats['indexed']}, removed {stats['removed']}, failed {stats['failed']}"
                + (f", question texts embedded {stats['embedded']}" if stats["embedded"] else "")
            )
        if not loop:
            break
        time.sleep(interval)


@search_cli.command("rebuild")
def rebuild_command():
    """Rebuild the whole index from the database."""
    from knowledge.search import engine

    started = time.monotonic()
    count = engine.rebuild()
    click.echo(f"indexed {count} documents in {time.monotonic() - started:.1f} s")


@search_cli.command("status")
def status_command():
    """Pending outbox rows, documents in the index and its size on disk."""
    from knowledge.search import engine
    from knowledge.search.indexer import outbox_status

    status = outbox_status()
    click.echo(f"index:     {engine.index_dir()}")
    click.echo(f"documents: {engine.document_count()}")
    click.echo(f"size:      {engine.index_size_bytes() / 1024 / 1024:.1f} MB")
    click.echo(f"pending:   {status['pending']}")
    click.echo(f"retrying:  {status['retrying']}")
    click.echo(f"given up:  {status['given_up']}")


@search_cli.command("query")
@click.argument("text")
@click.option("--kind", multiple=True, help="Only this kind of document (repeatable).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, best first.")
def query_command(text, kind, limit, as_json):
    """Search as an anonymous visitor (public documents only)."""
    from knowledge.search import engine

    with current_app.test_request_context("/"):
        results = engine.search(
            text, kinds=list(kind) or None, per_page=limit, facets=False, count=False
        )
        if results.message and not as_json:
            click.echo(str(results.message), err=True)
    for hit in results.hits:
        if as_json:
            click.echo(json.dumps(hit.as_json(), ensure_ascii=False, default=str))
        else:
            click.echo(f"{hit.score:8.3f}  {hit.kind:<12} {hit.id:<8} {hit.title}  {hit.url}")
