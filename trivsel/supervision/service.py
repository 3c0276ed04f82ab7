"""Supervision: group meetings every 14 days with their agenda, requests, theme days, sign-up."""

from datetime import date, datetime, time, timedelta

from peewee import JOIN, Case, IntegrityError, Value, fn

from trivsel.calendar import appointments
from trivsel.core.db import database, kept, now, run_prepared, slot, statement
from trivsel.core.users import User
from trivsel.corps import service as corps
from trivsel.courses.models import Citizen, Course
from trivsel.supervision.agenda import QUIET_AFTER, Agenda, agenda  # noqa: F401
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)

EVERY = timedelta(days=14)

# The aliases the queries join through, made once: an alias makes (and keeps) a class for
# each field it is asked for, so one made per call costs more than the query's SQL.
_REQUESTING = User.alias("requesting_user")
_MINE = ThemeDaySignup.alias("mine")


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
    start = datetime.combine(today or date.today(), time.min)
    key = ("supervision.meetings", past)
    return list(kept(key, lambda: _meetings(past), start=start, limit=limit))


def _meetings(past):
    query = SupervisionMeeting.select()
    if past:
        query = query.where(SupervisionMeeting.starts_at < slot("start")).order_by(
            SupervisionMeeting.starts_at.desc()
        )
    else:
        query = query.where(SupervisionMeeting.starts_at >= slot("start")).order_by(
            SupervisionMeeting.starts_at
        )
    return query.limit(slot("limit"))


def next_meeting(today=None):
    upcoming = meetings(today, limit=1)
    return upcoming[0] if upcoming else None


def _attendance_list(meeting, today=None):
    """The meeting's attendance list, unordered: the volunteers expected at group meetings
    today and anyone recorded for the meeting (who came and has left since stays on it),
    each with what was recorded (`attended` None when nothing is)."""
    recorded = (SupervisionAttendance.volunteer == User.id) & (
        SupervisionAttendance.meeting == meeting.id
    )
    return (
        User.select(User.id, User.name, SupervisionAttendance.attended)
        .join(SupervisionAttendance, JOIN.LEFT_OUTER, on=recorded)
        .where(
            User.id.in_(corps.expected_at_meetings(today)) | SupervisionAttendance.id.is_null(False)
        )
    )


def _came():
    return Case(None, [(SupervisionAttendance.attended == True, 1)], 0)  # noqa: E712


def attendance_page(meeting, came_only=False, page=1, per_page=50, today=None):
    """One page of the meeting's attendance list by name (only who came, with `came_only`),
    and its counts. Returns (rows, has_more, came, listed): rows with `id`, `name` and
    `attended`; `came` and `listed` count the whole list. The whole list is counted in the
    page's own query, by a window over it; only who came needs the count apart."""
    today = today or date.today()

    def build():
        query = _attendance_list(meeting, today)
        if came_only:
            query = query.where(SupervisionAttendance.attended == True)  # noqa: E712
        return (
            query.select_extend(fn.COUNT(User.id).over(), fn.SUM(_came()).over())
            .order_by(User.name, User.id)
            # One row more than a page tells whether there is a next page.
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )

    # The same statement all day for a meeting and a page: written once.
    key = ("attendance", meeting.id, today, came_only, page, per_page)
    found = run_prepared(*statement(key, build), fixed=True).fetchall()
    has_more, found = len(found) > per_page, found[:per_page]
    rows = [
        {"id": id_, "name": name, "attended": None if attended is None else bool(attended)}
        for id_, name, attended, _, _ in found
    ]
    if found and not came_only:
        came, listed = int(found[0][4] or 0), found[0][3]
    else:
        came, listed = attendance_counts(meeting, today)
    return rows, has_more, came, listed


def attendance_counts(meeting, today=None):
    """(came, listed): how many on the meeting's attendance list came, and how many it has
    (one query, counted in SQL)."""
    listed, came = (
        _attendance_list(meeting, today)
        .select(fn.COUNT(User.id), fn.COALESCE(fn.SUM(_came()), 0))
        .tuples()
        .get()
    )
    return int(came), listed


def on_attendance_list(meeting, volunteer_ids, today=None):
    """Which of `volunteer_ids` are on the meeting's attendance list (one query)."""
    ids = sorted(set(volunteer_ids))
    if not ids:
        return set()
    query = _attendance_list(meeting, today).where(User.id.in_(ids))
    return {row.id for row in query}


def record_attendance(meeting, shown_ids, attended_ids, today=None):
    """Record who came among `shown_ids` (the volunteers on the page of the list that was
    saved): came when in `attended_ids`, else not, replacing what was recorded for them.
    The other volunteers expected at the meeting keep what was recorded, and those with
    nothing recorded yet are recorded as not come: one row per volunteer counted, as the
    attendance rate reads them."""
    attended_ids = set(attended_ids)
    shown_ids = sorted(set(shown_ids) | attended_ids)
    with database.atomic():
        # The meeting's row first: two coordinators saving two pages at once take turns here
        # (PostgreSQL's row lock, SQLite's write lock), so the second sees the first's rows
        # before it fills in the missing ones.
        SupervisionMeeting.update(attendance_recorded=True).where(
            SupervisionMeeting.id == meeting.id
        ).execute()
        if shown_ids:
            SupervisionAttendance.delete().where(
                (SupervisionAttendance.meeting == meeting.id)
                & SupervisionAttendance.volunteer.in_(shown_ids)
            ).execute()
            SupervisionAttendance.insert_many(
                [
                    {"meeting": meeting.id, "volunteer": v, "attended": v in attended_ids}
                    for v in shown_ids
                ]
            ).execute()
        recorded = SupervisionAttendance.select(SupervisionAttendance.volunteer).where(
            SupervisionAttendance.meeting == meeting.id
        )
        missing = User.select(Value(meeting.id), User.id, Value(False)).where(
            User.id.in_(corps.expected_at_meetings(today)) & User.id.not_in(recorded)
        )
        SupervisionAttendance.insert_from(
            missing,
            [
                SupervisionAttendance.meeting,
                SupervisionAttendance.volunteer,
                SupervisionAttendance.attended,
            ],
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
    return list(kept(("supervision.open_requests_queue",), _open_requests_queue))


def _open_requests_queue():
    volunteer = _REQUESTING
    # Only what the queue shows: a course row has some forty columns.
    return (
        SupervisionRequest.select(
            SupervisionRequest.id,
            SupervisionRequest.course,
            SupervisionRequest.requested_at,
            SupervisionRequest.by_phone,
            Course.id,
            Course.erased_on,
            Citizen.id,
            Citizen.name,
            volunteer.id,
            volunteer.name,
        )
        .join(Course)
        .join(Citizen, JOIN.LEFT_OUTER)
        .switch(SupervisionRequest)
        .join(volunteer, on=(SupervisionRequest.volunteer == volunteer.id), attr="volunteer")
        .where(SupervisionRequest.handled_at.is_null())
        .order_by(SupervisionRequest.requested_at, SupervisionRequest.id)
    )


def open_request_course_ids(volunteer_id):
    return set(kept(("supervision.open_requests",), _open_requests, volunteer=volunteer_id))


def _open_requests():
    return (
        SupervisionRequest.select(SupervisionRequest.course)
        .where(
            (SupervisionRequest.volunteer == slot("volunteer"))
            & SupervisionRequest.handled_at.is_null()
        )
        .tuples()
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
    start = datetime.combine(today or date.today(), time.min)
    mine = volunteer_id is not None
    key = ("supervision.theme_days", mine)
    return list(kept(key, lambda: _theme_days(mine), start=start, volunteer=volunteer_id))


def _theme_days(for_volunteer):
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
    if for_volunteer:
        mine = _MINE
        query = query.select_extend(mine.id.is_null(False).alias("signed_up")).join(
            mine,
            JOIN.LEFT_OUTER,
            on=((mine.theme_day == ThemeDay.id) & (mine.volunteer == slot("volunteer"))),
        )
    return query.where(ThemeDay.starts_at >= slot("start")).order_by(ThemeDay.starts_at)


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
