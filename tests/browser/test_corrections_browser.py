"""On a 360 px phone: the undo toast after a one-tap log, and correcting a conversation."""

import pytest
from playwright.sync_api import expect

from trivsel.courses import flow
from trivsel.courses.models import Conversation

from .conftest import document_kept, login, mark_document

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(new_context):
    return new_context(**PHONE).new_page()


def conversations(app, course_id):
    with app.app_context():
        return list(Conversation.select().where(Conversation.course == course_id))


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_undo_toast_takes_a_mistaken_tap_back(phone, live_server, kit, users):
    course_id = kit.to(flow.ACTIVE)
    login(phone, live_server.url, users["volunteer"].email)
    phone.goto(f"{live_server.url}/me/")
    card = phone.locator(f"#course-{course_id}")
    mark_document(phone)
    card.get_by_role("button", name="Hjemme", exact=True).tap()

    toast = phone.locator("#undo-toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Samtale registreret")
    undo = toast.get_by_role("button", name="Fortryd")
    expect(undo).to_be_visible()
    assert fits_the_width(phone)
    assert len(conversations(live_server.app, course_id)) == 1

    undo.tap()
    expect(phone.locator("#messages")).to_contain_text("Fortrudt: samtalen")
    expect(phone.locator("#undo-toast")).to_have_count(0)
    expect(card.locator(".meta")).to_contain_text("0 samtaler")
    assert document_kept(phone), "the undo reloaded the whole page"
    assert conversations(live_server.app, course_id) == []


def test_the_undo_toast_goes_after_30_seconds(phone, live_server, kit, users):
    course_id = kit.to(flow.ACTIVE)
    login(phone, live_server.url, users["volunteer"].email)
    phone.goto(f"{live_server.url}/me/")
    # Run the page's animations 200 times faster: the 30 seconds pass in a fraction of one.
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Animation.enable")
    phone.locator(f"#course-{course_id}").get_by_role("button", name="Telefon", exact=True).tap()
    toast = phone.locator("#undo-toast")
    expect(toast).to_be_visible()
    cdp.send("Animation.setPlaybackRate", {"playbackRate": 200})
    expect(toast).to_be_hidden(timeout=5000)
    # The conversation stays logged; only the offer to undo it went.
    assert len(conversations(live_server.app, course_id)) == 1


def test_a_volunteer_corrects_a_conversation_on_a_phone(phone, live_server, kit, users):
    course_id = kit.to(flow.ACTIVE)
    login(phone, live_server.url, users["volunteer"].email)
    phone.goto(f"{live_server.url}/me/")
    card = phone.locator(f"#course-{course_id}")
    card.get_by_role("button", name="Hjemme", exact=True).tap()
    expect(phone.locator("#undo-toast")).to_be_visible()

    card.get_by_role("link", name="Ret eller fjern en samtale").tap()
    expect(phone.get_by_role("heading", name="Dine samtaler de sidste 14 dage")).to_be_visible()
    phone.get_by_role("link", name="Ret samtalen").first.tap()
    expect(phone.get_by_role("heading", name="Ret samtale", level=1)).to_be_visible()
    assert fits_the_width(phone)
    expect(phone.get_by_role("radio", name="Hjemme")).to_be_checked()
    phone.get_by_role("radio", name="Telefon").check()
    phone.get_by_role("button", name="Gem rettelsen").tap()

    expect(phone).to_have_url(f"{live_server.url}/me/")
    expect(phone.locator("#messages")).to_contain_text("Samtalen er rettet.")
    [conversation] = conversations(live_server.app, course_id)
    assert conversation.mode == "phone"
