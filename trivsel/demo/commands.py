"""Commands for the demo: load it, print its logins."""

import click
from flask import current_app
from flask.cli import with_appcontext

from trivsel.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo
from trivsel.schema import prepare_database


@click.command("load-demo")
@with_appcontext
def load_demo_command():
    """Load the demo data (the report's five stories) into the configured database."""
    prepare_database()
    if not load_demo():
        raise click.ClickException("the database already holds users; the demo was not loaded")
    click.echo("demo data loaded")


@click.command("demo-logins")
@with_appcontext
def demo_logins_command():
    """Print the demo logins."""
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, role in DEMO_USERS:
        click.echo(f"  {role:<12} {email:<32} {name}")
    if current_app.config["REQUIRE_TWO_FACTOR"]:
        click.echo(
            "Two-factor login is on: coordinators, partners and the admin set up an "
            "authenticator app (TOTP) at their first login."
        )
    else:
        click.echo(
            "Two-factor login is off in this demo (TRIVSEL_REQUIRE_TWO_FACTOR=0); "
            "`make run TWO_FACTOR=1` turns it on."
        )


COMMANDS = (
    load_demo_command,
    demo_logins_command,
)
