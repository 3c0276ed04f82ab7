"""The volunteer's own view: proposals, conversations, and what they may not touch."""

import re
from datetime import date, timedelta

from conftest import statements
from flowkit import days_ago

from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course, Proposal


def log(client, course_id, mode="home", held_on=None, key="k-1", **extra):
    data = {
        "held_on": held_on or date.today().isoformat(),
        "mode": mode,
        "submission_key": key,
    }
    data.update(extra)
    return client.post(f"/me/courses/{course_id}/conversations", data=data)


def test_home_shows_the_proposal_without_contact_data_and_the_active_courses(kit):
    active = kit.to(flow.ACTIVE)
    kit.to(flow.PROPOSED, name="Søren", phone="40 10 20 30")
    kit.as_("volunteer")
    page = kit.client.get("/me/").get_data(as_text=True)
    assert "Forslag der venter på dit svar" in page
    assert "Gå i Føtex selv" in page  # the citizen's goals help the volunteer decide
    assert "40 10 20 30" not in page  # contact data only once the course is theirs
    assert f"#{active}" in page and "75 55 66 77" in page
    assert "Registrér samtale i dag" in page


def test_accept_moves_the_course_to_the_match_meeting(kit):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("volunteer")
    response = kit.answer(course_id, "accept")
    assert response.status_code == 303
    assert Course.get_by_id(course_id).stage == flow.MATCH_MEETING
    assert Proposal.get(Proposal.course == course_id).status == "accepted"


def test_a_decline_needs_a_reason(kit):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("volunteer")
    response = kit.answer(course_id, "decline", "")
    assert response.status_code == 422
    assert "Skriv kort hvorfor du siger nej tak." in response.get_data(as_text=True)
    assert Course.get_by_id(course_id).stage == flow.PROPOSED
    too_long = kit.answer(course_id, "decline", "x" * 301)
    assert too_long.status_code == 422
    assert Proposal.get(Proposal.course == course_id).status == "pending"


def test_a_volunteer_cannot_answer_a_proposal_meant_for_someone_else(kit):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("other_volunteer")
    response = kit.answer(course_id, "accept")
    assert response.status_code == 403
    assert "Forslaget er sendt til en anden frivillig." in response.get_data(as_text=True)
    assert Course.get_by_id(course_id).stage == flow.PROPOSED


def test_answering_twice_changes_nothing(kit):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("volunteer")
    proposal = Proposal.get(Proposal.course == course_id)
    version = Course.get_by_id(course_id).version
    data = {"answer": "accept", "reason": "", "version": version}
    assert kit.client.post(f"/me/proposals/{proposal.id}/answer", data=data).status_code == 303
    again = kit.client.post(f"/me/proposals/{proposal.id}/answer", data=data)
    assert again.status_code == 409
    assert "allerede svaret" in again.get_data(as_text=True)
    assert Course.get_by_id(course_id).version == version + 1


def test_logging_a_conversation_and_a_double_tap(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    assert log(kit.client, course_id, "outside").status_code == 303
    assert log(kit.client, course_id, "outside").status_code == 303  # same form, sent twice
    rows = list(Conversation.select().where(Conversation.course == course_id))
    assert [(c.mode, c.held_on) for c in rows] == [("outside", date.today())]
    page = kit.client.get("/me/").get_data(as_text=True)
    assert re.search(r"\b1 samtale\b", page)  # singular: "1 samtaler" does not match
    assert log(kit.client, course_id, "phone", key="k-2").status_code == 303
    assert Conversation.select().count() == 2


def test_a_conversation_has_no_content_field():
    assert set(Conversation._meta.fields) == {
        "id",
        "course",
        "held_on",
        "mode",
        "logged_by",
        "logged_at",
        "submission_key",
    }


def test_bad_conversation_input_changes_nothing(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    cases = [
        ({"mode": "teleport"}, "Vælg en af mulighederne."),
        ({"held_on": tomorrow}, "Datoen kan ikke ligge i fremtiden."),
        ({"held_on": days_ago(60)}, "Datoen kan ikke ligge før forløbet startede."),
        ({"held_on": "2026-02-31"}, "Skriv en gyldig dato"),
    ]
    for i, (fields, message) in enumerate(cases):
        response = log(kit.client, course_id, key=f"bad-{i}", **fields)
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    assert Conversation.select().count() == 0


def test_another_date_form_keeps_input_on_error(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    form = kit.client.get(f"/me/courses/{course_id}/conversations")
    assert form.status_code == 200
    response = log(kit.client, course_id, mode="", held_on=days_ago(2), **{"from": "form"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert days_ago(2) in text
    assert "Vælg en af mulighederne." in text


def test_someone_elses_course_is_refused(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("other_volunteer")
    response = log(kit.client, course_id)
    assert response.status_code == 403
    assert "Det forløb er ikke dit." in response.get_data(as_text=True)
    assert kit.client.get(f"/me/courses/{course_id}/conversations").status_code == 403
    assert Conversation.select().count() == 0


def test_no_conversations_on_a_closed_course(kit):
    course_id = kit.to(flow.CLOSED)
    kit.as_("volunteer")
    response = log(kit.client, course_id)
    assert response.status_code == 409
    assert "ikke aktivt" in response.get_data(as_text=True)
    assert Conversation.select().count() == 0


def _count_statements(action):
    """The SQL statements `action` runs, counted."""
    with statements() as executed:
        action()
    return len(executed)


def test_home_agenda_is_only_the_volunteers_own_and_costs_the_same_however_many_others(kit, users):
    from datetime import datetime

    from trivsel.supervision.models import SupervisionMeeting

    SupervisionMeeting.create(starts_at=datetime.combine(date.today(), datetime.min.time()))

    def past_end(volunteer):
        return Course.create(
            stage=flow.ACTIVE,
            received_on=date.today() - timedelta(days=90),
            channel="phone",
            initiated_by="citizen",
            volunteer=volunteer,
            started_on=date.today() - timedelta(days=80),
            expected_end_on=date.today() - timedelta(days=3),
        )

    mine = past_end(users["volunteer"])
    others = [past_end(users["other_volunteer"]) for _ in range(3)]
    kit.as_("volunteer")

    def agenda_part():
        page = kit.client.get("/me/").get_data(as_text=True)
        start = page.index("Dine punkter på dagsordenen")
        return page[start : page.index("</section>", start)]

    part = agenda_part()
    assert "Aktive forløb over forventet slut" in part
    assert f'<span class="course-no">#{mine.id}</span>' in part
    for course in others:
        assert f'<span class="course-no">#{course.id}</span>' not in part
    assert "Poul" not in part  # no other volunteer's name either

    def home():
        assert kit.client.get("/me/").status_code == 200

    before = _count_statements(home)
    others += [past_end(users["other_volunteer"]) for _ in range(20)]
    assert _count_statements(home) == before
    part = agenda_part()
    assert all(f'<span class="course-no">#{c.id}</span>' not in part for c in others)


def test_home_counts_each_course_s_own_conversations(kit, users):
    """The active course's conversations (count and last day) and the ended course's count,
    each counted for its own course."""
    from trivsel.core.templating import danish_date

    active = kit.to(flow.ACTIVE, name="Gerda")
    ended = kit.to(flow.CLOSED, name="Inge")
    volunteer = users["volunteer"].id
    for day in (date(2026, 2, 3), date(2026, 3, 4)):
        Conversation.create(course=active, held_on=day, logged_by=volunteer)
    Conversation.create(course=ended, held_on=date(2026, 1, 9), logged_by=volunteer)
    kit.as_("volunteer")
    page = kit.client.get("/me/").get_data(as_text=True)
    card = page[page.index(f'id="course-{active}"') :].split("</article>")[0]
    with kit.client.application.test_request_context():
        last = danish_date(date(2026, 3, 4))
        ended_on = danish_date(Course.get_by_id(ended).ended_on)
    assert "Gerda" in card and re.search(rf"2 samtaler, seneste {last}", card)
    assert re.search(rf"#{ended}</span>: 1 samtale, sluttede {ended_on}", page)
