"""`flask --app wsgi lectures ...`: periodic jobs of the lecture library."""

import click
from flask.cli import AppGroup

from portal.core.db import db

lectures_cli = AppGroup("lectures", help="The law-lecture library.")


@lectures_cli.command("remind")
def remind_command():
    """Remind registrants of lectures starting within 24 hours (once each; safe to repeat)."""
    from courses.operations import send_reminders

    sent = send_reminders()
    db.session.commit()
    click.echo(f"{sent} reminders sent")
