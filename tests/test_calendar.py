"""Appointments in people's calendars: invitations with an iCalendar file when an intake, a
match meeting or a group meeting is scheduled, moved or cancelled; reminders the day before a
group meeting; and each user's calendar feed behind a secret URL."""

import hashlib
import re
from datetime import date, datetime, time, timedelta

import pytest
from conftest import make_profile, make_user, statements
from icalendar import Calendar

from trivsel.calendar import appointments, feeds, ics
from trivsel.calendar.models import (
    INTAKE,
    MATCH_MEETING,
    Appointment,
    AppointmentAttendee,
    CalendarFeed,
)
from trivsel.core.db import database
from trivsel.core.users import User
from trivsel.courses import flow, steps
from trivsel.courses.models import Course
from trivsel.notifications.models import OutboxMessage
from trivsel.privacy.retention import erase_course
from trivsel.supervision import service as supervision
from trivsel.supervision.models import SupervisionMeeting

CITIZEN = {"name": "Gerda Bertelsen", "phone": "75 55 66 77"}


def ahead(days, hour=10, minute=0):
    """A wall-clock time `days` from today."""
    return datetime.combine(date.today() + timedelta(days=days), time(hour, minute))


def form_time(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def messages(kind=None, user=None):
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if user:
        query = query.where(OutboxMessage.user == user.id)
    return list(query)


def parse(message):
    """The message's attachment as (calendar, its one event)."""
    calendar = Calendar.from_ical(message.attachment)
    events = calendar.events
    assert len(events) == 1
    return calendar, events[0]


def assert_names_no_citizen(*texts):
    for text in texts:
        for value in CITIZEN.values():
            assert value not in text
        assert "Gerda" not in text and "75 55" not in text


def dtstart(event):
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Copenhagen"
    return start.replace(tzinfo=None)


def schedule_intake(kit, course_id, when, **fields):
    return kit.step(course_id, flow.SCHEDULE_INTAKE, scheduled_at=form_time(when), **fields)


def schedule_match_meeting(kit, course_id, when, **fields):
    data = {"starts_at": form_time(when), **fields}
    version = Course.get_by_id(course_id).version
    prefixed = {f"{flow.SCHEDULE_MATCH_MEETING}-{k}": v for k, v in data.items()}
    prefixed[f"{flow.SCHEDULE_MATCH_MEETING}-version"] = version
    return kit.client.post(
        f"/courses/{course_id}/steps/{flow.SCHEDULE_MATCH_MEETING}", data=prefixed
    )


def cancel(kit, course_id, action, version=None):
    if version is None:
        version = Course.get_by_id(course_id).version
    return kit.client.post(
        f"/courses/{course_id}/steps/{action}", data={f"{action}-version": version}
    )


# --- Intake -----------------------------------------------------------------------------------


def test_scheduling_an_intake_invites_the_coordinator_with_a_calendar_file(kit, users):
    course_id = kit.to(flow.CONTACTED, **CITIZEN)
    when = ahead(3)
    response = schedule_intake(kit, course_id, when, place="Frivilligcentret, lokale 2")
    assert response.status_code == 303, response.get_data(as_text=True)

    appointment = Appointment.get(Appointment.course == course_id)
    assert (appointment.kind, appointment.sequence, appointment.cancelled) == (INTAKE, 0, False)
    assert appointment.ends_at - appointment.starts_at == timedelta(hours=1)
    assert re.fullmatch(rf"course-{course_id}-intake-[0-9a-f]{{8}}@127\.0\.0\.1", appointment.uid)

    [message] = messages("intake_invitation")
    coordinator = users["coordinator"]
    assert (message.user_id, message.course_id, message.attachment_method) == (
        coordinator.id,
        course_id,
        "REQUEST",
    )
    calendar, event = parse(message)
    assert str(calendar["version"]) == "2.0"
    assert "Trivsel" in str(calendar["prodid"])
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == appointment.uid
    assert int(event["sequence"]) == 0
    assert "dtstamp" in event
    assert dtstart(event) == when
    assert event.decoded("dtend").replace(tzinfo=None) == when + timedelta(hours=1)
    assert str(event["summary"]) == f"Startsamtale, forløb #{course_id}"
    assert str(event["location"]) == "Frivilligcentret, lokale 2"
    assert str(event["organizer"]) == f"mailto:{coordinator.email}"
    assert str(event["attendee"]) == f"mailto:{coordinator.email}"
    assert f"/courses/{course_id}" in str(event["url"])
    assert calendar.walk("VTIMEZONE")  # the zone its times are in travels with them
    # Nothing names the citizen: not the file, not the e-mail.
    assert_names_no_citizen(message.attachment, message.subject, message.body)
    assert f"Startsamtale, forløb #{course_id}" in message.subject
    assert "Frivilligcentret, lokale 2" in message.body
    # The course page shows the time and the place.
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Frivilligcentret, lokale 2" in page


def test_moving_an_intake_raises_the_sequence_of_the_same_uid(kit, users):
    course_id = kit.to(flow.CONTACTED)
    assert schedule_intake(kit, course_id, ahead(3), place="Frivilligcentret").status_code == 303
    uid = Appointment.get(Appointment.course == course_id).uid

    # A colleague moves it: both coordinators get the change, with the same UID.
    colleague = make_user("coordinator", "Kirsten Dahl")
    kit.auth.logout()
    kit.auth.login(colleague)
    assert schedule_intake(kit, course_id, ahead(4, 13), place="Biblioteket").status_code == 303
    moved = messages("intake_invitation")[1:]
    assert sorted(m.user_id for m in moved) == sorted([users["coordinator"].id, colleague.id])
    for message in moved:
        calendar, event = parse(message)
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == uid
        assert int(event["sequence"]) == 1
        assert dtstart(event) == ahead(4, 13)
        assert str(event["location"]) == "Biblioteket"
        assert message.subject.startswith("Flyttet:")
    # Still one appointment, moved: the organizer is the one who scheduled it first.
    [appointment] = Appointment.select().where(Appointment.course == course_id)
    assert (appointment.sequence, appointment.organizer_id) == (1, users["coordinator"].id)
    assert Course.get_by_id(course_id).intake_scheduled_at == ahead(4, 13)

    # Saving the same time and place again moves nothing and sends nothing.
    assert schedule_intake(kit, course_id, ahead(4, 13), place="Biblioteket").status_code == 303
    assert len(messages("intake_invitation")) == 3
    assert Appointment.get_by_id(appointment.id).sequence == 1


def test_cancelling_an_intake_sends_cancel_with_the_same_uid(kit, users):
    course_id = kit.to(flow.CONTACTED)
    schedule_intake(kit, course_id, ahead(2), place="Frivilligcentret")
    uid = Appointment.get(Appointment.course == course_id).uid

    response = cancel(kit, course_id, flow.CANCEL_INTAKE)
    assert response.status_code == 303
    course = Course.get_by_id(course_id)
    assert (course.stage, course.intake_scheduled_at) == (flow.CONTACTED, None)
    appointment = Appointment.get(Appointment.uid == uid)
    assert (appointment.cancelled, appointment.sequence) == (True, 1)
    message = messages("intake_invitation")[-1]
    assert message.attachment_method == "CANCEL"
    calendar, event = parse(message)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    assert message.subject.startswith("Aflyst:")

    # Scheduled again: a new appointment with a UID of its own.
    schedule_intake(kit, course_id, ahead(5))
    fresh = Appointment.get((Appointment.course == course_id) & ~Appointment.cancelled)
    assert fresh.uid != uid and fresh.sequence == 0
    _, event = parse(messages("intake_invitation")[-1])
    assert "location" not in event  # no place given


def test_an_intake_recorded_after_the_fact_invites_no_one(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)  # the kit schedules it 27 days ago
    assert Appointment.get(Appointment.course == course_id).starts_at < datetime.now()
    assert messages("intake_invitation") == []


def test_an_intake_held_before_its_day_is_cancelled_in_the_calendar(kit):
    course_id = kit.to(flow.CONTACTED)
    schedule_intake(kit, course_id, ahead(6))
    response = kit.step(course_id, flow.HOLD_INTAKE, held_on=date.today().isoformat())
    assert response.status_code == 303
    assert Appointment.get(Appointment.course == course_id).cancelled
    assert messages("intake_invitation")[-1].attachment_method == "CANCEL"


# --- Match meeting ----------------------------------------------------------------------------


def test_the_match_meeting_invites_the_coordinator_and_the_volunteer(kit, users):
    course_id = kit.to(flow.MATCH_MEETING, **CITIZEN)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Aftal matchmøde" in page
    assert "Aflys matchmøde" not in page  # nothing to cancel yet
    assert "Skriv ikke borgerens navn eller adresse" in page

    when = ahead(5, 14)
    response = schedule_match_meeting(kit, course_id, when, at_home="y")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert Course.get_by_id(course_id).stage == flow.MATCH_MEETING  # the meeting decides

    coordinator, volunteer = users["coordinator"], users["volunteer"]
    sent = messages("match_meeting_invitation")
    assert sorted(m.user_id for m in sent) == sorted([coordinator.id, volunteer.id])
    appointment = Appointment.get(Appointment.kind == MATCH_MEETING)
    for message in sent:
        calendar, event = parse(message)
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == appointment.uid
        assert dtstart(event) == when
        assert str(event["summary"]) == f"Matchmøde, forløb #{course_id}"
        assert str(event["location"]) == "Hjemme hos borgeren"
        assert_names_no_citizen(message.attachment, message.subject, message.body)
        # Each copy names only its own recipient as attendee.
        assert str(event["attendee"]) == f"mailto:{message.address}"
        assert str(event["organizer"]) == f"mailto:{coordinator.email}"
    mine = next(m for m in sent if m.user_id == volunteer.id)
    assert "/me/" in str(parse(mine)[1]["url"])  # the volunteer's own page, not the course's
    assert messages(user=users["other_volunteer"]) == []

    # Moved: the same UID, one higher; cancelled: METHOD:CANCEL.
    assert schedule_match_meeting(kit, course_id, ahead(6), place="Caféen").status_code == 303
    _, event = parse(messages("match_meeting_invitation", volunteer)[-1])
    assert (str(event["uid"]), int(event["sequence"])) == (appointment.uid, 1)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Matchmøde aftalt" in page and "Caféen" in page and "Aflys matchmøde" in page

    assert cancel(kit, course_id, flow.CANCEL_MATCH_MEETING).status_code == 303
    last = messages("match_meeting_invitation", volunteer)[-1]
    calendar, event = parse(last)
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["uid"]), int(event["sequence"])) == (appointment.uid, 2)
    assert Course.get_by_id(course_id).stage == flow.MATCH_MEETING

    # Nothing left to cancel: refused, with the reason, and nothing queued.
    count = OutboxMessage.select().count()
    response = cancel(kit, course_id, flow.CANCEL_MATCH_MEETING)
    assert response.status_code == 409
    assert "ikke aftalt noget møde" in response.get_data(as_text=True)
    assert OutboxMessage.select().count() == count


def test_withdrawing_cancels_the_meetings_still_ahead(kit, users):
    course_id = kit.to(flow.MATCH_MEETING)
    schedule_match_meeting(kit, course_id, ahead(3), place="Frivilligcentret")
    assert kit.step(course_id, flow.WITHDRAW).status_code == 303
    last = messages("match_meeting_invitation", users["volunteer"])[-1]
    assert last.attachment_method == "CANCEL"
    assert Appointment.get(Appointment.kind == MATCH_MEETING).cancelled
    assert not Appointment.get(Appointment.kind == INTAKE).cancelled  # held long ago


def test_cancelling_an_intake_whose_time_has_passed_takes_it_out_of_the_calendars(kit, users):
    course_id = kit.to(flow.CONTACTED)
    yesterday = ahead(-1)
    assert schedule_intake(kit, course_id, yesterday, place="Caféen").status_code == 303
    appointment = Appointment.get(Appointment.course == course_id)
    assert messages("intake_invitation") == []  # a time that has passed: nothing to send

    assert cancel(kit, course_id, flow.CANCEL_INTAKE).status_code == 303
    assert Course.get_by_id(course_id).stage == flow.CONTACTED
    assert Appointment.get_by_id(appointment.id).cancelled
    assert messages("intake_invitation") == []  # still nothing for a time that has passed
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Startsamtale aftalt" not in page and "Caféen" not in page
    assert appointment.uid not in {a.uid for a in feeds.appointments_for(users["coordinator"])}

    # Scheduled again: a new appointment with a UID of its own, sent as new, not as a move.
    assert schedule_intake(kit, course_id, ahead(3)).status_code == 303
    fresh = Appointment.get((Appointment.course == course_id) & ~Appointment.cancelled)
    assert fresh.uid != appointment.uid and fresh.sequence == 0
    [message] = messages("intake_invitation")
    assert message.subject.startswith("Ny aftale:")


def test_withdrawing_cancels_an_intake_whose_time_passed_without_it_being_held(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)  # the kit schedules it 27 days ago
    appointment = Appointment.get(Appointment.course == course_id)
    assert kit.step(course_id, flow.WITHDRAW).status_code == 303
    assert Appointment.get_by_id(appointment.id).cancelled
    assert messages("intake_invitation") == []


def test_an_intake_moved_from_ahead_into_the_past_sends_the_move(kit, users):
    course_id = kit.to(flow.CONTACTED)
    schedule_intake(kit, course_id, ahead(2), place="Frivilligcentret")
    uid = Appointment.get(Appointment.course == course_id).uid
    # It took place yesterday after all: the calendars still have it the day after tomorrow.
    assert schedule_intake(kit, course_id, ahead(-1), place="Frivilligcentret").status_code == 303
    [_, moved] = messages("intake_invitation")
    assert (moved.user_id, moved.attachment_method) == (users["coordinator"].id, "REQUEST")
    assert moved.subject.startswith("Flyttet:")
    _, event = parse(moved)
    assert (str(event["uid"]), int(event["sequence"])) == (uid, 1)
    assert dtstart(event) == ahead(-1)
    # From one past time to another: nothing in anyone's calendar to change.
    assert schedule_intake(kit, course_id, ahead(-2), place="Frivilligcentret").status_code == 303
    assert len(messages("intake_invitation")) == 2
    assert Appointment.get(Appointment.uid == uid).sequence == 2


def test_a_match_meeting_moved_from_ahead_into_the_past_sends_the_move(kit, users):
    course_id = kit.to(flow.MATCH_MEETING)
    schedule_match_meeting(kit, course_id, ahead(3), place="Caféen")
    assert schedule_match_meeting(kit, course_id, ahead(-1), place="Caféen").status_code == 303
    moved = messages("match_meeting_invitation")[2:]
    assert sorted(m.user_id for m in moved) == sorted(
        [users["coordinator"].id, users["volunteer"].id]
    )
    for message in moved:
        assert message.subject.startswith("Flyttet:")
        _, event = parse(message)
        assert (int(event["sequence"]), dtstart(event)) == (1, ahead(-1))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"place": "Hos Gerda Bertelsen"}, "Skriv ikke borgerens navn i stedet."),
        ({"place": "bertelsens stue, 1. sal"}, "Skriv ikke borgerens navn i stedet."),
        ({"place": "Hos Gerdas datter"}, "Skriv ikke borgerens navn i stedet."),
        ({"place": "Ring på 75556677"}, "telefonnummer eller e-mail"),
        ({"place": "Bertelsvej 3, lokale 2"}, None),  # a word that only begins like the name
        ({"place": "Frivilligcentret, lokale 2"}, None),
        ({"place": "Hos gerda, 1. sal"}, "Skriv ikke borgerens navn i stedet."),
        ({"place": "Frivilligcentret", "at_home": "y"}, "ikke begge"),
    ],
)
def test_a_place_that_would_name_the_citizen_is_refused(kit, fields, message):
    course_id = kit.to(flow.CONTACTED, **CITIZEN)
    response = schedule_intake(kit, course_id, ahead(2), **fields)
    if message is None:
        assert response.status_code == 303
        return
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert Appointment.select().count() == 0 and messages() == []


def test_a_refused_or_conflicting_step_queues_nothing(kit):
    course_id = kit.to(flow.CONTACTED)
    before = OutboxMessage.select().count()
    # Out of order: a match meeting for a course still at first contact.
    response = schedule_match_meeting(kit, course_id, ahead(2))
    assert response.status_code == 409
    # Someone else saved the course after the form was shown.
    stale = Course.get_by_id(course_id).version
    Course.update(version=Course.version + 1).where(Course.id == course_id).execute()
    response = kit.step(
        course_id, flow.SCHEDULE_INTAKE, version=stale, scheduled_at=form_time(ahead(2))
    )
    assert response.status_code == 409
    assert OutboxMessage.select().count() == before
    assert Appointment.select().count() == 0


def test_an_error_inside_the_step_rolls_the_invitation_back(app, kit, monkeypatch):
    """The invitation is queued in the step's transaction: when the step fails after it, the
    appointment and the message go with it."""
    course_id = kit.to(flow.CONTACTED)
    real = appointments._invite

    def invite_then_fail(appointment, change, **kwargs):
        real(appointment, change, **kwargs)
        assert OutboxMessage.select().count() == 1  # queued...
        raise RuntimeError("the database went away")

    monkeypatch.setattr(appointments, "_invite", invite_then_fail)
    course = Course.get_by_id(course_id)
    with app.app_context(), pytest.raises(RuntimeError, match="the database went away"):
        steps.schedule_intake(course, kit.users["coordinator"].id, course.version, ahead(2))
    assert OutboxMessage.select().count() == 0  # ...and rolled back with the step
    assert Appointment.select().count() == 0
    assert Course.get_by_id(course_id).stage == flow.CONTACTED


# --- Group supervision ------------------------------------------------------------------------


@pytest.fixture
def corps(users):
    """The two active volunteers of `users`, plus one on a pause and one without a login."""
    paused = make_user("volunteer", "Lise Pause")
    make_profile(paused, status="paused", paused_until=date.today() + timedelta(days=60))
    gone = make_user("volunteer", "Karen Gone", active=False)
    make_profile(gone)
    return {
        "active": [users["volunteer"], users["other_volunteer"]],
        "paused": paused,
        "gone": gone,
    }


def create_series(kit, first, count=2, place="Frivilligcentret"):
    kit.as_("coordinator")
    response = kit.client.post(
        "/supervision/series",
        data={"first_at": form_time(first), "count": str(count), "place": place},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return list(SupervisionMeeting.select().order_by(SupervisionMeeting.starts_at))


def test_a_series_invites_each_active_volunteer_and_reminds_them_once(kit, corps):
    first = ahead(3, 17)
    meetings = create_series(kit, first)
    active_ids = sorted(v.id for v in corps["active"])

    invitations = messages("supervision_invitation")
    assert len(invitations) == 2 * len(active_ids)  # each volunteer, each meeting
    assert sorted({m.user_id for m in invitations}) == active_ids
    uids = set()
    for message in invitations:
        calendar, event = parse(message)
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["summary"]) == "Gruppesupervision"
        assert str(event["location"]) == "Frivilligcentret"
        assert dtstart(event) in (meetings[0].starts_at, meetings[1].starts_at)
        uids.add(str(event["uid"]))
    assert len(uids) == 2  # one calendar entry per meeting

    reminders = messages("supervision_reminder")
    assert len(reminders) == 2 * len(active_ids)
    assert sorted((m.user_id, m.due_at) for m in reminders) == sorted(
        (uid, appointments.reminder_due(Appointment.get(Appointment.meeting == meeting.id)))
        for meeting in meetings
        for uid in active_ids
    )
    due = appointments.reminder_due(Appointment.get(Appointment.meeting == meetings[0].id))
    local = due.astimezone(ics.ZONE)  # the server's clock, read in Copenhagen
    assert (local.date(), local.time()) == (first.date() - timedelta(days=1), time(9, 0))
    assert all(m.attachment is None for m in reminders)

    # Queued once: inviting again to the same meeting as it stands queues nothing more.
    with database.atomic():
        appointments.schedule_supervision(meetings[0], kit.users["coordinator"].id)
    assert len(messages("supervision_reminder")) == len(reminders)
    assert len(messages("supervision_invitation")) == len(invitations)


def test_a_moved_meeting_is_reminded_at_its_new_time_only(kit, corps):
    [meeting] = create_series(kit, ahead(4, 17), count=1)
    appointment = Appointment.get(Appointment.meeting == meeting.id)
    old_reminders = {m.id for m in messages("supervision_reminder")}
    assert len(old_reminders) == 2

    response = kit.client.post(
        f"/supervision/meetings/{meeting.id}/move",
        data={"starts_at": form_time(ahead(8, 16)), "place": "Biblioteket"},
    )
    assert response.status_code == 303
    reminders = messages("supervision_reminder")
    assert not {m.id for m in reminders} & old_reminders  # the old time's are withdrawn
    assert len(reminders) == 2
    moved = Appointment.get_by_id(appointment.id)
    assert {m.due_at for m in reminders} == {appointments.reminder_due(moved)}
    _, event = parse(messages("supervision_invitation")[-1])
    assert (str(event["uid"]), int(event["sequence"])) == (appointment.uid, 1)
    assert dtstart(event) == ahead(8, 16)
    assert str(event["location"]) == "Biblioteket"

    # A reminder already sent stays sent; the cancellation withdraws the waiting ones.
    OutboxMessage.update(status="sent").where(OutboxMessage.id == reminders[0].id).execute()
    response = kit.client.post(f"/supervision/meetings/{meeting.id}/cancel")
    assert response.status_code == 303
    assert [m.id for m in messages("supervision_reminder")] == [reminders[0].id]
    cancelled = messages("supervision_invitation")[-2:]
    assert {m.attachment_method for m in cancelled} == {"CANCEL"}
    _, event = parse(cancelled[0])
    assert (str(event["uid"]), int(event["sequence"])) == (appointment.uid, 2)
    assert SupervisionMeeting.get_or_none(SupervisionMeeting.id == meeting.id) is None
    assert Appointment.get_by_id(appointment.id).cancelled


def test_a_series_runs_a_number_of_queries_that_does_not_grow_with_the_volunteers(kit, corps):
    """Inviting and reminding each active volunteer of each meeting: the same count of
    statements for 2 volunteers as for 12 (none per volunteer)."""

    def count_queries(first):
        data = {"first_at": form_time(first), "count": "3", "place": "Frivilligcentret"}
        with statements() as executed:
            assert kit.client.post("/supervision/series", data=data).status_code == 303
        return len(executed)

    kit.as_("coordinator")
    kit.client.fetch_token()  # once, before counting (it reads a page)
    few = count_queries(ahead(3, 17))
    assert len(messages("supervision_invitation")) == 3 * 2
    for n in range(10):
        make_profile(make_user("volunteer", f"Frivillig{n} Test"))
    assert count_queries(ahead(4, 17)) == few
    assert len(messages("supervision_invitation")) == 3 * 2 + 3 * 12
    assert len(messages("supervision_reminder")) == 3 * 2 + 3 * 12
    per_volunteer = {}
    for message in messages("supervision_invitation"):
        per_volunteer.setdefault(message.user_id, set()).add(message.attachment)
    assert len(per_volunteer) == 12
    assert all(len(files) == len(set(files)) for files in per_volunteer.values())
    # Each copy names its own recipient only.
    for message in messages("supervision_invitation")[-12:]:
        _, event = parse(message)
        assert str(event["attendee"]) == f"mailto:{message.address}"


def test_a_meeting_held_cannot_be_moved_or_cancelled(kit, corps):
    [meeting] = create_series(kit, ahead(-1, 17), count=1)
    assert messages() == []  # past: no invitations, no reminders
    with pytest.raises(supervision.MeetingPast):
        supervision.cancel_meeting(meeting)
    response = kit.client.post(f"/supervision/meetings/{meeting.id}/cancel")
    assert response.status_code == 303
    assert SupervisionMeeting.get_by_id(meeting.id)


# --- The feed ---------------------------------------------------------------------------------


def renew(client):
    response = client.post("/calendar/renew")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    token = re.search(r"/calendar/([A-Za-z0-9_-]{43})\.ics", page).group(1)
    return token


def feed(client, token):
    response = client.get(f"/calendar/{token}.ics")
    if response.status_code != 200:
        return response, None
    return response, Calendar.from_ical(response.get_data())


@pytest.fixture
def diary(kit, users, corps):
    """An intake ahead, a match meeting ahead with the volunteer (its course's intake was 27
    days ago) and a group meeting."""
    intake = kit.to(flow.CONTACTED, **CITIZEN)
    schedule_intake(kit, intake, ahead(2), place="Frivilligcentret")
    match = kit.to(flow.MATCH_MEETING)
    schedule_match_meeting(kit, match, ahead(3), at_home="y")
    create_series(kit, ahead(5, 17), count=1)
    kit.as_("coordinator")
    return {"intake": intake, "match": match}


def summaries(calendar):
    return sorted(str(event["summary"]) for event in calendar.events)


def test_the_feed_lists_a_coordinators_and_a_volunteers_appointments(kit, users, diary):
    token = renew(kit.client)
    kit.auth.logout()  # a calendar app has no session
    response, calendar = feed(kit.client, token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "method" not in calendar  # published, not an invitation
    assert summaries(calendar) == sorted(
        [
            f"Startsamtale, forløb #{diary['intake']}",
            f"Startsamtale, forløb #{diary['match']}",  # 27 days ago: the feed goes back 90
            f"Matchmøde, forløb #{diary['match']}",
            "Gruppesupervision",
        ]
    )
    text = response.get_data(as_text=True)
    assert_names_no_citizen(text)
    assert "mailto:" not in text
    for event in calendar.events:
        dtstart(event)

    # The volunteer: their match meeting and the group meeting, not the intake.
    kit.as_("volunteer")
    volunteer_token = renew(kit.client)
    _, calendar = feed(kit.client, volunteer_token)
    assert summaries(calendar) == sorted(
        [f"Matchmøde, forløb #{diary['match']}", "Gruppesupervision"]
    )
    # The other volunteer was not invited to that match meeting.
    kit.as_("other_volunteer")
    _, calendar = feed(kit.client, renew(kit.client))
    assert summaries(calendar) == ["Gruppesupervision"]
    # A partner gets an empty, valid calendar.
    kit.as_("partner")
    response, calendar = feed(kit.client, renew(kit.client))
    assert response.status_code == 200 and calendar.events == []
    assert str(calendar["version"]) == "2.0"


def test_a_cancelled_appointment_leaves_the_feed(kit, diary):
    token = renew(kit.client)
    cancel(kit, diary["match"], flow.CANCEL_MATCH_MEETING)
    _, calendar = feed(kit.client, token)
    assert f"Matchmøde, forløb #{diary['match']}" not in summaries(calendar)


def test_a_wrong_token_is_404_and_renewing_revokes_the_old_url(kit, users):
    kit.as_("volunteer")
    first = renew(kit.client)
    assert feed(kit.client, first)[0].status_code == 200
    for wrong in ("x" * 43, first[:-1] + ("A" if first[-1] != "A" else "B"), "short", first[:20]):
        assert feed(kit.client, wrong)[0].status_code == 404
    second = renew(kit.client)
    assert second != first
    assert feed(kit.client, first)[0].status_code == 404
    assert feed(kit.client, second)[0].status_code == 200
    # Only the hash is kept, and one feed per user.
    [row] = CalendarFeed.select()
    assert row.token_hash == hashlib.sha256(second.encode()).hexdigest()
    assert second not in str(row.__data__)
    # The page does not show the address again (it is not stored), only when it was made.
    page = kit.client.get("/calendar").get_data(as_text=True)
    assert second not in page and "Forny" in page


def test_the_feed_of_a_user_who_left_is_404(kit, users):
    kit.as_("volunteer")
    token = renew(kit.client)
    User.update(active=False).where(User.id == users["volunteer"].id).execute()
    assert feed(kit.client, token)[0].status_code == 404


def test_renewing_needs_the_forms_security_token(kit, users):
    kit.as_("volunteer")
    response = kit.client.post("/calendar/renew", csrf=False)
    assert response.status_code == 400
    assert CalendarFeed.select().count() == 0


def test_the_calendar_page_lists_the_coming_appointments(kit, users, diary):
    kit.as_("volunteer")
    page = kit.client.get("/calendar").get_data(as_text=True)
    assert f"Matchmøde, forløb #{diary['match']}" in page
    assert "Hjemme hos borgeren" in page
    assert "Gruppesupervision" in page
    assert "Startsamtale" not in page
    assert "Lav en adresse" in page


# --- Privacy ----------------------------------------------------------------------------------


def test_erasing_the_citizen_clears_the_typed_places(kit, diary):
    sent = OutboxMessage.select().where(OutboxMessage.course_id == diary["intake"]).first()
    assert sent is not None
    OutboxMessage.update(status="sent").where(OutboxMessage.id == sent.id).execute()
    unsent = OutboxMessage.select().where(
        (OutboxMessage.course_id == diary["intake"]) & (OutboxMessage.status != "sent")
    )
    unsent_ids = [m.id for m in unsent]
    erase_course(diary["intake"])
    # The messages about it keep no text: unsent ones are gone, the sent one is a record.
    about = OutboxMessage.select().where(OutboxMessage.course_id == diary["intake"])
    assert [(m.id, m.body, m.attachment) for m in about] == [(sent.id, "", None)]
    assert not OutboxMessage.select().where(OutboxMessage.id.in_(unsent_ids)).exists()
    appointment = Appointment.get(Appointment.course == diary["intake"])
    assert appointment.place is None
    assert (
        AppointmentAttendee.select()
        .where(AppointmentAttendee.appointment == appointment.id)
        .exists()
    )


# --- The file format --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_at, offset", [(datetime(2030, 7, 3, 10), 2), (datetime(2030, 1, 8, 10), 1)]
)
def test_times_keep_their_summer_and_winter_offset(starts_at, offset):
    entry = ics.Entry("u@trivsel.test", 3, starts_at, starts_at + timedelta(hours=1), "Møde")
    text = ics.invitation(
        entry, ics.REQUEST, ics.Person("Birgit", "b@trivsel.test"), ics.Person("", "m@x.test")
    )
    assert "DTSTART;TZID=Europe/Copenhagen:" in text
    event = Calendar.from_ical(text).events[0]
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=offset)
    assert event.decoded("dtstart").replace(tzinfo=None) == starts_at
    with pytest.raises(ValueError):
        ics.invitation(entry, "PUBLISH", ics.Person("", "b@x"), ics.Person("", "m@x"))


def test_an_empty_feed_is_a_valid_calendar():
    calendar = Calendar.from_ical(ics.feed([], "Trivsel"))
    assert calendar.events == [] and str(calendar["prodid"]) == ics.PRODID


def test_uids_are_stable_when_the_base_url_changes(app, kit):
    course_id = kit.to(flow.CONTACTED)
    schedule_intake(kit, course_id, ahead(2))
    uid = Appointment.get(Appointment.course == course_id).uid
    app.config["BASE_URL"] = "https://trivsel.frivilligcenter.dk"
    schedule_intake(kit, course_id, ahead(3))
    assert Appointment.get(Appointment.course == course_id).uid == uid


# --- The pages and the demo -------------------------------------------------------------------


def test_a_scheduled_meeting_fills_its_form_so_it_can_be_moved(kit):
    course_id = kit.to(flow.CONTACTED)
    schedule_intake(kit, course_id, ahead(3, 9, 30), place="Frivilligcentret")
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert f'value="{form_time(ahead(3, 9, 30))}"' in page
    assert 'value="Frivilligcentret"' in page
    assert "Aflys startsamtale" in page


def test_a_coming_group_meeting_can_be_moved_from_its_page(kit, corps):
    [meeting] = create_series(kit, ahead(2, 17), count=1)
    page = kit.client.get(f"/supervision/meetings/{meeting.id}").get_data(as_text=True)
    assert "Flyt mødet" in page and "Aflys mødet" in page
    response = kit.client.post(
        f"/supervision/meetings/{meeting.id}/move",
        data={"starts_at": form_time(ahead(-2)), "place": ""},
    )
    assert response.status_code == 422
    assert "Vælg et tidspunkt, der ikke er gået." in response.get_data(as_text=True)
    assert SupervisionMeeting.get_by_id(meeting.id).starts_at == ahead(2, 17)


def test_the_demo_has_appointments_in_calendars_and_queues_no_invitation(app):
    from trivsel.demo.loader import load_demo

    with app.app_context():
        assert load_demo()
        kinds = {a.kind for a in Appointment.select()}
        assert kinds == {INTAKE, "supervision"}
        coordinator = User.get(User.email == "koordinator@trivsel.example")
        mona = User.get(User.email == "mona@trivsel.example")
        assert any(a.kind == INTAKE for a in feeds.appointments_for(coordinator))
        assert {a.kind for a in feeds.appointments_for(mona)} == {"supervision"}
        assert not OutboxMessage.select().where(OutboxMessage.attachment.is_null(False)).exists()


def test_a_date_years_ahead_is_a_message_at_the_field_not_a_crash(kit, users):
    course_id = kit.to(flow.CONTACTED)
    response = kit.step(course_id, flow.SCHEDULE_INTAKE, scheduled_at="9999-12-31T23:30")
    assert response.status_code == 422
    assert "Vælg en dato inden for 2 år." in response.get_data(as_text=True)
    assert Appointment.select().count() == 0 and messages() == []
    series = kit.client.post(
        "/supervision/series", data={"first_at": "9999-12-31T17:00", "count": "2", "place": ""}
    )
    assert series.status_code == 422
    assert "Vælg en dato inden for 2 år." in series.get_data(as_text=True)
    assert SupervisionMeeting.select().count() == 0
