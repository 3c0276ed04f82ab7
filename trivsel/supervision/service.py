"""Supervision: group meetings every 14 days with their agenda, requests, theme days, sign-up."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import JOIN, Entity, IntegrityError, fn

from trivsel.calendar import appointments
from trivsel.core.db import database, now
from trivsel.core.users import User
from trivsel.courses import flow, queries
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Course, Proposal
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)

EVERY = timedelta(days=14)
QUIET_AFTER = timedelta(weeks=3)


class Full(Exception):
    """The theme day has no free places."""


class MeetingPast(Exception):
    """The group meeting has begun or been held: it cannot be moved or cancelled."""


# --- Group meetings ---------------------------------------------------------------------------


def create_series(first_at, count, place, actor):
    """`count` group meetings, 14 days apart from `first_at`; each active volunteer is invited
    to each (with the calendar file) and reminded the day before."""
    with database.atomic():
        created = [
            SupervisionMeeting.create(starts_at=first_at + EVERY * i, place=place, created_by=actor)
            for i in range(count)
        ]
        appointments.schedule_supervision_series(created, actor)
        return created


def _not_begun(meeting):
    if meeting.starts_at <= appointments.local_now():
        raise MeetingPast()


def move_meeting(meeting, starts_at, place, actor):
    """Move a coming group meeting: the invited get the change (same calendar entry), the
    reminder of the old time is withdrawn and one for the new time queued."""
    _not_begun(meeting)
    with database.atomic():
        SupervisionMeeting.update(starts_at=starts_at, place=place).where(
            SupervisionMeeting.id == meeting.id
        ).execute()
        moved = SupervisionMeeting.get_by_id(meeting.id)
        appointments.schedule_supervision(moved, actor)
    return moved


def cancel_meeting(meeting):
    """Cancel a coming group meeting: the invited get the cancellation, its reminders are
    withdrawn, and the meeting is gone from the list (nothing was recorded for it yet)."""
    _not_begun(meeting)
    with database.atomic():
        appointments.cancel_supervision(meeting.id)
        SupervisionMeeting.delete().where(SupervisionMeeting.id == meeting.id).execute()


def meetings(today=None, past=False, limit=20):
    today = today or date.today()
    start = datetime.combine(today, time.min)
    query = SupervisionMeeting.select()
    if past:
        query = query.where(SupervisionMeeting.starts_at < start).order_by(
            SupervisionMeeting.starts_at.desc()
        )
    else:
        query = query.where(SupervisionMeeting.starts_at >= start).order_by(
            SupervisionMeeting.starts_at
        )
    return list(query.limit(limit))


def next_meeting(today=None):
    upcoming = meetings(today, limit=1)
    return upcoming[0] if upcoming else None


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


def agenda(day, volunteer_id=None, page=1, per_page=None):
    """The agenda for a meeting on `day`, from the data as it is now (two queries, the rules
    in SQL, so only the courses on the agenda are read).

    - past the expected end: `expected_end_on` before the day (on the day itself, not yet);
    - quiet: the last conversation (or the start, when none) 21 days or more before the day;
    - ready to close: flagged by the volunteer;
    - waiting: proposals with no answer yet.

    With `volunteer_id`, only that volunteer's courses and proposals. With `per_page`, one page:
    `per_page` courses on the agenda (a course may stand under more than one rule) and
    `per_page` waiting proposals, each in their order.
    """
    result = Agenda(day, page=page)
    quiet_since = day - QUIET_AFTER
    # The last conversation's date, from courses_with_totals()'s subquery of the totals.
    last = fn.COALESCE(Entity("conversation_totals", "last"), Course.started_on)
    past_end = Course.expected_end_on.is_null(False) & (Course.expected_end_on < day)
    ready = Course.ready_to_close_on.is_null(False)
    quiet = last.is_null(False) & (last <= quiet_since)
    # Only the active courses' (the volunteer's) conversations are totalled.
    totalled = Course.select(Course.id).where(Course.stage == flow.ACTIVE)
    if volunteer_id is not None:
        totalled = totalled.where(Course.volunteer == volunteer_id)
    active = (
        queries.courses_with_totals(totalled)
        .where((Course.stage == flow.ACTIVE) & (past_end | ready | quiet))
        .order_by(Course.started_on, Course.id)
    )
    volunteer = User.alias("proposed_user")
    waiting = (
        Proposal.select(Proposal, Course, Citizen, volunteer)
        .join(Course)
        .join(Citizen, JOIN.LEFT_OUTER)
        .switch(Proposal)
        .join(volunteer, on=(Proposal.volunteer == volunteer.id), attr="volunteer")
        .where((Proposal.status == ProposalStatus.PENDING) & (Course.stage == flow.PROPOSED))
        .order_by(Proposal.proposed_at, Proposal.id)
    )
    if volunteer_id is not None:
        active = active.where(Course.volunteer == volunteer_id)
        waiting = waiting.where(Proposal.volunteer == volunteer_id)
    if per_page is not None:
        # One row more than a page tells whether there is a next page.
        offset = (page - 1) * per_page
        active = active.limit(per_page + 1).offset(offset)
        waiting = waiting.limit(per_page + 1).offset(offset)
    courses, proposals = list(active), list(waiting)
    if per_page is not None:
        result.has_more = len(courses) > per_page or len(proposals) > per_page
        courses, proposals = courses[:per_page], proposals[:per_page]
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


def attendance_of(meeting):
    """{volunteer id: attended} recorded for the meeting."""
    return dict(
        SupervisionAttendance.select(
            SupervisionAttendance.volunteer, SupervisionAttendance.attended
        )
        .where(SupervisionAttendance.meeting == meeting.id)
        .tuples()
    )


def record_attendance(meeting, volunteer_ids, attended_ids):
    """One row per volunteer counted (came or not), replacing what was recorded before."""
    attended_ids = set(attended_ids)
    with database.atomic():
        SupervisionAttendance.delete().where(SupervisionAttendance.meeting == meeting.id).execute()
        if volunteer_ids:
            SupervisionAttendance.insert_many(
                [
                    {"meeting": meeting.id, "volunteer": v, "attended": v in attended_ids}
                    for v in volunteer_ids
                ]
            ).execute()
        SupervisionMeeting.update(attendance_recorded=True).where(
            SupervisionMeeting.id == meeting.id
        ).execute()


# --- Individual supervision ------------------------------------------------------------------


def request_supervision(course, volunteer, by_phone=False):
    """A request on one of the volunteer's courses; an open one is not repeated."""
    existing = SupervisionRequest.get_or_none(
        (SupervisionRequest.course == course.id)
        & (SupervisionRequest.volunteer == volunteer.id)
        & SupervisionRequest.handled_at.is_null()
    )
    if existing is not None:
        return existing, False
    return SupervisionRequest.create(
        course=course.id, volunteer=volunteer.id, by_phone=by_phone
    ), True


def open_requests():
    """The coordinators' queue of individual supervision requests, oldest first."""
    volunteer = User.alias("requesting_user")
    return list(
        SupervisionRequest.select(SupervisionRequest, Course, Citizen, volunteer)
        .join(Course)
        .join(Citizen, JOIN.LEFT_OUTER)
        .switch(SupervisionRequest)
        .join(volunteer, on=(SupervisionRequest.volunteer == volunteer.id), attr="volunteer")
        .where(SupervisionRequest.handled_at.is_null())
        .order_by(SupervisionRequest.requested_at, SupervisionRequest.id)
    )


def open_request_course_ids(volunteer_id):
    return set(
        SupervisionRequest.select(SupervisionRequest.course)
        .where(
            (SupervisionRequest.volunteer == volunteer_id) & SupervisionRequest.handled_at.is_null()
        )
        .tuples()
        .iterator()
    )


def handle_request(request_id, actor):
    """Mark a request handled; returns False when it was already handled (by anyone)."""
    return bool(
        SupervisionRequest.update(handled_at=now(), handled_by=actor)
        .where((SupervisionRequest.id == request_id) & SupervisionRequest.handled_at.is_null())
        .execute()
    )


# --- Theme days ----------------------------------------------------------------------------


def create_theme_day(title, starts_at, place, capacity, actor):
    """A theme day; `capacity` None has no limit on places."""
    return ThemeDay.create(
        title=title.strip(), starts_at=starts_at, place=place, capacity=capacity, created_by=actor
    )


def theme_days(today=None, volunteer_id=None):
    """Coming theme days with `taken` places and, for a volunteer, `signed_up`."""
    today = today or date.today()
    signups = (
        ThemeDaySignup.select(
            ThemeDaySignup.theme_day.alias("day_id"), fn.COUNT(ThemeDaySignup.id).alias("n")
        )
        .group_by(ThemeDaySignup.theme_day)
        .alias("signups")
    )
    columns = [ThemeDay, fn.COALESCE(signups.c.n, 0).alias("taken")]
    query = ThemeDay.select(*columns).join(
        signups, JOIN.LEFT_OUTER, on=(signups.c.day_id == ThemeDay.id)
    )
    if volunteer_id is not None:
        mine = ThemeDaySignup.alias("mine")
        query = query.select_extend(mine.id.is_null(False).alias("signed_up")).join(
            mine,
            JOIN.LEFT_OUTER,
            on=((mine.theme_day == ThemeDay.id) & (mine.volunteer == volunteer_id)),
        )
    return list(
        query.where(ThemeDay.starts_at >= datetime.combine(today, time.min)).order_by(
            ThemeDay.starts_at
        )
    )


def signed_up_names(day_ids):
    """{theme day id: [volunteer names]} in one query."""
    names = {}
    rows = (
        ThemeDaySignup.select(ThemeDaySignup.theme_day, User.name)
        .join(User, on=(ThemeDaySignup.volunteer == User.id))
        .where(ThemeDaySignup.theme_day.in_(list(day_ids)))
        .order_by(User.name)
        .tuples()
    )
    for day_id, name in rows:
        names.setdefault(day_id, []).append(name)
    return names


def sign_up(theme_day, volunteer):
    """Sign a volunteer up; raises `Full` when the places are taken. Twice is once."""
    with database.atomic():
        if ThemeDaySignup.get_or_none(
            (ThemeDaySignup.theme_day == theme_day.id) & (ThemeDaySignup.volunteer == volunteer.id)
        ):
            return False
        if theme_day.capacity is not None:
            taken = ThemeDaySignup.select().where(ThemeDaySignup.theme_day == theme_day.id).count()
            if taken >= theme_day.capacity:
                raise Full()
        try:
            with database.atomic():
                ThemeDaySignup.create(theme_day=theme_day.id, volunteer=volunteer.id)
        except IntegrityError:
            return False
    return True


def cancel_signup(theme_day, volunteer):
    return (
        ThemeDaySignup.delete()
        .where(
            (ThemeDaySignup.theme_day == theme_day.id) & (ThemeDaySignup.volunteer == volunteer.id)
        )
        .execute()
    )
