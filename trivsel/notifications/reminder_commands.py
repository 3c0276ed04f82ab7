"""`flask --app trivsel outbox remind`: queue the time-based reminders that are due.

Its COMMANDS join the `outbox` group (trivsel/commands.py, COMMANDS_IN_GROUPS)."""

from datetime import datetime

import click
from flask.cli import with_appcontext

from trivsel.core import db
from trivsel.notifications import reminders


@click.command("remind")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to scan as (default today).",
)
@with_appcontext
def remind_command(as_of):
    """Queue the reminders that are due: inquiries waiting too long for first contact (to the
    coordinators on duty) and quiet courses (to their volunteer). Each goes once; safe to
    repeat: run it every hour."""
    day = (as_of or datetime.now()).date()
    with db.database.connection_context():
        counts = reminders.remind(day)
    for kind, count in counts.items():
        click.echo(f"{kind}: {count} queued")


COMMANDS = (remind_command,)
