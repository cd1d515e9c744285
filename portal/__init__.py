"""The portal's house: app factory and the wiring of every package."""

import logging
import os
from pathlib import Path

from flask import Flask

from portal.config import DEFAULT_SECRET_KEY, config_from_environment

logger = logging.getLogger(__name__)


class PortalFlask(Flask):
    """Flask, with each hook's and view's sync check made once per process.

    Flask asks `ensure_sync` for every before/after/teardown hook, context processor and view on
    every request (~23 a page), and each answer is `inspect.iscoroutinefunction` (five calls).
    Whether a function is a coroutine function never changes, so the answer is kept per function
    (the hooks and views are the same objects for the life of the app).
    """

    MAX_SYNC_ANSWERS = 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_answers = {}

    def ensure_sync(self, func):
        try:
            return self._sync_answers[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable: asked afresh
            return super().ensure_sync(func)
        answer = super().ensure_sync(func)
        if len(self._sync_answers) >= self.MAX_SYNC_ANSWERS:
            self._sync_answers.clear()
        self._sync_answers[func] = answer
        return answer


def create_app(config=None) -> Flask:
    app = PortalFlask(__name__, instance_relative_config=True)
    configure_settings(app, config)
    configure_parameters(app)
    configure_extensions(app)
    configure_blueprints(app)
    configure_packages(app)
    configure_rate_limits(app)
    configure_templates(app)
    configure_cli(app)
    return app


def configure_settings(app, config):
    app.config.from_object(config or config_from_environment())
    app.config.from_prefixed_env("PORTAL")
    if app.config.get("PRODUCTION") and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError(
            "Refusing to start in production with the default SECRET_KEY; set SECRET_KEY."
        )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.db'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgres://")
    elif uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["UPLOAD_DIR"] = app.config.get("UPLOAD_DIR") or str(instance / "uploads")
    app.config["SEARCH_INDEX_DIR"] = app.config.get("SEARCH_INDEX_DIR") or str(
        instance / "search-index"
    )
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)


def configure_parameters(app):
    from portal.core.params import configure_parameters as configure

    configure(app)


def configure_extensions(app):
    from portal.accounts import auth, models  # noqa: F401  (user loader; tables for migrations)
    from portal.audit import models as _audit_models  # noqa: F401
    from portal.core import links as _links  # noqa: F401
    from portal.core import models as _core_models  # noqa: F401
    from portal.core.i18n import configure_i18n
    from portal.core.security import configure_security
    from portal.extensions import bootstrap, csrf, db, login_manager, migrate
    from portal.notifications import models as _notification_models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    auth.resolve_current_user_directly()
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    configure_i18n(app)
    configure_security(app)
    from portal.core.cache import configure_cache

    configure_cache(app)


def configure_rate_limits(app):
    from portal.core.ratelimit import configure_rate_limits as configure

    configure(app)


def configure_blueprints(app):
    from portal.accounts.auth import configure_account_gate
    from portal.accounts.blueprint import bp as accounts_bp
    from portal.audit.blueprint import bp as audit_bp
    from portal.home.blueprint import bp as home_bp
    from portal.home.errors import configure_error_pages
    from portal.staff.blueprint import bp as staff_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(staff_bp)
    configure_error_pages(app)
    from portal.core.outage import configure_outage_pages

    configure_outage_pages(app)
    configure_account_gate(app)


def configure_packages(app):
    """Wire the programme packages; the only place portal's core meets them."""
    from courses import hooks as courses_hooks
    from knowledge import hooks as knowledge_hooks
    from mediation import hooks as mediation_hooks
    from portal.appeals import hooks as appeals_hooks
    from portal.checkups import hooks as checkups_hooks
    from portal.counsel import hooks as counsel_hooks
    from portal.dashboard import hooks as dashboard_hooks
    from portal.home import hooks as home_hooks

    for package in (
        home_hooks,
        knowledge_hooks,
        mediation_hooks,
        courses_hooks,
        counsel_hooks,
        checkups_hooks,
        appeals_hooks,
        dashboard_hooks,
    ):
        package.init_app(app)


def configure_templates(app):
    from flask import request
    from flask_babel import get_locale
    from flask_login import current_user

    from portal.core.markdown import render as render_markdown
    from portal.core.nav import grouped
    from portal.core.reference import industry_name, industry_names
    from portal.core.site import contact, name_lines, site_name

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["industry"] = industry_name
    app.jinja_env.filters["industries"] = industry_names
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _shell():
        from flask import request

        from portal.core.cache import get_or_set, nav_key
        from portal.core.shell import fragment, links
        from portal.notifications.operations import unread_count

        items = app.extensions.get("portal.nav", [])
        # The user object, resolved once: each use of the `current_user` proxy looks it up again.
        user = current_user._get_current_object()

        def visible_endpoints():
            return [item[1] for item in items if item[3](user)]

        if user.is_authenticated:
            key = nav_key(user.id, str(user.role))
            shown = set(get_or_set(key, app.config["CACHE_TTL_NAV"], visible_endpoints))
        else:
            shown = set(visible_endpoints())
        section = (request.endpoint or "").split(".")[0]

        def nav_context():
            menu = [
                (endpoint, label, group)
                for _order, endpoint, label, _visible, group in items
                if endpoint in shown
            ]
            return {"nav_items": grouped(menu, request.endpoint)}

        def shell_context():
            return {"site_name": name, "contact": details, "url_endpoints": endpoints}

        endpoints = app.view_functions
        name, details = site_name(), contact()
        settings = (name, tuple(details.items()))
        unread = unread_count(user) if user.is_authenticated else 0
        return {
            "shell_nav": lambda: fragment(
                "_shell_nav.html", (tuple(sorted(shown)), section), nav_context
            ),
            "shell_head": lambda: fragment("_shell_head.html", (), dict),
            "shell_links": links(),
            "shell_footer": lambda: fragment("_shell_footer.html", settings, shell_context),
            "shell_editor": lambda: fragment("_shell_editor.html", (), shell_context),
            "unread_count": unread,
            "get_locale": get_locale,
            "site_name": name,
            "site_name_lines": name_lines(name),
            "contact": details,
            "url_endpoints": endpoints,
        }

    @app.after_request
    def _forget_after_a_write(response):
        """A user's own change shows at once on their next page (other users' within seconds)."""
        from portal.accounts.auth import cache_identity
        from portal.core.cache import forget_user

        # is_anonymous, not is_authenticated: that reads is_deactivated, and the request's commit
        # has expired the user, so it would load the user again only to drop a cache entry.
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return response
        user = current_user._get_current_object()
        if not user.is_anonymous:
            forget_user(*cache_identity(user))
        return response


def configure_cli(app):
    from portal.cli import backup_cli, demo_cli, jobs_cli, mail_cli, users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_cli)
