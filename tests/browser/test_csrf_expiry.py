"""A page left open longer than its security token lasts: pressing the button keeps what was
typed and says so in Danish, and pressing it again saves."""

import re

import pytest
from itsdangerous import TimestampSigner
from playwright.sync_api import expect

from trivsel.courses import flow

from .conftest import document_kept, login, mark_document

EXPIRED = (
    "Siden har været åben for længe, så sikkerhedsnøglen er udløbet. Intet er gemt endnu, "
    "og det du skrev er bevaret. Tryk på knappen igen for at gemme."
)
GOALS = "Turde gå til lægen alene"

pytestmark = pytest.mark.browser


class Clock:
    """Seconds added to the clock itsdangerous stamps and checks the tokens with (the server
    runs in this process), so the page is left open without waiting."""

    offset = 0


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(Clock, "offset", 0)
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now(self) + Clock.offset)


def leave_page_open(app):
    """Tokens last a minute here; the page then stays open for a minute and a second on the
    tokens' clock, and the fresh token has a whole minute for the second press. (The session
    lasts hours, so it outlives the jump.)"""
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    Clock.offset += 61


def sent_token(request):
    match = re.search(r"csrf_token=([^&]+)", request.post_data or "")
    return match.group(1) if match else request.headers.get("x-csrftoken")


def test_expired_token_on_a_step_keeps_the_form_and_saves_on_the_second_press(
    page, live_server, kit, users
):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    login(page, live_server.url, users["coordinator"].email)
    page.goto(f"{live_server.url}/courses/{course_id}")
    form = page.locator("form[action$='/steps/hold_intake']")
    form.get_by_label("Borgerens egne mål").fill(GOALS)
    form.get_by_role("radio", name="Videre til match").check()
    mark_document(page)
    leave_page_open(live_server.app)

    button = form.get_by_role("button", name="Startsamtale holdt")
    with page.expect_response(lambda r: r.url.endswith("/steps/hold_intake")) as first:
        button.click()
    assert first.value.status == 400
    expect(page.locator("#messages [role=alert]")).to_have_text(EXPIRED)
    expect(form.get_by_label("Borgerens egne mål")).to_have_value(GOALS)
    expect(form.get_by_role("radio", name="Videre til match")).to_be_checked()
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Startsamtale aftalt")
    expect(button).to_be_enabled()
    assert document_kept(page)

    with page.expect_response(lambda r: r.url.endswith("/steps/hold_intake")) as second:
        button.click()
    assert second.value.status == 200
    assert sent_token(second.value.request) != sent_token(first.value.request)
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Venter på match")
    expect(page.locator(".facts .goals")).to_have_text(GOALS)
    # Saved now: the message about the expired key gives way to the one saying so.
    expect(page.locator("#messages")).to_have_text("Gemt: Startsamtale holdt.")
    assert document_kept(page)


def test_expired_token_on_the_inquiry_form_keeps_the_form(page, live_server, users):
    login(page, live_server.url, users["coordinator"].email)
    page.goto(f"{live_server.url}/inquiries/new")
    page.get_by_role("radio", name="E-mail").check()
    page.get_by_role("radio", name="Pårørende").check()
    page.get_by_label("Navn eller alias").fill("Søren")
    page.get_by_role("textbox", name="E-mail").fill("soeren@example.org")
    leave_page_open(live_server.app)

    button = page.get_by_role("button", name="Registrér henvendelse")
    with page.expect_response(lambda r: r.url.endswith("/inquiries/new")) as first:
        button.click()
    assert first.value.status == 400
    expect(page.locator("#messages [role=alert]")).to_have_text(EXPIRED)
    expect(page.get_by_label("Navn eller alias")).to_have_value("Søren")
    expect(page.get_by_role("textbox", name="E-mail")).to_have_value("soeren@example.org")
    expect(page.get_by_role("radio", name="Pårørende")).to_be_checked()

    button.click()
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    expect(page.locator("#messages")).to_contain_text("Henvendelsen er registreret")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Søren")
