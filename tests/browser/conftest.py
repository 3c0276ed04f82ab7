"""Real-browser fixtures: the app served from a thread on a fresh database, and Debian's
chromium driven by pytest-playwright (never `playwright install`)."""

import threading
from pathlib import Path

import pytest
from conftest import PASSWORD, make_profile, make_user
from playwright.sync_api import expect
from werkzeug.serving import make_server

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url():
    """Each test serves its own app, so there is no session-wide base URL. (Overriding it
    also keeps pytest-playwright's own base_url fixture, which pytest 9 warns about, away.)"""
    return None


class LiveServer:
    """The app behind a real HTTP server in a thread, on a port the system picks."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def people(app):
    """A coordinator and two volunteers who may be proposed (active, declaration signed),
    each logging in with conftest.PASSWORD."""
    with app.app_context():
        people = {
            "coordinator": make_user("coordinator", "Birgit Holm"),
            "volunteer": make_user("volunteer", "Mona Jensen"),
            "other_volunteer": make_user("volunteer", "Poul Madsen"),
        }
        make_profile(people["volunteer"])
        make_profile(people["other_volunteer"])
        return people


@pytest.fixture
def demo(app):
    """The demo data (its logins use the password trivsel-demo)."""
    from trivsel.demo.loader import load_demo

    with app.app_context():
        load_demo()


def login(page, base_url, email, password=PASSWORD):
    """Log in through the login form, as a person would."""
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)


def logout(page):
    log_out = page.get_by_role("button", name="Log ud")
    # On a phone "Log ud" is in the folded menu: open it (its button, or the link it is
    # before the script has run).
    toggle = page.locator(".top .menu-toggle:visible")
    expect(log_out.or_(toggle).first).to_be_visible()
    if not log_out.is_visible():
        toggle.first.click()
    log_out.click()
    page.wait_for_url("**/login")


def mark_document(page):
    """Set a marker on window: it survives an htmx swap, and is gone after a full load."""
    page.evaluate("window.__trivselMarker = 'kept'")


def document_kept(page):
    return page.evaluate("window.__trivselMarker") == "kept"
