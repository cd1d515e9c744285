"""How mediation plugs into the portal: blueprint, navigation, demo data, statistics."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav


def init_app(app):
    from mediation import models  # noqa: F401  (tables known to migrations)
    from mediation.blueprint import bp

    app.register_blueprint(bp)
    add_nav(app, "mediation.index", _l("Mediation"), lambda user: True)
    from mediation.documents import hooks as documents_hooks  # dossier documents (issue 7)

    documents_hooks.init_app(app)
