"""axe-core (WCAG 2.1 A and AA) on the main pages, on a phone and on a wide screen, and no
sideways scrolling on the phone."""

import pytest
from playwright.sync_api import expect

from trivsel.demo.loader import DEMO_PASSWORD

from .conftest import AXE, login, logout

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 360

pytestmark = pytest.mark.browser


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})""", WCAG
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


class Audit:
    """A page in a context sized as a phone or a desktop, and the violations found on it by
    name: axe on the page as shown, and on the phone no sideways scrolling (WCAG 1.4.10)."""

    def __init__(self, new_context, width, height):
        self.phone = width == PHONE_WIDTH
        # axe is injected as an inline script, which the app's Content-Security-Policy forbids.
        self.page = new_context(
            viewport={"width": width, "height": height},
            is_mobile=self.phone,
            has_touch=self.phone,
            bypass_csp=True,
        ).new_page()
        self.found = {}

    def check(self, name):
        violations = axe_violations(self.page)
        if self.phone and not no_sideways_scroll(self.page):
            violations.append(f"the page scrolls sideways at {PHONE_WIDTH} px")
        if violations:
            self.found[name] = violations


@pytest.mark.parametrize("width,height", [(PHONE_WIDTH, 740), (1440, 900)], ids=["360", "1440"])
def test_pages_pass_axe(new_context, live_server, demo, width, height):
    audit = Audit(new_context, width, height)
    page, check, found = audit.page, audit.check, audit.found
    base = live_server.url

    page.goto(f"{base}/login")
    check("login")

    login(page, base, "koordinator@trivsel.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik")
    check("dashboard")

    page.goto(f"{base}/courses")
    expect(page.locator("table.courses")).to_be_visible()
    check("course list")

    # Jens: intake scheduled, so the page holds open step forms as well as facts and timeline.
    page.get_by_role("searchbox", name="Søg på navn eller nummer").fill("Jens")  # posted
    expect(page.locator("table.courses tbody tr")).to_have_count(1)
    page.locator("table.courses a", has_text="Jens").click()
    expect(page.locator("#course-panel .page-head .badge")).to_have_text("Startsamtale aftalt")
    check("course page")
    page.locator("form[action$='/steps/hold_intake']").get_by_role("button").click()
    expect(page.locator("#course-panel .error").first).to_be_visible()
    check("course page with errors")

    page.goto(f"{base}/inquiries/new")
    check("new inquiry")
    page.get_by_label("Fødselsår").fill("1800")
    page.get_by_role("textbox", name="E-mail").fill("ikke en adresse")
    page.get_by_role("button", name="Registrér henvendelse").click()
    expect(page.locator(".error").first).to_be_visible()
    check("new inquiry with errors")

    logout(page)
    login(page, base, "mona@trivsel.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine forløb")
    check("volunteer home")

    assert not found, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)
