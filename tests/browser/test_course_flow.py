"""A coordinator walks one course through the whole flow in a real browser, with the volunteer
answering and logging a conversation on their own page in between."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import document_kept, login, logout, mark_document

TIMELINE = [
    "Henvendelse modtaget",
    "Første kontakt",
    "Aftal startsamtale",
    "Startsamtale holdt",
    "Foreslå frivillig",
    "Frivillig sagde ja",
    "Matchmøde holdt",
    "Afslut forløb",
    "Opfølgende samtale",
]

pytestmark = pytest.mark.browser


def step_form(page, action):
    return page.locator(f"#course-panel form[action$='/steps/{action}']")


def take_step(page, action, button, stage):
    """Press a step's button; the panel must be swapped by htmx, not the page reloaded."""
    mark_document(page)
    form = step_form(page, action)
    with page.expect_response(lambda r: r.url.endswith(f"/steps/{action}")) as info:
        form.get_by_role("button", name=button, exact=True).click()
    response = info.value
    headers = response.request.headers
    assert headers.get("hx-request") == "true"
    assert headers.get("hx-target") == "course-panel"
    assert "hx-boosted" not in headers
    assert response.status == 200, response.text()
    # The message goes to the page's lasting live region (so screen readers announce it),
    # replacing the one before: exactly one message shows.
    expect(page.locator("#messages")).to_have_text(f"Gemt: {button}.")
    expect(page.locator(".flash")).to_have_count(1)
    expect(page.locator("#course-panel .page-head .badge")).to_have_text(stage)
    assert document_kept(page), "the step post reloaded the whole page"


def expect_timeline(page, count):
    items = page.locator(".timeline li > span:not(.who)")
    expect(items).to_have_text(TIMELINE[:count])


def group(page, name):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(name)}"))


def test_one_course_from_inquiry_to_follow_up(page, live_server, people):
    base = live_server.url
    coordinator, volunteer = people["coordinator"], people["volunteer"]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    # The coordinator logs in and registers a phone call from Gerda.
    login(page, base, coordinator.email)
    expect(page).to_have_url(f"{base}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    menu.get_by_role("button", name="Forløb").click()  # the coordinator's menu is grouped
    menu.get_by_role("link", name="Ny henvendelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny henvendelse")
    page.get_by_role("radio", name="Telefon").check()
    page.get_by_role("radio", name="Borgeren selv").check()
    page.get_by_label("Navn eller alias").fill("Gerda")
    page.get_by_role("textbox", name="Telefon").fill("75 55 66 77")
    page.get_by_label("Fødselsår").fill("1945")
    page.get_by_label("Målgruppe").select_option(label="Ældre")
    page.get_by_role("button", name="Registrér henvendelse").click()

    # The course page.
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    course_url = page.url
    expect(page.locator("#messages")).to_contain_text(
        re.compile(r"Henvendelsen er registreret som forløb nr\. \d+\.")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gerda")
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Venter på første kontakt")
    expect_timeline(page, 1)

    take_step(page, "first_contact", "Første kontakt", "Kontakt skabt")
    expect_timeline(page, 2)

    step_form(page, "schedule_intake").get_by_label("Startsamtale, dato og tid").fill(
        f"{tomorrow}T10:00"
    )
    take_step(page, "schedule_intake", "Aftal startsamtale", "Startsamtale aftalt")
    expect_timeline(page, 3)

    intake = step_form(page, "hold_intake")
    intake.get_by_label("Borgerens egne mål").fill("Gå i Føtex selv")
    intake.get_by_role("radio", name="Videre til match").check()
    take_step(page, "hold_intake", "Startsamtale holdt", "Venter på match")
    expect_timeline(page, 4)
    expect(page.locator(".facts .goals")).to_have_text("Gå i Føtex selv")

    step_form(page, "propose").get_by_label("Frivillig").select_option(label=volunteer.name)
    take_step(page, "propose", "Foreslå frivillig", "Foreslået til frivillig")
    expect_timeline(page, 5)
    expect(page.locator("#course-panel")).to_contain_text("Venter på den frivilliges svar.")
    expect(page.locator("#course-panel")).to_contain_text(f"{volunteer.name}: Venter på svar")

    # The volunteer says yes on their own page.
    logout(page)
    login(page, base, volunteer.email)
    expect(page).to_have_url(f"{base}/me/")
    proposal = page.locator("article[id^=proposal-]")
    expect(proposal).to_contain_text("Gå i Føtex selv")
    proposal.get_by_role("radio", name="Ja, gerne").check()
    proposal.get_by_role("button", name="Send svar").click()
    expect(page.locator("#messages")).to_contain_text("Tak! Koordinatoren indkalder til matchmøde.")
    expect(page.get_by_role("heading", name="Venter på matchmøde")).to_be_visible()
    expect(page.locator("article[id^=proposal-]")).to_have_count(0)

    # The match meeting: both say yes.
    logout(page)
    login(page, base, coordinator.email)
    page.goto(course_url)
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Matchmøde")
    expect_timeline(page, 6)
    group(page, "Vil borgeren fortsætte?").get_by_label("Ja").check()
    group(page, "Vil den frivillige fortsætte?").get_by_label("Ja").check()
    take_step(page, "match_meeting_held", "Matchmøde holdt", "Aktivt forløb")
    expect_timeline(page, 7)
    expect(page.locator(".facts-box")).to_contain_text(volunteer.name)

    # The volunteer logs a conversation held at the citizen's home.
    logout(page)
    login(page, base, volunteer.email)
    card = page.locator("article[id^=course-]")
    expect(card).to_contain_text("Gerda")
    expect(card.locator(".meta")).to_contain_text("0 samtaler")
    card.get_by_role("button", name="Hjemme", exact=True).click()
    expect(page.locator("#messages")).to_have_text(
        re.compile(rf"Samtalen er registreret: .*{date.today().year}, Hjemme\.")
    )
    expect(page.locator(".flash")).to_have_count(1)
    expect(page.locator("article[id^=course-] .meta")).to_contain_text("1 samtale")

    # The coordinator closes the course and makes the follow-up call.
    logout(page)
    login(page, base, coordinator.email)
    page.goto(course_url)
    expect(page.locator(".facts-box")).to_contain_text(re.compile(r"Samtaler\s*1"))
    group(page, "Blev målene nået?").get_by_label("Ja").check()
    group(page, "Er der brug for mere støtte").get_by_label("Nej").check()
    step_form(page, "close").get_by_label("Tilbud borgeren er bygget bro til").fill(
        "Ældresagen: gåhold"
    )
    take_step(page, "close", "Afslut forløb", "Afsluttet, venter på opfølgning")
    expect_timeline(page, 8)
    expect(page.locator(".facts-box")).to_contain_text("Ældresagen: gåhold")

    group(page, "Følte borgeren sig set og hørt?").get_by_label("Ja").check()
    group(page, "Livskvaliteten er").get_by_label("Bedre").check()
    group(page, "Kontakt til et andet frivilligt tilbud").get_by_label("Ja").check()
    take_step(page, "follow_up", "Opfølgende samtale", "Afsluttet og fulgt op")
    expect_timeline(page, 9)
    expect(page.locator("#course-panel")).to_contain_text(
        "Forløbet er slut. Der er ingen flere trin."
    )
    expect(page.locator("#course-panel form")).to_have_count(0)
