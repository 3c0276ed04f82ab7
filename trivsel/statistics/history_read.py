"""Reading the spreadsheet history into rows: a folder of CSV files, a workbook, an upload."""

import csv
import io
import re
from datetime import date
from pathlib import Path

from flask_babel import gettext as _

from trivsel.statistics.history_format import REQUIRED, TABLES, ImportRefused, Row

CSV_NAME = re.compile(r"^(inquiries|courses|conversations)\b")


class UploadRefused(Exception):
    """The files chosen are not a workbook or the three CSV files; nothing was read."""


def _clean(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(table, header, records, label=None):
    """Rows of one table; `label` names the file or sheet in messages."""
    label = label or table
    header = [_clean(h).lower() for h in header]
    missing = [c for c in REQUIRED[table] if c not in header]
    if missing:
        raise ImportRefused(
            label, 1, _("kolonnen “%(column)s” mangler i overskriften.", column=missing[0])
        )
    rows = []
    for number, record in enumerate(records, start=2):
        values = {name: _clean(value) for name, value in zip(header, record, strict=False)}
        if any(values.values()):
            rows.append(Row(label, number, values))
    return rows


def read_csv_text(table, text, label=None):
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(label or table, 1, _("filen er tom.")) from None
    return _rows(table, header, list(reader), label)


def _read_csv_file(table, label, read_text):
    """One table from a CSV file; `read_text` returns the file's text, decoded as UTF-8."""
    try:
        text = read_text()
    except UnicodeDecodeError:
        raise ImportRefused(label, 1, _("filen er ikke UTF-8.")) from None
    return read_csv_text(table, text, label)


def read_folder(path):
    """The three CSV files of a folder."""
    tables = {}
    for table in TABLES:
        file = Path(path) / f"{table}.csv"
        if not file.is_file():
            raise ImportRefused(f"{table}.csv", 1, _("filen findes ikke."))
        tables[table] = _read_csv_file(
            table, f"{table}.csv", lambda file=file: file.read_text(encoding="utf-8")
        )
    return tables


def read_workbook(source):
    """The three sheets of an .xlsx workbook (a path or a file object)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        raise ImportRefused("xlsx", 1, _("filen kan ikke læses som et Excel-regneark.")) from None
    tables = {}
    for table in TABLES:
        if table not in workbook.sheetnames:
            raise ImportRefused(table, 1, _("arket findes ikke i regnearket."))
        records = list(workbook[table].iter_rows(values_only=True))
        if not records:
            raise ImportRefused(table, 1, _("arket er tomt."))
        tables[table] = _rows(table, records[0], records[1:])
    workbook.close()
    return tables


def read_path(path):
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path)
    raise ImportRefused(path.name, 1, _("angiv en mappe med CSV-filer eller en .xlsx-fil."))


# --- An upload ----------------------------------------------------------------------------


def read_upload(files):
    """The three tables from the uploaded files (each with a .filename and .read()): one
    workbook, or the three CSV files. Raises UploadRefused or ImportRefused."""
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
        return _read_uploaded_workbook(workbooks[0])
    return _read_uploaded_csv_files(files)


def _read_uploaded_workbook(file):
    try:
        return read_workbook(io.BytesIO(file.read()))
    except ImportRefused as refused:
        if refused.table == "xlsx":  # the file itself: name it as the user knows it
            raise ImportRefused(file.filename, 1, refused.problem) from None
        raise


def _read_uploaded_csv_files(files):
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
        tables[table] = _read_csv_file(table, f.filename, lambda f=f: f.read().decode("utf-8"))
    missing = [t for t in TABLES if t not in tables]
    if missing:
        raise UploadRefused(
            _(
                "%(file)s mangler. Vælg alle tre CSV-filer: inquiries.csv, courses.csv og "
                "conversations.csv.",
                file=f"{missing[0]}.csv",
            )
        )
    return tables
