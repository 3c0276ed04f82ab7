"""A volunteer on a phone logs a conversation from their home page in a tap or two."""

import re

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


def conversations_on_card(card):
    text = card.locator(".meta").inner_text()
    return int(re.search(r"(\d+) samtale", text).group(1))


def count_logged(app, course_id):
    with app.app_context():
        return Conversation.select().where(Conversation.course == course_id).count()


def test_log_a_conversation_in_at_most_three_taps(phone, live_server, kit, users):
    course_id = kit.to(flow.ACTIVE)
    login(phone, live_server.url, users["volunteer"].email)
    phone.goto(f"{live_server.url}/me/")  # the home page; taps are counted from here
    card = phone.locator(f"#course-{course_id}")
    expect(card).to_contain_text("Gerda")
    before = conversations_on_card(card)
    assert before == 0

    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.tap()

    mark_document(phone)
    tap(card.get_by_role("button", name="Telefon", exact=True))
    # Said in the page's lasting live region, so a screen reader announces it too.
    status = phone.locator("#messages[role=status]")
    expect(status).to_have_text(re.compile(r"Samtalen er registreret: .*\d{4}, Telefon\."))
    expect(phone.locator(".flash")).to_have_count(1)
    expect(card.locator(".meta")).to_contain_text(re.compile(r"\b1 samtale\b"))  # not "samtaler"
    assert conversations_on_card(card) == before + 1
    assert taps <= 3
    assert document_kept(phone), "logging a conversation reloaded the whole page"
    assert count_logged(live_server.app, course_id) == 1


def test_a_double_tap_logs_once(phone, live_server, kit, users):
    course_id = kit.to(flow.ACTIVE)
    login(phone, live_server.url, users["volunteer"].email)
    card = phone.locator(f"#course-{course_id}")
    key = card.locator("input[name=submission_key]")
    expect(key).to_have_value(re.compile(r".{16,}"))

    # A slow connection: the first tap's request is held while the finger taps again.
    held = []
    phone.route("**/conversations", lambda route: held.append(route))
    box = card.get_by_role("button", name="Hjemme", exact=True).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    phone.touchscreen.tap(x, y)
    phone.touchscreen.tap(x, y)
    expect(card.get_by_role("button", name="Hjemme", exact=True)).to_be_disabled()
    for _ in range(100):
        if held:
            break
        phone.wait_for_timeout(20)
    assert held, "the tap sent no request"
    for route in held:
        route.continue_()
    phone.unroute("**/conversations")
    expect(card.locator(".meta")).to_contain_text(re.compile(r"\b1 samtale\b"))
    expect(phone.locator("#messages")).to_contain_text("Samtalen er registreret")
    assert count_logged(live_server.app, course_id) == 1

    # Even when both presses reach the server (no script, a retried request), the form's
    # submission key makes the second one a no-op.
    statuses = phone.evaluate(
        """async (courseId) => {
            const form = document.querySelector(`#course-${courseId} form.quick-log`);
            const send = () => {
                const data = new FormData(form);
                data.set("mode", "outside");
                return fetch(form.action, {method: "POST", body: data});
            };
            const responses = await Promise.all([send(), send()]);
            return responses.map((r) => r.status);
        }""",
        course_id,
    )
    assert statuses == [200, 200]
    assert count_logged(live_server.app, course_id) == 2
    phone.reload()
    expect(card.locator(".meta")).to_contain_text("2 samtaler")
