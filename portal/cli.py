"""Command-line tools: `flask --app wsgi users|demo|mail ...`."""

import functools
import sys
import time

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
backup_cli = AppGroup("backup", help="Backups: database, uploads and a manifest with checksums.")
jobs_cli = AppGroup("jobs", help="Periodic jobs, each under its own lock (for timers).")


def backup_errors_as_one_line(command):
    """A backup that cannot go on exits non-zero with the reason, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from portal.core.backup import BackupError

        try:
            return command(*args, **kwargs)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@users_cli.command("create", cls=OneLineErrors)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--email", required=True)
@click.option("--name", default=None, help="Display name (defaults to the e-mail's local part).")
def create_user_command(role, email, name):
    """Create a verified account; the password is read from stdin or prompted."""
    from portal.accounts.operations import AccountError, create_user
    from portal.accounts.passwords import MAX_LENGTH, MIN_LENGTH

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
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise click.ClickException(
            f"the password needs {MIN_LENGTH} to {MAX_LENGTH} characters (ASVS 2.1.1)"
        )
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
@click.option("--loop", is_flag=True, help="Keep running, sending mail as it becomes due.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
def mail_send_command(loop, interval):
    """Send queued e-mail that is due (from a timer, or with --loop as a service; safe to repeat)."""
    from portal.notifications.operations import send_queued_email

    while True:
        try:
            result = send_queued_email()
        except Exception as exc:  # database away: say so, keep the service alive, retry
            db.session.rollback()
            if not loop:
                raise
            click.echo(f"mail send failed: {type(exc).__name__}: {exc}", err=True)
            result = None
        if not loop or (result and (result.get("sent") or result.get("failed"))):
            click.echo(result)
        if not loop:
            break
        time.sleep(interval)


@jobs_cli.command("list")
def jobs_list_command():
    """The periodic jobs and the command each runs."""
    from portal.core.jobs import JOBS

    for name, path in JOBS.items():
        click.echo(f"{name:<22} flask --app wsgi {' '.join(path)}")


@jobs_cli.command("run", cls=OneLineErrors, context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def jobs_run_command(ctx, name, args):
    """Run one periodic job unless another host is running it right now (advisory lock)."""
    from portal.core.jobs import JOBS, job_lock

    if name not in JOBS:
        raise click.ClickException(f"unknown job {name!r}; see `flask --app wsgi jobs list`")
    group_name, command_name = JOBS[name]
    root = ctx.find_root()
    group = root.command.get_command(root, group_name)
    command = group.get_command(ctx, command_name) if group else None
    if command is None:
        raise click.ClickException(f"job {name!r}: command {group_name} {command_name} missing")
    with job_lock(name) as held:
        if not held:
            click.echo(f"{name}: already running on another host; nothing done")
            return
        with command.make_context(f"{group_name} {command_name}", list(args), parent=ctx) as sub:
            command.invoke(sub)


@backup_cli.command("create", cls=OneLineErrors)
@click.argument("directory", type=click.Path(file_okay=False))
@backup_errors_as_one_line
def backup_create_command(directory):
    """Write a backup into DIRECTORY (new or empty): database dump, uploads, manifest."""
    from portal.core import backup

    manifest = backup.create(directory)
    rows = sum(manifest["tables"].values())
    click.echo(
        f"backup in {directory}: {manifest['database']['file']} "
        f"({manifest['database']['size']} bytes, {len(manifest['tables'])} tables, {rows} rows), "
        f"{len(manifest['uploads'])} uploads"
    )


@backup_cli.command("verify", cls=OneLineErrors)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@backup_errors_as_one_line
def backup_verify_command(directory):
    """Check every file of a backup against its manifest's checksums."""
    from portal.core import backup

    manifest = backup.verify(directory)
    click.echo(f"ok: {manifest['database']['file']} and {len(manifest['uploads'])} uploads")


@backup_cli.command("restore", cls=OneLineErrors)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--no-search-rebuild", is_flag=True, help="Skip rebuilding the search index.")
@backup_errors_as_one_line
def backup_restore_command(directory, no_search_rebuild):
    """Restore a backup into an empty database (checksums verified first), then rebuild search."""
    from portal.core import backup

    manifest = backup.restore(directory)
    rows = sum(manifest["tables"].values())
    click.echo(
        f"restored {len(manifest['tables'])} tables ({rows} rows) and "
        f"{len(manifest['uploads'])} uploads from {directory}"
    )
    if not no_search_rebuild:
        indexed = backup.rebuild_search()
        click.echo(f"search index rebuilt: {indexed} documents")
