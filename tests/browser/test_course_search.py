"""The course list's search in a real browser: posted by htmx in place, or by the form without
JavaScript, and never in the address bar, the history or htmx's history cache."""

import re

import pytest
from playwright.sync_api import expect

from trivsel.demo.loader import DEMO_PASSWORD

from .conftest import document_kept, login, mark_document

pytestmark = pytest.mark.browser

COORDINATOR = "koordinator@trivsel.example"


def course_search(page):
    return page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/courses"))


def test_the_search_posts_in_place_and_keeps_the_name_out_of_the_address(page, live_server, demo):
    base = live_server.url
    rows = page.locator("#course-rows table.courses tbody tr")
    login(page, base, COORDINATOR, DEMO_PASSWORD)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    menu.get_by_role("button", name="Forløb").click()  # the coordinator's menu is grouped
    menu.get_by_role("link", name="Forløb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forløb")
    everyone = rows.count()
    assert everyone > 1

    mark_document(page)
    with course_search(page) as info:
        page.get_by_role("searchbox", name="Søg på navn eller nummer").fill("Inge")
    request = info.value.request
    assert request.headers.get("hx-request") == "true"
    assert request.headers.get("x-csrftoken")
    assert "q=Inge" in request.post_data and "csrf_token=" in request.post_data
    assert "Inge" not in request.url
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Inge")
    assert document_kept(page), "the search reloaded the whole page"
    assert "Inge" not in page.url and not re.search(r"[?&]q=", page.url)

    # A filter beside the term: the address bar shows the filter, never the term.
    with course_search(page) as info:
        page.get_by_label("Status").select_option(label="Afsluttede")
    assert "q=Inge" in info.value.request.post_data
    expect(page).to_have_url(re.compile(r"/courses\?stage=ended$"))
    expect(rows).to_have_count(1)

    # Away and back: htmx keeps no copy of the page; it is asked for again, without the term.
    page.locator("#course-rows a", has_text="Inge").click()
    expect(page.locator("#course-panel")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/courses\?stage=ended$"))
    expect(page.get_by_role("searchbox", name="Søg på navn eller nummer")).to_have_value("")
    # The ended courses, not only Inge: the list came from the server, not from a snapshot.
    expect(rows.filter(has_text="Lene")).to_have_count(1)
    expect(rows.filter(has_text="Inge")).to_have_count(1)
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None


def test_the_search_works_without_javascript(new_context, live_server, demo):
    base = live_server.url
    page = new_context(java_script_enabled=False).new_page()
    login(page, base, COORDINATOR, DEMO_PASSWORD)
    page.goto(f"{base}/courses")
    rows = page.locator("table.courses tbody tr")
    page.get_by_role("searchbox", name="Søg på navn eller nummer").fill("Jens")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    assert page.url == f"{base}/courses"  # posted: the term is in no address
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Jens")
    expect(page.get_by_role("searchbox", name="Søg på navn eller nummer")).to_have_value("Jens")
