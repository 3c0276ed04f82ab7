"""The command line: `init-db` here, and each area's own commands."""

from importlib import import_module

import click
from flask.cli import with_appcontext

from trivsel.demo.loader import load_demo
from trivsel.schema import prepare_database

AREAS_WITH_COMMANDS = ("admin", "demo", "directory", "notifications", "privacy", "statistics")
# Modules whose COMMANDS join a group another module made: (module under trivsel, group).
COMMANDS_IN_GROUPS = (("notifications.reminder_commands", "outbox"),)  # `outbox remind`


@click.command("init-db")
@with_appcontext
@click.option("--demo-if-new", is_flag=True, help="Load the demo data when the database is new.")
def init_db_command(demo_if_new):
    """Create the database, or upgrade it to the newest schema, and store what the plugins
    contribute (their directory offers). Safe to run twice; run it after every upgrade."""
    was_new, applied = prepare_database()
    for name in applied:
        click.echo(f"applied migration {name}")
    click.echo("database created" if was_new else "database is up to date")
    if was_new and demo_if_new:
        load_demo()
        click.echo("demo data loaded")


def init_app(app):
    app.cli.add_command(init_db_command)
    for area in AREAS_WITH_COMMANDS:
        for command in import_module(f"trivsel.{area}.commands").COMMANDS:
            app.cli.add_command(command)
    for module, group in COMMANDS_IN_GROUPS:
        for command in import_module(f"trivsel.{module}").COMMANDS:
            app.cli.commands[group].add_command(command)
