"""Home page per role, language switch, inbox, health check."""

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, text

from portal.accounts.operations import set_locale
from portal.core.cache import get_or_set, home_key
from portal.core.db import db
from portal.core.markdown import render as render_markdown
from portal.core.permissions import is_active_verified
from portal.home import front
from portal.notifications import operations as notifications
from portal.notifications.models import Notification


def _plain(value):
    """A card as JSON-able data (lazy strings rendered in the current language)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _home_sections(user):
    sections = []
    for _order, provider in current_app.extensions.get("portal.home_sections", []):
        section = provider(user)
        if section:
            sections.append(_plain(section))
    return sections


def index():
    if not current_user.is_authenticated:
        year, figures = front.year_figures()
        return render_template(
            "home/front.html",
            services=front.services(),
            public_sections=front.public_sections(),
            year=year,
            figures=figures,
        )
    sections = []
    # Accounts awaiting verification (or refused) see their status only, no cards of records.
    if is_active_verified(current_user):
        # Cards (and their counts) are shared-cached for a few seconds per user and language.
        sections = get_or_set(
            home_key(current_user.id, str(get_locale())),
            current_app.config["CACHE_TTL_HOME"],
            lambda: _home_sections(current_user),
        )
    # "What needs me now" first: cards with work waiting, then everything else in their order.
    waiting = [s for s in sections if not s.get("reference") and (s.get("items") or s.get("count"))]
    others = [s for s in sections if s not in waiting]
    return render_template("home/index.html", waiting=waiting, others=others, quiet=not waiting)


def set_language():
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            set_locale(current_user, locale)
            db.session.commit()
    target = request.form.get("next", "")
    return redirect(
        target if target.startswith("/") and not target.startswith("//") else url_for("home.index")
    )


@login_required
def inbox():
    notes = db.paginate(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_dt.desc()),
        per_page=30,
        error_out=False,
    )
    return render_template("home/inbox.html", notes=notes)


@login_required
def inbox_read():
    notifications.mark_read(current_user)
    db.session.commit()
    return redirect(url_for("home.inbox"))


def healthz():
    status, code = {"status": "ok", "database": "ok"}, 200
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not healthy", never a 500 page
        db.session.rollback()
        status.update(status="error", database=type(exc).__name__)
        code = 503
    for name, check in current_app.extensions.get("portal.health_checks", {}).items():
        status[name] = check()
    return jsonify(status), code


def about():
    return render_template("home/about.html", title=_("About this portal"))


def preview():
    """The long-text editor's preview: the text rendered exactly as the page will show it
    (Markdown, statute citations, sanitised). POST with the CSRF token; at most 20,000 characters."""
    text = request.form.get("text", "")
    if len(text) > 20000:
        return _("The text is too long to preview."), 413
    return str(render_markdown(text)), 200, {"Content-Type": "text/html; charset=utf-8"}
