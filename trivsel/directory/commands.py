"""Commands for the directory: HSDS in and out, and the plugins' offers."""

import json

import click
from flask.cli import AppGroup

from trivsel.core import db
from trivsel.core.plugins import get_plugins
from trivsel.directory import hsds
from trivsel.directory import service as directory

directory_group = AppGroup("directory", help="The directory of follow-on offers.")


@directory_group.command("import-hsds")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def directory_import_command(path):
    """Import offers from Open Referral HSDS 3.0 JSON: an array of services (organization
    and locations nested), one service, or an organization with its services."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"not a JSON file: {exc}") from None
    with db.database.connection_context():
        try:
            added, updated = hsds.import_hsds(document)
        except hsds.HsdsError as exc:
            raise click.ClickException(f"import refused, nothing changed: {exc}") from None
    click.echo(f"imported {added} new offers, updated {updated}")


@directory_group.command("export-hsds")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def directory_export_command(path):
    """Write every offer as Open Referral HSDS 3.0 JSON: an array of services."""
    with db.database.connection_context():
        services = hsds.export_hsds()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(hsds.dumps(services))
    click.echo(f"{len(services)} services written to {path}")


@directory_group.command("sync")
def directory_sync_command():
    """Store the offers plugins contribute (init-db does it too)."""
    with db.database.connection_context():
        added, updated = directory.sync_plugin_offers(get_plugins())
    click.echo(f"{added} plugin offers added, {updated} updated")


COMMANDS = (directory_group,)
