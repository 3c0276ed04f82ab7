"""Command-line tasks: create or upgrade the database, load the demo, manage users."""

import click
from flask.cli import AppGroup, with_appcontext

from . import db


@click.command("init-db")
@with_appcontext
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
@with_appcontext
def load_demo_command():
    """Load the demo data (the report's five stories) into the configured database."""
    from .demo import load_demo

    db.migrate()
    if not load_demo():
        raise click.ClickException("the database already holds users; the demo was not loaded")
    click.echo("demo data loaded")


@click.command("demo-logins")
@with_appcontext
def demo_logins_command():
    """Print the demo logins."""
    from .demo import DEMO_PASSWORD, DEMO_USERS

    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, role in DEMO_USERS:
        click.echo(f"  {role:<12} {email:<32} {name}")


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
    from .auth import hash_password
    from .models import User

    with db.database.connection_context():
        User.create(
            email=email.strip().lower(), name=name, role=role, password_hash=hash_password(password)
        )
    click.echo(f"created {role} {email}")


report_group = AppGroup("report", help="Reports for the funder.")


@report_group.command("annual")
@click.option("--branch", default="main", show_default=True, help="A branch key, or 'all'.")
@click.option("--year-start", default=None, help="MM-DD; default TRIVSEL_PROJECT_YEAR_START.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
def report_annual_command(branch, year_start, fmt):
    """The annual figures, one per project year that has any data."""
    from flask import current_app

    from . import statistics
    from .plugins import get_plugins

    try:
        month_day = statistics.parse_year_start(
            year_start or current_app.config["PROJECT_YEAR_START"]
        )
    except ValueError:
        raise click.BadParameter("use MM-DD, e.g. 09-01", param_hint="--year-start") from None
    if branch != statistics.ALL and branch not in get_plugins().branches():
        raise click.BadParameter(f"unknown branch {branch!r}", param_hint="--branch")
    with db.database.connection_context():
        rows = [f.as_dict() for f in statistics.annual_figures(branch, month_day)]
    click.echo(statistics.render_rows(rows, fmt), nl=False)


@click.command("import-history")
@with_appcontext
@click.argument("path", type=click.Path(exists=True))
def import_history_command(path):
    """Import history from an .xlsx workbook or a folder of three CSV files. All or nothing."""
    from . import history
    from .plugins import get_plugins

    with db.database.connection_context():
        try:
            result = history.import_history(history.read_path(path), get_plugins().branches())
        except history.ImportRefused as refused:
            raise click.ClickException(f"import refused, nothing changed: {refused}") from None
    click.echo(
        f"imported {result.inquiries} inquiries, {result.courses} courses, "
        f"{result.conversations} conversations"
    )
    if result.skipped:
        click.echo(f"skipped {len(result.skipped)} inquiries already imported")


@click.command("export-history")
@with_appcontext
@click.argument("path", type=click.Path(file_okay=False))
def export_history_command(path):
    """Write inquiries.csv, courses.csv and conversations.csv into PATH."""
    from . import history

    with db.database.connection_context():
        counts = history.export_folder(path)
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items()) + f" written to {path}")


@click.command("plugins")
@with_appcontext
def plugins_command():
    """List the loaded plugins: name, where each came from, the hooks it implements."""
    from .plugins import get_plugins

    for row in get_plugins().listing():
        click.echo(f"{row['name']}\t{row['source']}\t{', '.join(row['hooks'])}")


directory_group = AppGroup("directory", help="The directory of follow-on offers.")


@directory_group.command("import-hsds")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def directory_import_command(path):
    """Import offers from Open Referral HSDS 3.0 JSON: an array of services (organization
    and locations nested), one service, or an organization with its services."""
    import json

    from . import directory

    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"not a JSON file: {exc}") from None
    with db.database.connection_context():
        try:
            added, updated = directory.import_hsds(document)
        except directory.HsdsError as exc:
            raise click.ClickException(f"import refused, nothing changed: {exc}") from None
    click.echo(f"imported {added} new offers, updated {updated}")


@directory_group.command("export-hsds")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def directory_export_command(path):
    """Write every offer as Open Referral HSDS 3.0 JSON: an array of services."""
    from . import directory

    with db.database.connection_context():
        services = directory.export_hsds()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(directory.dumps(services))
    click.echo(f"{len(services)} services written to {path}")


@directory_group.command("sync")
def directory_sync_command():
    """Store the offers plugins contribute (also done when the directory is shown)."""
    from . import directory
    from .plugins import get_plugins

    with db.database.connection_context():
        added, updated = directory.sync_plugin_offers(get_plugins())
    click.echo(f"{added} plugin offers added, {updated} updated")


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
    from datetime import date

    from flask import current_app

    from . import privacy

    day = as_of.date() if as_of else date.today()
    policy = privacy.RetentionPolicy.from_config(current_app.config)
    with db.database.connection_context():
        result = privacy.run_retention(day, policy, dry_run=dry_run)
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


COMMANDS = (
    plugins_command,
    directory_group,
    init_db_command,
    load_demo_command,
    demo_logins_command,
    create_user_command,
    report_group,
    retention_group,
    import_history_command,
    export_history_command,
)


def init_app(app):
    for command in COMMANDS:
        app.cli.add_command(command)
