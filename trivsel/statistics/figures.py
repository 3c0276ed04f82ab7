"""The main figures per project year, and the project years they are counted over."""

import csv
import io
import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, has_app_context
from peewee import Case, Cast, Select, Value, fn

from trivsel.core import db
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
    """The first and last date anything happened, or None when there is no data. Each bound
    is a subquery of its own, so each reads one end of its column's index."""
    bounds = (
        Course.select(fn.MIN(Course.received_on)),
        Course.select(fn.MAX(Course.received_on)),
        Course.select(fn.MIN(Course.started_on)),
        Course.select(fn.MAX(Course.ended_on)),
        Conversation.select(fn.MIN(Conversation.held_on)),
        Conversation.select(fn.MAX(Conversation.held_on)),
    )
    row = Course._meta.database.execute(Select(columns=bounds)).fetchone()
    days = [as_date(d) for d in row if d]
    if not days:
        return None
    started = row[2]
    return min(days), max(days + [date.today()] if started else days)


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


def project_year(column, month_day):
    """SQL: the calendar year in which the project year holding `column`'s day began (2012
    for 2013-03-01 in project years from 1 September), so that a figure over single days is
    one GROUP BY, one pass over the rows, on SQLite and PostgreSQL alike."""
    if db.is_sqlite():
        year = Cast(fn.strftime("%Y", column), "INTEGER")
        month_and_day = fn.strftime("%m-%d", column)
    else:
        year = Cast(fn.date_part("year", column), "INTEGER")
        month_and_day = fn.to_char(column, "MM-DD")
    if tuple(month_day) == (1, 1):
        return year
    before_start = Case(None, [(month_and_day < "{:02d}-{:02d}".format(*month_day), 1)], 0)
    return year - before_start


def by_project_year(query, month_day, years):
    """Run a query grouped on project_year(...) (its first column) and return {start: row
    tuple} for the project years in `years` ([(start, end)]); a day outside them (a meeting
    booked for next year) is left out, as the years table's join leaves it out."""
    starts = {start for start, _end in years}
    rows = {}
    for year, *values in query.tuples():
        if year is None:
            continue
        start = date(int(year), *month_day)
        if start in starts:
            rows[start] = tuple(values)
    return rows


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


def annual_figures(branch=MAIN, month_day=(1, 1), years=None, goals=True):
    """The report's main figures for one branch (or ALL), one entry per project year that has
        any data, oldest first. Inquiries for the main branch count every branch, as the report
        does; for any other branch, only that branch's. Without `goals`, the goal fields stay at
        their defaults but the follow-up calls' (the funder's table, as `flask report annual` prints
    it, without the costliest query: the share within the goal's range)."""
    if years is None:
        years = years_with_data(month_day)
    if not years:
        return []
    py = years_table(years)
    inquiries = _inquiries(years, month_day, branch)
    citizens = _citizens_in_courses(py, branch)
    conversations = _conversations(years, month_day, branch)
    follow_on = _follow_on(years, month_day, branch)
    # The follow-up calls even without the goals: a year that has only those has data.
    follow_up = _follow_up(years, month_day, branch)
    within = _within_goal(years, month_day, branch, *goal_range()) if goals else {}
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
            **_goal_figures(
                f.citizens_in_courses, within.get(f.start), follow_up.get(f.start), goals
            ),
        )
        for f in figures
    ]
    return [f for f in figures if f.has_data()]


def goal_range():
    """The goal's (fewest, most) conversations per citizen a year, as configured."""
    if has_app_context():
        return tuple(current_app.config["GOAL_CONVERSATIONS_PER_CITIZEN"])
    return DEFAULT_GOAL_RANGE


def _goal_figures(citizens, within_row, follow_up, counted=True):
    """The goal fields of YearFigures from the counts the queries returned (the share within
    the goal's range left at 0 when not `counted`)."""
    in_range, with_conversations = (int(n or 0) for n in within_row or (0, 0))
    # The citizens in courses without a conversation in the year have 0 of them.
    zero_within = counted and goal_range()[0] <= 0
    within = in_range + (citizens - with_conversations if zero_within else 0)
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


def _inquiries(years, month_day, branch):
    """{start: (inquiries received in the year,)}: every branch's for MAIN and ALL."""
    year = project_year(Course.received_on, month_day)
    query = Course.select(year, fn.COUNT(Course.id))
    if branch not in (MAIN, ALL):
        query = query.where(Course.branch == branch)
    return by_project_year(query.group_by(year), month_day, years)


def _citizens_in_courses(py, branch):
    """{start: (courses running in the year,)}: a course may run in two or three project
    years, so this one joins the years table."""
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


def _conversations(years, month_day, branch):
    """{start: (conversations held in the year,)}."""
    year = project_year(Conversation.held_on, month_day)
    query = Conversation.select(year, fn.COUNT(Conversation.id))
    if branch != ALL:
        query = query.where(
            Conversation.course.in_(Course.select(Course.id).where(Course.branch == branch))
        )
    return by_project_year(query.group_by(year), month_day, years)


def _follow_on(years, month_day, branch):
    """{start: (courses ended in the year with a follow-on answer, of them answered yes)}."""
    year = project_year(Course.ended_on, month_day)
    yes = Case(None, [(Course.follow_on_contact == True, 1)], 0)  # noqa: E712
    query = Course.select(year, fn.COUNT(Course.id), fn.SUM(yes)).where(
        Course.started_on.is_null(False)
        & Course.follow_on_contact.is_null(False)
        & Course.ended_on.is_null(False)
    )
    return by_project_year(_branch_filter(query, branch).group_by(year), month_day, years)


def _within_goal(years, month_day, branch, low, high):
    """{start: (citizens in courses whose conversations in the year number low..high,)}: the
    conversations counted per course and project year in one pass, then the pairs of a
    course and a year it ran in counted by whether their count is in range. A course running
    in a year without a conversation in it has a count of 0 (inside the range only when low
    is 0; then counted as the citizens in courses less the pairs with conversations)."""
    year = project_year(Conversation.held_on, month_day)
    per_course = (
        Conversation.select(
            Conversation.course.alias("course_id"),
            year.alias("y"),
            fn.COUNT(Conversation.id).alias("n"),
        )
        .group_by(Conversation.course, year)
        .alias("per_course")
    )
    n = per_course.c.n
    y = per_course.c.y
    ran = (project_year(Course.started_on, month_day) <= y) & (
        Course.ended_on.is_null() | (project_year(Course.ended_on, month_day) >= y)
    )
    within = Case(None, [((n >= max(low, 1)) & (n <= high), 1)], 0)
    query = (
        Course.select(y, fn.SUM(within), fn.COUNT(Course.id))
        .from_(per_course)
        .join(Course, on=((Course.id == per_course.c.course_id) & ran))
        .where(Course.started_on.is_null(False))
    )
    return by_project_year(_branch_filter(query, branch).group_by(y), month_day, years)


def _follow_up(years, month_day, branch):
    """{start: (follow-up calls in the year, of them with a seen-and-heard answer, answered
    yes, quality of life better, same, worse)}."""
    year = project_year(Course.followed_up_on, month_day)

    def counted(condition):
        return fn.SUM(Case(None, [(condition, 1)], 0))

    query = Course.select(
        year,
        fn.COUNT(Course.id),
        fn.COUNT(Course.felt_heard),
        counted(Course.felt_heard == True),  # noqa: E712
        *(counted(Course.quality_of_life == key) for key in QUALITY_KEYS),
    ).where(Course.started_on.is_null(False) & Course.followed_up_on.is_null(False))
    return by_project_year(_branch_filter(query, branch).group_by(year), month_day, years)


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
