"""The three partner plugins in plugins/ in a real browser: the rehabilitation department refers
a citizen and follows only the status, the youth branch's form makes a youth inquiry, and the
directory searches with htmx while association staff keep only their own offers. axe on the
partner pages, on a phone and on a wide screen."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.courses.models import Course
from trivsel.demo.loader import DEMO_PASSWORD
from trivsel.directory.models import Offer
from trivsel.referrals.models import Referral

from .conftest import document_kept, login, logout, mark_document
from .test_accessibility import PHONE_WIDTH, Audit
from .test_course_flow import take_step

pytestmark = pytest.mark.browser

CONTACT = "Lise Holm, tlf. 72 10 60 01"
REHAB_FORM = "Henvisning fra genoptræningen"
YOUTH_FORM = "Henvisning til Brobygning (unge voksne)"
YOUTH_BRANCH = "TrivselsPiloter Brobygning"


@pytest.fixture
def plugins_dir():
    """The real partner plugins: rehabilitation, youth_bridge, associations."""
    return ROOT / "plugins"


@pytest.fixture
def rehab(app, users):
    """The partner user belongs to the rehabilitation department, whose contact is set."""
    app.config["REHABILITATION"] = {"contact": CONTACT}
    with app.app_context():
        User.update(organisation="rehabilitation").where(User.id == users["partner"].id).execute()
    return users


def day(value):
    """A date as the pages show it ("26. nov. 2026")."""
    return format_date(value, "medium", locale="da")


def fact(scope, term):
    """The <dd> after the <dt> with exactly this text."""
    return scope.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def open_form(page, title):
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Henvisninger"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Henvisninger")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def send(page, status):
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.get_by_role("button", name="Send henvisningen").click()
    assert info.value.status == status, info.value.text()


def test_a_rehabilitation_referral_from_form_to_first_contact(
    page, new_context, live_server, rehab
):
    base = live_server.url
    partner = rehab["partner"]
    ends_on = date.today() + timedelta(days=30)

    # The department's physiotherapist refers Gerda, forgetting the consent to pass on her
    # contact data and ticking nothing for the special considerations.
    login(page, base, partner.email)
    open_form(page, REHAB_FORM)
    page.get_by_label("Dit navn").fill("Susanne Berg")
    page.get_by_label("Din afdeling").fill("Træningsenheden Nord")
    page.get_by_label("Dit telefonnummer").fill("72 10 60 00")
    page.get_by_label("Din reference").fill("SB-17")
    page.get_by_label("Borgerens navn").fill("Gerda Hansen")
    page.get_by_label("Borgerens telefonnummer").fill("75 55 66 77")
    page.get_by_role("radio", name="Ordningen ringer til borgeren").check()
    page.get_by_role("textbox", name="Særlige hensyn", exact=True).fill("Begyndende demens")
    page.get_by_label("Dato for afslutning af det kommunale forløb").fill(ends_on.isoformat())
    send(page, 422)

    expect(page.locator(".referral-form > .alert")).to_have_text(
        "Ret de markerede felter. Intet er gemt endnu."
    )
    expect(page.locator("#share_contact-error")).to_have_text(
        "Borgeren skal have sagt ja til, at kontaktoplysningerne gives videre."
    )
    expect(page.locator("#considerations-error")).to_have_text(
        "Særlige hensyn må kun gives videre, når borgeren har sagt ja til det."
    )
    share = page.get_by_label("Borgeren har sagt ja til, at navn og telefon gives videre")
    expect(share).to_have_attribute("aria-invalid", "true")
    expect(share).to_have_attribute("aria-describedby", "share_contact-error")
    expect(page.locator(".field", has=share).locator(".error")).to_have_id("share_contact-error")
    # What was typed is kept.
    expect(page.get_by_label("Borgerens navn")).to_have_value("Gerda Hansen")
    expect(page.get_by_label("Din afdeling")).to_have_value("Træningsenheden Nord")
    expect(page.get_by_role("textbox", name="Særlige hensyn", exact=True)).to_have_value(
        "Begyndende demens"
    )
    expect(page.get_by_role("radio", name="Ordningen ringer til borgeren")).to_be_checked()
    expect(page.get_by_label("Dato for afslutning af det kommunale forløb")).to_have_value(
        ends_on.isoformat()
    )

    share.check()
    page.get_by_label("Borgeren har sagt ja til, at særlige hensyn gives videre").check()
    page.get_by_label("Borgeren har sagt ja til, at ordningen må kontakte mig").check()
    send(page, 303)
    expect(page).to_have_url(f"{base}/referrals/")
    expect(page.locator("#messages")).to_have_text("Tak. Henvisningen er modtaget.")
    rows = page.locator("table.referral-status tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td").last).to_have_text("Modtaget")
    expect(rows.locator("td.status-received")).to_have_count(1)
    course = Course.get()

    # The coordinator, on their own computer, finds her in the queue and makes the first call.
    coordinator = new_context().new_page()
    login(coordinator, base, rehab["coordinator"].email)
    queue = coordinator.locator("#queue-awaiting_contact")
    expect(queue.get_by_role("heading", level=2)).to_contain_text("Venter på første kontakt")
    queue.get_by_role("link", name=re.compile(r"Gerda Hansen")).click()
    expect(coordinator).to_have_url(f"{base}/courses/{course.id}")
    facts = coordinator.locator(".facts-box")
    expect(fact(facts, "Kommunalt forløb slutter")).to_contain_text(day(ends_on))
    expect(fact(facts, "Fast kontaktperson")).to_have_text(CONTACT)
    expect(fact(facts, "Henvist af")).to_have_text(
        "Susanne Berg, Træningsenheden Nord, tlf. 72 10 60 00"
    )
    expect(fact(facts, "Første opkald")).to_have_text("Ordningen ringer til borgeren")
    expect(fact(facts, "Særlige hensyn")).to_have_text("Begyndende demens")
    take_step(coordinator, "first_contact", "Første kontakt", "Kontakt skabt")
    expect(fact(facts, "Første kontakt")).to_have_text(day(date.today()))

    # The referrer reloads the status view: first contact made, with the date, and nothing more.
    page.reload()
    expect(rows).to_have_count(1)
    cells = rows.locator("td")
    expect(cells).to_have_text(
        [
            f"SB-17 nr. {Referral.get(Referral.course == course.id).id}",
            re.compile(rf"^{re.escape(day(date.today()))}, \d\d\.\d\d$"),  # when it was sent
            REHAB_FORM,
            f"Første kontakt skabt (første kontakt {day(date.today())})",
        ]
    )
    expect(page.locator("table.referral-status th")).to_have_text(
        ["Din reference", "Sendt", "Formular", "Status"]
    )
    text = page.locator("main").inner_text()
    for secret in [
        "Gerda",
        "Hansen",
        "75 55 66 77",
        "demens",
        "Træningsenheden",
        day(ends_on),
        rehab["coordinator"].name,
        "Kontakt skabt",
    ]:
        assert secret not in text, secret


def test_the_youth_form_makes_a_youth_branch_inquiry(page, new_context, live_server, kit, rehab):
    base = live_server.url
    this_year = date.today().year
    kit.as_("coordinator")
    kit.inquiry(name="Gerda")  # a main-branch course, for the branch filter to leave out

    login(page, base, rehab["partner"].email)
    open_form(page, YOUTH_FORM)
    page.get_by_label("Dit navn").fill("Ida Friis")
    page.get_by_label("Din arbejdsplads").fill("Jobcentret")
    page.get_by_label("Dit telefonnummer").fill("70 00 00 00")
    page.get_by_label("Den unges navn").fill("Jonas Lund")
    page.get_by_label("Den unges e-mail").fill("jonas@example.org")
    page.get_by_label("Fødselsår").fill("1950")
    page.get_by_role("radio", name="Borgeren ringer selv").check()
    page.get_by_label("Den unge har sagt ja til, at kontaktoplysningerne gives videre").check()
    send(page, 422)
    expect(page.locator("#birth_year-error")).to_have_text(
        "Brobygning er for unge voksne: skriv et fødselsår mellem "
        f"{this_year - 35} og {this_year - 15}."
    )
    expect(page.get_by_label("Den unges navn")).to_have_value("Jonas Lund")
    page.get_by_label("Fødselsår").fill(str(this_year - 22))
    send(page, 303)
    expect(page.locator("#messages")).to_have_text("Tak. Henvisningen er modtaget.")
    expect(page.locator("table.referral-status tbody tr")).to_have_count(1)

    coordinator = new_context().new_page()
    login(coordinator, base, rehab["coordinator"].email)
    coordinator.goto(f"{base}/courses")
    course_links = coordinator.locator("table.courses tbody td:first-child a")
    expect(course_links).to_have_count(2)
    # The list's form is posted (its search term stays out of URLs); the address bar then
    # shows the filter.
    with coordinator.expect_response(
        lambda r: r.request.method == "POST" and "branch=youth" in (r.request.post_data or "")
    ) as info:
        coordinator.get_by_label("Del af ordningen").select_option(label=YOUTH_BRANCH)
    assert info.value.request.headers.get("hx-request") == "true"
    expect(course_links).to_have_count(1)
    expect(coordinator).to_have_url(re.compile(r"/courses\?branch=youth$"))
    expect(course_links).to_contain_text("Jonas Lund")
    course_links.first.click()
    facts = coordinator.locator(".facts-box")
    expect(fact(facts, "Del af ordningen")).to_have_text(YOUTH_BRANCH)
    expect(fact(facts, "Målgruppe")).to_have_text("Ung voksen")
    # Any partner may use the form; the referral records the referrer's own organisation.
    expect(fact(facts, "Fra")).to_have_text("Kommunens genoptræning")
    expect(fact(facts, "Henvist af")).to_have_text("Ida Friis, Jobcentret, tlf. 70 00 00 00")
    assert Course.get(Course.branch == "youth").target_group == "young_adult"


def search_response(page, fragment):
    return page.expect_response(lambda r: "/directory/?" in r.url and fragment in r.url)


def assert_htmx(response):
    headers = response.request.headers
    assert headers.get("hx-request") == "true"
    assert "hx-boosted" not in headers
    assert response.status == 200


def test_the_directory_searches_in_place_and_staff_keep_their_own(
    page, new_context, live_server, demo
):
    base = live_server.url
    names = page.locator("#offer-results .offer-name")

    login(page, base, "mona@trivsel.example", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Tilbud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilbud efter forløbet")
    expect(names).to_have_count(4)
    expect(page.locator("#offer-count")).to_have_text("4 tilbud")

    mark_document(page)
    with search_response(page, "q=computer") as info:
        page.get_by_role("searchbox", name="Søg").fill("computer")
    assert_htmx(info.value)
    expect(names).to_have_text(["Computerundervisning for begyndere"])
    expect(page.locator("#offer-count")).to_have_text("1 tilbud")
    expect(page).to_have_url(re.compile(r"/directory/\?q=computer"))
    assert document_kept(page), "the search reloaded the whole page"

    with search_response(page, "q=&") as info:
        page.get_by_role("searchbox", name="Søg").fill("")
    expect(names).to_have_count(4)
    with search_response(page, "category=exercise") as info:
        page.get_by_label("Kategori").select_option(label="Motion og gåture")
    assert_htmx(info.value)
    expect(names).to_have_text(["Gå-hold langs volden"])
    assert document_kept(page), "the filter reloaded the whole page"
    # A volunteer edits nothing.
    expect(page.get_by_role("link", name=re.compile("^Ret tilbuddet"))).to_have_count(0)

    # Ældresagen's staff: their two offers have an edit link, the Frivilligcenter's do not.
    staff = new_context().new_page()
    login(staff, base, "forening@trivsel.example", DEMO_PASSWORD)
    staff.goto(f"{base}/directory/")
    edit_links = staff.locator("#offer-results").get_by_role(
        "link", name=re.compile("^Ret tilbuddet")
    )
    expect(edit_links).to_have_count(2)
    others = staff.locator("li.offer", has_text="Ungdomsnetværk")
    expect(others).to_have_count(1)
    expect(others.get_by_role("link")).to_have_count(0)
    mine = staff.get_by_role("region", name="Jeres egne tilbud")
    expect(mine.get_by_role("link")).to_have_text(
        ["Computerundervisning for begyndere", "Gå-hold langs volden"]
    )

    staff.get_by_role("link", name="Ret tilbuddet Gå-hold langs volden").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Gå-hold langs volden")
    staff.get_by_label("Hvornår").fill("Torsdage kl. 10.30")
    staff.get_by_role("button", name="Gem").click()
    expect(staff).to_have_url(f"{base}/directory/")
    expect(staff.locator("#messages")).to_have_text("Tilbuddet er gemt.")
    walk = staff.locator("li.offer", has_text="Gå-hold langs volden")
    expect(fact(walk, "Hvornår")).to_have_text("Torsdage kl. 10.30")

    # Another organisation's offer cannot be opened for editing, even by its address.
    other = Offer.get(Offer.name == "Ungdomsnetværk")
    response = staff.goto(f"{base}/directory/{other.id}")
    assert response.status == 403
    expect(staff.get_by_role("heading", level=1)).to_have_text("Du har ikke adgang til denne side.")
    assert Offer.get_by_id(other.id).schedule == "Onsdage kl. 17-20"


def test_the_directory_pages_on_a_phone_and_a_search_starts_again_at_page_one(
    new_context, live_server, demo
):
    from trivsel.directory import service as directory

    from .test_every_page import TAP_TARGETS, TARGET

    # Beyond one page of offers: 26 more from one association, by name after the demo's.
    for i in range(26):
        Offer.create(
            hsds_id=directory.new_id(),
            source="local",
            organisation_name="Øvrige foreninger",
            name=f"Strikkeklub {i:02}",
            area="Fredericia",
        )
    audit = Audit(new_context, PHONE_WIDTH, 740)
    page, base = audit.page, live_server.url
    names = page.locator("#offer-results .offer-name")
    login(page, base, "mona@trivsel.example", DEMO_PASSWORD)
    page.goto(f"{base}/directory/")
    expect(page.locator("#offer-count")).to_have_text("30 tilbud")
    expect(names).to_have_count(25)
    pager = page.get_by_role("navigation", name="Sider")
    assert page.evaluate(TAP_TARGETS, TARGET) == []
    pager.get_by_role("link", name="Næste side").click()
    expect(page).to_have_url(re.compile(r"/directory/\?page=2$"))
    expect(names).to_have_text(
        ["Strikkeklub 21", "Strikkeklub 22", "Strikkeklub 23", "Strikkeklub 24", "Strikkeklub 25"]
    )
    expect(pager.get_by_role("link", name="Forrige side")).to_be_visible()
    audit.check("directory, page 2")
    assert audit.found == {}
    # A search from page 2 shows its first page, in place, and finds an offer from page 2.
    mark_document(page)
    with search_response(page, "q=strikkeklub") as info:
        page.get_by_role("searchbox", name="Søg").fill("strikkeklub 24")
    assert_htmx(info.value)
    expect(names).to_have_text(["Strikkeklub 24"])
    expect(page.locator("#offer-count")).to_have_text("1 tilbud")
    expect(pager).to_have_count(0)
    assert document_kept(page), "the search reloaded the whole page"


@pytest.mark.parametrize("width,height", [(PHONE_WIDTH, 740), (1440, 900)], ids=["360", "1440"])
def test_partner_pages_pass_axe(new_context, live_server, demo, width, height):
    audit = Audit(new_context, width, height)
    page, check, found = audit.page, audit.check, audit.found
    base = live_server.url

    login(page, base, "partner@trivsel.example", DEMO_PASSWORD)
    page.goto(f"{base}/referrals/")
    expect(page.locator("table.referral-status tbody tr").first).to_be_visible()
    check("status view")

    page.goto(f"{base}/referrals/rehabilitation")
    check("referral form")
    page.get_by_role("textbox", name="Særlige hensyn", exact=True).fill("Begyndende demens")
    send(page, 422)
    expect(page.locator(".error").first).to_be_visible()
    check("referral form with errors")

    page.goto(f"{base}/referrals/youth")
    page.get_by_label("Fødselsår").fill("1950")
    send(page, 422)
    expect(page.locator("#birth_year-error")).to_be_visible()
    check("youth form with errors")

    page.goto(f"{base}/directory/")
    check("directory")
    logout(page)

    login(page, base, "forening@trivsel.example", DEMO_PASSWORD)
    page.goto(f"{base}/directory/")
    with search_response(page, "q=g") as info:
        page.get_by_role("searchbox", name="Søg").fill("gå")
    assert info.value.ok
    expect(page.locator("#offer-results .offer-name").first).to_be_visible()
    check("directory with edit links, searched")

    assert not found, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)
