"""A group meeting's agenda, computed from the courses as they are now: never stored."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import JOIN, fn

from trivsel.core.db import as_date, is_sqlite, kept, run_prepared, slot, statement
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, Proposal

QUIET_AFTER = timedelta(weeks=3)

# The aliases the queries join through, made once: an alias makes (and keeps) a class for
# each field it is asked for, so one made per call costs more than the query's SQL.
_VOLUNTEER = User.alias("volunteer_user")
_PROPOSED = User.alias("proposed_user")


@dataclass(slots=True)
class AgendaCourse:
    """What the agenda shows of an active course: its name, dates and volunteer."""

    id: int
    ref: str | None
    volunteer_id: int | None
    started_on: date | None
    expected_end_on: date | None
    ready_to_close_on: date | None
    erased_on: date | None
    citizen_name: str | None
    volunteer_name: str | None
    last_conversation_on: date | None


@dataclass
class Agenda:
    """What a group meeting should talk about, on the meeting's day (one page of it: `page`,
    and `has_more` when a later page has more courses or proposals)."""

    day: date
    past_end: list = field(default_factory=list)  # active courses past their expected end
    ready_to_close: list = field(default_factory=list)  # flagged by their volunteer
    quiet: list = field(default_factory=list)  # no conversation logged for 3 weeks
    waiting: list = field(default_factory=list)  # proposals waiting for an answer
    page: int = 1
    has_more: bool = False

    @property
    def empty(self):
        return not (self.past_end or self.ready_to_close or self.quiet or self.waiting)

    def concerning(self, volunteer_id):
        """Only the items about one volunteer's own courses and proposals."""
        return Agenda(
            self.day,
            [c for c in self.past_end if c.volunteer_id == volunteer_id],
            [c for c in self.ready_to_close if c.volunteer_id == volunteer_id],
            [c for c in self.quiet if c.volunteer_id == volunteer_id],
            [p for p in self.waiting if p.volunteer_id == volunteer_id],
        )


def _active_courses(day, volunteer_id, limit, offset):
    """The active courses on the agenda, by start: the rules in SQL, and only what the agenda
    shows read."""
    quiet_since = day - QUIET_AFTER
    if is_sqlite():
        # The last conversation of each active course (the volunteer's), grouped once.
        totalled = Course.select(Course.id).where(Course.stage == flow.ACTIVE)
        if volunteer_id is not None:
            totalled = totalled.where(Course.volunteer == volunteer_id)
        totals = (
            Conversation.select(
                Conversation.course.alias("course_id"), fn.MAX(Conversation.held_on).alias("last")
            )
            .where(Conversation.course.in_(totalled))
            .group_by(Conversation.course)
            .alias("conversation_totals")
        )
        join_type, on = JOIN.LEFT_OUTER, (totals.c.course_id == Course.id)
    else:
        # PostgreSQL: each course's last conversation by the (course, held_on) index, in a
        # LATERAL subquery (which SQLite lacks): planned in a quarter of the time of the
        # grouped totals, and run faster too.
        totals = (
            Conversation.select(fn.MAX(Conversation.held_on).alias("last"))
            .where(Conversation.course == Course.id)
            .alias("conversation_totals")
        )
        join_type, on = JOIN.LEFT_LATERAL, True
    last = fn.COALESCE(totals.c.last, Course.started_on)
    past_end = Course.expected_end_on.is_null(False) & (Course.expected_end_on < day)
    ready = Course.ready_to_close_on.is_null(False)
    quiet = last.is_null(False) & (last <= quiet_since)
    query = (
        Course.select(
            Course.id,
            Course.ref,
            Course.volunteer,
            Course.started_on,
            Course.expected_end_on,
            Course.ready_to_close_on,
            Course.erased_on,
            Citizen.name,
            _VOLUNTEER.name,
            totals.c.last,
        )
        .join(Citizen, on=(Course.citizen == Citizen.id), join_type=JOIN.LEFT_OUTER)
        .switch(Course)
        .join(_VOLUNTEER, on=(Course.volunteer == _VOLUNTEER.id), join_type=JOIN.LEFT_OUTER)
        .switch(Course)
        .join(totals, join_type, on=on)
        .where((Course.stage == flow.ACTIVE) & (past_end | ready | quiet))
        # By start (an active course has one). An expression, not the bare column: SQLite
        # would otherwise walk every course ever by the started_on index to find the few
        # hundred active ones; so it starts from the stage and sorts what is on the agenda.
        .order_by(fn.COALESCE(Course.started_on, Course.received_on), Course.id)
    )
    if volunteer_id is not None:
        query = query.where(Course.volunteer == volunteer_id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return query


def _waiting(for_volunteer, paged):
    waiting = (
        Proposal.select(
            Proposal.id,
            Proposal.course,
            Proposal.volunteer,
            Proposal.proposed_at,
            _PROPOSED.id,
            _PROPOSED.name,
        )
        .join(Course)
        .switch(Proposal)
        .join(_PROPOSED, on=(Proposal.volunteer == _PROPOSED.id), attr="volunteer")
        .where((Proposal.status == ProposalStatus.PENDING) & (Course.stage == flow.PROPOSED))
        .order_by(Proposal.proposed_at, Proposal.id)
    )
    if for_volunteer:
        waiting = waiting.where(Proposal.volunteer == slot("volunteer"))
    if paged:
        waiting = waiting.limit(slot("limit")).offset(slot("offset"))
    return waiting


def agenda(day, volunteer_id=None, page=1, per_page=None):
    """The agenda for a meeting on `day`, from the data as it is now (two queries, the rules
    in SQL, so only the courses on the agenda are read, and of them only what it shows).

    - past the expected end: `expected_end_on` before the day (on the day itself, not yet);
    - quiet: the last conversation (or the start, when none) 21 days or more before the day;
    - ready to close: flagged by the volunteer;
    - waiting: proposals with no answer yet.

    With `volunteer_id`, only that volunteer's courses and proposals. With `per_page`, one page:
    `per_page` courses on the agenda (a course may stand under more than one rule) and
    `per_page` waiting proposals, each in their order.
    """
    result = Agenda(day, page=page)
    # One row more than a page tells whether there is a next page.
    limit = None if per_page is None else per_page + 1
    offset = 0 if per_page is None else (page - 1) * per_page
    # The same statement all day for a day and a page: written once (see core.db.statement).
    sql, params = statement(
        ("agenda", day, volunteer_id, limit, offset),
        lambda: _active_courses(day, volunteer_id, limit, offset),
    )
    courses = [
        AgendaCourse(
            course_id,
            ref,
            volunteer,
            as_date(started),
            as_date(expected_end),
            as_date(ready),
            as_date(erased),
            citizen,
            volunteer_name,
            as_date(last),
        )
        for (
            course_id,
            ref,
            volunteer,
            started,
            expected_end,
            ready,
            erased,
            citizen,
            volunteer_name,
            last,
        ) in run_prepared(sql, params, fixed=True).fetchall()
    ]
    key = ("agenda.waiting", volunteer_id is not None, limit is not None)
    values = {"volunteer": volunteer_id, "limit": limit, "offset": offset}
    proposals = list(kept(key, lambda: _waiting(*key[1:]), **values))
    if per_page is not None:
        result.has_more = len(courses) > per_page or len(proposals) > per_page
        courses, proposals = courses[:per_page], proposals[:per_page]
    quiet_since = day - QUIET_AFTER
    for course in courses:
        if course.expected_end_on and course.expected_end_on < day:
            result.past_end.append(course)
        if course.ready_to_close_on:
            result.ready_to_close.append(course)
        since = course.last_conversation_on or course.started_on
        if since and since <= quiet_since:
            result.quiet.append(course)
    result.waiting = proposals
    return result
