"""The whole annual report: the main tables, the goals and the figures beside them."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from peewee import Case, fn

from trivsel.core import db
from trivsel.courses.models import Course
from trivsel.statistics import bridging
from trivsel.statistics import corps as corps_figures
from trivsel.statistics import figures as statistics
from trivsel.statistics.codes import ENDED_AT_INTAKE, PENDING_STAGES
from trivsel.statistics.figures import (
    ALL,
    MAIN,
    by_project_year,
    by_year,
    per_citizen,
    percent,
    project_year,
    years_table,
)


@dataclass
class Goal:
    label: str
    target: str
    actual: str
    met: bool | None


@dataclass
class AnnualReport:
    month_day: tuple
    years: list  # the project years' first days, oldest first
    tables: list  # [(key, label, {start: YearFigures})]
    goals: list = field(default_factory=list)
    by_source: dict = field(default_factory=dict)  # {start: {source: n}}
    by_outcome: dict = field(default_factory=dict)
    waits: dict = field(default_factory=dict)  # {start: (median, p90)} in working days
    lengths: dict = field(default_factory=dict)  # {start: (median days, 90th percentile days)}
    volunteers: dict = field(default_factory=dict)  # {start: (active, new, departed)}
    courses_per_volunteer: dict = field(default_factory=dict)  # {start: mean}
    supervision_attendance: dict = field(default_factory=dict)  # {start: percent}
    who5: dict = field(default_factory=dict)  # {start: (pairs, mean change)}
    # Bridging, per branch as `tables`: [(key, label, {start: [bridging.Bridged]})]
    bridging_offers: list = field(default_factory=list)
    bridging_categories: list = field(default_factory=list)

    @property
    def shown_years(self):
        """The years the page and the downloads show: those with a figure in a table or in
        the counts, waits and lengths beside them."""
        shown = set()
        for _key, _label, figures in self.tables:
            shown |= set(figures)
        for extra in (self.by_source, self.by_outcome, self.waits, self.lengths):
            shown |= set(extra)
        return [year for year in self.years if year in shown]


def _outcome_case():
    """codes.outcome_of in SQL."""
    return Case(
        None,
        [
            (Course.stage.in_(PENDING_STAGES), "pending"),
            (Course.stage.in_(ENDED_AT_INTAKE), Course.stage),
        ],
        "course",
    )


def _counts_by(years, month_day, column):
    """{start: {key: inquiries received in the year with that key}}."""
    year = project_year(Course.received_on, month_day)
    query = Course.select(year, column.alias("key"), fn.COUNT(Course.id)).group_by(year, column)
    starts = {start for start, _end in years}
    result = {}
    for year_start, key, n in query.tuples():
        start = date(int(year_start), *month_day)
        if start in starts:
            result.setdefault(start, {})[key] = n
    return result


def _ranked(month_day, value, date_column, extra=None):
    """(year, value, rank within year, count within year) for the value's non-null rows, the
    year as project_year gives it."""
    year = project_year(date_column, month_day)
    condition = value.is_null(False) & date_column.is_null(False)
    if extra is not None:
        condition &= extra
    return (
        Course.select(
            year.alias("start"),
            value.alias("value"),
            fn.ROW_NUMBER().over(partition_by=[year], order_by=[value]).alias("rn"),
            fn.COUNT(Course.id).over(partition_by=[year]).alias("n"),
        )
        .where(condition)
        .alias("ranked")
    )


def _median_and_p90(years, month_day, value, date_column, extra=None):
    """Median (mean of the middle two for an even count) and the 90th percentile (nearest
    rank) per year, by window functions that SQLite and PostgreSQL share."""
    ranked = _ranked(month_day, value, date_column, extra)
    rn, n, ranked_value = ranked.c.rn, ranked.c.n, ranked.c.value
    middle = (rn == (n + 1) / 2) | (rn == (n + 2) / 2)
    # One pass over the ranked rows for both (the ranking is the costly part).
    rows = (
        Course.select(
            ranked.c.start,
            fn.AVG(Case(None, [(middle, ranked_value)], None)),
            fn.MIN(Case(None, [(rn == (n * 9 + 9) / 10, ranked_value)], None)),
        )
        .from_(ranked)
        .where(middle | (rn == (n * 9 + 9) / 10))
        .group_by(ranked.c.start)
    )
    return {
        start: (float(median), p90)
        for start, (median, p90) in by_project_year(rows, month_day, years).items()
    }


def _days(later, earlier):
    if db.is_sqlite():
        return fn.julianday(later) - fn.julianday(earlier)
    return later - earlier


def build(month_day, branches):
    """The full report for the page and the downloads; `branches` is {key: Branch} from the
    plugins. Each figure is one grouped query over the project years; none loads rows into
    Python to count them."""
    years = statistics.years_with_data(month_day)
    tables = [
        (key, label, {f.start: f for f in statistics.annual_figures(key, month_day, years=years)})
        for key, label in _table_branches(branches)
    ]
    report = AnnualReport(month_day, [s for s, _ in years], tables)
    if not years:
        return report
    py = years_table(years)
    report.by_source = _counts_by(years, month_day, Course.initiated_by)
    report.by_outcome = _counts_by(years, month_day, _outcome_case())
    report.waits = _median_and_p90(
        years, month_day, Course.first_contact_working_days, Course.received_on
    )
    length = _days(Course.ended_on, Course.started_on)
    report.lengths = _median_and_p90(
        years, month_day, length, Course.ended_on, extra=Course.started_on.is_null(False)
    )
    report.volunteers = _volunteers(py)
    report.courses_per_volunteer = corps_figures.courses_per_volunteer(py)
    report.supervision_attendance = corps_figures.attendance_rate(py)
    report.who5 = _who5(years, month_day)
    report.bridging_offers = [
        (key, label, bridging.by_offer(py, key)) for key, label in _table_branches(branches)
    ]
    report.bridging_categories = [
        (key, label, bridging.by_category(py, key)) for key, label in _table_branches(branches)
    ]
    report.goals = _goals(report)
    return report


def _table_branches(branches):
    """[(key, label)] of the main tables: the main branch, the others, and their total when
    there are others."""
    others = [key for key in branches if key != MAIN]
    return (
        [(MAIN, branches[MAIN].label if MAIN in branches else MAIN)]
        + [(k, branches[k].label) for k in others]
        + ([(ALL, _l("I alt"))] if others else [])
    )


def _volunteers(py):
    """Per year: volunteers with a course running in it, volunteers who became active in it and
    volunteers who left in it (from the dated status history)."""
    start, end = py.c.start, py.c.end
    active = by_year(
        Course.select(start, fn.COUNT(Course.volunteer.distinct()))
        .from_(py)
        .join(
            Course,
            on=(Course.volunteer.is_null(False) & statistics.running_in(start, end)),
        )
        .group_by(start)
    )
    moves = corps_figures.new_and_departed(py)
    years = set(active) | set(moves)
    return {y: ((active.get(y) or (0,))[0], *moves.get(y, (0, 0))) for y in years}


def _who5(years, month_day):
    """Per year of the follow-up call: courses with both WHO-5 scores, and the mean change."""
    year = project_year(Course.followed_up_on, month_day)
    rows = by_project_year(
        Course.select(year, fn.COUNT(Course.id), fn.AVG(Course.who5_follow_up - Course.who5_intake))
        .where(
            Course.who5_intake.is_null(False)
            & Course.who5_follow_up.is_null(False)
            & Course.followed_up_on.is_null(False)
        )
        .group_by(year),
        month_day,
        years,
    )
    return {y: (n, round(float(change), 1)) for y, (n, change) in rows.items()}


def _goals(report):
    """The funder's three goals, each with its target, what was achieved and whether met."""
    config = current_app.config
    main = dict(report.tables[0][2])
    citizens = _main_courses().count()
    known = sum(f.follow_on_known for f in main.values())
    share = percent(_main_follow_on_yes(), known)
    return [
        _conversations_goal(main.values(), *config["GOAL_CONVERSATIONS_PER_CITIZEN"]),
        Goal(
            _l("Borgere i forløb i hele perioden"),
            _l("mindst %(n)s", n=config["GOAL_CITIZENS"]),
            str(citizens),
            citizens >= config["GOAL_CITIZENS"],
        ),
        Goal(
            _l("Kontakt til andet frivilligt tilbud bagefter"),
            f"{config['GOAL_FOLLOW_ON_PERCENT']} %",
            "—" if share is None else f"{share} %",
            None if share is None else share >= config["GOAL_FOLLOW_ON_PERCENT"],
        ),
    ]


def _conversations_goal(years, low, high):
    """1-10 conversations per citizen a year, checked by the share of citizens within the
    range (counted per citizen and year, over every year of the main branch), not by the
    mean: a few citizens who needed many conversations lift the mean above 10 while most
    had 1-10 (the report's year 1: 132 conversations with 11 citizens). The goal is met
    when more than half the citizens were within the range; the mean is shown beside it."""
    years = list(years)
    citizens = sum(f.citizens_in_courses for f in years)
    within = sum(f.within_goal for f in years)
    mean = per_citizen(sum(f.conversations for f in years), citizens)
    share = percent(within, citizens)
    actual = (
        "—"
        if share is None
        else _l(
            "%(share)s %% af borgerne (%(within)s af %(citizens)s); gennemsnit %(mean)s",
            share=share,
            within=within,
            citizens=citizens,
            mean=format_decimal(mean, format="#,##0.0"),
        )
    )
    return Goal(
        _l("Samtaler pr. borger pr. år"),
        _l("%(low)s-%(high)s for over halvdelen af borgerne", low=low, high=high),
        actual,
        within * 2 > citizens if citizens else None,
    )


def _main_courses():
    """The main branch's courses, over the whole period."""
    return Course.select().where((Course.branch == MAIN) & Course.started_on.is_null(False))


def _main_follow_on_yes():
    """The main branch's ended courses whose citizen had contact with another offer after."""
    return (
        _main_courses()
        .where(
            (Course.follow_on_contact == True)  # noqa: E712
            & Course.ended_on.is_null(False)
        )
        .count()
    )
