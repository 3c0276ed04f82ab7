"""The volunteer corps over HTTP: profiles, status history, the refusals, the suggestions."""

from datetime import date, timedelta

import pytest
from conftest import make_profile, make_user, statements

from trivsel.core.users import User
from trivsel.corps import service as corps
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course, Proposal


def propose(kit, course_id, volunteer):
    return kit.step(course_id, flow.PROPOSE, volunteer=str(volunteer.id))


@pytest.mark.parametrize(
    "profile, message",
    [
        ({"declaration_signed_on": None}, "Har ikke underskrevet tavshedserklæring"),
        ({"status": "paused", "paused_until": date.today()}, "Holder pause til og med"),
        ({"status": "left"}, "Er stoppet som frivillig"),
        ({"status": "applicant"}, "Er ansøger og endnu ikke godkendt"),
        ({"capacity": 1}, "Har ikke plads: 1 af 1 forløb i gang"),
    ],
    ids=["no declaration", "paused", "left", "applicant", "at capacity"],
)
def test_propose_refuses_an_ineligible_volunteer_and_changes_nothing(kit, profile, message):
    ineligible = make_user("volunteer", "Ole Berg")
    make_profile(ineligible, **profile)
    if profile.get("capacity") == 1:
        # Ole already has a course running: his one place is taken.
        busy = kit.to(flow.MATCHING)
        assert propose(kit, busy, ineligible).status_code == 303
    course_id = kit.to(flow.MATCHING)
    before = Course.get_by_id(course_id)
    response = propose(kit, course_id, ineligible)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Den frivillige kan ikke foreslås" in text and message in text
    after = Course.get_by_id(course_id)
    assert (after.stage, after.version) == (flow.MATCHING, before.version)
    assert not Proposal.select().where(Proposal.course == course_id).exists()


def test_a_volunteer_without_a_profile_cannot_be_proposed(kit):
    bare = make_user("volunteer", "Bent Bare")
    course_id = kit.to(flow.MATCHING)
    response = propose(kit, course_id, bare)
    assert response.status_code == 422
    assert "Har ingen frivilligprofil" in response.get_data(as_text=True)


def test_a_pause_that_has_ended_lets_the_volunteer_be_proposed_again(kit):
    back = make_user("volunteer", "Lise Back")
    make_profile(back, status="paused", paused_until=date.today() - timedelta(days=1))
    course_id = kit.to(flow.MATCHING)
    assert propose(kit, course_id, back).status_code == 303
    assert Course.get_by_id(course_id).stage == flow.PROPOSED


def test_the_intake_records_what_the_match_needs_and_the_panel_ranks_with_reasons(kit, users):
    karen = make_user("volunteer", "Karen Nielsen")
    make_profile(
        karen,
        interests=["loneliness", "digital_skills"],
        available_days=["mon"],
        available_times=["morning"],
        postcode="7000",
    )
    kit.as_("coordinator")
    course_id = kit.inquiry(name="Inge")
    kit.step(course_id, flow.FIRST_CONTACT)
    response = kit.step(
        course_id,
        flow.HOLD_INTAKE,
        needs=["loneliness", "digital_skills"],
        available_days=["mon", "tue"],
        available_times=["morning"],
        postcode="7000",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    course = Course.get_by_id(course_id)
    assert course.needs == ["digital_skills", "loneliness"]
    assert course.available_days == ["mon", "tue"]
    assert Citizen.get_by_id(course.citizen_id).postcode == "7000"  # personal: on Citizen
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    suggestions = page[page.index('id="suggestions-title"') :]
    # Karen first, with her reasons in words; the fixture volunteers after her.
    assert suggestions.index("Karen Nielsen") < suggestions.index("Mona Jensen")
    assert "Vil gerne hjælpe med det borgeren har brug for: ensomhed, digitale færdigheder" in (
        suggestions
    )
    assert "Kan når borgeren kan: mandag" in suggestions
    assert "Bor i samme postnummer" in suggestions
    # One click proposes her from the list.
    response = kit.client.post(
        f"/courses/{course_id}/steps/propose",
        data={"propose-volunteer": karen.id, "propose-version": course.version},
    )
    assert response.status_code == 303
    assert Proposal.get(Proposal.course == course_id).volunteer_id == karen.id


def test_an_ineligible_volunteer_is_shown_with_the_reason(kit):
    ole = make_user("volunteer", "Ole Berg")
    make_profile(ole, declaration_signed_on=None)
    course_id = kit.to(flow.MATCHING)
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    item = page[page.index(f'id="suggestion-{ole.id}"') :]
    item = item[: item.index("</li>\n    \n")] if "</li>\n    \n" in item else item[:2000]
    assert "Kan ikke foreslås" in item
    assert "Har ikke underskrevet tavshedserklæring" in item
    assert "Ole Berg (kan ikke foreslås)" in page  # marked in the select too


def test_decline_and_a_no_at_the_match_meeting_are_remembered(kit, users):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("volunteer")
    kit.answer(course_id, "decline", reason="Kender familien")
    kit.as_("coordinator")
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Har sagt nej tak til denne borger før" in page
    assert "Har ikke sagt nej til denne borger før" in page  # said of the other volunteer
    other = users["other_volunteer"]
    assert propose(kit, course_id, other).status_code == 303
    kit.auth.logout()
    kit.auth.login(other)
    assert kit.answer(course_id, "accept").status_code == 303
    kit.as_("coordinator")
    kit.step(course_id, flow.MATCH_MEETING_HELD, citizen_yes="no")
    assert Course.get_by_id(course_id).stage == flow.MATCHING
    history = corps.pairing_history(course_id)
    assert history == {
        users["volunteer"].id: {"declined"},
        other.id: {"not_matched"},
    }
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Blev ikke et match ved matchmødet med denne borger" in page


def test_match_facts_can_be_corrected_after_the_intake(kit):
    course_id = kit.to(flow.MATCHING)
    version = Course.get_by_id(course_id).version
    bad = kit.client.post(
        f"/courses/{course_id}/match-facts",
        data={"version": version, "postcode": "70", "needs": ["grief"]},
    )
    assert bad.status_code == 422
    assert "Skriv et postnummer med fire cifre." in bad.get_data(as_text=True)
    assert Course.get_by_id(course_id).needs == []
    ok = kit.client.post(
        f"/courses/{course_id}/match-facts",
        data={"version": version, "postcode": "7000", "needs": ["grief"], "by_phone": "y"},
    )
    assert ok.status_code == 303
    course = Course.get_by_id(course_id)
    assert (course.needs, course.by_phone) == (["grief"], True)
    assert Citizen.get_by_id(course.citizen_id).postcode == "7000"
    stale = kit.client.post(
        f"/courses/{course_id}/match-facts", data={"version": version, "needs": ["illness"]}
    )
    assert stale.status_code == 409  # someone saved in between: input kept, nothing saved
    assert 'checked id="needs-2" name="needs" type="checkbox" value="illness"' in stale.get_data(
        as_text=True
    )
    assert Course.get_by_id(course_id).needs == ["grief"]


def test_the_coordinator_registers_an_applicant_and_activates_them(kit, users):
    kit.as_("coordinator")
    response = kit.client.post(
        "/volunteers/",
        data={"name": "Aase Holm", "email": "aase@example.org", "applied_on": "2026-01-05"},
    )
    assert response.status_code == 303
    aase = User.get(User.email == "aase@example.org")
    assert aase.role == "volunteer"
    profile = VolunteerProfile.get(VolunteerProfile.user == aase)
    assert profile.status == "applicant"
    # Twice the same e-mail: a clear message, nothing created.
    again = kit.client.post(
        "/volunteers/",
        data={"name": "Aase", "email": "aase@example.org", "applied_on": "2026-01-05"},
    )
    assert again.status_code == 422
    assert "Der findes allerede en bruger med den e-mail." in again.get_data(as_text=True)

    url = f"/volunteers/{aase.id}"
    response = kit.client.post(
        url,
        data={
            "capacity": "2",
            "interests": ["grief", "loneliness"],
            "avoids": ["grief"],
            "declaration_signed_on": "2026-01-20",
        },
    )
    assert response.status_code == 422
    assert "Et område kan ikke både være ønsket og fravalgt: sorg." in response.get_data(
        as_text=True
    )
    response = kit.client.post(
        url,
        data={
            "capacity": "2",
            "interests": ["grief", "loneliness"],
            "declaration_signed_on": "2026-01-20",
            "suitability_notes": "Rolig, god til at lytte.",
            "motivation": "Mistede selv sin mand.",
        },
    )
    assert response.status_code == 303
    bad = kit.client.post(f"{url}/status", data={"status": "paused", "changed_on": "2026-02-01"})
    assert bad.status_code == 422
    assert "Skriv hvornår pausen slutter." in bad.get_data(as_text=True)
    for status, on in (("active", "2026-01-21"), ("paused", "2026-03-01"), ("left", "2026-06-30")):
        data = {"status": status, "changed_on": on}
        if status == "paused":
            data["paused_until"] = "2026-04-30"
        assert kit.client.post(f"{url}/status", data=data).status_code == 303
    changes = [
        (c.status, c.changed_on.isoformat())
        for c in VolunteerStatusChange.select()
        .where(VolunteerStatusChange.user == aase)
        .order_by(VolunteerStatusChange.id)
    ]
    assert changes == [
        ("applicant", "2026-01-05"),
        ("active", "2026-01-21"),
        ("paused", "2026-03-01"),
        ("left", "2026-06-30"),
    ]
    page = kit.client.get(url).get_data(as_text=True)
    assert "Er stoppet som frivillig" in page and "Rolig, god til at lytte." in page


def test_the_volunteer_fills_in_the_application_but_never_sees_the_coordinators_notes(kit, users):
    profile = VolunteerProfile.get(VolunteerProfile.user == users["volunteer"])
    profile.suitability_notes = "Skal have støtte i starten."
    profile.motivation = "Vil give noget tilbage."
    profile.save()
    kit.as_("volunteer")
    page = kit.client.get("/me/profile").get_data(as_text=True)
    assert "Skal have støtte" not in page and "Vil give noget tilbage" not in page
    assert "Noter fra egnethedssamtalen" not in page
    response = kit.client.post(
        "/me/profile",
        data={
            "capacity": "2",
            "interests": ["mobility", "structure"],
            "available_days": ["tue", "thu"],
            "languages": ["en"],
            "postcode": "7000",
            "phone_only": "y",
            # Not fields of this form: ignored, whatever is sent.
            "suitability_notes": "Jeg er perfekt",
            "declaration_signed_on": "2026-01-01",
        },
    )
    assert response.status_code == 303
    profile = VolunteerProfile.get(VolunteerProfile.user == users["volunteer"])
    assert profile.interests == ["mobility", "structure"]
    assert profile.phone_only is True
    assert profile.suitability_notes == "Skal have støtte i starten."
    assert profile.declaration_signed_on == date(2025, 1, 20)
    bad = kit.client.post("/me/profile", data={"capacity": "9", "postcode": "70a0"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Skriv et tal fra 1 til 5." in text and "Skriv et postnummer med fire cifre." in text


def test_a_volunteer_without_a_profile_gets_an_applicant_profile_on_their_page(kit):
    newcomer = make_user("volunteer", "Nina Ny")
    kit.auth.logout()
    kit.auth.login(newcomer)
    page = kit.client.get("/me/profile").get_data(as_text=True)
    assert "Status: Ansøger" in page
    assert "Er ansøger og endnu ikke godkendt" in page


def test_the_corps_list_shows_status_declaration_and_load(kit, users):
    make_profile(make_user("volunteer", "Ole Berg"), declaration_signed_on=None)
    kit.to(flow.ACTIVE)
    page = kit.client.get("/volunteers/").get_data(as_text=True)
    assert "Ole Berg" in page and "Mangler" in page
    # Active by status: Mona, Poul and Ole, whose missing declaration the list shows.
    assert "<p>3 aktive frivillige</p>" in page
    assert ">1 / 5<" in page  # Mona: one course of five places


def test_the_corps_list_pages_with_the_total_and_keeps_the_status_filter(kit, users, monkeypatch):
    from trivsel.corps import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for name in ("Anna Ager", "Bent Bro", "Carl Carlsen"):
        make_profile(make_user("volunteer", name), status="applicant")
    kit.as_("coordinator")
    # Five volunteers by name: Anna, Bent, Carl, Mona, Poul.
    first = kit.client.get("/volunteers/").get_data(as_text=True)
    assert "5 frivillige i listen" in first
    assert "Anna Ager" in first and "Bent Bro" in first and "Carl Carlsen" not in first
    assert 'href="/volunteers/?page=2"' in first
    third = kit.client.get("/volunteers/?page=3").get_data(as_text=True)
    assert "Poul Madsen" in third and "Mona Jensen" not in third and "Næste side" not in third
    # The filter is a status, kept on the pager's links; no name is ever in the URL.
    applicants = kit.client.get("/volunteers/?status=applicant").get_data(as_text=True)
    assert "3 frivillige i listen" in applicants and "Mona Jensen" not in applicants
    assert 'href="/volunteers/?status=applicant&amp;page=2"' in applicants
    last = kit.client.get("/volunteers/?status=applicant&page=2").get_data(as_text=True)
    assert "Carl Carlsen" in last and "Anna Ager" not in last
    assert kit.client.get("/volunteers/?status=nonsense").status_code == 200


def test_the_corps_page_counts_in_sql_and_reads_one_page(app, users):
    for i in range(7):
        make_profile(make_user("volunteer", f"Frivillig {i:02d}", email=f"f{i}@trivsel.test"))
    with statements() as executed:
        rows, total = corps.corps_page("active", page=2, per_page=4)
    assert total == 9 and len(rows) == 4 and len(executed) == 2
    assert any("COUNT" in event.sql.upper() for event in executed)
