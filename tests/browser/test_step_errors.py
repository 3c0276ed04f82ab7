"""A step form that cannot be saved keeps what the coordinator typed: validation errors at the
field (htmx swaps the 422 response) and a course changed by someone else (409)."""

from datetime import date, timedelta

import pytest
from conftest import make_user
from playwright.sync_api import expect

from trivsel.courses import flow

from .conftest import document_kept, login, mark_document

GOALS = "Vil gerne i svømmehallen igen, sammen med nogen"

pytestmark = pytest.mark.browser


def test_validation_error_shows_at_the_field_and_keeps_the_input(page, live_server, kit, users):
    course_id = kit.to(flow.CONTACTED)
    login(page, live_server.url, users["coordinator"].email)
    page.goto(f"{live_server.url}/courses/{course_id}")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    form = page.locator("form[action$='/steps/hold_intake']")
    form.get_by_label("Startsamtalen blev holdt").fill(tomorrow)
    form.get_by_label("Borgerens egne mål").fill(GOALS)
    mark_document(page)
    with page.expect_response(lambda r: r.url.endswith("/steps/hold_intake")) as info:
        form.get_by_role("button", name="Startsamtale holdt").click()
    assert info.value.status == 422

    form = page.locator("form[action$='/steps/hold_intake']")
    expect(form.get_by_role("alert")).to_have_text("Ret de markerede felter. Intet er gemt endnu.")
    held_on = form.get_by_label("Startsamtalen blev holdt")
    expect(held_on).to_have_value(tomorrow)
    expect(held_on).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#hold_intake-held_on-error")).to_have_text(
        "Datoen kan ikke ligge i fremtiden."
    )
    # The message is the field's description, so a screen reader reads it with the field.
    assert "hold_intake-held_on-error" in held_on.get_attribute("aria-describedby")
    outcome = form.get_by_role("group", name="Udfald")
    expect(outcome.locator(".error")).to_have_text("Vælg en af mulighederne.")
    expect(form.get_by_label("Borgerens egne mål")).to_have_value(GOALS)
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Kontakt skabt")
    assert document_kept(page)
    # The pressed button was swapped away: the keyboard continues at the first field to fix.
    expect(held_on).to_be_focused()

    # Corrected, it saves.
    form.get_by_label("Startsamtalen blev holdt").fill(date.today().isoformat())
    outcome.get_by_role("radio", name="Videre til match").check()
    form.get_by_role("button", name="Startsamtale holdt").click()
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Venter på match")
    expect(page.locator(".facts .goals")).to_have_text(GOALS)


def test_course_changed_by_someone_else_keeps_the_input(page, new_context, live_server, kit, users):
    course_id = kit.to(flow.CONTACTED)
    with live_server.app.app_context():
        colleague = make_user("coordinator", "Kirsten Dahl")
    login(page, live_server.url, users["coordinator"].email)
    page.goto(f"{live_server.url}/courses/{course_id}")
    form = page.locator("form[action$='/steps/hold_intake']")
    form.get_by_label("Borgerens egne mål").fill(GOALS)
    form.get_by_role("radio", name="Videre til match").check()

    # Meanwhile a colleague corrects the citizen's phone number in another browser.
    other = new_context().new_page()
    login(other, live_server.url, colleague.email)
    other.goto(f"{live_server.url}/courses/{course_id}/citizen")
    other.get_by_label("Telefon").fill("40 40 40 40")
    other.get_by_role("button", name="Gem").click()
    expect(other.locator("#messages")).to_contain_text("Kontaktoplysningerne er gemt.")

    mark_document(page)
    with page.expect_response(lambda r: r.url.endswith("/steps/hold_intake")) as info:
        form.get_by_role("button", name="Startsamtale holdt").click()
    assert info.value.status == 409
    expect(page.locator("#course-panel > .alert")).to_have_text(
        "Forløbet blev ændret af en anden, mens du skrev. Dine indtastninger er bevaret "
        "nedenfor; se de nye oplysninger og gem igen."
    )
    form = page.locator("form[action$='/steps/hold_intake']")
    expect(form.get_by_label("Borgerens egne mål")).to_have_value(GOALS)
    expect(form.get_by_role("radio", name="Videre til match")).to_be_checked()
    expect(page.locator(".facts-box")).to_contain_text("40 40 40 40")  # the new information
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Kontakt skabt")
    assert document_kept(page)

    # Having seen the change, the coordinator saves again.
    form.get_by_role("button", name="Startsamtale holdt").click()
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Venter på match")
    expect(page.locator(".facts .goals")).to_have_text(GOALS)
