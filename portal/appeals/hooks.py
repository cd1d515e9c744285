"""How appeals plugs into the portal: blueprint, navigation, demo data, statistics."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav


def init_app(app):
    from portal.appeals import models  # noqa: F401  (tables known to migrations)
    from portal.appeals.blueprint import bp

    app.register_blueprint(bp)
    add_nav(app, "appeals.index", _l("Appeal referrals"), lambda user: True)
