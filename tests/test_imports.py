"""Imports that refuse, and exports that cannot run: the history upload and command, the HSDS
import, ids from forms, and formula injection in every CSV and XLSX download.

Every refusal is a clear message (Danish on the page, English on the command line) and
changes nothing. The big files are made in tmp_path; the small malformed HSDS documents are
in tests/data/hsds/. `pytest -s` shows the measured time and memory of the big imports."""

import csv
import io
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from datetime import datetime
from pathlib import Path

import pytest
import test_history
from conftest import ON_POSTGRES
from openpyxl import Workbook, load_workbook
from test_history import database_state, edit
from test_statistics import HISTORY

from trivsel.core.db import database
from trivsel.core.numbers import MAX_ROW_ID, parse_int, row_id
from trivsel.core.spreadsheets import safe_cell, safe_row
from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course, CourseEvent, Proposal
from trivsel.directory.hsds import SCHEMAS
from trivsel.directory.models import Offer
from trivsel.statistics import exports
from trivsel.statistics import figures as statistics
from trivsel.statistics.history_export import export_folder
from trivsel.statistics.history_format import ImportRefused
from trivsel.statistics.history_import import MAX_VARIABLES, import_history
from trivsel.statistics.history_read import read_folder, read_path
from trivsel.statistics.tables import INTEGER, TEXT, Cell, Column, Row, Table
from trivsel.supervision.models import SupervisionAttendance, SupervisionMeeting

DATA = Path(__file__).parent / "data"
HSDS_DATA = DATA / "hsds"
MB = 1024 * 1024
# The history tests' fixtures: the youth branch registered, a copy of the example history.
branches = test_history.branches
folder = test_history.folder
OUT_OF_RANGE = [str(2**63), "-1", "²", "١", str(2**31), "9" * 30]
TABLES = ("inquiries", "courses", "conversations")


@pytest.fixture
def coordinator(client, auth, users):
    auth.login(users["coordinator"])
    return client


def refused(call):
    with pytest.raises(ImportRefused) as refusal:
        call()
    return str(refusal.value)


# --- Generated histories ---------------------------------------------------------------------


def write_history(folder, inquiries, with_courses=True, ref_width=20, note_width=0):
    """A history of `inquiries` inquiries (each with a course and a conversation unless
    `with_courses` is false), refs `ref_width` characters long, and a column the import
    ignores (`note`) of `note_width` characters when it is given. Returns its size."""
    folder.mkdir(parents=True, exist_ok=True)
    outcome = "course" if with_courses else "pending"
    with (
        open(folder / "inquiries.csv", "w", encoding="utf-8") as inq,
        open(folder / "courses.csv", "w", encoding="utf-8") as cou,
        open(folder / "conversations.csv", "w", encoding="utf-8") as con,
    ):
        note = f",{'n' * note_width}" if note_width else ""
        inq.write(f"ref,received_on,branch,source,outcome,birth_year{',note' if note else ''}\n")
        cou.write("ref,started_on,ended_on,follow_on\n")
        con.write("ref,held_on,mode\n")
        for i in range(inquiries):
            ref = f"{i:09d}".ljust(ref_width, "h")
            day = f"{1 + i % 12:02d}-{1 + i % 28:02d}"
            inq.write(f"{ref},2014-{day},main,self,{outcome},{1930 + i % 60}{note}\n")
            if with_courses:
                cou.write(f"{ref},2015-{day},2016-{day},{'yes' if i % 2 else 'no'}\n")
                con.write(f"{ref},2015-{day},home\n")
    return sum(os.path.getsize(folder / f"{t}.csv") for t in TABLES)


def multipart_body(path, files):
    """Write a multipart/form-data body for the upload form's field "files" to `path`;
    `files` are (filename, source path). Returns the boundary. (The test client's own
    encoding spools a big body to a file it never closes.)"""
    boundary = "trivsel-test-boundary-7d1f"
    with open(path, "wb") as out:
        for filename, source in files:
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            )
            with open(source, "rb") as data:
                shutil.copyfileobj(data, out)
            out.write(b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
    return boundary


def post_body(client, path, boundary):
    """POST the body in `path` to the upload; returns the response and how much was read."""
    with open(path, "rb") as body:
        response = client.post(
            "/statistics/import",
            input_stream=body,
            content_length=os.path.getsize(path),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        return response, body.tell()


def field_error(response):
    return response.get_data(as_text=True).split('id="files-error">')[1].split("</p>")[0]


@pytest.fixture
def statements(monkeypatch):
    """The most values any one SQL statement sent, while the test runs."""
    seen = {"max": 0, "count": 0}
    real = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen["max"] = max(seen["max"], len(params or ()))
        seen["count"] += 1
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    return seen


# --- Size and rows -----------------------------------------------------------------------------


# The 10 MB history: 40,000 inquiries with their courses and conversations; on PostgreSQL,
# whose inserts cost three times as much, 12,000 with a long column the import ignores.
TEN_MB_INQUIRIES = 12_000 if ON_POSTGRES else 40_000


def test_a_10_mb_history_upload_imports_in_short_statements(coordinator, tmp_path, statements):
    """The upload that used to end in "too many SQL variables": written in batches and
    looked up in short `IN` lists, on SQLite and PostgreSQL alike."""
    n = TEN_MB_INQUIRIES
    history = tmp_path / "history"
    size = write_history(history, n, ref_width=64, note_width=max(0, 10_600_000 // n - 270))
    assert 10 * MB <= size < 20 * MB
    body = tmp_path / "body"
    boundary = multipart_body(body, [(f"{t}.csv", history / f"{t}.csv") for t in TABLES])
    start = time.perf_counter()
    response, _read = post_body(coordinator, body, boundary)
    seconds = time.perf_counter() - start
    assert response.status_code == 303, field_error(response)
    print(f"\n10 MB upload ({size / MB:.1f} MB, {3 * n:,} rows): {seconds:.1f} s")
    assert Course.select().count() == n
    assert Conversation.select().count() == n
    assert CourseEvent.select().count() == n
    assert 0 < statements["max"] <= MAX_VARIABLES
    # The same upload again: every ref looked up (in short lists), nothing new written.
    statements["max"] = 0
    before = database_state()
    response, _read = post_body(coordinator, body, boundary)
    assert response.status_code == 303
    assert database_state() == before
    assert 0 < statements["max"] <= MAX_VARIABLES


def test_a_50_mb_upload_is_refused_unread_with_a_danish_message(coordinator, tmp_path):
    body = tmp_path / "body"
    with open(body, "wb") as out:  # sparse: 50 MB that take no time to write
        out.truncate(50 * MB)
    response, read = post_body(coordinator, body, "trivsel-test-boundary-7d1f")
    assert response.status_code == 413
    assert read == 0  # refused from the declared length, before a byte was read
    error = field_error(response)
    assert "Filerne fylder for meget: højst 20 MB kan indlæses ad gangen." in error
    assert "Intet er ændret." in error
    assert Course.select().count() == 0


def test_a_50_mb_history_on_the_command_line_is_refused_before_it_is_read(runner, tmp_path):
    history = tmp_path / "history"
    write_history(history, 10)
    with open(history / "inquiries.csv", "r+b") as big:
        big.truncate(50 * MB)  # sparse
    result = runner.invoke(args=["import-history", str(history)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "import refused, nothing changed" in result.output
    assert "filerne fylder 50 MB, men højst 20 MB kan indlæses ad gangen" in result.output
    assert Course.select().count() == 0


def test_files_over_the_import_limit_but_under_the_request_limit(coordinator, app, tmp_path):
    app.config["IMPORT_MAX_BYTES"] = 2000
    history = tmp_path / "history"
    write_history(history, 40)
    body = tmp_path / "body"
    boundary = multipart_body(body, [(f"{t}.csv", history / f"{t}.csv") for t in TABLES])
    response, _read = post_body(coordinator, body, boundary)
    assert response.status_code == 422
    assert "De tre CSV-filer fylder 5 kB, men højst 2 kB kan indlæses ad gangen. Intet er " in (
        field_error(response)
    )
    assert Course.select().count() == 0


def test_the_import_limit_raises_the_request_limit_from_the_environment():
    from trivsel.core import config

    settings = config.from_environment({"TRIVSEL_IMPORT_MAX_BYTES": str(50 * MB)})
    assert settings["MAX_CONTENT_LENGTH"] == 51 * MB
    assert config.DEFAULTS["MAX_CONTENT_LENGTH"] >= config.DEFAULTS["IMPORT_MAX_BYTES"]


def test_just_under_the_row_limit_imports_and_one_more_row_is_refused(app, tmp_path):
    app.config["IMPORT_MAX_ROWS"] = 1000
    history = tmp_path / "history"
    write_history(history, 1000)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-history", str(history)])
    assert result.exit_code == 0, result.output
    assert "imported 1000 inquiries, 1000 courses, 1000 conversations" in result.output
    Conversation.delete().execute()
    CourseEvent.delete().execute()
    Course.delete().execute()
    write_history(history, 1001)
    result = runner.invoke(args=["import-history", str(history)])
    assert result.exit_code == 1
    assert "inquiries.csv, række 1002: der er flere end 1.000 rækker" in result.output
    assert Course.select().count() == 0


MEASURE = r"""
import sys, time
from trivsel import create_app
from trivsel.schema import prepare_database


def peak_mb():
    # VmHWM: this program's own peak. getrusage's ru_maxrss would carry the peak of the
    # process it was forked from (a test worker of a few hundred MB) across the exec.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "SECRET_KEY": "measure",
                  "PLUGINS_DIR": sys.argv[3], "ENTRY_POINT_PLUGINS": False})
with app.app_context():
    prepare_database()
before = peak_mb()
start = time.perf_counter()
result = app.test_cli_runner().invoke(args=["import-history", sys.argv[2]])
print(result.output.strip())
print(f"seconds={time.perf_counter() - start:.1f}")
print(f"before_mb={before:.0f}")
print(f"peak_mb={peak_mb():.0f}")
"""


def test_a_history_past_the_row_limit_is_refused_in_bounded_memory(tmp_path):
    """200,001 inquiries (10 MB): read row by row and planned whole, which is the most an
    import holds at once (an accepted one of 200,000 adds only its batches), then refused
    at the row limit. Measured in a process of its own: its peak resident memory."""
    history = tmp_path / "history"
    size = write_history(history, 200_001, with_courses=False)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            f"sqlite:///{tmp_path / 'measure.db'}",
            str(history),
            str(tmp_path / "no-plugins"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("TRIVSEL_")},
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert "række 200002: der er flere end 200.000 rækker" in result.stdout
    peak = int(lines["peak_mb"])
    print(
        f"\n200,001-row history ({size / MB:.1f} MB): refused after {lines['seconds']} s, "
        f"peak {peak} MB resident (the app alone: {lines['before_mb']} MB)"
    )
    assert peak < 200


# --- Workbooks ---------------------------------------------------------------------------------


def inline_row(values):
    cells = b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % v.encode() for v in values)
    return b"<row>" + cells + b"</row>"


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    + inline_row(["ref", "received_on", "branch", "source", "outcome"])
)
SHEET_TAIL = b"</sheetData></worksheet>"


def workbook_parts():
    """The parts of a small, valid history workbook (sheets inquiries, courses,
    conversations), as {name: bytes}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        workbook.create_sheet(table).append(["ref"])
    out = io.BytesIO()
    workbook.save(out)
    with __import__("zipfile").ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def deflated(data):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def repeated(head, chunk, times, tail):
    """Raw deflate of head + chunk * times + tail, made without compressing it all: after a
    full flush the compressor starts afresh, so each chunk compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return start + block * times + end, crc, len(head) + len(chunk) * times + len(tail)


def write_zip(path, parts, declared=None):
    """An .xlsx (a zip) of `parts` {name: (deflated, crc, size)}; `declared` {name: size}
    lies about the unpacked size of a part."""
    declared = declared or {}
    directory = []
    with open(path, "wb") as out:
        for name, (data, crc, size) in parts.items():
            size = declared.get(name, size)
            encoded, offset = name.encode(), out.tell()
            fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + data)
            entry = (20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0)
            directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", *entry, 0, offset))
            directory[-1] += encoded
        start = out.tell()
        out.write(b"".join(directory))
        count, length = len(directory), out.tell() - start
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, length, start, 0))
    return path


def bomb(path, sheet, declared=None, extra=None):
    """The small workbook with its inquiries sheet (sheet1.xml) replaced by `sheet` (a
    deflated part), and `extra` parts added."""
    parts = {name: deflated(data) for name, data in workbook_parts().items()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    parts.update(extra or {})
    return write_zip(path, parts, declared)


ROWS_OF_CELLS = b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>"


def bombs(tmp_path):
    """(name, path, what the refusal says) of workbooks that unpack to far more than they
    weigh: each a few hundred kB to a few MB on disk."""
    return [
        (
            "inflates to 800 MB",
            bomb(
                tmp_path / "800mb.xlsx",
                repeated(SHEET_HEAD, (ROWS_OF_CELLS + b" " * 8031) * 1024, 100, SHEET_TAIL),
            ),
            "MB udpakket, men højst 95 MB kan læses",
        ),
        (
            "more cells than the budget",
            bomb(
                tmp_path / "cells.xlsx",
                repeated(SHEET_HEAD, (b"<row>" + b"<c/>" * 1000 + b"</row>") * 256, 5, SHEET_TAIL),
            ),
            "regnearket har flere end 1.000.000 celler",
        ),
        (
            "one row of 20,000 cells",
            bomb(
                tmp_path / "wide.xlsx",
                deflated(SHEET_HEAD + b"<row>" + b"<c/>" * 20_000 + b"</row>" + SHEET_TAIL),
            ),
            "en række i regnearket har flere end 16.384 celler",
        ),
        (
            "declares less than it unpacks to",
            bomb(
                tmp_path / "lying.xlsx",
                repeated(SHEET_HEAD, ROWS_OF_CELLS * 6_000, 50, SHEET_TAIL),
                declared={"xl/worksheets/sheet1.xml": 4096},
            ),
            "filen kan ikke læses som et Excel-regneark",
        ),
        (
            "entity expansion",
            bomb(
                tmp_path / "laughs.xlsx",
                deflated(
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<sheetData><row><c><v>&lol2;</v></c></row></sheetData></worksheet>"
                ),
            ),
            "regnearket indeholder en DTD",
        ),
        (
            "2,000 parts",
            bomb(
                tmp_path / "parts.xlsx",
                deflated(SHEET_HEAD + SHEET_TAIL),
                extra={f"xl/media/{i}.bin": deflated(b"") for i in range(2000)},
            ),
            "regnearket har for mange dele",
        ),
        (
            "a styles part of 8 MB",
            bomb(
                tmp_path / "styles.xlsx",
                deflated(SHEET_HEAD + SHEET_TAIL),
                extra={"xl/styles.xml": repeated(b"<a>", b"<b/>" * 262_144, 8, b"</a>")},
            ),
            "en del af regnearket er for stor",
        ),
    ]


def test_workbook_bombs_are_refused_early_and_change_nothing(branches, tmp_path):
    """Refused by the checks before openpyxl reads a cell (the message names which); the time
    is printed (-s), not asserted: a benchmark's business, on a machine this noisy."""
    for name, path, message in bombs(tmp_path):
        assert path.stat().st_size < 3 * MB, name
        start = time.perf_counter()
        text = refused(lambda path=path: read_path(path))
        seconds = time.perf_counter() - start
        print(f"\n{name} ({path.stat().st_size / 1024:.0f} kB): refused in {seconds:.2f} s")
        assert message in text, (name, text)
    assert Course.select().count() == 0


def test_a_workbook_bomb_upload_gets_a_danish_message_on_the_page(branches, coordinator, tmp_path):
    _name, path, message = bombs(tmp_path)[0]
    body = tmp_path / "body"
    response, _read = post_body(coordinator, body, multipart_body(body, [("historik.xlsx", path)]))
    assert response.status_code == 422
    error = field_error(response)
    assert "Indlæsningen er afvist, og intet er ændret. historik.xlsx, række 1:" in error
    assert message in error
    assert Course.select().count() == 0


def test_a_sheet_that_declares_a_million_rows_stops_at_the_row_limit(branches, tmp_path, app):
    app.config["IMPORT_MAX_ROWS"] = 1000
    sheet = deflated(
        SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
        + b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>'
        + SHEET_TAIL
    )
    path = bomb(tmp_path / "tall.xlsx", sheet)
    with app.app_context():  # the limits are the app's
        text = refused(lambda: list(read_path(path)["inquiries"]))
    assert "inquiries, række 1002: der er flere end 1.000 rækker" in text


def test_a_cell_openpyxl_cannot_read_refuses_at_its_row(branches, tmp_path):
    sheet = deflated(SHEET_HEAD + b'<row><c t="n"><v>not a number</v></c></row>' + SHEET_TAIL)
    text = refused(lambda: list(read_path(bomb(tmp_path / "odd.xlsx", sheet))["inquiries"]))
    assert "inquiries, række 2: rækken kan ikke læses i regnearket." in text


def test_a_workbook_with_broken_compressed_data_is_unreadable(branches, tmp_path):
    data, crc, size = deflated(SHEET_HEAD + SHEET_TAIL)
    sheet = (data[:10] + b"\xff" * 40 + data[50:], crc, size)
    text = refused(lambda: read_path(bomb(tmp_path / "broken.xlsx", sheet)))
    assert "broken.xlsx, række 1: filen kan ikke læses som et Excel-regneark." in text


def history_workbook(path, birth_year="1972", ref="A1"):
    """The fixture history as a workbook, the first inquiry's ref and birth year as given."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in TABLES:
        sheet = workbook.create_sheet(table)
        with open(HISTORY / f"{table}.csv", encoding="utf-8") as source:
            for record in csv.reader(source):
                sheet.append([int(v) if v.isdigit() else v for v in record])
    first = workbook["inquiries"]
    first["A2"] = ref
    first["F2"] = birth_year
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    "value, shown",
    [("19²2", "19²2"), ("١٩٧٢", "١٩٧٢"), (1e300, str(int(1e300))[:40]), (-1972, "-1972")],
)
def test_odd_numbers_in_a_workbook_are_refused(branches, tmp_path, value, shown):
    path = history_workbook(tmp_path / "history.xlsx", birth_year=value)
    text = refused(lambda: import_history(read_path(path), branches))
    assert f"inquiries, række 2: fødselsåret “{shown}" in text
    assert Course.select().count() == 0


# --- Numbers and dates ------------------------------------------------------------------------


@pytest.mark.parametrize("digit", ["19²2", "²", "١٩٧٢", "１９７２", "+1972", "1_972", "1972.0"])
def test_a_birth_year_of_odd_digits_is_refused(branches, folder, digit):
    edit(folder, "inquiries", "1972", digit)
    text = refused(lambda: import_history(read_folder(folder), branches))
    assert "inquiries.csv, række 8: fødselsåret" in text
    assert Course.select().count() == 0


@pytest.mark.parametrize("day", ["2012-1²-15", "２０１２-10-15", "2012-10-1５", "20121015"])
def test_a_date_of_odd_digits_is_refused(branches, folder, day):
    edit(folder, "inquiries", "A2,2012-10-15", f"A2,{day}")
    text = refused(lambda: import_history(read_folder(folder), branches))
    assert "inquiries.csv, række 3:" in text and "ikke en gyldig dato" in text


def test_the_superscript_digit_upload_gets_a_danish_message(branches, coordinator, tmp_path):
    files = []
    for table in TABLES:
        text = (HISTORY / f"{table}.csv").read_text(encoding="utf-8")
        if table == "inquiries":
            text = text.replace("1972", "19²2", 1)
        files.append((io.BytesIO(text.encode("utf-8")), f"{table}.csv"))
    response = coordinator.post(
        "/statistics/import", data={"files": files}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "inquiries.csv, række 8: fødselsåret “19²2” er ikke et år" in field_error(response)
    assert Course.select().count() == 0


def test_numbers_are_parsed_from_ascii_digits_only():
    assert parse_int("1972") == 1972 and parse_int("-3") == -3
    for text in ("²", "19²2", "١٢", "１２", " 12", "12 ", "+12", "1_000", "", "1e3", "9" * 19):
        with pytest.raises(ValueError):
            parse_int(text)
    with pytest.raises(ValueError):
        parse_int("1899", 1900, 2025)
    assert row_id("42") == 42 and row_id(0) == 0  # a choice's own value passes as it is
    assert row_id("0") == 0  # a "choose one" placeholder
    for text in OUT_OF_RANGE + ["", None]:
        with pytest.raises(ValueError):
            row_id(text)
    assert row_id(str(MAX_ROW_ID)) == MAX_ROW_ID


def test_a_long_ref_and_a_long_line_are_refused_by_name(branches, folder):
    edit(folder, "inquiries", "A2,", "A2" + "x" * 70 + ",")
    text = refused(lambda: import_history(read_folder(folder), branches))
    assert "inquiries.csv, række 3: “ref” er længere end 64 tegn" in text
    shutil.copy(HISTORY / "inquiries.csv", folder / "inquiries.csv")
    (folder / "courses.csv").write_bytes(b"ref,started_on\n" + b"x" * (70 * 1024) + b"\n")
    text = refused(lambda: import_history(read_folder(folder), branches))
    assert "courses.csv, række 2: linjen er længere end 65.536 byte" in text


# --- Formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["=1+2", "+A1", "-A1", "@SUM(A1)", "=HYPERLINK(x)"])
def test_a_ref_that_a_spreadsheet_would_run_is_refused(branches, folder, ref):
    edit(folder, "inquiries", "A2,2012-10-15", f"{ref},2012-10-15")
    text = refused(lambda: import_history(read_folder(folder), branches))
    assert f"inquiries.csv, række 3: ref “{ref}” begynder med et tegn" in text
    assert Course.select().count() == 0


def test_safe_cell_quotes_formula_text_and_leaves_numbers():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "-"):
        assert safe_cell(text) == "'" + text
    for value in ("A=1", "1-10", "", "—", "'=x", -3, -2.5, 0, None, True):
        assert safe_cell(value) == value
    assert safe_row({"a": "=x", "b": -1}) == {"a": "'=x", "b": -1}
    assert safe_row(("-x", -1)) == ["'-x", -1]


def test_the_history_export_neutralises_formula_text(app, tmp_path):
    # Refs imported before they were checked, and one a spreadsheet would take for a formula.
    for i, ref in enumerate(["=cmd|'/C calc'!A0", "-1+1", "@x", "ok"]):
        Course.create(
            ref=ref,
            stage="new",
            branch="main",
            received_on=datetime(2014, 1, 1 + i).date(),
            initiated_by="citizen",
            birth_year=1950,
        )
    export_folder(tmp_path / "out")
    with open(tmp_path / "out" / "inquiries.csv", encoding="utf-8", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert [row["ref"] for row in rows] == ["'=cmd|'/C calc'!A0", "'-1+1", "'@x", "ok"]
    assert {row["birth_year"] for row in rows} == {"1950"}


def test_the_annual_csv_and_xlsx_neutralise_text_and_keep_numbers(app):
    rows = [{"branch": "=evil()", "start": "2014-01-01", "inquiries": -3}]
    text = statistics.csv_text(("branch", "start", "inquiries"), rows)
    assert text.splitlines()[1] == "'=evil(),2014-01-01,-3"

    # The downloads are built from the page's tables: text cells neutralised, numbers kept.
    table = Table("t", "=evil()", "", corner="+x", columns=[Column("1", "@x")])
    table.rows = [
        Row("r", "=evil()", [Cell("-3", INTEGER, -3)]),
        Row("s", "-", [Cell("+1", TEXT, "+1")]),
    ]
    workbook = load_workbook(io.BytesIO(exports.annual_xlsx([table], "=title")))
    values = [[(c.value, c.data_type) for c in row] for row in workbook.active.iter_rows()]
    assert values[0][0] == ("'=title", "s") and values[1][0] == ("'=evil()", "s")
    assert values[3][:2] == [("'+x", "s"), ("'@x", "s")]
    assert values[4][:2] == [("'=evil()", "s"), (-3, "n")]
    assert values[5][:2] == [("'-", "s"), ("'+1", "s")]
    danish = exports.annual_csv_danish([table], "=title").decode("utf-8-sig")
    assert danish.splitlines()[0] == "'=title"
    assert "'=evil();-3" in danish.splitlines() and "'-;'+1" in danish.splitlines()
    plain = exports.annual_csv_plain([table]).decode("utf-8").splitlines()
    assert plain[1:] == ["t,r,1,-3", "t,s,1,'+1"]


def test_the_annual_downloads_have_no_formula_cells(coordinator, branches):
    import_history(read_folder(HISTORY), branches)
    workbook = load_workbook(io.BytesIO(coordinator.get("/statistics/annual.xlsx").data))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert cells and not [cell for cell in cells if cell.data_type == "f"]
    for path, separator in (("annual.csv", ";"), ("annual-data.csv", ",")):
        text = coordinator.get(f"/statistics/{path}").get_data(as_text=True)
        values = [value for line in text.splitlines() for value in line.split(separator)]
        assert values and not [value for value in values if value.startswith(("=", "+", "@"))]


# --- HSDS --------------------------------------------------------------------------------------

MALFORMED_HSDS = [
    ("name_as_number.json", "$[0].name: 12345 is not of type 'string'"),
    ("organization_as_string.json", "$[0].organization: 'Ældresagen' is not of type 'object'"),
    ("missing_id.json", "$[0]: 'id' is a required property"),
    ("missing_name.json", "$[0]: 'name' is a required property"),
    ("status_unknown.json", "$[0].status: 'open' is not one of"),
    ("id_not_a_uuid.json", "$[0].id: 'gaahold-1' is not a 'uuid'"),
    ("age_as_text.json", "$[0].minimum_age: 'tres' is not of type 'number'"),
    ("age_out_of_range.json", "$[0].minimum_age: a whole number of years from 0 to 150"),
    ("attributes_as_string.json", "$[0].attributes: 'exercise' is not of type 'array'"),
    ("organization_without_name.json", "$[0].organization: 'name' is a required property"),
    ("second_service_broken.json", "$[1]: 'id' is a required property"),
    ("list_of_strings.json", "$[0]: expected a service or an organization (an object)"),
    ("a_number.json", "$: expected a JSON array of services or an object, not a number"),
    ("services_not_an_array.json", "$.services: expected an array of services, not an object"),
    ("not_json.json", "not JSON: Expecting property name"),
    ("nan_age.json", "not JSON: NaN is not a JSON number"),
    ("latin_1.json", "not UTF-8"),
    ("empty.json", "not JSON: Expecting value"),
]


@pytest.fixture
def an_offer(app):
    return Offer.create(
        hsds_id="5d4e7a1c-1f0b-4c9e-8a3d-2b6f9e0c1a47",
        source="hsds",
        organisation_name="Før",
        name="Gåhold før",
    )


def offers_state():
    return sorted(Offer.select(Offer.hsds_id, Offer.name, Offer.minimum_age).tuples())


def refuse_hsds(runner, path):
    result = runner.invoke(args=["directory", "import-hsds", str(path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a clean refusal, no traceback
    assert "import refused, nothing changed" in result.output
    return result.output


@pytest.mark.parametrize("name, message", MALFORMED_HSDS, ids=[n for n, _ in MALFORMED_HSDS])
def test_a_malformed_hsds_file_is_refused_and_changes_nothing(runner, an_offer, name, message):
    before = offers_state()
    output = refuse_hsds(runner, HSDS_DATA / name)
    assert message in output
    assert offers_state() == before


@pytest.mark.parametrize("depth", [100_000, 200])
def test_a_deeply_nested_hsds_file_is_refused(runner, an_offer, tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text('[{"id": "x", "name": ' + "[" * depth + "]" * depth + "}]")
    before = offers_state()
    assert "nested more than 32 deep" in refuse_hsds(runner, path)
    assert offers_state() == before


def test_an_hsds_file_of_millions_of_values_is_refused_before_it_is_parsed(runner, tmp_path):
    path = tmp_path / "many.json"
    path.write_text("[" + "[]," * 2_000_000 + "[]]")
    assert "more than 2,000,000 values" in refuse_hsds(runner, path)


def test_an_hsds_file_over_the_size_limit_is_refused_unread(runner, app, tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as big:
        big.truncate(21 * MB)  # sparse
    assert "at most 20,971,520 can be imported" in refuse_hsds(runner, path)


def test_the_valid_hsds_file_imports_and_updates(runner, an_offer):
    result = runner.invoke(args=["directory", "import-hsds", str(HSDS_DATA / "valid_service.json")])
    assert result.exit_code == 0, result.output
    assert "imported 0 new offers, updated 1" in result.output
    offer = Offer.get()
    assert (offer.name, offer.minimum_age, offer.category_codes) == (
        "Gåhold i Fredericia",
        60,
        ["exercise"],
    )


def test_the_hsds_schemas_ship_in_the_package_as_published():
    names = {path.name for path in SCHEMAS.glob("*.json")}
    assert {"service.json", "organization.json", "location.json"} <= names
    assert (SCHEMAS / "LICENSE").is_file() and (SCHEMAS / "README.md").is_file()
    assert SCHEMAS.parent.name == "directory" and SCHEMAS.parents[1].name == "trivsel"
    published = Path("/work/shared/data/hsds-3.0/schema")
    if not published.exists():
        published = Path(__file__).resolve().parents[2] / "shared" / "data" / "hsds-3.0" / "schema"
    if published.exists():
        for name in names:
            assert (SCHEMAS / name).read_bytes() == (published / name).read_bytes(), name


# --- Ids out of range --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_an_odd_volunteer_id_in_the_proposal_is_a_validation_error(kit, bad):
    course_id = kit.to(flow.MATCHING)
    before = Course.get_by_id(course_id).version
    response = kit.step(course_id, flow.PROPOSE, volunteer=bad)
    assert response.status_code == 422
    assert "Vælg en af mulighederne." in response.get_data(as_text=True)
    assert Proposal.select().count() == 0
    assert Course.get_by_id(course_id).version == before


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_an_odd_version_is_a_conflict_not_a_crash(kit, bad):
    course_id = kit.to(flow.NEW)
    response = kit.step(course_id, flow.FIRST_CONTACT, version=bad)
    assert response.status_code == 409
    assert Course.get_by_id(course_id).stage == flow.NEW


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_odd_ids_in_other_forms_and_addresses_are_refused(kit, users, bad):
    kit.as_("coordinator")
    form = {"away": bad, "covered_by": str(users["coordinator"].id), "starts_on": "2025-01-01"}
    assert kit.client.post("/dashboard/cover", data=form).status_code == 422
    meeting = SupervisionMeeting.create(starts_at=datetime(2025, 4, 2, 17, 0))
    response = kit.client.post(f"/supervision/meetings/{meeting.id}", data={"attended": [bad]})
    assert response.status_code == 400
    assert SupervisionAttendance.select().count() == 0
    for path in ("/courses/{}", "/volunteers/{}", "/directory/{}", "/admin/users/{}"):
        assert kit.client.get(path.format(bad)).status_code == 404, path
    assert kit.client.get(f"/courses?volunteer={bad}").status_code < 500
