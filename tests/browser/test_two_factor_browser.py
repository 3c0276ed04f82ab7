"""Two-factor login in a real browser, on a 360 px phone: a coordinator's first login sets up
the app (the key read from the page), then logs in with a code, then with a recovery code."""

import re

import pyotp
import pytest
from conftest import PASSWORD, CsrfClient, app_config, make_user
from playwright.sync_api import expect

from trivsel import create_app
from trivsel.core.db import database
from trivsel.schema import prepare_database
from trivsel.twofactor import service

from .conftest import AXE, logout

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def app(tmp_path, plugins_dir):
    """The app as in production: two-factor required for coordinators."""
    app = create_app(app_config(tmp_path, plugins_dir, REQUIRE_TWO_FACTOR=True))
    app.test_client_class = CsrfClient
    with app.app_context():
        prepare_database()
    yield app
    if not database.is_closed():
        database.close()


class Clock:
    """The server's clock for codes: a code is good once, so each login moves a step on."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now

    def tick(self):
        self.now += service.STEP_SECONDS


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(service, "clock", clock)  # the live server runs in this process
    return clock


@pytest.fixture
def phone(new_context):
    return new_context(**PHONE).new_page()


@pytest.fixture
def coordinator(app):
    with app.app_context():
        return make_user("coordinator", "Birgit Holm")


def password_step(page, base_url, email):
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_enrol_then_log_in_with_a_code_then_with_a_recovery_code(
    phone, live_server, coordinator, clock
):
    base = live_server.url
    violations = []
    phone.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # The first login: the password, then setting the app up.
    password_step(phone, base, coordinator.email)
    phone.wait_for_url("**/login/two-factor/setup")
    expect(phone.get_by_role("heading", name="Sæt totrinsbekræftelse op")).to_be_visible()
    qr = phone.get_by_role("img", name="QR-kode til godkendelsesappen")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the data: URI drew
    assert fits_the_screen(phone)
    secret = phone.locator("#twofactor-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    totp = pyotp.TOTP(secret)
    code_field = phone.get_by_label("Kode fra din app")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    code_field.fill(totp.at(clock.now))
    phone.get_by_role("button", name="Bekræft").click()

    expect(phone.get_by_role("heading", name="Dine gendannelseskoder")).to_be_visible()
    codes = phone.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    assert fits_the_screen(phone)
    phone.get_by_role("link", name="Jeg har gemt koderne. Fortsæt").click()
    phone.wait_for_url("**/dashboard")
    logout(phone)

    # The next login: the password, then a code from the app.
    clock.tick()
    password_step(phone, base, coordinator.email)
    phone.wait_for_url("**/login/two-factor")
    phone.get_by_label("Kode fra din app").fill(totp.at(clock.now))
    phone.get_by_role("button", name="Log ind").click()
    phone.wait_for_url("**/dashboard")
    logout(phone)

    # Without the phone: a recovery code, once.
    password_step(phone, base, coordinator.email)
    phone.wait_for_url("**/login/two-factor")
    phone.get_by_role("link", name="Brug en gendannelseskode").click()
    phone.wait_for_url("**/login/two-factor/recovery")
    phone.get_by_label("Gendannelseskode").fill(codes[0])
    phone.get_by_role("button", name="Log ind").click()
    phone.wait_for_url("**/dashboard")
    expect(phone.locator("#messages")).to_contain_text("Du har 9 gendannelseskoder tilbage.")
    logout(phone)

    password_step(phone, base, coordinator.email)
    phone.wait_for_url("**/login/two-factor")
    phone.get_by_role("link", name="Brug en gendannelseskode").click()
    phone.get_by_label("Gendannelseskode").fill(codes[0])
    phone.get_by_role("button", name="Log ind").click()
    expect(phone.locator(".error")).to_contain_text("allerede brugt")
    assert "/dashboard" not in phone.url
    assert violations == []


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})""", WCAG
    )
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]


def test_the_pages_pass_axe_on_a_phone(new_context, live_server, coordinator, clock):
    # axe is injected as an inline script, which the app's Content-Security-Policy forbids.
    page = new_context(**PHONE, bypass_csp=True).new_page()
    base = live_server.url
    found = {}

    def check(name):
        violations = axe_violations(page)
        if not fits_the_screen(page):
            violations.append("the page scrolls sideways at 360 px")
        if violations:
            found[name] = violations

    password_step(page, base, coordinator.email)
    page.wait_for_url("**/login/two-factor/setup")
    check("setup")
    secret = page.locator("#twofactor-secret").inner_text().replace(" ", "")
    page.get_by_label("Kode fra din app").fill("000000")
    page.get_by_role("button", name="Bekræft").click()
    expect(page.locator(".error")).to_be_visible()
    check("setup with an error")
    page.get_by_label("Kode fra din app").fill(pyotp.TOTP(secret).at(clock.now))
    page.get_by_role("button", name="Bekræft").click()
    expect(page.locator("#recovery-codes")).to_be_visible()
    check("recovery codes")
    page.goto(f"{base}/account/two-factor")
    check("settings")
    logout(page)
    password_step(page, base, coordinator.email)
    page.wait_for_url("**/login/two-factor")
    check("verify")
    page.goto(f"{base}/login/two-factor/recovery")
    check("recover")
    assert not found, found
