"""Corrections with a trace: conversations corrected or removed (the volunteer's own for 14 days,
the coordinator's any), a step's date corrected, a booked meeting moved or cancelled; each an
event on the course's timeline, the statistics following at once, under the course's lock."""

from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date, format_time
from flowkit import days_ago

from trivsel.calendar.models import INTAKE, MATCH_MEETING, Appointment
from trivsel.core.workdays import working_days_between
from trivsel.courses import flow
from trivsel.courses.flow import date_order_problem, may_change_conversation
from trivsel.courses.models import Conversation, Course, CourseEvent, Proposal
from trivsel.notifications.models import OutboxMessage
from trivsel.statistics.figures import annual_figures

TODAY = date.today()
HTMX = {"HX-Request": "true"}
CONFLICT = "Forløbet blev ændret af en anden, mens du skrev."


def day(value):
    return format_date(value, "medium", locale="da")


def moment(value):
    return f"{day(value)}, {format_time(value, 'short', locale='da')}"


def log(client, course_id, mode="home", held_on=None, key="k-1", headers=None):
    data = {"held_on": (held_on or TODAY).isoformat(), "mode": mode, "submission_key": key}
    return client.post(f"/me/courses/{course_id}/conversations", data=data, headers=headers or {})


def version(course_id):
    return Course.get_by_id(course_id).version


def events(course_id, action):
    return list(
        CourseEvent.select()
        .where((CourseEvent.course == course_id) & (CourseEvent.action == action))
        .order_by(CourseEvent.id)
    )


def course_page(kit, course_id):
    kit.as_("coordinator")
    return kit.client.get(f"/courses/{course_id}").get_data(as_text=True)


def conversation_count(year_start):
    figures = {f.start: f for f in annual_figures(branch="all")}
    row = figures.get(year_start)
    return row.conversations if row else 0


@pytest.fixture
def logged(kit):
    """An active course with one conversation the volunteer logged today ("Hjemme")."""
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    assert log(kit.client, course_id).status_code == 303
    return course_id, Conversation.get(Conversation.course == course_id)


# --- The pure rules ---------------------------------------------------------------------------


def test_a_date_keeps_the_flows_order():
    dates = {
        "received_on": date(2026, 1, 5),
        "first_contact_on": date(2026, 1, 6),
        "started_on": date(2026, 2, 1),
        "ended_on": date(2026, 5, 1),
    }
    today = date(2026, 6, 1)
    assert date_order_problem("started_on", date(2026, 2, 3), dates, today) is None
    assert date_order_problem("started_on", date(2026, 1, 6), dates, today) is None  # same day
    assert date_order_problem("started_on", date(2026, 1, 4), dates, today) == "before"
    assert date_order_problem("started_on", date(2026, 5, 2), dates, today) == "after"
    assert date_order_problem("received_on", date(2026, 1, 7), dates, today) == "after"
    assert date_order_problem("ended_on", date(2026, 6, 2), dates, today) == "future"


def test_who_may_change_a_conversation():
    logged_at = datetime(2026, 11, 1, 12, 0)
    within = logged_at + timedelta(days=14)
    after = logged_at + timedelta(days=14, seconds=1)
    assert may_change_conversation("volunteer", 7, 7, logged_at, within)
    assert not may_change_conversation("volunteer", 7, 7, logged_at, after)
    assert not may_change_conversation("volunteer", 8, 7, logged_at, logged_at)
    assert not may_change_conversation("volunteer", 7, None, logged_at, logged_at)
    assert may_change_conversation("coordinator", 1, 7, logged_at, after + timedelta(days=900))
    for role in ("partner", "admin"):
        assert not may_change_conversation(role, 7, 7, logged_at, logged_at)


# --- A volunteer's own conversation -----------------------------------------------------------


def test_a_volunteer_corrects_the_form_of_their_conversation(kit, logged):
    course_id, conversation = logged
    page = kit.client.get(f"/me/courses/{course_id}/conversations").get_data(as_text=True)
    assert f"/me/conversations/{conversation.id}" in page  # listed to correct
    form = kit.client.get(f"/me/conversations/{conversation.id}").get_data(as_text=True)
    assert 'value="home" checked' in form or "checked" in form
    before = version(course_id)
    response = kit.client.post(
        f"/me/conversations/{conversation.id}",
        data={"held_on": TODAY.isoformat(), "mode": "phone", "version": before},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert Conversation.get_by_id(conversation.id).mode == "phone"
    assert version(course_id) == before + 1
    [event] = events(course_id, flow.CORRECT_CONVERSATION)
    assert event.actor_id == kit.users["volunteer"].id
    text = f"Samtale {day(TODAY)} rettet: Hjemme → Telefon"
    page = course_page(kit, course_id)
    assert text in page
    assert "Mona Jensen" in page  # who


def test_a_corrected_date_says_both_dates(kit, logged):
    course_id, conversation = logged
    earlier = TODAY - timedelta(days=2)
    response = kit.client.post(
        f"/me/conversations/{conversation.id}",
        data={"held_on": earlier.isoformat(), "mode": "outside", "version": version(course_id)},
    )
    assert response.status_code == 303
    text = f"Samtale {day(TODAY)} rettet: {day(TODAY)}, Hjemme → {day(earlier)}, Ude"
    assert text in course_page(kit, course_id)


def test_the_same_values_again_change_nothing(kit, logged):
    course_id, conversation = logged
    before = version(course_id)
    response = kit.client.post(
        f"/me/conversations/{conversation.id}",
        data={"held_on": TODAY.isoformat(), "mode": "home", "version": before},
    )
    assert response.status_code == 303
    assert version(course_id) == before
    assert events(course_id, flow.CORRECT_CONVERSATION) == []


@pytest.mark.parametrize(
    "held_on, mode, message",
    [
        ((TODAY + timedelta(days=1)).isoformat(), "home", "Datoen kan ikke ligge i fremtiden."),
        ("2001-01-01", "home", "Datoen kan ikke ligge før forløbet startede."),
        ("i går", "home", "Skriv en gyldig dato"),
        (TODAY.isoformat(), "bus", "Vælg en af mulighederne."),
    ],
)
def test_bad_input_is_refused_at_the_field(kit, logged, held_on, mode, message):
    course_id, conversation = logged
    before = version(course_id)
    response = kit.client.post(
        f"/me/conversations/{conversation.id}",
        data={"held_on": held_on, "mode": mode, "version": before},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error"' in page
    saved = Conversation.get_by_id(conversation.id)
    assert (saved.held_on, saved.mode) == (TODAY, "home")
    assert version(course_id) == before


def test_a_removed_conversation_leaves_the_years_count(kit, logged):
    course_id, conversation = logged
    year = date(TODAY.year, 1, 1)
    assert conversation_count(year) == 1
    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove", data={"version": version(course_id)}
    )
    assert response.status_code == 303
    assert not Conversation.select().where(Conversation.id == conversation.id).exists()
    assert conversation_count(year) == 0
    assert f"Samtale {day(TODAY)} (Hjemme) fjernet" in course_page(kit, course_id)


def test_a_volunteer_cannot_touch_another_volunteers_conversation(kit, logged):
    course_id, conversation = logged
    kit.as_("other_volunteer")
    for response in (
        kit.client.get(f"/me/conversations/{conversation.id}"),
        kit.client.post(
            f"/me/conversations/{conversation.id}",
            data={"held_on": TODAY.isoformat(), "mode": "phone", "version": version(course_id)},
        ),
        kit.client.post(
            f"/me/conversations/{conversation.id}/remove", data={"version": version(course_id)}
        ),
    ):
        assert response.status_code == 403
        assert "Du kan kun rette dine egne samtaler." in response.get_data(as_text=True)
    assert Conversation.get_by_id(conversation.id).mode == "home"
    assert kit.client.get("/me/conversations/999999").status_code == 404


def test_after_14_days_only_the_coordinator_corrects_it(kit, logged):
    course_id, conversation = logged
    Conversation.update(logged_at=datetime.now() - timedelta(days=15)).where(
        Conversation.id == conversation.id
    ).execute()
    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove", data={"version": version(course_id)}
    )
    assert response.status_code == 403
    assert "mere end 14 dage siden" in response.get_data(as_text=True)
    assert Conversation.get_or_none(Conversation.id == conversation.id) is not None
    listing = kit.client.get(f"/me/courses/{course_id}/conversations").get_data(as_text=True)
    assert f"/me/conversations/{conversation.id}" not in listing

    kit.as_("coordinator")
    url = f"/courses/{course_id}/conversations/{conversation.id}"
    assert kit.client.get(url).status_code == 200
    response = kit.client.post(
        url, data={"held_on": TODAY.isoformat(), "mode": "phone", "version": version(course_id)}
    )
    assert response.status_code == 303
    [event] = events(course_id, flow.CORRECT_CONVERSATION)
    assert event.actor_id == kit.users["coordinator"].id
    response = kit.client.post(f"{url}/remove", data={"version": version(course_id)})
    assert response.status_code == 303
    assert Conversation.get_or_none(Conversation.id == conversation.id) is None


@pytest.mark.parametrize("role", ["partner", "admin", "volunteer"])
def test_other_roles_cannot_use_the_coordinators_corrections(kit, logged, role):
    course_id, conversation = logged
    kit.as_(role)
    url = f"/courses/{course_id}/conversations/{conversation.id}"
    assert kit.client.get(url).status_code == 403
    assert kit.client.post(f"{url}/remove", data={"version": 1}).status_code == 403
    assert kit.client.get(f"/courses/{course_id}/dates").status_code == 403
    assert Conversation.get_or_none(Conversation.id == conversation.id) is not None


@pytest.mark.parametrize("role", ["partner", "admin", "coordinator"])
def test_other_roles_cannot_use_the_volunteers_corrections(kit, logged, role):
    _course_id, conversation = logged
    kit.as_(role)
    assert kit.client.get(f"/me/conversations/{conversation.id}").status_code == 403
    response = kit.client.post(f"/me/conversations/{conversation.id}/remove", data={})
    assert response.status_code == 403


def test_a_conversation_of_another_course_is_not_found(kit, logged):
    course_id, conversation = logged
    other = kit.to(flow.NEW)
    assert kit.client.get(f"/courses/{other}/conversations/{conversation.id}").status_code == 404


def test_a_correction_needs_the_csrf_token(kit, logged):
    course_id, conversation = logged
    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove",
        data={"version": version(course_id)},
        csrf=False,
    )
    assert response.status_code == 400
    assert Conversation.get_or_none(Conversation.id == conversation.id) is not None


# --- The lock ---------------------------------------------------------------------------------


def test_a_stale_conversation_correction_changes_nothing(kit, logged):
    course_id, conversation = logged
    Course.update(version=Course.version + 1).where(Course.id == course_id).execute()
    stale = version(course_id) - 1
    response = kit.client.post(
        f"/me/conversations/{conversation.id}",
        data={"held_on": TODAY.isoformat(), "mode": "phone", "version": stale},
    )
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True)
    assert Conversation.get_by_id(conversation.id).mode == "home"
    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove", data={"version": stale}
    )
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True)
    assert Conversation.get_or_none(Conversation.id == conversation.id) is not None
    assert events(course_id, flow.CORRECT_CONVERSATION) == []
    assert events(course_id, flow.REMOVE_CONVERSATION) == []


def test_a_stale_date_correction_changes_nothing(kit):
    course_id = kit.to(flow.ACTIVE)
    course = Course.get_by_id(course_id)
    stale = course.version
    Course.update(version=Course.version + 1).where(Course.id == course_id).execute()
    response = kit.client.post(
        f"/courses/{course_id}/dates",
        data={
            "version": stale,
            **{
                name: getattr(course, name).isoformat()
                for name in flow.CORRECTABLE_DATES
                if getattr(course, name)
            },
            "started_on": days_ago(19),
        },
    )
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True)
    assert Course.get_by_id(course_id).started_on == course.started_on
    assert events(course_id, flow.CORRECT_DATE) == []


# --- A step's date ----------------------------------------------------------------------------


def dates_of(course):
    return {
        name: getattr(course, name).isoformat()
        for name in flow.CORRECTABLE_DATES
        if getattr(course, name)
    }


def post_dates(kit, course_id, **changes):
    course = Course.get_by_id(course_id)
    data = {"version": course.version, **dates_of(course), **changes}
    return kit.client.post(f"/courses/{course_id}/dates", data=data)


def test_the_form_shows_the_dates_the_steps_recorded(kit):
    course_id = kit.to(flow.ACTIVE)
    page = kit.client.get(f"/courses/{course_id}/dates").get_data(as_text=True)
    for label in (
        "Dato for henvendelse",
        "Dato for første kontakt",
        "Dato for startsamtale",
        "Dato for opstart",
    ):
        assert label in page
    assert "Dato for afslutning" not in page  # not ended yet
    assert days_ago(20) in page  # the start, filled in
    assert "Ret datoer" in kit.client.get(f"/courses/{course_id}").get_data(as_text=True)


def test_a_corrected_start_moves_the_course_between_project_years(kit):
    course_id = kit.to(flow.CLOSED)
    last_year = TODAY.year - 1
    Course.update(
        received_on=date(last_year, 11, 1),
        first_contact_on=date(last_year, 11, 3),
        intake_held_on=date(last_year, 11, 10),
        started_on=date(last_year, 12, 20),
        ended_on=date(TODAY.year, 1, 10),
    ).where(Course.id == course_id).execute()
    Proposal.update(meeting_on=date(last_year, 12, 20)).where(
        Proposal.course == course_id
    ).execute()

    def citizens():
        return {f.start.year: f.citizens_in_courses for f in annual_figures(branch="all")}

    assert citizens()[last_year] == 1 and citizens()[TODAY.year] == 1
    new_start = date(TODAY.year, 1, 4)
    response = post_dates(kit, course_id, started_on=new_start.isoformat())
    assert response.status_code == 303, response.get_data(as_text=True)
    assert citizens().get(last_year, 0) == 0 and citizens()[TODAY.year] == 1
    assert Proposal.get(Proposal.course == course_id).meeting_on == new_start
    [event] = events(course_id, flow.CORRECT_DATE)
    assert event.actor_id == kit.users["coordinator"].id
    text = f"Dato for opstart rettet: {day(date(last_year, 12, 20))} → {day(new_start)}"
    assert text in course_page(kit, course_id)


def test_only_the_dates_changed_leave_an_event(kit):
    course_id = kit.to(flow.ACTIVE)
    before = Course.get_by_id(course_id)
    response = post_dates(kit, course_id, first_contact_on=days_ago(28))
    assert response.status_code == 303
    [event] = events(course_id, flow.CORRECT_DATE)
    assert "first_contact_on" in event.detail
    after = Course.get_by_id(course_id)
    assert after.first_contact_on == date.fromisoformat(days_ago(28))
    assert after.first_contact_working_days == working_days_between(
        after.received_on, after.first_contact_on
    )
    assert after.started_on == before.started_on


def test_a_corrected_receipt_counts_the_working_days_again(kit):
    course_id = kit.to(flow.CONTACTED)
    before = Course.get_by_id(course_id).first_contact_working_days
    response = post_dates(kit, course_id, received_on=days_ago(40))
    assert response.status_code == 303
    assert Course.get_by_id(course_id).first_contact_working_days > before


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"started_on": days_ago(2)}, "started_on", "efter et senere trin"),
        ({"first_contact_on": days_ago(31)}, "first_contact_on", "før et tidligere trin"),
        ({"ended_on": (TODAY + timedelta(days=1)).isoformat()}, "ended_on", "i fremtiden"),
        ({"followed_up_on": "32-13-2026"}, "followed_up_on", "Skriv en gyldig dato"),
        ({"received_on": ""}, "received_on", "Udfyld feltet."),
    ],
)
def test_a_date_out_of_order_is_refused_at_the_field(kit, changes, field, message):
    course_id = kit.to(flow.FOLLOWED_UP)
    before = Course.get_by_id(course_id)
    response = post_dates(kit, course_id, **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    after = Course.get_by_id(course_id)
    assert dates_of(after) == dates_of(before) and after.version == before.version
    assert events(course_id, flow.CORRECT_DATE) == []


def test_a_start_after_conversations_held_is_refused(kit, logged):
    course_id, _conversation = logged
    Conversation.update(held_on=date.fromisoformat(days_ago(15))).execute()
    kit.as_("coordinator")
    response = post_dates(kit, course_id, started_on=days_ago(10))
    assert response.status_code == 422
    assert "Der er registreret samtaler før den dato." in response.get_data(as_text=True)


def test_an_intake_that_ended_the_course_moves_its_end_too(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    kit.step(course_id, flow.HOLD_INTAKE, outcome="declined")
    course = Course.get_by_id(course_id)
    assert course.ended_on == course.intake_held_on
    page = kit.client.get(f"/courses/{course_id}/dates").get_data(as_text=True)
    assert "Dato for afslutning" not in page
    assert post_dates(kit, course_id, intake_held_on=days_ago(26)).status_code == 303
    course = Course.get_by_id(course_id)
    assert course.intake_held_on == course.ended_on == date.fromisoformat(days_ago(26))


# --- Booked meetings --------------------------------------------------------------------------


def ahead(days, hour=10):
    return datetime.combine(TODAY + timedelta(days=days), datetime.min.time()).replace(hour=hour)


def test_a_booked_intake_is_shown_moved_and_cancelled(kit):
    course_id = kit.to(flow.CONTACTED)
    first = ahead(5)
    kit.step(course_id, flow.SCHEDULE_INTAKE, scheduled_at=first.strftime("%Y-%m-%dT%H:%M"))
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Flyt startsamtale" in page
    assert f"aftalt {moment(first)}" in page
    assert f'value="{first.strftime("%Y-%m-%dT%H:%M")}"' in page  # the form has the time

    moved = ahead(7, 13)
    response = kit.step(
        course_id, flow.SCHEDULE_INTAKE, scheduled_at=moved.strftime("%Y-%m-%dT%H:%M")
    )
    assert response.status_code == 303
    appointment = Appointment.get(Appointment.course == course_id)
    assert appointment.starts_at == moved and appointment.sequence == 1
    assert Course.get_by_id(course_id).intake_scheduled_at == moved
    kinds = [m.subject for m in OutboxMessage.select().where(OutboxMessage.kind.contains("intake"))]
    assert any(subject.startswith("Flyttet:") for subject in kinds)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert f"Startsamtale flyttet: {moment(first)} → {moment(moved)}" in page

    data = {f"{flow.CANCEL_INTAKE}-version": version(course_id)}
    response = kit.client.post(f"/courses/{course_id}/steps/{flow.CANCEL_INTAKE}", data=data)
    assert response.status_code == 303
    assert Appointment.get_by_id(appointment.id).cancelled
    assert Course.get_by_id(course_id).stage == flow.CONTACTED
    assert f"Startsamtale aflyst (var {moment(moved)})" in course_page(kit, course_id)


def test_a_booked_match_meeting_is_moved_and_cancelled(kit):
    course_id = kit.to(flow.MATCH_MEETING)
    first, moved = ahead(3, 14), ahead(4, 9)
    for when in (first, moved):
        data = {
            f"{flow.SCHEDULE_MATCH_MEETING}-starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            f"{flow.SCHEDULE_MATCH_MEETING}-version": version(course_id),
        }
        response = kit.client.post(
            f"/courses/{course_id}/steps/{flow.SCHEDULE_MATCH_MEETING}", data=data
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Flyt matchmøde" in page and f"aftalt {moment(moved)}" in page
    assert f"Matchmøde flyttet: {moment(first)} → {moment(moved)}" in page
    appointment = Appointment.get(Appointment.kind == MATCH_MEETING)
    assert appointment.sequence == 1
    data = {f"{flow.CANCEL_MATCH_MEETING}-version": version(course_id)}
    response = kit.client.post(f"/courses/{course_id}/steps/{flow.CANCEL_MATCH_MEETING}", data=data)
    assert response.status_code == 303
    assert Appointment.get_by_id(appointment.id).cancelled
    assert f"Matchmøde aflyst (var {moment(moved)})" in course_page(kit, course_id)
    assert Appointment.select().where(Appointment.kind == INTAKE).count() == 1


def test_an_intake_booked_without_an_appointment_fills_the_form(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    Appointment.delete().execute()
    when = Course.get_by_id(course_id).intake_scheduled_at
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert f'value="{when.strftime("%Y-%m-%dT%H:%M")}"' in page


# --- The undo after a one-tap log -------------------------------------------------------------


def test_the_one_tap_log_offers_an_undo(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    response = log(kit.client, course_id, headers=HTMX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    conversation = Conversation.get(Conversation.course == course_id)
    assert "Samtale registreret" in page and "Fortryd" in page
    assert f'action="/me/conversations/{conversation.id}/remove"' in page
    assert "toast-timed" in page  # swapped in by htmx: fades after 30 seconds

    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove",
        data={"version": version(course_id), "undo": "yes"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Fortrudt: samtalen" in response.get_data(as_text=True)
    assert Conversation.select().where(Conversation.course == course_id).count() == 0
    assert f"Samtale {day(TODAY)} (Hjemme) fortrudt" in course_page(kit, course_id)


def test_without_javascript_the_undo_is_a_plain_form_once(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    assert log(kit.client, course_id).status_code == 303
    conversation = Conversation.get(Conversation.course == course_id)
    page = kit.client.get("/me/").get_data(as_text=True)
    assert "Samtalen er registreret" in page  # the flash message
    assert f'action="/me/conversations/{conversation.id}/remove"' in page
    assert "toast-timed" not in page  # stays without script
    again = kit.client.get("/me/").get_data(as_text=True)
    assert f'action="/me/conversations/{conversation.id}/remove"' not in again


def test_a_double_tap_offers_the_undo_of_the_one_conversation(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    log(kit.client, course_id, headers=HTMX, key="same")
    page = log(kit.client, course_id, headers=HTMX, key="same").get_data(as_text=True)
    [conversation] = Conversation.select().where(Conversation.course == course_id)
    assert f'action="/me/conversations/{conversation.id}/remove"' in page


def test_an_old_undo_is_a_plain_removal(kit, logged):
    course_id, conversation = logged
    Conversation.update(logged_at=datetime.now() - timedelta(hours=2)).execute()
    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove",
        data={"version": version(course_id), "undo": "yes"},
    )
    assert response.status_code == 303
    [event] = events(course_id, flow.REMOVE_CONVERSATION)
    assert '"undo": false' in event.detail
