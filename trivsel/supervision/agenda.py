"""A group meeting's agenda, computed from the courses as they are now: never stored."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import JOIN, SQL, Select, fn

from trivsel.core.db import as_date, kept, run_prepared, slot, statement
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, Proposal

QUIET_AFTER = timedelta(weeks=3)

# The aliases the queries join through, made once: an alias makes (and keeps) a class for
# each field it is asked for, so one made per call costs more than the query's SQL.
_VOLUNTEER = User.alias("volunteer_user")
_PROPOSED = User.alias("proposed_user")
_HELD = Conversation.alias("held")


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
    shows read.

    A course is quiet when its last conversation (or its start, when it has none) is three
    weeks or more before the day: when none of its conversations is more recent, and it
    either started that long ago or has had a conversation. So the courses are held against
    the few conversations of the last three weeks (by the held_on index), not each against
    all of its own; the last conversation's day is looked up for the page's courses only."""
    quiet_since = day - QUIET_AFTER
    recent = Conversation.select(Conversation.course).where(Conversation.held_on > quiet_since)
    has_had_one = fn.EXISTS(Conversation.select(SQL("1")).where(Conversation.course == Course.id))
    started_long_ago = Course.started_on.is_null(False) & (Course.started_on <= quiet_since)
    quiet = Course.id.not_in(recent) & (started_long_ago | has_had_one)
    past_end = Course.expected_end_on.is_null(False) & (Course.expected_end_on < day)
    ready = Course.ready_to_close_on.is_null(False)
    # By start (an active course has one). An expression, not the bare column: SQLite would
    # otherwise walk every course ever by the started_on index to find the few hundred active
    # ones; so it starts from the stage and sorts what is on the agenda.
    order = fn.COALESCE(Course.started_on, Course.received_on)
    listed = Course.select(
        Course.id.alias("id"),
        Course.ref.alias("ref"),
        Course.volunteer.alias("volunteer_id"),
        Course.citizen.alias("citizen_id"),
        Course.started_on.alias("started_on"),
        Course.expected_end_on.alias("expected_end_on"),
        Course.ready_to_close_on.alias("ready_to_close_on"),
        Course.erased_on.alias("erased_on"),
        order.alias("ordered_on"),
    ).where((Course.stage == flow.ACTIVE) & (past_end | ready | quiet))
    if volunteer_id is not None:
        listed = listed.where(Course.volunteer == volunteer_id)
    listed = listed.order_by(order, Course.id)
    if limit is not None:
        listed = listed.limit(limit).offset(offset)
    listed = listed.alias("agenda_courses")
    held = _HELD
    last = held.select(fn.MAX(held.held_on)).where(held.course == listed.c.id)
    return (
        Select(
            from_list=[listed],
            columns=[
                listed.c.id,
                listed.c.ref,
                listed.c.volunteer_id,
                listed.c.started_on,
                listed.c.expected_end_on,
                listed.c.ready_to_close_on,
                listed.c.erased_on,
                Citizen.name,
                _VOLUNTEER.name,
                last,
            ],
        )
        .join(Citizen, JOIN.LEFT_OUTER, on=(Citizen.id == listed.c.citizen_id))
        .join(_VOLUNTEER, JOIN.LEFT_OUTER, on=(_VOLUNTEER.id == listed.c.volunteer_id))
        .order_by(listed.c.ordered_on, listed.c.id)
    )


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
