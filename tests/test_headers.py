"""Headers that keep personal data out of caches and on HTTPS: `Cache-Control: no-store` on
every response but the static files, and, when BASE_URL is https, HSTS and Secure cookies."""

import re

import pytest
from conftest import CsrfClient, app_config
from flask import make_response

from trivsel import create_app
from trivsel.core.auth import PUBLIC, allow
from trivsel.core.db import database
from trivsel.courses import flow
from trivsel.schema import prepare_database

HSTS = "max-age=31536000; includeSubDomains"


def assert_no_store(response):
    assert response.headers["Cache-Control"] == "no-store", response.headers
    assert "Expires" not in response.headers


# --- Cache-Control --------------------------------------------------------------------------


def test_the_login_page_is_not_stored(client):
    assert_no_store(client.get("/login"))


def test_course_pages_and_fragments_are_not_stored(kit):
    course_id = kit.to(flow.NEW, name="Inge Hansen")
    client = kit.client
    assert_no_store(client.get(f"/courses/{course_id}"))
    assert_no_store(client.get("/courses"))
    fragment = client.post("/courses", data={"q": "Inge"}, headers={"HX-Request": "true"})
    assert "Inge Hansen" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert_no_store(fragment)
    # A step answered with the course panel (an htmx fragment), and one answered by redirect.
    step = kit.step(course_id, flow.FIRST_CONTACT, headers={"HX-Request": "true"})
    assert step.status_code == 200
    assert_no_store(step)
    assert_no_store(client.get(f"/courses/{course_id}/privacy"))


def test_downloads_are_not_stored(kit):
    course_id = kit.to(flow.NEW, name="Inge Hansen")
    client = kit.client
    # send_file says "no-cache" (a cache may keep it, revalidating): replaced by no-store.
    for path, mimetype in [
        ("/statistics/annual.csv", "text/csv"),
        ("/statistics/annual.xlsx", "application/vnd.openxmlformats"),
        ("/statistics/annual-data.csv", "text/csv"),
        ("/statistics/annual.pdf", "application/pdf"),
        (f"/courses/{course_id}/privacy.json", "application/json"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype.startswith(mimetype), (path, response.mimetype)
        assert_no_store(response)
    page = client.post("/calendar/renew").get_data(as_text=True)
    token = re.search(r"/calendar/([A-Za-z0-9_-]{43})\.ics", page).group(1)
    client.post("/logout")
    feed = client.get(f"/calendar/{token}.ics")  # public: a calendar app cannot log in
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert_no_store(feed)


def test_redirects_and_errors_are_not_stored(client, auth, users):
    assert_no_store(client.get("/courses"))  # to the login page
    assert_no_store(client.get("/no-such-page"))
    auth.login(users["volunteer"])
    assert_no_store(client.get("/courses"))  # 403


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/trivsel.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers.get("ETag") or response.headers.get("Last-Modified")
    response.close()


def test_a_views_own_cache_control_stays_only_when_as_strict(app, client):
    """A view may say more (no-store with private or max-age=0), never less."""

    def view_saying(value):
        @allow(PUBLIC)
        def view():
            response = make_response("personal")
            response.headers["Cache-Control"] = value
            response.headers["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
            return response

        return view

    cases = {
        "public, max-age=3600": "no-store",
        "private, max-age=60": "no-store",
        "no-cache": "no-store",
        "private, no-store": "private, no-store",
        "no-store, max-age=0": "no-store, max-age=0",
    }
    for number, value in enumerate(cases):
        app.add_url_rule(f"/test-cache-{number}", f"test_cache_{number}", view_saying(value))
    for number, (value, kept) in enumerate(cases.items()):
        response = client.get(f"/test-cache-{number}")
        assert response.headers["Cache-Control"] == kept, value
        assert "Expires" not in response.headers, value


# --- HTTPS: Secure cookies and HSTS --------------------------------------------------------


@pytest.fixture
def app_at(tmp_path, plugins_dir):
    """An app built as the `app` fixture builds it, with the settings given."""
    apps = []

    def build(**settings):
        # Two-factor as in production unless the settings say otherwise.
        app = create_app(
            app_config(tmp_path, plugins_dir, **{"REQUIRE_TWO_FACTOR": True, **settings})
        )
        app.test_client_class = CsrfClient
        with app.app_context():
            prepare_database()
        apps.append(app)
        return app

    yield build
    if not database.is_closed():
        database.close()


def cookie_view(app):
    """A view of the test's own that sets a cookie without saying Secure."""

    @allow(PUBLIC)
    def view():
        response = make_response("set")
        response.set_cookie("test_cookie", "1", httponly=True)
        return response

    app.add_url_rule("/test-cookie", "test_cookie", view)


def set_cookies(response):
    return response.headers.getlist("Set-Cookie")


def is_secure(cookie):
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])


@pytest.mark.database
def test_on_https_cookies_are_secure_and_hsts_is_sent(app_at):
    app = app_at(BASE_URL="https://trivsel.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    cookie_view(app)
    client = app.test_client()
    login = client.get("/login")  # the CSRF token starts the session
    cookies = set_cookies(login)
    assert any(c.startswith("session=") for c in cookies), cookies
    assert all(is_secure(c) for c in cookies), cookies
    assert login.headers["Strict-Transport-Security"] == HSTS
    own = set_cookies(client.get("/test-cookie"))
    assert own and all(is_secure(c) for c in own), own
    static = client.get("/static/trivsel.css")
    assert static.headers["Strict-Transport-Security"] == HSTS
    static.close()


@pytest.mark.database
def test_on_plain_http_neither(app_at):
    app = app_at(BASE_URL="http://127.0.0.1:5000")
    assert not app.config["SESSION_COOKIE_SECURE"]
    cookie_view(app)
    client = app.test_client()
    login = client.get("/login")
    cookies = set_cookies(login) + set_cookies(client.get("/test-cookie"))
    assert any(c.startswith("session=") for c in cookies), cookies
    assert not any(is_secure(c) for c in cookies), cookies
    assert "Strict-Transport-Security" not in login.headers


@pytest.mark.database
def test_the_environment_variable_turns_https_on(app_at, monkeypatch):
    """TRIVSEL_BASE_URL, as production sets it (the config dict here leaves BASE_URL out)."""
    monkeypatch.setenv("TRIVSEL_BASE_URL", "https://trivsel.example.org")
    app = app_at()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert all(is_secure(c) for c in set_cookies(response))


def test_the_token_pages_send_no_referer(client):
    for path in ("/password/forgot", "/invitation/" + "x" * 60, "/password/reset/" + "x" * 60):
        response = client.get(path)
        assert response.headers["Referrer-Policy"] == "no-referrer", path


def test_the_shipped_gunicorn_config_trusts_the_one_proxy_in_front(monkeypatch):
    import importlib

    monkeypatch.delenv("TRIVSEL_TRUSTED_PROXIES", raising=False)
    import trivsel.gunicorn_conf as conf

    importlib.reload(conf)
    import os

    assert os.environ["TRIVSEL_TRUSTED_PROXIES"] == "1"
    assert conf.bind.startswith("127.0.0.1:")
    monkeypatch.setenv("TRIVSEL_TRUSTED_PROXIES", "0")
    importlib.reload(conf)
    assert os.environ["TRIVSEL_TRUSTED_PROXIES"] == "0"  # a set-up that says otherwise wins
