"""Commands for the funder's figures and the spreadsheet history."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from trivsel.core import db
from trivsel.core.plugins import get_plugins
from trivsel.statistics import figures as statistics
from trivsel.statistics.history_export import export_folder
from trivsel.statistics.history_format import ImportRefused
from trivsel.statistics.history_import import import_history
from trivsel.statistics.history_read import read_path

report_group = AppGroup("report", help="Reports for the funder.")


@report_group.command("annual")
@click.option("--branch", default="main", show_default=True, help="A branch key, or 'all'.")
@click.option("--year-start", default=None, help="MM-DD; default TRIVSEL_PROJECT_YEAR_START.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
def report_annual_command(branch, year_start, fmt):
    """The annual figures, one per project year that has any data."""
    try:
        month_day = statistics.parse_year_start(
            year_start or current_app.config["PROJECT_YEAR_START"]
        )
    except ValueError:
        raise click.BadParameter("use MM-DD, e.g. 09-01", param_hint="--year-start") from None
    if branch != statistics.ALL and branch not in get_plugins().branches():
        raise click.BadParameter(f"unknown branch {branch!r}", param_hint="--branch")
    with db.database.connection_context():
        figures = statistics.annual_figures(branch, month_day, goals=False)
        rows = [f.as_dict() for f in figures]
    click.echo(statistics.render_rows(rows, fmt), nl=False)


@click.command("import-history")
@with_appcontext
@click.argument("path", type=click.Path(exists=True))
def import_history_command(path):
    """Import history from an .xlsx workbook or a folder of three CSV files. All or nothing."""
    with db.database.connection_context():
        try:
            with read_path(path) as tables:
                result = import_history(tables, get_plugins().branches())
        except ImportRefused as refused:
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
    with db.database.connection_context():
        counts = export_folder(path)
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items()) + f" written to {path}")


COMMANDS = (
    report_group,
    import_history_command,
    export_history_command,
)
