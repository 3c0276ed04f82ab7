"""Commands for the administrator: the first user, the loaded plugins."""

import click
from flask.cli import with_appcontext

from trivsel.admin import service
from trivsel.core import db
from trivsel.core.plugins import get_plugins


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["coordinator", "volunteer", "partner", "admin"])
)
@click.password_option()
def create_user_command(email, name, role, password):
    """Create a user (for the first admin of a new installation)."""
    with db.database.connection_context():
        try:
            service.create_user(name=name, email=email, role=role, password=password)
        except service.Refused as refusal:
            raise click.ClickException(str(refusal)) from None
    click.echo(f"created {role} {email}")


@click.command("plugins")
@with_appcontext
def plugins_command():
    """List the loaded plugins: name, where each came from, the hooks it implements."""
    for row in get_plugins().listing():
        click.echo(f"{row['name']}\t{row['source']}\t{', '.join(row['hooks'])}")


COMMANDS = (
    create_user_command,
    plugins_command,
)
