"""Every page as every role on a 360 px phone: no sideways scrolling (WCAG 1.4.10), no serious
or critical axe-core violation, and on the volunteer's pages every tap target at least 44 by
44 px (WCAG 2.5.5).

The pages are found as a user finds them, never from a list here: every GET route of the URL
map that takes no argument, then the same-site links of each page, breadth first, and last the
routes with a row id with the first ids of their table (a page no link leads to yet). The
crawl runs in-process with the test client, logged in as the role; the browser then walks what
it found, logged in the same. Each route is walked at one address (a course's page at a few:
its stages differ), which keeps the walk short; a route the role may open that the crawl never
reached fails the test, so a new page is either linked or named in UNLINKED."""

import re
import time
from collections import deque
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from trivsel.core.auth import PUBLIC, allowed_roles
from trivsel.core.db import BaseModel
from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.courses.models import Course
from trivsel.demo.loader import DEMO_PASSWORD
from trivsel.directory.models import Offer

from .conftest import AXE, login

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    # axe is injected as an inline script, which the app's Content-Security-Policy forbids.
    "bypass_csp": True,
}
WIDTH = PHONE["viewport"]["width"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_PER_ENDPOINT = 1
# A course's page differs most from stage to stage (step forms, the suggestions).
MAX_FOR = {"courses.show": 4}
TARGET = 44  # px, WCAG 2.5.5
SKIPPED = ("/logout", "/static/")
# Routes no link leads to, by design: downloads, a calendar's secret feed, the steps of a
# login with a second factor (two-factor is off in the test app), the pages behind a token
# from an e-mail.
UNLINKED = {
    "calendar.feed",
    "twofactor.verify",
    "twofactor.recover",
    "twofactor.enrol",
    "invitations.accept",
    "invitations.reset",
    "privacy.export",
    "statistics.annual_csv",
    "statistics.annual_xlsx",
}
ROLES = {
    "coordinator": "koordinator@trivsel.example",
    "volunteer": "mona@trivsel.example",
    "partner": "partner@trivsel.example",
    "association": "forening@trivsel.example",
    "admin": "admin@trivsel.example",
}

pytestmark = pytest.mark.browser


@pytest.fixture
def plugins_dir():
    """The real partner plugins (the association's own pages, the referral forms)."""
    return ROOT / "plugins"


@pytest.fixture
def rich(app, demo):
    """The demo, and text that tends to push a phone's page wide: a long address and a
    long word in an offer, a long name on a course."""
    with app.app_context():
        offer = Offer.select().where(Offer.active == True).first()  # noqa: E712
        offer.url = "https://www.example.org/foreninger/aeldresagen/kolding/aktiviteter/gaa-ture?kilde=trivsel"
        offer.description = "Kommunikationsundervisningstilbudskoordinationsarbejdet " * 3
        offer.save()
        course = Course.select().where(Course.citizen.is_null(False)).order_by(Course.id).first()
        citizen = course.citizen
        citizen.name = "Marie-Louise Frederikke Vestergaard-Christiansen"
        citizen.save()


def endpoint_of(adapter, path, query):
    try:
        endpoint, _args = adapter.match(path, method="GET", query_args=query)
    except HTTPException:
        return None
    return endpoint


def crawl(app, client):
    """The HTML pages the logged-in client can reach, {url: endpoint}, and every endpoint
    reached (a redirect's too)."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href")
            if tag == "a" and href:
                self.hrefs.append(href)

    adapter = app.url_map.bind("localhost")
    seeds = ["/"] + [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    ]
    seeds += id_routes(app, adapter)
    queue, seen, pages, counts, reached = deque(seeds), set(), {}, {}, set()
    while queue:
        split = urlsplit(queue.popleft())
        if split.netloc not in ("", "localhost") or split.path.startswith(SKIPPED):
            continue
        url = urlunsplit(("", "", split.path, split.query, ""))
        if url in seen:
            continue
        seen.add(url)
        endpoint = endpoint_of(adapter, split.path, split.query)
        if endpoint is None or counts.get(endpoint, 0) >= MAX_FOR.get(endpoint, MAX_PER_ENDPOINT):
            continue
        response = client.get(url)
        reached.add(endpoint)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urljoin(url, response.headers["Location"]))
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        counts[endpoint] = counts.get(endpoint, 0) + 1
        pages[url] = endpoint
        links = Links()
        links.feed(response.get_data(as_text=True))
        for href in links.hrefs:
            if not href.startswith(("mailto:", "tel:", "#", "data:")):
                queue.append(urljoin(url, href))
    return pages, reached


def _models():
    found, stack = [], [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


def id_routes(app, adapter):
    """The GET routes with one row id (`<int:conversation_id>`: Conversation's), with the
    first ids of that table: pages the links may not lead to yet. Tried after the links."""
    urls = []
    with app.app_context():
        models = {re.sub(r"(?<!^)(?=[A-Z])", "_", m.__name__).lower(): m for m in _models()}
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or len(rule.arguments) != 1:
                continue
            (name,) = rule.arguments
            model = models.get(name.removesuffix("_id"))
            if model is None or not isinstance(rule._converters[name], IntegerConverter):
                continue
            for (row_id,) in model.select(model.id).order_by(model.id).limit(10).tuples():
                urls.append(adapter.build(rule.endpoint, {name: row_id}))
    return urls


def reachable_endpoints(app, role):
    """The GET routes the role may open (the access table the views declare)."""
    user_role = "partner" if role == "association" else role
    with app.app_context():
        return {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and rule.endpoint != "static"
            and (
                user_role in allowed_roles(rule.endpoint) or PUBLIC in allowed_roles(rule.endpoint)
            )
        }


# The tap targets: what a finger presses. A link inside a sentence is exempt (WCAG's inline
# exception); a checkbox or a radio button counts with its label, which presses it too.
TAP_TARGETS = """(size) => {
  const small = [];
  const selector =
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest(".skip, .visually-hidden")) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.getClientRects().length === 0) continue;
    let box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (el.tagName === "A" && style.display === "inline") {
      let block = el.parentElement;
      const inline = (node) => getComputedStyle(node).display.startsWith("inline");
      while (block && inline(block)) block = block.parentElement;
      if (block && block.textContent.trim() !== el.textContent.trim()) continue;
    }
    if (el.type === "checkbox" || el.type === "radio") {
      const label =
        el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) {
        const l = label.getBoundingClientRect();
        box = {width: Math.max(box.width, l.width), height: Math.max(box.height, l.height)};
      }
    }
    if (box.width < size - 0.5 || box.height < size - 0.5) {
      const name = (el.getAttribute("aria-label") || el.textContent || el.name || el.type || "")
        .trim().slice(0, 40);
      const measured = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name}" ${measured}`);
    }
  }
  return small;
}"""


# The innermost elements that reach past the right edge: what makes a page scroll sideways.
TOO_WIDE = """(width) => {
  const past = (el) => el.getBoundingClientRect().right > width + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList).map((c) => "." + c).join("");
  return Array.from(document.body.querySelectorAll("*"))
    .filter((el) => past(el) && !Array.from(el.children).some(past))
    .slice(0, 4)
    .map((el) => {
      const right = Math.round(el.getBoundingClientRect().right);
      return `${name(el.parentElement)} > ${name(el)} (${right} px)`;
    });
}"""


def problems_on(page, tap_targets):
    found = []
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > min(widths[1], WIDTH) + 1:
        culprits = ", ".join(page.evaluate(TOO_WIDE, WIDTH))
        found.append(f"scrolls sideways: {widths[0]} px wide at {WIDTH} px: {culprits}")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
        })""",
        WCAG,
    )
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
            found.append(f"axe {v['id']} ({v['impact']}): {targets}")
    if tap_targets:
        # What folds away is measured open: the menu, the directory's filters.
        toggle = page.locator(".top .menu-toggle:visible")  # the button, or the link before it
        if toggle.count():
            toggle.first.click()
            expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        found += [f"tap target under {TARGET} px: {t}" for t in page.evaluate(TAP_TARGETS, TARGET)]
    return found


def walk(page, base, pages, tap_targets=False):
    found = {}
    for url in pages:
        # DOMContentLoaded waits for the style sheet and the deferred scripts.
        response = page.goto(base + url, wait_until="domcontentloaded")
        assert response.ok, (url, response.status)
        problems = problems_on(page, tap_targets)
        if problems:
            found[url] = problems
    return found


def report(found):
    return "\n".join(f"{url}:\n    " + "\n    ".join(p) for url, p in found.items())


# The threaded test server sometimes leaves a static file's handle to the garbage collector
# when the browser moves on to the next page; nothing of the app's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(new_context, live_server, rich, role):
    app = live_server.app
    client = app.test_client()
    response = client.post("/login", data={"email": ROLES[role], "password": DEMO_PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    started = time.monotonic()
    pages, reached = crawl(app, client)
    crawled = time.monotonic()
    missed = reachable_endpoints(app, role) - reached - UNLINKED
    assert not missed, f"pages the crawl never reached as {role}: {sorted(missed)}"

    page = new_context(**PHONE).new_page()
    login(page, live_server.url, ROLES[role], DEMO_PASSWORD)
    found = walk(page, live_server.url, pages, tap_targets=role == "volunteer")
    print(
        f"\n{role}: {len(pages)} pages, crawled in {crawled - started:.1f} s, "
        f"walked in {time.monotonic() - crawled:.1f} s"
    )
    assert not found, f"{len(found)} of {len(pages)} pages as {role}:\n{report(found)}"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_every_page_logged_out_fits_a_phone(new_context, live_server, rich):
    app = live_server.app
    pages, _reached = crawl(app, app.test_client())
    assert {"auth.login", "invitations.forgot"} <= set(pages.values())
    page = new_context(**PHONE).new_page()
    found = walk(page, live_server.url, pages, tap_targets=True)
    assert not found, f"{len(found)} of {len(pages)} pages logged out:\n{report(found)}"
