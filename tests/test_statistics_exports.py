"""The report a funder can take as it is: the workbook, the two CSV files, the print version
and the PDF show the page's figures, in the page's words, typed where a spreadsheet reads
them."""

import csv
import io
import shutil
import subprocess
import sys
from datetime import date, datetime

import pytest
import test_statistics
from openpyxl import load_workbook
from test_statistics_page import Tables, page

from trivsel.statistics import exports
from trivsel.statistics import figures as statistics
from trivsel.statistics.tables import EMPTY, INTEGER, PERCENT, SIGNED, TEXT, NumberReader

youth = test_statistics.youth
history = test_statistics.history

CENTRE = "Frivilligcenter Vesthimmerland"
# The branch tables as the page heads them (the youth branch is the tests' plugin's).
BRANCH_HEADINGS = {
    "main": "Nøgletal – TrivselsPiloter",
    "youth": "Nøgletal – Brobygning",
    "all": "Nøgletal – I alt",
}
ROW_LABELS = {
    "inquiries": "Henvendelser",
    "citizens_in_courses": "Borgere i forløb",
    "conversations": "Samtaler i alt",
    "conversations_per_citizen": "Samtaler pr. borger",
    "follow_on_percent": "Kontakt til andet frivilligt tilbud bagefter",
}
YEARS = ["2012-09-01", "2013-09-01", "2014-09-01", "2015-09-01"]


@pytest.fixture
def coordinator(client, auth, users, app):
    app.config["CENTRE_NAME"] = CENTRE
    auth.login(users["coordinator"])
    return client


def get(client, path, mimetype):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def expected_figures():
    """{branch: {key: {start: value}}} from the calculation itself."""
    return {
        branch: {
            key: {
                f.start.isoformat(): getattr(f, key)
                for f in statistics.annual_figures(branch, (9, 1))
            }
            for key in ROW_LABELS
        }
        for branch in BRANCH_HEADINGS
    }


def shown(key, value):
    """A figure as the Danish page shows it."""
    if value is None:
        return "–"
    if key == "conversations_per_citizen":
        return f"{value:.1f}".replace(".", ",")
    if key == "follow_on_percent":
        return f"{value}\u00a0%"
    return str(value)


# --- Reading the downloads back -----------------------------------------------------------


def xlsx_tables(data):
    """{sheet name: {"sheet", "years" (the header's dates), "rows": {label: [cell]}}}."""
    workbook = load_workbook(io.BytesIO(data))
    result = {}
    for sheet in workbook:
        rows = list(sheet.iter_rows())
        dates = [c.value for c in rows[4][1:]] if rows[4][0].value == "Første dag" else []
        result[sheet.title] = {
            "sheet": sheet,
            "header": [c.value for c in rows[3]],
            "dates": dates,
            "rows": {r[0].value: r[1:] for r in rows[5 if dates else 4 :] if r[0].value},
        }
    return result


def danish_csv_blocks(data):
    """{heading: (header, {label: [field]})} of the semicolon CSV, and its title line."""
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    blocks, current = {}, None
    for i, fields in enumerate(lines[1:], start=1):
        if not fields:
            current = None
        elif current is None:
            current = blocks.setdefault(fields[0], {"header": lines[i + 1], "rows": {}})
        elif fields is not current["header"]:
            current["rows"][fields[0]] = fields[1:]
    return lines[0][0], blocks


def danish_number(text):
    """A field of the Danish CSV as a number: decimal comma, "75%"."""
    if text == "":
        return None
    if text.endswith("%"):
        return int(text[:-1])
    return float(text.replace(",", ".")) if "," in text else int(text)


def pdf_text(data):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed: the PDF's text unread")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


# --- The same figures everywhere ----------------------------------------------------------


def test_the_page_the_workbook_the_csv_files_and_the_pdf_show_the_same_figures(
    history, coordinator
):
    expected = expected_figures()
    assert expected["main"]["conversations"] == dict(zip(YEARS, [4, 3, 2, 2], strict=True))
    query = "?year_start=09-01"

    # The page.
    tables = Tables(page(coordinator)).tables
    for branch, figures in expected.items():
        table = tables[f"figures-{branch}"]
        for key, values in figures.items():
            cells = dict(zip(table["years"], table["rows"][key], strict=True))
            assert {y: cells[y] for y in values} == {y: shown(key, v) for y, v in values.items()}

    # The workbook: a sheet a table, the page's words, typed cells.
    sheets = xlsx_tables(get(coordinator, f"/statistics/annual.xlsx{query}", exports.XLSX_TYPE))
    for branch, figures in expected.items():
        sheet = sheets[BRANCH_HEADINGS[branch]]
        title = sheet["sheet"]["A1"].value
        assert title.startswith(f"{CENTRE} · Årsstatistik · 1. september 2012 – ")
        assert sheet["sheet"]["A2"].value == BRANCH_HEADINGS[branch]
        assert sheet["sheet"].freeze_panes == "B6"
        assert sheet["header"][0] == "Projektår"
        starts = [d.date().isoformat() for d in sheet["dates"]]
        assert all(isinstance(d, datetime) for d in sheet["dates"])
        assert sheet["sheet"]["B5"].number_format == "dd-mm-yyyy"
        for key, values in figures.items():
            cells = dict(zip(starts, sheet["rows"][ROW_LABELS[key]], strict=True))
            for year, value in values.items():
                cell = cells[year]
                if value is None:
                    assert cell.value is None
                elif key == "follow_on_percent":
                    assert cell.value == pytest.approx(value / 100)
                    assert cell.number_format == "0%"
                elif key == "conversations_per_citizen":
                    assert isinstance(cell.value, int | float) and cell.value == value
                    assert cell.number_format == "#,##0.0"
                else:
                    assert type(cell.value) is int and cell.value == value
                    assert cell.number_format == "#,##0"
    main = sheets[BRANCH_HEADINGS["main"]]
    assert main["header"][1:5] == ["2012/13", "2013/14", "2014/15", "2015/16"]
    assert [d.date() for d in main["dates"][:2]] == [date(2012, 9, 1), date(2013, 9, 1)]

    # The CSV file for Danish Excel.
    data = get(coordinator, f"/statistics/annual.csv{query}", exports.CSV_TYPE)
    title, blocks = danish_csv_blocks(data)
    assert title.startswith(f"{CENTRE} · Årsstatistik")
    for branch, figures in expected.items():
        block = blocks[BRANCH_HEADINGS[branch]]
        assert block["header"][0] == "Projektår"
        starts = [
            datetime.strptime(d, "%d-%m-%Y").date().isoformat() for d in block["rows"]["Første dag"]
        ]
        for key, values in figures.items():
            fields = dict(zip(starts, block["rows"][ROW_LABELS[key]], strict=True))
            assert {y: danish_number(fields[y]) for y in values} == values
    assert "2,0" in blocks[BRANCH_HEADINGS["main"]]["rows"]["Samtaler pr. borger"]

    # The CSV file for programs.
    data = get(coordinator, f"/statistics/annual-data.csv{query}", exports.CSV_TYPE)
    assert not data.startswith(b"\xef\xbb\xbf")
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert list(records[0]) == list(exports.DATA_CSV_HEADER)
    plain = {(r["table"], r["row"], r["column"]): r["value"] for r in records}
    for branch, figures in expected.items():
        for key, values in figures.items():
            for year, value in values.items():
                text = plain[(f"figures-{branch}", key, year)]
                assert (None if text == "" else float(text)) == value, (branch, key, year)
    assert plain[("figures-main", "conversations_per_citizen", "2012-09-01")] == "2.0"

    # The PDF: the tables and the charts (their labels are text in the PDF).
    text = pdf_text(get(coordinator, f"/statistics/annual.pdf{query}", exports.PDF_TYPE))
    assert CENTRE in text and "Årsstatistik" in text and "Udskrevet" in text
    assert "Perioden 1. sep. 2012" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for key in ("inquiries", "conversations", "conversations_per_citizen"):
        row = " ".join(shown(key, expected["main"][key][y]) for y in YEARS)
        label = ROW_LABELS[key].split()[0]  # a long label may wrap
        assert any(line.startswith(label) and row in line for line in lines), (key, text)
    for chart in ("Henvendelser pr. år", "Samtaler pr. år", "Borgere i forløb pr. år", "Mål 75 %"):
        assert chart in text
    assert "Udskriv" not in text.replace("Udskrevet", "")  # the button is not printed


def test_every_table_of_the_page_is_in_every_download(history, coordinator):
    """A table the page shows (a new one too) is in the workbook and both CSV files, with
    the same number of rows."""
    tables = Tables(page(coordinator)).tables
    assert {"figures-main", "goals", "by-source", "by-outcome", "more"} <= set(tables)
    sheets = xlsx_tables(
        get(coordinator, "/statistics/annual.xlsx?year_start=09-01", exports.XLSX_TYPE)
    )
    assert len(sheets) == len(tables)
    _title, blocks = danish_csv_blocks(get(coordinator, "/statistics/annual.csv", exports.CSV_TYPE))
    assert len(blocks) == len(tables)
    data = get(coordinator, "/statistics/annual-data.csv", exports.CSV_TYPE).decode("utf-8")
    assert {r["table"] for r in csv.DictReader(io.StringIO(data))} == set(tables)
    assert "Hvem tog initiativet" in sheets and "Mål" in sheets
    # The course length in weeks, as on the page (A1: 355 days, 50.7 weeks).
    more = next(s for name, s in sheets.items() if name.startswith("Ventetid"))
    median = more["rows"]["Median"]  # the first "Median": the waits; then the lengths
    assert more["sheet"]["A2"].value == "Ventetid, forløb, frivillige og trivsel"
    lengths = [r for r in more["sheet"].iter_rows(values_only=True) if r[0] == "Median"][1]
    assert lengths[1] == pytest.approx(50.7)
    assert median


def test_the_workbook_has_widths_and_names_excel_accepts(history, coordinator):
    workbook = load_workbook(io.BytesIO(coordinator.get("/statistics/annual.xlsx").data))
    for sheet in workbook:
        assert len(sheet.title) <= 31 and not set(sheet.title) & set("[]:*?/\\")
        assert sheet.column_dimensions["A"].width >= 11
        assert sheet.column_dimensions["B"].width >= 11
    assert not [
        cell
        for sheet in workbook
        for row in sheet.iter_rows(min_row=6)
        for cell in row
        if isinstance(cell.value, str) and cell.value.replace(",", "").replace(".", "").isdigit()
    ], "a number stored as text"


def test_an_empty_report_downloads_without_figures(coordinator):
    workbook = load_workbook(io.BytesIO(coordinator.get("/statistics/annual.xlsx").data))
    assert workbook.sheetnames == ["Årsstatistik"]
    data = coordinator.get("/statistics/annual-data.csv").get_data(as_text=True)
    assert data == "table,row,column,value\n"
    assert coordinator.get("/statistics/annual.csv").data.startswith(b"\xef\xbb\xbf")


# --- The print version and the header -----------------------------------------------------


def test_the_print_version_names_the_centre_and_the_period_and_has_a_print_button(
    history, coordinator
):
    html = page(coordinator, "year_start=09-01&print=1")
    assert f'<p class="print-centre">{CENTRE}</p>' in html
    assert "Perioden 1. sep. 2012 – " in html and "Udskrevet " in html
    assert '<button type="button" data-print>Udskriv</button>' in html
    assert 'href="/statistics/annual.pdf?year_start=09-01"' in html
    # The button's script is the app's file: no inline script (the CSP allows none).
    assert "<script>" not in html and 'src="/static/trivsel.js' in html


def test_the_page_header_names_the_centre(coordinator):
    html = coordinator.get("/dashboard").get_data(as_text=True)
    assert f'<span class="brand-centre">{CENTRE}</span>' in html


def test_the_centre_name_is_a_setting(monkeypatch):
    from trivsel.core.config import DEFAULTS, from_environment

    assert DEFAULTS["CENTRE_NAME"] == "Frivilligcenter"
    assert from_environment({"TRIVSEL_CENTRE_NAME": "Frivillig Fyn"}) == {
        "CENTRE_NAME": "Frivillig Fyn"
    }


def test_the_page_links_every_download(history, coordinator):
    html = page(coordinator)
    for path in ("annual.pdf", "annual.xlsx", "annual.csv", "annual-data.csv"):
        assert f'href="/statistics/{path}?year_start=09-01"' in html
    assert "Hent CSV til Excel" in html and "Hent CSV til programmer" in html


def test_without_weasyprint_the_pdf_link_says_so(history, coordinator, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import fails
    response = coordinator.get("/statistics/annual.pdf?year_start=09-01")
    assert response.status_code == 303
    html = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "PDF-filen kan ikke laves på denne server." in html


def test_the_pdf_fetches_nothing(app):
    """The PDF is made from the page as text: an address in it is not fetched."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    from trivsel.statistics import pdf

    html = '<p>Tal</p><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
    with app.test_request_context():
        assert "Tal" in pdf_text(pdf.html_to_pdf(html))


# --- Reading the page's numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind, value, decimals",
    [
        ("3", INTEGER, 3, 0),
        ("1.234", INTEGER, 1234, 0),
        ("2,5", "decimal", 2.5, 1),
        ("50,7", "decimal", 50.7, 1),
        ("75\u00a0%", PERCENT, 75, 0),
        ("+1,5", SIGNED, 1.5, 1),
        ("-2,0", SIGNED, -2.0, 1),
        ("–", EMPTY, None, 0),
        ("1-10", TEXT, "1-10", 0),
        ("mindst 35", TEXT, "mindst 35", 0),
        ("3 af 4 år", TEXT, "3 af 4 år", 0),
    ],
)
def test_a_cell_is_read_as_the_danish_page_shows_it(text, kind, value, decimals):
    cell = NumberReader("da")(text)
    assert (cell.kind, cell.value, cell.decimals) == (kind, value, decimals)


def test_english_numbers_are_read_in_english():
    assert NumberReader("en")("1,234").value == 1234
    assert NumberReader("en")("2.5").value == 2.5
