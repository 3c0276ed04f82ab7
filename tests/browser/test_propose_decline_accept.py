"""In a real browser: propose → decline → propose another → accept → both yes at the match
meeting, with the suggestions and their reasons on the course page."""

import re

import pytest
from conftest import PASSWORD
from playwright.sync_api import expect

from trivsel.courses import flow
from trivsel.courses.models import Course, Proposal

pytestmark = pytest.mark.browser


def login(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()


def logout(page):
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(r"/login"))


def test_propose_decline_propose_another_accept_and_match(page, live_server, kit, users):
    base = live_server.url
    course_id = kit.to(flow.MATCHING)
    kit.auth.logout()
    mona, poul = users["volunteer"], users["other_volunteer"]
    course_url = f"{base}/courses/{course_id}"

    # The coordinator proposes Mona from the ranked list.
    login(page, base, users["coordinator"])
    page.goto(course_url)
    suggestions = page.locator(".suggestions")
    expect(suggestions).to_contain_text("Har plads")
    suggestions.get_by_role("button", name="Foreslå Mona Jensen").click()
    expect(page.locator(".page-head .badge")).to_have_text("Foreslået til frivillig")
    logout(page)

    # Mona says no thank you, with a reason.
    login(page, base, mona)
    card = page.locator(f"#proposal-{Proposal.get(Proposal.course == course_id).id}")
    card.get_by_role("radio", name="Nej tak").check()
    card.get_by_label("Hvorfor nej tak?").fill("Jeg kender familien privat.")
    card.get_by_role("button", name="Send svar").click()
    expect(page.locator("#messages")).to_contain_text("Dit nej tak er sendt")
    logout(page)

    # Back in matching; the list remembers Mona's no. The coordinator proposes Poul.
    login(page, base, users["coordinator"])
    page.goto(course_url)
    mona_item = page.locator(f"#suggestion-{mona.id}")
    expect(mona_item).to_contain_text("Har sagt nej tak til denne borger før")
    page.get_by_role("button", name="Foreslå Poul Madsen").click()
    expect(page.locator(".page-head .badge")).to_have_text("Foreslået til frivillig")
    logout(page)

    # Poul says yes.
    login(page, base, poul)
    page.get_by_role("radio", name="Ja, gerne").check()
    page.get_by_role("button", name="Send svar").click()
    expect(page.locator("#messages")).to_contain_text("Koordinatoren indkalder til matchmøde")
    logout(page)

    # Both say yes at the match meeting: the course starts with Poul.
    login(page, base, users["coordinator"])
    page.goto(course_url)
    step = page.locator(".step-match_meeting_held")
    step.get_by_role("group", name="Vil borgeren fortsætte?").get_by_label("Ja").check()
    step.get_by_role("group", name="Vil den frivillige fortsætte?").get_by_label("Ja").check()
    step.get_by_role("button", name="Matchmøde holdt").click()
    expect(page.locator(".page-head .badge")).to_have_text("Aktivt forløb")
    course = Course.get_by_id(course_id)
    assert (course.stage, course.volunteer_id) == (flow.ACTIVE, poul.id)
    statuses = [
        (p.volunteer_id, p.status)
        for p in Proposal.select().where(Proposal.course == course_id).order_by(Proposal.id)
    ]
    assert statuses == [(mona.id, "declined"), (poul.id, "matched")]
