"""The report's downloads: the core table as CSV, and every table as sheets of a workbook."""

import io
from datetime import date

from trivsel.core.spreadsheets import safe_row
from trivsel.statistics.codes import OUTCOME_KEYS, SOURCE_KEYS
from trivsel.statistics.figures import REPORT_KEYS, csv_text

CSV_TYPE = "text/csv"  # Flask adds the charset
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CORE_HEADER = ("branch", *REPORT_KEYS)


def download_name(extension):
    return f"trivsel-aarsstatistik-{date.today().isoformat()}.{extension}"


def core_rows(report):
    """The core table of every branch and the total, as the command prints them, each with
    its branch key first."""
    rows = []
    for key, _label, figures in report.tables:
        for year in sorted(figures):
            rows.append({"branch": key, **figures[year].as_dict()})
    return rows


def annual_csv(report):
    """The core tables as CSV, UTF-8 encoded."""
    return csv_text(CORE_HEADER, core_rows(report)).encode("utf-8")


def annual_xlsx(report):
    """The workbook of workbook_sheets, as the bytes of an .xlsx file. Text that Excel would
    take for a formula is neutralised (core.spreadsheets); numbers stay numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in workbook_sheets(report).items():
        sheet = workbook.create_sheet(name)
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_sheets(report):
    """{sheet name: (header, rows)}: the core table first, then the figures beside it."""
    years = report.shown_years
    return {
        "annual": (CORE_HEADER, [[row[k] for k in CORE_HEADER] for row in core_rows(report)]),
        "goals": (
            ("goal", "target", "actual", "met"),
            [[str(g.label), str(g.target), str(g.actual), g.met] for g in report.goals],
        ),
        "by_source": _counts_sheet(years, SOURCE_KEYS, report.by_source),
        "by_outcome": _counts_sheet(years, OUTCOME_KEYS, report.by_outcome),
        "first_contact": (
            ("start", "median_working_days", "p90_working_days"),
            _per_year(years, report.waits, 2),
        ),
        "course_length": (
            ("start", "median_days", "p90_days"),
            [
                [year.isoformat(), median, None if p90 is None else float(p90)]
                for year in years
                if year in report.lengths
                for median, p90 in [report.lengths[year]]
            ],
        ),
        "volunteers": _volunteers_sheet(years, report),
        "who5": (("start", "pairs", "mean_change"), _per_year(years, report.who5, 2)),
    }


def _per_year(years, values, width):
    """A row a year that has values: its start, then the values (`width` of them)."""
    return [
        [year.isoformat(), *values.get(year, (None,) * width)] for year in years if year in values
    ]


def _counts_sheet(years, keys, counts):
    """Counts per year by code ({start: {code: n}}): a column a code, 0 where none."""
    return (
        ("start", *keys),
        [
            [year.isoformat(), *(counts[year].get(k, 0) for k in keys)]
            for year in years
            if year in counts
        ],
    )


def _volunteers_sheet(years, report):
    return (
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
