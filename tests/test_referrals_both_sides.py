"""Referrals that make sense to both sides: the referrer's form is prefilled with their work
contact, carries their own case reference (never a CPR number), and their status list shows
it, paged and searchable; the coordinator sees the incoming referrals, the queues mark them,
and the consent to contact the referrer is shown where the coordinator calls."""

import re
from datetime import datetime, timedelta

import pytest
from conftest import make_user
from flowkit import days_ago

from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Course
from trivsel.privacy.models import Consent
from trivsel.referrals.forms import looks_like_cpr
from trivsel.referrals.models import Referral, ReferrerContact


@pytest.fixture
def plugins_dir():
    return ROOT / "plugins"


REHAB = {
    "referrer_name": "Susanne Berg",
    "referrer_department": "Genoptræningen Nord",
    "referrer_phone": "72 10 60 00",
    "citizen_name": "Gerda Hansen",
    "citizen_phone": "75 55 66 77",
    "first_call": "scheme",
    "share_contact": "y",
}


def belong(user, organisation):
    User.update(organisation=organisation).where(User.id == user.id).execute()


def refer(kit, key="rehabilitation", **fields):
    data = dict(REHAB) | fields
    return kit.client.post(f"/referrals/{key}", data={k: v for k, v in data.items() if v})


@pytest.fixture
def partner(app, kit, users):
    belong(users["partner"], "rehabilitation")
    kit.as_("partner")
    return users["partner"]


def value_of(page, name):
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


# --- The form: prefilled, the case reference, the consent ---------------------------------


def test_the_form_is_prefilled_with_the_professionals_work_contact(kit, partner):
    page = kit.client.get("/referrals/rehabilitation").get_data(as_text=True)
    assert value_of(page, "referrer_name") == "Susanne Berg"  # from the account
    assert value_of(page, "referrer_department") == ""  # nothing typed yet
    assert refer(kit, referrer_phone="72 10 60 99").status_code == 303
    page = kit.client.get("/referrals/rehabilitation").get_data(as_text=True)
    assert value_of(page, "referrer_name") == "Susanne Berg"
    assert value_of(page, "referrer_department") == "Genoptræningen Nord"
    assert value_of(page, "referrer_phone") == "72 10 60 99"
    # Editable: what is typed next time is what is sent, and remembered.
    assert refer(kit, referrer_department="Træningscentret").status_code == 303
    latest = Referral.select().order_by(Referral.id.desc()).get()
    assert latest.referrer_department == "Træningscentret"
    contact = ReferrerContact.get(ReferrerContact.user == partner.id)
    assert contact.department == "Træningscentret"
    # Another plugin's form uses the same field names: prefilled too.
    page = kit.client.get("/referrals/youth").get_data(as_text=True)
    assert value_of(page, "referrer_department") == "Træningscentret"


def test_a_coordinator_registering_a_referral_is_not_prefilled(kit, users):
    kit.as_("coordinator")
    page = kit.client.get("/referrals/youth").get_data(as_text=True)
    assert value_of(page, "referrer_name") == ""  # they type the caller's, not their own


def test_every_referral_form_offers_the_case_reference_and_the_consent(kit, partner):
    for key in ("rehabilitation", "youth"):
        page = kit.client.get(f"/referrals/{key}").get_data(as_text=True)
        assert 'name="case_reference"' in page, key
        assert 'name="contact_referrer"' in page, key
        assert "Skriv aldrig et CPR-nummer" in page
        # The reference comes right after the referrer's own fields.
        assert page.index('name="referrer_phone"') < page.index('name="case_reference"')
        assert page.index('name="case_reference"') < page.index('name="citizen_name"')


def test_the_case_reference_is_saved_with_the_referral(kit, partner):
    assert refer(kit, case_reference="  J-2031/17 AB ").status_code == 303
    assert Referral.get().case_reference == "J-2031/17 AB"


@pytest.mark.parametrize(
    "reference",
    [
        "0101901234",
        "010190-1234",
        "010190 1234",
        "0101 90 1234",
        "010190 - 1234",
        "010190–1234",  # an en dash, as a word processor makes it
        "Borger 010190-1234",
        "0 1 0 1 9 0 1 2 3 4",
    ],
)
def test_a_cpr_shaped_reference_is_refused_and_nothing_saved(kit, partner, reference):
    response = refer(kit, case_reference=reference)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="case_reference-error"' in page
    assert "Det ligner et CPR-nummer" in page
    assert "1234" not in page  # the number is not even shown back
    assert 'value="Gerda Hansen"' in page  # the rest of the input is kept
    assert Course.select().count() == 0
    assert Referral.select().count() == 0
    assert Consent.select().count() == 0
    assert ReferrerContact.select().count() == 0


def test_what_is_not_cpr_shaped_is_accepted():
    for reference in ("J-17", "SB", "2031-17", "12345", "123456789", "12345678901", "AB 12/34"):
        assert not looks_like_cpr(reference), reference
    assert looks_like_cpr("x0101901234y")


def test_the_case_reference_is_at_most_40_characters(kit, partner):
    response = refer(kit, case_reference="x" * 41)
    assert response.status_code == 422
    assert "Højst 40 tegn." in response.get_data(as_text=True)
    assert Referral.select().count() == 0
    assert refer(kit, case_reference="x" * 40).status_code == 303
    assert Referral.get().case_reference == "x" * 40


def test_the_consent_to_contact_the_referrer_is_recorded_on_every_form(kit, partner):
    assert refer(kit, contact_referrer="y").status_code == 303
    youth = {
        "referrer_name": "Ida",
        "referrer_department": "Jobcentret",
        "referrer_phone": "70 00 00 00",
        "citizen_name": "Jonas",
        "citizen_email": "jonas@example.org",
        "first_call": "citizen",
        "share_contact": "y",
    }
    assert kit.client.post("/referrals/youth", data=youth).status_code == 303
    given = {
        (c.source, c.given) for c in Consent.select().where(Consent.item == "contact_referrer")
    }
    assert given == {("referral:rehabilitation", True), ("referral:youth_bridge", False)}


# --- The partner's status list ------------------------------------------------------------


def make_thirty(kit):
    """Thirty referrals J-001 … J-030, sent a day apart (J-030 the newest)."""
    for n in range(1, 31):
        assert refer(kit, case_reference=f"J-{n:03d}").status_code == 303
    start = datetime(2031, 1, 1, 9, 0)
    for referral in Referral.select():
        n = int(referral.case_reference[2:])
        Referral.update(created_at=start + timedelta(days=n)).where(
            Referral.id == referral.id
        ).execute()


def references(page):
    return re.findall(r'<td class="case-reference">(J-\d{3})', page)


def test_the_partners_list_is_paged_newest_first_with_reference_date_and_status(kit, partner):
    make_thirty(kit)
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert references(page) == [f"J-{n:03d}" for n in range(30, 5, -1)]  # 25 a page
    assert "31. jan. 2031" in page  # J-030's date sent
    assert page.count("status-received") == 25
    assert 'href="/referrals/?page=2"' in page
    second = kit.client.get("/referrals/?page=2").get_data(as_text=True)
    assert references(second) == ["J-005", "J-004", "J-003", "J-002", "J-001"]
    assert "?page=3" not in second


def test_a_partner_finds_one_referral_by_its_reference_among_thirty(kit, partner):
    make_thirty(kit)
    course = Referral.get(Referral.case_reference == "J-017").course_id
    kit.as_("coordinator")
    assert kit.step(course, flow.FIRST_CONTACT, contacted_on=days_ago(0)).status_code == 303
    kit.as_("partner")
    response = kit.client.post("/referrals/", data={"q": "j-017"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert references(page) == ["J-017"]
    assert "Første kontakt skabt" in page
    # As htmx: the rows alone; the address bar keeps no term.
    response = kit.client.post("/referrals/", data={"q": "J-01"}, headers={"HX-Request": "true"})
    assert references(response.get_data(as_text=True)) == [f"J-{n:03d}" for n in range(19, 9, -1)]
    assert response.headers["HX-Replace-Url"] == "/referrals/"
    assert "<h1>" not in response.get_data(as_text=True)
    # A term in a URL is dropped, never searched.
    response = kit.client.get("/referrals/?q=J-017")
    assert response.status_code == 303 and response.headers["Location"] == "/referrals/"
    none = kit.client.post("/referrals/", data={"q": "K-1"}).get_data(as_text=True)
    assert "Ingen af dine henvisninger har en reference" in none


def test_a_partner_of_another_organisation_sees_none_of_them(app, kit, partner):
    assert refer(kit, case_reference="J-001").status_code == 303
    other = make_user("partner", "Karin Dahl")
    belong(other, "aeldresagen")
    kit.auth.logout()
    kit.auth.login(other)
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert "J-001" not in page and "Du har ikke sendt nogen henvisninger endnu." in page
    found = kit.client.post("/referrals/", data={"q": "J-001"}).get_data(as_text=True)
    assert references(found) == [] and "Ingen af dine henvisninger" in found
    # Nor does the referrer after moving to another organisation.
    kit.auth.logout()
    belong(partner, "aeldresagen")
    kit.auth.login(partner)
    assert "J-001" not in kit.client.get("/referrals/").get_data(as_text=True)


# --- The coordinator: the incoming referrals, the queues, the first call --------------------


def test_the_coordinators_list_of_incoming_referrals(kit, partner):
    for reference in ("A-1", "B-2", "C-3"):
        assert refer(kit, case_reference=reference).status_code == 303
    start = datetime(2031, 1, 1, 9, 0)
    for n, referral in enumerate(Referral.select().order_by(Referral.id)):
        Referral.update(created_at=start + timedelta(days=n)).where(
            Referral.id == referral.id
        ).execute()
    newest = Referral.get(Referral.case_reference == "C-3").course_id
    kit.as_("coordinator")
    assert kit.step(newest, flow.FIRST_CONTACT, contacted_on=days_ago(0)).status_code == 303
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert "Indkomne henvisninger" in page
    # Waiting for first contact first (newest first), then the rest.
    assert re.findall(r'<td class="case-reference">([A-C]-\d)', page) == ["B-2", "A-1", "C-3"]
    row = page.split('<td class="case-reference">B-2')[0].rsplit("<tr", 1)[1]
    assert "Gerda Hansen" in row
    assert "Kommunens genoptræning" in row
    assert "Susanne Berg, Genoptræningen Nord, tlf. 72 10 60 00" in row
    assert "Ordningen ringer til borgeren" in page
    # The course page shows the reference to the coordinator too.
    course = kit.client.get(f"/courses/{newest}").get_data(as_text=True)
    assert '<dd class="case-reference">C-3</dd>' in course


def test_the_queues_mark_referred_inquiries(kit, partner):
    assert refer(kit).status_code == 303
    referred = Course.get().id
    kit.as_("coordinator")
    plain = kit.inquiry(name="Aase")
    page = kit.client.get("/dashboard").get_data(as_text=True)
    queue = page.split('id="queue-awaiting_contact"', 1)[1].split("</section>", 1)[0]
    rows = {
        course_id: next(r for r in queue.split("<tr")[1:] if f'/courses/{course_id}"' in r)
        for course_id in (referred, plain)
    }
    assert '<span class="badge referred">Henvist · Kommunens genoptræning</span>' in rows[referred]
    assert "badge referred" not in rows[plain]


def test_the_consent_to_contact_the_referrer_is_shown_where_the_coordinator_calls(kit, partner):
    assert refer(kit, contact_referrer="y", case_reference="J-9").status_code == 303
    yes = Course.get().id
    assert refer(kit, citizen_name="Aase").status_code == 303
    no = Course.select().order_by(Course.id.desc()).get().id
    kit.as_("coordinator")
    page = kit.client.get(f"/courses/{yes}").get_data(as_text=True)
    call = page.split('class="referral-call"', 1)[1].split("</div>", 1)[0]
    assert "Ja: borgeren har sagt ja til, at I må kontakte henviseren om borgeren." in call
    assert "Susanne Berg, Genoptræningen Nord, tlf. 72 10 60 00" in call
    assert "reference J-9" in call
    assert "Ordningen ringer til borgeren" in call
    page = kit.client.get(f"/courses/{no}").get_data(as_text=True)
    call = page.split('class="referral-call"', 1)[1].split("</div>", 1)[0]
    assert "Nej: borgeren har ikke sagt ja til, at I kontakter henviseren" in call
    # After the first contact the step is gone; the facts still say it.
    assert kit.step(yes, flow.FIRST_CONTACT, contacted_on=days_ago(0)).status_code == 303
    page = kit.client.get(f"/courses/{yes}").get_data(as_text=True)
    assert 'class="referral-call"' not in page
    assert "Ja: borgeren har sagt ja til, at I må kontakte henviseren om borgeren." in page


def test_erasing_the_personal_data_clears_the_case_reference(app, kit, partner):
    from trivsel.privacy.retention import erase_course

    assert refer(kit, case_reference="J-1").status_code == 303
    with app.app_context():
        assert erase_course(Course.get().id)
    assert Referral.get().case_reference is None
