"""How the search engine plugs in: the /search page, the CLI and the inline indexer."""

import logging

from flask import g
from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_health_check, add_nav

logger = logging.getLogger(__name__)


def init_search(app):
    from knowledge.search import outbox, pg_backend, query_vectors  # noqa: F401  (tables known to migrations)
    from knowledge.search.analysis import initialize
    from knowledge.search.blueprint import bp
    from knowledge.search.cli import search_cli
    from knowledge.search.engine import BACKENDS

    backend = (app.config.get("SEARCH_BACKEND") or "whoosh").lower()
    if backend not in BACKENDS:  # a typo must stop start-up, not break every search
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
    add_nav(app, "search.search", _l("Search"), lambda user: True, order=90)
    add_health_check(app, "search", _health)
    initialize()

    @app.teardown_request
    def _index_after_request(exc):
        run_inline_indexer(app, exc)


def run_inline_indexer(app, exc=None):
    """After a request that queued index changes (development): apply them; never raise."""
    dirty = g.pop("search_outbox_dirty", False)
    if not dirty or exc is not None or not app.config.get("SEARCH_INDEX_INLINE"):
        return
    from knowledge.search.indexer import in_progress, process_outbox
    from portal.core.db import db

    if in_progress():  # the indexer's own request context (for url_for) being torn down
        return
    try:
        process_outbox(lock_timeout=10)
    except Exception:
        logger.exception("search: inline indexing failed; `flask search work` will retry")
        try:
            db.session.rollback()
        except Exception:
            logger.exception("search: rollback after failed indexing failed")


def _health():
    from knowledge.search.indexer import outbox_status
    from portal.core.db import db

    try:
        status = outbox_status()
    except Exception as exc:  # reported, not raised: the health page must answer
        db.session.rollback()
        return type(exc).__name__
    return f"pending {status['pending']}, given up {status['given_up']}"
