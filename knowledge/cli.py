"""`flask --app wsgi questions overdue|remind|autoclose`: idempotent jobs for cron."""

import click
from flask.cli import AppGroup

from portal.core.db import db

questions_cli = AppGroup("questions", help="Ask-a-lawyer periodic jobs (safe to repeat).")


@questions_cli.command("overdue")
def overdue_command():
    """List unanswered questions past their deadline and tell staff about new ones."""
    from knowledge import operations

    overdue = operations.overdue_questions()
    flagged = {q.id for q in operations.flag_overdue()}
    db.session.commit()
    for question in overdue:
        lawyer = question.lawyer.name if question.lawyer else "-"
        new = " (new)" if question.id in flagged else ""
        click.echo(
            f"#{question.id}\t{question.deadline_dt:%Y-%m-%d %H:%M} UTC\t{question.status}\t"
            f"{lawyer}\t{question.title}{new}"
        )
    click.echo(f"{len(overdue)} overdue, {len(flagged)} newly flagged to staff")


@questions_cli.command("remind")
@click.option("--hours", default=24, show_default=True, help="Remind when due within this time.")
def remind_command(hours):
    """Remind lawyers of questions due soon (each question once)."""
    from knowledge import operations

    sent = operations.send_reminders(hours=hours)
    db.session.commit()
    click.echo(f"{sent} reminders sent")


@questions_cli.command("autoclose")
@click.option("--days", type=int, default=None, help="Default: QUESTIONS_AUTOCLOSE_DAYS (14).")
def autoclose_command(days):
    """Close answered questions without a follow-up for N days."""
    from knowledge import operations

    closed = operations.autoclose(days=days)
    db.session.commit()
    click.echo(f"{len(closed)} questions closed")
