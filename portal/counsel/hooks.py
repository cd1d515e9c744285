"""How counsel plugs into the portal: blueprint, navigation, demo data, statistics."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav


def init_app(app):
    from portal.counsel import models  # noqa: F401  (tables known to migrations)
    from portal.counsel.blueprint import bp

    app.register_blueprint(bp)
    add_nav(app, "counsel.index", _l("5+1 counsel"), lambda user: True)
