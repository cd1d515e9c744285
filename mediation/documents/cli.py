"""`flask mediation dossier CASE_ID --out X.docx` and `flask mediation ledger ...`.

The commands join the `mediation` group if one exists already (mediation/cli.py), otherwise
they create it.
"""

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext


def _fail(message: str):
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


@click.command("dossier")
@click.argument("case_id")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option("--zip", "as_zip", is_flag=True, help="A ZIP with the DOCX and evidence originals.")
@with_appcontext
def dossier_command(case_id, out, as_zip):
    """Write the assembled dossier of an archived case as DOCX (or ZIP)."""
    from mediation.documents import dossier as dossiers
    from mediation.models import Case
    from portal.core.db import db

    if not case_id.isdigit():
        _fail(f"unknown case id {case_id!r}")
    case = db.session.get(Case, int(case_id))
    if case is None:
        _fail(f"unknown case id {case_id}")
    try:
        data = dossiers.dossier_zip(case) if as_zip else dossiers.dossier_docx(case)
    except dossiers.DossierIncomplete as error:
        _fail("dossier incomplete: " + "; ".join(error.problems))
    try:
        Path(out).write_bytes(data)
    except OSError as error:
        _fail(f"cannot write {out}: {error.strerror}")
    click.echo(f"{out}: {len(data)} bytes")


@click.command("ledger")
@click.option("--committee", "code", required=True, help="Committee: its chamber's code or id.")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def ledger_command(code, month, out):
    """Write a committee's ledger of one month as XLSX."""
    from sqlalchemy import select

    from mediation.documents import ledger as ledgers
    from mediation.models import Committee
    from portal.accounts.models import Chamber
    from portal.core.db import db

    try:
        start, end = ledgers.parse_month(month)
    except ValueError as error:
        _fail(str(error))
    committee = db.session.scalar(
        select(Committee)
        .join(Chamber, Committee.chamber_id == Chamber.id)
        .where((Chamber.code == code) | (Committee.dossier_prefix == code))
    )
    if committee is None and code.isdigit():
        committee = db.session.get(Committee, int(code))
    if committee is None:
        _fail(f"unknown committee {code!r}")
    data = ledgers.ledger_xlsx(ledgers.build_ledger(committee, start, end))
    try:
        Path(out).write_bytes(data)
    except OSError as error:
        _fail(f"cannot write {out}: {error.strerror}")
    click.echo(f"{out}: {len(data)} bytes")


def register_cli(app):
    group = app.cli.commands.get("mediation")
    if group is None:
        group = AppGroup("mediation", help="Mediation: dossiers, ledgers and reminders.")
        app.cli.add_command(group)
    group.add_command(dossier_command)
    group.add_command(ledger_command)
