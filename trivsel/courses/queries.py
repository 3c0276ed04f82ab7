"""Read-side queries for lists and queues: a fixed number of queries a page, never one a row."""

import re
from datetime import date

from peewee import JOIN, DateField, fn

from trivsel.core.users import User
from trivsel.core.workdays import working_days_waited
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal


def _conversation_totals():
    return (
        Conversation.select(
            Conversation.course.alias("course_id"),
            fn.COUNT(Conversation.id).alias("n"),
            fn.MAX(Conversation.held_on).alias("last"),
        )
        .group_by(Conversation.course)
        .alias("conversation_totals")
    )


def courses_with_totals():
    """Courses with their citizen, volunteer and conversation count and last date."""
    totals = _conversation_totals()
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


def dashboard_queues(today=None, flag_after=2):
    """The coordinator's queues: {queue key: [course, ...]}, oldest first.

    Courses waiting for first contact carry `waited` (working days) and `flagged`.
    """
    today = today or date.today()
    stages = {stage for _, stages in flow.QUEUES for stage in stages}
    rows = (
        courses_with_totals()
        .where(Course.stage.in_(stages))
        .order_by(Course.received_on, Course.id)
    )
    queues = {key: [] for key, _ in flow.QUEUES}
    queue_of = {stage: key for key, stages in flow.QUEUES for stage in stages}
    for course in rows:
        key = queue_of[course.stage]
        if key == "overdue" and not (course.expected_end_on and course.expected_end_on < today):
            continue
        if key == "awaiting_contact":
            course.waited = working_days_waited(course.received_on, today)
            course.flagged = course.waited > flag_after
        queues[key].append(course)
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
    """One course with totals, or None."""
    return courses_with_totals().where(Course.id == course_id).first()


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
    courses = list(
        courses_with_totals()
        .where((Course.volunteer == volunteer.id) & (Course.stage == flow.ACTIVE))
        .order_by(Course.started_on)
    )
    ended = list(
        courses_with_totals()
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
