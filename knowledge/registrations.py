"""Ask-a-lawyer's registrations: knowledge base, CLI, demo, stats, home cards, records, search."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav


def register_questions(app):
    """Ask-a-lawyer's own registrations (the search engine registers itself separately)."""
    from knowledge import documents, home, stats
    from knowledge.blueprint import kb
    from knowledge.cli import questions_cli
    from knowledge.demo import load_questions
    from portal.core.hooks import (
        add_demo_loader,
        add_home_section,
        add_record_type,
        add_search_source,
        add_stats,
        add_visibility_listener,
        set_direct_question_handler,
    )
    from portal.core.permissions import is_staff

    app.register_blueprint(kb)
    app.config.setdefault("QUESTIONS_AUTOCLOSE_DAYS", 14)
    add_nav(app, "kb.index", _l("Knowledge base"), lambda user: True, order=51)
    add_nav(app, "knowledge.staff_overview", _l("Questions (staff)"), is_staff, order=60)
    app.cli.add_command(questions_cli)
    add_demo_loader(app, 20, "questions", load_questions)
    add_stats(app, "questions", stats.stats_for_dashboard)
    add_home_section(app, home.enterprise_section)
    add_home_section(app, home.lawyer_section)
    add_home_section(app, home.staff_section)
    add_record_type(app, "questions", documents.describe_question)
    add_search_source(
        app,
        "question",
        documents.question_document,
        documents.question_ids,
        documents.questions_allowed,
        query_text=documents.question_search_text,
    )
    add_search_source(
        app,
        "kb_article",
        documents.article_document,
        documents.article_ids,
        documents.articles_allowed,
    )
    add_visibility_listener(app, documents.requeue_on_visibility_change)
    set_direct_question_handler(app, _ask_direct)
    from knowledge import front
    from portal.core.hooks import add_public_figure, add_public_section

    add_public_section(app, front.latest_answers, order=10)
    from knowledge import escalation
    from portal.core.hooks import add_escalation_target

    add_escalation_target(
        app, "question", _l("Ask-a-lawyer question"), escalation.available, escalation.escalate
    )
    add_public_figure(app, _l("questions answered"), front.questions_answered, order=10)


def _ask_direct(asker, lawyers, title, body):
    from knowledge.operations import ask_direct

    return ask_direct(asker=asker, lawyers=lawyers, title=title, body=body)
