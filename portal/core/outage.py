"""The database not answering: a clear 503 page (and Retry-After), never a 500 or a traceback.

Each request is one transaction, so nothing half-done is kept; `pool_pre_ping` replaces dead
pooled connections, so the portal recovers by itself when the database is back.
"""

import logging

from flask import g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _unreachable(exc) -> bool:
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def database_unavailable(exc):
    from portal.core.db import db

    if not _unreachable(exc):
        raise exc
    logger.error("database unavailable: %s", exc.__class__.__name__)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool discards it
        logger.debug("rollback after outage failed", exc_info=True)
    # Answer as to a visitor: loading the account (for its language) needs the database.
    from portal.extensions import login_manager

    g._login_user = login_manager.anonymous_user()
    title = _("Service briefly unavailable")
    message = _(
        "The portal cannot reach its database just now. Nothing from this request was saved; "
        "please try again in a minute."
    )
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(error=title, message=message)
    else:
        # A page of its own: the usual layout loads the user and menus from the database.
        lang = "zh-CN" if str(get_locale() or "").startswith("zh") else "en"
        response = render_template("outage.html", title=title, message=message, lang=lang)
    return response, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _close_session_even_if_the_database_went_away(_exc):
    """End the request's session; if the connection died after the answer was made, the
    closing rollback fails: the pool discards that connection, and the answer stands (an
    exception here would replace a finished page with the server's bare 500)."""
    from portal.core.db import db

    try:
        db.session.remove()
    except DBAPIError as exc:
        logger.error("database went away while closing a request: %s", exc.__class__.__name__)
        try:
            db.session.remove()  # the dead connection was invalidated: this close succeeds
        except DBAPIError:
            logger.debug("second close after outage failed", exc_info=True)
            db.session.registry.clear()  # drop the session; the pool has dropped its connection


def configure_outage_pages(app):
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DBAPIError, database_unavailable)
    # Teardowns run last-registered first: this one before Flask-SQLAlchemy's own, which then
    # finds nothing left to close.
    app.teardown_appcontext(_close_session_even_if_the_database_went_away)
