"""Fixtures: an app on a fresh database (SQLite file, or PostgreSQL when TRIVSEL_DATABASE_URL
says so), a test client that sends the CSRF token like the pages do, and login helpers."""

import os
import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from trivsel import create_app
from trivsel.app import prepare_database
from trivsel.core.auth import hash_password
from trivsel.core.db import database, open_database
from trivsel.core.users import User
from trivsel.corps.models import VolunteerProfile

POSTGRES_URL = os.environ.get("TRIVSEL_DATABASE_URL", "")
PASSWORD = "correct horse battery"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


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


@pytest.fixture
def app(tmp_path, plugins_dir):
    if POSTGRES_URL.startswith("postgres"):
        reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path / 'trivsel.db'}"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "PLUGINS_DIR": str(plugins_dir),
            "ENTRY_POINT_PLUGINS": False,
        }
    )
    app.test_client_class = CsrfClient
    with app.app_context():
        prepare_database()
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(role, name=None, email=None, active=True):
    name = name or f"{role.title()} Test"
    email = email or f"{name.split()[0].lower()}.{role}@trivsel.test"
    return User.create(
        email=email, name=name, role=role, password_hash=hash_password(PASSWORD), active=active
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
