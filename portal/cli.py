"""Command-line tools: `flask --app wsgi users|demo|mail ...`."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts.models import Role
from portal.core.db import db


class OneLineErrors(click.Command):
    """A mistake on the command line exits non-zero with one line saying why (no usage dump)."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise click.ClickException(exc.format_message()) from None


users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
mail_cli = AppGroup("mail", help="The e-mail outbox.")


@users_cli.command("create", cls=OneLineErrors)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--email", required=True)
@click.option("--name", default=None, help="Display name (defaults to the e-mail's local part).")
def create_user_command(role, email, name):
    """Create a verified account; the password is read from stdin or prompted."""
    from portal.accounts.operations import AccountError, create_user

    if role in (Role.enterprise, Role.lawyer):
        raise click.ClickException(
            "enterprise and lawyer accounts register on the site (they need a firm or profile)"
        )
    if "@" not in email:
        raise click.ClickException(f"not an e-mail address: {email}")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    try:
        user = create_user(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            role=role,
            verified=True,
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@demo_cli.command("load")
def demo_load_command():
    """Load realistic demo data (safe to run again) and print the demo log-ins."""
    from portal.demo import DEMO_PASSWORD, demo_logins

    for _order, name, load in current_app.extensions.get("portal.demo_loaders", []):
        summary = load(current_app)
        db.session.commit()
        click.echo(f"{name}: {summary}")
    click.echo("")
    click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_logins():
        click.echo(f"  {role:<12} {email}")


@mail_cli.command("send")
def mail_send_command():
    """Send queued e-mail that is due (run from cron; safe to repeat)."""
    from portal.notifications.operations import send_queued_email

    click.echo(send_queued_email())
