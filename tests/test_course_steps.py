"""Every step of the flow over HTTP, its refusals, and bad input that changes nothing."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from flowkit import days_ago

from trivsel.courses import flow
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal


def snapshot(course_id):
    """Everything the steps can change about a course, to prove a refusal changed nothing."""
    course = Course.get_by_id(course_id)
    return (
        course.__data__.copy(),
        CourseEvent.select().where(CourseEvent.course == course_id).count(),
        [p.__data__.copy() for p in Proposal.select().where(Proposal.course == course_id)],
        Citizen.get_by_id(course.citizen_id).__data__.copy() if course.citizen_id else None,
    )


def test_the_whole_flow_from_inquiry_to_follow_up(kit, users):
    course_id = kit.to(flow.FOLLOWED_UP)
    course = Course.get_by_id(course_id)
    assert course.first_contact_on == date.today() - timedelta(days=29)
    assert course.intake_outcome == "matching"
    assert course.citizen.goals == "Gå i Føtex selv"
    assert course.volunteer_id == users["volunteer"].id
    assert course.started_on == date.today() - timedelta(days=20)
    # Three months by default: 13 weeks after the start.
    assert course.expected_end_on == course.started_on + timedelta(weeks=13)
    assert course.frequency == "one_or_two"
    assert (course.goals_met, course.needs_more_support) == ("yes", False)
    assert course.follow_on_offers == "Ældresagen: gåhold"
    assert (course.felt_heard, course.quality_of_life, course.follow_on_contact) == (
        True,
        "better",
        True,
    )
    actions = [e.action for e in CourseEvent.select().where(CourseEvent.course == course_id)]
    assert actions == ["inquiry"] + [
        flow.FIRST_CONTACT,
        flow.SCHEDULE_INTAKE,
        flow.HOLD_INTAKE,
        flow.PROPOSE,
        flow.ACCEPT,
        flow.MATCH_MEETING_HELD,
        flow.CLOSE,
        flow.FOLLOW_UP,
    ]
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Afsluttet og fulgt op" in page
    assert "Ældresagen: gåhold" in page


def test_the_course_page_shows_the_timeline(kit):
    course_id = kit.to(flow.MATCHING)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    for label in (
        "Henvendelse modtaget",
        "Første kontakt",
        "Aftal startsamtale",
        "Startsamtale holdt",
    ):
        assert label in page
    assert "Foreslå frivillig" in page  # the next step's form


@pytest.mark.parametrize(
    "stage, action",
    [
        (flow.NEW, flow.CLOSE),
        (flow.NEW, flow.PROPOSE),
        (flow.CONTACTED, flow.MATCH_MEETING_HELD),
        (flow.MATCHING, flow.FIRST_CONTACT),
        (flow.ACTIVE, flow.WITHDRAW),
        (flow.CLOSED, flow.CLOSE),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(kit, stage, action):
    course_id = kit.to(stage)
    before = snapshot(course_id)
    response = kit.step(course_id, action)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "kan ikke gøres nu" in text
    assert "Intet er ændret" in text
    assert snapshot(course_id) == before


def test_a_double_submit_is_refused_the_second_time(kit):
    course_id = kit.to(flow.NEW)
    first = kit.step(course_id, flow.FIRST_CONTACT, version=1)
    assert first.status_code == 303
    before = snapshot(course_id)
    second = kit.step(course_id, flow.FIRST_CONTACT, version=1)
    assert second.status_code == 409
    assert snapshot(course_id) == before


def test_two_people_saving_at_once_the_second_keeps_their_input(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    version = Course.get_by_id(course_id).version
    # Someone else reschedules the intake after the page was shown...
    assert kit.step(course_id, flow.SCHEDULE_INTAKE, version=version).status_code == 303
    before = snapshot(course_id)
    # ...then this user saves the intake with the old version.
    response = kit.step(
        course_id, flow.HOLD_INTAKE, version=version, goals="Mine egne ord om målet"
    )
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "ændret af en anden" in text
    assert "Mine egne ord om målet" in text  # the typed text is still in the form
    assert snapshot(course_id) == before


@pytest.mark.parametrize(
    "action, fields, message",
    [
        (flow.FIRST_CONTACT, {"contacted_on": ""}, "Udfyld feltet."),
        (flow.FIRST_CONTACT, {"contacted_on": "2026-02-30"}, "Skriv en gyldig dato"),
        (flow.FIRST_CONTACT, {"contacted_on": "i går"}, "Skriv en gyldig dato"),
        (
            flow.FIRST_CONTACT,
            {"contacted_on": (date.today() + timedelta(days=1)).isoformat()},
            "Datoen kan ikke ligge i fremtiden.",
        ),
        (
            flow.FIRST_CONTACT,
            {"contacted_on": days_ago(400)},
            "Datoen kan ikke ligge før henvendelsen blev modtaget.",
        ),
    ],
)
def test_bad_dates_get_a_message_at_the_field(kit, action, fields, message):
    course_id = kit.to(flow.NEW)
    before = snapshot(course_id)
    response = kit.step(course_id, action, **fields)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text
    assert 'aria-invalid="true"' in text
    assert snapshot(course_id) == before


def test_intake_goals_too_long_and_missing_outcome(kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    before = snapshot(course_id)
    response = kit.step(course_id, flow.HOLD_INTAKE, goals="x" * 2001, outcome=None)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Højst 2000 tegn." in text
    assert "Vælg en af mulighederne." in text
    assert "x" * 2001 in text  # what was typed is kept
    assert snapshot(course_id) == before


@pytest.mark.parametrize(
    "outcome, stage",
    [
        ("referred_elsewhere", flow.REFERRED_ELSEWHERE),
        ("declined", flow.DECLINED),
        ("withdrawn", flow.WITHDRAWN),
    ],
)
def test_an_intake_can_end_the_inquiry(kit, outcome, stage):
    course_id = kit.to(flow.CONTACTED)
    assert kit.step(course_id, flow.HOLD_INTAKE, outcome=outcome).status_code == 303
    course = Course.get_by_id(course_id)
    assert course.stage == stage
    assert course.ended_on == course.intake_held_on


def test_decline_returns_to_matching_and_another_volunteer_can_be_proposed(kit, users):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("volunteer")
    assert kit.answer(course_id, "decline", "Jeg kender familien").status_code == 303
    assert Course.get_by_id(course_id).stage == flow.MATCHING
    kit.as_("coordinator")
    other = users["other_volunteer"]
    assert kit.step(course_id, flow.PROPOSE, volunteer=str(other.id)).status_code == 303
    statuses = [
        (p.volunteer_id, p.status, p.decline_reason)
        for p in Proposal.select().where(Proposal.course == course_id).order_by(Proposal.id)
    ]
    assert statuses == [
        (users["volunteer"].id, "declined", "Jeg kender familien"),
        (other.id, "pending", None),
    ]


def test_a_no_at_the_match_meeting_returns_to_matching(kit):
    course_id = kit.to(flow.MATCH_MEETING)
    response = kit.step(course_id, flow.MATCH_MEETING_HELD, citizen_yes="no")
    assert response.status_code == 303
    course = Course.get_by_id(course_id)
    assert course.stage == flow.MATCHING
    assert course.volunteer_id is None and course.started_on is None
    proposal = Proposal.get(Proposal.course == course_id)
    assert (proposal.status, proposal.citizen_yes, proposal.volunteer_yes) == (
        "not_matched",
        False,
        True,
    )


def test_the_expected_end_can_be_set_and_must_follow_the_meeting(kit):
    course_id = kit.to(flow.MATCH_MEETING)
    bad = kit.step(course_id, flow.MATCH_MEETING_HELD, expected_end_on=days_ago(30))
    assert bad.status_code == 422
    assert "Forventet afslutning skal ligge efter matchmødet." in bad.get_data(as_text=True)
    end = (date.today() + timedelta(weeks=8)).isoformat()
    assert kit.step(course_id, flow.MATCH_MEETING_HELD, expected_end_on=end).status_code == 303
    assert Course.get_by_id(course_id).expected_end_on.isoformat() == end


def test_retracting_a_proposal_and_withdrawing(kit):
    course_id = kit.to(flow.PROPOSED)
    assert kit.step(course_id, flow.RETRACT).status_code == 303
    assert Course.get_by_id(course_id).stage == flow.MATCHING
    assert Proposal.get(Proposal.course == course_id).status == "retracted"
    assert kit.step(course_id, flow.WITHDRAW).status_code == 303
    course = Course.get_by_id(course_id)
    assert course.stage == flow.WITHDRAWN and course.ended_on is not None


def test_htmx_step_returns_the_panel_fragment(kit):
    course_id = kit.to(flow.NEW)
    response = kit.step(course_id, flow.FIRST_CONTACT, headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="course-panel"')
    assert "<html" not in text
    assert "HX-Request" in response.headers["Vary"]
    assert "Gemt: Første kontakt." in text


def test_htmx_validation_error_is_a_422_fragment(kit):
    course_id = kit.to(flow.NEW)
    response = kit.step(
        course_id, flow.FIRST_CONTACT, contacted_on="", headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "<html" not in response.get_data(as_text=True)


def test_unknown_course_and_unknown_step(kit):
    kit.as_("coordinator")
    assert kit.client.get("/courses/9999").status_code == 404
    course_id = kit.to(flow.NEW)
    assert kit.client.post(f"/courses/{course_id}/steps/teleport").status_code == 404


def test_conversations_are_counted_on_the_course_page(kit, users):
    course_id = kit.to(flow.ACTIVE)
    for day in (days_ago(10), days_ago(3)):
        Conversation.create(
            course=course_id, held_on=day, mode="home", logged_by=users["volunteer"]
        )
    last = format_date(date.today() - timedelta(days=3), "medium", locale="da")
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert f"<dt>Samtaler</dt><dd>2, seneste {last}</dd>" in page
    row = kit.client.post("/courses", data={"q": "Gerda"}).get_data(as_text=True)
    assert re.search(rf"<td>2</td>\s*<td>{re.escape(last)}</td>", row)  # count, latest
