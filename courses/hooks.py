"""How courses plugs into the portal: blueprint, navigation, demo data, statistics."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav


def init_app(app):
    from courses import models  # noqa: F401  (tables known to migrations)
    from courses.blueprint import bp

    app.register_blueprint(bp)
    add_nav(app, "courses.index", _l("Law lectures"), lambda user: True)
