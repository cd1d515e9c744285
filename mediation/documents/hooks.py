"""How the dossier documents plug in: blueprint, CLI commands and the archive check registry."""


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
