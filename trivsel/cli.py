"""Command-line tasks: create or upgrade the database, load the demo, manage users."""

import click

from . import db


@click.command("init-db")
@click.option("--demo-if-new", is_flag=True, help="Load the demo data when the database is new.")
def init_db_command(demo_if_new):
    """Create the database, or upgrade it to the newest schema. Safe to run twice."""
    was_new, applied = db.migrate()
    for name in applied:
        click.echo(f"applied migration {name}")
    click.echo("database created" if was_new else "database is up to date")
    if was_new and demo_if_new:
        from .demo import load_demo

        load_demo()
        click.echo("demo data loaded")


@click.command("load-demo")
def load_demo_command():
    """Load the demo data (the report's five stories) into the configured database."""
    from .demo import load_demo

    db.migrate()
    if not load_demo():
        raise click.ClickException("the database already holds users; the demo was not loaded")
    click.echo("demo data loaded")


@click.command("demo-logins")
def demo_logins_command():
    """Print the demo logins."""
    from .demo import DEMO_PASSWORD, DEMO_USERS

    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, role in DEMO_USERS:
        click.echo(f"  {role:<12} {email:<32} {name}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["coordinator", "volunteer", "partner", "admin"])
)
@click.password_option()
def create_user_command(email, name, role, password):
    """Create a user (for the first admin of a new installation)."""
    from .auth import hash_password
    from .models import User

    with db.database.connection_context():
        User.create(
            email=email.strip().lower(), name=name, role=role, password_hash=hash_password(password)
        )
    click.echo(f"created {role} {email}")


def init_app(app):
    for command in (init_db_command, load_demo_command, demo_logins_command, create_user_command):
        app.cli.add_command(command)
