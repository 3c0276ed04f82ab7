"""Commands for the demo: load it, print its logins."""

import click
from flask import current_app
from flask.cli import with_appcontext

from trivsel.demo import generate
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


@click.command("generate-data")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, max=100),
    default=1.0,
    show_default=True,
    help="Volume: 1.0 is 30,000 inquiries over ten years, 9,000 courses, 110,000 "
    "conversations, 500 volunteers.",
)
@click.option(
    "--offers",
    type=click.IntRange(min=0),
    default=generate.DEFAULT_OFFERS,
    show_default=True,
    help="Directory offers to add.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="The random seed.")
@click.option("--force", is_flag=True, help="Add the data even to a database beyond the demo.")
@with_appcontext
def generate_data_command(scale, offers, seed, force):
    """Add a deterministic synthetic history on top of the demo, for measuring at scale. The
    demo logins keep working. Refuses a database that holds more than the demo."""
    try:
        generate.generate(scale=scale, offers=offers, seed=seed, force=force, echo=click.echo)
    except generate.RealData as exc:
        raise click.ClickException(str(exc)) from exc


COMMANDS = (
    load_demo_command,
    demo_logins_command,
    generate_data_command,
)
