"""Importing spreadsheet history: all or nothing, idempotent, no personal data, round trip."""

import shutil
from pathlib import Path

import pytest
from test_statistics import HISTORY, SEPTEMBER, YouthBranch  # noqa: F401 (fixture class)

from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent
from trivsel.statistics import figures as statistics
from trivsel.statistics.history_format import ImportRefused
from trivsel.statistics.history_import import import_history
from trivsel.statistics.history_read import read_folder, read_path


@pytest.fixture
def branches(app):
    plugins = app.extensions["trivsel.plugins"]
    plugins.register(YouthBranch(), "test-youth", "test")
    try:
        yield plugins.branches()
    finally:
        plugins.unregister("test-youth")


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "history"
    shutil.copytree(HISTORY, target)
    return target


def database_state():
    return (
        sorted(Course.select(Course.ref, Course.stage, Course.version).tuples()),
        Conversation.select().count(),
        CourseEvent.select().count(),
    )


def edit(folder, table, old, new):
    path = folder / f"{table}.csv"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_import_creates_the_records_without_personal_data(branches, folder):
    result = import_history(read_folder(folder), branches)
    assert (result.inquiries, result.courses, result.conversations) == (8, 5, 13)
    assert Citizen.select().count() == 0
    stages = dict(Course.select(Course.ref, Course.stage).tuples())
    assert stages == {
        "A1": "followed_up",
        "A2": "followed_up",
        "A3": "declined",
        "A4": "active",
        "A5": "followed_up",
        "A6": "referred_elsewhere",
        "A7": "followed_up",
        "A8": "new",
    }
    a2 = Course.get(Course.ref == "A2")
    assert (a2.initiated_by, a2.follow_on_contact, a2.channel) == ("professional", False, None)
    assert Course.get(Course.ref == "A1").initiated_by == "citizen"  # "self" in the history


def test_importing_twice_changes_nothing_the_second_time(branches, folder):
    import_history(read_folder(folder), branches)
    before = database_state()
    result = import_history(read_folder(folder), branches)
    assert result.inquiries == 0 and len(result.skipped) == 8
    assert database_state() == before


REFUSALS = [
    (
        "inquiries",
        "A2,2012-10-15",
        "A2,2012-10-32",
        "inquiries.csv, række 3",
        "ikke en gyldig dato",
    ),
    (
        "inquiries",
        "A2,2012-10-15",
        "A2,15-10-2012",
        "inquiries.csv, række 3",
        "ikke en gyldig dato",
    ),
    (
        "inquiries",
        "A3,2013-08-31",
        "A3,2013-02-29",
        "inquiries.csv, række 4",
        "ikke en gyldig dato",
    ),
    ("inquiries", "A5,2014-01-10,main", "A5,2014-01-10,mars", "række 6", "“mars” i “branch”"),
    ("inquiries", "A6,2014-03-01,main,self", "A6,2014-03-01,main,me", "række 7", "“me” i “source”"),
    ("inquiries", "referred_elsewhere", "gone", "række 7", "“gone” i “outcome”"),
    ("inquiries", "A7,", "A1,", "inquiries.csv, række 8", "ref “A1” står to gange"),
    ("inquiries", "1972", "18x2", "række 8", "fødselsåret “18x2”"),
    ("inquiries", "A8,2015-10-01", "A8,2999-10-01", "række 9", "ligger i fremtiden"),
    ("courses", "A7,2015-03-01", "A9,2015-03-01", "courses.csv, række 6", "“A9” findes ikke"),
    ("courses", "A2,2012-11-01", "A3,2012-11-01", "courses.csv, række 3", "har ikke udfaldet"),
    ("courses", "2013-08-31,yes", "2011-08-31,yes", "courses.csv, række 2", "slutter før"),
    ("courses", "A1,2012-09-10", "A1,2012-08-10", "courses.csv, række 2", "starter før"),
    ("courses", "2014-02-28,no", "2014-02-28,maybe", "courses.csv, række 3", "“maybe”"),
    ("courses", "A4,2013-09-15,,", "A4,2013-09-15,,yes", "række 4", "kræver en slutdato"),
    ("courses", "A5,2014-02-01", "A1,2014-02-01", "courses.csv, række 5", "står to gange"),
    ("conversations", "A1,2012-09-10", "A1,2012-09-09", "conversations.csv, række 2", "uden for"),
    ("conversations", "A7,2015-10-15,home", "A7,2015-10-16,home", "række 14", "uden for"),
    ("conversations", "A2,2012-11-05,home", "A6,2012-11-05,home", "række 5", "“A6” findes ikke"),
    ("conversations", "A2,2012-11-05,home", "A2,2012-11-05,car", "række 5", "“car” i “mode”"),
    ("conversations", "ref,held_on", "reference,held_on", "conversations.csv, række 1", "“ref”"),
]


@pytest.mark.parametrize("table, old, new, where, problem", REFUSALS)
def test_a_bad_row_refuses_the_whole_import(branches, folder, table, old, new, where, problem):
    edit(folder, table, old, new)
    before = database_state()
    with pytest.raises(ImportRefused) as refused:
        import_history(read_folder(folder), branches)
    message = str(refused.value)
    assert where in message
    assert problem in message
    assert database_state() == before


def test_a_refusal_after_earlier_imports_leaves_them_as_they_were(branches, folder, tmp_path):
    import_history(read_folder(folder), branches)
    before = database_state()
    edit(folder, "inquiries", "A8,2015-10-01,youth", "A8,2015-10-02,youth")
    with pytest.raises(ImportRefused) as refused:
        import_history(read_folder(folder), branches)
    assert "findes allerede med andre oplysninger" in str(refused.value)
    assert database_state() == before


def test_a_missing_file_is_named(branches, folder):
    (folder / "courses.csv").unlink()
    with pytest.raises(ImportRefused) as refused:
        read_folder(folder)
    assert "courses.csv" in str(refused.value)


def test_the_command_exits_non_zero_and_changes_nothing(branches, folder, runner):
    edit(folder, "conversations", "A1,2013-01-01", "A1,2013-13-01")
    result = runner.invoke(args=["import-history", str(folder)])
    assert result.exit_code != 0
    assert "conversations.csv, række 3" in result.output
    assert Course.select().count() == 0


def test_round_trip_import_export_import_gives_the_same_report(app, branches, folder, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-history", str(folder)]).exit_code == 0
    report = {b: statistics.annual_figures(b, SEPTEMBER) for b in ("main", "youth", "all")}
    out = tmp_path / "exported"
    result = runner.invoke(args=["export-history", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "inquiries.csv",
        "courses.csv",
        "conversations.csv",
    }
    # Into an empty database again.
    Conversation.delete().execute()
    CourseEvent.delete().execute()
    Course.delete().execute()
    assert runner.invoke(args=["import-history", str(out)]).exit_code == 0
    again = {b: statistics.annual_figures(b, SEPTEMBER) for b in ("main", "youth", "all")}
    assert again == report


def test_an_xlsx_workbook_is_read_like_the_folder(branches, folder, tmp_path):
    import csv

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in ("inquiries", "courses", "conversations"):
        sheet = workbook.create_sheet(table)
        with open(folder / f"{table}.csv", encoding="utf-8") as source:
            for record in csv.reader(source):
                sheet.append([int(v) if v.isdigit() else v for v in record])
    path = tmp_path / "history.xlsx"
    workbook.save(path)
    from_xlsx = read_path(path)
    from_csv = read_folder(folder)
    assert [[r.values for r in from_xlsx[t]] for t in from_xlsx] == [
        [r.values for r in from_csv[t]] for t in from_csv
    ]
    result = import_history(from_xlsx, branches)
    assert result.conversations == 13


def test_native_courses_export_with_a_generated_ref(kit, tmp_path, app):
    from trivsel.courses import flow
    from trivsel.statistics.history_export import export_rows

    kit.to(flow.ACTIVE)
    rows = export_rows()
    assert rows["inquiries"][0]["ref"].startswith("trivsel-")
    assert rows["inquiries"][0]["outcome"] == "course"
    assert rows["courses"][0]["ended_on"] == ""
    assert "Gerda" not in str(rows)  # no personal data in the export


def test_path_must_be_a_folder_or_xlsx(tmp_path):
    other = tmp_path / "history.ods"
    other.write_text("x")
    with pytest.raises(ImportRefused):
        read_path(Path(other))
