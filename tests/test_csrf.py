"""CSRF on every state change, and an expired token that loses nothing."""

import pytest
from itsdangerous import TimestampSigner

from trivsel import create_app
from trivsel.courses import flow
from trivsel.courses.models import Course


def test_a_post_without_token_is_refused_and_changes_nothing(kit):
    course_id = kit.to(flow.NEW)
    response = kit.client.post(
        f"/courses/{course_id}/steps/first_contact",
        data={"first_contact-contacted_on": "2026-01-01", "first_contact-version": 1},
        csrf=False,
    )
    assert response.status_code == 400
    assert Course.get_by_id(course_id).stage == flow.NEW


def test_login_needs_a_token_too(client, users):
    response = client.post(
        "/login", data={"email": users["admin"].email, "password": "x"}, csrf=False
    )
    assert response.status_code == 400


class Clock:
    """Seconds added to the clock itsdangerous stamps and checks the tokens with."""

    offset = 0


@pytest.fixture
def short_lived(app, monkeypatch):
    """The same app, with form tokens that expire after a minute, on a clock `_expire` moves
    on instead of waiting."""
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    monkeypatch.setattr(Clock, "offset", 0)
    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now(self) + Clock.offset)
    return app


def _expire(client):
    """Fetch a token, then let a minute and a second pass: the token is past its minute."""
    client.fetch_token()
    Clock.offset += 61


def test_an_expired_token_on_a_plain_form_keeps_what_was_typed(short_lived, kit):
    course_id = kit.to(flow.INTAKE_SCHEDULED)
    _expire(kit.client)
    version = Course.get_by_id(course_id).version
    data = {
        "hold_intake-held_on": "2026-11-02",
        "hold_intake-goals": "Turde gå til lægen alene",
        "hold_intake-outcome": "matching",
        "hold_intake-version": version,
    }
    response = kit.client.post(f"/courses/{course_id}/steps/hold_intake", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "sikkerhedsnøglen er udløbet" in text
    assert "Turde gå til lægen alene" in text  # shown, and sent again as a hidden field
    assert 'name="hold_intake-goals" value="Turde gå til lægen alene"' in text
    assert Course.get_by_id(course_id).stage == flow.INTAKE_SCHEDULED


def test_an_expired_token_on_htmx_gets_a_fresh_token_and_a_message(short_lived, kit):
    course_id = kit.to(flow.NEW)
    _expire(kit.client)
    response = kit.client.post(
        f"/courses/{course_id}/steps/first_contact",
        data={"first_contact-contacted_on": "2026-11-02", "first_contact-version": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "sikkerhedsnøglen er udløbet" in response.get_data(as_text=True)
    fresh = response.headers["X-CSRF-Token"]
    short_lived.config["WTF_CSRF_TIME_LIMIT"] = 3600
    again = kit.client.post(
        f"/courses/{course_id}/steps/first_contact",
        data={"first_contact-contacted_on": "2026-11-02", "first_contact-version": 1},
        headers={"HX-Request": "true", "X-CSRFToken": fresh},
    )
    assert again.status_code == 200
    assert Course.get_by_id(course_id).stage == flow.CONTACTED


def test_the_default_token_outlives_a_working_day(tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"}
    )
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 8 * 3600


def test_a_missing_token_gets_no_fresh_token_and_no_resubmit_form(kit):
    course_id = kit.to(flow.NEW)
    for headers in ({}, {"HX-Request": "true"}):
        response = kit.client.post(
            f"/courses/{course_id}/steps/withdraw",
            data={"withdraw-withdrawn_on": "2026-11-02", "withdraw-version": 1},
            headers=headers,
            csrf=False,
        )
        assert response.status_code == 400
        assert "X-CSRF-Token" not in response.headers
        text = response.get_data(as_text=True)
        assert "sikkerhedsnøglen mangler eller er forkert" in text
        assert "Send igen" not in text
    assert Course.get_by_id(course_id).stage == flow.NEW


def test_an_expired_token_sent_from_another_site_is_refused_plainly(short_lived, kit):
    course_id = kit.to(flow.NEW)
    _expire(kit.client)
    response = kit.client.post(
        f"/courses/{course_id}/steps/withdraw",
        data={"withdraw-withdrawn_on": "2026-11-02", "withdraw-version": 1},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 400
    assert "Send igen" not in response.get_data(as_text=True)


def test_an_expired_token_never_sends_a_password_or_a_code_back(short_lived, client, auth, users):
    auth.login(users["volunteer"])
    _expire(client)
    secrets = {
        "current_password": "correct horse battery",
        "new_password": "min hemmelige nye sætning",
        "confirm": "min hemmelige nye sætning",
    }
    response = client.post("/account/password", data=secrets)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "sikkerhedsnøglen er udløbet" in text
    for value in secrets.values():
        assert value not in text
