"""How the dossier documents plug in: blueprint, CLI commands and the archive check registry."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_nav


def archive_check(case):
    from mediation.documents.dossier import missing_documents

    return missing_documents(case)


def init_app(app):
    from mediation.documents import models  # noqa: F401  (tables known to migrations)
    from mediation.documents.blueprint import bp
    from mediation.documents.cli import register_cli

    app.register_blueprint(bp)
    # The mediation workflow calls every function here before archiving a case:
    # problems = [p for check in app.extensions["mediation.archive_checks"] for p in check(case)]
    app.extensions.setdefault("mediation.archive_checks", []).append(archive_check)
    register_cli(app)
    app.add_template_filter(mediation_money, "mediation_money")
    from mediation.documents.summary import case_documents_summary

    # The case page (mediation/case.html) lists the documents when this package is installed.
    app.add_template_global(case_documents_summary, "case_documents_summary")
    add_nav(app, "mediation_documents.ledger", _l("Mediation ledger"), _sees_ledger, order=55)


def mediation_money(amount):
    """128000.5 -> 128,000.50 (amounts in the ledger and report always show cents)."""
    return "" if amount is None else f"{amount:,.2f}"


def _sees_ledger(user):
    return bool(user and user.is_authenticated and (user.is_staff or str(user.role) == "mediator"))
