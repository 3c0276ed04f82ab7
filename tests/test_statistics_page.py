"""The statistics page, its downloads and the history upload: the same numbers everywhere."""

import csv
import io
import json
from html.parser import HTMLParser

import pytest
import test_statistics
from openpyxl import Workbook, load_workbook
from test_statistics import HISTORY

from trivsel.courses.models import Conversation, Course, CourseEvent
from trivsel.statistics import charts
from trivsel.statistics import figures as statistics

BRANCHES = ("main", "youth", "all")

# The fixtures of the report's own tests: the youth branch, and the history imported.
youth = test_statistics.youth
history = test_statistics.history


# --- Reading the page back ----------------------------------------------------------------


class Tables(HTMLParser):
    """Every <table id=...>: its year columns (from <time datetime>) and, per row with a
    data-key, the text of its cells."""

    def __init__(self, html):
        super().__init__()
        self.tables = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], {"years": [], "rows": {}})
        elif self._table is None:
            return
        elif tag == "time":
            self._table["years"].append(attrs["datetime"])
        elif tag == "tr" and attrs.get("data-key"):
            self._row = self._table["rows"].setdefault(attrs["data-key"], [])
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None


def shown(key, value):
    """A figure as the Danish page shows it."""
    if value is None:
        return "–"
    if key == "conversations_per_citizen":
        return f"{value:.1f}".replace(".", ",")
    if key == "follow_on_percent":
        return f"{value}\u00a0%"
    return str(value)


def command_rows(runner, branch, year_start="09-01"):
    result = runner.invoke(
        args=["report", "annual", "--branch", branch, "--year-start", year_start]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def coordinator(client, auth, users):
    auth.login(users["coordinator"])
    return client


def page(client, query="year_start=09-01"):
    response = client.get(f"/statistics/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- The page -----------------------------------------------------------------------------


def test_the_page_shows_the_numbers_of_the_command(history, coordinator, runner):
    tables = Tables(page(coordinator)).tables
    for branch in BRANCHES:
        rows = {r["start"]: r for r in command_rows(runner, branch)}
        assert rows == {
            f.start.isoformat(): f.as_dict() for f in statistics.annual_figures(branch, (9, 1))
        }
        table = tables[f"figures-{branch}"]
        assert set(rows) <= set(table["years"])
        assert list(table["rows"]) == [k for k in statistics.REPORT_KEYS if k != "start"]
        for key, cells in table["rows"].items():
            expected = [
                shown(key, rows[year][key]) if year in rows else "–" for year in table["years"]
            ]
            assert cells == expected, (branch, key)


def test_the_main_table_reads_like_the_funders_table(history, coordinator):
    table = Tables(page(coordinator)).tables["figures-main"]
    assert table["years"][:4] == ["2012-09-01", "2013-09-01", "2014-09-01", "2015-09-01"]
    assert [cells[:4] for cells in table["rows"].values()] == [
        ["3", "3", "1", "1"],
        ["2", "2", "2", "2"],
        ["4", "3", "2", "2"],
        ["2,0", "1,5", "1,0", "1,0"],
        ["100\u00a0%", "0\u00a0%", "–", "50\u00a0%"],
    ]
    assert ">2012/13</time>" in page(coordinator)


def test_inquiries_by_source_and_outcome_add_up_to_the_inquiries(history, coordinator):
    tables = Tables(page(coordinator)).tables
    inquiries = tables["figures-main"]["rows"]["inquiries"]
    for name in ("by-source", "by-outcome"):
        columns = zip(*tables[name]["rows"].values(), strict=True)
        sums = [str(sum(int(c) for c in column)) for column in columns]
        assert sums == [n if n != "–" else "0" for n in inquiries]
    assert tables["by-source"]["rows"]["citizen"][:4] == ["1", "2", "0", "0"]
    assert tables["by-outcome"]["rows"]["declined"][:2] == ["1", "0"]


def test_the_goals_and_the_figures_beside_them(history, coordinator):
    html = page(coordinator)
    assert "Borgere i forløb i hele perioden" in html
    assert "mindst 35" in html
    more = Tables(html).tables["more"]["rows"]
    # A1 ends 2013-08-31 after 355 days: the only course ending in 2012/13.
    assert more["length_median"][0] == "50,7"
    assert set(more) >= {
        "wait_median",
        "wait_p90",
        "volunteers_active",
        "volunteers_departed",
        "courses_per_volunteer",
        "supervision_attendance",
        "who5_change",
    }


def test_the_charts_are_svg_with_titles_and_values(history, coordinator):
    html = page(coordinator)
    assert html.count('role="img"') == 4
    assert '<title id="chart-conversations-title">Samtaler pr. år</title>' in html
    assert "2012/13: 4; 2013/14: 3; 2014/15: 2; 2015/16: 2." in html
    assert '<title id="chart-citizens-title">Borgere i forløb pr. år</title>' in html
    assert "Mål 75 %" in html
    assert "<script" not in html.split('class="charts"')[1].split("</section>")[0]


def test_a_bar_chart_labels_every_bar():
    svg = charts.bar_chart(
        "c",
        "Samtaler pr. år",
        "2012: 4; 2013: ingen",
        [charts.Bar("2012", 4, "4"), charts.Bar("2013", None, "–")],
        goal=(3, "Mål 3"),
        none_text="ingen tal",
    )
    assert svg.startswith("<svg") and 'viewBox="0 0 360 ' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Samtaler pr. år</title>' in svg
    assert '<desc id="c-desc">2012: 4; 2013: ingen</desc>' in svg
    assert ">2012</text>" in svg and ">4</text>" in svg and ">ingen tal</text>" in svg
    assert ">Mål 3</text>" in svg and "stroke-dasharray" in svg


@pytest.mark.parametrize("value, ceiling", [(0, 1), (3, 5), (7, 10), (13, 20), (24, 25), (60, 100)])
def test_chart_scales_end_on_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_the_print_version_has_the_figures_without_the_app_around_them(history, coordinator):
    html = page(coordinator, "year_start=09-01&print=1")
    assert "Hovedmenu" not in html and "<form" not in html and "<script>" not in html
    assert "Tilbage til årsstatistikken" in html
    assert Tables(html).tables["figures-main"]["rows"]["conversations"][:4] == ["4", "3", "2", "2"]
    assert html.count('role="img"') == 4


def test_the_page_links_the_downloads_and_the_print_version(history, coordinator):
    html = page(coordinator)
    assert 'href="/statistics/annual.csv?year_start=09-01"' in html
    assert 'href="/statistics/annual.xlsx?year_start=09-01"' in html
    assert 'href="/statistics/?year_start=09-01&amp;print=1"' in html


def test_an_empty_database_gets_a_friendly_message(coordinator):
    html = page(coordinator, "")
    assert "Der er endnu ingen tal at vise" in html
    assert "annual.csv" not in html
    response = coordinator.get("/statistics/annual-data.csv")
    assert response.get_data(as_text=True) == "table,row,column,value\n"


def test_the_coordinator_finds_it_in_the_menu(coordinator):
    assert '<a href="/statistics/"' in coordinator.get("/dashboard").get_data(as_text=True)


# --- The project year ---------------------------------------------------------------------


def years_shown(client, query):
    return Tables(page(client, query)).tables["figures-main"]["years"]


def test_calendar_years_by_default_and_the_configured_start(history, coordinator, app):
    assert years_shown(coordinator, "")[:2] == ["2012-01-01", "2013-01-01"]
    app.config["PROJECT_YEAR_START"] = "09-01"
    assert years_shown(coordinator, "")[:2] == ["2012-09-01", "2013-09-01"]
    assert years_shown(coordinator, "year_start=03-15")[:2] == ["2012-03-15", "2013-03-15"]


@pytest.mark.parametrize("bad", ["13-01", "02-30", "september", "0901"])
def test_a_bad_year_start_is_explained_at_the_field_and_the_default_used(history, coordinator, bad):
    html = page(coordinator, f"year_start={bad}")
    assert 'id="year_start-error"' in html and 'aria-invalid="true"' in html
    assert f"“{bad}” er ikke en dag på formen MM-DD" in html
    assert "projektår fra 01-01" in html
    assert Tables(html).tables["figures-main"]["years"][0] == "2012-01-01"
    response = coordinator.get(f"/statistics/annual-data.csv?year_start={bad}")
    assert response.status_code == 200
    assert "figures-main,inquiries,2012-01-01," in response.get_data(as_text=True)


# --- Downloads ----------------------------------------------------------------------------


def test_the_data_csv_download_holds_the_numbers_of_the_command(history, coordinator, runner):
    response = coordinator.get("/statistics/annual-data.csv?year_start=09-01")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(".csv")
    records = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    values = {(r["table"], r["row"], r["column"]): r["value"] for r in records}
    for branch in BRANCHES:
        for row in command_rows(runner, branch):
            for key in statistics.REPORT_KEYS[1:]:
                value = values[(f"figures-{branch}", key, row["start"])]
                assert (float(value) if value else None) == row[key], (branch, key)
    tables = [r["table"] for r in records]
    assert (
        tables.index("figures-main") < tables.index("figures-youth") < tables.index("figures-all")
    )


def test_the_xlsx_download_holds_the_same_numbers(history, coordinator, runner):
    response = coordinator.get("/statistics/annual.xlsx?year_start=09-01")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames[:3] == [
        "Nøgletal – TrivselsPiloter",
        "Nøgletal – Brobygning",
        "Nøgletal – I alt",
    ]
    assert {"Mål", "Hvem tog initiativet", "Hvad henvendelsen førte til"} <= set(
        workbook.sheetnames
    )
    records = list(workbook["Nøgletal – TrivselsPiloter"].iter_rows(values_only=True))
    assert records[3][:3] == ("Projektår", "2012/13", "2013/14")
    conversations = next(r for r in records if r[0] == "Samtaler i alt")
    assert [conversations[1:][i] for i in range(4)] == [
        row["conversations"] for row in command_rows(runner, "main")[:4]
    ]
    by_source = list(workbook["Hvem tog initiativet"].iter_rows(values_only=True))
    assert by_source[3][0] == "Initiativ"
    assert next(r for r in by_source if r[0] == "Borgeren selv")[1:3] == (1, 2)


# --- Uploading history --------------------------------------------------------------------


def database_state():
    return (
        sorted(Course.select(Course.ref, Course.stage, Course.version).tuples()),
        Conversation.select().count(),
        CourseEvent.select().count(),
    )


def csv_files(**changes):
    """The fixture history's three files, with (old, new) text replacements per table."""
    files = []
    for table in ("inquiries", "courses", "conversations"):
        text = (HISTORY / f"{table}.csv").read_text(encoding="utf-8")
        if table in changes:
            old, new = changes[table]
            assert old in text
            text = text.replace(old, new, 1)
        files.append((io.BytesIO(text.encode("utf-8")), f"{table}.csv"))
    return files


def workbook_file():
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in ("inquiries", "courses", "conversations"):
        sheet = workbook.create_sheet(table)
        with open(HISTORY / f"{table}.csv", encoding="utf-8") as source:
            for record in csv.reader(source):
                sheet.append([int(v) if v.isdigit() else v for v in record])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return [(out, "historik.xlsx")]


def upload(client, files, **kwargs):
    return client.post(
        "/statistics/import",
        data={"files": files},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_the_upload_page_offers_one_field_for_either_kind(coordinator):
    html = coordinator.get("/statistics/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and "multiple" in html and 'accept=".xlsx,.csv"' in html
    assert 'name="csrf_token"' in html


@pytest.mark.parametrize("files", [csv_files, workbook_file], ids=["csv", "xlsx"])
def test_an_upload_imports_and_says_how_much(youth, coordinator, files):
    response = upload(coordinator, files())
    assert response.status_code == 303
    html = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Historikken er indlæst: 8 henvendelser, 5 forløb og 13 samtaler." in html
    assert Course.select().count() == 8 and Conversation.select().count() == 13


def test_the_same_upload_twice_changes_nothing(youth, coordinator):
    upload(coordinator, csv_files())
    before = database_state()
    response = upload(coordinator, csv_files(), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Intet nyt at indlæse: alle 8 henvendelser var allerede indlæst." in html
    assert database_state() == before


def test_a_partly_new_upload_says_how_many_were_skipped(youth, coordinator):
    upload(coordinator, csv_files())
    Course.delete().where(Course.ref.in_(["A3", "A8"])).execute()
    html = upload(coordinator, csv_files(), follow_redirects=True).get_data(as_text=True)
    assert "Historikken er indlæst: 2 henvendelser, 0 forløb og 0 samtaler." in html
    assert "6 henvendelser var allerede indlæst og er sprunget over." in html


def test_the_page_shows_the_uploaded_history(youth, coordinator):
    upload(coordinator, workbook_file())
    table = Tables(page(coordinator)).tables["figures-main"]
    assert table["rows"]["conversations"][:4] == ["4", "3", "2", "2"]


@pytest.mark.parametrize(
    "changes, where, problem",
    [
        (
            {"inquiries": ("A2,2012-10-15", "A2,2012-10-32")},
            "inquiries.csv, række 3",
            "gyldig dato",
        ),
        ({"courses": ("A5,2014-02-01", "A1,2014-02-01")}, "courses.csv, række 5", "står to gange"),
        ({"conversations": ("A2,2012-11-05,home", "A2,2012-11-05,car")}, "række 5", "“car”"),
    ],
)
def test_a_refused_upload_changes_nothing_and_says_where(
    youth, coordinator, changes, where, problem
):
    upload(coordinator, csv_files(), follow_redirects=True)
    Course.delete().where(Course.ref == "A8").execute()  # something new to import
    before = database_state()
    response = upload(coordinator, csv_files(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split('id="files-error">')[1].split("</p>")[0]
    assert "Indlæsningen er afvist, og intet er ændret." in error
    assert where in error and problem in error
    assert 'aria-invalid="true"' in html
    assert database_state() == before


# A header with the columns inquiries.csv needs, for a file that is not UTF-8 after it.
LATIN_1_HEADER = "ref,received_on,branch,source,outcome"


@pytest.mark.parametrize(
    "files, message",
    [
        ([], "Vælg en .xlsx-fil eller de tre CSV-filer."),
        ([(io.BytesIO(b"%PDF-1.4"), "noter.pdf")], "“noter.pdf” er hverken en .xlsx- eller"),
        (
            [(io.BytesIO(b"not a workbook"), "historik.xlsx")],
            "historik.xlsx, række 1: filen kan ikke læses som et Excel-regneark.",
        ),
        (lambda: csv_files()[:2], "conversations.csv mangler."),
        (
            lambda: csv_files()[:2] + [(io.BytesIO(b"a,b\n"), "samtaler.csv")],
            "“samtaler.csv” er ikke en af inquiries.csv",
        ),
        (
            lambda: (
                csv_files()[1:]
                + [(io.BytesIO(f"{LATIN_1_HEADER}\nA\xe6".encode("latin-1")), "inquiries.csv")]
            ),
            "inquiries.csv, række 2: filen er ikke UTF-8.",
        ),
        (
            lambda: csv_files() + workbook_file(),
            "Vælg enten én .xlsx-fil eller de tre CSV-filer, ikke begge.",
        ),
    ],
)
def test_odd_files_are_refused_in_danish(youth, coordinator, files, message):
    response = upload(coordinator, files() if callable(files) else files)
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="files-error">')[1].split("</p>")[0]
    assert message in error
    assert Course.select().count() == 0


def test_an_upload_too_large_is_refused_in_danish(youth, coordinator, app):
    # Small sizes: the test client spools a large body to a file it does not close (the
    # big uploads of test_imports.py bring their own body).
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(coordinator, [(io.BytesIO(b"x" * 3000), "inquiries.csv")])
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    error = html.split('id="files-error">')[1].split("</p>")[0]
    assert "Filerne fylder for meget: højst 2 kB kan indlæses ad gangen." in error
    assert "Intet er ændret." in error
    assert Course.select().count() == 0


def test_uploads_are_limited_to_the_import_limit_and_a_margin(app):
    assert app.config["IMPORT_MAX_BYTES"] == 20 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] == 21 * 1024 * 1024


@pytest.mark.parametrize("locale", ["da", "en"])
def test_whole_numbers_are_formatted_as_babel_formats_them(app, locale):
    """presentation.number's shortcut for whole numbers writes format_decimal's text."""
    from babel.numbers import format_decimal
    from flask_babel import force_locale

    from trivsel.statistics import presentation

    with app.test_request_context(), force_locale(locale):
        for value in (0, 7, -7, 999, 1000, -1234, 12345, 1234567, -98765432):
            expected = format_decimal(value, format="#,##0", locale=locale)
            assert presentation.number(value) == expected, (locale, value)
        assert presentation.number(2.25, 1) == format_decimal(2.25, format="#,##0.0", locale=locale)
