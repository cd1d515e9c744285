"""Error pages in the user's language."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from portal.core.db import db
from portal.core.params import BadInput

MESSAGES = {
    400: lambda: (
        _("Bad request"),
        _("The request could not be understood. Please go back and try again."),
    ),
    403: lambda: (_("Not allowed"), _("You do not have permission to see this page.")),
    404: lambda: (_("Not found"), _("There is no such page, or it has been removed.")),
    405: lambda: (_("Not allowed"), _("This action is not possible here.")),
    413: lambda: (_("Too large"), _("The upload is too large.")),
    429: lambda: (_("Too many requests"), _("Please wait a moment and try again.")),
    500: lambda: (
        _("Something went wrong"),
        _("The error has been logged. Please try again later."),
    ),
}


def _render(code, message=None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])()
    message = message or default_message
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=message), code
    return render_template("error.html", code=code, title=title, message=message), code


def configure_error_pages(app):
    for code in MESSAGES:
        if code != 500:
            app.register_error_handler(code, lambda exc, code=code: _render(code))

    @app.errorhandler(BadInput)
    def _bad_input(exc):
        return _render(400, exc.description)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        title = _("The form has expired")
        message = _("Please go back, reload the page and submit again. Nothing was saved.")
        return render_template("error.html", code=400, title=title, message=message), 400

    @app.errorhandler(500)
    def _server_error(_exc):
        db.session.rollback()
        return _render(500)
