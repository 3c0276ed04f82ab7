"""The close step picks directory offers through a search in a real browser: results by htmx as
you type (the chosen ones kept checked), or by the search button without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from trivsel.courses import flow
from trivsel.courses.models import Course
from trivsel.demo.loader import DEMO_PASSWORD

from .conftest import document_kept, login, mark_document

pytestmark = pytest.mark.browser

COORDINATOR = "koordinator@trivsel.example"
COMPUTER = "Computerundervisning for begyndere"


def active_course(app):
    with app.app_context():
        return Course.select().where(Course.stage == flow.ACTIVE).order_by(Course.id).first().id


def close_form(page):
    return page.locator("#course-panel form[action$='/steps/close']")


def answer_close_questions(form):
    form.get_by_role("group", name="Blev målene nået?").get_by_label("Ja").check()
    form.get_by_role("group", name=re.compile("Er der brug for mere støtte")).get_by_label(
        "Nej"
    ).check()


def test_an_offer_picked_by_the_search_is_linked_at_closing(page, app, live_server, demo):
    base = live_server.url
    course_id = active_course(app)
    login(page, base, COORDINATOR, DEMO_PASSWORD)
    page.goto(f"{base}/courses/{course_id}")
    form = close_form(page)
    answer_close_questions(form)
    mark_document(page)
    with page.expect_response(lambda r: "/courses/offers?" in r.url) as info:
        form.get_by_role("searchbox", name="Søg efter tilbud").fill("computer")
    assert info.value.request.headers.get("hx-request") == "true"
    form.get_by_label(re.compile(COMPUTER)).check()
    # Another search keeps the chosen offer, checked.
    with page.expect_response(lambda r: "/courses/offers?" in r.url):
        form.get_by_role("searchbox", name="Søg efter tilbud").fill("gå")
    expect(form.get_by_label(re.compile(COMPUTER))).to_be_checked()
    assert document_kept(page)

    with page.expect_response(lambda r: r.url.endswith("/steps/close")):
        form.get_by_role("button", name="Afslut forløb", exact=True).click()
    facts = page.locator(".facts-box")
    expect(facts).to_contain_text("Bygget bro til")
    expect(facts).to_contain_text(COMPUTER)
    assert document_kept(page), "the close step reloaded the whole page"


def test_the_offer_search_works_without_javascript(new_context, app, live_server, demo):
    base = live_server.url
    course_id = active_course(app)
    page = new_context(java_script_enabled=False).new_page()
    login(page, base, COORDINATOR, DEMO_PASSWORD)
    page.goto(f"{base}/courses/{course_id}")
    form = close_form(page)
    answer_close_questions(form)
    form.get_by_role("searchbox", name="Søg efter tilbud").fill("computer")
    with page.expect_navigation():
        form.get_by_role("button", name="Søg", exact=True).click()
    form = close_form(page)
    expect(form.get_by_role("searchbox", name="Søg efter tilbud")).to_have_value("computer")
    expect(form.get_by_role("group", name="Blev målene nået?").get_by_label("Ja")).to_be_checked()
    form.get_by_label(re.compile(COMPUTER)).check()
    with page.expect_navigation():
        form.get_by_role("button", name="Afslut forløb", exact=True).click()
    expect(page.locator(".facts-box")).to_contain_text(COMPUTER)
