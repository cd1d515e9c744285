"""Home page per role, language switch, inbox, health check."""

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, text

from portal.accounts.operations import set_locale
from portal.core.db import db
from portal.core.permissions import is_active_verified
from portal.notifications import operations as notifications
from portal.notifications.models import Notification


def index():
    sections = []
    # Accounts awaiting verification (or refused) see their status only, no cards of records.
    if is_active_verified(current_user):
        for _order, provider in current_app.extensions.get("portal.home_sections", []):
            section = provider(current_user)
            if section:
                sections.append(section)
    quiet = not any(s.get("items") or s.get("count") for s in sections if not s.get("reference"))
    return render_template("home/index.html", sections=sections, quiet=quiet)


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
