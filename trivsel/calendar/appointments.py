"""Appointments and their invitations: made, moved and cancelled by the steps that schedule
meetings (`trivsel.courses.steps`, `trivsel.supervision.service`), always inside the caller's
transaction, so a step that is refused or rolls back leaves no appointment and queues no
invitation.

Each invited person gets their own copy of the iCalendar file (naming only them as attendee)
through the outbox. Invitations go out only for meetings still ahead (or moved from ahead): a
meeting recorded after the fact has nothing to put in a calendar.
"""

import secrets
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from trivsel.calendar import ics
from trivsel.calendar.kinds import (
    INTAKE_INVITATION,
    MATCH_MEETING_INVITATION,
    SUPERVISION_INVITATION,
    SUPERVISION_REMINDER,
)
from trivsel.calendar.models import (
    INTAKE,
    MATCH_MEETING,
    SUPERVISION,
    Appointment,
    AppointmentAttendee,
)
from trivsel.core.db import database, kept_first, now, slot
from trivsel.core.users import User
from trivsel.corps.models import VolunteerProfile
from trivsel.courses.models import Course, Proposal
from trivsel.notifications import outbox
from trivsel.notifications.models import OutboxMessage

LENGTH = timedelta(hours=1)  # an intake, a match meeting, a group meeting: about an hour
REMINDER_AT = time(9, 0)  # the day before

SCHEDULED, MOVED, CANCELLED = "scheduled", "moved", "cancelled"
CHANGES = {SCHEDULED: _l("Ny aftale"), MOVED: _l("Flyttet"), CANCELLED: _l("Aflyst")}
SUMMARIES = {
    INTAKE: _l("Startsamtale, forløb #%(course)s"),
    MATCH_MEETING: _l("Matchmøde, forløb #%(course)s"),
    SUPERVISION: _l("Gruppesupervision"),
}
AT_HOME = _l("Hjemme hos borgeren")
NO_PLACE = _l("ikke oplyst")
LOG_IN = _l("Log ind i Trivsel for at se mere: %(link)s")
INVITATIONS = {
    INTAKE: INTAKE_INVITATION.key,
    MATCH_MEETING: MATCH_MEETING_INVITATION.key,
    SUPERVISION: SUPERVISION_INVITATION.key,
}
WAITING = ("queued", "held")  # outbox statuses of a message not yet handed to a sender


def local_now():
    """Now as a wall-clock time in Copenhagen, comparable with the stored times."""
    return datetime.now(ics.ZONE).replace(tzinfo=None, microsecond=0)


def live(kind, course_id=None, proposal_id=None, meeting_id=None):
    """The appointment of this kind that stands (is not cancelled), or None."""
    given = {"course": course_id, "proposal": proposal_id, "meeting": meeting_id}
    key = ("appointments.live", *(value is not None for value in given.values()))
    return kept_first(key, lambda: _live(*key[1:]), kind=kind, **given)


def _live(*given):
    query = Appointment.select().where(
        (Appointment.kind == slot("kind")) & (Appointment.cancelled == False)  # noqa: E712
    )
    for field, name, is_given in zip(
        (Appointment.course, Appointment.proposal, Appointment.meeting),
        ("course", "proposal", "meeting"),
        given,
        strict=True,
    ):
        if is_given:
            query = query.where(field == slot(name))
    return query.order_by(Appointment.id.desc()).limit(1)


def schedule(
    kind,
    starts_at,
    actor,
    *,
    invitees,
    place=None,
    at_home=False,
    course_id=None,
    proposal_id=None,
    meeting_id=None,
    notify=True,
):
    """Make the appointment, or move the one that stands (same UID, SEQUENCE + 1), and queue
    the invitations to everyone invited so far and `invitees`. Call inside the change's
    transaction. Saving the same time and place again changes and sends nothing.
    `notify=False` records it without messages (the demo's history)."""
    place = (place or "").strip() or None
    if at_home:
        place = None
    with database.atomic():
        appointment = live(kind, course_id, proposal_id, meeting_id)
        was = None  # the start before a move
        if appointment is None:
            appointment = Appointment.create(
                uid=_new_uid(kind, course_id, meeting_id),
                kind=kind,
                course=course_id,
                proposal=proposal_id,
                meeting=meeting_id,
                organizer=actor,
                starts_at=starts_at,
                ends_at=starts_at + LENGTH,
                place=place,
                at_home=bool(at_home),
            )
            change = SCHEDULED
        elif (appointment.starts_at, appointment.place, appointment.at_home) == (
            starts_at,
            place,
            bool(at_home),
        ):
            _attend(appointment, invitees)
            return appointment
        else:
            old_sequence, was = appointment.sequence, appointment.starts_at
            _update(
                appointment,
                starts_at=starts_at,
                ends_at=starts_at + LENGTH,
                place=place,
                at_home=bool(at_home),
            )
            appointment = Appointment.get_by_id(appointment.id)
            _withdraw_reminders(appointment, old_sequence)
            change = MOVED
        _attend(appointment, invitees)
        if notify:
            _invite(appointment, change, was=was)
    return appointment


def cancel(appointment):
    """Cancel a standing appointment (SEQUENCE + 1, METHOD:CANCEL to everyone invited) and
    withdraw its reminders that have not gone. Call inside the change's transaction."""
    with database.atomic():
        _withdraw_reminders(appointment, appointment.sequence)
        _update(appointment, cancelled=True)
        _invite(Appointment.get_by_id(appointment.id), CANCELLED)


def cancel_course_meetings(course_id, kinds=(INTAKE, MATCH_MEETING), held_on=None):
    """Cancel the course's standing meetings of `kinds` that were not held: those still ahead
    and those whose time has passed with no record of the meeting (the course's intake
    held on, the proposal's meeting on), so a cancelled intake whose time has passed leaves
    the calendars too (no message goes for it: see `_invite`). With `held_on` (the meeting
    took place already, earlier than planned), only those ahead set for a later day."""
    query = (
        Appointment.select(Appointment, Course.intake_held_on, Proposal.meeting_on)
        .join(Course, on=(Appointment.course == Course.id))
        .switch(Appointment)
        .join(Proposal, JOIN.LEFT_OUTER, on=(Appointment.proposal == Proposal.id))
        .where(
            (Appointment.course == course_id)
            & Appointment.kind.in_(list(kinds))
            & (Appointment.cancelled == False)  # noqa: E712
        )
        .objects()
    )
    current = local_now()
    for appointment in list(query):
        ahead = appointment.starts_at > current
        if held_on is not None:
            if ahead and appointment.starts_at.date() > held_on:
                cancel(appointment)
        elif ahead or not _held(appointment):
            cancel(appointment)


def _held(appointment):
    """Whether the course records the meeting of this past appointment as held (the
    `cancel_course_meetings` query's columns)."""
    if appointment.kind == INTAKE:
        return appointment.intake_held_on is not None
    return appointment.meeting_on is not None


# --- Supervision ------------------------------------------------------------------------------


def active_volunteer_ids(today=None):
    """Volunteers expected at group meetings: profile active (or a pause that has ended),
    user active."""
    today = today or date.today()
    status = (VolunteerProfile.status == "active") | (
        (VolunteerProfile.status == "paused") & (VolunteerProfile.paused_until < today)
    )
    rows = (
        VolunteerProfile.select(VolunteerProfile.user)
        .join(User)
        .where(status & (User.active == True) & (User.role == "volunteer"))  # noqa: E712
        .tuples()
    )
    return [user_id for (user_id,) in rows]


def schedule_supervision(meeting, actor, notify=True, volunteer_ids=None):
    """The group meeting's appointment, made or moved, with each active volunteer invited
    and reminded the day before. `volunteer_ids`: `active_volunteer_ids()`, when the caller
    has them already (a series)."""
    if volunteer_ids is None:
        volunteer_ids = active_volunteer_ids()
    return schedule(
        SUPERVISION,
        meeting.starts_at,
        actor,
        invitees=volunteer_ids,
        place=meeting.place,
        meeting_id=meeting.id,
        notify=notify,
    )


def schedule_supervision_series(meetings, actor, notify=True):
    """`schedule_supervision` for each of `meetings`, the active volunteers read once."""
    volunteer_ids = active_volunteer_ids()
    return [
        schedule_supervision(meeting, actor, notify=notify, volunteer_ids=volunteer_ids)
        for meeting in meetings
    ]


def cancel_supervision(meeting_id):
    appointment = live(SUPERVISION, meeting_id=meeting_id)
    if appointment is not None:
        cancel(appointment)


def reminder_due(appointment):
    """When the reminder goes: the day before at 9:00 Copenhagen time, as the outbox's clock
    (the server's local time) reads it."""
    day = appointment.starts_at.date() - timedelta(days=1)
    moment = datetime.combine(day, REMINDER_AT, tzinfo=ics.ZONE)
    return moment.astimezone().replace(tzinfo=None)


def reminder_key(appointment, sequence=None):
    """The reminder's dedupe key (the outbox appends the user id): one per version of the
    meeting, so a moved meeting is reminded once at its new time."""
    version = appointment.sequence if sequence is None else sequence
    return f"supervision-reminder:{appointment.id}:{version}"


# --- Words and files --------------------------------------------------------------------------


def summary(appointment):
    return str(SUMMARIES[appointment.kind]) % {"course": appointment.course_id}


def place_text(appointment):
    if appointment.at_home:
        return str(AT_HOME)
    return appointment.place


def when_text(moment):
    """ "onsdag den 3. december 2025, 10.00" in Danish."""
    locale = get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
    day = format_date(moment, "full", locale=locale)
    return f"{day}, {format_time(moment, 'short', locale=locale)}"


def page_for(appointment, role):
    """The page an appointment points to for a role (it needs a login): (endpoint, values)."""
    if appointment.course_id and role == "coordinator":
        return "courses.show", {"course_id": appointment.course_id}
    if role == "volunteer":
        return "volunteer.home", {}
    return "calendar.index", {}


def link_for(appointment, role):
    """That page's address on TRIVSEL_BASE_URL, for files and messages read outside Trivsel."""
    endpoint, values = page_for(appointment, role)
    return absolute_url(endpoint, **values)


def entry(appointment, role):
    """The appointment as an `ics.Entry` for someone of `role`."""
    link = link_for(appointment, role)
    title = summary(appointment)
    return ics.Entry(
        uid=appointment.uid,
        sequence=appointment.sequence,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=title,
        location=place_text(appointment),
        description=f"{title}\n\n{LOG_IN % {'link': link}}",
        url=link,
        cancelled=appointment.cancelled,
    )


def absolute_url(endpoint, **values):
    """A page's address on TRIVSEL_BASE_URL, built without a request (commands queue too)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (current_app.config.get("BASE_URL") or "").rstrip("/") + path


def uid_host():
    """The host part of new UIDs: BASE_URL's host (UIDs are stored, so it may change later)."""
    host = urlsplit(current_app.config.get("BASE_URL") or "").hostname
    return host or "trivsel.invalid"


# --- Inside -----------------------------------------------------------------------------------


def _new_uid(kind, course_id, meeting_id):
    tag = secrets.token_hex(4)
    if course_id is not None:
        return f"course-{course_id}-{kind.replace('_', '-')}-{tag}@{uid_host()}"
    return f"supervision-{meeting_id}-{tag}@{uid_host()}"


def _update(appointment, **changes):
    (
        Appointment.update(sequence=Appointment.sequence + 1, updated_at=now(), **changes)
        .where(Appointment.id == appointment.id)
        .execute()
    )


def _attend(appointment, user_ids):
    rows = [{"appointment": appointment.id, "user": uid} for uid in dict.fromkeys(user_ids) if uid]
    if rows:
        AppointmentAttendee.insert_many(rows).on_conflict_ignore().execute()


def _attendees(appointment):
    return list(
        User.select()
        .join(AppointmentAttendee, on=(AppointmentAttendee.user == User.id))
        .where((AppointmentAttendee.appointment == appointment.id) & (User.active == True))  # noqa: E712
        .order_by(User.id)
    )


def _organizer(appointment):
    user = appointment.organizer
    if user is not None and user.email:
        return ics.Person(user.name, user.email)
    sender = current_app.config.get("MAIL_FROM") or f"noreply@{uid_host()}"
    return ics.Person("Trivsel", sender)


def _invite(appointment, change, was=None):
    """Queue each attendee's copy of the invitation (and, for a group meeting, its reminder),
    unless the meeting is already past: for a move, unless it was past before too (`was`, the
    old start), so a meeting moved from ahead into the past leaves the calendars' old time.
    However many attendees, a fixed number of queries (see `outbox.queue_many`)."""
    current = local_now()
    if appointment.starts_at <= current and (was is None or was <= current):
        return
    method = ics.CANCEL if change == CANCELLED else ics.REQUEST
    organizer = _organizer(appointment)
    remind = appointment.kind == SUPERVISION and change != CANCELLED
    due = reminder_due(appointment) if remind else None
    attendees = _attendees(appointment)
    # In the default language, like the message texts the outbox writes.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        context = {
            "change": str(CHANGES[change]),
            "when": when_text(appointment.starts_at),
            "place": place_text(appointment) or str(NO_PLACE),
        }
        entries = {role: entry(appointment, role) for role in {user.role for user in attendees}}
        files = {
            user.id: ics.invitation(
                entries[user.role], method, organizer, ics.Person(user.name, user.email)
            )
            for user in attendees
        }
    user_ids = tuple(user.id for user in attendees)
    messages = [
        outbox.Message(
            INVITATIONS[appointment.kind],
            user_ids,
            course_id=appointment.course_id,
            context=context,
            attachments=files,
            method=method,
        )
    ]
    if remind and due > now():
        messages.append(
            outbox.Message(
                SUPERVISION_REMINDER.key,
                user_ids,
                context=context,
                dedupe_key=reminder_key(appointment),
                due_at=due,
            )
        )
    outbox.queue_many(messages)


def _withdraw_reminders(appointment, sequence):
    """Reminders of this version of the meeting that no sender has taken yet are deleted:
    they would give the old time (or a cancelled meeting)."""
    if appointment.kind != SUPERVISION:
        return
    attendee_ids = [
        uid
        for (uid,) in AppointmentAttendee.select(AppointmentAttendee.user)
        .where(AppointmentAttendee.appointment == appointment.id)
        .tuples()
    ]
    keys = [f"{reminder_key(appointment, sequence)}:{uid}" for uid in attendee_ids]
    if keys:
        OutboxMessage.delete().where(
            (OutboxMessage.kind == SUPERVISION_REMINDER.key)
            & OutboxMessage.dedupe_key.in_(keys)
            & OutboxMessage.status.in_(WAITING)
        ).execute()
