"""Fixtures: an app on a fresh database (SQLite file, or PostgreSQL when TRIVSEL_DATABASE_URL
says so), a test client that sends the CSRF token like the pages do, and login helpers.

On PostgreSQL only the tests that use a database run (see pytest_collection_modifyitems), each
pytest-xdist worker on a database of its own on the server TRIVSEL_DATABASE_URL names."""

import os
import re
from contextlib import contextmanager
from datetime import date
from functools import cache
from urllib.parse import urlsplit

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from trivsel import create_app
from trivsel.core.auth import hash_password
from trivsel.core.db import close_all, database, open_database
from trivsel.core.users import User
from trivsel.corps.models import VolunteerProfile
from trivsel.schema import prepare_database

POSTGRES_URL = os.environ.get("TRIVSEL_DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")
PASSWORD = "correct horse battery"
# A cheap hash for test users (scrypt costs a quarter of a second a user); one test in
# test_auth.py checks the production default.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


@cache
def worker_postgres_url():
    """This worker's own database (trivsel_test_gw0, ...; trivsel_test_main without xdist) on
    the server of TRIVSEL_DATABASE_URL, created on first use: workers reset theirs freely."""
    import psycopg2

    name = f"trivsel_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    connection = psycopg2.connect(POSTGRES_URL)
    connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    return urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()


def fresh_database_url(tmp_path):
    """An empty database for one test: this worker's PostgreSQL database, emptied, or a new
    SQLite file in tmp_path."""
    if ON_POSTGRES:
        url = worker_postgres_url()
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'trivsel.db'}"


def uses_database(item):
    """A test uses the database when it asks for the app (directly or through client, auth,
    users, kit, ...) or is marked `database` (it builds an app of its own on it)."""
    return "app" in item.fixturenames or item.get_closest_marker("database") is not None


# The counts of tests the PostgreSQL run leaves out, for the terminal summary.
DESELECTED = pytest.StashKey[dict]()


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, run what differs between the databases: the tests that use one. The
    browser tests and the tests without a database ran on SQLite already."""
    if not ON_POSTGRES:
        return
    browser = [item for item in items if item.get_closest_marker("browser")]
    no_database = [item for item in items if not uses_database(item)]
    no_database = [item for item in no_database if not item.get_closest_marker("browser")]
    if browser or no_database:
        config.hook.pytest_deselected(items=browser + no_database)
        left_out = set(browser + no_database)
        items[:] = [item for item in items if item not in left_out]
    counts = {"browser": len(browser), "no database": len(no_database)}
    config.stash[DESELECTED] = counts
    if hasattr(config, "workeroutput"):  # an xdist worker: tell the controller
        config.workeroutput["trivsel_deselected"] = counts


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist: the controller keeps the counts a worker deselected (they all collect alike)."""
    counts = getattr(node, "workeroutput", {}).get("trivsel_deselected")
    if counts:
        node.config.stash[DESELECTED] = counts


def pytest_terminal_summary(terminalreporter, config):
    counts = config.stash.get(DESELECTED, None)
    if counts:
        terminalreporter.write_line(
            f"PostgreSQL run: deselected {counts['browser']} browser tests and "
            f"{counts['no database']} tests that use no database (they run on SQLite)."
        )


def reset_postgres(url):
    db = open_database(url)
    with db.connection_context():
        db.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
    db.close()


class CsrfClient(FlaskClient):
    """Sends the CSRF token in the X-CSRFToken header, as the pages' htmx set-up does.
    `csrf=False` sends a request without it."""

    token = None

    def fetch_token(self):
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        self.token = TOKEN.search(page).group(1)
        return self.token

    def open(self, *args, csrf=True, **kwargs):
        method = kwargs.get("method", "GET")
        if len(args) > 0 and hasattr(args[0], "method"):
            method = args[0].method
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.token or self.fetch_token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


@pytest.fixture
def plugins_dir(tmp_path):
    """The plugins folder the app loads: none by default; a test module overrides this
    fixture to load the partner plugins in plugins/."""
    return tmp_path / "no-plugins"


def app_config(tmp_path, plugins_dir, **overrides):
    """The test app's configuration (the `app` fixture's), with `overrides`."""
    return {
        "TESTING": True,
        "DATABASE_URL": fresh_database_url(tmp_path),
        "SECRET_KEY": "test-secret",
        "PLUGINS_DIR": str(plugins_dir),
        "ENTRY_POINT_PLUGINS": False,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        # Two-factor is on by default; the tests of it (test_two_factor.py) turn it on.
        "REQUIRE_TWO_FACTOR": False,
        **overrides,
    }


@pytest.fixture
def app(tmp_path, plugins_dir):
    app = create_app(app_config(tmp_path, plugins_dir))
    app.test_client_class = CsrfClient
    with app.app_context():
        prepare_database()
    yield app
    close_all(database.obj)  # a PostgreSQL pool's connections too


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def statements():
    """The SQL statements run inside the block, as peewee's query events (`sql`, `params`):
    for the tests that a page or a job runs a fixed number of them."""
    seen = []
    database.obj.query_hooks.append(seen.append)
    try:
        yield seen
    finally:
        database.obj.query_hooks.remove(seen.append)


def make_user(role, name=None, email=None, active=True):
    """A user who logs in with PASSWORD. In an app context (the fixtures') the password is
    hashed as that app's PASSWORD_HASH_METHOD says; outside one, with TEST_HASH_METHOD."""
    name = name or f"{role.title()} Test"
    email = email or f"{name.split()[0].lower()}.{role}@trivsel.test"
    if has_app_context():
        password_hash = hash_password(PASSWORD)
    else:
        password_hash = generate_password_hash(PASSWORD, method=TEST_HASH_METHOD)
    return User.create(
        email=email, name=name, role=role, password_hash=password_hash, active=active
    )


def make_profile(user, **fields):
    """A volunteer profile; by default active, declaration signed, room for many courses."""
    values = {
        "status": "active",
        "applied_on": date(2025, 1, 6),
        "declaration_signed_on": date(2025, 1, 20),
        "capacity": 5,
    }
    values.update(fields)
    return VolunteerProfile.create(user=user, **values)


@pytest.fixture
def users(app):
    """One user of each role, and a second volunteer (both active, declaration signed)."""
    with app.app_context():
        users = {
            "coordinator": make_user("coordinator", "Birgit Holm"),
            "volunteer": make_user("volunteer", "Mona Jensen"),
            "other_volunteer": make_user("volunteer", "Poul Madsen"),
            "partner": make_user("partner", "Susanne Berg"),
            "admin": make_user("admin", "Anders Admin"),
        }
        make_profile(users["volunteer"])
        make_profile(users["other_volunteer"])
        return users


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password=PASSWORD):
        self.client.token = None
        response = self.client.post("/login", data={"email": user.email, "password": password})
        self.client.token = None  # the session (and its token) is new after login
        return response

    def logout(self):
        response = self.client.post("/logout")
        self.client.token = None
        return response


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def today():
    return date.today()


@pytest.fixture
def kit(client, auth, users):
    from flowkit import FlowKit

    return FlowKit(client, auth, users)
