"""The report's downloads, built from the tables the page renders (statistics.tables):

- a workbook for the funder: a sheet a table, the page's words, typed numbers, percentages
  and dates in Danish number formats, a title row with the centre and the period;
- a CSV file that Danish Excel opens as it is: semicolons, decimal commas, UTF-8 with a BOM,
  the tables one below the other as on the page;
- a CSV file for programs: commas and decimal points, a line a figure, machine keys.

Text that a spreadsheet would take for a formula is neutralised (core.spreadsheets)."""

import csv
import io
import re
from datetime import date

from flask_babel import gettext as _

from trivsel.core.spreadsheets import safe_cell
from trivsel.statistics.tables import DECIMAL, EMPTY, INTEGER, PERCENT, SIGNED, TEXT

CSV_TYPE = "text/csv"  # Flask adds the charset
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
DATA_CSV_HEADER = ("table", "row", "column", "value")
BOM = "\ufeff"

# Excel's number formats are stored locale-free ("." decimal, "," thousands); Danish Excel
# shows "#,##0.0" as 1.234,5 and "0%" as 75%.
DATE_FORMAT = "dd-mm-yyyy"
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def download_name(extension, kind=""):
    name = "trivsel-aarsstatistik" + (f"-{kind}" if kind else "")
    return f"{name}-{date.today().isoformat()}.{extension}"


def number_format(cell):
    """The Excel number format that shows a cell as the page does."""
    fraction = "." + "0" * cell.decimals if cell.decimals else ""
    if cell.kind == PERCENT:
        return "0" + fraction + "%"
    if cell.kind == SIGNED:
        shown = "0" + fraction
        return f"+{shown};-{shown};{shown}"
    return "#,##0" + fraction


def xlsx_value(cell):
    """A cell's value for the workbook: numbers as numbers (a percentage as its fraction, so
    Excel calculates with it), no figure as a blank cell, text neutralised."""
    if cell.kind == EMPTY:
        return None
    if cell.kind == PERCENT:
        return round(cell.value / 100, cell.decimals + 2)
    if cell.kind == TEXT:
        return safe_cell(cell.value)
    return cell.value


# --- The workbook -------------------------------------------------------------------------


def annual_xlsx(tables, title):
    """The workbook of the report's tables, as the bytes of an .xlsx file; `title` (the
    centre, the report, the period) heads every sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    names = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_name(table, names))
        _write_sheet(sheet, table, title)
    if not tables:
        sheet = workbook.create_sheet(_("Årsstatistik"))
        sheet["A1"] = safe_cell(title)
        sheet["A3"] = _("Der er endnu ingen tal at vise.")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_name(table, taken):
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in `taken`: the
    table's heading, shortened where it is too long (the section first, then the title's
    middle, so that the branch at its end stays)."""
    title = _sheet_text(table.title) or table.key
    section = _sheet_text(table.section)
    name = _sheet_text(table.heading) or title
    if len(name) > SHEET_NAME_LENGTH and section and section != table.title:
        front = _words_within(section, SHEET_NAME_LENGTH - len(title) - len(" – …"))
        name = f"{front}… – {title}" if front else title
    if len(name) > SHEET_NAME_LENGTH:
        *words, last = name.split(" ")
        last = last[: SHEET_NAME_LENGTH - 8]
        front = _words_within(" ".join(words), SHEET_NAME_LENGTH - len(last) - len("… "))
        name = f"{front}… {last}" if front else last
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _sheet_text(text):
    """Text without the characters a sheet name may not hold ("a: b" becomes "a – b")."""
    text = SHEET_NAME_FORBIDDEN.sub("-", str(text).replace(": ", " – "))
    return text.strip("' ")


def _words_within(text, length):
    """The first words of `text` that fit in `length` characters, without trailing marks."""
    if length <= 0:
        return ""
    if len(text) <= length:
        return text
    cut = text[: length + 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else ""
    return cut.rstrip(",;:– ")


def _write_sheet(sheet, table, title):
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    line = Border(bottom=Side(style="thin"))
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([safe_cell(table.heading)])
    sheet["A2"].font = Font(bold=True, size=12)
    sheet.append([])
    header = [safe_cell(table.corner), *(safe_cell(c.label) for c in table.columns)]
    sheet.append(header)
    header_rows = [sheet.max_row]
    if table.by_year:
        sheet.append([_("Første dag"), *(c.start for c in table.columns)])
        header_rows.append(sheet.max_row)
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = DATE_FORMAT
    for number in header_rows:
        for cell in sheet[number]:
            cell.font = bold
            cell.border = line if number == header_rows[-1] else Border()
            if cell.column > 1:
                cell.alignment = Alignment(horizontal="right")
    group = None
    for row in table.rows:
        if row.group != group and row.group:
            sheet.append([safe_cell(row.group)])
            sheet.cell(sheet.max_row, 1).font = bold
        group = row.group
        sheet.append([safe_cell(row.label), *(xlsx_value(c) for c in row.cells)])
        for cell, shown in zip(sheet[sheet.max_row][1:], row.cells, strict=False):
            if shown.kind in (INTEGER, DECIMAL, PERCENT, SIGNED):
                cell.number_format = number_format(shown)
            elif shown.kind == TEXT:
                cell.alignment = Alignment(horizontal="right", wrap_text=True)
    # The header rows and the label column stay in sight while scrolling.
    sheet.freeze_panes = sheet.cell(header_rows[-1] + 1, 2)
    widths = [len(table.corner), *(len(c.label) for c in table.columns)]
    for row in table.rows:
        texts = [row.label, *(c.text for c in row.cells)]
        widths = [max(w, len(t)) for w, t in zip(widths, texts, strict=False)]
    for i, width in enumerate(widths, start=1):
        limit = 60 if i == 1 else 30
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 11), limit)


# --- The CSV file for Danish Excel --------------------------------------------------------


def danish_number(cell):
    """A cell as Danish Excel reads it from a CSV file: decimal comma, no thousands
    separator, "75%"; a date as dd-mm-yyyy."""
    if cell.kind == EMPTY:
        return ""
    if cell.kind == TEXT:
        return safe_cell(cell.value)
    text = f"{abs(cell.value):.{cell.decimals}f}".replace(".", ",")
    sign = "-" if cell.value < 0 else ""
    return sign + text + ("%" if cell.kind == PERCENT else "")


def annual_csv_danish(tables, title):
    """The tables one below the other, each under its heading, as the page shows them:
    semicolon-separated, decimal commas, UTF-8 with a byte order mark (so Excel reads æøå)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(title)])
    for table in tables:
        writer.writerow([])
        writer.writerow([safe_cell(table.heading)])
        writer.writerow([safe_cell(table.corner), *(safe_cell(c.label) for c in table.columns)])
        if table.by_year:
            writer.writerow([_("Første dag"), *(f"{c.start:%d-%m-%Y}" for c in table.columns)])
        group = None
        for row in table.rows:
            if row.group != group and row.group:
                writer.writerow([safe_cell(row.group)])
            group = row.group
            writer.writerow([safe_cell(row.label), *(danish_number(c) for c in row.cells)])
    return (BOM + out.getvalue()).encode("utf-8")


# --- The CSV file for programs ------------------------------------------------------------


def plain_value(cell):
    """A cell for a program: a decimal point, a percentage as its number of percent (75), no
    figure as an empty field."""
    if cell.kind == EMPTY:
        return ""
    if cell.kind == TEXT:
        return safe_cell(cell.value)
    if cell.decimals:
        return f"{cell.value:.{cell.decimals}f}"
    return str(cell.value)


def annual_csv_plain(tables):
    """A line a figure: the table's id, the row's key, the column's key (a project year's
    first day, YYYY-MM-DD) and the value. UTF-8, comma-separated, without a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DATA_CSV_HEADER)
    for table in tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=False):
                writer.writerow(
                    [safe_cell(table.key), safe_cell(row.key), column.key, plain_value(cell)]
                )
    return out.getvalue().encode("utf-8")
