"""How knowledge plugs into the portal: blueprint, navigation, demo data, statistics."""

from portal.core.hooks import add_nav
from portal.core.nav import SERVICE_NAMES


def init_app(app):
    from knowledge import models  # noqa: F401  (tables known to migrations)
    from knowledge.blueprint import bp
    from knowledge.search import outbox  # noqa: F401

    app.register_blueprint(bp)
    from knowledge.listing import question_rows, staff_nav

    app.add_template_global(question_rows, "question_rows")
    app.add_template_global(staff_nav, "staff_nav")
    add_nav(app, "knowledge.index", SERVICE_NAMES["questions"], lambda user: True)
    from knowledge.registrations import register_questions

    register_questions(app)

    from knowledge.laws.hooks import init_laws
    from knowledge.search.hooks import init_search

    init_search(app)
    init_laws(app)
