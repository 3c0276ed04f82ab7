"""Logging in and out; passwords; where each role lands."""

import pytest
from conftest import PASSWORD, CsrfClient, fresh_database_url, make_user

from trivsel import create_app
from trivsel.core.auth import _dummy_hash
from trivsel.core.db import database
from trivsel.core.users import User
from trivsel.schema import prepare_database


@pytest.mark.parametrize(
    "role, home",
    [
        ("coordinator", "/dashboard"),
        ("volunteer", "/me/"),
        ("partner", "/partner/"),
        ("admin", "/admin/users"),
    ],
)
def test_each_role_lands_on_its_home(client, auth, users, role, home):
    response = auth.login(users[role])
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200


def test_a_wrong_password_gets_a_danish_message(client, users):
    response = client.post("/login", data={"email": users["admin"].email, "password": "wrong"})
    assert response.status_code == 422
    assert "Forkert e-mail eller adgangskode." in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302


def test_an_unknown_email_gets_the_same_message(client, users):
    response = client.post("/login", data={"email": "nobody@x.dk", "password": PASSWORD})
    assert "Forkert e-mail eller adgangskode." in response.get_data(as_text=True)


def test_an_inactive_user_cannot_log_in(client, app):
    user = make_user("coordinator", "Inaktiv Person", active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 422


@pytest.mark.database
def test_passwords_are_hashed_with_scrypt(tmp_path):
    """The production setting, which the other tests swap for a cheap hash: an app built
    without PASSWORD_HASH_METHOD stores scrypt hashes, and logs in with the right password
    only."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": fresh_database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "PLUGINS_DIR": str(tmp_path / "no-plugins"),
            "ENTRY_POINT_PLUGINS": False,
        }
    )
    app.test_client_class = CsrfClient
    try:
        with app.app_context():
            prepare_database()
            user = make_user("admin", "Anders Admin")
            stored = User.get_by_id(user.id).password_hash
            assert _dummy_hash().startswith("scrypt:")  # an unknown e-mail costs the same
        assert stored.startswith("scrypt:")
        assert PASSWORD not in stored
        client = app.test_client()
        wrong = client.post("/login", data={"email": user.email, "password": "wrong"})
        assert wrong.status_code == 422
        right = client.post("/login", data={"email": user.email, "password": PASSWORD})
        # The production default: an admin sets up a second factor before getting in.
        assert right.headers["Location"] == "/login/two-factor/setup"
    finally:
        if not database.is_closed():
            database.close()


def test_login_redirects_only_within_the_site(client, auth, users):
    data = {"email": users["coordinator"].email, "password": PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/dashboard"
    client.token = None
    auth.logout()
    response = client.post("/login?next=/courses", data=data)
    assert response.headers["Location"] == "/courses"


def test_logout_ends_the_session(client, auth, users):
    auth.login(users["coordinator"])
    assert auth.logout().status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_a_deactivated_user_is_logged_out_on_the_next_request(client, auth, users):
    auth.login(users["volunteer"])
    User.update(active=False).where(User.id == users["volunteer"].id).execute()
    assert client.get("/me/").status_code == 302


def test_every_response_carries_the_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
