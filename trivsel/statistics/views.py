"""The statistics pages: the annual report, its downloads, and the history upload."""

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from trivsel.core.auth import allow, allowed_roles
from trivsel.core.errors import http_error
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.statistics import cache, exports, pdf, presentation, tables
from trivsel.statistics import figures as statistics
from trivsel.statistics import report as annual_report
from trivsel.statistics.forms import ImportForm, YearStartForm
from trivsel.statistics.history_format import COLUMNS, REQUIRED, ImportRefused, column_choices
from trivsel.statistics.history_import import import_history as import_tables
from trivsel.statistics.history_limits import Limits, count_text, size_text
from trivsel.statistics.history_read import UploadRefused, read_upload

bp = Blueprint("statistics", __name__, url_prefix="/statistics")


def chosen_year_start():
    """The form and the (month, day) to report by: the query's, else the configured default."""
    form = YearStartForm(formdata=request.args)
    default = current_app.config["PROJECT_YEAR_START"]
    text = (form.year_start.data or "").strip()
    if text:
        try:
            return form, statistics.parse_year_start(text)
        except ValueError:
            form.year_start.errors = [
                _(
                    "“%(value)s” er ikke en dag på formen MM-DD. Tallene herunder følger "
                    "projektår fra %(default)s.",
                    value=text,
                    default=default,
                )
            ]
    form.year_start.data = text or default
    return form, statistics.parse_year_start(default)


def chosen_report():
    """The form and the report by the chosen project year."""
    form, month_day = chosen_year_start()
    return form, cache.report(month_day, get_plugins().branches(), annual_report.build)


@bp.route("/")
@allow("coordinator")
def index():
    form, report = chosen_report()
    printing = request.args.get("print") == "1"
    # The page shows the bridging of one project year (a year's tables run to hundreds of
    # rows); the print version and the PDF show every year.
    bridging_year = (
        None
        if printing
        else presentation.chosen_bridging_year(report, request.args.get("bridging_year"))
    )
    context = page_context(report, bridging_year)
    if printing:
        return render("statistics/print.html", form=form, report=report, **context)
    # The report's part of the page is the same for every coordinator: kept with the report.
    report_html = cache.rendered(
        report,
        (str(get_locale()), bridging_year),
        lambda: Markup(render_template("statistics/_report.html", report=report, **context)),
    )
    return render(
        "statistics/index.html", form=form, report=report, report_html=report_html, **context
    )


def page_context(report, bridging_year=None):
    """What the page, its print version and the PDF show around the report."""
    return {
        **presentation.report_context(
            report,
            current_app.config["GOAL_FOLLOW_ON_PERCENT"],
            presentation.OFFER_ROWS,
            bridging_year,
        ),
        "centre": current_app.config["CENTRE_NAME"],
        "period": tables.period(report),
    }


def report_tables(report):
    """The report's tables as the page renders them, and the title line of a download."""
    context = presentation.report_context(report, current_app.config["GOAL_FOLLOW_ON_PERCENT"])
    return (
        tables.report_tables(report, context),
        tables.title_text(current_app.config["CENTRE_NAME"], report),
    )


@bp.route("/annual.csv")
@allow("coordinator")
def annual_csv():
    """For Danish Excel: semicolons, decimal commas, a BOM."""
    _form, report = chosen_report()
    data = exports.annual_csv_danish(*report_tables(report))
    return download(data, exports.CSV_TYPE, "csv")


@bp.route("/annual-data.csv")
@allow("coordinator")
def annual_data_csv():
    """For programs: commas, decimal points, a line a figure."""
    _form, report = chosen_report()
    tables_shown, _title = report_tables(report)
    return download(exports.annual_csv_plain(tables_shown), exports.CSV_TYPE, "csv", "data")


@bp.route("/annual.xlsx")
@allow("coordinator")
def annual_xlsx():
    _form, report = chosen_report()
    return download(exports.annual_xlsx(*report_tables(report)), exports.XLSX_TYPE, "xlsx")


@bp.route("/annual.pdf")
@allow("coordinator")
def annual_pdf():
    """The print version as a PDF (WeasyPrint), the charts drawn from their inline SVG."""
    form, report = chosen_report()
    html = render_template(
        "statistics/print.html", form=form, report=report, pdf=True, **page_context(report)
    )
    try:
        data = pdf.html_to_pdf(html)
    except pdf.PdfUnavailable:
        current_app.logger.exception("The PDF could not be made")
        flash(
            _("PDF-filen kan ikke laves på denne server. Brug den udskriftsvenlige version."),
            "error",
        )
        return redirect(url_for("statistics.index", year_start=request.args.get("year_start")), 303)
    return download(data, exports.PDF_TYPE, "pdf")


def download(data, mimetype, extension, kind=""):
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=exports.download_name(extension, kind),
    )


@bp.route("/import", methods=["GET", "POST"])
@allow("coordinator")
def import_history():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            with read_upload(form.files.data or []) as tables:
                result = import_tables(tables, get_plugins().branches())
        except UploadRefused as refused:
            form.files.errors = [str(refused)]
        except ImportRefused as refused:
            form.files.errors = [
                _("Indlæsningen er afvist, og intet er ændret. %(reason)s", reason=refused)
            ]
        else:
            flash(presentation.result_message(result), "success")
            return redirect(url_for("statistics.import_history"), 303)
    return _import_page(form, 422 if form.errors else 200)


def _import_page(form, status):
    limits = Limits.configured()
    return render(
        "statistics/import.html",
        form=form,
        status=status,
        tables=COLUMNS,
        required=REQUIRED,
        choices=column_choices(get_plugins().branches()),
        max_size=size_text(upload_limit()),
        max_rows=count_text(limits.max_rows),
        max_cells=count_text(limits.max_cells),
    )


def upload_limit():
    """The largest upload: IMPORT_MAX_BYTES, unless the request limit is lower."""
    limit = Limits.configured().max_bytes
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, request_limit) if request_limit else limit


@bp.errorhandler(413)
def upload_too_large(error):
    """An upload past MAX_CONTENT_LENGTH, refused before it was read: the import page, with
    the limit said at the field (not the bare error page)."""
    allowed = current_user.is_authenticated and current_user.role in allowed_roles(request.endpoint)
    if request.endpoint != "statistics.import_history" or not allowed:
        return http_error(error)
    form = ImportForm(formdata=None)
    form.files.errors = [
        _(
            "Filerne fylder for meget: højst %(size)s kan indlæses ad gangen. Intet er ændret.",
            size=size_text(upload_limit()),
        )
    ]
    return _import_page(form, 413)
