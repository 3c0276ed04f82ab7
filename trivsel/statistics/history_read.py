"""Reading the spreadsheet history: a folder of CSV files, a workbook, an upload.

Each table is read row by row while it is checked, never whole into memory, within the
limits of history_limits (the size of the files, the rows of a table, the cells of a
workbook). A table can be read again: each pass opens its file anew."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask_babel import gettext as _

from trivsel.statistics.history_format import REQUIRED, TABLES, ImportRefused, Row
from trivsel.statistics.history_limits import (
    MAX_LINE_BYTES,
    Limits,
    check_workbook,
    count_text,
    size_of,
    size_text,
    too_large,
)

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


class History(dict):
    """{table: Table} of one import; close() releases the workbook it was read from."""

    def __init__(self, tables, close=None):
        super().__init__(tables)
        self._close = close

    def close(self):
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Table:
    """One table of the history: iterating it reads its rows (the blank ones left out), each
    with its spreadsheet row number (the header is row 1). `records` returns a fresh
    iterator over the raw records, the header first."""

    def __init__(self, table, label, records, limits, empty, clean=_clean):
        self.table, self.label = table, label
        self._records, self._limits, self._empty = records, limits, empty
        self._clean = clean  # a cell's value as text

    def __iter__(self):
        records = self._records()
        try:
            header = next(records, None)
            if header is None:
                raise ImportRefused(self.label, 1, self._empty)
            header = [_clean(h).lower() for h in header]
            missing = [c for c in REQUIRED[self.table] if c not in header]
            if missing:
                raise ImportRefused(
                    self.label,
                    1,
                    _("kolonnen “%(column)s” mangler i overskriften.", column=missing[0]),
                )
            clean, max_rows = self._clean, self._limits.max_rows
            for number, record in enumerate(records, start=2):
                if number - 1 > max_rows:
                    raise ImportRefused(
                        self.label,
                        number,
                        _(
                            "der er flere end %(n)s rækker; højst så mange kan indlæses.",
                            n=count_text(self._limits.max_rows),
                        ),
                    )
                values = {name: clean(value) for name, value in zip(header, record, strict=False)}
                if any(values.values()):
                    yield Row(self.label, number, values)
        finally:
            records.close()


# --- CSV ----------------------------------------------------------------------------------


def _csv_records(opener, label):
    """A function returning the records of a CSV file, read line by line from the binary
    file `opener()` gives (a context manager), decoded as UTF-8 (a BOM is dropped)."""

    def records():
        with opener() as raw:
            reader = csv.reader(_lines(raw, label))
            try:
                yield from reader
            except csv.Error as error:
                raise ImportRefused(
                    label,
                    reader.line_num or 1,
                    _("filen kan ikke læses som CSV (%(error)s).", error=error),
                ) from None

    return records


def _lines(raw, label):
    """The decoded lines of a binary file; a line that is not UTF-8 or is very long refuses."""
    number = 0
    while True:
        line = raw.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise ImportRefused(
                label,
                number,
                _("linjen er længere end %(n)s byte.", n=count_text(MAX_LINE_BYTES)),
            )
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(label, number, _("filen er ikke UTF-8.")) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield text


def _csv_table(table, label, opener, limits):
    records = _csv_records(opener, label)
    return Table(table, label, records, limits, _("filen er tom."), clean=str.strip)


@contextmanager
def _open_path(path):
    with open(path, "rb") as handle:
        yield handle


@contextmanager
def _rewound(stream):
    """An uploaded file's stream from its start; it stays open (the request closes it)."""
    stream.seek(0)
    yield stream


def read_csv_text(table, text, label=None, limits=None):
    """One table from CSV text (for tests and callers that hold the text already)."""
    data = text.encode("utf-8")
    return _csv_table(
        table, label or table, lambda: _rewound(io.BytesIO(data)), limits or Limits.configured()
    )


def read_folder(path, limits=None):
    """The three CSV files of a folder."""
    limits = limits or Limits.configured()
    files = {}
    for table in TABLES:
        file = Path(path) / f"{table}.csv"
        if not file.is_file():
            raise ImportRefused(f"{table}.csv", 1, _("filen findes ikke."))
        files[table] = file
    total = sum(size_of(file) for file in files.values())
    if total > limits.max_bytes:
        raise too_large(Path(path).name, total, limits, files=len(files))
    return History(
        {
            table: _csv_table(table, f"{table}.csv", lambda f=file: _open_path(f), limits)
            for table, file in files.items()
        }
    )


# --- A workbook ---------------------------------------------------------------------------


def read_workbook(source, limits=None, label="xlsx"):
    """The three sheets of an .xlsx workbook (a path or a seekable binary file), checked
    first (history_limits.check_workbook), then read in openpyxl's read-only mode."""
    from openpyxl import load_workbook

    limits = limits or Limits.configured()
    check_workbook(source, limits, label)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        raise ImportRefused(label, 1, _("filen kan ikke læses som et Excel-regneark.")) from None
    for table in TABLES:
        if table not in workbook.sheetnames:
            workbook.close()
            raise ImportRefused(table, 1, _("arket findes ikke i regnearket."))
    return History(
        {
            table: Table(
                table,
                table,
                lambda table=table: _sheet_records(workbook, table, limits),
                limits,
                _("arket er tomt."),
            )
            for table in TABLES
        },
        close=workbook.close,
    )


def _sheet_records(workbook, table, limits):
    """A sheet's rows as tuples of values, each cell counted against the budget (rows that
    the sheet skips count as one cell each). A row openpyxl cannot read refuses."""
    sheet = workbook[table]
    sheet.reset_dimensions()  # the declared size may lie; a row is as long as its cells
    rows = sheet.iter_rows(values_only=True)
    cells = number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:  # a cell openpyxl cannot make sense of
            raise ImportRefused(
                table, number + 1, _("rækken kan ikke læses i regnearket.")
            ) from None
        number += 1
        cells += len(row) or 1
        if cells > limits.max_cells:
            raise ImportRefused(
                table,
                number,
                _(
                    "regnearket har flere end %(n)s celler; del det op, eller indlæs som "
                    "CSV-filer.",
                    n=count_text(limits.max_cells),
                ),
            )
        yield row


def read_path(path, limits=None):
    path = Path(path)
    if path.is_dir():
        return read_folder(path, limits)
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path, limits, label=path.name)
    raise ImportRefused(path.name, 1, _("angiv en mappe med CSV-filer eller en .xlsx-fil."))


# --- An upload ----------------------------------------------------------------------------


def read_upload(files, limits=None):
    """The three tables from the uploaded files (each with a .filename and a seekable
    .stream): one workbook, or the three CSV files. Raises UploadRefused or ImportRefused."""
    limits = limits or Limits.configured()
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
        return read_workbook(workbooks[0].stream, limits, label=workbooks[0].filename)
    return _read_uploaded_csv_files(files, limits)


def _read_uploaded_csv_files(files, limits):
    chosen = {}
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
        if table in chosen:
            raise UploadRefused(_("Der er valgt to filer til %(table)s.", table=table))
        chosen[table] = f
    missing = [t for t in TABLES if t not in chosen]
    if missing:
        raise UploadRefused(
            _(
                "%(file)s mangler. Vælg alle tre CSV-filer: inquiries.csv, courses.csv og "
                "conversations.csv.",
                file=f"{missing[0]}.csv",
            )
        )
    total = sum(size_of(f.stream) for f in chosen.values())
    if total > limits.max_bytes:
        raise UploadRefused(
            _(
                "De tre CSV-filer fylder %(size)s, men højst %(max)s kan indlæses ad "
                "gangen. Intet er ændret.",
                size=size_text(total),
                max=size_text(limits.max_bytes),
            )
        )
    return History(
        {
            table: _csv_table(table, f.filename, lambda f=f: _rewound(f.stream), limits)
            for table, f in chosen.items()
        }
    )
