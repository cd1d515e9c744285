"""How dashboard plugs into the portal: blueprint, navigation, demo data, statistics."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav
from portal.dashboard.permissions import can_view_statistics


def init_app(app):
    from portal.dashboard import models  # noqa: F401  (tables known to migrations)
    from portal.dashboard.blueprint import bp

    app.register_blueprint(bp)
    add_nav(app, "dashboard.index", _l("Statistics"), can_view_statistics, order=89)
