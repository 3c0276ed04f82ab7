"""The retention job, for cron or a systemd timer."""

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from trivsel.auth import sessions
from trivsel.core import db
from trivsel.privacy import retention

retention_group = AppGroup("retention", help="Erase personal data whose purpose is met.")


@retention_group.command("run")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to erase for (YYYY-MM-DD); default today.",
)
@click.option("--dry-run", is_flag=True, help="List what is due; change nothing.")
def retention_run_command(as_of, dry_run):
    """Erase what the retention policy says is due, and purge the old access log. Safe to run
    again (what is erased is never due twice); meant for cron or a systemd timer."""
    day = as_of.date() if as_of else date.today()
    policy = retention.RetentionPolicy.from_config(current_app.config)
    with db.database.connection_context():
        result = retention.run_retention(day, policy, dry_run=dry_run)
        if not dry_run:
            sessions.purge_expired()  # the logins that can no longer be used
    for due in result.due:
        verb = "due" if dry_run else "erased"
        click.echo(f"{verb}: course {due.course.id} ({due.rule}, due {due.due_on})")
    if dry_run:
        click.echo(
            f"dry run for {day}: {len(result.due)} courses due, "
            f"{result.log_due} access log entries due; nothing changed"
        )
    else:
        click.echo(
            f"retention for {day}: erased {result.erased} courses, "
            f"purged {result.log_purged} access log entries"
        )


COMMANDS = (retention_group,)
