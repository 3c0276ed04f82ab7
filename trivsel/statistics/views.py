"""The annual statistics for the coordinator: the report page, its downloads, and the upload
of spreadsheet history."""

import csv
import io
import re
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import StringField

from trivsel.core.auth import allow
from trivsel.core.forms import Form
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.statistics import charts, history
from trivsel.statistics import figures as statistics
from trivsel.statistics import report as annual_report

bp = Blueprint("statistics", __name__, url_prefix="/statistics")

CSV_TYPE = "text/csv"  # Flask adds the charset
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CORE_ROWS = (
    ("inquiries", _l("Henvendelser")),
    ("citizens_in_courses", _l("Borgere i forløb")),
    ("conversations", _l("Samtaler i alt")),
    ("conversations_per_citizen", _l("Samtaler pr. borger")),
    ("follow_on_percent", _l("Kontakt til andet frivilligt tilbud bagefter")),
)


# --- The project year ---------------------------------------------------------------------


class YearStartForm(Form):
    class Meta:
        csrf = False

    year_start = StringField(
        _l("Projektåret begynder"),
        description=_l("Måned og dag som MM-DD, fx 09-01 for 1. september."),
    )


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


def year_label(start, month_day):
    """A calendar year as "2013", a project year across New Year as "2012/13"."""
    if month_day == (1, 1):
        return str(start.year)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


# --- Formatting ---------------------------------------------------------------------------


def number(value, decimals=0):
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=get_locale())


def percent(value):
    return "–" if value is None else f"{number(value)}\u00a0%"


def core_cell(figures, key):
    """One cell of the main table, as shown on the page."""
    if figures is None:
        return "–"
    value = getattr(figures, key)
    if key == "conversations_per_citizen":
        return number(value, 1)
    if key == "follow_on_percent":
        return percent(value)
    return number(value)


def signed(value):
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + number(value, 1)


def day_and_month(month_day):
    return format_date(date(2001, *month_day), "d. MMMM", locale=get_locale())


def weeks(days):
    return None if days is None else float(days) / 7


# --- The report ---------------------------------------------------------------------------


def build_report(month_day):
    report = annual_report.build(month_day, get_plugins().branches())
    shown = set()
    for _key, _label, figures in report.tables:
        shown |= set(figures)
    for extra in (report.by_source, report.by_outcome, report.waits, report.lengths):
        shown |= set(extra)
    report.shown_years = [year for year in report.years if year in shown]
    return report


def report_charts(report):
    """The charts of the main table: the funder's figures, year by year."""
    _key, label, figures = report.tables[0]
    # From the first to the last year of the main branch's own figures: the other branches'
    # years would only add empty bars here.
    own = [i for i, year in enumerate(report.shown_years) if year in figures]
    if not own:
        return []
    years = report.shown_years[own[0] : own[-1] + 1]

    def bars(attribute, text):
        result = []
        for year in years:
            value = getattr(figures[year], attribute) if year in figures else None
            result.append(charts.Bar(year_label(year, report.month_day), value, text(value)))
        return result

    def described(title, bar_list):
        values = "; ".join(f"{b.label}: {b.text if b.value is not None else '–'}" for b in bar_list)
        return title, f"{label}. {values}."

    goal = current_app.config["GOAL_FOLLOW_ON_PERCENT"]
    made = []
    for chart_id, title, attribute, fmt in (
        ("chart-inquiries", _("Henvendelser pr. år"), "inquiries", number),
        ("chart-citizens", _("Borgere i forløb pr. år"), "citizens_in_courses", number),
        ("chart-conversations", _("Samtaler pr. år"), "conversations", number),
    ):
        bar_list = bars(attribute, fmt)
        title, desc = described(title, bar_list)
        made.append((title, charts.bar_chart(chart_id, title, desc, bar_list)))
    bar_list = bars("follow_on_percent", percent)
    title = _("Kontakt til andet frivilligt tilbud bagefter, pct.")
    _title, desc = described(title, bar_list)
    desc += " " + _("Målet er %(goal)s %%.", goal=goal)
    made.append(
        (
            title,
            charts.bar_chart(
                "chart-follow-on",
                title,
                desc,
                bar_list,
                maximum=100,
                goal=(goal, _("Mål %(goal)s %%", goal=goal)),
                none_text=_("ingen afsluttede"),
            ),
        )
    )
    return made


@bp.route("/")
@allow("coordinator")
def index():
    form, month_day = chosen_year_start()
    report = build_report(month_day)
    printing = request.args.get("print") == "1"
    return render(
        "statistics/print.html" if printing else "statistics/index.html",
        form=form,
        report=report,
        charts=report_charts(report) if report.shown_years else [],
        core_rows=CORE_ROWS,
        core_cell=core_cell,
        year_label=year_label,
        number=number,
        percent=percent,
        weeks=weeks,
        signed=signed,
        year_start_text=day_and_month(month_day),
        source_labels=_source_labels(),
        outcome_labels=annual_report.OUTCOME_LABELS,
        year_start="{:02d}-{:02d}".format(*month_day),
        goal_percent=current_app.config["GOAL_FOLLOW_ON_PERCENT"],
    )


def _source_labels():
    from trivsel.core.labels import INITIATORS

    return {key: INITIATORS[key] for key in annual_report.SOURCE_KEYS}


# --- Downloads ----------------------------------------------------------------------------


def core_rows(report):
    """The core table of every branch and the total, as the command prints them, each with
    its branch key first."""
    rows = []
    for key, _label, figures in report.tables:
        for year in sorted(figures):
            rows.append({"branch": key, **figures[year].as_dict()})
    return rows


def _download_name(extension):
    return f"trivsel-aarsstatistik-{date.today().isoformat()}.{extension}"


@bp.route("/annual.csv")
@allow("coordinator")
def annual_csv():
    _form, month_day = chosen_year_start()
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=("branch", *statistics.REPORT_KEYS), lineterminator="\n"
    )
    writer.writeheader()
    for row in core_rows(build_report(month_day)):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return send_file(
        io.BytesIO(out.getvalue().encode("utf-8")),
        mimetype=CSV_TYPE,
        as_attachment=True,
        download_name=_download_name("csv"),
    )


def workbook_sheets(report):
    """{sheet name: (header, rows)}: the core table first, then the figures beside it."""
    years = report.shown_years

    def per_year(values, width):
        return [
            [year.isoformat(), *values.get(year, (None,) * width)]
            for year in years
            if year in values
        ]

    header = ("branch", *statistics.REPORT_KEYS)
    sheets = {"annual": (header, [[row[k] for k in header] for row in core_rows(report)])}
    sheets["goals"] = (
        ("goal", "target", "actual", "met"),
        [[str(g.label), str(g.target), str(g.actual), g.met] for g in report.goals],
    )
    sheets["by_source"] = (
        ("start", *annual_report.SOURCE_KEYS),
        [
            [
                year.isoformat(),
                *(report.by_source[year].get(k, 0) for k in annual_report.SOURCE_KEYS),
            ]
            for year in years
            if year in report.by_source
        ],
    )
    sheets["by_outcome"] = (
        ("start", *annual_report.OUTCOME_KEYS),
        [
            [
                year.isoformat(),
                *(report.by_outcome[year].get(k, 0) for k in annual_report.OUTCOME_KEYS),
            ]
            for year in years
            if year in report.by_outcome
        ],
    )
    sheets["first_contact"] = (
        ("start", "median_working_days", "p90_working_days"),
        per_year(report.waits, 2),
    )
    sheets["course_length"] = (
        ("start", "median_days", "p90_days"),
        [
            [year.isoformat(), median, None if p90 is None else float(p90)]
            for year in years
            if year in report.lengths
            for median, p90 in [report.lengths[year]]
        ],
    )
    sheets["volunteers"] = (
        ("start", "active", "new", "departed", "courses_per_volunteer", "supervision_attendance"),
        [
            [
                year.isoformat(),
                *report.volunteers.get(year, (0, 0, 0)),
                report.courses_per_volunteer.get(year),
                report.supervision_attendance.get(year),
            ]
            for year in years
            if year in report.volunteers
            or year in report.courses_per_volunteer
            or year in report.supervision_attendance
        ],
    )
    sheets["who5"] = (("start", "pairs", "mean_change"), per_year(report.who5, 2))
    return sheets


@bp.route("/annual.xlsx")
@allow("coordinator")
def annual_xlsx():
    from openpyxl import Workbook

    _form, month_day = chosen_year_start()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in workbook_sheets(build_report(month_day)).items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return send_file(
        out, mimetype=XLSX_TYPE, as_attachment=True, download_name=_download_name("xlsx")
    )


# --- Uploading history --------------------------------------------------------------------


class UploadRefused(Exception):
    """The files chosen are not a workbook or the three CSV files; nothing was read."""


class ImportForm(Form):
    files = MultipleFileField(
        _l("Regneark eller CSV-filer"),
        description=_l(
            "Én .xlsx-fil med arkene inquiries, courses og conversations, eller de tre "
            "CSV-filer inquiries.csv, courses.csv og conversations.csv (UTF-8)."
        ),
        render_kw={"accept": ".xlsx,.csv"},
    )


CSV_NAME = re.compile(r"^(inquiries|courses|conversations)\b")


def read_upload(files):
    """The three tables from the uploaded files. Raises UploadRefused or ImportRefused."""
    files = [f for f in files if f and f.filename]
    if not files:
        raise UploadRefused(_("Vælg en .xlsx-fil eller de tre CSV-filer."))
    for f in files:
        if not f.filename.lower().endswith((".xlsx", ".csv")):
            raise UploadRefused(
                _("“%(name)s” er hverken en .xlsx- eller en .csv-fil.", name=f.filename)
            )
    workbooks = [f for f in files if f.filename.lower().endswith(".xlsx")]
    if workbooks:
        if len(files) > 1:
            raise UploadRefused(_("Vælg enten én .xlsx-fil eller de tre CSV-filer, ikke begge."))
        try:
            return history.read_workbook(io.BytesIO(workbooks[0].read()))
        except history.ImportRefused as refused:
            if refused.table == "xlsx":  # the file itself: name it as the user knows it
                raise history.ImportRefused(workbooks[0].filename, 1, refused.problem) from None
            raise
    tables = {}
    for f in files:
        match = CSV_NAME.match(f.filename.lower())
        if match is None:
            raise UploadRefused(
                _(
                    "“%(name)s” er ikke en af inquiries.csv, courses.csv og conversations.csv.",
                    name=f.filename,
                )
            )
        table = match.group(1)
        if table in tables:
            raise UploadRefused(_("Der er valgt to filer til %(table)s.", table=table))
        try:
            text = f.read().decode("utf-8")
        except UnicodeDecodeError:
            raise history.ImportRefused(f.filename, 1, _("filen er ikke UTF-8.")) from None
        tables[table] = history.read_csv_text(table, text, f.filename)
    missing = [t for t in history.TABLES if t not in tables]
    if missing:
        raise UploadRefused(
            _(
                "%(file)s mangler. Vælg alle tre CSV-filer: inquiries.csv, courses.csv og "
                "conversations.csv.",
                file=f"{missing[0]}.csv",
            )
        )
    return tables


def result_message(result):
    if not result.inquiries:
        return ngettext(
            "Intet nyt at indlæse: den ene henvendelse var allerede indlæst.",
            "Intet nyt at indlæse: alle %(num)s henvendelser var allerede indlæst.",
            len(result.skipped),
        )
    imported = _(
        "Historikken er indlæst: %(inquiries)s, %(courses)s og %(conversations)s.",
        inquiries=ngettext("%(num)s henvendelse", "%(num)s henvendelser", result.inquiries),
        courses=ngettext("%(num)s forløb", "%(num)s forløb", result.courses),
        conversations=ngettext("%(num)s samtale", "%(num)s samtaler", result.conversations),
    )
    if not result.skipped:
        return imported
    skipped = ngettext(
        "%(num)s henvendelse var allerede indlæst og er sprunget over.",
        "%(num)s henvendelser var allerede indlæst og er sprunget over.",
        len(result.skipped),
    )
    return f"{imported} {skipped}"


@bp.route("/import", methods=["GET", "POST"])
@allow("coordinator")
def import_history():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            result = history.import_history(
                read_upload(form.files.data or []), get_plugins().branches()
            )
        except UploadRefused as refused:
            form.files.errors = [str(refused)]
        except history.ImportRefused as refused:
            form.files.errors = [
                _("Indlæsningen er afvist, og intet er ændret. %(reason)s", reason=refused)
            ]
        else:
            flash(result_message(result), "success")
            return redirect(url_for("statistics.import_history"), 303)
    status = 422 if form.errors else 200
    return render(
        "statistics/import.html",
        form=form,
        status=status,
        tables=history.COLUMNS,
        required=history.REQUIRED,
        choices={
            "branch": list(get_plugins().branches()),
            "source": list(history.SOURCES),
            "outcome": history.OUTCOMES,
            "follow_on": ("yes", "no"),
            "mode": history.MODES,
        },
    )
