"""The annual report, checked number by number on a hand-made history across year boundaries."""

import json
from datetime import date
from pathlib import Path

import pytest

from trivsel.core.hookspecs import Branch, hookimpl
from trivsel.statistics import figures as statistics
from trivsel.statistics.history_import import import_history
from trivsel.statistics.history_read import read_folder

HISTORY = Path(__file__).parent / "data" / "history"
SEPTEMBER = (9, 1)


class YouthBranch:
    @hookimpl
    def trivsel_branches(self):
        return [Branch("youth", "Brobygning")]


@pytest.fixture
def youth(app):
    plugins = app.extensions["trivsel.plugins"]
    plugins.register(YouthBranch(), "test-youth", "test")
    try:
        yield
    finally:
        plugins.unregister("test-youth")


@pytest.fixture
def history(app, youth):
    with app.app_context():
        result = import_history(read_folder(HISTORY), app.extensions["trivsel.plugins"].branches())
    assert (result.inquiries, result.courses, result.conversations) == (8, 5, 13)


def row(start, inquiries, citizens, conversations, per_citizen, follow_on):
    return {
        "start": start,
        "inquiries": inquiries,
        "citizens_in_courses": citizens,
        "conversations": conversations,
        "conversations_per_citizen": per_citizen,
        "follow_on_percent": follow_on,
    }


def figures(branch, month_day=SEPTEMBER):
    return [f.as_dict() for f in statistics.annual_figures(branch, month_day)]


def test_main_table_by_project_years_from_september(history):
    # Y1: A1 ends on the year's last day (counted in Y1, not Y2); A3 arrives that day.
    # Y2: a conversation on the year's first day; A2 spans Y1 and Y2; inquiries of every
    #     branch count (A4 is the youth branch's).
    # Y3: a year with no endings. Y4: one yes, one no.
    assert figures("main") == [
        row("2012-09-01", 3, 2, 4, 2.0, 100),
        row("2013-09-01", 3, 2, 3, 1.5, 0),
        row("2014-09-01", 1, 2, 2, 1.0, None),
        row("2015-09-01", 1, 2, 2, 1.0, 50),
    ]


def test_the_youth_branch_apart(history):
    rows = figures("youth")
    assert rows[:3] == [
        row("2013-09-01", 1, 1, 2, 2.0, None),
        row("2014-09-01", 0, 1, 0, 0.0, None),
        row("2015-09-01", 1, 1, 0, 0.0, None),
    ]
    # A4 is still active, so it counts in every year up to this one.
    assert rows[-1]["start"] == statistics.year_of(date.today(), SEPTEMBER).isoformat()
    assert all(r == row(r["start"], 0, 1, 0, 0.0, None) for r in rows[3:])


def test_the_total(history):
    assert figures("all")[:4] == [
        row("2012-09-01", 3, 2, 4, 2.0, 100),
        row("2013-09-01", 3, 3, 5, 1.7, 0),
        row("2014-09-01", 1, 3, 2, 0.7, None),
        row("2015-09-01", 1, 3, 2, 0.7, 50),
    ]


def test_calendar_years_by_default(history):
    rows = figures("main", (1, 1))
    assert rows[0] == row("2012-01-01", 2, 2, 2, 1.0, None)
    assert rows[1] == row("2013-01-01", 2, 2, 3, 1.5, 100)


def test_no_data_no_years(app):
    assert statistics.annual_figures("main") == []


@pytest.mark.parametrize(
    "yes, total, percent", [(1, 8, 13), (1, 3, 33), (2, 3, 67), (1, 2, 50), (0, 0, None)]
)
def test_percent_rounds_half_up(yes, total, percent):
    assert statistics.percent(yes, total) == percent


@pytest.mark.parametrize(
    "n, citizens, value", [(1, 4, 0.3), (5, 3, 1.7), (7, 2, 3.5), (3, 0, None)]
)
def test_per_citizen_rounds_to_one_decimal(n, citizens, value):
    assert statistics.per_citizen(n, citizens) == value


@pytest.mark.parametrize("text", ["13-01", "02-30", "0901", "9-1-1", ""])
def test_bad_year_starts_are_refused(text):
    with pytest.raises(ValueError):
        statistics.parse_year_start(text)


def test_the_command_prints_exactly_the_agreed_keys(history, runner):
    result = runner.invoke(args=["report", "annual", "--year-start", "09-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows == figures("main")
    assert all(list(r) == list(statistics.REPORT_KEYS) for r in rows)


def test_the_command_csv_and_branches(history, runner):
    result = runner.invoke(
        args=["report", "annual", "--branch", "youth", "--year-start", "09-01", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ",".join(statistics.REPORT_KEYS)
    assert lines[1] == "2013-09-01,1,1,2,2.0,"


def test_the_command_uses_the_configured_year_start(history, runner, app):
    app.config["PROJECT_YEAR_START"] = "09-01"
    rows = json.loads(runner.invoke(args=["report", "annual"]).output)
    assert rows == figures("main")


def test_the_command_refuses_bad_options(app, runner):
    assert runner.invoke(args=["report", "annual", "--year-start", "31-12"]).exit_code != 0
    assert runner.invoke(args=["report", "annual", "--branch", "nope"]).exit_code != 0


def test_the_figures_beside_the_table(app, history):
    from trivsel.courses.models import Course
    from trivsel.statistics import report as annual_report

    # Working days to first contact are kept when recorded; history has none, so set some.
    Course.update(first_contact_working_days=3).where(Course.ref.in_(["A1", "A2"])).execute()
    Course.update(first_contact_working_days=10).where(Course.ref == "A3").execute()
    Course.update(who5_intake=40, who5_follow_up=60, followed_up_on="2013-09-10").where(
        Course.ref == "A1"
    ).execute()
    with app.test_request_context():
        report = annual_report.build(SEPTEMBER, app.extensions["trivsel.plugins"].branches())
        goals = [(str(g.label), str(g.target), str(g.actual), g.met) for g in report.goals]
    y1, y2, y4 = date(2012, 9, 1), date(2013, 9, 1), date(2015, 9, 1)
    assert [key for key, _, _ in report.tables] == ["main", "youth", "all"]
    assert report.by_source[y1] == {"citizen": 1, "professional": 1, "relative": 1}
    assert report.by_outcome[y2] == {"course": 2, "referred_elsewhere": 1}
    assert report.by_outcome[y4] == {"pending": 1}
    assert report.waits == {y1: (3.0, 10)}  # median of 3, 3, 10; 90th percentile 10
    # Course lengths in days of the courses ending in the year: A5 606, A7 228.
    assert report.lengths[y4] == (417.0, 606)
    assert report.who5 == {y2: (1, 20.0)}
    assert goals == [
        # 8 citizen-years of the main branch, each with 1-3 conversations: 11 in all.
        (
            "Samtaler pr. borger pr. år",
            "1-10 for over halvdelen af borgerne",
            "100 % af borgerne (8 af 8); gennemsnit 1,4",
            True,
        ),
        ("Borgere i forløb i hele perioden", "mindst 35", "4", False),
        ("Kontakt til andet frivilligt tilbud bagefter", "75 %", "50 %", False),
    ]


def test_the_command_prints_a_year_that_has_only_follow_up_calls(app, runner):
    from trivsel.courses.models import Course

    with app.app_context():
        Course.create(
            stage="followed_up",
            received_on=date(2024, 2, 1),
            initiated_by="citizen",
            channel="phone",
            started_on=date(2024, 3, 1),
            ended_on=date(2024, 12, 1),
            followed_up_on=date(2025, 2, 1),
            follow_on_contact=True,
        )
    rows = json.loads(runner.invoke(args=["report", "annual"]).output)
    assert [row["start"] for row in rows] == ["2024-01-01", "2025-01-01"]
    assert rows[1]["inquiries"] == rows[1]["conversations"] == 0
