"""Read-side queries for lists and queues: a fixed number of queries a page, never one a row."""

import re
from datetime import date, timedelta

from peewee import JOIN, SQL, DateField, NodeList, fn

from trivsel.core.db import is_sqlite
from trivsel.core.users import User
from trivsel.core.workdays import is_working_day, working_days_waited
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal


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
    volunteer = User.alias("volunteer_user")
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


# How many courses a queue on the dashboard shows a page.
QUEUE_PAGE_SIZE = 25


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


def queue_counts(today=None, flag_after=2, exclude=None):
    """({queue key: how many courses it holds}, how many of those waiting for first contact
    are flagged): a COUNT a queue, each found by the stage index (one statement over all the
    queues' stages would scan the table)."""
    today = today or date.today()
    conditions = _queue_conditions(today, exclude or {})
    cutoff = first_contact_flag_cutoff(today, flag_after)
    counts = {key: Course.select().where(c).count() for key, c in conditions.items()}
    flagged = (
        Course.select()
        .where(conditions["awaiting_contact"] & (Course.received_on <= cutoff))
        .count()
    )
    return counts, flagged


def _attach_conversation_totals(courses):
    """Each course's conversation count and last date, one grouped query for them all."""
    ids = [c.id for c in courses]
    totals = {}
    if ids:
        totals = {
            course_id: (n, last)
            for course_id, n, last in Conversation.select(
                Conversation.course,
                fn.COUNT(Conversation.id),
                fn.MAX(Conversation.held_on).python_value(DateField().python_value),
            )
            .where(Conversation.course.in_(ids))
            .group_by(Conversation.course)
            .tuples()
        }
    for course in courses:
        course.conversation_count, course.last_conversation_on = totals.get(course.id, (0, None))


def _unindexed(column):
    """`column` for ORDER BY such that SQLite's planner does not walk the column's index to
    give the order: on a LIMITed page of a short queue it would otherwise scan every course
    by `received_on` instead of finding the queue's few by `stage` and sorting those (SQLite's
    unary + keeps a term off its index; other databases plan on statistics)."""
    return NodeList((SQL("+"), column), glue="") if is_sqlite() else column


# What a queue's row shows (a course's name, dates and volunteer), so its rows stay light.
_QUEUE_COLUMNS = (
    Course.id,
    Course.citizen,
    Course.stage,
    Course.received_on,
    Course.erased_on,
    Course.intake_scheduled_at,
    Course.volunteer,
    Course.expected_end_on,
    Course.ended_on,
)


def dashboard_queues(
    today=None, flag_after=2, pages=None, per_page=QUEUE_PAGE_SIZE, exclude=None, keys=None
):
    """A page of each of the coordinator's queues (or of those in `keys`): {queue key:
    [course, ...]}, oldest first; `pages` is {queue key: page number} (the first page where
    not given), `exclude` is {queue key: a condition on Course of those to leave out}. One
    narrow query a queue, one for the courses shown and one for their conversation totals.

    Courses waiting for first contact carry `waited` (working days) and `flagged`.
    """
    today = today or date.today()
    pages = pages or {}
    conditions = _queue_conditions(today, exclude or {})
    cutoff = first_contact_flag_cutoff(today, flag_after)
    # A narrow query a queue for the ids of its page, then one for those courses' rows.
    page_ids = {}
    for key, condition in conditions.items():
        if keys is not None and key not in keys:
            continue
        page = max(1, pages.get(key, 1))
        page_ids[key] = [
            course_id
            for (course_id,) in Course.select(Course.id)
            .where(condition)
            .order_by(_unindexed(Course.received_on), Course.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .tuples()
        ]
    wanted = [course_id for ids in page_ids.values() for course_id in ids]
    volunteer = User.alias("volunteer_user")
    rows = {}
    if wanted:
        rows = {
            course.id: course
            for course in Course.select(
                *_QUEUE_COLUMNS, Citizen.id, Citizen.name, volunteer.id, volunteer.name
            )
            .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
            .switch(Course)
            .join(
                volunteer, JOIN.LEFT_OUTER, on=(Course.volunteer == volunteer.id), attr="volunteer"
            )
            .where(Course.id.in_(wanted))
        }
    queues = {key: [rows[i] for i in ids if i in rows] for key, ids in page_ids.items()}
    for course in queues.get("awaiting_contact", ()):
        course.waited = working_days_waited(course.received_on, today)
        course.flagged = course.received_on <= cutoff
    _attach_conversation_totals([c for rows in queues.values() for c in rows])
    return queues


def search_courses(q="", stage="", branch="", volunteer_id=None, page=1, per_page=50):
    """The course list, filtered; returns (rows, has_more)."""
    query = courses_with_totals()
    q = (q or "").strip()
    if q:
        if re.fullmatch(r"#?[0-9]{1,15}", q):
            query = query.where(Course.id == int(q.lstrip("#")))
        else:
            query = query.where(fn.LOWER(Citizen.name).contains(q.lower()))
    if stage == "open":
        query = query.where(Course.stage.in_(flow.OPEN_STAGES))
    elif stage == "ended":
        query = query.where(Course.stage.in_(flow.ENDED_STAGES))
    elif stage in flow.STAGES:
        query = query.where(Course.stage == stage)
    if branch:
        query = query.where(Course.branch == branch)
    if volunteer_id:
        query = query.where(Course.volunteer == volunteer_id)
    # One row more than a page tells whether there is a next page (paginate() would shift
    # every later page by that row).
    ordered = query.order_by(Course.received_on.desc(), Course.id.desc())
    rows = list(ordered.limit(per_page + 1).offset((page - 1) * per_page))
    return rows[:per_page], len(rows) > per_page


def course_detail(course_id):
    """One course with its citizen, volunteer and conversation count and last date, or None.
    The totals are counted for this course alone (never grouped over every conversation)."""
    volunteer = User.alias("volunteer_user")
    course = (
        Course.select(Course, Citizen, volunteer)
        .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id))
        .switch(Course)
        .join(volunteer, JOIN.LEFT_OUTER, on=(Course.volunteer == volunteer.id), attr="volunteer")
        .where(Course.id == course_id)
        .first()
    )
    if course is None:
        return None
    count, last = (
        Conversation.select(fn.COUNT(Conversation.id), fn.MAX(Conversation.held_on))
        .where(Conversation.course == course_id)
        .tuples()
        .get()
    )
    course.conversation_count = count or 0
    course.last_conversation_on = DateField().python_value(last) if last is not None else None
    return course


def timeline(course):
    actor = User.alias("actor_user")
    return list(
        CourseEvent.select(CourseEvent, actor)
        .join(actor, JOIN.LEFT_OUTER, on=(CourseEvent.actor == actor.id), attr="actor")
        .where(CourseEvent.course == course.id)
        .order_by(CourseEvent.at, CourseEvent.id)
    )


def proposals_for(course):
    volunteer = User.alias("proposed_user")
    return list(
        Proposal.select(Proposal, volunteer)
        .join(volunteer, on=(Proposal.volunteer == volunteer.id), attr="volunteer")
        .where(Proposal.course == course.id)
        .order_by(Proposal.proposed_at, Proposal.id)
    )


def active_volunteers():
    return list(
        User.select()
        .where((User.role == "volunteer") & (User.active == True))  # noqa: E712
        .order_by(User.name)
    )


def volunteer_home(volunteer):
    """What a volunteer sees: pending proposals, upcoming match meetings, own courses."""
    proposals = list(
        Proposal.select(Proposal, Course, Citizen)
        .join(Course)
        .join(Citizen, JOIN.LEFT_OUTER)
        .where(
            (Proposal.volunteer == volunteer.id)
            & (Proposal.status.in_(ProposalStatus.OPEN))
            & (Course.stage.in_((flow.PROPOSED, flow.MATCH_MEETING)))
        )
        .order_by(Proposal.proposed_at)
    )
    # Only the volunteer's own courses' conversations are totalled.
    own = Course.select(Course.id).where(Course.volunteer == volunteer.id)
    courses = list(
        courses_with_totals(own)
        .where((Course.volunteer == volunteer.id) & (Course.stage == flow.ACTIVE))
        .order_by(Course.started_on)
    )
    ended = list(
        courses_with_totals(own)
        .where(
            (Course.volunteer == volunteer.id) & (Course.stage.in_((flow.CLOSED, flow.FOLLOWED_UP)))
        )
        .order_by(Course.ended_on.desc())
        .limit(10)
    )
    return {
        "pending": [p for p in proposals if p.status == ProposalStatus.PENDING],
        "meetings": [p for p in proposals if p.status == ProposalStatus.ACCEPTED],
        "courses": courses,
        "ended": ended,
    }


def conversations_of(course, logged_by=None, since=None):
    """The course's conversations, newest first, with who logged them; only those `logged_by`
    that user and logged at or after `since`, when given."""
    logger = User.alias("logged_by_user")
    query = (
        Conversation.select(Conversation, logger)
        .join(logger, JOIN.LEFT_OUTER, on=(Conversation.logged_by == logger.id), attr="logged_by")
        .where(Conversation.course == course.id)
    )
    if logged_by is not None:
        query = query.where(Conversation.logged_by == logged_by)
    if since is not None:
        query = query.where(Conversation.logged_at >= since)
    return list(query.order_by(Conversation.held_on.desc(), Conversation.id.desc()))
