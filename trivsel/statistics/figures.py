"""The main figures per project year, and the project years they are counted over."""

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, has_app_context
from peewee import JOIN, Case, Select, Value, fn

from trivsel.core.numbers import parse_int
from trivsel.core.spreadsheets import safe_cell, safe_row
from trivsel.courses.models import Conversation, Course

MAIN = "main"
ALL = "all"  # the total over every branch
DEFAULT_GOAL_RANGE = (1, 10)  # conversations per citizen a year (report 5.1.1)
QUALITY_KEYS = ("better", "same", "worse")  # Course.quality_of_life at the follow-up call

REPORT_KEYS = (
    "start",
    "inquiries",
    "citizens_in_courses",
    "conversations",
    "conversations_per_citizen",
    "follow_on_percent",
)


def parse_year_start(value):
    """'MM-DD' -> (month, day); raises ValueError for anything else."""
    month, day = (parse_int(part, 1, 31) for part in value.split("-"))
    date(2001, month, day)  # rejects 02-30, 13-01 (and 02-29, which not every year has)
    return month, day


def year_of(day, month_day):
    """The first day of the project year that contains `day`."""
    start = date(day.year, *month_day)
    return start if day >= start else date(day.year - 1, *month_day)


def next_start(start):
    return start.replace(year=start.year + 1)


def project_years(first_day, last_day, month_day):
    """Consecutive project years [(start, end), ...] covering first_day..last_day."""
    years = []
    start = year_of(first_day, month_day)
    while start <= last_day:
        years.append((start, next_start(start)))
        start = next_start(start)
    return years


def data_span():
    """The first and last date anything happened, or None when there is no data."""
    bounds = Course.select(
        fn.MIN(Course.received_on),
        fn.MAX(Course.received_on),
        fn.MIN(Course.started_on),
        fn.MAX(Course.ended_on),
    ).tuples()[0]
    held = Conversation.select(fn.MIN(Conversation.held_on), fn.MAX(Conversation.held_on)).tuples()[
        0
    ]
    days = [as_date(d) for d in (*bounds, *held) if d]
    if not days:
        return None
    return min(days), max(days + [date.today()] if bounds[2] else days)


def years_with_data(month_day):
    """The project years [(start, end), ...] from the first to the last date with data; none
    when there is no data."""
    span = data_span()
    return project_years(*span, month_day) if span else []


def as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def years_table(years):
    """The project years as a derived table (start, end): a UNION ALL of one-row selects,
    which SQLite and PostgreSQL both accept (SQLite has no column aliases on VALUES).

    Every figure is an aggregate query over this table, so the work happens in SQL on both
    databases alike; Python only divides and rounds the few numbers that come back."""
    return union_table([[Value(s).alias("start"), Value(e).alias("end")] for s, e in years], "py")


def union_table(rows, alias):
    """A derived table of literal rows (each a list of aliased Values), as a UNION ALL."""
    selects = [Select(columns=columns) for columns in rows]
    union = selects[0]
    for select in selects[1:]:
        union = union.union_all(select)
    return union.alias(alias)


def during(column, start, end):
    """The column's day falls in the year [start, end)."""
    return (column >= start) & (column < end)


def running_in(start, end):
    """A course running at some time in [start, end): started before the end, not ended
    before the start."""
    return (
        Course.started_on.is_null(False)
        & (Course.started_on < end)
        & (Course.ended_on.is_null() | (Course.ended_on >= start))
    )


def _branch_filter(query, branch):
    return query if branch == ALL else query.where(Course.branch == branch)


def by_year(query_for):
    """Run a grouped query and return {start: row tuple}."""
    return {as_date(row[0]): row[1:] for row in query_for.tuples()}


def percent(yes, total):
    if not total:
        return None
    return int((Decimal(yes) * 100 / Decimal(total)).quantize(Decimal(1), ROUND_HALF_UP))


def per_citizen(conversations, citizens):
    if not citizens:
        return None
    value = (Decimal(conversations) / Decimal(citizens)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


@dataclass(frozen=True)
class YearFigures:
    start: date
    inquiries: int
    citizens_in_courses: int
    conversations: int
    conversations_per_citizen: float | None
    follow_on_percent: int | None
    follow_on_known: int
    # The goals beside the funder's table, from the same rows. Conversations: the citizens in
    # courses (as above) whose conversations in the year fall within the goal's range (1-10),
    # so the share and the mean have one denominator.
    within_goal: int = 0
    within_goal_percent: int | None = None
    # The follow-up calls held in the year; the shares are of those with an answer recorded
    # (history imported from before Trivsel has none).
    followed_up: int = 0
    felt_heard: int = 0
    felt_heard_percent: int | None = None
    quality_better: int = 0
    quality_same: int = 0
    quality_worse: int = 0
    quality_better_percent: int | None = None
    quality_same_percent: int | None = None
    quality_worse_percent: int | None = None

    def has_data(self):
        return bool(
            self.inquiries
            or self.citizens_in_courses
            or self.conversations
            or self.follow_on_known
            or self.followed_up
        )

    def as_dict(self):
        return {
            "start": self.start.isoformat(),
            "inquiries": self.inquiries,
            "citizens_in_courses": self.citizens_in_courses,
            "conversations": self.conversations,
            "conversations_per_citizen": self.conversations_per_citizen,
            "follow_on_percent": self.follow_on_percent,
        }


def annual_figures(branch=MAIN, month_day=(1, 1), years=None):
    """The report's main figures for one branch (or ALL), one entry per project year that has
    any data, oldest first. Inquiries for the main branch count every branch, as the report
    does; for any other branch, only that branch's."""
    if years is None:
        years = years_with_data(month_day)
    if not years:
        return []
    py = years_table(years)
    inquiries = _inquiries(py, branch)
    citizens = _citizens_in_courses(py, branch)
    conversations = _conversations(py, branch)
    follow_on = _follow_on(py, branch)
    within = _within_goal(py, branch, *goal_range())
    follow_up = _follow_up(py, branch)
    figures = [
        _year_figures(
            year_start,
            _count(inquiries, year_start),
            _count(citizens, year_start),
            _count(conversations, year_start),
            follow_on.get(year_start) or (0, 0),
        )
        for year_start, _ in years
    ]
    figures = [
        replace(
            f,
            **_goal_figures(f.citizens_in_courses, _count(within, f.start), follow_up.get(f.start)),
        )
        for f in figures
    ]
    return [f for f in figures if f.has_data()]


def goal_range():
    """The goal's (fewest, most) conversations per citizen a year, as configured."""
    if has_app_context():
        return tuple(current_app.config["GOAL_CONVERSATIONS_PER_CITIZEN"])
    return DEFAULT_GOAL_RANGE


def _goal_figures(citizens, within, follow_up):
    """The goal fields of YearFigures from the counts the queries returned."""
    followed_up, heard_known, heard, *quality = (int(n or 0) for n in follow_up or (0,) * 6)
    quality_known = sum(quality)
    values = {
        "within_goal": within,
        "within_goal_percent": percent(within, citizens),
        "followed_up": followed_up,
        "felt_heard": heard,
        "felt_heard_percent": percent(heard, heard_known),
    }
    for key, n in zip(QUALITY_KEYS, quality, strict=True):
        values[f"quality_{key}"] = n
        values[f"quality_{key}_percent"] = percent(n, quality_known)
    return values


def _count(counts, year_start):
    """The year's count from {start: (count,)}: 0 for a year without a row."""
    return int((counts.get(year_start) or (0,))[0])


def _year_figures(year_start, inquiries, citizens, conversations, follow_on):
    known, answered_yes = follow_on
    return YearFigures(
        start=year_start,
        inquiries=inquiries,
        citizens_in_courses=citizens,
        conversations=conversations,
        conversations_per_citizen=per_citizen(conversations, citizens),
        follow_on_percent=percent(int(answered_yes or 0), int(known or 0)),
        follow_on_known=int(known or 0),
    )


def _inquiries(py, branch):
    """{start: (inquiries received in the year,)}: every branch's for MAIN and ALL."""
    start, end = py.c.start, py.c.end
    query = (
        Course.select(start, fn.COUNT(Course.id))
        .from_(py)
        .join(Course, on=during(Course.received_on, start, end))
    )
    if branch not in (MAIN, ALL):
        query = query.where(Course.branch == branch)
    return by_year(query.group_by(start))


def _citizens_in_courses(py, branch):
    """{start: (courses running in the year,)}."""
    start, end = py.c.start, py.c.end
    query = (
        Course.select(start, fn.COUNT(Course.id))
        .from_(py)
        .join(
            Course,
            on=running_in(start, end),
        )
    )
    return by_year(_branch_filter(query, branch).group_by(start))


def _conversations(py, branch):
    """{start: (conversations held in the year,)}."""
    start, end = py.c.start, py.c.end
    query = (
        Conversation.select(start, fn.COUNT(Conversation.id))
        .from_(py)
        .join(
            Conversation,
            on=during(Conversation.held_on, start, end),
        )
        .join(Course, on=(Conversation.course == Course.id))
    )
    return by_year(_branch_filter(query, branch).group_by(start))


def _follow_on(py, branch):
    """{start: (courses ended in the year with a follow-on answer, of them answered yes)}."""
    start, end = py.c.start, py.c.end
    yes = Case(None, [(Course.follow_on_contact == True, 1)], 0)  # noqa: E712
    query = (
        Course.select(start, fn.COUNT(Course.id), fn.SUM(yes))
        .from_(py)
        .join(
            Course,
            on=(
                Course.started_on.is_null(False)
                & Course.follow_on_contact.is_null(False)
                & during(Course.ended_on, start, end)
            ),
        )
    )
    return by_year(_branch_filter(query, branch).group_by(start))


def _within_goal(py, branch, low, high):
    """{start: (citizens in courses whose conversations in the year number low..high,)}: a
    count per course and year in a derived table, then a count per year of those in range
    (a course without a conversation in the year counts as outside it)."""
    start, end = py.c.start, py.c.end
    per_course = (
        Course.select(start.alias("start"), fn.COUNT(Conversation.id).alias("n"))
        .from_(py)
        .join(Course, on=running_in(start, end))
        .join(
            Conversation,
            JOIN.LEFT_OUTER,
            on=((Conversation.course == Course.id) & during(Conversation.held_on, start, end)),
        )
    )
    per_course = _branch_filter(per_course, branch).group_by(start, Course.id).alias("per_course")
    n = per_course.c.n
    within = Case(None, [((n >= low) & (n <= high), 1)], 0)
    return by_year(
        Course.select(per_course.c.start, fn.SUM(within))
        .from_(per_course)
        .group_by(per_course.c.start)
    )


def _follow_up(py, branch):
    """{start: (follow-up calls in the year, of them with a seen-and-heard answer, answered
    yes, quality of life better, same, worse)}."""
    start, end = py.c.start, py.c.end

    def counted(condition):
        return fn.SUM(Case(None, [(condition, 1)], 0))

    query = (
        Course.select(
            start,
            fn.COUNT(Course.id),
            fn.COUNT(Course.felt_heard),
            counted(Course.felt_heard == True),  # noqa: E712
            *(counted(Course.quality_of_life == key) for key in QUALITY_KEYS),
        )
        .from_(py)
        .join(
            Course,
            on=(Course.started_on.is_null(False) & during(Course.followed_up_on, start, end)),
        )
    )
    return by_year(_branch_filter(query, branch).group_by(start))


def render_rows(rows, fmt):
    """The figures as JSON (a list of objects) or CSV (a header row and one row a year)."""
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    return csv_text(REPORT_KEYS, rows)


def csv_text(fieldnames, rows):
    """A header row and a line per row (dicts with at least those keys), None left empty,
    text that a spreadsheet would take for a formula neutralised (core.spreadsheets)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
    writer.writerow(safe_row({k: k for k in fieldnames}))
    for row in rows:
        writer.writerow({k: "" if row[k] is None else safe_cell(row[k]) for k in fieldnames})
    return out.getvalue()
