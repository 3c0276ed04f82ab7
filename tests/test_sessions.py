"""Server-side sessions: a login is a row; a copy of the cookie opens nothing once the row is
gone (logout, password change or reset, deactivation, idle or absolute timeout)."""

from datetime import timedelta

import pytest
from conftest import PASSWORD, Auth, make_user

from trivsel.auth.models import UserSession
from trivsel.core.db import now
from trivsel.core.users import User

NEW_PASSWORD = "en lang sætning om haven"


def second_client(app):
    other = app.test_client()
    return other, Auth(other)


def replay(app, cookie, url):
    """A fresh browser given a copied session cookie, asking for `url`."""
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief.get(url)


@pytest.fixture
def course_url(kit):
    course_id = kit.to("active")
    kit.auth.logout()
    return f"/courses/{course_id}"


def test_an_old_cookie_replayed_after_logout_is_refused(app, client, auth, users, course_url):
    auth.login(users["coordinator"])
    assert client.get(course_url).status_code == 200
    copied = client.get_cookie("session")
    assert replay(app, copied, course_url).status_code == 200  # the copy works while logged in
    auth.logout()
    response = replay(app, copied, course_url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, auth, users):
    coordinator = users["coordinator"]
    other, other_auth = second_client(app)
    other_auth.login(coordinator)
    assert other.get("/dashboard").status_code == 200
    copied = other.get_cookie("session")
    auth.login(coordinator)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert "1 anden session er afsluttet" in page
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert replay(app, copied, "/dashboard").status_code == 302
    client.post("/logout")
    assert auth.login(coordinator, NEW_PASSWORD).status_code == 302


def test_a_password_change_needs_the_current_password_and_a_good_new_one(client, auth, users):
    auth.login(users["volunteer"])
    before = User.get_by_id(users["volunteer"].id).password_hash
    cases = [
        ({"current_password": "forkert", "new_password": NEW_PASSWORD}, "forkert"),
        ({"current_password": PASSWORD, "new_password": "kort"}, "mindst 12 tegn"),
        ({"current_password": PASSWORD, "new_password": "password1234"}, "for almindelig"),
        ({"current_password": PASSWORD, "new_password": "Mona Jensen"}, "mindst 12 tegn"),
    ]
    for data, message in cases:
        data.setdefault("confirm", data["new_password"])
        response = client.post("/account/password", data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    mismatch = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": "x" * 12}
    response = client.post("/account/password", data=mismatch)
    assert "De to adgangskoder er ikke ens." in response.get_data(as_text=True)
    assert User.get_by_id(users["volunteer"].id).password_hash == before


def test_deactivating_a_user_ends_all_their_sessions(app, client, auth, users):
    volunteer = make_user("volunteer", "Vera Frivillig", email="vera@frivilligcenter.dk")
    other, other_auth = second_client(app)
    other_auth.login(volunteer)
    copied = other.get_cookie("session")
    assert UserSession.select().where(UserSession.user == volunteer.id).count() == 1
    auth.login(users["admin"])
    response = client.post(
        f"/admin/users/{volunteer.id}",
        data={
            "name": volunteer.name,
            "email": volunteer.email,
            "role": "volunteer",
            "organisation": "",
        },
    )  # "active" unticked
    assert response.status_code == 303
    assert UserSession.select().where(UserSession.user == volunteer.id).count() == 0
    User.update(active=True).where(User.id == volunteer.id).execute()  # reactivated later
    assert replay(app, copied, "/me/").status_code == 302


def test_an_idle_session_ends_after_two_hours(client, auth, users):
    auth.login(users["volunteer"])
    assert client.get("/me/").status_code == 200
    UserSession.update(last_seen_at=now() - timedelta(minutes=119)).execute()
    assert client.get("/me/").status_code == 200  # and the visit counts as activity
    assert UserSession.get().last_seen_at > now() - timedelta(minutes=1)
    UserSession.update(last_seen_at=now() - timedelta(minutes=121)).execute()
    assert client.get("/me/").status_code == 302
    assert UserSession.select().count() == 0


def test_a_session_ends_twelve_hours_after_login_however_busy(client, auth, users):
    auth.login(users["volunteer"])
    UserSession.update(created_at=now() - timedelta(hours=12, minutes=1)).execute()
    assert client.get("/me/").status_code == 302


def test_the_timeouts_are_settings(app, client, auth, users):
    app.config["SESSION_IDLE_MINUTES"] = 5
    auth.login(users["volunteer"])
    UserSession.update(last_seen_at=now() - timedelta(minutes=6)).execute()
    assert client.get("/me/").status_code == 302


def test_a_user_sees_their_sessions_and_ends_one(app, client, auth, users):
    volunteer = users["volunteer"]
    other, other_auth = second_client(app)
    other_auth.login(volunteer)
    auth.login(volunteer)
    page = client.get("/account").get_data(as_text=True)
    assert "Hvor du er logget ind" in page
    assert page.count("Denne session") == 1
    assert page.count(">Afslut<") == 1
    theirs = UserSession.select().order_by(UserSession.id).first()
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 303
    assert other.get("/me/").status_code == 302
    assert client.get("/me/").status_code == 200


def test_a_user_cannot_end_someone_elses_session(app, client, auth, users):
    other, other_auth = second_client(app)
    other_auth.login(users["coordinator"])
    theirs = UserSession.get()
    auth.login(users["volunteer"])
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 404
    assert other.get("/dashboard").status_code == 200


def test_ending_every_other_session(app, client, auth, users):
    others = [second_client(app) for _ in range(2)]
    for _, other_auth in others:
        other_auth.login(users["volunteer"])
    auth.login(users["volunteer"])
    assert client.post("/account/sessions/end-others").status_code == 303
    assert all(other.get("/me/").status_code == 302 for other, _ in others)
    assert client.get("/me/").status_code == 200


def test_the_table_keeps_a_hash_of_the_key_not_the_key(app, client, auth, users):
    auth.login(users["volunteer"])
    row = UserSession.get()
    cookie = client.get_cookie("session").value
    # The cookie is signed, not encrypted: it carries the key; the table holds only its hash,
    # so a copy of the database opens no session.
    key = app.session_interface.get_signing_serializer(app).loads(cookie)["sid"]
    assert len(key) >= 43 and len(row.key_hash) == 64
    assert row.key_hash != key and key not in row.key_hash
    assert UserSession.select().where(UserSession.key_hash == key).count() == 0


def test_an_old_session_cookie_after_a_new_login_opens_nothing(app, client, auth, users):
    """Logging in again issues a new key; the key before the login (fixation) is not kept."""
    client.get("/login")
    before = client.get_cookie("session")
    auth.login(users["volunteer"])
    assert replay(app, before, "/me/").status_code == 302


def test_the_retention_job_deletes_the_sessions_that_ended(app, client, auth, users, runner):
    auth.login(users["volunteer"])
    other, other_auth = second_client(app)
    other_auth.login(users["coordinator"])
    UserSession.update(last_seen_at=now() - timedelta(hours=3)).where(
        UserSession.user == users["volunteer"].id
    ).execute()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert [row.user_id for row in UserSession.select()] == [users["coordinator"].id]


def test_the_page_asked_for_before_login_is_kept_out_of_the_url(client, auth, users):
    response = client.get("/courses?stage=active")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert auth.login(users["coordinator"]).headers["Location"] == "/courses?stage=active"


def test_a_new_role_ends_the_users_sessions(app, client, auth, users):
    """A volunteer made coordinator must log in again (and give the second factor the new role
    may need): the session opened as a volunteer does not carry over."""
    volunteer = make_user("volunteer", "Vera Frivillig", email="vera@frivilligcenter.dk")
    other, other_auth = second_client(app)
    other_auth.login(volunteer)
    auth.login(users["admin"])
    response = client.post(
        f"/admin/users/{volunteer.id}",
        data={
            "name": volunteer.name,
            "email": volunteer.email,
            "role": "coordinator",
            "organisation": "",
            "active": "y",
        },
    )
    assert response.status_code == 303
    assert other.get("/courses").status_code == 302
