"""Read-side queries for lists and queues: a fixed number of queries a page, never one a row."""

import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce

from peewee import JOIN, SQL, DateField, NodeList, Select, fn

from trivsel.core.db import (
    STATEMENTS_KEPT,
    database,
    is_sqlite,
    kept,
    kept_first,
    run_prepared,
    slot,
    statement,
)
from trivsel.core.users import User
from trivsel.core.workdays import is_working_day, working_days_waited
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal

# The aliases the queries join through, made once: an alias makes a class for each field it
# is asked for and keeps it, so one made per query costs more than the query's SQL.
_VOLUNTEER = User.alias("volunteer_user")
_ACTOR = User.alias("actor_user")
_PROPOSED = User.alias("proposed_user")
_LOGGER = User.alias("logged_by_user")
_HELD = Conversation.alias("held")


def _conversation_totals(courses=None):
    query = Conversation.select(
        Conversation.course.alias("course_id"),
        fn.COUNT(Conversation.id).alias("n"),
        fn.MAX(Conversation.held_on).alias("last"),
    )
    if courses is not None:
        query = query.where(Conversation.course.in_(courses))
    return query.group_by(Conversation.course).alias("conversation_totals")


def courses_with_totals(courses=None):
    """Courses with their citizen, volunteer and conversation count and last date.

    `courses`, a query of course ids, limits the totals to those courses' conversations (give
    it the same condition as the list's WHERE, so a short list does not total every course)."""
    totals = _conversation_totals(courses)
    volunteer = _VOLUNTEER
    return (
        Course.select(
            Course,
            Citizen,
            volunteer,
            fn.COALESCE(totals.c.n, 0).alias("conversation_count"),
            # Wrapped so it lands on the course, converted to a date on SQLite too.
            fn.COALESCE(totals.c.last, None)
            .python_value(DateField().python_value)
            .alias("last_conversation_on"),
        )
        .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
        .switch(Course)
        .join(volunteer, JOIN.LEFT_OUTER, on=(Course.volunteer == volunteer.id), attr="volunteer")
        .switch(Course)
        .join(totals, JOIN.LEFT_OUTER, on=(totals.c.course_id == Course.id))
    )


# How many courses a queue on the dashboard shows a page: the oldest ten of each of the six
# queues make an overview that fits a screen or two (the rest a page on, each queue counted at
# the top); 25 of each made 150 rows to scroll past, and most of the page's time.
QUEUE_PAGE_SIZE = 10
QUEUE_KEYS = [key for key, _ in flow.QUEUES]


def first_contact_flag_cutoff(today, flag_after):
    """The latest day received on which an inquiry has, on `today`, waited more than
    `flag_after` working days: those received on it or before are flagged."""
    day, waited = today, 0
    while waited <= flag_after:
        if is_working_day(day):
            waited += 1
        day -= timedelta(days=1)
    return day


def _queue_conditions(today, exclude):
    conditions = {}
    for key, stages in flow.QUEUES:
        condition = Course.stage.in_(stages)
        if key == "overdue":
            condition &= Course.expected_end_on.is_null(False) & (Course.expected_end_on < today)
        if key in exclude:
            condition &= ~exclude[key]
        conditions[key] = condition
    return conditions


# Each queue's page, its count and its flag are the same statements all day for a page
# asked for; peewee takes longer to write them than the database takes to answer them, so each
# is written once for its key (the day, the page, what is excluded; core.db.statement) and then
# only run.
_CONDITIONS = {}


def _expressions_key(expressions):
    """What {name: expression} says, as text: the same expressions give the same key. Each
    expression is written once (kept with its text, so its id is not reused while known)."""
    key = []
    for name, condition in sorted(expressions.items()):
        found = _CONDITIONS.get(id(condition))
        if found is None or found[0] is not condition:
            if len(_CONDITIONS) >= STATEMENTS_KEPT:
                _CONDITIONS.clear()
            sql, params = database.get_sql_context().sql(condition).query()
            found = _CONDITIONS[id(condition)] = (condition, sql, tuple(params))
        key.append((name, *found[1:]))
    return tuple(key)


def queue_counts(today=None, flag_after=2, exclude=None):
    """({queue key: how many courses it holds}, how many of those waiting for first contact
    are flagged): one statement of a COUNT a queue, each found by the stage index (one COUNT
    over all the queues' stages would scan the table)."""
    today = today or date.today()
    exclude = exclude or {}
    cutoff = first_contact_flag_cutoff(today, flag_after)

    def build():
        conditions = _queue_conditions(today, exclude)
        flagged = conditions["awaiting_contact"] & (Course.received_on <= cutoff)
        return Select(
            columns=[
                *(Course.select(fn.COUNT(Course.id)).where(c) for c in conditions.values()),
                Course.select(fn.COUNT(Course.id)).where(flagged),
            ]
        )

    sql, params = statement(("counts", today, cutoff, _expressions_key(exclude)), build)
    *counts, flagged = run_prepared(sql, params, fixed=True).fetchone()
    return dict(zip(QUEUE_KEYS, counts, strict=True)), flagged


def _unindexed(column):
    """`column` for ORDER BY such that SQLite's planner does not walk the column's index to
    give the order: on a LIMITed page of a short queue it would otherwise scan every course
    by `received_on` instead of finding the queue's few by `stage` and sorting those (SQLite's
    unary + keeps a term off its index; other databases plan on statistics)."""
    return NodeList((SQL("+"), column), glue="") if is_sqlite() else column


@dataclass(slots=True)
class QueueRow:
    """What a queue's row shows of a course: its name, dates and volunteer."""

    id: int
    stage: str
    received_on: date
    erased_on: date | None
    intake_scheduled_at: datetime | None
    expected_end_on: date | None
    ended_on: date | None
    citizen_name: str | None
    volunteer_name: str | None
    # Of a course waiting for first contact: working days waited, and whether over the limit.
    waited: int | None = None
    flagged: bool = False
    # The `columns` dashboard_queues was given, by name.
    extra: dict = field(default_factory=dict)


_QUEUE_ROW = (
    Course.id,
    Course.stage,
    Course.received_on,
    Course.erased_on,
    Course.intake_scheduled_at,
    Course.expected_end_on,
    Course.ended_on,
)


def _day(value):
    # SQLite gives a date as text, PostgreSQL as a date.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _queue_row(values):
    """A QueueRow from a row of the queues' statement (its first column the queue's place)."""
    _, course_id, stage, received, erased, intake, expected_end, ended, citizen, volunteer = values
    return QueueRow(
        course_id,
        stage,
        _day(received),
        _day(erased),
        _moment(intake),
        _day(expected_end),
        _day(ended),
        citizen,
        volunteer,
    )


def dashboard_queues(
    today=None,
    flag_after=2,
    pages=None,
    per_page=QUEUE_PAGE_SIZE,
    exclude=None,
    keys=None,
    columns=None,
):
    """A page of each of the coordinator's queues (or of those in `keys`): {queue key:
    [QueueRow, ...]}, oldest first; `pages` is {queue key: page number} (the first page where
    not given), `exclude` is {queue key: a condition on Course of those to leave out},
    `columns` is {name: an expression on Course} each row carries in `extra` (what another
    area adds to a row). One statement: each queue's page found by its stage, joined to its
    names, one after the other.

    Courses waiting for first contact carry `waited` (working days) and `flagged`.
    """
    today = today or date.today()
    exclude = exclude or {}
    columns = columns or {}
    wanted = [key for key in QUEUE_KEYS if keys is None or key in keys]
    offsets = tuple((max(1, (pages or {}).get(key, 1)) - 1) * per_page for key in wanted)
    cutoff = first_contact_flag_cutoff(today, flag_after)

    def build():
        # Each queue's page of ids (by the stage index, sorted, limited), one after another;
        # then those few courses joined to their names and `columns` (never the whole queue).
        conditions = _queue_conditions(today, exclude)
        page = reduce(
            operator.add,  # UNION ALL
            [
                Select(
                    from_list=[
                        Course.select(
                            # The queue's place in QUEUE_KEYS, to sort the rows into queues.
                            SQL(str(QUEUE_KEYS.index(key))).alias("queue"),
                            Course.id.alias("course_id"),
                        )
                        .where(conditions[key])
                        .order_by(_unindexed(Course.received_on), Course.id)
                        .limit(per_page)
                        .offset(offset)
                        .alias(f"queue_{key}")
                    ],
                    columns=[SQL("*")],
                )
                for key, offset in zip(wanted, offsets, strict=True)
            ],
        ).alias("queue_page")
        volunteer = _VOLUNTEER
        return (
            Course.select(
                page.c.queue,
                *_QUEUE_ROW,
                Citizen.name.alias("citizen_name"),
                volunteer.name.alias("volunteer_name"),
                *(column.alias(name) for name, column in sorted(columns.items())),
            )
            .join(page, on=(page.c.course_id == Course.id))
            .switch(Course)
            .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
            .switch(Course)
            .join(volunteer, JOIN.LEFT_OUTER, on=(Course.volunteer == volunteer.id))
        )

    sql, params = statement(
        (
            "queues",
            today,
            per_page,
            tuple(wanted),
            offsets,
            _expressions_key(exclude),
            _expressions_key(columns),
        ),
        build,
    )
    extra = sorted(columns)
    queues = {key: [] for key in wanted}
    for values in run_prepared(sql, params, fixed=True).fetchall():
        row = _queue_row(values[: len(values) - len(extra)])
        row.extra = dict(zip(extra, values[len(values) - len(extra) :], strict=True))
        queues[QUEUE_KEYS[values[0]]].append(row)
    for rows in queues.values():
        # UNION ALL keeps no order of its own: each queue is sorted again, as its page was.
        rows.sort(key=lambda row: (row.received_on, row.id))
    for row in queues.get("awaiting_contact", ()):
        row.waited = working_days_waited(row.received_on, today)
        row.flagged = row.received_on <= cutoff
    return queues


# What a row of the course list shows (a course's name, stage, day received and volunteer).
_LIST_COLUMNS = (
    Course.id,
    Course.citizen,
    Course.stage,
    Course.received_on,
    Course.erased_on,
    Course.volunteer,
)


def _attach_conversation_totals(courses):
    """Each course's conversation count and last date: one grouped query for the courses
    given (by the conversations' course index), never over every conversation."""
    ids = {f"course{index}": c.id for index, c in enumerate(courses)}
    totals = {}
    if ids:
        found = kept(("courses.totals", len(ids)), lambda: _totals_of(len(ids)), **ids)
        totals = {course_id: (n, last) for course_id, n, last in found}
    for course in courses:
        course.conversation_count, course.last_conversation_on = totals.get(course.id, (0, None))


def _totals_of(count):
    return (
        Conversation.select(
            Conversation.course,
            fn.COUNT(Conversation.id),
            fn.MAX(Conversation.held_on).python_value(DateField().python_value),
        )
        .where(Conversation.course.in_([slot(f"course{index}") for index in range(count)]))
        .group_by(Conversation.course)
        .tuples()
    )


def search_courses(q="", stage="", branch="", volunteer_id=None, page=1, per_page=50):
    """The course list, filtered, newest first; returns (rows, has_more). The page's courses
    are found first, then their conversations totalled (the totals of every course would
    group every conversation for a page of fifty). The list without a name to search for is
    opened all day: its statement is kept for each combination of filters."""
    q = (q or "").strip()
    by_id = bool(re.fullmatch(r"#?[0-9]{1,15}", q))
    stages = stage if stage in ("open", "ended") else ("one" if stage in flow.STAGES else "")
    values = {
        "id": int(q.lstrip("#")) if by_id else None,
        "stage": stage,
        "branch": branch,
        "volunteer": volunteer_id,
        # One row more than a page tells whether there is a next page (paginate() would
        # shift every later page by that row).
        "limit": per_page + 1,
        "offset": (page - 1) * per_page,
    }
    shape = (by_id, stages, bool(branch), bool(volunteer_id))
    if q and not by_id:
        # A name: written for its term (a search is posted now and then, not all day).
        # A name: written for this search alone, and not kept (it is personal data).
        query = _course_search(*shape).where(fn.LOWER(Citizen.name).contains(q.lower()))
        rows = list(kept(None, lambda: query, **values))
    else:
        rows = list(kept(("courses.search", *shape), lambda: _course_search(*shape), **values))
    rows, has_more = rows[:per_page], len(rows) > per_page
    _attach_conversation_totals(rows)
    return rows, has_more


def _course_search(by_id, stages, by_branch, by_volunteer):
    volunteer = _VOLUNTEER
    query = (
        Course.select(*_LIST_COLUMNS, Citizen.id, Citizen.name, volunteer.id, volunteer.name)
        .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
        .switch(Course)
        .join(volunteer, JOIN.LEFT_OUTER, on=(Course.volunteer == volunteer.id), attr="volunteer")
    )
    if by_id:
        query = query.where(Course.id == slot("id"))
    if stages == "open":
        query = query.where(Course.stage.in_(flow.OPEN_STAGES))
    elif stages == "ended":
        query = query.where(Course.stage.in_(flow.ENDED_STAGES))
    elif stages == "one":
        query = query.where(Course.stage == slot("stage"))
    if by_branch:
        query = query.where(Course.branch == slot("branch"))
    if by_volunteer:
        query = query.where(Course.volunteer == slot("volunteer"))
    ordered = query.order_by(Course.received_on.desc(), Course.id.desc())
    return ordered.limit(slot("limit")).offset(slot("offset"))


def course_detail(course_id):
    """One course with its citizen, volunteer (id and name) and conversation count and last
    date, or None: one statement, the totals counted for this course alone (by the
    conversations' course index, never grouped over every conversation)."""
    course = kept_first(("courses.detail",), _course_detail, course=course_id)
    if course is None:
        return None
    course.conversation_count = course.conversation_count or 0
    course.last_conversation_on = DateField().python_value(course.last_conversation_on)
    return course


def _course_detail():
    volunteer = _VOLUNTEER
    held = _HELD

    def of_this_course(total):
        return held.select(total).where(held.course == Course.id)

    return (
        Course.select(
            Course,
            Citizen,
            volunteer.id,
            volunteer.name,
            of_this_course(fn.COUNT(held.id)).alias("conversation_count"),
            of_this_course(fn.MAX(held.held_on)).alias("last_conversation_on"),
        )
        .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
        .switch(Course)
        .join(volunteer, JOIN.LEFT_OUTER, on=(Course.volunteer == volunteer.id), attr="volunteer")
        .where(Course.id == slot("course"))
        .limit(1)
    )


def timeline(course):
    return list(kept(("courses.timeline",), _timeline, course=course.id))


def _timeline():
    actor = _ACTOR
    return (
        CourseEvent.select(CourseEvent, actor.id, actor.name)
        .join(actor, JOIN.LEFT_OUTER, on=(CourseEvent.actor == actor.id), attr="actor")
        .where(CourseEvent.course == slot("course"))
        .order_by(CourseEvent.at, CourseEvent.id)
    )


def proposals_for(course):
    return list(kept(("courses.proposals",), _proposals, course=course.id))


def _proposals():
    volunteer = _PROPOSED
    return (
        Proposal.select(Proposal, volunteer.id, volunteer.name)
        .join(volunteer, on=(Proposal.volunteer == volunteer.id), attr="volunteer")
        .where(Proposal.course == slot("course"))
        .order_by(Proposal.proposed_at, Proposal.id)
    )


def active_volunteers():
    """The active volunteers' (id, name) pairs, by name (the course list's filter)."""
    return list(kept(("courses.active_volunteers",), _active_volunteers))


def _active_volunteers():
    return (
        User.select(User.id, User.name)
        .where((User.role == "volunteer") & (User.active == True))  # noqa: E712
        .order_by(User.name)
        .tuples()
    )


def _with_conversation_totals(*columns):
    """Courses with `columns` and their conversation count and last date, each counted for
    its own course by the conversations' course index (for a volunteer's few courses)."""
    held = _HELD

    def of_this_course(total):
        return held.select(total).where(held.course == Course.id)

    return Course.select(
        *columns,
        of_this_course(fn.COUNT(held.id)).alias("conversation_count"),
        # Wrapped so it converts to a date on SQLite too.
        fn.COALESCE(of_this_course(fn.MAX(held.held_on)), None)
        .python_value(DateField().python_value)
        .alias("last_conversation_on"),
    )


def volunteer_home(volunteer):
    """What a volunteer sees: pending proposals, upcoming match meetings, own courses (with
    what the page shows of them, no more)."""
    proposals = list(kept(("home.proposals",), _home_proposals, volunteer=volunteer.id))
    courses = list(kept(("home.courses",), _home_courses, volunteer=volunteer.id))
    ended = list(kept(("home.ended",), _home_ended, volunteer=volunteer.id))
    return {
        "pending": [p for p in proposals if p.status == ProposalStatus.PENDING],
        "meetings": [p for p in proposals if p.status == ProposalStatus.ACCEPTED],
        "courses": courses,
        "ended": ended,
    }


def _home_proposals():
    return (
        Proposal.select(
            Proposal.id,
            Proposal.status,
            Course.id,
            Course.citizen,
            Course.birth_year,
            Course.version,
            Citizen.id,
            Citizen.goals,
        )
        .join(Course)
        .join(Citizen, JOIN.LEFT_OUTER)
        .where(
            (Proposal.volunteer == slot("volunteer"))
            & (Proposal.status.in_(ProposalStatus.OPEN))
            & (Course.stage.in_((flow.PROPOSED, flow.MATCH_MEETING)))
        )
        .order_by(Proposal.proposed_at)
    )


def _home_courses():
    return (
        _with_conversation_totals(
            Course.id,
            Course.citizen,
            Course.erased_on,
            Course.version,
            Course.ready_to_close_on,
            Citizen.id,
            Citizen.name,
            Citizen.phone,
        )
        .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
        .where((Course.volunteer == slot("volunteer")) & (Course.stage == flow.ACTIVE))
        .order_by(Course.started_on)
    )


def _home_ended():
    return (
        _with_conversation_totals(Course.id, Course.ended_on)
        .where(
            (Course.volunteer == slot("volunteer"))
            & (Course.stage.in_((flow.CLOSED, flow.FOLLOWED_UP)))
        )
        .order_by(Course.ended_on.desc())
        .limit(10)
    )


def conversations_of(course, logged_by=None, since=None):
    """The course's conversations, newest first, with who logged them; only those `logged_by`
    that user and logged at or after `since`, when given."""
    key = ("courses.conversations", logged_by is not None, since is not None)
    values = {"course": course.id, "logged_by": logged_by, "since": since}
    return list(kept(key, lambda: _conversations(*key[1:]), **values))


def _conversations(by_logger, since):
    logger = _LOGGER
    query = (
        Conversation.select(Conversation, logger.id, logger.name)
        .join(logger, JOIN.LEFT_OUTER, on=(Conversation.logged_by == logger.id), attr="logged_by")
        .where(Conversation.course == slot("course"))
    )
    if by_logger:
        query = query.where(Conversation.logged_by == slot("logged_by"))
    if since:
        query = query.where(Conversation.logged_at >= slot("since"))
    return query.order_by(Conversation.held_on.desc(), Conversation.id.desc())
