"""Commands for the directory: HSDS in and out, and the plugins' offers."""

import click
from flask import current_app
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
    and locations nested), one service, or an organization with its services. The file is
    validated against the HSDS 3.0 schemas first; all or nothing."""
    try:
        document = hsds.read_document(path, current_app.config["IMPORT_MAX_BYTES"])
        with db.database.connection_context():
            added, updated = hsds.import_hsds(document)
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None
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
