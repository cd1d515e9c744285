"""How mediation plugs into the portal: blueprint, navigation, home, demo data, statistics,
record links, escalation from questions, search and the reminder command."""

import click
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from portal.core.hooks import (
    add_demo_loader,
    add_escalation_target,
    add_home_section,
    add_nav,
    add_principal_provider,
    add_record_type,
    add_search_source,
    add_stats,
    add_visibility_listener,
)
from portal.core.nav import SERVICE_NAMES

mediation_cli = AppGroup("mediation", help="People's mediation.")


@mediation_cli.command("remind")
def remind_command():
    """Send deadline and judicial-confirmation reminders (each once per case; safe to rerun)."""
    from mediation.operations import send_reminders
    from portal.core.db import db

    counts = send_reminders()
    db.session.commit()
    click.echo(
        f"due soon: {counts['due_soon']}, overdue: {counts['overdue']}, "
        f"judicial confirmation: {counts['confirmation_window']}"
    )


def _nav_visible(user):
    from portal.accounts.models import Role

    return bool(
        user
        and user.is_authenticated
        and (user.is_staff or user.role in (Role.enterprise, Role.mediator))
    )


def _describe_case(case_id):
    from mediation.models import Case
    from portal.core.db import db

    case = db.session.get(Case, case_id)
    if case is None:
        return (str(_l("Mediation case")) + f" #{case_id}", "")
    return (
        f"{_l('Mediation case')}: {case.dossier_number or case.title}",
        f"/mediation/cases/{case.id}",
    )


def _escalation_available(user, source):
    from mediation.operations import escalation_available

    return escalation_available(user, source)


def _escalate(source, by, **data):
    from mediation.operations import escalate

    return escalate(source, by, **data)


def _search_document(case_id):
    from mediation.search import case_document

    return case_document(case_id)


def _search_ids():
    from mediation.search import case_ids

    return case_ids()


def _search_allowed(user, ids):
    from mediation.search import cases_allowed

    return cases_allowed(user, ids)


def _visibility_changed(event, **data):
    from mediation.search import requeue_on_visibility_change

    requeue_on_visibility_change(event, **data)


def _principals(user):
    from mediation.search import principals_of

    return principals_of(user)


def _stats(start, end, chamber_id=None):
    from mediation.stats import portal_stats

    return portal_stats(start, end, chamber_id)


def _home_mediator(user):
    from mediation.home import mediator_section

    return mediator_section(user)


def _home_enterprise(user):
    from mediation.home import enterprise_section

    return enterprise_section(user)


def _demo(app):
    from mediation.demo import load

    return load(app)


def init_app(app):
    from mediation import models  # noqa: F401  (tables known to migrations)
    from mediation.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(mediation_cli)
    add_nav(app, "mediation.index", SERVICE_NAMES["mediation"], _nav_visible, order=30)
    add_home_section(app, _home_mediator)
    add_home_section(app, _home_enterprise)
    add_record_type(app, "mediation_cases", _describe_case)
    add_escalation_target(
        app, "mediation", _l("Chamber mediation"), _escalation_available, _escalate
    )
    add_search_source(app, "mediation_case", _search_document, _search_ids, _search_allowed)
    add_principal_provider(app, _principals)
    add_visibility_listener(app, _visibility_changed)
    add_stats(app, "mediation", _stats)
    from mediation.front import disputes_mediated
    from portal.core.hooks import add_public_figure

    add_public_figure(app, _l("disputes mediated"), disputes_mediated, order=20)
    add_demo_loader(app, 40, "mediation", _demo)
    from mediation.documents import hooks as documents_hooks  # dossier documents (issue 7)

    documents_hooks.init_app(app)
